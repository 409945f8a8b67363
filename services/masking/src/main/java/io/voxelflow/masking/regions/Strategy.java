package io.voxelflow.masking.regions;

/**
 * How {@link LabelsMasker} reduces a region's voxels to one value per volume: nilearn's {@code
 * strategy}, i.e. the {@code scipy.ndimage} function of that name applied with the labels.
 */
public enum Strategy {
  /** {@code ndimage.mean}: sum (float64, voxels in C order of (i, j, k)) divided by the count. */
  MEAN,
  /** {@code ndimage.median}: middle value, or the mean of the two middle values (in the data's precision). */
  MEDIAN,
  /** {@code ndimage.sum}. */
  SUM,
  /** {@code ndimage.minimum}. */
  MINIMUM,
  /** {@code ndimage.maximum}. */
  MAXIMUM,
  /** {@code ndimage.standard_deviation}: square root of {@link #VARIANCE}. */
  STANDARD_DEVIATION,
  /** {@code ndimage.variance}: population variance (ddof 0), {@code Σ(x − mean)² / n}. */
  VARIANCE
}
