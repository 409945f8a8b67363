package io.voxelflow.connectivity.connectome;

import io.voxelflow.numerics.Linalg;
import io.voxelflow.numerics.Linalg.SymmetricEigen;
import io.voxelflow.numerics.Matrix;
import java.util.List;

/**
 * The tangent-space embedding of covariances (Varoquaux et al. 2010, "Detection of brain functional-
 * connectivity difference in post-stroke patients using group-level covariance modeling", MICCAI):
 * nilearn's {@code _geometric_mean} and the whitening {@code mean^(-1/2)}. Matrix functions go through
 * {@link Linalg#eigh} ({@code V f(Λ) Vᵀ}), as nilearn's {@code _map_eigenvalues}.
 */
public final class TangentSpace {
  /** nilearn's {@code ConnectivityMeasure} calls {@code _geometric_mean} with these. */
  public static final int MAX_ITER = 30;

  /** Tolerance on {@code ||mean of logs||_F / R²}, nilearn's {@code tol=1e-7}. */
  public static final double TOL = 1e-7;

  private TangentSpace() {}

  /**
   * A geometric mean and how the gradient descent ended.
   *
   * @param mean R × R symmetric positive definite
   * @param iterations gradient steps taken
   * @param converged whether the normalised gradient norm went below the tolerance (nilearn only
   *     warns when it did not)
   */
  public record GeometricMean(Matrix mean, int iterations, boolean converged) {}

  /**
   * nilearn's {@code _geometric_mean(matrices, max_iter, tol)} (Fletcher &amp; Joshi 2007, Algorithm
   * 3): Riemannian gradient descent from the arithmetic mean, step halved whenever the gradient norm
   * grows. Each matrix must be symmetric positive definite (not checked here).
   *
   * @param matrices R × R SPD matrices
   * @param maxIter maximal number of steps
   * @param tol tolerance on {@code ||mean log||_F / R²}
   */
  public static GeometricMean geometricMean(List<Matrix> matrices, int maxIter, double tol) {
    int n = matrices.get(0).rows();
    Matrix gmean = meanOf(matrices);
    double normOld = Double.POSITIVE_INFINITY;
    double step = 1.0;
    double norm = Double.POSITIVE_INFINITY;
    int it = 0;
    for (; it < maxIter; ) {
      it++;
      SymmetricEigen eig = Linalg.eigh(gmean);
      Matrix invSqrt = eig.map(v -> Math.sqrt(1.0 / v));
      Matrix logsMean = Matrix.zeros(n, n);
      for (Matrix m : matrices) {
        Matrix whitened = invSqrt.times(m).times(invSqrt);
        logsMean = logsMean.plus(logm(whitened));
      }
      logsMean = logsMean.scale(1.0 / matrices.size());
      for (double v : logsMean.data()) {
        if (Double.isNaN(v)) {
          throw new ArithmeticException("NaN value after logarithm operation in the geometric mean");
        }
      }
      norm = frobenius(logsMean);
      SymmetricEigen logEig = Linalg.eigh(logsMean);
      Matrix sqrt = eig.map(Math::sqrt);
      final double s = step;
      gmean = sqrt.times(logEig.map(v -> Math.exp(v * s))).times(sqrt);
      if (norm < normOld) {
        normOld = norm;
      } else if (norm > normOld) {
        step = step / 2.0;
        norm = normOld;
      }
      if (norm / (n * (double) n) < tol) {
        break;
      }
    }
    return new GeometricMean(gmean, it, norm / (n * (double) n) < tol);
  }

  /** The whitening {@code mean^(-1/2)} (nilearn's {@code whitening_}), R × R. */
  public static Matrix whitening(Matrix mean) {
    return Linalg.eigh(mean).map(v -> 1.0 / Math.sqrt(v));
  }

  /** The tangent-space connectome {@code logm(W C W)} of one covariance C, R × R. */
  public static Matrix embed(Matrix whitening, Matrix covariance) {
    return logm(whitening.times(covariance).times(whitening));
  }

  /** The matrix logarithm of a symmetric positive-definite matrix (from its lower triangle). */
  public static Matrix logm(Matrix spd) {
    return Linalg.eigh(spd).map(Math::log);
  }

  private static Matrix meanOf(List<Matrix> matrices) {
    Matrix sum = matrices.get(0).copy();
    for (int k = 1; k < matrices.size(); k++) {
      sum = sum.plus(matrices.get(k));
    }
    return sum.scale(1.0 / matrices.size());
  }

  private static double frobenius(Matrix m) {
    double s = 0;
    for (double v : m.data()) {
      s += v * v;
    }
    return Math.sqrt(s);
  }
}
