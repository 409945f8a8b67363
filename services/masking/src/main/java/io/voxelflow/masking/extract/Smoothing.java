package io.voxelflow.masking.extract;

import java.util.Arrays;

/**
 * Gaussian smoothing of 3-D volumes as nilearn 0.10.4's {@code smooth_array(arr, affine, fwhm,
 * ensure_finite=True)} does it, one volume at a time.
 *
 * <p>Per spatial axis {@code n}: {@code vox_size[n] = sqrt(Σ_r affine[r][n]²)} (the norm of column
 * {@code n} of the 3×3 part), {@code sigma[n] = fwhm[n] / (sqrt(8·ln 2) · vox_size[n])} voxels, and
 * when {@code sigma[n] > 0}, {@code scipy.ndimage.gaussian_filter1d(arr, sigma[n], axis=n,
 * output=arr)} with SciPy's defaults: {@code mode='reflect'} (half-sample symmetric, {@code d c b a
 * | a b c d | d c b a}, repeated for lines shorter than the kernel), {@code truncate=4} (radius
 * {@code int(4·sigma + 0.5)}), kernel {@code exp(-x²/(2σ²))} divided by its (numpy pairwise) sum.
 * Axes are filtered in the order 0, 1, 2. Non-finite values are set to 0 first.
 *
 * <p>Arithmetic is SciPy's: every output is {@code x[0]·w[0] + Σ_{j=r..1} (x[-j] + x[j])·w[j]} in
 * double (its symmetric-kernel branch), and a {@code float[]} volume is rounded back to float32
 * after each axis, as {@code output=arr} does for the float32 arrays nilearn smooths (so results are
 * bit-identical to SciPy's up to the last-ulp of {@code exp} in the kernel weights).
 *
 * <p>A 4-D image is smoothed along its three spatial axes only, i.e. volume by volume: apply
 * {@link #smooth(float[])} to each volume. Volumes are in NIfTI file order: voxel {@code (i, j, k)}
 * at {@code i + x·(j + y·k)}.
 *
 * <p>Instances are immutable and thread-safe (work buffers are allocated per call).
 */
public final class Smoothing {
  /** numpy's {@code np.sqrt(8 * np.log(2))}: the ratio FWHM / sigma of a Gaussian. */
  public static final double FWHM_OVER_SIGMA = Math.sqrt(8 * StrictMath.log(2));

  /** SciPy's default {@code truncate}: the kernel extends to {@code int(4·sigma + 0.5)} voxels. */
  public static final double TRUNCATE = 4.0;

  private final int x;
  private final int y;
  private final int z;
  private final double[] sigma;
  private final double[][] weights; // per axis; null when the axis is not smoothed
  private final int[][] reflect; // per axis: source index of extended position e + radius

  private Smoothing(int x, int y, int z, double[] sigma) {
    if (x <= 0 || y <= 0 || z <= 0) {
      throw new IllegalArgumentException("volume dimensions must be positive: " + x + "×" + y + "×" + z);
    }
    this.x = x;
    this.y = y;
    this.z = z;
    this.sigma = sigma;
    this.weights = new double[3][];
    this.reflect = new int[3][];
    int[] len = {x, y, z};
    for (int n = 0; n < 3; n++) {
      if (sigma[n] > 0.0) {
        weights[n] = gaussianKernel(sigma[n]);
        int r = weights[n].length / 2;
        int[] map = new int[len[n] + 2 * r];
        for (int e = -r; e < len[n] + r; e++) {
          map[e + r] = reflectIndex(e, len[n]);
        }
        reflect[n] = map;
      }
    }
  }

  /**
   * Smoothing of volumes of {@code x×y×z} voxels with an isotropic FWHM in mm.
   *
   * @param affine the voxel-to-world affine; only its upper-left 3×3 part is used
   * @param fwhmMm FWHM in mm, finite and {@code >= 0}; 0 means no filtering (values are still made
   *     finite)
   */
  public static Smoothing of(int x, int y, int z, double[][] affine, double fwhmMm) {
    return of(x, y, z, affine, new double[] {fwhmMm});
  }

  /**
   * Smoothing with one FWHM per axis (nilearn accepts a sequence of three), or a single value for
   * all three.
   *
   * @param fwhmMm 1 or 3 values in mm, each finite and {@code >= 0} (an axis with 0 is not filtered)
   * @throws IllegalArgumentException for a negative or non-finite FWHM, a wrong number of values,
   *     or an affine whose 3×3 part has a zero column (zero voxel size)
   */
  public static Smoothing of(int x, int y, int z, double[][] affine, double[] fwhmMm) {
    return new Smoothing(x, y, z, sigmaVoxels(affine, fwhmMm));
  }

  /** Voxel sizes in mm: the norms of the columns of the affine's 3×3 part (nilearn's {@code vox_size}). */
  public static double[] voxelSizes(double[][] affine) {
    if (affine == null || affine.length < 3) {
      throw new IllegalArgumentException("affine must be at least 3×3");
    }
    double[] vox = new double[3];
    for (int n = 0; n < 3; n++) {
      double s = 0.0; // numpy sums axis 0 of the 3×3 row by row
      for (int r = 0; r < 3; r++) {
        if (affine[r] == null || affine[r].length < 3) {
          throw new IllegalArgumentException("affine must be at least 3×3");
        }
        s += affine[r][n] * affine[r][n];
      }
      vox[n] = Math.sqrt(s);
    }
    return vox;
  }

  /**
   * The Gaussian's standard deviation in voxels along each axis: {@code fwhm / (sqrt(8 ln 2) ·
   * vox_size)}.
   */
  public static double[] sigmaVoxels(double[][] affine, double[] fwhmMm) {
    if (fwhmMm == null || (fwhmMm.length != 1 && fwhmMm.length != 3)) {
      throw new IllegalArgumentException("fwhm must be one value or one per spatial axis (3), got "
          + (fwhmMm == null ? "null" : fwhmMm.length + " values"));
    }
    double[] vox = voxelSizes(affine);
    double[] sigma = new double[3];
    for (int n = 0; n < 3; n++) {
      double f = fwhmMm.length == 1 ? fwhmMm[0] : fwhmMm[n];
      if (!(f >= 0) || Double.isInfinite(f)) {
        throw new IllegalArgumentException("fwhm must be a finite number of mm >= 0, got " + f);
      }
      if (f > 0 && !(vox[n] > 0)) {
        throw new IllegalArgumentException("the affine has a zero voxel size along axis " + n);
      }
      sigma[n] = f == 0 ? 0.0 : f / (FWHM_OVER_SIGMA * vox[n]);
    }
    return sigma;
  }

  /**
   * SciPy's {@code _gaussian_kernel1d(sigma, 0, radius)} with {@code radius = int(4·sigma + 0.5)}:
   * {@code exp((-0.5/sigma²)·x²)} for {@code x = -radius..radius}, divided by its sum (numpy's
   * pairwise summation).
   */
  public static double[] gaussianKernel(double sigma) {
    if (!(sigma > 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("sigma must be positive and finite, got " + sigma);
    }
    long radius = (long) (TRUNCATE * sigma + 0.5);
    if (radius > 1_000_000) {
      throw new IllegalArgumentException("Gaussian kernel too wide: sigma " + sigma + " voxels");
    }
    int r = (int) radius;
    double c = -0.5 / (sigma * sigma);
    double[] w = new double[2 * r + 1];
    for (int i = 0; i < w.length; i++) {
      long xv = i - r;
      w[i] = StrictMath.exp(c * (double) (xv * xv));
    }
    double sum = NumpySums.pairwiseSum(w, 0, w.length);
    for (int i = 0; i < w.length; i++) {
      w[i] = w[i] / sum;
    }
    return w;
  }

  /** The sigma in voxels per axis (0 for an axis that is not filtered). */
  public double[] sigmaVoxels() {
    return sigma.clone();
  }

  /** The kernel radius in voxels per axis (0 for an axis that is not filtered). */
  public int[] radii() {
    int[] r = new int[3];
    for (int n = 0; n < 3; n++) {
      r[n] = weights[n] == null ? 0 : weights[n].length / 2;
    }
    return r;
  }

  /** True when no axis is filtered (only non-finite values are replaced). */
  public boolean isIdentity() {
    return weights[0] == null && weights[1] == null && weights[2] == null;
  }

  /** Voxels per volume this smoothing expects. */
  public int voxelsPerVolume() {
    return x * y * z;
  }

  /**
   * Smooths a float32 volume in place (file order): non-finite values to 0, then the filters along
   * axes 0, 1, 2, rounding to float32 after each.
   */
  public void smooth(float[] volume) {
    check(volume.length);
    for (int i = 0; i < volume.length; i++) {
      if (!Float.isFinite(volume[i])) {
        volume[i] = 0f;
      }
    }
    double[] line = new double[maxExtendedLength()];
    for (int n = 0; n < 3; n++) {
      if (weights[n] != null) {
        filterAxis(volume, null, n, line);
      }
    }
  }

  /** Smooths a float64 volume in place (file order): non-finite values to 0, then the filters. */
  public void smooth(double[] volume) {
    check(volume.length);
    for (int i = 0; i < volume.length; i++) {
      if (!Double.isFinite(volume[i])) {
        volume[i] = 0.0;
      }
    }
    double[] line = new double[maxExtendedLength()];
    for (int n = 0; n < 3; n++) {
      if (weights[n] != null) {
        filterAxis(null, volume, n, line);
      }
    }
  }

  /**
   * {@code scipy.ndimage.gaussian_filter1d(vol, sigma, axis, output=vol)} on a float32 volume of
   * {@code x×y×z} voxels (file order), in place, no finiteness check.
   */
  public static void gaussianFilter1d(float[] volume, int x, int y, int z, int axis, double sigma) {
    Smoothing s = single(x, y, z, axis, sigma);
    s.check(volume.length);
    s.filterAxis(volume, null, axis, new double[s.maxExtendedLength()]);
  }

  /** {@link #gaussianFilter1d(float[], int, int, int, int, double)} on a float64 volume. */
  public static void gaussianFilter1d(double[] volume, int x, int y, int z, int axis, double sigma) {
    Smoothing s = single(x, y, z, axis, sigma);
    s.check(volume.length);
    s.filterAxis(null, volume, axis, new double[s.maxExtendedLength()]);
  }

  private static Smoothing single(int x, int y, int z, int axis, double sigma) {
    if (axis < 0 || axis > 2) {
      throw new IllegalArgumentException("axis must be 0, 1 or 2, got " + axis);
    }
    if (!(sigma > 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("sigma must be positive and finite, got " + sigma);
    }
    double[] s = new double[3];
    s[axis] = sigma;
    return new Smoothing(x, y, z, s);
  }

  private void check(int length) {
    if (length != x * y * z) {
      throw new IllegalArgumentException(
          "volume of " + length + " values for a " + x + "×" + y + "×" + z + " grid");
    }
  }

  private int maxExtendedLength() {
    int m = 0;
    for (int[] map : reflect) {
      if (map != null) {
        m = Math.max(m, map.length);
      }
    }
    return m;
  }

  /** One axis, every line: SciPy's {@code correlate1d} symmetric branch; one of f, d is null. */
  private void filterAxis(float[] f, double[] d, int axis, double[] line) {
    double[] w = weights[axis];
    int[] map = reflect[axis];
    int r = w.length / 2;
    int len = axis == 0 ? x : axis == 1 ? y : z;
    int stride = axis == 0 ? 1 : axis == 1 ? x : x * y;
    int na = axis == 0 ? y : x; // the two other axes, first varying fastest
    int nb = axis == 2 ? y : z;
    int extended = len + 2 * r;
    double wc = w[r];
    for (int b = 0; b < nb; b++) {
      for (int a = 0; a < na; a++) {
        int base = switch (axis) {
          case 0 -> x * (a + y * b);
          case 1 -> a + x * y * b;
          default -> a + x * b;
        };
        if (f != null) {
          for (int e = 0; e < extended; e++) {
            line[e] = f[base + stride * map[e]];
          }
        } else {
          for (int e = 0; e < extended; e++) {
            line[e] = d[base + stride * map[e]];
          }
        }
        if (r == 2) {
          // FWHM ≈ 1.3 voxels (e.g. 4 mm on 3 mm voxels), unrolled likewise
          double w0 = w[0];
          double w1 = w[1];
          for (int l = 0; l < len; l++) {
            int c = l + 2;
            double o = line[c] * wc;
            o += (line[c - 2] + line[c + 2]) * w0;
            o += (line[c - 1] + line[c + 1]) * w1;
            if (f != null) {
              f[base + stride * l] = (float) o;
            } else {
              d[base + stride * l] = o;
            }
          }
          continue;
        }
        if (r == 3) {
          // the common kernel (FWHM ≈ 2 voxels), unrolled: the same sums in the same order, ~2× faster
          double w0 = w[0];
          double w1 = w[1];
          double w2 = w[2];
          for (int l = 0; l < len; l++) {
            int c = l + 3;
            double o = line[c] * wc;
            o += (line[c - 3] + line[c + 3]) * w0;
            o += (line[c - 2] + line[c + 2]) * w1;
            o += (line[c - 1] + line[c + 1]) * w2;
            if (f != null) {
              f[base + stride * l] = (float) o;
            } else {
              d[base + stride * l] = o;
            }
          }
          continue;
        }
        for (int l = 0; l < len; l++) {
          int c = l + r;
          double o = line[c] * wc;
          for (int j = r; j >= 1; j--) {
            o += (line[c - j] + line[c + j]) * w[r - j];
          }
          if (f != null) {
            f[base + stride * l] = (float) o;
          } else {
            d[base + stride * l] = o;
          }
        }
      }
    }
  }

  /**
   * SciPy's 'reflect' extension of a line of {@code len} samples: index {@code e} (possibly outside
   * {@code [0, len)}) maps to the sample it copies; period {@code 2·len}.
   */
  static int reflectIndex(int e, int len) {
    int period = 2 * len;
    int m = ((e % period) + period) % period;
    return m < len ? m : period - 1 - m;
  }

  @Override
  public String toString() {
    return "Smoothing[" + x + "×" + y + "×" + z + ", sigma(voxels)=" + Arrays.toString(sigma) + "]";
  }
}
