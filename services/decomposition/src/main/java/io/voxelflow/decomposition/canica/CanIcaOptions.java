package io.voxelflow.decomposition.canica;

/**
 * Parameters of CanICA's numerics (nilearn 0.10.4 {@code CanICA} defaults where it has them).
 *
 * @param nComponents number of ICA maps (nilearn default 20); also the number of rows each subject
 *     is reduced to
 * @param doCca scale every reduced row to unit norm before the group SVD (default true)
 * @param threshold thresholding of the maps (default {@link Threshold#auto()})
 * @param nInit number of FastICA restarts (default 10)
 * @param seed seed of every random step (per-subject and group randomized SVDs, FastICA restarts)
 * @param maxIter FastICA iteration limit (sklearn 200)
 * @param tol FastICA tolerance (sklearn 1e-4)
 */
public record CanIcaOptions(int nComponents, boolean doCca, Threshold threshold, int nInit, long seed,
    int maxIter, double tol) {

  public CanIcaOptions {
    if (nInit < 1 || maxIter < 1 || !(tol > 0)) {
      throw new IllegalArgumentException(
          "need nInit ≥ 1, maxIter ≥ 1 and tol > 0, got " + nInit + ", " + maxIter + ", " + tol);
    }
    if (threshold == null) {
      threshold = Threshold.none();
    }
  }

  /** nilearn's defaults with the given number of components and seed. */
  public static CanIcaOptions defaults(int nComponents, long seed) {
    return new CanIcaOptions(nComponents, true, Threshold.auto(), 10, seed, FastIca.DEFAULT_MAX_ITER,
        FastIca.DEFAULT_TOL);
  }

  /** A copy with another threshold. */
  public CanIcaOptions withThreshold(Threshold t) {
    return new CanIcaOptions(nComponents, doCca, t, nInit, seed, maxIter, tol);
  }

  /** A copy with another number of FastICA restarts. */
  public CanIcaOptions withNInit(int n) {
    return new CanIcaOptions(nComponents, doCca, threshold, n, seed, maxIter, tol);
  }
}
