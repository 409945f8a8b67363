package io.voxelflow.decomposition.canica;

import io.voxelflow.numerics.DirectMatrix;
import io.voxelflow.numerics.Linalg;
import io.voxelflow.numerics.Matrix;
import java.util.SplittableRandom;

/**
 * scikit-learn 1.2's {@code fastica(x, whiten="arbitrary-variance", fun="cube",
 * algorithm="parallel", whiten_solver="svd")}, the call nilearn's CanICA makes (Hyvärinen and Oja
 * 2000, "Independent component analysis: algorithms and applications", Neural Networks 13).
 *
 * <ol>
 *   <li>Whitening of the samples × features input (features = components here): centre each
 *       feature; thin SVD {@code Xcᵀ = u · diag(d) · …}; columns of u signed so that u's first row is
 *       non-negative; {@code K = diag(1/d) · uᵀ}; {@code X1 = K · Xcᵀ · √samples}.
 *   <li>Parallel fixed point with {@code g(y) = y³}, {@code g'(y) = 3y²}:
 *       {@code W ← sym(g(W·X1)·X1ᵀ / samples − diag(mean g'(W·X1)) · W)} where
 *       {@code sym(W) = (W·Wᵀ)^{-1/2} · W}, from {@code sym(w_init)} with a standard normal
 *       {@code w_init}; stops when {@code max |(|diag(W_new · Wᵀ)| − 1)| < tol} or after maxIter.
 *   <li>Sources {@code S = (W · K · Xcᵀ)ᵀ}, samples × components.
 * </ol>
 *
 * <p>Products with the samples dimension (voxels, large) are BLAS dgemm calls; the rest is
 * components × components. Deterministic for a seed, not bit-identical to numpy's RNG.
 */
public final class FastIca {

  /** sklearn's default tolerance. */
  public static final double DEFAULT_TOL = 1e-4;
  /** sklearn's default iteration limit. */
  public static final int DEFAULT_MAX_ITER = 200;

  /**
   * A FastICA run.
   *
   * @param sources estimated sources, samples × components
   * @param unmixing the rotation W found in the whitened space, components × components
   * @param whitening K, components × features
   * @param iterations fixed-point iterations run
   * @param converged whether the tolerance was reached before maxIter
   */
  public record Result(Matrix sources, Matrix unmixing, Matrix whitening, int iterations, boolean converged) {}

  private FastIca() {}

  /**
   * Runs FastICA with as many components as features.
   *
   * @param x samples × features, samples ≥ 2 (not modified)
   * @param seed seed of {@code w_init}
   * @param maxIter iteration limit (sklearn 200)
   * @param tol convergence tolerance (sklearn 1e-4)
   */
  public static Result fit(Matrix x, long seed, int maxIter, double tol) {
    return whiten(x).run(seed, maxIter, tol);
  }

  /**
   * The whitening step alone (centring, SVD, {@code K}, {@code X1}), which does not depend on the
   * seed: restarts share it and differ only in {@code w_init}.
   *
   * @param x samples × features, samples ≥ 2 (not modified)
   */
  public static Whitened whiten(Matrix x) {
    int samples = x.rows();
    int k = Math.min(samples, x.cols());
    Matrix xct = centredTranspose(x);                      // features × samples
    Matrix whitening = whitening(Linalg.svd(xct), k);      // k × features
    DirectMatrix x1 = DirectMatrix.of(Linalg.gemm(whitening, false, xct, false).scale(Math.sqrt(samples)));
    return new Whitened(x1, whitening, k, samples);
  }

  /**
   * Whitened data {@code X1 = K · Xcᵀ · √samples} (k × samples, off-heap) and {@code K}; {@link
   * #run} may be called from several threads at once.
   */
  public static final class Whitened {
    private final DirectMatrix x1;
    private final Matrix whitening;
    private final int k;
    private final int samples;

    private Whitened(DirectMatrix x1, Matrix whitening, int k, int samples) {
      this.x1 = x1;
      this.whitening = whitening;
      this.k = k;
      this.samples = samples;
    }

    /** The parallel fixed-point iteration from a seeded {@code w_init}, then the sources. */
    public Result run(long seed, int maxIter, double tol) {
      return iterate(x1, whitening, k, samples, seed, maxIter, tol);
    }
  }

  private static Result iterate(DirectMatrix x1, Matrix whitening, int k, int samples, long seed, int maxIter,
      double tol) {
    // X1 and W·X1 (k × samples) stay off-heap: the iteration's two products and the cube copy
    // nothing larger than k × k
    DirectMatrix wx = DirectMatrix.zeros(k, samples);
    DirectMatrix gx = DirectMatrix.zeros(k, k);
    Matrix w = symmetricDecorrelation(gaussian(k, seed));
    int it = 0;
    boolean converged = false;
    while (it < maxIter) {
      it++;
      DirectMatrix.gemm(1.0, DirectMatrix.of(w), false, x1, false, 0.0, wx);   // W · X1
      double[] meanDerivative = cubeInPlace(wx.buffer(), k, samples);        // g = y³; mean 3y² per row
      DirectMatrix.gemm(1.0 / samples, wx, false, x1, true, 0.0, gx);        // g(W·X1) · X1ᵀ / samples
      Matrix w1 = gx.toMatrix();
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
          w1.data()[i * k + j] -= meanDerivative[i] * w.data()[i * k + j];
        }
      }
      w1 = symmetricDecorrelation(w1);
      double lim = 0;
      for (int i = 0; i < k; i++) {
        double d = 0;
        for (int j = 0; j < k; j++) {
          d += w1.data()[i * k + j] * w.data()[i * k + j];
        }
        lim = Math.max(lim, Math.abs(Math.abs(d) - 1));
      }
      w = w1;
      if (lim < tol) {
        converged = true;
        break;
      }
    }
    // S = (W · K · Xcᵀ)ᵀ = (W · X1)ᵀ / √samples
    DirectMatrix.gemm(1.0 / Math.sqrt(samples), DirectMatrix.of(w), false, x1, false, 0.0, wx);
    Matrix sources = wx.toMatrix().transpose();                              // samples × k
    return new Result(sources, w, whitening, it, converged);
  }

  /** {@code (x − column means)ᵀ}, features × samples. */
  static Matrix centredTranspose(Matrix x) {
    Matrix t = x.transpose();
    int n = t.cols();
    for (int i = 0; i < t.rows(); i++) {
      double m = 0;
      for (int j = 0; j < n; j++) {
        m += t.data()[i * n + j];
      }
      m /= n;
      for (int j = 0; j < n; j++) {
        t.data()[i * n + j] -= m;
      }
    }
    return t;
  }

  /** sklearn's {@code K = (u / d).T[:k]} after {@code u *= sign(u[0])}. */
  static Matrix whitening(Linalg.Svd svd, int k) {
    Matrix u = svd.u();
    int f = u.rows();
    int r = u.cols();
    Matrix kMat = Matrix.zeros(k, f);
    for (int c = 0; c < k; c++) {
      double sign = Math.signum(u.get(0, c));
      if (sign == 0) {
        sign = 1;
      }
      double scale = sign / svd.s()[c];
      for (int i = 0; i < f; i++) {
        kMat.data()[c * f + i] = u.data()[i * r + c] * scale;
      }
    }
    return kMat;
  }

  /** {@code (W·Wᵀ)^{-1/2} · W}, eigenvalues clipped at the smallest positive double. */
  static Matrix symmetricDecorrelation(Matrix w) {
    Linalg.SymmetricEigen e = Linalg.eigh(Linalg.gemm(w, false, w, true));
    Matrix invSqrt = e.map(v -> 1.0 / Math.sqrt(Math.max(v, Double.MIN_NORMAL)));
    return Linalg.gemm(invSqrt, false, w, false);
  }

  /** Cubes every entry of a rows × cols buffer in place; returns per row the mean of {@code 3·y²}. */
  private static double[] cubeInPlace(java.nio.DoubleBuffer d, int rows, int cols) {
    double[] mean = new double[rows];
    for (int i = 0; i < rows; i++) {
      double s = 0;
      int o = i * cols;
      for (int j = o; j < o + cols; j++) {
        double v = d.get(j);
        double v2 = v * v;
        s += v2;
        d.put(j, v2 * v);
      }
      mean[i] = 3 * s / cols;
    }
    return mean;
  }

  private static Matrix gaussian(int k, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] d = new double[k * k];
    for (int i = 0; i < d.length; i++) {
      d[i] = rnd.nextGaussian();
    }
    return new Matrix(k, k, d);
  }
}
