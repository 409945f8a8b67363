package io.voxelflow.masking.regions;

/**
 * nilearn's {@code resample_img(interpolation=...)}: the order of scipy's B-spline interpolation
 * ({@code scipy.ndimage.affine_transform(order=...)}).
 */
public enum Interpolation {
  /** {@code 'nearest'}: order 0, the value of the nearest voxel ({@code floor(x + 0.5)}). */
  NEAREST(0),
  /** {@code 'linear'}: order 1, trilinear. */
  LINEAR(1),
  /**
   * {@code 'continuous'} (nilearn's default, used for probabilistic maps): order 3, cubic B-spline
   * after scipy's spline prefilter (mirror boundary).
   */
  CONTINUOUS(3);

  private final int order;

  Interpolation(int order) {
    this.order = order;
  }

  /** The spline order. */
  public int order() {
    return order;
  }
}
