package io.voxelflow.connectivity.connectome;

import io.voxelflow.numerics.Matrix;
import java.util.List;

/**
 * The result of {@link ConnectivityMeasure#fitTransform}: nilearn's {@code fit_transform} output and
 * its fitted attributes.
 *
 * @param options what was computed
 * @param matrices one R × R connectome per subject, in input order (Fisher z applied when asked)
 * @param vectors one vector per subject ({@link Connectivity#symMatrixToVec} of {@code matrices}),
 *     or null unless {@code options.vectorize()}
 * @param mean nilearn's {@code mean_}, R × R: the symmetrized arithmetic mean of the subjects'
 *     matrices (before Fisher z) for every kind except tangent, where it is the geometric mean of
 *     the covariances (squared signal units)
 * @param whitening nilearn's {@code whitening_} = {@code mean^(-1/2)} for tangent, else null
 * @param shrinkage the Ledoit-Wolf coefficient used per subject (0 with the empirical estimator)
 * @param meanIterations gradient steps of the geometric mean (tangent), else 0
 * @param meanConverged false when the geometric mean stopped at its iteration limit (nilearn warns)
 */
public record Connectome(ConnectivityOptions options, List<Matrix> matrices, List<double[]> vectors,
    Matrix mean, Matrix whitening, double[] shrinkage, int meanIterations, boolean meanConverged) {

  /** Number of regions R. */
  public int regions() {
    return mean.rows();
  }
}
