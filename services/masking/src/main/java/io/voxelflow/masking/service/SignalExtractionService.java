package io.voxelflow.masking.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.longrunning.Operation;
import io.voxelflow.api.ingest.v1.Image;
import io.voxelflow.api.masking.v1alpha1.ExtractLabelsSignalsRequest;
import io.voxelflow.api.masking.v1alpha1.ExtractLabelsSignalsResponse;
import io.voxelflow.api.masking.v1alpha1.ExtractMapsSignalsRequest;
import io.voxelflow.api.masking.v1alpha1.ExtractMapsSignalsResponse;
import io.voxelflow.api.masking.v1alpha1.ExtractSignalsRequest;
import io.voxelflow.api.masking.v1alpha1.ExtractSignalsResponse;
import io.voxelflow.api.masking.v1alpha1.Matrix;
import io.voxelflow.api.masking.v1alpha1.MaskingServiceGrpc;
import io.voxelflow.api.masking.v1alpha1.SignalCleaning;
import io.voxelflow.api.masking.v1alpha1.SignalInput;
import io.voxelflow.api.types.v1.Artifact;
import io.voxelflow.api.types.v1.Provenance;
import io.voxelflow.error.FailedPreconditionException;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.flight.ArrowMatrices;
import io.voxelflow.flight.ArtifactStore;
import io.voxelflow.flight.FlightEndpoint;
import io.voxelflow.ingest.DatasetService;
import io.voxelflow.masking.extract.MaskedSignals;
import io.voxelflow.masking.extract.OutOfCore;
import io.voxelflow.masking.extract.SmoothedVolumes;
import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.mask.Masking;
import io.voxelflow.masking.regions.LabelsAtlas;
import io.voxelflow.masking.regions.LabelsMasker;
import io.voxelflow.masking.regions.MapsAtlas;
import io.voxelflow.masking.regions.MapsMasker;
import io.voxelflow.masking.regions.RegionSignals;
import io.voxelflow.masking.regions.ResampledAtlasCache;
import io.voxelflow.masking.regions.Strategy;
import io.voxelflow.masking.signal.CleanOptions;
import io.voxelflow.masking.signal.Signal;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.operations.OperationContext;
import io.voxelflow.operations.OperationManager;
import io.voxelflow.storage.Addresses;
import io.voxelflow.storage.StorageProducer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Signal extraction, for each input image, as one operation: {@code ExtractSignals} (nilearn's
 * NiftiMasker — smooth, mask with voxels in C order of (i, j, k), {@code signal.clean}),
 * {@code ExtractLabelsSignals} (NiftiLabelsMasker) and {@code ExtractMapsSignals}
 * (NiftiMapsMasker). Each result is a time × features float32 matrix stored as an Arrow artifact
 * addressed by the inputs (image, mask or atlas, confounds, sample mask) and parameters, so the
 * same request again is answered from storage. Atlases on another grid are resampled once and the
 * resampled atlas reused for every subject.
 */
@ApplicationScoped
public class SignalExtractionService {
  static final String METHOD = MaskingServiceGrpc.SERVICE_NAME + "/ExtractSignals";
  static final String METHOD_LABELS = MaskingServiceGrpc.SERVICE_NAME + "/ExtractLabelsSignals";
  static final String METHOD_MAPS = MaskingServiceGrpc.SERVICE_NAME + "/ExtractMapsSignals";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject
  DatasetService datasets;

  @Inject
  FlightEndpoint flight;

  @Inject
  StorageProducer storage;

  @Inject
  OperationManager operations;

  /**
   * Extractions needing more heap than this (bytes) go block by block through scratch files; 0
   * means a quarter of the maximum heap.
   */
  @org.eclipse.microprofile.config.inject.ConfigProperty(name = "voxelflow.masking.in-memory-limit-bytes", defaultValue = "0")
  long inMemoryLimitBytes;

  ArtifactStore artifacts() {
    return flight.artifacts();
  }

  /** The mask named by a request: a mask artifact ({@code artifacts/…}) or a stored image. */
  public record MaskRef(String address, Path file, String name) {}

  /**
   * Resolves a mask (or any 3-D image) named by a request: a mask artifact or a stored image, with
   * its content address (for artifact keys) and a local file.
   */
  public MaskRef mask(String name) {
    if (name.isEmpty()) {
      throw new InvalidArgumentException("MASK_REQUIRED",
          "ExtractSignals needs a mask: an artifact from ComputeEpiMask/ComputeMultiEpiMask or a stored mask image");
    }
    if (name.startsWith(ArtifactStore.PREFIX)) {
      Artifact a = artifacts().get(name);
      return new MaskRef(name + "@" + a.getSha256(), artifacts().localFile(a), name);
    }
    Image img = datasets.image(name);
    return new MaskRef(Addresses.blob(img.getStoredSha256()), datasets.localFile(img), name);
  }

  static ObjectNode parameters(ExtractSignalsRequest req) {
    ObjectNode p = cleaningParameters(req.getCleaning());
    if (req.hasSmoothingFwhmMm()) {
      p.put("smoothing_fwhm_mm", req.getSmoothingFwhmMm());
    }
    return p;
  }

  static ObjectNode cleaningParameters(SignalCleaning c) {
    ObjectNode p = JSON.createObjectNode();
    p.put("detrend", c.getDetrend());
    p.put("standardize", c.getStandardize().name());
    if (c.hasLowPassHz()) {
      p.put("low_pass_hz", c.getLowPassHz());
    }
    if (c.hasHighPassHz()) {
      p.put("high_pass_hz", c.getHighPassHz());
    }
    if (c.hasTRSeconds()) {
      p.put("t_r_seconds", c.getTRSeconds());
    }
    p.put("standardize_confounds", !c.hasStandardizeConfounds() || c.getStandardizeConfounds());
    return p;
  }

  static Signal.Standardize standardize(SignalCleaning.Standardize s) {
    return switch (s) {
      case STANDARDIZE_ZSCORE_SAMPLE -> Signal.Standardize.ZSCORE_SAMPLE;
      case STANDARDIZE_PSC -> Signal.Standardize.PSC;
      default -> Signal.Standardize.NONE; // NiftiMasker's default: nothing cleaned without flags
    };
  }

  static double[][] matrix(Matrix m, int expectedRows, String image) {
    if (m.getRows() * (long) m.getColumns() != m.getValuesCount()) {
      throw new InvalidArgumentException("BAD_CONFOUNDS", "confounds of " + image + " declare " + m.getRows() + "x"
          + m.getColumns() + " but carry " + m.getValuesCount() + " values");
    }
    if (m.getRows() != expectedRows) {
      throw new InvalidArgumentException("CONFOUNDS_SHAPE", "confounds of " + image + " have " + m.getRows()
          + " rows but the image has " + expectedRows + " volumes");
    }
    double[][] out = new double[m.getRows()][m.getColumns()];
    for (int r = 0; r < m.getRows(); r++) {
      for (int c = 0; c < m.getColumns(); c++) {
        double v = m.getValues(r * m.getColumns() + c);
        if (!Double.isFinite(v)) {
          throw new InvalidArgumentException("CONFOUNDS_NOT_FINITE", "confounds of " + image + " hold " + v
              + " at row " + r + ", column " + c + " (fill or drop that column)");
        }
        out[r][c] = v;
      }
    }
    return out;
  }

  /** Starts the extraction of every input; checks names, the mask and the options at once. */
  public Operation extract(ExtractSignalsRequest req) {
    if (req.getInputsCount() == 0) {
      throw new InvalidArgumentException("NO_INPUTS", "ExtractSignals needs at least one input image");
    }
    MaskRef mask = mask(req.getMask());
    List<Image> images = new ArrayList<>();
    for (SignalInput in : req.getInputsList()) {
      images.add(datasets.image(in.getImage()));
    }
    ObjectNode params = parameters(req);
    return operations.submit(METHOD, mask.name(), ctx -> run(req, images, mask, params, ctx));
  }

  /** Extracts one input's matrix (time × features) from its open image, cleaning included. */
  @FunctionalInterface
  interface Extractor {
    Result extract(NiftiImage img, CleanOptions clean) throws Exception;
  }

  /**
   * A matrix and what its columns are: in memory ({@code rows}), or already written as an Arrow
   * file ({@code written}, {@code shape}) by an out-of-core extraction.
   */
  record Result(double[][] rows, String columns, Path written, long[] shape) {
    Result(double[][] rows, String columns) {
      this(rows, columns, null, new long[] {rows.length, rows.length == 0 ? 0 : rows[0].length});
    }
  }

  ExtractSignalsResponse run(ExtractSignalsRequest req, List<Image> images, MaskRef maskRef, ObjectNode params,
      OperationContext ctx) throws Exception {
    BinaryMask mask;
    try (NiftiImage m = NiftiImage.open(maskRef.file())) {
      mask = Masking.loadMask(m, false);
    }
    Double fwhm = req.hasSmoothingFwhmMm() ? req.getSmoothingFwhmMm() : null;
    List<Artifact> out = perInput("extract_signals", req.getInputsList(), images, List.of(maskRef.address()), params,
        req.getCleaning(), ctx, (img, clean) -> {
          if (!sameGrid(img, mask)) {
            throw new InvalidArgumentException("GRID_MISMATCH", "the image (" + java.util.Arrays.toString(img.header().shape())
                + ") and the mask (" + mask.x() + "x" + mask.y() + "x" + mask.z() + ") are not on the same grid");
          }
          String columns = "masked voxels of " + maskRef.name() + ", C order of (i,j,k)";
          long budget = inMemoryLimitBytes > 0 ? inMemoryLimitBytes : Runtime.getRuntime().maxMemory() / 4;
          if (OutOfCore.inMemoryBytes(img, mask) <= budget) {
            double[][] rows = MaskedSignals.extract(img, mask, fwhm, clean);
            refuseNonFinite(rows, "masked voxels");
            return new Result(rows, columns);
          }
          // Larger than memory allows: column blocks through a scratch file, rows straight to Arrow.
          Path dir = scratch();
          Path arrow = Files.createTempFile(dir, "signals-", ".arrow");
          try (ArrowMatrices.Writer w = new ArrowMatrices.Writer(arrow, mask.count(), metadata(maskRef.name(), columns))) {
            OutOfCore.extract(img, mask, fwhm, clean, dir, budget, (t, row) -> {
              refuseNonFinite(new double[][] {row}, "masked voxels");
              w.row(row);
            });
          }
          return new Result(null, columns, arrow, new long[] {img.volumeCount(), mask.count()});
        });
    return ExtractSignalsResponse.newBuilder().addAllSignals(out).setVoxelCount(mask.count()).build();
  }

  /**
   * The loop every extraction shares: for each input, the artifact key (its stored image, the
   * other inputs, confounds, sample mask, parameters); the stored result if there is one; else the
   * image opened from storage, cleaning options from the request (the TR: the request's, else the
   * BIDS sidecar's or the header's), the extraction, and the result stored as an Arrow matrix.
   */
  List<Artifact> perInput(String kind, List<SignalInput> inputs, List<Image> images, List<String> otherInputs,
      ObjectNode params, SignalCleaning c, OperationContext ctx, Extractor extractor) throws Exception {
    List<Artifact> out = new ArrayList<>();
    int n = images.size();
    for (int i = 0; i < n; i++) {
      ctx.checkCancelled();
      Image image = images.get(i);
      SignalInput input = inputs.get(i);
      ctx.units(i, n, kind + " " + image.getName());
      ObjectNode p = params.deepCopy();
      ArrayNode sm = p.putArray("sample_mask");
      input.getSampleMaskList().forEach(sm::add);
      List<String> keyInputs = new ArrayList<>();
      keyInputs.add(Addresses.blob(image.getStoredSha256()));
      keyInputs.addAll(otherInputs);
      if (input.hasConfounds()) {
        keyInputs.add("confounds:" + Addresses.sha256Hex(input.getConfounds().toByteArray()));
      }
      String key = Addresses.artifactKey(kind, keyInputs, p, MaskingService.ALGORITHM_VERSION);
      Optional<Artifact> cached = artifacts().find(key);
      if (cached.isPresent()) {
        out.add(cached.get());
        continue;
      }
      try (NiftiImage img = NiftiImage.open(datasets.localFile(image))) {
        // The TR: the request's, else the BIDS sidecar's or the header's (recorded at ingest).
        Double tr = null;
        if (c.hasTRSeconds()) {
          tr = c.getTRSeconds();
        } else if (image.getRepetitionTimeSeconds() > 0) {
          tr = image.getRepetitionTimeSeconds();
        }
        boolean cleaning = c.getDetrend() || c.hasLowPassHz() || c.hasHighPassHz()
            || standardize(c.getStandardize()) != Signal.Standardize.NONE || input.hasConfounds();
        if (cleaning && img.header().ndim() < 4) {
          throw new FailedPreconditionException("NOT_A_TIME_SERIES", image.getName() + " is a "
              + img.header().ndim() + "-D image (shape " + java.util.Arrays.toString(img.header().shape())
              + "); detrending, filtering, standardising or confound removal need a 4-D time series");
        }
        if ((c.hasLowPassHz() || c.hasHighPassHz()) && tr == null) {
          throw new FailedPreconditionException("MISSING_TR", "filtering " + image.getName()
              + " needs its repetition time: none in the request (t_r_seconds), the BIDS sidecar or the header");
        }
        CleanOptions.Builder clean = CleanOptions.builder()
            .detrend(c.getDetrend())
            .standardize(standardize(c.getStandardize()))
            .lowPass(c.hasLowPassHz() ? c.getLowPassHz() : null)
            .highPass(c.hasHighPassHz() ? c.getHighPassHz() : null)
            .tR(tr)
            .standardizeConfounds(!c.hasStandardizeConfounds() || c.getStandardizeConfounds());
        if (input.hasConfounds()) {
          clean.confounds(matrix(input.getConfounds(), (int) img.volumeCount(), image.getName()));
        }
        if (input.getSampleMaskCount() > 0) {
          clean.sampleMask(input.getSampleMaskList().stream().mapToInt(Integer::intValue).toArray());
        }
        Result r;
        try {
          r = extractor.extract(img, clean.build());
        } catch (IllegalArgumentException e) {
          throw new InvalidArgumentException("BAD_CLEANING", image.getName() + ": " + e.getMessage());
        }
        out.add(store(key, kind, image, r, p));
      }
    }
    ctx.units(n, n, "done");
    return out;
  }

  private Path scratch() {
    return storage.scratchDir();
  }

  static Map<String, String> metadata(String image, String columns) {
    return Map.of("voxelflow.image", image, "voxelflow.columns", columns, "voxelflow.orientation", "rows = time points");
  }

  private Artifact store(String key, String kind, Image image, Result r, ObjectNode p) throws java.io.IOException {
    Path file = r.written();
    if (file == null) {
      file = Files.createTempFile(scratch(), "signals-", ".arrow");
      ArrowMatrices.writeIpcFile(file, r.rows(), metadata(image.getName(), r.columns()));
    }
    try {
      Provenance prov = Provenance.newBuilder().setMethod(METHOD + " (" + kind + ")").putParameters("json", p.toString())
          .addInputs(Provenance.Input.newBuilder().setName(image.getName()).setSha256(image.getStoredSha256())).build();
      return artifacts().putDerived(key, file, ".arrow", ArtifactStore.MEDIA_TYPE,
          List.of(r.shape()[0], r.shape()[1]), "float32", prov);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  // ------------------------------------------------------------------ atlases

  /** Resampled atlases, computed once per (atlas, grid) and reused for every subject. */
  private final ResampledAtlasCache atlasCache = new ResampledAtlasCache(16);

  /** A local atlas file named by a stored image or an artifact. */
  MaskRef atlas(String name, String what) {
    if (name.isEmpty()) {
      throw new InvalidArgumentException("ATLAS_REQUIRED", what + " is required");
    }
    return mask(name);
  }

  /** Starts {@code ExtractLabelsSignals}: nilearn's NiftiLabelsMasker for each input. */
  public Operation extractLabels(ExtractLabelsSignalsRequest req) {
    if (req.getInputsCount() == 0) {
      throw new InvalidArgumentException("NO_INPUTS", "ExtractLabelsSignals needs at least one input image");
    }
    Double fwhm = req.hasSmoothingFwhmMm() && req.getSmoothingFwhmMm() > 0 ? req.getSmoothingFwhmMm() : null;
    MaskRef atlas = atlas(req.getLabelsImage(), "labels_image");
    Optional<MaskRef> maskRef = req.getMask().isEmpty() ? Optional.empty() : Optional.of(mask(req.getMask()));
    List<Image> images = new ArrayList<>();
    for (SignalInput in : req.getInputsList()) {
      images.add(datasets.image(in.getImage()));
    }
    Strategy strategy = switch (req.getStrategy()) {
      case STRATEGY_MEDIAN -> Strategy.MEDIAN;
      case STRATEGY_SUM -> Strategy.SUM;
      case STRATEGY_MINIMUM -> Strategy.MINIMUM;
      case STRATEGY_MAXIMUM -> Strategy.MAXIMUM;
      case STRATEGY_STANDARD_DEVIATION -> Strategy.STANDARD_DEVIATION;
      case STRATEGY_VARIANCE -> Strategy.VARIANCE;
      default -> Strategy.MEAN;
    };
    ObjectNode params = cleaningParameters(req.getCleaning()).put("strategy", strategy.name())
        .put("background_label", req.getBackgroundLabel());
    if (fwhm != null) {
      params.put("smoothing_fwhm_mm", fwhm);
    }
    List<String> others = new ArrayList<>(List.of(atlas.address()));
    maskRef.ifPresent(m -> others.add(m.address()));
    return operations.submit(METHOD_LABELS, atlas.name(), ctx -> {
      LabelsAtlas labels = LabelsAtlas.load(atlas.file());
      BinaryMask mask = loadOptionalMask(maskRef);
      int[][] regionsSeen = new int[1][];
      List<Artifact> out = perInput("extract_labels_signals", req.getInputsList(), images, others, params,
          req.getCleaning(), ctx, (img, clean) -> {
            LabelsMasker.Builder b = LabelsMasker.builder(labels).backgroundLabel(req.getBackgroundLabel())
                .strategy(strategy).clean(clean).cache(atlasCache);
            if (mask != null) {
              b.mask(mask);
            }
            RegionSignals r = fwhm == null ? b.build().transform(img)
                : b.build().transform(SmoothedVolumes.of(img, fwhm), clean);
            regionsSeen[0] = r.intRegions();
            return new Result(r.signals(), "regions by label value " + java.util.Arrays.toString(r.intRegions()));
          });
      ExtractLabelsSignalsResponse.Builder resp = ExtractLabelsSignalsResponse.newBuilder().addAllSignals(out);
      if (regionsSeen[0] != null) {
        for (int l : regionsSeen[0]) {
          resp.addLabels(l);
        }
      }
      return resp.build();
    });
  }

  /** Starts {@code ExtractMapsSignals}: nilearn's NiftiMapsMasker (least squares) for each input. */
  public Operation extractMaps(ExtractMapsSignalsRequest req) {
    if (req.getInputsCount() == 0) {
      throw new InvalidArgumentException("NO_INPUTS", "ExtractMapsSignals needs at least one input image");
    }
    Double fwhm = req.hasSmoothingFwhmMm() && req.getSmoothingFwhmMm() > 0 ? req.getSmoothingFwhmMm() : null;
    MaskRef atlas = atlas(req.getMapsImage(), "maps_image");
    Optional<MaskRef> maskRef = req.getMask().isEmpty() ? Optional.empty() : Optional.of(mask(req.getMask()));
    List<Image> images = new ArrayList<>();
    for (SignalInput in : req.getInputsList()) {
      images.add(datasets.image(in.getImage()));
    }
    boolean overlap = !req.hasAllowOverlap() || req.getAllowOverlap();
    ObjectNode params = cleaningParameters(req.getCleaning()).put("allow_overlap", overlap);
    if (fwhm != null) {
      params.put("smoothing_fwhm_mm", fwhm);
    }
    List<String> others = new ArrayList<>(List.of(atlas.address()));
    maskRef.ifPresent(m -> others.add(m.address()));
    return operations.submit(METHOD_MAPS, atlas.name(), ctx -> {
      MapsAtlas maps = MapsAtlas.load(atlas.file());
      BinaryMask mask = loadOptionalMask(maskRef);
      int[] count = new int[1];
      List<Artifact> out = perInput("extract_maps_signals", req.getInputsList(), images, others, params,
          req.getCleaning(), ctx, (img, clean) -> {
            MapsMasker.Builder b = MapsMasker.builder(maps).allowOverlap(overlap).clean(clean).cache(atlasCache);
            if (mask != null) {
              b.mask(mask);
            }
            RegionSignals r = fwhm == null ? b.build().transform(img)
                : b.build().transform(SmoothedVolumes.of(img, fwhm), clean);
            count[0] = r.regionCount();
            return new Result(r.signals(), "maps in order");
          });
      return ExtractMapsSignalsResponse.newBuilder().addAllSignals(out).setMapCount(count[0]).build();
    });
  }

  private static BinaryMask loadOptionalMask(Optional<MaskRef> ref) {
    if (ref.isEmpty()) {
      return null;
    }
    try (NiftiImage m = NiftiImage.open(ref.get().file())) {
      return Masking.loadMask(m, false);
    }
  }

  /** NaN or infinite values inside the mask make every later statistic meaningless: refuse them. */
  static void refuseNonFinite(double[][] rows, String what) {
    for (int t = 0; t < rows.length; t++) {
      for (int v = 0; v < rows[t].length; v++) {
        if (!Double.isFinite(rows[t][v])) {
          throw new InvalidArgumentException("NON_FINITE_VOXELS", "the signals hold " + rows[t][v] + " at volume " + t
              + ", column " + v + " of the " + what + ": the image has NaN or infinite voxels inside the mask");
        }
      }
    }
  }

  static boolean sameGrid(NiftiImage img, BinaryMask mask) {
    long[] s = img.header().shape();
    return s.length >= 3 && s[0] == mask.x() && s[1] == mask.y() && s[2] == mask.z();
  }
}
