package io.voxelflow.decomposition.dictlearning;

import io.voxelflow.numerics.Matrix;
import java.util.stream.IntStream;

/**
 * Sparse coding by coordinate-descent Lasso on a precomputed Gram matrix: scikit-learn 1.2's
 * {@code sparse_encode(X, dictionary, algorithm='lasso_cd', alpha=α)}, i.e. for every sample x
 * (a row of X) the code w minimising
 *
 * <pre>  ½ ‖x − Dᵀw‖² + α ‖w‖₁        (D = dictionary, k × n_features)</pre>
 *
 * <p>solved as {@code sklearn.linear_model._cd_fast.enet_coordinate_descent_gram} does with
 * {@code Q = D·Dᵀ}, {@code q = D·x}: cyclic coordinate updates by soft-thresholding, starting
 * from w = 0 (sklearn builds a fresh {@code Lasso} for every call, so there is no warm start),
 * stopping when the largest coordinate change of a sweep is below {@value #TOL} times the
 * largest coefficient <em>and</em> the duality gap is below {@value #TOL}·‖x‖², or after
 * {@code maxIter} sweeps. sklearn scales α by {@code 1 / n_features} for its {@code Lasso}
 * objective and the solver multiplies it back; {@link #l1Penalty} reproduces that rounding.
 *
 * <p>Products are BLAS ({@code Q} and all {@code q} in two dgemm calls); the per-sample solves
 * work on k-vectors only.
 */
public final class LassoCd {
  /** sklearn's {@code Lasso(tol=1e-4)}: relative coordinate-change and duality-gap tolerance. */
  public static final double TOL = 1e-4;

  /** sklearn's default {@code max_iter} for the Lasso inside {@code sparse_encode}. */
  public static final int DEFAULT_MAX_ITER = 1000;

  private LassoCd() {}

  /**
   * Codes of every row of {@code x} against {@code dictionary} (sklearn's {@code sparse_encode}
   * with {@code algorithm='lasso_cd'}).
   *
   * @param x samples × n_features
   * @param dictionary k × n_features, atoms as rows
   * @param alpha penalty on the L1 norm of each code, &gt; 0
   * @param maxIter maximum coordinate-descent sweeps per sample
   * @return codes, samples × k
   */
  public static Matrix sparseEncode(Matrix x, Matrix dictionary, double alpha, int maxIter) {
    if (x.cols() != dictionary.cols()) {
      throw new IllegalArgumentException("data has " + x.cols() + " features, dictionary "
          + dictionary.cols());
    }
    int samples = x.rows();
    int nf = x.cols();
    int k = dictionary.rows();
    double[] gram = gram(dictionary);
    double[] cov = new double[samples * k];
    Blas.gemm(false, true, samples, k, nf, 1.0, x.data(), dictionary.data(), 0.0, cov);
    double[] yNorm2 = new double[samples];
    for (int s = 0; s < samples; s++) {
      double acc = 0;
      for (int f = 0; f < nf; f++) {
        double v = x.data()[s * nf + f];
        acc += v * v;
      }
      yNorm2[s] = acc;
    }
    double[] code = new double[samples * k];
    encodeRows(gram, k, cov, yNorm2, l1Penalty(alpha, nf), maxIter, code, false);
    return new Matrix(samples, k, code);
  }

  /** {@code D·Dᵀ} (k × k, row-major) of a dictionary with atoms as rows. */
  static double[] gram(Matrix dictionary) {
    int k = dictionary.rows();
    double[] g = new double[k * k];
    Blas.gemm(false, true, k, k, dictionary.cols(), 1.0, dictionary.data(), dictionary.data(), 0.0,
        g);
    return g;
  }

  /**
   * The L1 weight the solver sees: sklearn divides α by {@code n_features} for its {@code Lasso}
   * and {@code enet_path} multiplies by the number of rows of {@code Dᵀ}, also n_features.
   */
  static double l1Penalty(double alpha, int nFeatures) {
    return alpha / nFeatures * nFeatures;
  }

  /**
   * Solves one Lasso per row: row r's code goes to {@code code[r·k .. r·k+k)}, which is reset
   * to zero first. Rows are independent, so the parallel run gives the same numbers.
   *
   * @param gram k × k Gram matrix of the dictionary
   * @param cov rows × k, row r = D·x_r
   * @param yNorm2 ‖x_r‖² per row
   */
  static void encodeRows(double[] gram, int k, double[] cov, double[] yNorm2, double l1,
      int maxIter, double[] code, boolean parallel) {
    int rows = yNorm2.length;
    IntStream range = IntStream.range(0, rows);
    if (parallel) {
      range = range.parallel();
    }
    range.forEach(r -> {
      java.util.Arrays.fill(code, r * k, r * k + k, 0.0);
      solve(gram, k, cov, r * k, yNorm2[r], l1, maxIter, code, r * k, new double[k]);
    });
  }

  /**
   * One Lasso by cyclic coordinate descent on the Gram matrix, updating {@code w} in place from
   * its current value (sklearn's {@code enet_coordinate_descent_gram} with {@code beta = 0},
   * {@code positive = false}, {@code selection='cyclic'}).
   *
   * @param gram Q = D·Dᵀ, k × k
   * @param qv q = D·x at {@code qv[qOff .. qOff+k)}
   * @param w the code at {@code w[wOff .. wOff+k)}
   * @param h scratch of length k (holds Q·w)
   * @return the number of sweeps made
   */
  static int solve(double[] gram, int k, double[] qv, int qOff, double yNorm2, double l1,
      int maxIter, double[] w, int wOff, double[] h) {
    for (int i = 0; i < k; i++) {
      double acc = 0;
      for (int j = 0; j < k; j++) {
        acc += gram[i * k + j] * w[wOff + j];
      }
      h[i] = acc;
    }
    double gapTol = TOL * yNorm2;
    int iter = 0;
    for (; iter < maxIter; iter++) {
      double wMax = 0;
      double dwMax = 0;
      for (int ii = 0; ii < k; ii++) {
        double qii = gram[ii * k + ii];
        if (qii == 0.0) {
          continue;
        }
        double old = w[wOff + ii];
        if (old != 0.0) {
          axpy(k, -old, gram, ii * k, h);
        }
        double tmp = qv[qOff + ii] - h[ii];
        double nw = Math.signum(tmp) * Math.max(Math.abs(tmp) - l1, 0.0) / qii;
        w[wOff + ii] = nw;
        if (nw != 0.0) {
          axpy(k, nw, gram, ii * k, h);
        }
        dwMax = Math.max(dwMax, Math.abs(nw - old));
        wMax = Math.max(wMax, Math.abs(nw));
      }
      if (wMax == 0.0 || dwMax / wMax < TOL || iter == maxIter - 1) {
        if (dualityGap(k, qv, qOff, h, w, wOff, yNorm2, l1) < gapTol) {
          return iter + 1;
        }
      }
    }
    return iter;
  }

  /** The Lasso duality gap at w (with h = Q·w), as cd_fast computes it for beta = 0. */
  private static double dualityGap(int k, double[] qv, int qOff, double[] h, double[] w, int wOff,
      double yNorm2, double l1) {
    double qDotW = 0;
    double dualNorm = 0;
    double wQw = 0;
    double l1Norm = 0;
    for (int i = 0; i < k; i++) {
      double wi = w[wOff + i];
      qDotW += wi * qv[qOff + i];
      dualNorm = Math.max(dualNorm, Math.abs(qv[qOff + i] - h[i]));
      wQw += wi * h[i];
      l1Norm += Math.abs(wi);
    }
    double rNorm2 = yNorm2 + wQw - 2.0 * qDotW;
    double gap;
    double c;
    if (dualNorm > l1) {
      c = l1 / dualNorm;
      gap = 0.5 * (rNorm2 + rNorm2 * c * c);
    } else {
      c = 1.0;
      gap = rNorm2;
    }
    return gap + l1 * l1Norm - c * yNorm2 + c * qDotW;
  }

  private static void axpy(int n, double a, double[] x, int xOff, double[] y) {
    for (int i = 0; i < n; i++) {
      y[i] += a * x[xOff + i];
    }
  }
}
