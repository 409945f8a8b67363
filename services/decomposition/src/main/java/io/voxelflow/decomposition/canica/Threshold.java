package io.voxelflow.decomposition.canica;

/**
 * CanICA's {@code threshold}: keep, over all maps together, the {@code ratio · n_voxels} entries of
 * largest magnitude and zero the others ({@code percentile = 100 − 100 · ratio / n_components} of
 * |maps|, scipy's {@code scoreatpercentile} with linear interpolation; entries strictly below it are
 * zeroed). nilearn's {@code "auto"} is ratio 1; {@code None} keeps everything.
 *
 * @param ratio the ratio, or {@code null} for no thresholding
 */
public record Threshold(Double ratio) {

  public Threshold {
    if (ratio != null && !(ratio >= 0)) {
      throw new IllegalArgumentException("threshold ratio must be ≥ 0, got " + ratio);
    }
  }

  /** nilearn's {@code threshold="auto"} (ratio 1: as many non-zero entries as voxels). */
  public static Threshold auto() {
    return new Threshold(1.0);
  }

  /** nilearn's {@code threshold=None}. */
  public static Threshold none() {
    return new Threshold(null);
  }

  /** nilearn's {@code threshold=<float>}: must not exceed the number of components. */
  public static Threshold ratio(double ratio) {
    return new Threshold(ratio);
  }

  /**
   * Applies the threshold in place to maps (components × voxels, row-major).
   *
   * @return the cut-off applied, or NaN when none was (no ratio, or a percentile ≤ 0, where nilearn
   *     warns and skips thresholding)
   */
  public double applyInPlace(double[] maps, int nComponents) {
    if (ratio == null || maps.length == 0) {
      return Double.NaN;
    }
    double percentile = 100.0 - (100.0 / nComponents) * ratio;
    if (percentile <= 0) {
      return Double.NaN;
    }
    double cut = scoreAtPercentile(maps, percentile);
    for (int i = 0; i < maps.length; i++) {
      if (Math.abs(maps[i]) < cut) {
        maps[i] = 0.0;
      }
    }
    return cut;
  }

  /** {@code scipy.stats.scoreatpercentile(|values|, percentile)}, linear interpolation. */
  static double scoreAtPercentile(double[] values, double percentile) {
    double[] sorted = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      sorted[i] = Math.abs(values[i]);
    }
    java.util.Arrays.sort(sorted);
    double idx = percentile / 100.0 * (sorted.length - 1);
    int lo = (int) Math.floor(idx);
    double frac = idx - lo;
    if (frac == 0 || lo + 1 >= sorted.length) {
      return sorted[Math.min(lo, sorted.length - 1)];
    }
    return sorted[lo] + (sorted[lo + 1] - sorted[lo]) * frac;
  }
}
