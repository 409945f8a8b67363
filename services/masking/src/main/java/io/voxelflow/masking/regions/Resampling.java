package io.voxelflow.masking.regions;

import io.voxelflow.nifti.NiftiDatatype;
import java.util.Arrays;

/**
 * nilearn 0.10.4's {@code image.resample_img(img, target_affine, target_shape, interpolation,
 * clip=True, fill_value=0)} for 3-D volumes and stacks of them (4-D maps), with scipy 1.10's {@code
 * ndimage.affine_transform(..., mode='constant', cval=0)} underneath, ported operation by operation:
 *
 * <ul>
 *   <li>Same shape and {@code np.allclose} affines: the input is returned unchanged (copied).
 *   <li>Source voxel coordinates {@code A·ijk + b} with {@code [A b] = inv(source_affine) ·
 *       target_affine} (identity when the affines are exactly equal). A target voxel whose source
 *       coordinate lies outside {@code [0, n-1]} on any axis gets 0 (scipy's {@code 'constant'}
 *       mode: no interpolation beyond the edge voxel centres).
 *   <li>Order 0 takes voxel {@code floor(x + 0.5)} (ties round up); order 1 is trilinear; order 3
 *       evaluates the cubic B-spline whose coefficients come from scipy's prefilter (pole √3−2,
 *       mirror-symmetric initialisation, applied along i, then j, then k). Weights and summation
 *       order are scipy's, so results agree to the last bits (float32 outputs bit for bit on the
 *       golden data).
 *   <li>{@code A} diagonal: scipy's zoom/shift path, coordinate {@code (n + b/a)·a} per axis; else
 *       the general path, {@code ((0 + i·A₀) + j·A₁) + k·A₂ + b}.
 *   <li>The result is stored in the input's type ({@link ValueType}: float32 rounding, integers
 *       rounded half away from zero) and clipped to {@code [min(data, 0), max(data, 0)]}.
 * </ul>
 *
 * <p><b>Deviations from nilearn 0.10.4</b>, all outside the normal use:
 *
 * <ul>
 *   <li>{@code A = I} with an integer shift: nilearn copies a cropped block instead of
 *       interpolating. It places that block wrongly when the source grid starts before the target
 *       grid (it takes the block's first voxels instead of skipping the ones before the target
 *       origin). This port places it correctly (what scipy's interpolation, {@code
 *       force_resample=True}, gives). Voxels outside the block (whose magnitude is at most
 *       {@code 1e-8·max|data|}, {@code crop_img}'s threshold) are 0 as in nilearn.
 *   <li>Non-finite input values: nilearn extrapolates around them first ({@code
 *       extrapolate_out_mask}) and marks the resampled non-finite region NaN; here they are read
 *       as 0 (the maskers then read NaN as 0 anyway).
 *   <li>{@code inv(source_affine)·target_affine} is computed in Java (Gauss–Jordan, sequential
 *       sums), not with LAPACK/BLAS; for oblique grids the coordinates may differ in the last bit,
 *       which only matters for nearest-neighbour ties that scipy decides by rounding noise.
 * </ul>
 */
public final class Resampling {
  /** scipy's cubic B-spline prefilter pole, {@code sqrt(3) - 2}. */
  static final double CUBIC_POLE = -0.267949192431122706472553658494127633;
  /** {@code crop_img}'s default relative threshold. */
  static final double CROP_RTOL = 1e-8;

  private Resampling() {}

  /** How resampled values are stored: nilearn keeps the input's dtype. */
  public enum ValueType {
    /** float64: values as computed. */
    FLOAT64,
    /** float32: values rounded to float. */
    FLOAT32,
    /** integer dtypes: {@code t > 0 ? t + 0.5 : t - 0.5} truncated (scipy's output cast). */
    INTEGER;

    /**
     * The dtype nilearn's result has for an image of this datatype: the same, except that {@code
     * 'continuous'} casts integers to floats (float32 up to 32-bit integers, else float64). Scaled
     * images ({@code scl_slope}) are read as float64 here.
     */
    public static ValueType of(NiftiDatatype datatype, boolean scaled, Interpolation interpolation) {
      if (scaled || datatype == NiftiDatatype.FLOAT64) {
        return FLOAT64;
      }
      if (datatype == NiftiDatatype.FLOAT32) {
        return FLOAT32;
      }
      if (interpolation == Interpolation.CONTINUOUS) {
        return datatype.bytesPerVoxel() <= 4 ? FLOAT32 : FLOAT64;
      }
      return INTEGER;
    }

    double store(double t) {
      return switch (this) {
        case FLOAT64 -> t;
        case FLOAT32 -> (float) t;
        case INTEGER -> (double) (long) (t > 0 ? t + 0.5 : t - 0.5);
      };
    }
  }

  /**
   * Resamples one 3-D volume.
   *
   * @param volume {@code from.size()} values in file order (not modified)
   * @return {@code to.size()} values in file order
   */
  public static double[] resample(double[] volume, Grid from, Grid to, Interpolation interpolation,
      ValueType type) {
    return resample(new double[][] {volume}, from, to, interpolation, type)[0];
  }

  /**
   * Resamples a stack of volumes on one grid (a 4-D image: each volume is interpolated on its own,
   * as nilearn does; the crop of the integer-shift case and the clipping range are over the whole
   * stack, as in nilearn).
   *
   * @param volumes {@code K} arrays of {@code from.size()} values in file order (not modified)
   * @return {@code K} arrays of {@code to.size()} values
   * @throws IllegalArgumentException if the target grid sees none of the source field of view
   *     (nilearn's {@code BoundingBoxError})
   */
  public static double[][] resample(double[][] volumes, Grid from, Grid to,
      Interpolation interpolation, ValueType type) {
    for (double[] v : volumes) {
      if (v.length != from.size()) {
        throw new IllegalArgumentException("volume of " + v.length + " values on a grid of "
            + from.size() + " voxels");
      }
    }
    double[][] out = new double[volumes.length][];
    if (from.nx() == to.nx() && from.ny() == to.ny() && from.nz() == to.nz()
        && Grid.allClose(to.affine(), from.affine())) {
      for (int v = 0; v < volumes.length; v++) {
        out[v] = volumes[v].clone();
      }
      return out;
    }
    double vmin = 0;
    double vmax = 0;
    double[][] data = new double[volumes.length][];
    for (int v = 0; v < volumes.length; v++) {
      double[] src = volumes[v];
      double[] d = new double[src.length];
      for (int n = 0; n < src.length; n++) {
        double x = src[n];
        if (!Double.isNaN(x)) {
          vmin = Math.min(vmin, x);
          vmax = Math.max(vmax, x);
        }
        d[n] = Double.isFinite(x) ? x : 0.0;
      }
      data[v] = d;
    }

    double[][] fa = from.affine();
    double[][] ta = to.affine();
    checkBounds(from, to, fa, ta);
    double[][] t;
    if (Arrays.deepEquals(fa, ta)) {
      t = identity();
    } else {
      t = multiply(invert(fa), ta);
    }
    double[][] a = new double[3][3];
    double[] b = new double[3];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        a[r][c] = t[r][c];
      }
      b[r] = t[r][3];
    }
    boolean identityA = true;
    boolean diagonal = true;
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        if (a[r][c] != (r == c ? 1.0 : 0.0)) {
          identityA = false;
        }
        if (r != c && a[r][c] != 0.0) {
          diagonal = false;
        }
      }
    }
    boolean integerShift = b[0] == Math.rint(b[0]) && b[1] == Math.rint(b[1]) && b[2] == Math.rint(b[2]);
    if (identityA && integerShift) {
      out = placeShifted(data, from, to, (long) b[0], (long) b[1], (long) b[2]);
    } else {
      int order = interpolation.order();
      for (int v = 0; v < data.length; v++) {
        double[] coeffs = order > 1 ? splineFilter(data[v], from, order) : data[v];
        out[v] = diagonal
            ? zoomShift(coeffs, from, to, a, b, order)
            : general(coeffs, from, to, a, b, order);
      }
    }
    for (double[] o : out) {
      for (int n = 0; n < o.length; n++) {
        double x = type.store(o[n]);
        o[n] = x < vmin ? type.store(vmin) : (x > vmax ? type.store(vmax) : x);
      }
    }
    return out;
  }

  // --------------------------------------------------------------------------- paths

  /** nilearn's crop-and-paste path for {@code A = I} and an integer shift (placed correctly). */
  private static double[][] placeShifted(double[][] data, Grid from, Grid to, long bi, long bj, long bk) {
    int fx = from.nx();
    int fy = from.ny();
    int fz = from.nz();
    double norm = 0;
    for (double[] d : data) {
      double mn = Double.POSITIVE_INFINITY;
      double mx = Double.NEGATIVE_INFINITY;
      for (double x : d) {
        mn = Math.min(mn, x);
        mx = Math.max(mx, x);
      }
      norm = Math.max(norm, Math.max(-mn, mx));
    }
    // crop_img(rtol=1e-8, pad=False) over the whole stack (norm over all volumes, as data.min()/max())
    double thr = CROP_RTOL * norm;
    int[] lo = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
    int[] hi = {-1, -1, -1};
    for (int k = 0; k < fz; k++) {
      for (int j = 0; j < fy; j++) {
        for (int i = 0; i < fx; i++) {
          int n = i + fx * (j + fy * k);
          boolean pass = false;
          for (double[] d : data) {
            if (d[n] < -thr || d[n] > thr) {
              pass = true;
              break;
            }
          }
          if (pass) {
            lo[0] = Math.min(lo[0], i);
            lo[1] = Math.min(lo[1], j);
            lo[2] = Math.min(lo[2], k);
            hi[0] = Math.max(hi[0], i);
            hi[1] = Math.max(hi[1], j);
            hi[2] = Math.max(hi[2], k);
          }
        }
      }
    }
    if (hi[0] < 0) {
      lo = new int[] {0, 0, 0};
      hi = new int[] {fx - 1, fy - 1, fz - 1};
    }
    double[][] out = new double[data.length][to.size()];
    for (int k = 0; k < to.nz(); k++) {
      long sk = k + bk;
      if (sk < lo[2] || sk > hi[2]) {
        continue;
      }
      for (int j = 0; j < to.ny(); j++) {
        long sj = j + bj;
        if (sj < lo[1] || sj > hi[1]) {
          continue;
        }
        for (int i = 0; i < to.nx(); i++) {
          long si = i + bi;
          if (si < lo[0] || si > hi[0]) {
            continue;
          }
          int src = (int) (si + fx * (sj + (long) fy * sk));
          int dst = i + to.nx() * (j + to.ny() * k);
          for (int v = 0; v < data.length; v++) {
            out[v][dst] = data[v][src];
          }
        }
      }
    }
    return out;
  }

  /** scipy's {@code NI_ZoomShift} (diagonal {@code A}): separable per-axis taps. */
  private static double[] zoomShift(double[] c, Grid from, Grid to, double[][] a, double[] b,
      int order) {
    Taps ti = Taps.zoom(to.nx(), from.nx(), a[0][0], b[0], order);
    Taps tj = Taps.zoom(to.ny(), from.ny(), a[1][1], b[1], order);
    Taps tk = Taps.zoom(to.nz(), from.nz(), a[2][2], b[2], order);
    double[] out = new double[to.size()];
    int fx = from.nx();
    int fxy = fx * from.ny();
    int w = order + 1;
    for (int k = 0; k < to.nz(); k++) {
      if (!tk.valid[k]) {
        continue;
      }
      for (int j = 0; j < to.ny(); j++) {
        if (!tj.valid[j]) {
          continue;
        }
        for (int i = 0; i < to.nx(); i++) {
          if (!ti.valid[i]) {
            continue;
          }
          out[i + to.nx() * (j + to.ny() * k)] = evaluate(c, fx, fxy, order, w,
              ti.idx, ti.weights, i * w, tj.idx, tj.weights, j * w, tk.idx, tk.weights, k * w);
        }
      }
    }
    return out;
  }

  /** scipy's {@code NI_GeometricTransform} with a matrix: per-voxel coordinates. */
  private static double[] general(double[] c, Grid from, Grid to, double[][] a, double[] b, int order) {
    double[] out = new double[to.size()];
    int fx = from.nx();
    int fxy = fx * from.ny();
    int w = order + 1;
    int[] idx0 = new int[w];
    int[] idx1 = new int[w];
    int[] idx2 = new int[w];
    double[] w0 = new double[w];
    double[] w1 = new double[w];
    double[] w2 = new double[w];
    int[] dims = {from.nx(), from.ny(), from.nz()};
    for (int k = 0; k < to.nz(); k++) {
      for (int j = 0; j < to.ny(); j++) {
        for (int i = 0; i < to.nx(); i++) {
          double c0 = 0.0;
          c0 += i * a[0][0];
          c0 += j * a[0][1];
          c0 += k * a[0][2];
          c0 += b[0];
          double c1 = 0.0;
          c1 += i * a[1][0];
          c1 += j * a[1][1];
          c1 += k * a[1][2];
          c1 += b[1];
          double c2 = 0.0;
          c2 += i * a[2][0];
          c2 += j * a[2][1];
          c2 += k * a[2][2];
          c2 += b[2];
          if (!Taps.fill(c0, dims[0], order, idx0, w0, 0)
              || !Taps.fill(c1, dims[1], order, idx1, w1, 0)
              || !Taps.fill(c2, dims[2], order, idx2, w2, 0)) {
            continue;
          }
          out[i + to.nx() * (j + to.ny() * k)] = evaluate(c, fx, fxy, order, w,
              idx0, w0, 0, idx1, w1, 0, idx2, w2, 0);
        }
      }
    }
    return out;
  }

  /** The interpolated value: scipy's loop over the footprint, last axis fastest. */
  private static double evaluate(double[] c, int fx, int fxy, int order, int w,
      int[] i0, double[] w0, int o0, int[] i1, double[] w1, int o1, int[] i2, double[] w2, int o2) {
    double t = 0.0;
    for (int f0 = 0; f0 < w; f0++) {
      int base0 = i0[o0 + f0];
      for (int f1 = 0; f1 < w; f1++) {
        int base1 = base0 + fx * i1[o1 + f1];
        for (int f2 = 0; f2 < w; f2++) {
          double coeff = c[base1 + fxy * i2[o2 + f2]];
          if (order > 0) {
            coeff *= w0[o0 + f0];
            coeff *= w1[o1 + f1];
            coeff *= w2[o2 + f2];
          }
          t += coeff;
        }
      }
    }
    return t;
  }

  /** Per-axis source indices (mirrored at the edges) and spline weights. */
  static final class Taps {
    final boolean[] valid;
    final int[] idx;
    final double[] weights;

    private Taps(int n, int w) {
      valid = new boolean[n];
      idx = new int[n * w];
      weights = new double[n * w];
    }

    /** Taps of {@code NI_ZoomShift}: coordinate {@code (n + shift)·zoom}, {@code shift = b/a}. */
    static Taps zoom(int outLen, int inLen, double zoom, double offset, int order) {
      int w = order + 1;
      Taps t = new Taps(outLen, w);
      double shift = offset / zoom;
      for (int n = 0; n < outLen; n++) {
        double cc = n;
        cc += shift;
        cc *= zoom;
        t.valid[n] = fill(cc, inLen, order, t.idx, t.weights, n * w);
      }
      return t;
    }

    /**
     * Fills the taps of coordinate {@code cc} on an axis of {@code len} voxels; false when the
     * coordinate is outside {@code [0, len-1]} ({@code 'constant'} mode: the output is cval).
     */
    static boolean fill(double cc, int len, int order, int[] idx, double[] weights, int off) {
      if (cc < 0 || cc > len - 1 || Double.isNaN(cc)) {
        return false;
      }
      long start = (order & 1) == 1 ? (long) Math.floor(cc) - order / 2
          : (long) Math.floor(cc + 0.5) - order / 2;
      for (int f = 0; f <= order; f++) {
        long s = start + f;
        idx[off + f] = (int) ((s < 0 || s >= len) ? mirror(s, len) : s);
      }
      if (order > 0) {
        splineWeights(cc, order, weights, off);
      }
      return true;
    }
  }

  /** scipy's {@code map_coordinate(idx, len, NI_EXTEND_MIRROR)} for an integer index. */
  static long mirror(long in, int len) {
    if (len <= 1) {
      return 0;
    }
    long sz2 = 2L * len - 2;
    double x = in;
    if (x < 0) {
      x = sz2 * (long) (-x / sz2) + x;
      x = x <= 1 - len ? x + sz2 : -x;
    } else if (x > len - 1) {
      x -= sz2 * (long) (x / sz2);
      if (x >= len) {
        x = sz2 - x;
      }
    }
    return (long) x;
  }

  /** scipy's {@code get_spline_interpolation_weights} for orders 1 and 3. */
  static void splineWeights(double x, int order, double[] weights, int off) {
    x -= Math.floor((order & 1) == 1 ? x : x + 0.5);
    switch (order) {
      case 1 -> weights[off] = 1.0 - x;
      case 3 -> {
        double y = x;
        double z = 1.0 - x;
        weights[off + 1] = (y * y * (y - 2.0) * 3.0 + 4.0) / 6.0;
        weights[off + 2] = (z * z * (z - 2.0) * 3.0 + 4.0) / 6.0;
        weights[off] = z * z * z / 6.0;
      }
      default -> throw new IllegalArgumentException("unsupported spline order " + order);
    }
    double last = 1.0;
    for (int i = 0; i < order; i++) {
      last -= weights[off + i];
    }
    weights[off + order] = last;
  }

  // --------------------------------------------------------------------------- spline prefilter

  /**
   * scipy's {@code spline_filter(data, order=3, output=float64, mode='constant')}: the 1-D cubic
   * B-spline filter along axis 0, then 1, then 2 (mirror initialisation, axes of length 1 left
   * as they are).
   */
  static double[] splineFilter(double[] volume, Grid g, int order) {
    if (order != 3) {
      throw new IllegalArgumentException("unsupported spline order " + order);
    }
    double[] c = volume.clone();
    int nx = g.nx();
    int ny = g.ny();
    int nz = g.nz();
    // axis 0 (i): contiguous lines
    if (nx > 1) {
      double[] line = new double[nx];
      for (int k = 0; k < nz; k++) {
        for (int j = 0; j < ny; j++) {
          int base = nx * (j + ny * k);
          System.arraycopy(c, base, line, 0, nx);
          filterLine(line);
          System.arraycopy(line, 0, c, base, nx);
        }
      }
    }
    if (ny > 1) {
      double[] line = new double[ny];
      for (int k = 0; k < nz; k++) {
        for (int i = 0; i < nx; i++) {
          for (int j = 0; j < ny; j++) {
            line[j] = c[i + nx * (j + ny * k)];
          }
          filterLine(line);
          for (int j = 0; j < ny; j++) {
            c[i + nx * (j + ny * k)] = line[j];
          }
        }
      }
    }
    if (nz > 1) {
      double[] line = new double[nz];
      int nxy = nx * ny;
      for (int n = 0; n < nxy; n++) {
        for (int k = 0; k < nz; k++) {
          line[k] = c[n + nxy * k];
        }
        filterLine(line);
        for (int k = 0; k < nz; k++) {
          c[n + nxy * k] = line[k];
        }
      }
    }
    return c;
  }

  /** scipy's {@code apply_filter} for the cubic pole: gain, causal and anti-causal passes. */
  static void filterLine(double[] c) {
    int n = c.length;
    double z = CUBIC_POLE;
    double gain = 1.0;
    gain *= (1.0 - z) * (1.0 - 1.0 / z);
    for (int i = 0; i < n; i++) {
      c[i] *= gain;
    }
    // _init_causal_mirror
    double zi = z;
    double zn1 = Math.pow(z, n - 1);
    c[0] = c[0] + zn1 * c[n - 1];
    for (int i = 1; i < n - 1; i++) {
      c[0] += zi * (c[i] + zn1 * c[n - 1 - i]);
      zi *= z;
    }
    c[0] /= 1 - zn1 * zn1;
    for (int i = 1; i < n; i++) {
      c[i] += z * c[i - 1];
    }
    // _init_anticausal_mirror
    c[n - 1] = (z * c[n - 2] + c[n - 1]) * z / (z * z - 1);
    for (int i = n - 2; i >= 0; i--) {
      c[i] = z * (c[i + 1] - c[i]);
    }
  }

  // --------------------------------------------------------------------------- affine algebra

  /** nilearn's {@code BoundingBoxError}: the target grid must see some of the source box. */
  private static void checkBounds(Grid from, Grid to, double[][] fa, double[][] ta) {
    double[][] m = multiply(invert(ta), fa);
    double[] max = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
    int[] n = {from.nx() - 1, from.ny() - 1, from.nz() - 1};
    for (int corner = 0; corner < 8; corner++) {
      double[] p = {(corner & 1) == 0 ? 0 : n[0], (corner & 2) == 0 ? 0 : n[1], (corner & 4) == 0 ? 0 : n[2]};
      for (int r = 0; r < 3; r++) {
        double x = m[r][0] * p[0] + m[r][1] * p[1] + m[r][2] * p[2] + m[r][3];
        max[r] = Math.max(max[r], x);
      }
    }
    if (max[0] < 0 || max[1] < 0 || max[2] < 0) {
      throw new IllegalArgumentException("The field of view given by the target affine does not"
          + " contain any of the data (source grid " + from + ", target grid " + to + ")");
    }
  }

  static double[][] identity() {
    return new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
  }

  static double[][] multiply(double[][] x, double[][] y) {
    double[][] out = new double[4][4];
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        double s = 0.0;
        for (int k = 0; k < 4; k++) {
          s += x[r][k] * y[k][c];
        }
        out[r][c] = s;
      }
    }
    return out;
  }

  /** Inverse of a 4×4 matrix by Gauss–Jordan elimination with partial pivoting. */
  static double[][] invert(double[][] m) {
    double[][] a = new double[4][8];
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        a[r][c] = m[r][c];
      }
      a[r][4 + r] = 1.0;
    }
    for (int col = 0; col < 4; col++) {
      int piv = col;
      for (int r = col + 1; r < 4; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[piv][col])) {
          piv = r;
        }
      }
      if (a[piv][col] == 0.0 || !Double.isFinite(a[piv][col])) {
        throw new IllegalArgumentException("singular affine: " + Arrays.deepToString(m));
      }
      double[] tmp = a[col];
      a[col] = a[piv];
      a[piv] = tmp;
      double p = a[col][col];
      for (int c = 0; c < 8; c++) {
        a[col][c] /= p;
      }
      for (int r = 0; r < 4; r++) {
        if (r != col && a[r][col] != 0.0) {
          double f = a[r][col];
          for (int c = 0; c < 8; c++) {
            a[r][c] -= f * a[col][c];
          }
        }
      }
    }
    double[][] inv = new double[4][4];
    for (int r = 0; r < 4; r++) {
      System.arraycopy(a[r], 4, inv[r], 0, 4);
    }
    return inv;
  }
}
