package io.voxelflow.connectivity.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.longrunning.Operation;
import io.voxelflow.api.connectivity.v1alpha1.ConnectivityServiceGrpc;
import io.voxelflow.api.connectivity.v1alpha1.SeedCorrelationRequest;
import io.voxelflow.api.connectivity.v1alpha1.SeedCorrelationResponse;
import io.voxelflow.connectivity.seed.SeedCorrelation;
import io.voxelflow.connectivity.seed.SeedMap;
import io.voxelflow.connectivity.seed.SphereSeed;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.flight.ArrowMatrices;
import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.service.SignalExtractionService;
import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.operations.OperationContext;
import io.voxelflow.operations.OperationManager;
import io.voxelflow.storage.Addresses;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code SeedCorrelation}: the Pearson correlation of a seed series (a sphere's, a seed mask's or
 * an atlas region's mean, or a given series) with every mask voxel, as r and optionally
 * Fisher-z maps on the mask's grid ({@link SeedCorrelation}).
 */
@ApplicationScoped
public class SeedService {
  static final String METHOD = ConnectivityServiceGrpc.SERVICE_NAME + "/SeedCorrelation";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject
  ConnectivityInputs inputs;

  @Inject
  OperationManager operations;

  /** Starts the operation; names, the mask and the seed are checked first. */
  public Operation start(SeedCorrelationRequest req) {
    ConnectivityInputs.Input signals = inputs.artifact(req.getSignals(), "signals");
    ConnectivityInputs.MaskInput mask = inputs.mask(req.getMask(), "mask");
    ConnectivityInputs.requireMaskColumns(signals, mask);
    ObjectNode p = JSON.createObjectNode().put("fisher_z", req.getFisherZ()).put("seed", req.getSeedCase().name());
    List<String> keyInputs = new ArrayList<>(List.of(signals.address(), mask.address()));
    SignalExtractionService.MaskRef seedImage = null;
    ConnectivityInputs.Input seedSignal = null;
    switch (req.getSeedCase()) {
      case SPHERE -> {
        if (!(req.getSphere().getRadiusMm() >= 0) || !Double.isFinite(req.getSphere().getRadiusMm())) {
          throw new InvalidArgumentException("BAD_RADIUS", "radius_mm must be ≥ 0, got " + req.getSphere().getRadiusMm());
        }
        p.put("x_mm", req.getSphere().getXMm()).put("y_mm", req.getSphere().getYMm()).put("z_mm", req.getSphere().getZMm())
            .put("radius_mm", req.getSphere().getRadiusMm());
      }
      case SEED_SIGNAL -> {
        seedSignal = inputs.artifact(req.getSeedSignal(), "seed_signal");
        keyInputs.add(seedSignal.address());
      }
      case SEED_MASK -> {
        seedImage = inputs.image(req.getSeedMask(), "seed_mask");
        keyInputs.add(seedImage.address());
      }
      case ATLAS_LABEL -> {
        if (req.getAtlasLabel().getLabel() == 0) {
          throw new InvalidArgumentException("BAD_LABEL", "atlas_label.label must be a non-zero label of the atlas");
        }
        seedImage = inputs.image(req.getAtlasLabel().getLabelsImage(), "atlas_label.labels_image");
        keyInputs.add(seedImage.address());
        p.put("label", req.getAtlasLabel().getLabel());
      }
      default -> throw new InvalidArgumentException("SEED_REQUIRED",
          "a seed is required: sphere, seed_signal, seed_mask or atlas_label");
    }
    String key = Addresses.artifactKey("seed_correlation", keyInputs, p, ConnectivityInputs.ALGORITHM_VERSION);
    SignalExtractionService.MaskRef seedImg = seedImage;
    ConnectivityInputs.Input seedSig = seedSignal;
    return operations.submit(METHOD, req.getSignals(), req.getRequestId(), key, ctx -> run(key, req, signals, mask, seedImg, seedSig, p, ctx));
  }

  SeedCorrelationResponse run(String key, SeedCorrelationRequest req, ConnectivityInputs.Input signals,
      ConnectivityInputs.MaskInput maskIn, SignalExtractionService.MaskRef seedImage, ConnectivityInputs.Input seedSignal,
      ObjectNode p, OperationContext ctx) throws Exception {
    Optional<SeedCorrelationResponse> cached = inputs.artifacts().findResponse(key, SeedCorrelationResponse.getDefaultInstance());
    if (cached.isPresent()) {
      return cached.get();
    }
    ctx.progress(0.05, "reading signals");
    float[][] data = ArrowMatrices.readIpcFile(signals.file());
    BinaryMask mask = maskIn.mask();
    SeedMap map;
    ctx.progress(0.5, "correlating");
    switch (req.getSeedCase()) {
      case SPHERE -> {
        var s = req.getSphere();
        map = SeedCorrelation.fromSphere(data, ijk(mask), mask.affine(),
            new SphereSeed(s.getXMm(), s.getYMm(), s.getZMm(), s.getRadiusMm()), req.getFisherZ());
      }
      case SEED_SIGNAL -> {
        var m = inputs.readMatrix(seedSignal);
        if (m.cols() != 1) {
          throw new InvalidArgumentException("SHAPE_MISMATCH", "seed_signal must be a time × 1 matrix, got "
              + m.rows() + " × " + m.cols());
        }
        map = SeedCorrelation.correlate(data, m.column(0), req.getFisherZ());
      }
      default -> {
        int[] voxels = seedVoxels(req, seedImage, mask);
        map = SeedCorrelation.correlate(data, SeedCorrelation.seedSeries(data, voxels), req.getFisherZ());
        map = new SeedMap(map.r(), map.z(), map.seedSeries(), voxels.length, voxels);
      }
    }
    ctx.progress(0.9, "writing maps");
    Path scratch = inputs.scratch();
    String pj = p.toString();
    List<ConnectivityInputs.Input> ins = List.of(signals);
    List<Long> grid = List.of((long) mask.x(), (long) mask.y(), (long) mask.z());
    SeedCorrelationResponse.Builder resp = SeedCorrelationResponse.newBuilder()
        .setSeedVoxelCount(req.getSeedCase() == SeedCorrelationRequest.SeedCase.SEED_SIGNAL ? 0 : map.seedVoxelCount());
    resp.setCorrelationMap(inputs.store(Addresses.outputKey(key, "r"),
        VoxelwiseService.map(scratch, map.r(), mask, NiftiDatatype.FLOAT32), ".nii.gz", "application/x-nifti-gz", grid,
        "float32", METHOD, pj, ins));
    if (req.getFisherZ()) {
      resp.setFisherZMap(inputs.store(Addresses.outputKey(key, "z"),
          VoxelwiseService.map(scratch, map.z(), mask, NiftiDatatype.FLOAT32), ".nii.gz", "application/x-nifti-gz", grid,
          "float32", METHOD, pj, ins));
    }
    Path seedFile = Files.createTempFile(scratch, "seed-", ".arrow");
    double[][] series = new double[map.seedSeries().length][1];
    for (int t = 0; t < series.length; t++) {
      series[t][0] = map.seedSeries()[t];
    }
    ArrowMatrices.writeIpcFile(seedFile, series, java.util.Map.of("voxelflow.columns", "seed series"));
    resp.setSeedSignal(inputs.store(Addresses.outputKey(key, "seed"), seedFile, ".arrow",
        io.voxelflow.flight.ArtifactStore.MEDIA_TYPE, List.of((long) series.length, 1L), "float32", METHOD, pj, ins));
    SeedCorrelationResponse r = resp.build();
    inputs.artifacts().putResponse(key, r);
    return r;
  }

  /** Mask voxel indices (i, j, k) in the signals' column order (C order), flat. */
  static int[] ijk(BinaryMask mask) {
    int[] idx = mask.cOrderIndices();
    int[] out = new int[idx.length * 3];
    for (int n = 0; n < idx.length; n++) {
      int f = idx[n];
      out[3 * n] = f % mask.x();
      out[3 * n + 1] = (f / mask.x()) % mask.y();
      out[3 * n + 2] = f / (mask.x() * mask.y());
    }
    return out;
  }

  /** The mask columns inside a seed mask (non-zero) or carrying an atlas label. */
  static int[] seedVoxels(SeedCorrelationRequest req, SignalExtractionService.MaskRef image, BinaryMask mask) {
    double[] vol;
    try (NiftiImage img = NiftiImage.open(image.file())) {
      long[] s = img.header().shape();
      if (s.length < 3 || s[0] != mask.x() || s[1] != mask.y() || s[2] != mask.z()) {
        throw new InvalidArgumentException("GRID_MISMATCH", image.name() + " (" + java.util.Arrays.toString(s)
            + ") is not on the mask's grid (" + mask.x() + "x" + mask.y() + "x" + mask.z() + ")");
      }
      vol = new double[(int) img.voxelsPerVolume()];
      img.readVolume(vol);
    }
    int[] idx = mask.cOrderIndices();
    boolean atlas = req.getSeedCase() == SeedCorrelationRequest.SeedCase.ATLAS_LABEL;
    int label = req.getAtlasLabel().getLabel();
    List<Integer> out = new ArrayList<>();
    for (int n = 0; n < idx.length; n++) {
      double v = vol[idx[n]];
      if (atlas ? Math.round(v) == label : v != 0) {
        out.add(n);
      }
    }
    if (out.isEmpty()) {
      throw new InvalidArgumentException("SEED_OUTSIDE_MASK", atlas
          ? "label " + label + " of " + image.name() + " has no voxel inside the mask"
          : "the seed mask " + image.name() + " has no voxel inside the mask");
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }
}
