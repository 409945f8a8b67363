package io.voxelflow.connectivity.connectome;

import io.voxelflow.error.InvalidArgumentException;
import java.util.Objects;

/**
 * What {@link ConnectivityMeasure#fitTransform} computes; the defaults are nilearn 0.10.4's
 * {@code ConnectivityMeasure()} defaults.
 *
 * @param kind the connectivity kind (nilearn default {@code "covariance"}; Voxelflow callers
 *     usually choose {@link Kind#CORRELATION})
 * @param estimator the covariance estimator (default {@link Estimator#LEDOIT_WOLF})
 * @param standardize z-score each region series (mean removed, divided by the population std,
 *     ddof = 0) before estimating; as in nilearn it applies to {@link Kind#CORRELATION} only
 *     (default true)
 * @param vectorize also return each matrix as its lower triangle ({@link
 *     Connectivity#symMatrixToVec}; default false)
 * @param discardDiagonal leave the diagonal out of the vectors (default false)
 * @param fisherZ apply Fisher's z = artanh(r) to correlation and partial-correlation matrices
 *     (diagonal set to 0) before vectorizing; a Voxelflow addition, not in nilearn (default false)
 */
public record ConnectivityOptions(Kind kind, Estimator estimator, boolean standardize,
    boolean vectorize, boolean discardDiagonal, boolean fisherZ) {

  /** Checks the combination: Fisher z needs a correlation kind ({@code FISHER_Z_NOT_APPLICABLE}). */
  public ConnectivityOptions {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(estimator, "estimator");
    if (fisherZ && !kind.isCorrelation()) {
      throw (InvalidArgumentException) new InvalidArgumentException("FISHER_Z_NOT_APPLICABLE",
          "Fisher z applies to correlation and partial correlation only, not to kind '"
              + kind.nilearnName() + "'").with("kind", kind.name());
    }
  }

  /** nilearn's defaults for a kind: Ledoit-Wolf, standardize, matrices only, no Fisher z. */
  public static ConnectivityOptions of(Kind kind) {
    return new ConnectivityOptions(kind, Estimator.LEDOIT_WOLF, true, false, false, false);
  }

  /** A copy with another estimator. */
  public ConnectivityOptions withEstimator(Estimator e) {
    return new ConnectivityOptions(kind, e, standardize, vectorize, discardDiagonal, fisherZ);
  }

  /** A copy with standardization on or off. */
  public ConnectivityOptions withStandardize(boolean s) {
    return new ConnectivityOptions(kind, estimator, s, vectorize, discardDiagonal, fisherZ);
  }

  /** A copy that also vectorizes, keeping or discarding the diagonal. */
  public ConnectivityOptions withVectorize(boolean v, boolean discard) {
    return new ConnectivityOptions(kind, estimator, standardize, v, discard, fisherZ);
  }

  /** A copy with Fisher z on or off. */
  public ConnectivityOptions withFisherZ(boolean z) {
    return new ConnectivityOptions(kind, estimator, standardize, vectorize, discardDiagonal, z);
  }
}
