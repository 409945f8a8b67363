package io.voxelflow.connectivity.connectome;

/** The kinds of connectivity matrix nilearn's {@code ConnectivityMeasure} computes. */
public enum Kind {
  /** {@code "covariance"}: the estimated covariance, squared signal units. */
  COVARIANCE("covariance"),
  /** {@code "correlation"}: covariance of the standardized series, rescaled to unit diagonal. */
  CORRELATION("correlation"),
  /** {@code "partial correlation"}: {@code -P_ij / sqrt(P_ii P_jj)} from the precision P. */
  PARTIAL_CORRELATION("partial correlation"),
  /**
   * {@code "tangent"}: {@code logm(W C W)} with {@code W} the inverse square root of the group's
   * geometric-mean covariance (Varoquaux et al. 2010, MICCAI).
   */
  TANGENT("tangent"),
  /** {@code "precision"}: the inverse of the estimated covariance. */
  PRECISION("precision");

  private final String nilearnName;

  Kind(String nilearnName) {
    this.nilearnName = nilearnName;
  }

  /** The name nilearn uses for this kind (its {@code kind=} argument). */
  public String nilearnName() {
    return nilearnName;
  }

  /** Whether the matrices are correlations (unit diagonal, values in [-1, 1]), so Fisher z applies. */
  public boolean isCorrelation() {
    return this == CORRELATION || this == PARTIAL_CORRELATION;
  }

  /** Whether the kind needs an invertible (positive-definite) covariance per subject. */
  public boolean needsPositiveDefinite() {
    return this == PARTIAL_CORRELATION || this == PRECISION || this == TANGENT;
  }
}
