package io.voxelflow.connectivity.connectome;

import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.numerics.Matrix;
import java.util.List;

/**
 * The small matrix functions nilearn's {@code connectome} module is built from, under their nilearn
 * names: {@link #covToCorr}, {@link #precToPartial}, {@link #symMatrixToVec} and its inverse {@link
 * #vecToSymMatrix}, {@link #standardizeSignal} ({@code signal.standardize_signal} as {@code
 * ConnectivityMeasure} calls it), plus Fisher's z ({@link #fisherZ}). Inputs are never modified.
 */
public final class Connectivity {
  private static final double EPS = Math.ulp(1.0); // np.finfo(np.float64).eps
  private static final double SQRT2 = Math.sqrt(2.0);

  /**
   * The largest |r| Fisher's z is taken of: r is clipped to ±{@code Math.nextDown(1.0)} (1 - 2⁻⁵³),
   * so |r| = 1 gives a finite z of about ±18.715 instead of ±∞.
   */
  public static final double MAX_ABS_R = Math.nextDown(1.0);

  private Connectivity() {}

  /**
   * nilearn's {@code cov_to_corr}: {@code C_ij / sqrt(C_ii C_jj)}, with the diagonal set to exactly 1.
   *
   * @param covariance R × R symmetric, positive diagonal
   * @return R × R correlation
   */
  public static Matrix covToCorr(Matrix covariance) {
    covariance.requireSquare();
    int n = covariance.rows();
    double[] inv = new double[n];
    for (int i = 0; i < n; i++) {
      inv[i] = 1.0 / Math.sqrt(covariance.get(i, i));
    }
    Matrix out = Matrix.zeros(n, n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        out.set(i, j, i == j ? 1.0 : covariance.get(i, j) * inv[j] * inv[i]);
      }
    }
    return out;
  }

  /**
   * nilearn's {@code prec_to_partial}: {@code -P_ij / sqrt(P_ii P_jj)} off the diagonal, 1 on it.
   *
   * @param precision R × R inverse covariance
   * @return R × R partial correlation
   */
  public static Matrix precToPartial(Matrix precision) {
    Matrix corr = covToCorr(precision);
    int n = corr.rows();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j) {
          corr.set(i, j, -corr.get(i, j));
        }
      }
    }
    return corr;
  }

  /**
   * nilearn's {@code sym_matrix_to_vec}: the lower triangle row by row ({@code (0,0), (1,0), (1,1),
   * (2,0), …}). With the diagonal kept, diagonal entries are divided by √2 (nilearn does this so
   * that the vector's norm equals the matrix's Frobenius norm / √2); without it, entries are not
   * scaled.
   *
   * @param symmetric R × R
   * @param discardDiagonal leave out the diagonal
   * @return length R(R+1)/2, or R(R-1)/2 without the diagonal
   */
  public static double[] symMatrixToVec(Matrix symmetric, boolean discardDiagonal) {
    symmetric.requireSquare();
    int n = symmetric.rows();
    double[] out = new double[discardDiagonal ? n * (n - 1) / 2 : n * (n + 1) / 2];
    int k = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < (discardDiagonal ? i : i + 1); j++) {
        out[k++] = i == j ? symmetric.get(i, j) / SQRT2 : symmetric.get(i, j);
      }
    }
    return out;
  }

  /**
   * nilearn's {@code vec_to_sym_matrix}, the inverse of {@link #symMatrixToVec}: the vector fills
   * the lower and upper triangles; the diagonal (from the vector, or {@code diagonal} when given,
   * then the vector holds the strict lower triangle) is multiplied by √2 — also when given
   * separately, as nilearn does.
   *
   * @param vec length R(R+1)/2, or R(R-1)/2 with {@code diagonal}
   * @param diagonal length R, or null when the vector contains the diagonal
   * @return R × R symmetric
   * @throws InvalidArgumentException {@code VECTOR_NOT_TRIANGULAR} when the length is no triangular
   *     number, {@code SHAPE_MISMATCH} when the diagonal has the wrong length
   */
  public static Matrix vecToSymMatrix(double[] vec, double[] diagonal) {
    int len = vec.length;
    double cols = (Math.sqrt(8.0 * len + 1) - 1.0) / 2;
    if (diagonal != null) {
      cols += 1;
    }
    if (cols != Math.floor(cols)) {
      throw (InvalidArgumentException) new InvalidArgumentException("VECTOR_NOT_TRIANGULAR",
          "a vector of length " + len + " is not the lower triangle of a symmetric matrix"
              + (diagonal == null ? " (with its diagonal)" : " (without its diagonal)"))
          .with("length", len);
    }
    int n = (int) cols;
    if (diagonal != null && diagonal.length != n) {
      throw (InvalidArgumentException) new InvalidArgumentException("SHAPE_MISMATCH",
          "diagonal of length " + diagonal.length + " is incompatible with a vector of length "
              + len + " (a " + n + " × " + n + " matrix)");
    }
    Matrix m = Matrix.zeros(n, n);
    int k = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < (diagonal == null ? i + 1 : i); j++) {
        m.set(i, j, vec[k]);
        m.set(j, i, vec[k]);
        k++;
      }
    }
    for (int i = 0; i < n; i++) {
      double d = diagonal == null ? m.get(i, i) : diagonal[i];
      m.set(i, i, d * SQRT2);
    }
    return m;
  }

  /**
   * nilearn's {@code signal.standardize_signal(x, detrend=False, standardize=True)}, as {@code
   * ConnectivityMeasure} calls it: each column minus its mean, divided by its population std (ddof =
   * 0, nilearn's {@code 'zscore'}); a std below machine epsilon counts as 1. A single time point is
   * returned unchanged (nilearn warns and skips).
   *
   * @param series T × R
   * @return T × R z-scored series
   */
  public static Matrix standardizeSignal(Matrix series) {
    if (series.rows() == 1) {
      return series.copy();
    }
    Matrix c = CovarianceEstimation.center(series);
    int t = c.rows();
    int r = c.cols();
    double[] d = c.data();
    for (int j = 0; j < r; j++) {
      double ss = 0;
      for (int i = 0; i < t; i++) {
        ss += d[i * r + j] * d[i * r + j];
      }
      double std = Math.sqrt(ss / t);
      if (std < EPS) {
        std = 1.0;
      }
      for (int i = 0; i < t; i++) {
        d[i * r + j] /= std;
      }
    }
    return c;
  }

  /**
   * Fisher's z of a correlation: {@code artanh(r)}, with r clipped to ±{@link #MAX_ABS_R} so that
   * |r| ≥ 1 gives a finite value. NaN stays NaN.
   */
  public static double fisherZ(double r) {
    double c = Math.max(-MAX_ABS_R, Math.min(MAX_ABS_R, r));
    return 0.5 * Math.log((1.0 + c) / (1.0 - c));
  }

  /**
   * Fisher's z of a correlation or partial-correlation matrix: artanh off the diagonal ({@link
   * #fisherZ(double)}), 0 on the diagonal.
   *
   * @param correlation R × R
   * @return R × R z values
   */
  public static Matrix fisherZ(Matrix correlation) {
    correlation.requireSquare();
    int n = correlation.rows();
    Matrix z = Matrix.zeros(n, n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j) {
          z.set(i, j, fisherZ(correlation.get(i, j)));
        }
      }
    }
    return z;
  }

  /**
   * The arithmetic mean of matrices, symmetrized ({@code (M + Mᵀ) / 2}): nilearn's {@code mean_} for
   * every kind but tangent.
   *
   * @param matrices at least one, all R × R
   * @return R × R
   */
  public static Matrix arithmeticMean(List<Matrix> matrices) {
    int n = matrices.get(0).rows();
    double[] sum = new double[n * n];
    for (Matrix m : matrices) {
      double[] d = m.data();
      for (int i = 0; i < sum.length; i++) {
        sum[i] += d[i];
      }
    }
    for (int i = 0; i < sum.length; i++) {
      sum[i] /= matrices.size();
    }
    Matrix mean = new Matrix(n, n, sum);
    return mean.plus(mean.transpose()).scale(0.5);
  }
}
