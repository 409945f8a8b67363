package io.voxelflow.masking.mask;

/**
 * Parameters of nilearn's {@code compute_epi_mask} (0.10.4), with its defaults in {@link #defaults()}.
 * {@code target_affine}/{@code target_shape} (resampling before masking) are not supported: the mask
 * is always on the image's own grid, as with nilearn's default {@code None}.
 *
 * @param lowerCutoff fraction of the sorted mean intensities below which the threshold is not searched
 * @param upperCutoff fraction above which it is not searched
 * @param connected keep only the largest connected component (6-connectivity)
 * @param opening erosion/dilation iterations of the post-processing; 0 disables both the opening
 *     and the FWHM 1-voxel smoothing of the mean image (nilearn smooths only {@code if opening})
 * @param excludeZeros leave exact zeros out of the threshold search
 * @param ensureFinite replace non-finite mean values by 0
 */
public record EpiMaskOptions(double lowerCutoff, double upperCutoff, boolean connected, int opening,
    boolean excludeZeros, boolean ensureFinite) {

  public EpiMaskOptions {
    if (!(lowerCutoff >= 0 && lowerCutoff < upperCutoff && upperCutoff <= 1)) {
      throw new IllegalArgumentException("cutoffs must satisfy 0 <= lower < upper <= 1, got lower="
          + lowerCutoff + ", upper=" + upperCutoff);
    }
    if (opening < 0) {
      throw new IllegalArgumentException("opening must be >= 0, got " + opening);
    }
  }

  /** nilearn's defaults: cutoffs 0.2/0.85, connected, opening 2, zeros kept, non-finite → 0. */
  public static EpiMaskOptions defaults() {
    return new EpiMaskOptions(0.2, 0.85, true, 2, false, true);
  }

  public EpiMaskOptions withCutoffs(double lower, double upper) {
    return new EpiMaskOptions(lower, upper, connected, opening, excludeZeros, ensureFinite);
  }

  public EpiMaskOptions withConnected(boolean value) {
    return new EpiMaskOptions(lowerCutoff, upperCutoff, value, opening, excludeZeros, ensureFinite);
  }

  public EpiMaskOptions withOpening(int value) {
    return new EpiMaskOptions(lowerCutoff, upperCutoff, connected, value, excludeZeros, ensureFinite);
  }

  public EpiMaskOptions withExcludeZeros(boolean value) {
    return new EpiMaskOptions(lowerCutoff, upperCutoff, connected, opening, value, ensureFinite);
  }

  public EpiMaskOptions withEnsureFinite(boolean value) {
    return new EpiMaskOptions(lowerCutoff, upperCutoff, connected, opening, excludeZeros, value);
  }
}
