package io.voxelflow.connectivity.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.longrunning.Operation;
import io.voxelflow.api.connectivity.v1alpha1.ConnectivityServiceGrpc;
import io.voxelflow.api.connectivity.v1alpha1.EdgeThreshold;
import io.voxelflow.api.connectivity.v1alpha1.VoxelwiseConnectomeRequest;
import io.voxelflow.api.connectivity.v1alpha1.VoxelwiseConnectomeResponse;
import io.voxelflow.api.types.v1.Artifact;
import io.voxelflow.connectivity.voxelwise.EdgeRule;
import io.voxelflow.connectivity.voxelwise.VoxelwiseConnectome;
import io.voxelflow.connectivity.voxelwise.ZScoredVoxels;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.flight.ArrowMatrices;
import io.voxelflow.flight.ArtifactStore;
import io.voxelflow.masking.extract.MaskedSignals;
import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiHeader;
import io.voxelflow.nifti.NiftiWriter;
import io.voxelflow.numerics.NumericThreads;
import io.voxelflow.operations.OperationContext;
import io.voxelflow.operations.OperationManager;
import io.voxelflow.storage.Addresses;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code VoxelwiseConnectome}: the correlation graph of every mask voxel with every other, from a
 * time × voxels signal matrix, computed in tiles ({@link VoxelwiseConnectome}) on a thread pool and
 * stored as an Arrow edge table plus degree and strength maps. The whole response is stored under
 * the request's artifact key, so the same request again is answered from storage.
 */
@ApplicationScoped
public class VoxelwiseService {
  static final String METHOD = ConnectivityServiceGrpc.SERVICE_NAME + "/VoxelwiseConnectome";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject
  ConnectivityInputs inputs;

  @Inject
  OperationManager operations;

  /** Voxels per tile side; tiles use tile-size² × 4 bytes each. */
  @ConfigProperty(name = "voxelflow.connectivity.tile-size", defaultValue = "4096")
  int tileSize;

  /** Tiles computed at once (each GEMM also uses BLAS threads). */
  @ConfigProperty(name = "voxelflow.connectivity.tile-parallelism", defaultValue = "1")
  int tileParallelism;

  /** The most edges a voxelwise graph may keep (12 bytes each in memory). */
  @ConfigProperty(name = "voxelflow.connectivity.max-edges", defaultValue = "50000000")
  long maxEdges;

  /** Tile kernel: {@code auto} (ND4J on a CUDA backend, else OpenBLAS), {@code openblas} or {@code nd4j}. */
  @ConfigProperty(name = "voxelflow.connectivity.tile-kernel", defaultValue = "auto")
  String tileKernel;

  private ExecutorService tiles;

  synchronized ExecutorService tiles() {
    if (tiles == null) {
      tiles = NumericThreads.pool("voxelwise-tile", tileParallelism);
    }
    return tiles;
  }

  @PreDestroy
  synchronized void stop() {
    if (tiles != null) {
      tiles.shutdownNow();
    }
  }

  /** The request's edge rule; INVALID_ARGUMENT when unset or out of range. */
  static EdgeRule rule(EdgeThreshold t) {
    boolean neg = t.getKeepNegative();
    return switch (t.getRuleCase()) {
      case ABSOLUTE -> new EdgeRule.Absolute(t.getAbsolute(), neg);
      case DENSITY -> new EdgeRule.Density(t.getDensity(), neg);
      case TOP_K -> new EdgeRule.TopK(t.getTopK(), neg);
      case ADAPTIVE -> new EdgeRule.Adaptive(neg);
      default -> throw new InvalidArgumentException("THRESHOLD_REQUIRED",
          "threshold needs one rule: absolute, density, top_k or adaptive");
    };
  }

  static ObjectNode parameters(EdgeThreshold t) {
    ObjectNode p = JSON.createObjectNode();
    p.put("rule", t.getRuleCase().name());
    switch (t.getRuleCase()) {
      case ABSOLUTE -> p.put("absolute", t.getAbsolute());
      case DENSITY -> p.put("density", t.getDensity());
      case TOP_K -> p.put("top_k", t.getTopK());
      default -> { }
    }
    p.put("keep_negative", t.getKeepNegative());
    return p;
  }

  /** Starts the operation; names, the mask and the rule are checked before it starts. */
  public Operation start(VoxelwiseConnectomeRequest req) {
    if (!req.hasThreshold()) {
      throw new InvalidArgumentException("THRESHOLD_REQUIRED", "threshold is required (absolute, density, top_k or adaptive)");
    }
    EdgeRule rule = rule(req.getThreshold());
    ConnectivityInputs.Input signals = inputs.artifact(req.getSignals(), "signals");
    ConnectivityInputs.MaskInput mask = inputs.mask(req.getMask(), "mask");
    ConnectivityInputs.requireMaskColumns(signals, mask);
    ObjectNode params = parameters(req.getThreshold());
    String key = Addresses.artifactKey("voxelwise_connectome", List.of(signals.address(), mask.address()), params,
        ConnectivityInputs.ALGORITHM_VERSION);
    return operations.submit(METHOD, req.getSignals(), req.getRequestId(), key, ctx -> run(key, signals, mask, rule, params, ctx));
  }

  VoxelwiseConnectomeResponse run(String key, ConnectivityInputs.Input signals, ConnectivityInputs.MaskInput maskIn,
      EdgeRule rule, ObjectNode params, OperationContext ctx) throws Exception {
    ArtifactStore store = inputs.artifacts();
    Optional<VoxelwiseConnectomeResponse> cached = store.findResponse(key, VoxelwiseConnectomeResponse.getDefaultInstance());
    if (cached.isPresent()) {
      return cached.get();
    }
    BinaryMask mask = maskIn.mask();
    Path scratch = inputs.scratch();
    ctx.progress(0, "z-scoring voxel series");
    VoxelwiseConnectome.Result res;
    try (ZScoredVoxels.Builder b = ZScoredVoxels.builder(scratch, mask.count())) {
      ArrowMatrices.forEachRow(signals.file(), (t, row) -> b.addTimePoint(row));
      try (ZScoredVoxels z = b.build()) {
        ctx.checkCancelled();
        res = new VoxelwiseConnectome(tiles(), new VoxelwiseConnectome.Options(tileSize, Math.max(1, tileParallelism), maxEdges,
            tileKernel.equals("auto") ? io.voxelflow.connectivity.voxelwise.TileKernel.auto()
                : io.voxelflow.connectivity.voxelwise.TileKernel.valueOf(tileKernel.toUpperCase(java.util.Locale.ROOT))))
            .compute(z, rule, (done, total) -> {
              ctx.checkCancelled();
              ctx.progress(0.02 + 0.9 * done / total, "correlation tiles " + done + "/" + total);
            });
      }
    }
    ctx.progress(0.93, "writing edges and maps");
    String method = METHOD;
    String pj = params.toString();
    List<ConnectivityInputs.Input> ins = List.of(signals);
    Path edgesFile = Files.createTempFile(scratch, "edges-", ".arrow");
    EdgeTables.write(edgesFile, res.edges(), Map.of("voxelflow.nodes", String.valueOf(res.nodes()),
        "voxelflow.effective_threshold", String.valueOf(res.effectiveThreshold()),
        "voxelflow.node_order", "mask voxels of " + maskIn.name() + ", C order of (i,j,k)"));
    Artifact edges = inputs.store(Addresses.outputKey(key, "edges"), edgesFile, ".arrow", ArtifactStore.MEDIA_TYPE,
        List.of((long) res.edges().size(), 3L), "edge_table", method, pj, ins);
    double[] degree = new double[res.nodes()];
    for (int v = 0; v < degree.length; v++) {
      degree[v] = res.degree()[v];
    }
    Artifact degreeMap = inputs.store(Addresses.outputKey(key, "degree"), map(scratch, degree, mask, NiftiDatatype.INT32), ".nii.gz",
        "application/x-nifti-gz", List.of((long) mask.x(), (long) mask.y(), (long) mask.z()), "int32", method, pj, ins);
    Artifact strengthMap = inputs.store(Addresses.outputKey(key, "strength"), map(scratch, res.strength(), mask, NiftiDatatype.FLOAT32),
        ".nii.gz", "application/x-nifti-gz", List.of((long) mask.x(), (long) mask.y(), (long) mask.z()), "float32",
        method, pj, ins);
    VoxelwiseConnectomeResponse resp = VoxelwiseConnectomeResponse.newBuilder().setEdges(edges).setDegreeMap(degreeMap)
        .setStrengthMap(strengthMap).setEdgeCount(res.edges().size()).setNodeCount(res.nodes())
        .setEffectiveThreshold(res.effectiveThreshold()).build();
    store.putResponse(key, resp);
    return resp;
  }


  /** A per-voxel value map as a 3-D NIfTI on the mask's grid, 0 outside the mask. */
  static Path map(Path scratch, double[] values, BinaryMask mask, NiftiDatatype datatype) throws java.io.IOException {
    Path f = Files.createTempFile(scratch, "map-", ".nii.gz");
    if (datatype == NiftiDatatype.FLOAT32) {
      MaskedSignals.writeNifti(f, values, mask);
      return f;
    }
    int[] idx = mask.cOrderIndices();
    double[] vol = new double[mask.size()];
    for (int n = 0; n < idx.length; n++) {
      vol[idx[n]] = values[n];
    }
    NiftiHeader h = NiftiHeader.of(datatype, mask.x(), mask.y(), mask.z()).setAffine(mask.affine(), 2).setQformCode(0);
    try (NiftiWriter w = NiftiWriter.create(f, h)) {
      w.writeVolume(vol);
    }
    return f;
  }
}
