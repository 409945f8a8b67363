package io.voxelflow.connectivity.connectome;

import io.voxelflow.numerics.Linalg;
import io.voxelflow.numerics.Matrix;
import java.util.ArrayList;
import java.util.List;

/**
 * nilearn 0.10.4's {@code ConnectivityMeasure(kind, cov_estimator, vectorize, discard_diagonal,
 * standardize).fit_transform(subjects)}.
 *
 * <p>Per subject (T × R, time along rows): for {@link Kind#CORRELATION}, the series is first
 * z-scored when {@code standardize} ({@link Connectivity#standardizeSignal}), its covariance
 * estimated and turned into a correlation ({@link Connectivity#covToCorr}); for the other kinds the
 * raw series' covariance C is estimated and the connectome is C (covariance, and the input of
 * tangent), C⁻¹ (precision) or {@link Connectivity#precToPartial}(C⁻¹) (partial correlation).
 * Tangent: the group mean is the geometric mean of the covariances ({@link
 * TangentSpace#geometricMean}, 30 steps, tol 1e-7) and each connectome is {@code logm(W C W)} with
 * {@code W = mean^(-1/2)}. Other kinds: the mean is the symmetrized arithmetic mean of the subjects'
 * matrices (a plain mean, no Fisher averaging).
 */
public final class ConnectivityMeasure {

  private ConnectivityMeasure() {}

  /**
   * Computes every subject's connectome and the group mean.
   *
   * @param subjects time × regions series, one per subject (time points may differ, regions not)
   * @param options kind, estimator and output options
   * @return the connectomes, vectors and mean
   * @throws io.voxelflow.error.InvalidArgumentException bad input (see {@link ConnectomeInputs#check})
   * @throws io.voxelflow.error.FailedPreconditionException {@code NOT_POSITIVE_DEFINITE} when a
   *     kind that inverts the covariance meets a singular one
   */
  public static Connectome fitTransform(List<Matrix> subjects, ConnectivityOptions options) {
    Kind kind = options.kind();
    ConnectomeInputs.check(subjects, kind);
    int n = subjects.size();
    List<Matrix> covariances = new ArrayList<>(n);
    double[] shrinkage = new double[n];
    for (int s = 0; s < n; s++) {
      Matrix x = subjects.get(s);
      if (kind == Kind.CORRELATION && options.standardize()) {
        x = Connectivity.standardizeSignal(x);
      }
      CovarianceEstimation.Estimate e = CovarianceEstimation.estimate(x, options.estimator());
      if (kind.needsPositiveDefinite()) {
        ConnectomeInputs.checkPositiveDefinite(e.covariance(), s, kind, options.estimator(), x.rows());
      }
      covariances.add(e.covariance());
      shrinkage[s] = e.shrinkage();
    }
    List<Matrix> connectivities = new ArrayList<>(n);
    for (Matrix c : covariances) {
      connectivities.add(switch (kind) {
        case CORRELATION -> Connectivity.covToCorr(c);
        case COVARIANCE, TANGENT -> c;
        case PRECISION -> Linalg.inverse(c);
        case PARTIAL_CORRELATION -> Connectivity.precToPartial(Linalg.inverse(c));
      });
    }
    Matrix mean;
    Matrix whitening = null;
    int iterations = 0;
    boolean converged = true;
    if (kind == Kind.TANGENT) {
      TangentSpace.GeometricMean g =
          TangentSpace.geometricMean(covariances, TangentSpace.MAX_ITER, TangentSpace.TOL);
      mean = g.mean();
      iterations = g.iterations();
      converged = g.converged();
      whitening = TangentSpace.whitening(mean);
      List<Matrix> embedded = new ArrayList<>(n);
      for (Matrix c : covariances) {
        embedded.add(TangentSpace.embed(whitening, c));
      }
      connectivities = embedded;
    } else {
      mean = Connectivity.arithmeticMean(connectivities);
    }
    if (options.fisherZ()) {
      connectivities = connectivities.stream().map(Connectivity::fisherZ).toList();
    }
    List<double[]> vectors = null;
    if (options.vectorize()) {
      vectors = connectivities.stream()
          .map(m -> Connectivity.symMatrixToVec(m, options.discardDiagonal())).toList();
    }
    return new Connectome(options, List.copyOf(connectivities), vectors, mean, whitening, shrinkage,
        iterations, converged);
  }

  /** {@link #fitTransform(List, ConnectivityOptions)} for {@code double[subject][time][region]}. */
  public static Connectome fitTransform(double[][][] subjects, ConnectivityOptions options) {
    return fitTransform(ConnectomeInputs.toMatrices(subjects), options);
  }
}
