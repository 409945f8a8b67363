package io.voxelflow.connectivity.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.longrunning.Operation;
import io.voxelflow.api.connectivity.v1alpha1.ComputeConnectomeRequest;
import io.voxelflow.api.connectivity.v1alpha1.ComputeConnectomeResponse;
import io.voxelflow.api.connectivity.v1alpha1.ConnectivityServiceGrpc;
import io.voxelflow.api.types.v1.Artifact;
import io.voxelflow.connectivity.connectome.ConnectivityMeasure;
import io.voxelflow.connectivity.connectome.ConnectivityOptions;
import io.voxelflow.connectivity.connectome.Connectome;
import io.voxelflow.connectivity.connectome.Estimator;
import io.voxelflow.connectivity.connectome.Kind;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.numerics.Matrix;
import io.voxelflow.operations.OperationContext;
import io.voxelflow.operations.OperationManager;
import io.voxelflow.storage.Addresses;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code ComputeConnectome}: nilearn's {@code ConnectivityMeasure.fit_transform} over the given
 * time × regions signal matrices ({@link ConnectivityMeasure}); each connectome and the group mean
 * stored as float64 {@code .npy} artifacts, the whole response under the request's key.
 */
@ApplicationScoped
public class ConnectomeService {
  static final String METHOD = ConnectivityServiceGrpc.SERVICE_NAME + "/ComputeConnectome";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject
  ConnectivityInputs inputs;

  @Inject
  OperationManager operations;

  static ConnectivityOptions options(ComputeConnectomeRequest req) {
    Kind kind = switch (req.getKind()) {
      case KIND_COVARIANCE -> Kind.COVARIANCE;
      case KIND_CORRELATION -> Kind.CORRELATION;
      case KIND_PARTIAL_CORRELATION -> Kind.PARTIAL_CORRELATION;
      case KIND_TANGENT -> Kind.TANGENT;
      case KIND_PRECISION -> Kind.PRECISION;
      default -> throw new InvalidArgumentException("KIND_REQUIRED",
          "kind is required: covariance, correlation, partial correlation, tangent or precision");
    };
    Estimator est = req.getEstimator() == ComputeConnectomeRequest.Estimator.ESTIMATOR_EMPIRICAL
        ? Estimator.EMPIRICAL : Estimator.LEDOIT_WOLF;
    if (req.getDiscardDiagonal() && !req.getVectorize()) {
      throw new InvalidArgumentException("DISCARD_DIAGONAL_WITHOUT_VECTORIZE", "discard_diagonal only applies with vectorize");
    }
    return ConnectivityOptions.of(kind).withEstimator(est)
        .withStandardize(!req.hasStandardize() || req.getStandardize())
        .withVectorize(req.getVectorize(), req.getDiscardDiagonal())
        .withFisherZ(req.getFisherZ());
  }

  /** Starts the operation; inputs and options are checked first. */
  public Operation start(ComputeConnectomeRequest req) {
    if (req.getSignalsCount() == 0) {
      throw new InvalidArgumentException("NO_INPUTS", "ComputeConnectome needs at least one signals matrix");
    }
    ConnectivityOptions o = options(req);
    if (o.kind() == Kind.TANGENT && req.getSignalsCount() < 2) {
      throw new InvalidArgumentException("TOO_FEW_SUBJECTS", "the tangent kind needs at least two subjects (it is "
          + "relative to the group's geometric mean), got " + req.getSignalsCount()).with("subjects", req.getSignalsCount());
    }
    List<ConnectivityInputs.Input> ins = new ArrayList<>();
    for (int i = 0; i < req.getSignalsCount(); i++) {
      ins.add(inputs.artifact(req.getSignals(i), "signals[" + i + "]"));
    }
    ObjectNode p = JSON.createObjectNode().put("kind", o.kind().name()).put("estimator", o.estimator().name())
        .put("standardize", o.standardize()).put("vectorize", o.vectorize()).put("discard_diagonal", o.discardDiagonal())
        .put("fisher_z", o.fisherZ());
    String key = Addresses.artifactKey("connectome", ins.stream().map(ConnectivityInputs.Input::address).toList(), p,
        ConnectivityInputs.ALGORITHM_VERSION);
    return operations.submit(METHOD, req.getSignals(0), req.getRequestId(), key, ctx -> run(key, ins, o, p, ctx));
  }

  ComputeConnectomeResponse run(String key, List<ConnectivityInputs.Input> ins, ConnectivityOptions o, ObjectNode p,
      OperationContext ctx) throws Exception {
    Optional<ComputeConnectomeResponse> cached = inputs.artifacts().findResponse(key,
        ComputeConnectomeResponse.getDefaultInstance());
    if (cached.isPresent()) {
      return cached.get();
    }
    List<Matrix> subjects = new ArrayList<>();
    for (int i = 0; i < ins.size(); i++) {
      ctx.units(i, ins.size() * 2L, "reading signals " + (i + 1) + "/" + ins.size());
      subjects.add(inputs.readMatrix(ins.get(i)));
    }
    ctx.progress(0.5, "estimating " + o.kind().name().toLowerCase(java.util.Locale.ROOT) + " connectomes");
    Connectome c = ConnectivityMeasure.fitTransform(subjects, o);
    ComputeConnectomeResponse.Builder resp = ComputeConnectomeResponse.newBuilder().setRegionCount(c.regions());
    String pj = p.toString();
    for (int i = 0; i < ins.size(); i++) {
      ctx.checkCancelled();
      Path f = o.vectorize() ? inputs.npy(c.vectors().get(i)) : inputs.npy(c.matrices().get(i));
      resp.addConnectomes(store(Addresses.outputKey(key, "subject-" + i), f, o, c, List.of(ins.get(i)), pj));
    }
    Matrix mean = c.mean();
    Path mf = inputs.npy(mean);
    resp.setMean(inputs.store(Addresses.outputKey(key, "mean"), mf, ".npy", "application/x-npy",
        List.of((long) mean.rows(), (long) mean.cols()), "float64", METHOD + " (group mean)", pj, ins));
    ComputeConnectomeResponse r = resp.build();
    inputs.artifacts().putResponse(key, r);
    return r;
  }

  private Artifact store(String key, Path f, ConnectivityOptions o, Connectome c, List<ConnectivityInputs.Input> in,
      String pj) throws java.io.IOException {
    int r = c.regions();
    List<Long> shape = o.vectorize()
        ? List.of((long) (o.discardDiagonal() ? r * (r - 1) / 2 : r * (r + 1) / 2))
        : List.of((long) r, (long) r);
    return inputs.store(key, f, ".npy", "application/x-npy", shape, "float64", METHOD, pj, in);
  }
}
