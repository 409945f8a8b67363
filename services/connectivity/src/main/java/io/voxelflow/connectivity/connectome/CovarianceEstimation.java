package io.voxelflow.connectivity.connectome;

import io.voxelflow.numerics.Linalg;
import io.voxelflow.numerics.Matrix;

/**
 * Covariance estimators of scikit-learn, for one subject's time × regions series {@code X} (T × R).
 * Both centre the columns first ({@code assume_centered=False}).
 *
 * <ul>
 *   <li>{@link #empirical}: {@code EmpiricalCovariance}, {@code S = Xcᵀ Xc / T} (ddof = 0).
 *   <li>{@link #ledoitWolf}: {@code LedoitWolf(store_precision=False)}, {@code (1 - s) S + s mu I}
 *       with {@code mu = trace(S) / R} and the shrinkage {@code s} of {@link #ledoitWolfShrinkage}.
 * </ul>
 */
public final class CovarianceEstimation {

  private CovarianceEstimation() {}

  /**
   * A covariance estimate.
   *
   * @param covariance R × R, squared signal units
   * @param shrinkage the Ledoit-Wolf coefficient in [0, 1]; 0 for the empirical estimator
   */
  public record Estimate(Matrix covariance, double shrinkage) {}

  /** The estimate of the given estimator for a T × R series. */
  public static Estimate estimate(Matrix series, Estimator estimator) {
    return switch (estimator) {
      case LEDOIT_WOLF -> ledoitWolf(series);
      case EMPIRICAL -> new Estimate(empirical(series), 0.0);
    };
  }

  /** The series with each column's mean removed (T × R, a new matrix). */
  public static Matrix center(Matrix series) {
    int t = series.rows();
    int r = series.cols();
    double[] mean = columnMeans(series);
    double[] out = new double[t * r];
    double[] in = series.data();
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < r; j++) {
        out[i * r + j] = in[i * r + j] - mean[j];
      }
    }
    return new Matrix(t, r, out);
  }

  /** Column means of a T × R matrix (length R). */
  public static double[] columnMeans(Matrix m) {
    int t = m.rows();
    int r = m.cols();
    double[] mean = new double[r];
    double[] d = m.data();
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < r; j++) {
        mean[j] += d[i * r + j];
      }
    }
    for (int j = 0; j < r; j++) {
      mean[j] /= t;
    }
    return mean;
  }

  /** scikit-learn's {@code empirical_covariance(X)}: {@code np.cov(X.T, bias=1)}, R × R. */
  public static Matrix empirical(Matrix series) {
    Matrix xc = center(series);
    return Linalg.gemm(xc, true, xc, false).scale(1.0 / series.rows()).symmetrized();
  }

  /**
   * scikit-learn's {@code ledoit_wolf(X)}: the shrunk covariance and its coefficient. With a single
   * region the shrinkage is 0 and the covariance is the variance.
   */
  public static Estimate ledoitWolf(Matrix series) {
    Matrix xc = center(series);
    int r = series.cols();
    Matrix emp = Linalg.gemm(xc, true, xc, false).scale(1.0 / series.rows()).symmetrized();
    if (r == 1) {
      return new Estimate(emp, 0.0);
    }
    double shrinkage = shrinkageOfCentered(xc, emp);
    double mu = trace(emp) / r;
    Matrix shrunk = emp.scale(1.0 - shrinkage);
    for (int i = 0; i < r; i++) {
      shrunk.data()[i * r + i] += shrinkage * mu;
    }
    return new Estimate(shrunk, shrinkage);
  }

  /**
   * scikit-learn's {@code ledoit_wolf_shrinkage(X)} (Ledoit &amp; Wolf 2004, "A well-conditioned
   * estimator for large-dimensional covariance matrices"), in [0, 1]; 0 for a single region.
   */
  public static double ledoitWolfShrinkage(Matrix series) {
    if (series.cols() == 1) {
      return 0.0;
    }
    Matrix xc = center(series);
    Matrix emp = Linalg.gemm(xc, true, xc, false).scale(1.0 / series.rows());
    return shrinkageOfCentered(xc, emp);
  }

  /**
   * The shrinkage from centred data {@code Xc} (n × p) and {@code S = XcᵀXc / n}, as scikit-learn:
   * {@code beta = (Σ_t (Σ_j Xc_tj²)² / n - ||S||²) / (p n)}, {@code delta = ||S - mu I||² / p},
   * {@code s = min(beta, delta) / delta} (0 when beta is 0).
   */
  private static double shrinkageOfCentered(Matrix xc, Matrix emp) {
    int n = xc.rows();
    int p = xc.cols();
    double[] x = xc.data();
    double[] traceTerms = new double[p]; // emp_cov_trace: column sums of X² / n
    double betaSum = 0; // sum of all entries of X2ᵀ X2 = Σ_t (row sum of X²)²
    for (int t = 0; t < n; t++) {
      double rowSum = 0;
      for (int j = 0; j < p; j++) {
        double v = x[t * p + j] * x[t * p + j];
        rowSum += v;
        traceTerms[j] += v;
      }
      betaSum += rowSum * rowSum;
    }
    double traceSum = 0;
    for (int j = 0; j < p; j++) {
      traceTerms[j] /= n;
      traceSum += traceTerms[j];
    }
    double mu = traceSum / p;
    double deltaSum = 0; // Σ_ij (XᵀX)_ij² / n² = ||S||_F²
    for (double v : emp.data()) {
      deltaSum += v * v;
    }
    double beta = (betaSum / n - deltaSum) / ((double) p * n);
    double delta = (deltaSum - 2.0 * mu * traceSum + p * mu * mu) / p;
    beta = Math.min(beta, delta);
    return beta == 0 ? 0.0 : beta / delta;
  }

  static double trace(Matrix m) {
    double s = 0;
    for (int i = 0; i < m.rows(); i++) {
      s += m.get(i, i);
    }
    return s;
  }
}
