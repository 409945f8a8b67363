package io.voxelflow.simulate;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

/**
 * The small numerical kernels of the simulator, each following the numpy/scipy call the reference
 * generator ({@code gen_synthetic.py}) uses. 3-D arrays are flat {@code double[]} in NIfTI file
 * order (index {@code i + nx·(j + ny·k)}, i fastest).
 */
final class SimMath {
  /** scipy.ndimage's default {@code truncate}. */
  static final double TRUNCATE = 4.0;

  private SimMath() {}

  // ------------------------------------------------------------------ random streams

  /** SplitMix64's finaliser (Stafford variant 13), a bijection on 64-bit values. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /**
   * A random stream determined by {@code seed} and a path of integers (like numpy's
   * {@code default_rng([seed, a, b])}): {@code (seed, 0)} is the group, {@code (seed, 1, s)}
   * subject s, {@code (seed, 2)} the atlas. Different paths give unrelated streams.
   */
  static SplittableRandom stream(long seed, long... path) {
    long h = mix64(seed ^ 0x5f1d_7a3c_2b9e_4d61L);
    for (long p : path) {
      h = mix64(h + 0x9e3779b97f4a7c15L * (p + 1));
    }
    return new SplittableRandom(h);
  }

  /** numpy's {@code rng.uniform(lo, hi)}. */
  static double uniform(SplittableRandom rng, double lo, double hi) {
    return lo + (hi - lo) * rng.nextDouble();
  }

  // ------------------------------------------------------------------ Gaussian filtering

  /** scipy's {@code _gaussian_kernel1d(sigma, 0, radius)} with radius {@code int(truncate·σ + 0.5)}. */
  static double[] gaussianKernel(double sigma) {
    int radius = (int) (TRUNCATE * sigma + 0.5);
    double[] w = new double[2 * radius + 1];
    double sum = 0;
    for (int x = -radius; x <= radius; x++) {
      w[x + radius] = Math.exp(-0.5 / (sigma * sigma) * x * x);
      sum += w[x + radius];
    }
    for (int i = 0; i < w.length; i++) {
      w[i] /= sum;
    }
    return w;
  }

  /**
   * scipy.ndimage's {@code mode='reflect'} (half-sample symmetric, {@code d c b a | a b c d | d c b a})
   * index for any {@code i}, also when the kernel is longer than the axis (period 2n).
   */
  static int reflect(int i, int n) {
    if (n == 1) {
      return 0;
    }
    int period = 2 * n;
    int m = Math.floorMod(i, period);
    return m < n ? m : period - 1 - m;
  }

  /** 1-D Gaussian filter of a line (scipy {@code gaussian_filter1d}, mode reflect). */
  static double[] gaussianFilter1d(double[] x, double sigma) {
    double[] w = gaussianKernel(sigma);
    double[] out = new double[x.length];
    filterLine(x, 0, 1, x.length, w, new double[x.length], out, 0, 1);
    return out;
  }

  /**
   * scipy {@code gaussian_filter(data, sigma, mode='reflect', truncate=4)} of a 3-D array in file
   * order: separable passes along axis 0 (i), 1 (j) and 2 (k), as scipy does them.
   */
  static double[] gaussianFilter(double[] data, int nx, int ny, int nz, double sigma) {
    double[] w = gaussianKernel(sigma);
    double[] a = data.clone();
    double[] b = new double[a.length];
    int[] n = {nx, ny, nz};
    int[] stride = {1, nx, nx * ny};
    double[] line = new double[Math.max(nx, Math.max(ny, nz))];
    for (int axis = 0; axis < 3; axis++) {
      int len = n[axis];
      int st = stride[axis];
      // iterate over every line along `axis`: its start index has coordinate 0 on that axis
      for (int k = 0; k < (axis == 2 ? 1 : nz); k++) {
        for (int j = 0; j < (axis == 1 ? 1 : ny); j++) {
          for (int i = 0; i < (axis == 0 ? 1 : nx); i++) {
            int start = i + nx * (j + ny * k);
            filterLine(a, start, st, len, w, line, b, start, st);
          }
        }
      }
      double[] t = a;
      a = b;
      b = t;
    }
    return a;
  }

  private static void filterLine(double[] src, int start, int stride, int len, double[] w, double[] line,
      double[] dst, int dstStart, int dstStride) {
    for (int p = 0; p < len; p++) {
      line[p] = src[start + p * stride];
    }
    int r = w.length / 2;
    for (int p = 0; p < len; p++) {
      double s = 0;
      if (p - r >= 0 && p + r < len) {
        for (int q = -r; q <= r; q++) {
          s += w[q + r] * line[p + q];
        }
      } else {
        for (int q = -r; q <= r; q++) {
          s += w[q + r] * line[reflect(p + q, len)];
        }
      }
      dst[dstStart + p * dstStride] = s;
    }
  }

  /** {@code smooth_field}: Gaussian-smoothed white noise, then mean 0 and (population) sd 1. */
  static double[] smoothField(SplittableRandom rng, int nx, int ny, int nz, double sigma) {
    double[] white = new double[nx * ny * nz];
    for (int i = 0; i < white.length; i++) {
      white[i] = rng.nextGaussian();
    }
    double[] f = gaussianFilter(white, nx, ny, nz, sigma);
    zscoreInPlace(f);
    return f;
  }

  // ------------------------------------------------------------------ statistics

  static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  /** numpy {@code (x - x.mean()) / (x.std() + 1e-12)}: population sd (ddof 0). */
  static void zscoreInPlace(double[] x) {
    double m = mean(x);
    double ss = 0;
    for (int i = 0; i < x.length; i++) {
      x[i] -= m;
      ss += x[i] * x[i];
    }
    double sd = Math.sqrt(ss / x.length) + 1e-12;
    for (int i = 0; i < x.length; i++) {
      x[i] /= sd;
    }
  }

  static double[] zscore(double[] x) {
    double[] y = x.clone();
    zscoreInPlace(y);
    return y;
  }

  /** numpy {@code corrcoef(rows)}: Pearson correlation between the rows. */
  static double[][] corrcoef(double[][] rows) {
    int n = rows.length;
    double[][] z = new double[n][];
    for (int a = 0; a < n; a++) {
      z[a] = rows[a].clone();
      double m = mean(z[a]);
      double ss = 0;
      for (int t = 0; t < z[a].length; t++) {
        z[a][t] -= m;
        ss += z[a][t] * z[a][t];
      }
      double norm = Math.sqrt(ss);
      for (int t = 0; t < z[a].length; t++) {
        z[a][t] /= norm;
      }
    }
    double[][] c = new double[n][n];
    for (int a = 0; a < n; a++) {
      for (int b = a; b < n; b++) {
        double s = 0;
        for (int t = 0; t < z[a].length; t++) {
          s += z[a][t] * z[b][t];
        }
        c[a][b] = s;
        c[b][a] = s;
      }
    }
    return c;
  }

  /** {@code corr_from_factors}: {@code cov = F Fᵀ + I}, scaled to unit diagonal. */
  static double[][] corrFromFactors(double[][] f) {
    int k = f.length;
    double[][] cov = new double[k][k];
    for (int a = 0; a < k; a++) {
      for (int b = 0; b < k; b++) {
        double s = a == b ? 1.0 : 0.0;
        for (int q = 0; q < f[a].length; q++) {
          s += f[a][q] * f[b][q];
        }
        cov[a][b] = s;
      }
    }
    double[][] c = new double[k][k];
    for (int a = 0; a < k; a++) {
      for (int b = 0; b < k; b++) {
        c[a][b] = cov[a][b] / (Math.sqrt(cov[a][a]) * Math.sqrt(cov[b][b]));
      }
    }
    return c;
  }

  /** Lower-triangular L with {@code L Lᵀ = c} (c symmetric positive definite). */
  static double[][] cholesky(double[][] c) {
    int n = c.length;
    double[][] l = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double s = c[i][j];
        for (int q = 0; q < j; q++) {
          s -= l[i][q] * l[j][q];
        }
        if (i == j) {
          if (!(s > 0)) {
            throw new IllegalArgumentException("matrix is not positive definite (pivot " + s + " at " + i + ")");
          }
          l[i][i] = Math.sqrt(s);
        } else {
          l[i][j] = s / l[j][j];
        }
      }
    }
    return l;
  }

  // ------------------------------------------------------------------ time courses

  /**
   * {@code bandlimited_noise}: n unit-variance series of length nVols, white Gaussian noise with
   * every rfft bin outside {@code [lo, hi]} Hz set to zero (numpy's {@code rfftfreq} frequencies),
   * then z-scored. Draws n·nVols normals, row by row.
   */
  static double[][] bandlimitedNoise(SplittableRandom rng, int n, int nVols, double tr, double lo, double hi) {
    double[][] white = new double[n][nVols];
    for (int a = 0; a < n; a++) {
      for (int t = 0; t < nVols; t++) {
        white[a][t] = rng.nextGaussian();
      }
    }
    double[][] out = new double[n][];
    for (int a = 0; a < n; a++) {
      out[a] = zscore(bandPass(white[a], tr, lo, hi));
    }
    return out;
  }

  /**
   * numpy {@code irfft(mask · rfft(x), n)}: keeps the DFT bins whose frequency
   * {@code k · (1/(n·tr))} lies in {@code [lo, hi]}. A plain O(n·bins) DFT with exact twiddle
   * indices ({@code k·t mod n}); fine for the few hundred samples of an fMRI run.
   */
  static double[] bandPass(double[] x, double tr, double lo, double hi) {
    int n = x.length;
    double val = 1.0 / (n * tr);
    double[] cos = new double[n];
    double[] sin = new double[n];
    for (int q = 0; q < n; q++) {
      cos[q] = Math.cos(2 * Math.PI * q / n);
      sin[q] = Math.sin(2 * Math.PI * q / n);
    }
    double[] y = new double[n];
    for (int k = 0; k <= n / 2; k++) {
      double f = k * val;
      if (f < lo || f > hi) {
        continue;
      }
      double re = 0;
      double im = 0;
      for (int t = 0; t < n; t++) {
        int q = (int) ((long) k * t % n);
        re += x[t] * cos[q];
        im -= x[t] * sin[q];
      }
      // irfft ignores the imaginary part of the DC and Nyquist bins; other bins count twice
      boolean selfConjugate = k == 0 || (n % 2 == 0 && k == n / 2);
      double wgt = selfConjugate ? 1.0 / n : 2.0 / n;
      for (int t = 0; t < n; t++) {
        int q = (int) ((long) k * t % n);
        y[t] += wgt * (selfConjugate ? re * cos[q] : re * cos[q] - im * sin[q]);
      }
    }
    return y;
  }

  /** log Γ(x) for x &gt; 0 (Lanczos, g = 7, 9 terms; relative error ~1e-15). */
  static double logGamma(double x) {
    if (!(x > 0)) {
      throw new IllegalArgumentException("logGamma needs x > 0, got " + x);
    }
    if (x < 0.5) {
      // reflection: Γ(x) Γ(1-x) = π / sin(πx)
      return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
    }
    final double[] c = {
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7};
    double xm = x - 1;
    double a = c[0];
    double t = xm + 7.5;
    for (int i = 1; i < 9; i++) {
      a += c[i] / (xm + i);
    }
    return 0.5 * Math.log(2 * Math.PI) + (xm + 0.5) * Math.log(t) - t + Math.log(a);
  }

  /** scipy {@code gamma.pdf(x, shape)} with scale 1. */
  static double gammaPdf(double x, double shape) {
    if (x < 0) {
      return 0;
    }
    if (x == 0) {
      return shape == 1 ? 1 : shape < 1 ? Double.POSITIVE_INFINITY : 0;
    }
    return Math.exp((shape - 1) * Math.log(x) - x - logGamma(shape));
  }

  /**
   * {@code spm_hrf}: SPM's canonical double gamma {@code Γpdf(t; 6) − Γpdf(t; 16)/6} sampled every
   * {@code tr/oversampling} s on {@code [0, length)} (numpy arange semantics), divided by its sum.
   */
  static double[] spmHrf(double tr, int oversampling, double length) {
    double dt = tr / oversampling;
    int n = (int) Math.ceil(length / dt);
    double[] h = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double t = i * dt;
      h[i] = gammaPdf(t, 6) - gammaPdf(t, 16) / 6.0;
      sum += h[i];
    }
    for (int i = 0; i < n; i++) {
      h[i] /= sum;
    }
    return h;
  }

  /**
   * {@code block_design}: a boxcar (first {@code offS} seconds rest, then {@code onS} on, …) on a
   * grid {@code oversampling} times finer than TR, convolved with the SPM HRF (causal, truncated to
   * the run), sampled at every TR and z-scored.
   */
  static double[] blockDesign(int nVols, double tr, double onS, double offS, int oversampling) {
    double[] hrf = spmHrf(tr, oversampling, 32.0);
    double dt = tr / oversampling;
    int n = nVols * oversampling;
    double[] box = new double[n];
    for (int i = 0; i < n; i++) {
      double t = i * dt;
      box[i] = (t % (onS + offS)) >= offS ? 1.0 : 0.0;
    }
    double[] out = new double[nVols];
    for (int v = 0; v < nVols; v++) {
      int p = v * oversampling;
      double s = 0;
      for (int m = 0; m < hrf.length && m <= p; m++) {
        s += hrf[m] * box[p - m];
      }
      out[v] = s;
    }
    zscoreInPlace(out);
    return out;
  }

  // ------------------------------------------------------------------ k-means

  /** Result of {@link #kmeans}: label 1..R per point, and centres ordered like the labels. */
  record Parcellation(int[] labels, double[][] centers) {}

  /**
   * {@code kmeans_parcellation}: Lloyd's k-means on integer voxel coordinates (n × 3), started from
   * R distinct points drawn without replacement, at most {@code nIter} iterations, stopping when
   * the centres move by no more than numpy {@code allclose}. Labels are 1..R ordered by centre
   * x, then y, then z; an empty cluster keeps its centre.
   */
  static Parcellation kmeans(SplittableRandom rng, int[][] coords, int nRegions, int nIter) {
    int n = coords.length;
    if (nRegions < 1 || nRegions > n) {
      throw new IllegalArgumentException("cannot make " + nRegions + " regions from " + n + " voxels");
    }
    // partial Fisher-Yates: nRegions distinct indices
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    double[][] centers = new double[nRegions][3];
    for (int r = 0; r < nRegions; r++) {
      int j = r + rng.nextInt(n - r);
      int tmp = perm[r];
      perm[r] = perm[j];
      perm[j] = tmp;
      for (int d = 0; d < 3; d++) {
        centers[r][d] = coords[perm[r]][d];
      }
    }
    int[] lab = new int[n];
    for (int it = 0; it < nIter; it++) {
      double[][] sum = new double[nRegions][3];
      int[] count = new int[nRegions];
      for (int p = 0; p < n; p++) {
        int[] c = coords[p];
        int best = 0;
        double bestD = Double.POSITIVE_INFINITY;
        for (int r = 0; r < nRegions; r++) {
          double dx = c[0] - centers[r][0];
          double dy = c[1] - centers[r][1];
          double dz = c[2] - centers[r][2];
          double d = dx * dx + dy * dy + dz * dz;
          if (d < bestD) {
            bestD = d;
            best = r;
          }
        }
        lab[p] = best;
        count[best]++;
        sum[best][0] += c[0];
        sum[best][1] += c[1];
        sum[best][2] += c[2];
      }
      double[][] next = new double[nRegions][];
      boolean close = true;
      for (int r = 0; r < nRegions; r++) {
        next[r] = count[r] == 0 ? centers[r].clone()
            : new double[] {sum[r][0] / count[r], sum[r][1] / count[r], sum[r][2] / count[r]};
        for (int d = 0; d < 3; d++) {
          if (!(Math.abs(next[r][d] - centers[r][d]) <= 1e-8 + 1e-5 * Math.abs(centers[r][d]))) {
            close = false;
          }
        }
      }
      if (close) {
        break;
      }
      centers = next;
    }
    final double[][] cs = centers;
    Integer[] order = new Integer[nRegions];
    for (int r = 0; r < nRegions; r++) {
      order[r] = r;
    }
    Arrays.sort(order, Comparator.<Integer>comparingDouble(r -> cs[r][0])
        .thenComparingDouble(r -> cs[r][1]).thenComparingDouble(r -> cs[r][2]));
    int[] remap = new int[nRegions];
    double[][] sorted = new double[nRegions][];
    for (int rank = 0; rank < nRegions; rank++) {
      remap[order[rank]] = rank;
      sorted[rank] = cs[order[rank]].clone();
    }
    int[] labels = new int[n];
    for (int p = 0; p < n; p++) {
      labels[p] = remap[lab[p]] + 1;
    }
    return new Parcellation(labels, sorted);
  }
}
