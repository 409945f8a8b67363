package io.voxelflow.masking.extract;

/**
 * numpy's summation orders, for bit-compatible results.
 *
 * <p>{@code np.add.reduce} of a contiguous 1-D run uses pairwise summation ({@code
 * pairwise_sum_DOUBLE} / {@code _FLOAT} in {@code loops_utils.h}): below 8 values a plain loop from
 * 0; up to 128 values eight interleaved accumulators combined as {@code ((r0+r1)+(r2+r3)) +
 * ((r4+r5)+(r6+r7))}, then the remainder one by one; above that the run is split in two at half its
 * length rounded down to a multiple of 8. Reducing axis 0 of a C-ordered 2-D array instead adds the
 * rows one after the other (see {@link Float32Clean}).
 */
final class NumpySums {
  private static final int BLOCK = 128;

  private NumpySums() {}

  /** numpy's pairwise sum of {@code a[off .. off+n)} in float64. */
  static double pairwiseSum(double[] a, int off, int n) {
    if (n < 8) {
      double res = 0.0;
      for (int i = 0; i < n; i++) {
        res += a[off + i];
      }
      return res;
    } else if (n <= BLOCK) {
      double r0 = a[off];
      double r1 = a[off + 1];
      double r2 = a[off + 2];
      double r3 = a[off + 3];
      double r4 = a[off + 4];
      double r5 = a[off + 5];
      double r6 = a[off + 6];
      double r7 = a[off + 7];
      int i;
      for (i = 8; i < n - (n % 8); i += 8) {
        r0 += a[off + i];
        r1 += a[off + i + 1];
        r2 += a[off + i + 2];
        r3 += a[off + i + 3];
        r4 += a[off + i + 4];
        r5 += a[off + i + 5];
        r6 += a[off + i + 6];
        r7 += a[off + i + 7];
      }
      double res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
      for (; i < n; i++) {
        res += a[off + i];
      }
      return res;
    } else {
      int n2 = n / 2;
      n2 -= n2 % 8;
      return pairwiseSum(a, off, n2) + pairwiseSum(a, off + n2, n - n2);
    }
  }

  /** numpy's pairwise sum of {@code a[off .. off+n)} in float32 (float32 accumulators). */
  static float pairwiseSum(float[] a, int off, int n) {
    if (n < 8) {
      float res = 0f;
      for (int i = 0; i < n; i++) {
        res += a[off + i];
      }
      return res;
    } else if (n <= BLOCK) {
      float r0 = a[off];
      float r1 = a[off + 1];
      float r2 = a[off + 2];
      float r3 = a[off + 3];
      float r4 = a[off + 4];
      float r5 = a[off + 5];
      float r6 = a[off + 6];
      float r7 = a[off + 7];
      int i;
      for (i = 8; i < n - (n % 8); i += 8) {
        r0 += a[off + i];
        r1 += a[off + i + 1];
        r2 += a[off + i + 2];
        r3 += a[off + i + 3];
        r4 += a[off + i + 4];
        r5 += a[off + i + 5];
        r6 += a[off + i + 6];
        r7 += a[off + i + 7];
      }
      float res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
      for (; i < n; i++) {
        res += a[off + i];
      }
      return res;
    } else {
      int n2 = n / 2;
      n2 -= n2 % 8;
      return pairwiseSum(a, off, n2) + pairwiseSum(a, off + n2, n - n2);
    }
  }
}
