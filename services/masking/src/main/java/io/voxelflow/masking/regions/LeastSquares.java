package io.voxelflow.masking.regions;

/**
 * Minimum-norm least squares {@code argmin ‖A x − b‖} for one fixed {@code n × k} matrix and many
 * right-hand sides, as {@code scipy.linalg.lstsq(A, b, cond=eps)} (LAPACK {@code gelsd}): singular
 * values {@code ≤ cond·σ_max} count as zero. Set-up (once): Householder QR of {@code A} when
 * {@code n ≥ k}, then a one-sided Jacobi SVD of {@code R} (of {@code A} itself when {@code n < k}),
 * folded into a {@code k × m} solve matrix. Per right-hand side: {@code k} reflections and a
 * {@code k × m} product, {@code O(n·k)}.
 */
final class LeastSquares {
  private static final int MAX_SWEEPS = 80;

  private final int n;
  private final int k;
  private final double[][] reflectors; // v_j, length n - j (null: identity)
  private final double[] betas;
  private final double[][] solve;      // k × m
  private final int rank;

  /**
   * @param columns {@code k} columns of length {@code n} (not modified)
   * @param cond relative cutoff for small singular values
   */
  LeastSquares(double[][] columns, double cond) {
    this.k = columns.length;
    this.n = k == 0 ? 0 : columns[0].length;
    double[][] g;
    if (n >= k) {
      double[][] a = new double[k][];
      for (int c = 0; c < k; c++) {
        a[c] = columns[c].clone();
      }
      reflectors = new double[k][];
      betas = new double[k];
      for (int j = 0; j < k; j++) {
        double norm = 0;
        for (int i = j; i < n; i++) {
          norm = Math.hypot(norm, a[j][i]);
        }
        if (norm == 0) {
          continue; // column already zero below the diagonal: no reflection
        }
        double alpha = a[j][j] >= 0 ? -norm : norm;
        double[] v = new double[n - j];
        v[0] = a[j][j] - alpha;
        for (int i = j + 1; i < n; i++) {
          v[i - j] = a[j][i];
        }
        double vv = 0;
        for (double x : v) {
          vv += x * x;
        }
        if (vv == 0) {
          continue;
        }
        double beta = 2.0 / vv;
        for (int c = j; c < k; c++) {
          double s = 0;
          for (int i = j; i < n; i++) {
            s += v[i - j] * a[c][i];
          }
          s *= beta;
          for (int i = j; i < n; i++) {
            a[c][i] -= s * v[i - j];
          }
        }
        reflectors[j] = v;
        betas[j] = beta;
      }
      g = new double[k][k]; // R, column-major
      for (int c = 0; c < k; c++) {
        for (int i = 0; i <= c; i++) {
          g[c][i] = a[c][i];
        }
      }
    } else {
      reflectors = null;
      betas = null;
      g = new double[k][];
      for (int c = 0; c < k; c++) {
        g[c] = columns[c].clone();
      }
    }
    int m = k == 0 ? 0 : g[0].length;
    double[][] vmat = new double[k][k]; // vmat[c][j] = V(c, j)
    for (int c = 0; c < k; c++) {
      vmat[c][c] = 1.0;
    }
    jacobi(g, vmat);
    double[] sigma = new double[k];
    double smax = 0;
    for (int j = 0; j < k; j++) {
      double s = 0;
      for (double x : g[j]) {
        s = Math.hypot(s, x);
      }
      sigma[j] = s;
      smax = Math.max(smax, s);
    }
    solve = new double[k][m];
    int r = 0;
    for (int j = 0; j < k; j++) {
      if (!(sigma[j] > cond * smax) || sigma[j] == 0) {
        continue;
      }
      r++;
      double inv2 = 1.0 / (sigma[j] * sigma[j]); // U_j / σ_j = g_j / σ_j²
      for (int c = 0; c < k; c++) {
        double f = vmat[c][j] * inv2;
        if (f == 0) {
          continue;
        }
        for (int i = 0; i < m; i++) {
          solve[c][i] += f * g[j][i];
        }
      }
    }
    rank = r;
  }

  /** Effective rank. */
  int rank() {
    return rank;
  }

  /** The solution for one right-hand side {@code b} (length {@code n}; not modified). */
  double[] solve(double[] b) {
    if (b.length != n) {
      throw new IllegalArgumentException("right-hand side of " + b.length + " values for " + n + " rows");
    }
    double[] y;
    if (reflectors != null) {
      y = b.clone();
      for (int j = 0; j < k; j++) {
        double[] v = reflectors[j];
        if (v == null) {
          continue;
        }
        double s = 0;
        for (int i = j; i < n; i++) {
          s += v[i - j] * y[i];
        }
        s *= betas[j];
        for (int i = j; i < n; i++) {
          y[i] -= s * v[i - j];
        }
      }
    } else {
      y = b;
    }
    double[] x = new double[k];
    for (int c = 0; c < k; c++) {
      double[] row = solve[c];
      double s = 0;
      for (int i = 0; i < row.length; i++) {
        s += row[i] * y[i];
      }
      x[c] = s;
    }
    return x;
  }

  /** One-sided (Hestenes) Jacobi: orthogonalises the columns of {@code g}, accumulating V. */
  private static void jacobi(double[][] g, double[][] vmat) {
    int k = g.length;
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      boolean rotated = false;
      for (int p = 0; p < k - 1; p++) {
        for (int q = p + 1; q < k; q++) {
          double[] gp = g[p];
          double[] gq = g[q];
          double alpha = 0;
          double beta = 0;
          double gamma = 0;
          for (int i = 0; i < gp.length; i++) {
            alpha += gp[i] * gp[i];
            beta += gq[i] * gq[i];
            gamma += gp[i] * gq[i];
          }
          if (alpha == 0 || beta == 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) {
            continue;
          }
          rotated = true;
          double zeta = (beta - alpha) / (2 * gamma);
          double t = Math.signum(zeta) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
          if (zeta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(1 + t * t);
          double s = c * t;
          for (int i = 0; i < gp.length; i++) {
            double x = gp[i];
            double y = gq[i];
            gp[i] = c * x - s * y;
            gq[i] = s * x + c * y;
          }
          for (int i = 0; i < k; i++) {
            double x = vmat[i][p];
            double y = vmat[i][q];
            vmat[i][p] = c * x - s * y;
            vmat[i][q] = s * x + c * y;
          }
        }
      }
      if (!rotated) {
        return;
      }
    }
  }
}
