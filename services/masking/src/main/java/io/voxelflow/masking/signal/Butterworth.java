package io.voxelflow.masking.signal;

import java.util.Arrays;

/**
 * Digital Butterworth filter design and zero-phase filtering, ported from SciPy 1.10
 * ({@code scipy.signal.butter(N, Wn, btype, output='ba')} and
 * {@code scipy.signal.filtfilt(b, a, x, axis=0, padtype='odd', padlen=None)}), the two calls
 * nilearn 0.10.4's {@code nilearn.signal.butterworth} makes.
 *
 * <p>Design: analog prototype poles {@code -exp(i*pi*m/(2N))}, {@code m = -N+1, -N+3, ..., N-1}
 * ({@code buttap}); frequency pre-warping {@code warped = 4*tan(pi*Wn/2)}; low-pass, high-pass or
 * band-pass transform in zero/pole/gain form ({@code lp2lp_zpk}, {@code lp2hp_zpk},
 * {@code lp2bp_zpk}, the latter doubling the order); bilinear transform with {@code fs = 2}
 * ({@code bilinear_zpk}); expansion of zeros and poles into polynomials ({@code zpk2tf}). Each step
 * does the same floating-point operations in the same order as SciPy, so coefficients agree to a
 * few ulps.
 *
 * <p>Filtering: {@code filtfilt} extends each column by odd reflection of {@code padlen = 3 *
 * max(len(a), len(b))} samples at both ends, runs {@code lfilter} (direct form II transposed)
 * forward with initial state {@code lfilter_zi(b, a) * x[0]}, then backward with initial state
 * {@code lfilter_zi(b, a) * y[last]}, and drops the padding.
 *
 * <p>All frequencies given to {@link #butter} are normalised: a fraction of the Nyquist frequency,
 * strictly between 0 and 1 (SciPy's convention without {@code fs}). Signals are time × features
 * ({@code T×V}, rows are time points); filtering runs along time, column by column.
 */
public final class Butterworth {
  private Butterworth() {}

  /** Filter type, SciPy's {@code btype}. */
  public enum BandType {
    /** Keep frequencies below the cutoff ({@code 'low'}); one critical frequency. */
    LOW,
    /** Keep frequencies above the cutoff ({@code 'high'}); one critical frequency. */
    HIGH,
    /** Keep frequencies between two cutoffs ({@code 'band'}); filter order doubles. */
    BAND
  }

  /**
   * Transfer-function coefficients {@code b} (numerator) and {@code a} (denominator, {@code a[0]
   * == 1}) in descending powers of {@code z}, as SciPy's {@code output='ba'}.
   */
  public record Coefficients(double[] b, double[] a) {
    public Coefficients {
      b = b.clone();
      a = a.clone();
    }

    @Override
    public double[] b() {
      return b.clone();
    }

    @Override
    public double[] a() {
      return a.clone();
    }

    /** {@code max(len(a), len(b))}: SciPy's {@code ntaps}; the default pad length is 3× this. */
    public int ntaps() {
      return Math.max(a.length, b.length);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Coefficients c && Arrays.equals(b, c.b) && Arrays.equals(a, c.a);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(b) + Arrays.hashCode(a);
    }

    @Override
    public String toString() {
      return "Coefficients[b=" + Arrays.toString(b) + ", a=" + Arrays.toString(a) + "]";
    }
  }

  /**
   * {@code scipy.signal.butter(order, wn, btype, output='ba')}: a digital Butterworth filter.
   *
   * @param order filter order N (≥ 1); a band-pass filter has 2N poles
   * @param btype low-, high- or band-pass
   * @param wn critical frequencies as fractions of the Nyquist frequency, each in (0, 1): one value
   *     for {@link BandType#LOW}/{@link BandType#HIGH}, two increasing values for {@link
   *     BandType#BAND}
   * @return the {@code b}, {@code a} coefficients (length N+1, or 2N+1 for band-pass)
   * @throws IllegalArgumentException for a bad order, wrong number of frequencies, frequencies
   *     outside (0, 1) or a band whose edges are not increasing (SciPy's {@code ValueError}s)
   */
  public static Coefficients butter(int order, BandType btype, double... wn) {
    if (order < 1) {
      throw new IllegalArgumentException("Butterworth filter order must be >= 1, got " + order);
    }
    int expected = btype == BandType.BAND ? 2 : 1;
    if (wn == null || wn.length != expected) {
      throw new IllegalArgumentException(btype == BandType.BAND
          ? "Wn must specify start and stop frequencies for a band-pass filter"
          : "Must specify a single critical frequency Wn for a low-pass or high-pass filter");
    }
    for (double w : wn) {
      if (!(w > 0.0) || !(w < 1.0)) {
        throw new IllegalArgumentException("Digital filter critical frequencies must be 0 < Wn < 1"
            + " (fractions of the Nyquist frequency), got " + Arrays.toString(wn));
      }
    }
    if (expected == 2 && !(wn[0] < wn[1])) {
      throw new IllegalArgumentException("Wn[0] must be less than Wn[1], got "
          + Arrays.toString(wn));
    }

    // buttap(N): no zeros, poles on the left unit half circle, gain 1.
    Complex[] z = new Complex[0];
    Complex[] p = new Complex[order];
    for (int i = 0; i < order; i++) {
      int m = -order + 1 + 2 * i;
      double theta = Math.PI * m / (2 * order);
      // numpy: -exp(1j * theta); 1j * theta has real part 0*theta - 1*0 = 0.
      p[i] = Complex.expI(theta).negate();
    }
    double k = 1.0;

    // Pre-warp (fs = 2): warped = 2 * fs * tan(pi * Wn / fs).
    double fs = 2.0;
    double[] warped = new double[wn.length];
    for (int i = 0; i < wn.length; i++) {
      warped[i] = 2 * fs * Math.tan(Math.PI * wn[i] / fs);
    }

    switch (btype) {
      case LOW -> {
        double wo = warped[0];
        int degree = p.length - z.length;
        z = scale(z, wo);
        p = scale(p, wo);
        k = k * Math.pow(wo, degree);
      }
      case HIGH -> {
        double wo = warped[0];
        int degree = p.length - z.length;
        Complex num = prod(negateAll(z));
        Complex den = prod(negateAll(p));
        Complex[] zh = new Complex[z.length + degree];
        for (int i = 0; i < z.length; i++) {
          zh[i] = Complex.real(wo).div(z[i]);
        }
        Arrays.fill(zh, z.length, zh.length, Complex.ZERO);
        Complex[] ph = new Complex[p.length];
        for (int i = 0; i < p.length; i++) {
          ph[i] = Complex.real(wo).div(p[i]);
        }
        z = zh;
        p = ph;
        k = k * num.div(den).re();
      }
      case BAND -> {
        double bw = warped[1] - warped[0];
        double wo = Math.sqrt(warped[0] * warped[1]);
        int degree = p.length - z.length;
        z = lp2bpRoots(z, wo, bw, degree);
        p = lp2bpRoots(p, wo, bw, 0);
        k = k * Math.pow(bw, degree);
      }
      default -> throw new AssertionError(btype);
    }

    // bilinear_zpk(z, p, k, fs=2): fs2 = 4.
    double fs2 = 2.0 * fs;
    int degree = p.length - z.length;
    Complex fs2c = Complex.real(fs2);
    Complex[] zz = new Complex[z.length + degree];
    Complex numProd = Complex.ONE;
    for (int i = 0; i < z.length; i++) {
      zz[i] = fs2c.plus(z[i]).div(fs2c.minus(z[i]));
      numProd = numProd.times(fs2c.minus(z[i]));
    }
    Arrays.fill(zz, z.length, zz.length, Complex.real(-1.0));
    Complex[] pz = new Complex[p.length];
    Complex denProd = Complex.ONE;
    for (int i = 0; i < p.length; i++) {
      pz[i] = fs2c.plus(p[i]).div(fs2c.minus(p[i]));
      denProd = denProd.times(fs2c.minus(p[i]));
    }
    double kz = k * numProd.div(denProd).re();

    // zpk2tf: b = k * poly(z), a = poly(p); the roots come in conjugate pairs, so keep the real part.
    Complex[] bPoly = poly(zz);
    Complex[] aPoly = poly(pz);
    double[] b = new double[bPoly.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = bPoly[i].times(kz).re();
    }
    double[] a = new double[aPoly.length];
    for (int i = 0; i < a.length; i++) {
      a[i] = aPoly[i].re();
    }
    return new Coefficients(b, a);
  }

  private static Complex[] lp2bpRoots(Complex[] roots, double wo, double bw, int extraZeros) {
    int n = roots.length;
    Complex[] out = new Complex[2 * n + extraZeros];
    Complex wo2 = Complex.real(wo * wo);
    for (int i = 0; i < n; i++) {
      // numpy: z * bw/2 evaluates (z * bw) / 2.
      Complex lp = new Complex(roots[i].re() * bw / 2, roots[i].im() * bw / 2);
      Complex s = lp.times(lp).minus(wo2).sqrt();
      out[i] = lp.plus(s);
      out[n + i] = lp.minus(s);
    }
    Arrays.fill(out, 2 * n, out.length, Complex.ZERO);
    return out;
  }

  private static Complex[] scale(Complex[] v, double s) {
    Complex[] out = new Complex[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = new Complex(s * v[i].re(), s * v[i].im());
    }
    return out;
  }

  private static Complex[] negateAll(Complex[] v) {
    Complex[] out = new Complex[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i].negate();
    }
    return out;
  }

  private static Complex prod(Complex[] v) {
    Complex r = Complex.ONE;
    for (Complex c : v) {
      r = r.times(c);
    }
    return r;
  }

  /** numpy.poly: coefficients of prod(x - r), built by successive convolution with [1, -r]. */
  private static Complex[] poly(Complex[] roots) {
    Complex[] a = {Complex.ONE};
    for (Complex r : roots) {
      Complex mr = r.negate();
      Complex[] next = new Complex[a.length + 1];
      next[0] = a[0];
      for (int i = 1; i < a.length; i++) {
        next[i] = a[i].plus(a[i - 1].times(mr));
      }
      next[a.length] = a[a.length - 1].times(mr);
      a = next;
    }
    return a;
  }

  /**
   * {@code scipy.signal.lfilter_zi(b, a)}: the initial state of {@link #lfilter} for which the step
   * response is already at steady state. Solves {@code (I - companion(a).T) zi = b[1:] - a[1:] *
   * b[0]} (coefficients first normalised by {@code a[0]}).
   *
   * @return the state vector, length {@code max(len(a), len(b)) - 1}
   */
  public static double[] lfilterZi(double[] b, double[] a) {
    int start = 0;
    while (a.length - start > 1 && a[start] == 0.0) {
      start++;
    }
    if (a.length - start < 1 || a[start] == 0.0) {
      throw new IllegalArgumentException("There must be at least one nonzero `a` coefficient.");
    }
    double[] aa = Arrays.copyOfRange(a, start, a.length);
    double[] bb = b.clone();
    if (aa[0] != 1.0) {
      double a0 = aa[0];
      for (int i = 0; i < bb.length; i++) {
        bb[i] = bb[i] / a0;
      }
      for (int i = 0; i < aa.length; i++) {
        aa[i] = aa[i] / a0;
      }
    }
    int n = Math.max(aa.length, bb.length);
    aa = Arrays.copyOf(aa, n);
    bb = Arrays.copyOf(bb, n);
    int m = n - 1;
    if (m == 0) {
      return new double[0];
    }
    // IminusA = I - companion(a).T; companion(a) has first row -a[1:]/a[0] and ones below the
    // diagonal, so its transpose has first column -a[1:]/a[0] and ones above the diagonal.
    double[][] mat = new double[m][m];
    for (int i = 0; i < m; i++) {
      mat[i][i] = 1.0;
      mat[i][0] -= -aa[i + 1] / aa[0];
      if (i + 1 < m) {
        mat[i][i + 1] -= 1.0;
      }
    }
    double[] rhs = new double[m];
    for (int i = 0; i < m; i++) {
      rhs[i] = bb[i + 1] - aa[i + 1] * bb[0];
    }
    return solveDense(mat, rhs);
  }

  /** Gaussian elimination with partial pivoting (LAPACK {@code gesv}'s algorithm). */
  private static double[] solveDense(double[][] mat, double[] rhs) {
    int n = rhs.length;
    double[][] m = new double[n][];
    for (int i = 0; i < n; i++) {
      m[i] = mat[i].clone();
    }
    double[] x = rhs.clone();
    for (int col = 0; col < n; col++) {
      int piv = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(m[r][col]) > Math.abs(m[piv][col])) {
          piv = r;
        }
      }
      if (m[piv][col] == 0.0) {
        throw new IllegalArgumentException("singular matrix in lfilter_zi");
      }
      if (piv != col) {
        double[] t = m[piv];
        m[piv] = m[col];
        m[col] = t;
        double tx = x[piv];
        x[piv] = x[col];
        x[col] = tx;
      }
      for (int r = col + 1; r < n; r++) {
        double f = m[r][col] / m[col][col];
        if (f != 0.0) {
          for (int c = col + 1; c < n; c++) {
            m[r][c] -= f * m[col][c];
          }
          x[r] -= f * x[col];
        }
      }
    }
    for (int r = n - 1; r >= 0; r--) {
      double s = x[r];
      for (int c = r + 1; c < n; c++) {
        s -= m[r][c] * x[c];
      }
      x[r] = s / m[r][r];
    }
    return x;
  }

  /**
   * {@code scipy.signal.lfilter(b, a, x, zi=zi)} on one sequence: direct form II transposed, with
   * SciPy's loop order. {@code b} and {@code a} must already have the same length and {@code a[0]
   * == 1} (as {@link #butter} returns); {@code state} (length {@code len(b) - 1}) is updated in
   * place to the final state.
   *
   * @param x input samples; {@code y} may be the same array
   */
  static void lfilter(double[] b, double[] a, double[] x, double[] y, double[] state) {
    int nb = b.length;
    for (int k = 0; k < x.length; k++) {
      double xn = x[k];
      if (nb > 1) {
        double yn = state[0] + b[0] * xn;
        for (int n = 0; n < nb - 2; n++) {
          state[n] = state[n + 1] + xn * b[n + 1] - yn * a[n + 1];
        }
        state[nb - 2] = xn * b[nb - 1] - yn * a[nb - 1];
        y[k] = yn;
      } else {
        y[k] = xn * b[0];
      }
    }
  }

  /** The default {@code filtfilt} pad length for these coefficients: {@code 3 * ntaps}. */
  public static int defaultPadlen(Coefficients c) {
    return 3 * c.ntaps();
  }

  /**
   * {@code scipy.signal.filtfilt(b, a, x, axis=0, padtype='odd', padlen=None)}: zero-phase
   * forward-backward filtering of each column of {@code signals}.
   *
   * @param signals time × features ({@code T×V}), not modified
   * @return a new {@code T×V} array
   * @throws IllegalArgumentException when {@code T <= 3 * max(len(a), len(b))} (SciPy: "The
   *     length of the input vector x must be greater than padlen")
   */
  public static double[][] filtfilt(Coefficients c, double[][] signals) {
    int t = signals.length;
    int v = t == 0 ? 0 : signals[0].length;
    double[][] out = new double[t][v];
    double[] col = new double[t];
    FiltFilt ff = new FiltFilt(c, t);
    for (int j = 0; j < v; j++) {
      for (int i = 0; i < t; i++) {
        col[i] = signals[i][j];
      }
      ff.apply(col);
      for (int i = 0; i < t; i++) {
        out[i][j] = col[i];
      }
    }
    return out;
  }

  /**
   * {@code filtfilt} of one sequence (odd padding, default pad length).
   *
   * @param x samples, not modified
   * @return the filtered samples, same length
   */
  public static double[] filtfilt(Coefficients c, double[] x) {
    double[] y = x.clone();
    new FiltFilt(c, x.length).apply(y);
    return y;
  }

  /** Reusable work buffers for filtering many columns of the same length. */
  private static final class FiltFilt {
    private final double[] b;
    private final double[] a;
    private final double[] zi;
    private final double[] state;
    private final double[] ext;
    private final int edge;
    private final int n;

    FiltFilt(Coefficients c, int n) {
      int ntaps = c.ntaps();
      this.b = Arrays.copyOf(c.b(), ntaps);
      double[] aa = c.a();
      if (aa[0] != 1.0) {
        // lfilter normalises by a[0] once; lfilter_zi does the same on its own copy.
        double a0 = aa[0];
        for (int i = 0; i < b.length; i++) {
          b[i] /= a0;
        }
        for (int i = 0; i < aa.length; i++) {
          aa[i] /= a0;
        }
      }
      this.a = Arrays.copyOf(aa, ntaps);
      this.zi = lfilterZi(c.b(), c.a());
      this.state = new double[ntaps - 1];
      this.edge = 3 * ntaps;
      this.n = n;
      if (n <= edge) {
        throw new IllegalArgumentException("The length of the input vector x must be greater than"
            + " padlen, which is " + edge + " (3 * max(len(a), len(b))); got " + n
            + " time points");
      }
      this.ext = new double[n + 2 * edge];
    }

    void apply(double[] x) {
      // odd_ext(x, edge): 2*x[0] - x[edge:0:-1], x, 2*x[-1] - x[-2:-(edge+2):-1]
      double left = x[0];
      double right = x[n - 1];
      for (int i = 0; i < edge; i++) {
        ext[i] = 2 * left - x[edge - i];
      }
      System.arraycopy(x, 0, ext, edge, n);
      for (int i = 0; i < edge; i++) {
        ext[edge + n + i] = 2 * right - x[n - 2 - i];
      }
      // Forward pass, initial state zi * ext[0].
      double x0 = ext[0];
      for (int i = 0; i < state.length; i++) {
        state[i] = zi[i] * x0;
      }
      lfilter(b, a, ext, ext, state);
      // Backward pass on the reversed output, initial state zi * y[-1].
      reverse(ext);
      double y0 = ext[0];
      for (int i = 0; i < state.length; i++) {
        state[i] = zi[i] * y0;
      }
      lfilter(b, a, ext, ext, state);
      reverse(ext);
      System.arraycopy(ext, edge, x, 0, n);
    }

    private static void reverse(double[] v) {
      for (int i = 0, j = v.length - 1; i < j; i++, j--) {
        double t = v[i];
        v[i] = v[j];
        v[j] = t;
      }
    }
  }
}
