package io.voxelflow.decomposition.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.longrunning.Operation;
import io.voxelflow.api.decomposition.v1alpha1.DecomposeRequest;
import io.voxelflow.api.decomposition.v1alpha1.DecomposeResponse;
import io.voxelflow.api.decomposition.v1alpha1.DecompositionServiceGrpc;
import io.voxelflow.api.types.v1.Artifact;
import io.voxelflow.api.types.v1.Provenance;
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
import io.voxelflow.flight.ArrowMatrices;
import io.voxelflow.flight.ArtifactStore;
import io.voxelflow.flight.FlightEndpoint;
import io.voxelflow.masking.extract.MaskedSignals;
import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.mask.EpiMaskOptions;
import io.voxelflow.masking.mask.Masking;
import io.voxelflow.masking.service.SignalExtractionService;
import io.voxelflow.masking.signal.CleanOptions;
import io.voxelflow.masking.signal.Signal;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.npy.Npy;
import io.voxelflow.numerics.Matrix;
import io.voxelflow.operations.OperationContext;
import io.voxelflow.operations.OperationManager;
import io.voxelflow.storage.Addresses;
import io.voxelflow.storage.StorageProducer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code Decompose}: CanICA, DictLearning or PCA of several subjects' 4-D images, as nilearn 0.10.4
 * runs them: a multi-subject EPI mask (unless given), each subject masked, smoothed, detrended and
 * z-scored, reduced on its own (in parallel; each reduction is stored, so a rerun after a crash
 * skips finished subjects), then the group step, per-subject time courses, and every output stored
 * as an artifact addressed by inputs, parameters and seed.
 */
@ApplicationScoped
public class DecompositionService {
  static final String METHOD = DecompositionServiceGrpc.SERVICE_NAME + "/Decompose";
  /** Bumped when results of the same request would change. */
  static final String ALGORITHM_VERSION = "decomposition-1";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject
  SignalExtractionService extraction;

  @Inject
  FlightEndpoint flight;

  @Inject
  StorageProducer storage;

  @Inject
  OperationManager operations;

  /** Subjects prepared (masked, cleaned, reduced) at once; 0: one per core. */
  @ConfigProperty(name = "voxelflow.decomposition.parallelism", defaultValue = "0")
  int parallelism;

  /**
   * PCA of stacked subjects larger than this (bytes, float64) streams them through incremental PCA;
   * 0: a quarter of the heap.
   */
  @ConfigProperty(name = "voxelflow.decomposition.in-memory-limit-bytes", defaultValue = "0")
  long inMemoryLimitBytes;

  private ExecutorService pool;

  synchronized ExecutorService pool() {
    if (pool == null) {
      int n = parallelism > 0 ? parallelism : Runtime.getRuntime().availableProcessors();
      AtomicInteger id = new AtomicInteger();
      // OpenBLAS's LAPACK needs more stack than Java's default 1 MiB
      pool = Executors.newFixedThreadPool(n, r -> {
        Thread t = new Thread(null, r, "decomposition-" + id.incrementAndGet(), 16L << 20);
        t.setDaemon(true);
        return t;
      });
    }
    return pool;
  }

  @PreDestroy
  synchronized void stop() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  ArtifactStore artifacts() {
    return flight.artifacts();
  }

  /** The checked parameters of a request. */
  record Plan(DecomposeRequest.Method method, int k, long seed, Double fwhm, boolean clean, Threshold threshold,
      int nInit, boolean doCca, DictLearningParameters dict) {}

  static Plan plan(DecomposeRequest req) {
    DecomposeRequest.Method m = req.getMethod();
    if (m == DecomposeRequest.Method.METHOD_UNSPECIFIED || m == DecomposeRequest.Method.UNRECOGNIZED) {
      throw new InvalidArgumentException("METHOD_REQUIRED", "method is required: canica, dict_learning or pca");
    }
    int k = req.getNComponents() == 0 ? 20 : req.getNComponents();
    if (k < 1) {
      throw new InvalidArgumentException("TOO_MANY_COMPONENTS", "n_components must be ≥ 1, got " + k);
    }
    if (req.hasCanica() && m != DecomposeRequest.Method.METHOD_CANICA
        || req.hasDictLearning() && m != DecomposeRequest.Method.METHOD_DICT_LEARNING) {
      throw new InvalidArgumentException("OPTIONS_MISMATCH", "the options given (" + req.getMethodOptionsCase()
          + ") are not for " + m);
    }
    Double fwhm;
    if (req.hasSmoothingFwhmMm()) {
      if (!(req.getSmoothingFwhmMm() >= 0)) {
        throw new InvalidArgumentException("BAD_SMOOTHING", "smoothing_fwhm_mm must be ≥ 0, got " + req.getSmoothingFwhmMm());
      }
      fwhm = req.getSmoothingFwhmMm() == 0 ? null : req.getSmoothingFwhmMm();
    } else {
      fwhm = switch (m) {
        case METHOD_CANICA -> 6.0;
        case METHOD_DICT_LEARNING -> 4.0;
        default -> null;
      };
    }
    Threshold threshold = switch (req.getThresholdMode()) {
      case THRESHOLD_MODE_NONE -> Threshold.none();
      case THRESHOLD_MODE_RATIO -> {
        if (!(req.getThreshold() >= 0 && req.getThreshold() <= k)) {
          throw new InvalidArgumentException("BAD_THRESHOLD", "threshold must be in [0, n_components] = [0, " + k
              + "], got " + req.getThreshold());
        }
        yield Threshold.ratio(req.getThreshold());
      }
      default -> Threshold.auto();
    };
    int nInit = req.getCanica().getNInit() == 0 ? 10 : req.getCanica().getNInit();
    if (nInit < 1) {
      throw new InvalidArgumentException("BAD_N_INIT", "canica.n_init must be ≥ 1, got " + nInit);
    }
    DictLearningParameters d = DictLearningParameters.defaults(req.getSeed());
    if (req.hasDictLearning()) {
      var o = req.getDictLearning();
      d = new DictLearningParameters(o.hasAlpha() ? o.getAlpha() : d.alpha(),
          o.getBatchSize() == 0 ? d.batchSize() : o.getBatchSize(), o.getNEpochs() == 0 ? d.nEpochs() : o.getNEpochs(),
          d.seed(), d.schedule(), d.codingMaxIter());
    }
    return new Plan(m, k, req.getSeed(), fwhm, !req.getSkipCleaning(), threshold, nInit, !req.getCanica().getSkipCca(), d);
  }

  static ObjectNode parameters(Plan p) {
    ObjectNode o = JSON.createObjectNode().put("method", p.method().name()).put("n_components", p.k())
        .put("seed", p.seed()).put("cleaning", p.clean());
    if (p.fwhm() != null) {
      o.put("smoothing_fwhm_mm", p.fwhm());
    }
    switch (p.method()) {
      case METHOD_CANICA -> o.put("threshold", String.valueOf(p.threshold().ratio())).put("n_init", p.nInit())
          .put("do_cca", p.doCca());
      case METHOD_DICT_LEARNING -> o.put("alpha", p.dict().alpha()).put("batch_size", p.dict().batchSize())
          .put("n_epochs", p.dict().nEpochs()).put("schedule", p.dict().schedule().name());
      default -> { }
    }
    return o;
  }

  /** Starts the operation; names and parameters are checked first. */
  public Operation decompose(DecomposeRequest req) {
    if (req.getImagesCount() == 0) {
      throw new InvalidArgumentException("NO_IMAGES", "Decompose needs at least one 4-D image");
    }
    Plan plan = plan(req);
    List<SignalExtractionService.MaskRef> images = new ArrayList<>();
    for (String name : req.getImagesList()) {
      images.add(extraction.mask(name));
    }
    Optional<SignalExtractionService.MaskRef> mask = req.getMask().isEmpty() ? Optional.empty()
        : Optional.of(extraction.mask(req.getMask()));
    ObjectNode params = parameters(plan);
    List<String> keyInputs = new ArrayList<>();
    images.forEach(i -> keyInputs.add(i.address()));
    keyInputs.add(mask.map(SignalExtractionService.MaskRef::address).orElse("mask:multi_epi(defaults)"));
    String key = Addresses.artifactKey("decomposition", keyInputs, params, ALGORITHM_VERSION);
    return operations.submit(METHOD, req.getImages(0), ctx -> run(key, images, mask, plan, params, ctx));
  }

  DecomposeResponse run(String key, List<SignalExtractionService.MaskRef> images,
      Optional<SignalExtractionService.MaskRef> maskRef, Plan plan, ObjectNode params, OperationContext ctx) throws Exception {
    Optional<DecomposeResponse> cached = artifacts().findResponse(key, DecomposeResponse.getDefaultInstance());
    if (cached.isPresent()) {
      return cached.get();
    }
    String pj = params.toString();
    ctx.progress(0.01, "checking images");
    long[] grid = checkImages(images);
    // 1. the mask
    BinaryMask mask;
    Artifact maskArtifact;
    if (maskRef.isPresent()) {
      try (NiftiImage m = NiftiImage.open(maskRef.get().file())) {
        mask = Masking.loadMask(m, true);
      }
      maskArtifact = maskRef.get().name().startsWith(ArtifactStore.PREFIX) ? artifacts().get(maskRef.get().name()) : null;
    } else {
      ctx.progress(0.02, "computing the multi-subject EPI mask");
      List<NiftiImage> open = new ArrayList<>();
      try {
        for (var i : images) {
          open.add(NiftiImage.open(i.file()));
        }
        mask = Masking.computeMultiEpiMask(open, EpiMaskOptions.defaults(), 0.5);
      } finally {
        open.forEach(NiftiImage::close);
      }
      maskArtifact = null;
    }
    if (mask.count() == 0) {
      throw new FailedPreconditionException("EMPTY_MASK", "the mask leaves no voxel: nothing to decompose");
    }
    if (mask.x() != grid[0] || mask.y() != grid[1] || mask.z() != grid[2]) {
      throw new InvalidArgumentException("GRID_MISMATCH", "the mask (" + mask.x() + "x" + mask.y() + "x" + mask.z()
          + ") is not on the images' grid (" + grid[0] + "x" + grid[1] + "x" + grid[2] + ")");
    }
    if (maskArtifact == null) {
      Path f = Files.createTempFile(storage.scratchDir(), "mask-", ".nii.gz");
      Files.delete(f);
      mask.writeNifti(f);
      maskArtifact = store(sub(key, "mask"), f, ".nii.gz", "application/x-nifti-gz",
          List.of((long) mask.x(), (long) mask.y(), (long) mask.z(), (long) mask.count()), "uint8", pj, images);
    }
    int v = mask.count();
    int k = plan.k();
    if (plan.method() != DecomposeRequest.Method.METHOD_PCA && k > grid[3]) {
      throw new InvalidArgumentException("TOO_MANY_COMPONENTS", k + " components, but the shortest image has "
          + grid[3] + " time points: each subject is reduced to n_components time series").with("n_components", k)
          .with("time_points", grid[3]);
    }
    if (k > v) {
      throw new InvalidArgumentException("TOO_MANY_COMPONENTS", k + " components, but the mask has " + v + " voxels")
          .with("n_components", k).with("voxels", v);
    }
    CleanOptions clean = plan.clean()
        ? CleanOptions.builder().detrend(true).standardize(Signal.Standardize.ZSCORE).build() : null;
    Path scratch = Files.createTempDirectory(storage.scratchDir(), "decompose-");
    try {
      Subjects subjects = new Subjects(images, mask, plan, clean, scratch, key, pj);
      DecomposeResponse.Builder resp = DecomposeResponse.newBuilder().setMask(maskArtifact).setVoxelCount(v);
      Matrix components;
      if (plan.method() == DecomposeRequest.Method.METHOD_PCA) {
        components = pca(subjects, plan, resp, ctx);
      } else {
        List<Matrix> reduced = subjects.reduceAll(ctx, 0.05, 0.6);
        ctx.progress(0.6, "group " + (plan.method() == DecomposeRequest.Method.METHOD_CANICA ? "CanICA" : "CanICA initialisation"));
        CanIcaOptions o = new CanIcaOptions(k, plan.doCca(), plan.threshold(), plan.nInit(), plan.seed(),
            CanIcaOptions.defaults(k, plan.seed()).maxIter(), CanIcaOptions.defaults(k, plan.seed()).tol());
        if (plan.method() == DecomposeRequest.Method.METHOD_CANICA) {
          CanIcaResult r = CanIca.fitReduced(reduced, o);
          components = r.components();
          resp.putDetails("chosen_run", String.valueOf(r.chosenRun())).putDetails("fastica_converged", String.valueOf(r.converged()))
              .putDetails("fastica_iterations", String.valueOf(r.iterations()))
              .putDetails("threshold_value", String.valueOf(r.thresholdValue()));
        } else {
          // nilearn's DictLearning._init_dict: CanICA on the same reductions, one run, threshold = n_components
          CanIcaResult init = CanIca.fitReduced(reduced, o.withThreshold(Threshold.ratio(k)).withNInit(1));
          ctx.progress(0.7, "online dictionary learning");
          DictLearningResult r = DictLearning.fit(DictLearning.stackReductions(reduced), init.components(), plan.dict());
          components = r.components();
          resp.putDetails("dictionary_steps", String.valueOf(r.steps()));
        }
      }
      ctx.progress(0.85, "time courses");
      for (int i = 0; i < images.size(); i++) {
        ctx.checkCancelled();
        Matrix data = subjects.data(i);
        Matrix tc = CanIca.timeCourses(data, components);
        resp.addTimeCourses(storeMatrix(sub(key, "time-courses-" + i), tc, pj, List.of(images.get(i))));
      }
      ctx.progress(0.95, "writing components");
      double[][] rows = new double[components.rows()][];
      for (int c = 0; c < rows.length; c++) {
        rows[c] = components.row(c);
      }
      Path img = Files.createTempFile(scratch, "components-", ".nii.gz");
      MaskedSignals.writeNifti(img, rows, mask);
      resp.setComponentsImage(store(sub(key, "components-image"), img, ".nii.gz", "application/x-nifti-gz",
          List.of((long) mask.x(), (long) mask.y(), (long) mask.z(), (long) components.rows()), "float32", pj, images));
      resp.setComponents(storeMatrix(sub(key, "components"), components, pj, images));
      DecomposeResponse r = resp.build();
      artifacts().putResponse(key, r);
      return r;
    } finally {
      deleteTree(scratch);
    }
  }

  /** PCA of the stacked subjects: exact/randomized in memory, or incremental when they do not fit. */
  Matrix pca(Subjects subjects, Plan plan, DecomposeResponse.Builder resp, OperationContext ctx) throws Exception {
    long budget = inMemoryLimitBytes > 0 ? inMemoryLimitBytes : Runtime.getRuntime().maxMemory() / 4;
    long bytes = (long) subjects.totalTimePoints() * subjects.mask.count() * 8;
    PcaResult r;
    if (bytes <= budget) {
      subjects.extractAll(ctx, 0.05, 0.5);
      List<Matrix> all = new ArrayList<>();
      for (int i = 0; i < subjects.count(); i++) {
        all.add(subjects.data(i));
      }
      ctx.progress(0.5, "PCA of " + bytes / (1 << 20) + " MiB");
      r = Pca.fit(DictLearning.stackReductions(all), plan.k(), Pca.Solver.AUTO, plan.seed());
      resp.putDetails("solver", r.solver().name().toLowerCase(java.util.Locale.ROOT)).putDetails("incremental", "false");
    } else {
      subjects.extractAll(ctx, 0.05, 0.4);
      IncrementalPca inc = new IncrementalPca(plan.k());
      for (int i = 0; i < subjects.count(); i++) {
        ctx.units(i, subjects.count(), "incremental PCA, subject " + (i + 1));
        inc.partialFit(subjects.data(i));
      }
      r = inc.result();
      resp.putDetails("solver", "incremental").putDetails("incremental", "true")
          .putDetails("data_bytes", String.valueOf(bytes)).putDetails("in_memory_limit_bytes", String.valueOf(budget));
    }
    for (double x : r.explainedVariance()) {
      resp.addExplainedVariance(x);
    }
    for (double x : r.explainedVarianceRatio()) {
      resp.addExplainedVarianceRatio(x);
    }
    return r.components();
  }

  /**
   * The subjects' masked, cleaned data (kept in scratch files as float32 so the heap holds one or
   * two subjects at a time) and their stored reductions.
   */
  final class Subjects {
    final List<SignalExtractionService.MaskRef> images;
    final BinaryMask mask;
    final Plan plan;
    final CleanOptions clean;
    final Path scratch;
    final String key;
    final String pj;
    final int[] timePoints;

    Subjects(List<SignalExtractionService.MaskRef> images, BinaryMask mask, Plan plan, CleanOptions clean, Path scratch,
        String key, String pj) {
      this.images = images;
      this.mask = mask;
      this.plan = plan;
      this.clean = clean;
      this.scratch = scratch;
      this.key = key;
      this.pj = pj;
      this.timePoints = new int[images.size()];
    }

    int count() {
      return images.size();
    }

    long totalTimePoints() throws IOException {
      long t = 0;
      for (var i : images) {
        try (NiftiImage img = NiftiImage.open(i.file())) {
          t += img.volumeCount();
        }
      }
      return t;
    }

    Path file(int i) {
      return scratch.resolve("subject-" + i + ".npy");
    }

    /** Masks, smooths and cleans subject i into its scratch file (once). */
    void extract(int i) throws IOException {
      if (Files.exists(file(i))) {
        return;
      }
      float[][] x;
      try (NiftiImage img = NiftiImage.open(images.get(i).file())) {
        x = MaskedSignals.extractFloat32(img, mask, plan.fwhm(), clean);
      }
      float[] flat = new float[x.length * x[0].length];
      for (int t = 0; t < x.length; t++) {
        System.arraycopy(x[t], 0, flat, t * x[0].length, x[0].length);
      }
      Path tmp = Files.createTempFile(scratch, "subject-", ".part");
      Npy.write(tmp, flat, x.length, x[0].length);
      Files.move(tmp, file(i), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Subject i's masked, cleaned data, time × voxels. */
    Matrix data(int i) throws IOException {
      extract(i);
      Npy.NpyArray a = Npy.read(file(i));
      return new Matrix((int) a.shape()[0], (int) a.shape()[1], a.toDoubleArray());
    }

    void extractAll(OperationContext ctx, double from, double to) throws Exception {
      forEach(ctx, from, to, "masking and cleaning", i -> {
        extract(i);
        return null;
      });
    }

    /** Each subject's reduction: the stored one (a resumed run) or computed and stored. */
    List<Matrix> reduceAll(OperationContext ctx, double from, double to) throws Exception {
      ObjectNode rp = JSON.createObjectNode().put("n_components", plan.k()).put("seed", plan.seed())
          .put("cleaning", plan.clean());
      if (plan.fwhm() != null) {
        rp.put("smoothing_fwhm_mm", plan.fwhm());
      }
      return forEach(ctx, from, to, "masking, cleaning and reducing", i -> {
        String rk = Addresses.artifactKey("decomposition_subject_reduction",
            List.of(images.get(i).address(), Addresses.sha256Hex(key + "/mask")), rp, ALGORITHM_VERSION);
        Optional<Artifact> done = artifacts().find(rk);
        if (done.isPresent()) {
          Npy.NpyArray a = Npy.read(artifacts().localFile(done.get()));
          return new Matrix((int) a.shape()[0], (int) a.shape()[1], a.toDoubleArray());
        }
        Matrix r = CanIca.reduceSubject(data(i), plan.k(), plan.seed());
        storeNpy(rk, r, rp.toString(), List.of(images.get(i)));
        return r;
      });
    }

    <T> List<T> forEach(OperationContext ctx, double from, double to, String what, SubjectTask<T> task) throws Exception {
      int n = images.size();
      AtomicInteger done = new AtomicInteger();
      List<Future<T>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int s = i;
        fs.add(pool().submit(() -> {
          ctx.checkCancelled();
          T out = task.run(s);
          int d = done.incrementAndGet();
          ctx.progress(from + (to - from) * d / n, what + ": " + d + "/" + n + " subjects");
          return out;
        }));
      }
      List<T> out = new ArrayList<>();
      try {
        for (Future<T> f : fs) {
          out.add(f.get());
        }
      } catch (java.util.concurrent.ExecutionException e) {
        fs.forEach(f -> f.cancel(true));
        if (e.getCause() instanceof Exception ex) {
          throw ex;
        }
        throw e;
      }
      return out;
    }
  }

  @FunctionalInterface
  interface SubjectTask<T> {
    T run(int subject) throws Exception;
  }

  /** Checks the images are 4-D on one grid; returns (x, y, z, min time points, count). */
  static long[] checkImages(List<SignalExtractionService.MaskRef> images) {
    long[] grid = null;
    long minT = Long.MAX_VALUE;
    for (var i : images) {
      try (NiftiImage img = NiftiImage.open(i.file())) {
        long[] s = img.header().shape();
        if (s.length < 4 || s[3] < 2) {
          throw new InvalidArgumentException("NOT_4D", i.name() + " has shape " + java.util.Arrays.toString(s)
              + "; a decomposition needs 4-D time series");
        }
        if (grid == null) {
          grid = new long[] {s[0], s[1], s[2]};
        } else if (grid[0] != s[0] || grid[1] != s[1] || grid[2] != s[2]) {
          throw new InvalidArgumentException("GRID_MISMATCH", i.name() + " (" + s[0] + "x" + s[1] + "x" + s[2]
              + ") is not on the first image's grid (" + grid[0] + "x" + grid[1] + "x" + grid[2] + ")");
        }
        minT = Math.min(minT, s[3]);
      }
    }
    return new long[] {grid[0], grid[1], grid[2], minT, images.size()};
  }

  static String sub(String key, String output) {
    return Addresses.sha256Hex(key + "/" + output);
  }

  Artifact store(String key, Path file, String ext, String mediaType, List<Long> shape, String dtype, String pj,
      List<SignalExtractionService.MaskRef> inputs) throws IOException {
    try {
      Provenance.Builder prov = Provenance.newBuilder().setMethod(METHOD).putParameters("json", pj);
      for (var in : inputs) {
        prov.addInputs(Provenance.Input.newBuilder().setName(in.name()).setSha256(in.address()));
      }
      return artifacts().putDerived(key, file, ext, mediaType, shape, dtype, prov.build());
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** A matrix as a float32 Arrow matrix artifact (what Flight clients read). */
  Artifact storeMatrix(String key, Matrix m, String pj, List<SignalExtractionService.MaskRef> inputs) throws IOException {
    Path f = Files.createTempFile(storage.scratchDir(), "matrix-", ".arrow");
    try (ArrowMatrices.Writer w = new ArrowMatrices.Writer(f, m.cols(), Map.of("voxelflow.producer", METHOD))) {
      for (int r = 0; r < m.rows(); r++) {
        w.row(m.row(r));
      }
    }
    return store(key, f, ".arrow", ArtifactStore.MEDIA_TYPE, List.of((long) m.rows(), (long) m.cols()), "float32", pj, inputs);
  }

  /** A matrix as a float64 .npy artifact (exact: reductions reused by a resumed run). */
  Artifact storeNpy(String key, Matrix m, String pj, List<SignalExtractionService.MaskRef> inputs) throws IOException {
    Path f = Files.createTempFile(storage.scratchDir(), "matrix-", ".npy");
    Npy.write(f, m.data(), m.rows(), m.cols());
    return store(key, f, ".npy", "application/x-npy", List.of((long) m.rows(), (long) m.cols()), "float64", pj, inputs);
  }

  static void deleteTree(Path dir) {
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // scratch is cleaned at the next start
    }
  }
}
