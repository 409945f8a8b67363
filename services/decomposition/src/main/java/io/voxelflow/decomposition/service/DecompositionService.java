package io.voxelflow.decomposition.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.longrunning.Operation;
import io.voxelflow.api.decomposition.v1alpha1.DecomposeRequest;
import io.voxelflow.api.decomposition.v1alpha1.DecomposeResponse;
import io.voxelflow.api.decomposition.v1alpha1.DecompositionServiceGrpc;
import io.voxelflow.api.types.v1.Artifact;
import io.voxelflow.api.types.v1.Provenance;
import io.voxelflow.decomposition.canica.Threshold;
import io.voxelflow.decomposition.dictlearning.DictLearning;
import io.voxelflow.decomposition.dictlearning.DictLearningParameters;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.flight.ArrowMatrices;
import io.voxelflow.flight.ArtifactStore;
import io.voxelflow.flight.FlightEndpoint;
import io.voxelflow.decomposition.pipeline.GroupDecomposition;
import io.voxelflow.masking.extract.MaskedSignals;
import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.mask.Masking;
import io.voxelflow.masking.service.SignalExtractionService;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.numerics.Matrix;
import io.voxelflow.numerics.NumericThreads;
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
      pool = NumericThreads.pool("decomposition", n);
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
      throw new InvalidArgumentException("INVALID_N_COMPONENTS", "n_components must be ≥ 1, got " + k);
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
    return operations.submit(METHOD, req.getImages(0), req.getRequestId(), key, ctx -> run(key, images, mask, plan, params, ctx));
  }

  DecomposeResponse run(String key, List<SignalExtractionService.MaskRef> images,
      Optional<SignalExtractionService.MaskRef> maskRef, Plan plan, ObjectNode params, OperationContext ctx) throws Exception {
    Optional<DecomposeResponse> cached = artifacts().findResponse(key, DecomposeResponse.getDefaultInstance());
    if (cached.isPresent()) {
      return cached.get();
    }
    String pj = params.toString();
    List<Path> files = images.stream().map(SignalExtractionService.MaskRef::file).toList();
    BinaryMask mask;
    Artifact maskArtifact = null;
    if (maskRef.isPresent()) {
      try (NiftiImage m = NiftiImage.open(maskRef.get().file())) {
        mask = Masking.loadMask(m, true);
      }
      if (maskRef.get().name().startsWith(ArtifactStore.PREFIX)) {
        maskArtifact = artifacts().get(maskRef.get().name());
      }
    } else {
      ctx.progress(0.01, "computing the multi-subject EPI mask");
      Path maskScratch = Files.createTempDirectory(storage.scratchDir(), "mask-");
      try {
        mask = new GroupDecomposition(pool(), maskScratch).multiEpiMaskParallel(files);
      } finally {
        deleteTree(maskScratch);
      }
    }
    GroupDecomposition.Settings s = settings(plan);
    GroupDecomposition.check(files, mask, s);
    if (maskArtifact == null) {
      Path f = Files.createTempFile(storage.scratchDir(), "mask-", ".nii.gz");
      Files.delete(f);
      mask.writeNifti(f);
      maskArtifact = store(Addresses.outputKey(key, "mask"), f, ".nii.gz", "application/x-nifti-gz",
          List.of((long) mask.x(), (long) mask.y(), (long) mask.z(), (long) mask.count()), "uint8", pj, images);
    }
    String maskAddress = maskArtifact.getName() + "@" + maskArtifact.getSha256();
    ObjectNode rp = JSON.createObjectNode().put("n_components", plan.k()).put("seed", plan.seed())
        .put("cleaning", plan.clean()).put("smoothing_fwhm_mm", String.valueOf(plan.fwhm()));
    GroupDecomposition.ReductionCache cache = new GroupDecomposition.ReductionCache() {
      String key(int i) {
        return Addresses.artifactKey("decomposition_subject_reduction", List.of(images.get(i).address(), maskAddress), rp,
            ALGORITHM_VERSION);
      }

      @Override
      public Optional<Matrix> find(int i) throws IOException {
        Optional<Artifact> done = artifacts().find(key(i));
        if (done.isEmpty()) {
          return Optional.empty();
        }
        return Optional.of(Matrix.readNpy(artifacts().localFile(done.get())));
      }

      @Override
      public void put(int i, Matrix reduced) throws IOException {
        storeNpy(key(i), reduced, rp.toString(), List.of(images.get(i)));
      }
    };
    Path scratch = Files.createTempDirectory(storage.scratchDir(), "decompose-");
    try {
      GroupDecomposition.Result r = new GroupDecomposition(pool(), scratch).run(files, mask, s, cache,
          new GroupDecomposition.Progress() {
            @Override
            public void progress(double fraction, String step) {
              ctx.progress(fraction, step);
            }

            @Override
            public void checkCancelled() {
              ctx.checkCancelled();
            }
          });
      DecomposeResponse.Builder resp = DecomposeResponse.newBuilder().setMask(maskArtifact).setVoxelCount(mask.count())
          .putAllDetails(r.details());
      for (double x : r.explainedVariance()) {
        resp.addExplainedVariance(x);
      }
      for (double x : r.explainedVarianceRatio()) {
        resp.addExplainedVarianceRatio(x);
      }
      ctx.progress(0.98, "storing results");
      for (int i = 0; i < images.size(); i++) {
        resp.addTimeCourses(storeMatrix(Addresses.outputKey(key, "time-courses-" + i), r.timeCourses().get(i), pj, List.of(images.get(i))));
      }
      Matrix components = r.components();
      double[][] rows = new double[components.rows()][];
      for (int c = 0; c < rows.length; c++) {
        rows[c] = components.row(c);
      }
      Path img = Files.createTempFile(scratch, "components-", ".nii.gz");
      MaskedSignals.writeNifti(img, rows, mask);
      resp.setComponentsImage(store(Addresses.outputKey(key, "components-image"), img, ".nii.gz", "application/x-nifti-gz",
          List.of((long) mask.x(), (long) mask.y(), (long) mask.z(), (long) components.rows()), "float32", pj, images));
      resp.setComponents(storeMatrix(Addresses.outputKey(key, "components"), components, pj, images));
      DecomposeResponse out = resp.build();
      artifacts().putResponse(key, out);
      return out;
    } finally {
      deleteTree(scratch);
    }
  }

  GroupDecomposition.Settings settings(Plan p) {
    GroupDecomposition.Method m = switch (p.method()) {
      case METHOD_CANICA -> GroupDecomposition.Method.CANICA;
      case METHOD_DICT_LEARNING -> GroupDecomposition.Method.DICT_LEARNING;
      default -> GroupDecomposition.Method.PCA;
    };
    long budget = inMemoryLimitBytes > 0 ? inMemoryLimitBytes : Runtime.getRuntime().maxMemory() / 4;
    return new GroupDecomposition.Settings(m, p.k(), p.seed(), p.fwhm(), p.clean(), p.threshold(), p.nInit(), p.doCca(),
        p.dict(), budget);
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
    m.writeNpy(f);
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
