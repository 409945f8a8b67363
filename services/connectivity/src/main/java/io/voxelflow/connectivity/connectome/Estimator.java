package io.voxelflow.connectivity.connectome;

/** Covariance estimators, as scikit-learn's classes of the same names. */
public enum Estimator {
  /**
   * {@code LedoitWolf(store_precision=False)}, nilearn's default: the empirical covariance shrunk
   * towards {@code mu·I} with the Ledoit-Wolf (2004) coefficient.
   */
  LEDOIT_WOLF,
  /** {@code EmpiricalCovariance()}: the maximum-likelihood covariance (divides by T, ddof = 0). */
  EMPIRICAL
}
