package io.voxelflow.masking.signal;

/**
 * {@code scipy.interpolate.CubicSpline(x, y, axis=0, bc_type='not-a-knot', extrapolate=True)} for
 * a matrix of values (one spline per column), as nilearn 0.10.4's {@code _interpolate_volumes}
 * uses it; SciPy 1.10's construction (tridiagonal system for the knot derivatives, with the
 * special cases for 2 and 3 knots) and {@code PPoly} evaluation (power-sum form, intervals closed
 * on the left, end polynomials extended outside the knots).
 */
final class CubicSpline {
  private final double[] x;
  private final double[] dx;
  /** LU factors of the knot-derivative system for n >= 4 knots; null otherwise. */
  private final Tridiagonal lu;

  /**
   * Prepares splines through these knots; the values come per column in {@link #interpolate}, so
   * memory stays O(knots) however many columns are interpolated.
   *
   * @param x knots, strictly increasing, at least 2
   */
  CubicSpline(double[] x) {
    int n = x.length;
    if (n < 2) {
      throw new IllegalArgumentException("cubic spline interpolation needs at least 2 kept"
          + " frames, got " + n);
    }
    for (int i = 0; i + 1 < n; i++) {
      if (!(x[i + 1] > x[i])) {
        throw new IllegalArgumentException("spline knots must be strictly increasing");
      }
    }
    this.x = x.clone();
    this.dx = new double[n - 1];
    for (int i = 0; i < n - 1; i++) {
      dx[i] = x[i + 1] - x[i];
    }
    if (n >= 4) {
      // Tridiagonal system: lower dl[i] = A[i+1][i], diag d[i], upper du[i] = A[i][i+1].
      double[] d = new double[n];
      double[] du = new double[n - 1];
      double[] dl = new double[n - 1];
      for (int i = 1; i < n - 1; i++) {
        d[i] = 2 * (dx[i - 1] + dx[i]);
        du[i] = dx[i - 1];
        dl[i - 1] = dx[i];
      }
      d[0] = dx[1];
      du[0] = x[2] - x[0];
      d[n - 1] = dx[n - 3];
      dl[n - 2] = x[n - 1] - x[n - 3];
      this.lu = new Tridiagonal(dl, d, du);
    } else {
      this.lu = null;
    }
  }

  /**
   * PPoly's interval for {@code xv}: {@code x[i] <= xv < x[i+1]}, the last interval for {@code xv
   * >= x[n-1]}, the first for {@code xv < x[0]} (extrapolation).
   */
  int interval(double xv) {
    int n = x.length;
    if (xv < x[0]) {
      return 0;
    }
    if (xv >= x[n - 1]) {
      return n - 2;
    }
    int lo = 0;
    int hi = n - 1;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (xv >= x[mid]) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * Fits the spline through {@code (x[i], y[i])} and evaluates it at {@code at[m]}, whose
   * intervals (from {@link #interval}) are {@code intervals[m]}.
   *
   * @param y values at the knots (length n)
   * @param out receives the values (length {@code at.length})
   */
  void interpolate(double[] y, double[] at, int[] intervals, double[] out) {
    int n = x.length;
    double[] slope = new double[n - 1];
    for (int i = 0; i < n - 1; i++) {
      slope[i] = (y[i + 1] - y[i]) / dx[i];
    }
    double[] s;
    if (n == 2) {
      // bc becomes (1, slope[0]) at both ends: the spline is the straight line.
      s = new double[] {slope[0], slope[0]};
    } else if (n == 3) {
      // Both conditions 'not-a-knot': the parabola through the three points.
      double[][] a = {
        {1, 1, 0},
        {dx[1], 2 * (dx[0] + dx[1]), dx[0]},
        {0, 1, 1}
      };
      s = solve3(a, new double[] {
        2 * slope[0],
        3 * (dx[0] * slope[1] + dx[1] * slope[0]),
        2 * slope[1]
      });
    } else {
      s = new double[n];
      double d0 = x[2] - x[0];
      double dn = x[n - 1] - x[n - 3];
      s[0] = ((dx[0] + 2 * d0) * dx[1] * slope[0] + dx[0] * dx[0] * slope[1]) / d0;
      for (int i = 1; i < n - 1; i++) {
        s[i] = 3 * (dx[i] * slope[i - 1] + dx[i - 1] * slope[i]);
      }
      s[n - 1] = (dx[n - 2] * dx[n - 2] * slope[n - 3]
          + (2 * dn + dx[n - 2]) * dx[n - 3] * slope[n - 2]) / dn;
      lu.solveInPlace(s);
    }
    for (int m = 0; m < at.length; m++) {
      int i = intervals[m];
      // CubicHermiteSpline coefficients of interval i, then PPoly's power-sum evaluation.
      double t = (s[i] + s[i + 1] - 2 * slope[i]) / dx[i];
      double c0 = t / dx[i];
      double c1 = (slope[i] - s[i]) / dx[i] - t;
      double c2 = s[i];
      double c3 = y[i];
      double sx = at[m] - x[i];
      double res = 0.0;
      double z = 1.0;
      res = res + c3 * z;
      z *= sx;
      res = res + c2 * z;
      z *= sx;
      res = res + c1 * z;
      z *= sx;
      res = res + c0 * z;
      out[m] = res;
    }
  }

  private static double[] solve3(double[][] a, double[] b) {
    double[][] m = {a[0].clone(), a[1].clone(), a[2].clone()};
    double[] x = b.clone();
    for (int col = 0; col < 3; col++) {
      int piv = col;
      for (int r = col + 1; r < 3; r++) {
        if (Math.abs(m[r][col]) > Math.abs(m[piv][col])) {
          piv = r;
        }
      }
      double[] t = m[piv];
      m[piv] = m[col];
      m[col] = t;
      double tx = x[piv];
      x[piv] = x[col];
      x[col] = tx;
      for (int r = col + 1; r < 3; r++) {
        double f = m[r][col] / m[col][col];
        for (int c = col; c < 3; c++) {
          m[r][c] -= f * m[col][c];
        }
        x[r] -= f * x[col];
      }
    }
    for (int r = 2; r >= 0; r--) {
      double s = x[r];
      for (int c = r + 1; c < 3; c++) {
        s -= m[r][c] * x[c];
      }
      x[r] = s / m[r][r];
    }
    return x;
  }

  /** LU factorisation of a tridiagonal matrix with partial pivoting (LAPACK dgttrf/dgtts2). */
  private static final class Tridiagonal {
    private final int n;
    private final double[] dl;
    private final double[] d;
    private final double[] du;
    private final double[] du2;
    private final int[] ipiv;

    Tridiagonal(double[] dlIn, double[] dIn, double[] duIn) {
      n = dIn.length;
      dl = dlIn.clone();
      d = dIn.clone();
      du = duIn.clone();
      du2 = new double[Math.max(n - 2, 0)];
      ipiv = new int[n];
      for (int i = 0; i < n; i++) {
        ipiv[i] = i;
      }
      for (int i = 0; i < n - 2; i++) {
        if (Math.abs(d[i]) >= Math.abs(dl[i])) {
          if (d[i] != 0.0) {
            double fact = dl[i] / d[i];
            dl[i] = fact;
            d[i + 1] = d[i + 1] - fact * du[i];
          }
        } else {
          double fact = d[i] / dl[i];
          d[i] = dl[i];
          dl[i] = fact;
          double temp = du[i];
          du[i] = d[i + 1];
          d[i + 1] = temp - fact * d[i + 1];
          du2[i] = du[i + 1];
          du[i + 1] = -fact * du[i + 1];
          ipiv[i] = i + 1;
        }
      }
      if (n > 1) {
        int i = n - 2;
        if (Math.abs(d[i]) >= Math.abs(dl[i])) {
          if (d[i] != 0.0) {
            double fact = dl[i] / d[i];
            dl[i] = fact;
            d[i + 1] = d[i + 1] - fact * du[i];
          }
        } else {
          double fact = d[i] / dl[i];
          d[i] = dl[i];
          dl[i] = fact;
          double temp = du[i];
          du[i] = d[i + 1];
          d[i + 1] = temp - fact * d[i + 1];
          ipiv[i] = i + 1;
        }
      }
      for (int i = 0; i < n; i++) {
        if (d[i] == 0.0) {
          throw new IllegalArgumentException("singular spline system");
        }
      }
    }

    void solveInPlace(double[] b) {
      for (int i = 0; i < n - 1; i++) {
        if (ipiv[i] == i) {
          b[i + 1] = b[i + 1] - dl[i] * b[i];
        } else {
          double temp = b[i];
          b[i] = b[i + 1];
          b[i + 1] = temp - dl[i] * b[i];
        }
      }
      b[n - 1] = b[n - 1] / d[n - 1];
      if (n > 1) {
        b[n - 2] = (b[n - 2] - du[n - 2] * b[n - 1]) / d[n - 2];
      }
      for (int i = n - 3; i >= 0; i--) {
        b[i] = (b[i] - du[i] * b[i + 1] - du2[i] * b[i + 2]) / d[i];
      }
    }
  }
}
