package io.voxelflow.decomposition.pipeline;

import io.voxelflow.decomposition.canica.CanIca;
import io.voxelflow.decomposition.canica.CanIcaOptions;
import io.voxelflow.decomposition.canica.CanIcaResult;
import io.voxelflow.decomposition.canica.Threshold;
import io.voxelflow.decomposition.dictlearning.DictLearning;
import io.voxelflow.decomposition.dictlearning.DictLearningParameters;
import io.voxelflow.decomposition.dictlearning.DictLearningResult;
import io.voxelflow.decomposition.pca.IncrementalPca;
import io.voxelflow.decomposition.pca.Pca;
import io.voxelflow.decomposition.pca.PcaResult;
import io.voxelflow.error.FailedPreconditionException;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.masking.extract.MaskedSignals;
import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.mask.EpiMaskOptions;
import io.voxelflow.masking.mask.Masking;
import io.voxelflow.masking.signal.CleanOptions;
import io.voxelflow.masking.signal.Signal;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.npy.Npy;
import io.voxelflow.numerics.Matrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A group decomposition of several subjects' 4-D images, as nilearn 0.10.4's CanICA, DictLearning
 * or PCA-of-stacked-subjects. Subjects' masked data live in scratch files (float32), so the heap
 * holds about one subject per worker; per-subject steps run on the given executor.
 */
public final class GroupDecomposition {

  /** Rows per incremental-PCA batch. */
  static final int INCREMENTAL_BATCH = 100;

  /** The algorithms. */
  public enum Method {
    CANICA, DICT_LEARNING, PCA
  }

  /**
   * What to compute.
   *
   * @param method the algorithm
   * @param nComponents number of components
   * @param seed seed of every random step
   * @param smoothingFwhmMm Gaussian smoothing, or null
   * @param clean detrend and z-score (population std) each voxel series, as nilearn's defaults
   * @param threshold CanICA's map thresholding
   * @param nInit CanICA's FastICA restarts
   * @param doCca CanICA's canonical correlation normalisation
   * @param dict DictLearning's parameters
   * @param inMemoryLimitBytes PCA of stacked data larger than this (float64) is incremental
   */
  public record Settings(Method method, int nComponents, long seed, Double smoothingFwhmMm, boolean clean,
      Threshold threshold, int nInit, boolean doCca, DictLearningParameters dict, long inMemoryLimitBytes) {}

  /** Where finished subject reductions are kept, so a rerun after a crash skips them. */
  public interface ReductionCache {
    Optional<Matrix> find(int subject) throws IOException;

    void put(int subject, Matrix reduced) throws IOException;

    /** No caching. */
    static ReductionCache none() {
      return new ReductionCache() {
        @Override
        public Optional<Matrix> find(int subject) {
          return Optional.empty();
        }

        @Override
        public void put(int subject, Matrix reduced) {}
      };
    }
  }

  /** Progress and cancellation. */
  public interface Progress {
    void progress(double fraction, String step);

    default void checkCancelled() {}
  }

  /**
   * The result.
   *
   * @param components n_components × mask voxels
   * @param timeCourses per subject, time × n_components
   * @param explainedVariance PCA only (else empty)
   * @param explainedVarianceRatio PCA only (else empty)
   * @param details how it was computed (solver, chosen run, convergence…)
   */
  public record Result(Matrix components, List<Matrix> timeCourses, double[] explainedVariance,
      double[] explainedVarianceRatio, Map<String, String> details) {}

  private final ExecutorService pool;
  private final Path scratch;

  /**
   * @param pool runs per-subject work; its threads need stacks of several MiB (OpenBLAS's LAPACK)
   * @param scratch a private directory for the subjects' masked data (deleted by the caller)
   */
  public GroupDecomposition(ExecutorService pool, Path scratch) {
    this.pool = pool;
    this.scratch = scratch;
  }

  /** nilearn's default mask for a decomposition: {@code compute_multi_epi_mask} with its defaults. */
  public static BinaryMask multiEpiMask(List<Path> images) {
    List<NiftiImage> open = new ArrayList<>();
    try {
      for (Path p : images) {
        open.add(NiftiImage.open(p));
      }
      return Masking.computeMultiEpiMask(open, EpiMaskOptions.defaults(), 0.5);
    } finally {
      open.forEach(NiftiImage::close);
    }
  }

  /**
   * {@link #multiEpiMask(List)} with the per-image EPI masks computed in parallel on this pipeline's
   * executor (the same result: {@code compute_multi_epi_mask} intersects independent masks).
   */
  public BinaryMask multiEpiMaskParallel(List<Path> images) throws Exception {
    EpiMaskOptions o = EpiMaskOptions.defaults();
    List<Future<BinaryMask>> fs = new ArrayList<>();
    for (Path p : images) {
      fs.add(pool.submit(() -> {
        try (NiftiImage img = NiftiImage.open(p)) {
          return Masking.computeEpiMask(img, o);
        }
      }));
    }
    List<BinaryMask> masks = new ArrayList<>();
    for (Future<BinaryMask> f : fs) {
      masks.add(get(f));
    }
    return Masking.intersectMasks(masks, 0.5, o.connected());
  }

  /**
   * Gzipped inputs inflated once into scratch ({@code .nii}), in parallel, when their total size fits
   * {@code budgetBytes}: the mask pass and the extraction pass then read plain files instead of
   * inflating every image twice. Other inputs are returned as they are.
   */
  public List<Path> stage(List<Path> images, long budgetBytes) throws Exception {
    long total = 0;
    for (Path p : images) {
      if (p.getFileName().toString().endsWith(".nii.gz")) {
        try (NiftiImage img = NiftiImage.open(p)) {
          total += img.header().voxOffset() + (long) img.bytesPerVolume() * img.volumeCount();
        }
      }
    }
    if (total == 0 || total > budgetBytes) {
      return images;
    }
    List<Future<Path>> fs = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      Path p = images.get(i);
      Path raw = scratch.resolve("input-" + i + ".nii");
      fs.add(pool.submit(() -> {
        if (!p.getFileName().toString().endsWith(".nii.gz")) {
          return p;
        }
        byte[] buf = new byte[1 << 20];
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(p), 1 << 20);
             var out = Files.newOutputStream(raw)) {
          for (int n; (n = in.readNBytes(buf, 0, buf.length)) > 0; ) {
            out.write(buf, 0, n);
          }
        }
        return raw;
      }));
    }
    List<Path> out = new ArrayList<>();
    for (Future<Path> f : fs) {
      out.add(get(f));
    }
    return out;
  }

  private static <T> T get(Future<T> f) throws Exception {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }

  /**
   * Checks that the images are 4-D, on one grid with the mask, and that n_components fits;
   * returns the smallest number of time points.
   */
  public static long check(List<Path> images, BinaryMask mask, Settings s) {
    long minT = Long.MAX_VALUE;
    for (Path p : images) {
      try (NiftiImage img = NiftiImage.open(p)) {
        long[] sh = img.header().shape();
        if (sh.length < 4 || sh[3] < 2) {
          throw new InvalidArgumentException("NOT_4D", p.getFileName() + " has shape " + java.util.Arrays.toString(sh)
              + "; a decomposition needs 4-D time series");
        }
        if (sh[0] != mask.x() || sh[1] != mask.y() || sh[2] != mask.z()) {
          throw new InvalidArgumentException("GRID_MISMATCH", p.getFileName() + " (" + sh[0] + "x" + sh[1] + "x" + sh[2]
              + ") is not on the mask's grid (" + mask.x() + "x" + mask.y() + "x" + mask.z() + ")");
        }
        minT = Math.min(minT, sh[3]);
      }
    }
    if (mask.count() == 0) {
      throw new FailedPreconditionException("EMPTY_MASK", "the mask leaves no voxel: nothing to decompose");
    }
    int k = s.nComponents();
    if (s.method() != Method.PCA && k > minT) {
      throw new InvalidArgumentException("TOO_MANY_COMPONENTS", k + " components, but the shortest image has " + minT
          + " time points: each subject is reduced to n_components time series").with("n_components", k)
          .with("time_points", minT);
    }
    if (k > mask.count()) {
      throw new InvalidArgumentException("TOO_MANY_COMPONENTS", k + " components, but the mask has " + mask.count()
          + " voxels").with("n_components", k).with("voxels", mask.count());
    }
    return minT;
  }

  /** Runs the decomposition. */
  public Result run(List<Path> images, BinaryMask mask, Settings s, ReductionCache cache, Progress progress)
      throws Exception {
    check(images, mask, s);
    // this run's masked subjects (smoothing and cleaning are run parameters): a private directory
    Path runDir = Files.createTempDirectory(scratch, "run-");
    try {
      return run(images, mask, s, cache, progress, new Subjects(images, mask, s, runDir));
    } finally {
      try (var files = Files.walk(runDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private Result run(List<Path> images, BinaryMask mask, Settings s, ReductionCache cache, Progress progress,
      Subjects subjects) throws Exception {
    Map<String, String> details = new LinkedHashMap<>();
    Matrix components;
    double[] ev = new double[0];
    double[] evr = new double[0];
    int k = s.nComponents();
    if (s.method() == Method.PCA) {
      PcaResult r = pca(subjects, s, details, progress);
      components = r.components();
      ev = r.explainedVariance();
      evr = r.explainedVarianceRatio();
    } else {
      List<Matrix> reduced = subjects.forEach(progress, 0.02, 0.6, "masking, cleaning and reducing", i -> {
        Optional<Matrix> done = cache.find(i);
        if (done.isPresent()) {
          return done.get();
        }
        Matrix r = CanIca.reduceSubject(subjects.data(i), k, s.seed());
        cache.put(i, r);
        return r;
      });
      progress.checkCancelled();
      CanIcaOptions defaults = CanIcaOptions.defaults(k, s.seed());
      CanIcaOptions o = new CanIcaOptions(k, s.doCca(), s.threshold(), s.nInit(), s.seed(), defaults.maxIter(), defaults.tol());
      if (s.method() == Method.CANICA) {
        progress.progress(0.6, "group CanICA");
        CanIcaResult r = CanIca.fitReduced(reduced, o);
        components = r.components();
        details.put("chosen_run", String.valueOf(r.chosenRun()));
        details.put("fastica_converged", String.valueOf(r.converged()));
        details.put("fastica_iterations", String.valueOf(r.iterations()));
        details.put("threshold_value", String.valueOf(r.thresholdValue()));
      } else {
        // nilearn's DictLearning._init_dict: CanICA on the same reductions, one run, threshold = n_components
        progress.progress(0.6, "CanICA initialisation");
        CanIcaResult init = CanIca.fitReduced(reduced, o.withThreshold(Threshold.ratio(k)).withNInit(1));
        progress.progress(0.7, "online dictionary learning");
        DictLearningResult r = DictLearning.fit(DictLearning.stackReductions(reduced), init.components(), s.dict());
        components = r.components();
        details.put("dictionary_steps", String.valueOf(r.steps()));
      }
    }
    progress.progress(0.85, "time courses");
    Matrix comps = components;
    List<Matrix> tcs = subjects.forEach(progress, 0.85, 0.98, "time courses", i -> subjects.timeCourses(i, comps));
    return new Result(components, tcs, ev, evr, details);
  }

  /** PCA of the stacked subjects: exact/randomized in memory, or incremental when they do not fit. */
  private PcaResult pca(Subjects subjects, Settings s, Map<String, String> details, Progress progress) throws Exception {
    long bytes = subjects.totalTimePoints() * subjects.mask.count() * 8;
    subjects.forEach(progress, 0.02, 0.4, "masking and cleaning", i -> {
      subjects.extract(i);
      return Boolean.TRUE;
    });
    PcaResult r;
    if (bytes <= s.inMemoryLimitBytes()) {
      List<Matrix> all = new ArrayList<>();
      for (int i = 0; i < subjects.count(); i++) {
        all.add(subjects.data(i));
      }
      progress.progress(0.5, "PCA of " + (bytes >> 20) + " MiB in memory");
      r = Pca.fit(DictLearning.stackReductions(all), s.nComponents(), Pca.Solver.AUTO, s.seed());
      details.put("solver", r.solver().name().toLowerCase(Locale.ROOT));
      details.put("incremental", "false");
    } else {
      IncrementalPca inc = new IncrementalPca(s.nComponents());
      for (int i = 0; i < subjects.count(); i++) {
        progress.checkCancelled();
        progress.progress(0.4 + 0.45 * i / subjects.count(), "incremental PCA, subject " + (i + 1) + "/" + subjects.count());
        // batches of at most INCREMENTAL_BATCH rows (scikit-learn's IncrementalPCA batch_size), read from the
        // subject's float32 file: the heap holds the subject as float32 plus batch-sized float64 work
        subjects.forEachBatch(i, INCREMENTAL_BATCH, inc::partialFit);
      }
      r = inc.result();
      details.put("solver", "incremental");
      details.put("incremental", "true");
    }
    details.put("data_bytes", String.valueOf(bytes));
    details.put("in_memory_limit_bytes", String.valueOf(s.inMemoryLimitBytes()));
    return r;
  }

  /** Per-subject work on the pool. */
  @FunctionalInterface
  interface SubjectTask<T> {
    T run(int subject) throws Exception;
  }

  /** The subjects' masked, cleaned data, kept in scratch files as float32. */
  private final class Subjects {
    final List<Path> images;
    final BinaryMask mask;
    final Settings s;
    final CleanOptions clean;
    final Object[] locks;
    final Path dir;

    Subjects(List<Path> images, BinaryMask mask, Settings s, Path dir) {
      this.images = images;
      this.dir = dir;
      this.locks = new Object[images.size()];
      for (int i = 0; i < locks.length; i++) {
        locks[i] = new Object();
      }
      this.mask = mask;
      this.s = s;
      this.clean = s.clean() ? CleanOptions.builder().detrend(true).standardize(Signal.Standardize.ZSCORE).build() : null;
    }

    int count() {
      return images.size();
    }

    long totalTimePoints() {
      long t = 0;
      for (Path p : images) {
        try (NiftiImage img = NiftiImage.open(p)) {
          t += img.volumeCount();
        }
      }
      return t;
    }

    Path file(int i) {
      return dir.resolve("subject-" + i + ".npy");
    }

    /** Masks, smooths and cleans subject i into its scratch file (once). */
    /** Masks, smooths and cleans subject i into its scratch file (once); keeps nothing in memory. */
    void extract(int i) throws IOException {
      synchronized (locks[i]) {
        if (!Files.exists(file(i))) {
          write(i, false);
        }
      }
    }

    /**
     * Subject i's masked, cleaned data, time × voxels: extracted (and kept in its scratch file) the
     * first time, read back from the file later.
     */
    Matrix data(int i) throws IOException {
      synchronized (locks[i]) {
        if (!Files.exists(file(i))) {
          return write(i, true);
        }
      }
      return Matrix.readNpy(file(i));
    }

    /**
     * nilearn's {@code transform} of subject i on the components, time × components, computed in
     * blocks of time points (each row's least squares is independent), so the heap holds the
     * subject as float32 plus one block as float64.
     */
    Matrix timeCourses(int i, Matrix components) throws IOException {
      List<Matrix> blocks = new ArrayList<>();
      forEachBatch(i, 64, block -> blocks.add(CanIca.timeCourses(block, components)));
      int k = components.rows();
      int t = blocks.stream().mapToInt(Matrix::rows).sum();
      double[] out = new double[t * k];
      int at = 0;
      for (Matrix b : blocks) {
        System.arraycopy(b.data(), 0, out, at, b.data().length);
        at += b.data().length;
      }
      return new Matrix(t, k, out);
    }

    /** Feeds subject i's data, in float64 blocks of at most {@code rows} time points, to {@code sink}. */
    void forEachBatch(int i, int rows, java.util.function.Consumer<Matrix> sink) throws IOException {
      extract(i);
      Npy.NpyArray a = Npy.read(file(i));
      float[] x = a.toFloatArray();
      int t = (int) a.shape()[0];
      int v = (int) a.shape()[1];
      for (int r0 = 0; r0 < t; r0 += rows) {
        int n = Math.min(rows, t - r0);
        double[] d = new double[n * v];
        for (int j = 0; j < n * v; j++) {
          d[j] = x[r0 * v + j];
        }
        sink.accept(new Matrix(n, v, d));
      }
    }

    /** Extracts subject i to its file, row by row; returns the data as a matrix when asked. */
    private Matrix write(int i, boolean keep) throws IOException {
      float[][] x;
      try (NiftiImage img = NiftiImage.open(images.get(i))) {
        x = MaskedSignals.extractFloat32(img, mask, s.smoothingFwhmMm(), clean);
      }
      int t = x.length;
      int v = x[0].length;
      double[] d = keep ? new double[t * v] : null;
      Path tmp = Files.createTempFile(dir, "subject-", ".part");
      try (Npy.Writer w = Npy.writer(tmp, Npy.DType.FLOAT32, t, v)) {
        for (int r = 0; r < t; r++) {
          float[] row = x[r];
          x[r] = null;
          w.write(row);
          if (keep) {
            for (int c = 0; c < v; c++) {
              d[r * v + c] = row[c];
            }
          }
        }
      }
      Files.move(tmp, file(i), StandardCopyOption.ATOMIC_MOVE);
      return keep ? new Matrix(t, v, d) : null;
    }

    <T> List<T> forEach(Progress progress, double from, double to, String what, SubjectTask<T> task) throws Exception {
      int n = images.size();
      AtomicInteger done = new AtomicInteger();
      List<Future<T>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int subject = i;
        fs.add(pool.submit(() -> {
          progress.checkCancelled();
          T out = task.run(subject);
          int d = done.incrementAndGet();
          progress.progress(from + (to - from) * d / n, what + ": " + d + "/" + n + " subjects");
          return out;
        }));
      }
      List<T> out = new ArrayList<>();
      try {
        for (Future<T> f : fs) {
          out.add(f.get());
        }
      } catch (ExecutionException e) {
        fs.forEach(f -> f.cancel(true));
        if (e.getCause() instanceof Exception ex) {
          throw ex;
        }
        throw e;
      }
      return out;
    }
  }
}
