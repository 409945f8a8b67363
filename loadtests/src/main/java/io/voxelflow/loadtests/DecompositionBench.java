package io.voxelflow.loadtests;

import io.voxelflow.decomposition.canica.Recovery;
import io.voxelflow.decomposition.canica.Threshold;
import io.voxelflow.decomposition.dictlearning.DictLearningParameters;
import io.voxelflow.decomposition.pipeline.ComponentMaps;
import io.voxelflow.decomposition.pipeline.GroupDecomposition;
import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.mask.Masking;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.numerics.Matrix;
import io.voxelflow.simulate.SimulationConfig;
import io.voxelflow.simulate.SimulationSize;
import io.voxelflow.simulate.Simulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;

/**
 * CanICA and DictLearning of the medium simulated set (10 subjects × 61×73×61×300, 10 planted
 * networks), the whole pipeline from the .nii.gz files (multi-subject EPI mask, smoothing, cleaning,
 * reductions, group step, time courses) under a heap smaller than the data; recovery of the planted
 * networks; and, when {@code VOXELFLOW_NILEARN} names a nilearn 0.10.4 source tree, nilearn's
 * CanICA/DictLearning on the same files in the same run (Debian's python3, 2 BLAS threads): from
 * the file names (nilearn inflates them for the mask and again for the masker), and CanICA once more
 * with the images loaded beforehand (nibabel caches the data: the fit alone, as the shared reference
 * table times it) — the like-for-like partner of ours from stored, uncompressed images.
 */
final class DecompositionBench {
  private DecompositionBench() {}

  static Path dataset() throws Exception {
    Path dir = BenchFiles.dir().resolve("decomposition-medium");
    if (!Files.exists(dir.resolve("derivatives/truth/maps.nii.gz"))) {
      Simulator.simulate(dir, SimulationConfig.of(SimulationSize.MEDIUM, 1234), (f, s) -> { });
    }
    return dir;
  }

  static List<Path> images(Path dir) throws Exception {
    List<Path> out = new ArrayList<>();
    try (var s = Files.walk(dir)) {
      s.filter(p -> p.getFileName().toString().endsWith("_bold.nii.gz") && !p.toString().contains("derivatives"))
          .sorted().forEach(out::add);
    }
    return out;
  }


  static void run() throws Exception {
    Path dir = dataset();
    List<Path> images = images(dir);
    Path truthDir = dir.resolve("derivatives/truth");
    BinaryMask truthMask;
    try (NiftiImage m = NiftiImage.open(truthDir.resolve("mask.nii.gz"))) {
      truthMask = Masking.loadMask(m, false);
    }
    Matrix truth = ComponentMaps.read(truthDir.resolve("maps.nii.gz"), truthMask);
    int k = truth.rows();
    long dataBytes = 0;
    for (Path p : images) {
      try (NiftiImage i = NiftiImage.open(p)) {
        dataBytes += (long) i.voxelsPerVolume() * i.volumeCount() * 4;
      }
    }
    StringBuilder json = new StringBuilder("{\"suite\": \"decomposition\", \"subjects\": " + images.size()
        + ", \"n_components\": " + k + String.format(Locale.ROOT, ", \"float32_data_mb\": %.0f, \"max_heap_mb\": %d",
        dataBytes / 1e6, Runtime.getRuntime().maxMemory() >> 20));
    ExecutorService pool = io.voxelflow.numerics.NumericThreads.pool("decomposition", Runtime.getRuntime().availableProcessors());
    // the images as the service reads them: stored uncompressed (ingest de-identifies into .nii)
    Path stored = BenchFiles.dir().resolve("decomposition-medium-stored");
    Files.createDirectories(stored);
    List<Path> storedImages = new GroupDecomposition(pool, stored).stage(images, Long.MAX_VALUE);
    for (GroupDecomposition.Method method : new GroupDecomposition.Method[] {GroupDecomposition.Method.CANICA,
        GroupDecomposition.Method.DICT_LEARNING}) {
      boolean canica = method == GroupDecomposition.Method.CANICA;
      String name = canica ? "canica" : "dictlearning";
      for (boolean fromGz : new boolean[] {true, false}) {
        IngestBench.Sampler sampler = new IngestBench.Sampler();
        sampler.start();
        long t0 = System.nanoTime();
        Path scratch = Files.createTempDirectory(BenchFiles.dir(), "decompose-");
        GroupDecomposition pipeline = new GroupDecomposition(pool, scratch);
        // .nii.gz inputs are inflated once into scratch, then the mask and the extraction read plain files
        List<Path> inputs = fromGz ? pipeline.stage(images, 16L << 30) : storedImages;
        BinaryMask mask = pipeline.multiEpiMaskParallel(inputs);
        GroupDecomposition.Settings s = new GroupDecomposition.Settings(method, k, 0, canica ? 6.0 : 4.0, true,
            Threshold.auto(), 10, true, DictLearningParameters.defaults(0), Runtime.getRuntime().maxMemory() / 4);
        GroupDecomposition.Result r = pipeline.run(inputs, mask, s, GroupDecomposition.ReductionCache.none(), (f, step) -> { });
        double secs = (System.nanoTime() - t0) / 1e9;
        sampler.stop();
        try (var w = Files.walk(scratch)) {
          w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        Recovery.Score rec = Recovery.match(truth, ComponentMaps.onVoxels(r.components(), mask, truthMask));
        String tag = name + (fromGz ? "_from_niigz" : "_from_stored");
        json.append(String.format(Locale.ROOT, ", \"%s_s\": %.1f, \"%s_recovery_mean\": %.3f, \"%s_recovery_min\": %.3f,"
            + " \"%s_peak_heap_mb\": %.0f", tag, secs, tag, rec.mean(), tag, rec.min(), tag, sampler.heap.get() / 1e6));
        System.err.printf(Locale.ROOT, "%s: %.1f s, recovery %.3f / %.3f, mask %d voxels%n", tag, secs, rec.mean(), rec.min(),
            mask.count());
      }
    }
    pool.shutdown();
    String nilearn = System.getenv("VOXELFLOW_NILEARN");
    if (nilearn != null) {
      for (String run : new String[] {"canica", "dictlearning", "canica_preloaded"}) {
        boolean preload = run.endsWith("_preloaded");
        String name = run.replace("_preloaded", "");
        Path out = BenchFiles.dir().resolve("nilearn_" + run + ".nii.gz");
        String py = "import sys, time, glob, warnings\nwarnings.filterwarnings('ignore')\n"
            + "from nilearn.decomposition import CanICA, DictLearning\n"
            + "import nibabel as nib\n"
            + "paths = sorted(glob.glob('" + dir + "/sub-*/func/*_bold.nii.gz'))\n"
            + (preload ? "imgs = [nib.load(p) for p in paths]\n[i.get_fdata() for i in imgs]\n" : "imgs = paths\n")
            + "t0 = time.perf_counter()\n"
            + "est = " + (name.equals("canica") ? "CanICA" : "DictLearning") + "(n_components=" + k + ", random_state=0).fit(imgs)\n"
            + "print(time.perf_counter() - t0)\n"
            + "est.components_img_.to_filename('" + out + "')\n";
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", "-c", py);
        pb.environment().put("PYTHONPATH", nilearn);
        pb.environment().put("OPENBLAS_NUM_THREADS", String.valueOf(Runtime.getRuntime().availableProcessors()));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String o = new String(p.getInputStream().readAllBytes()).trim();
        if (p.waitFor() != 0) {
          throw new IllegalStateException("nilearn failed: " + o);
        }
        String[] lines = o.split("\n");
        double secs = Double.parseDouble(lines[lines.length - 1]);
        Recovery.Score rec = Recovery.match(truth, ComponentMaps.read(out, truthMask));
        json.append(String.format(Locale.ROOT, ", \"nilearn_%s_s\": %.1f, \"nilearn_%s_recovery_mean\": %.3f,"
            + " \"nilearn_%s_recovery_min\": %.3f", run, secs, run, rec.mean(), run, rec.min()));
        System.err.printf(Locale.ROOT, "nilearn %s: %.1f s, recovery %.3f / %.3f%n", run, secs, rec.mean(), rec.min());
      }
    }
    System.out.println(json.append("}"));
  }

  /** PCA of the stacked medium set (1.9 GB as float64) under -Xmx1g: the incremental path. */
  static void runIncrementalPca() throws Exception {
    Path dir = dataset();
    List<Path> images = images(dir);
    ExecutorService pool = io.voxelflow.numerics.NumericThreads.pool("pca", 2);
    // live data after collections (used heap between collections includes garbage)
    java.util.List<java.lang.management.MemoryPoolMXBean> heapPools = java.lang.management.ManagementFactory
        .getMemoryPoolMXBeans().stream().filter(m -> m.getType() == java.lang.management.MemoryType.HEAP).toList();
    IngestBench.Sampler sampler = new IngestBench.Sampler();
    sampler.start();
    long t0 = System.nanoTime();
    BinaryMask mask = GroupDecomposition.multiEpiMask(images);
    Path scratch = Files.createTempDirectory(BenchFiles.dir(), "pca-");
    long budget = Runtime.getRuntime().maxMemory() / 4;
    GroupDecomposition.Result r = new GroupDecomposition(pool, scratch).run(images, mask,
        new GroupDecomposition.Settings(GroupDecomposition.Method.PCA, 20, 0, null, true, Threshold.none(), 1, true,
            DictLearningParameters.defaults(0), budget),
        GroupDecomposition.ReductionCache.none(), (f, step) -> { });
    double secs = (System.nanoTime() - t0) / 1e9;
    sampler.stop();
    pool.shutdown();
    try (var w = Files.walk(scratch)) {
      w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    long t = 0;
    for (Path p : images) {
      try (NiftiImage i = NiftiImage.open(p)) {
        t += i.volumeCount();
      }
    }
    double stackedMb = t * (double) mask.count() * 8 / 1e6;
    long afterGc = 0;
    for (var pool2 : heapPools) {
      if (pool2.getCollectionUsage() != null) {
        afterGc += pool2.getCollectionUsage().getUsed();
      }
    }
    System.out.printf(Locale.ROOT, "{\"suite\": \"decomposition-pca\", \"stacked_float64_mb\": %.0f, \"max_heap_mb\": %d,"
        + " \"peak_heap_used_mb\": %.0f, \"heap_after_last_gc_mb\": %.0f, \"incremental\": %s, \"seconds\": %.1f,"
        + " \"explained_variance_ratio_1\": %.4f}%n",
        stackedMb, Runtime.getRuntime().maxMemory() >> 20, sampler.heap.get() / 1e6, afterGc / 1e6,
        r.details().get("incremental"), secs, r.explainedVarianceRatio()[0]);
  }
}
