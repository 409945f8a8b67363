package io.voxelflow.masking.regions;

/**
 * Region time series: {@code signals[t][r]} for volume {@code t} (after scrubbing, if any) and
 * region {@code r}, and the region each column belongs to: a label value ({@link LabelsMasker},
 * ascending) or a map index ({@link MapsMasker}).
 *
 * <p>The arrays are the caller's; nothing else holds them.
 */
public record RegionSignals(double[][] signals, double[] regions) {

  /** Number of time points (rows). */
  public int timePoints() {
    return signals.length;
  }

  /** Number of regions (columns). */
  public int regionCount() {
    return regions.length;
  }

  /**
   * The region ids as integers (label values of an integer atlas, map indices).
   *
   * @throws IllegalStateException if a label is not an integer
   */
  public int[] intRegions() {
    int[] out = new int[regions.length];
    for (int r = 0; r < regions.length; r++) {
      double x = regions[r];
      if (x != Math.rint(x) || x < Integer.MIN_VALUE || x > Integer.MAX_VALUE) {
        throw new IllegalStateException("region label " + x + " is not an int");
      }
      out[r] = (int) x;
    }
    return out;
  }
}
