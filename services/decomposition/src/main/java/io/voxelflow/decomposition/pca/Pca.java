package io.voxelflow.decomposition.pca;

import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.numerics.LapackHealth;
import io.voxelflow.numerics.Linalg;
import io.voxelflow.numerics.Matrix;
import io.voxelflow.numerics.RandomizedSvd;
import java.util.Arrays;

/**
 * scikit-learn 1.2's {@code PCA(n_components, svd_solver, random_state).fit(x)} on a samples ×
 * features matrix: centre each feature, then a thin SVD of the centred data.
 *
 * <ul>
 *   <li>{@link Solver#FULL}: exact LAPACK SVD ({@link Linalg#svd}), signs by {@code svd_flip} on U;
 *       the explained-variance ratio divides by the sum of all squared singular values.
 *   <li>{@link Solver#RANDOMIZED}: {@link RandomizedSvd} with sklearn's defaults (10 oversamples,
 *       {@code n_iter="auto"}, LU normaliser); the ratio divides by the total (ddof 1) variance.
 *   <li>{@link Solver#AUTO}: FULL if {@code max(shape) ≤ 500}, RANDOMIZED if
 *       {@code 1 ≤ n_components < 0.8 · min(shape)}, FULL otherwise (sklearn 1.2's rule).
 * </ul>
 */
public final class Pca {

  /** The SVD solver, as sklearn's {@code svd_solver}. */
  public enum Solver {
    /** sklearn 1.2's automatic choice (see the class documentation). */
    AUTO,
    /** Exact SVD. */
    FULL,
    /** Randomized truncated SVD. */
    RANDOMIZED
  }

  private Pca() {}

  /**
   * Fits a PCA.
   *
   * @param x samples × features (not modified)
   * @param nComponents number of components, 1 ≤ nComponents ≤ min(samples, features)
   * @param solver the SVD solver
   * @param seed seed of the randomized solver (unused by the exact one)
   * @throws InvalidArgumentException {@code TOO_MANY_COMPONENTS} when nComponents exceeds
   *     min(samples, features), {@code INVALID_N_COMPONENTS} when it is below 1
   */
  public static PcaResult fit(Matrix x, int nComponents, Solver solver, long seed) {
    LapackHealth.requireHealthy();
    requireComponents(nComponents, x.rows(), x.cols());
    Solver used = resolve(solver, nComponents, x.rows(), x.cols());
    double[] mean = columnMeans(x);
    Matrix xc = centred(x, mean);
    return used == Solver.FULL ? fitFull(xc, nComponents, mean) : fitRandomized(xc, nComponents, mean, seed);
  }

  /** sklearn 1.2's {@code svd_solver="auto"} rule for an n × p matrix. */
  public static Solver resolve(Solver solver, int nComponents, int n, int p) {
    if (solver != Solver.AUTO) {
      return solver;
    }
    if (Math.max(n, p) <= 500) {
      return Solver.FULL;
    }
    return nComponents >= 1 && nComponents < 0.8 * Math.min(n, p) ? Solver.RANDOMIZED : Solver.FULL;
  }

  private static PcaResult fitFull(Matrix xc, int k, double[] mean) {
    int n = xc.rows();
    Linalg.Svd svd = Linalg.svd(xc);
    RandomizedSvd.flipSigns(svd.u(), svd.vt(), true);
    double[] ev = new double[svd.s().length];
    double total = 0;
    for (int i = 0; i < ev.length; i++) {
      ev[i] = svd.s()[i] * svd.s()[i] / (n - 1);
      total += ev[i];
    }
    double noise = 0;
    if (k < ev.length) {
      for (int i = k; i < ev.length; i++) {
        noise += ev[i];
      }
      noise /= ev.length - k;
    }
    return new PcaResult(firstRows(svd.vt(), k), Arrays.copyOf(ev, k), ratios(Arrays.copyOf(ev, k), total),
        Arrays.copyOf(svd.s(), k), mean, noise, n, Solver.FULL);
  }

  private static PcaResult fitRandomized(Matrix xc, int k, double[] mean, long seed) {
    int n = xc.rows();
    Linalg.Svd svd = RandomizedSvd.decompose(xc, k, seed);
    double[] ev = new double[k];
    double sum = 0;
    for (int i = 0; i < k; i++) {
      ev[i] = svd.s()[i] * svd.s()[i] / (n - 1);
      sum += ev[i];
    }
    double total = sumOfSquares(xc) / (n - 1);
    int min = Math.min(n, xc.cols());
    double noise = k < min ? (total - sum) / (min - k) : 0;
    return new PcaResult(svd.vt(), ev, ratios(ev, total), svd.s(), mean, noise, n, Solver.RANDOMIZED);
  }

  static void requireComponents(int k, int n, int p) {
    if (k < 1) {
      throw new InvalidArgumentException("INVALID_N_COMPONENTS", "n_components must be ≥ 1, got " + k);
    }
    if (k > Math.min(n, p)) {
      throw new InvalidArgumentException("TOO_MANY_COMPONENTS", "n_components = " + k
          + " exceeds min(samples, features) = min(" + n + ", " + p + ") = " + Math.min(n, p));
    }
  }

  /** Per-column means of a samples × features matrix. */
  static double[] columnMeans(Matrix x) {
    int p = x.cols();
    double[] m = new double[p];
    double[] d = x.data();
    for (int i = 0; i < x.rows(); i++) {
      int o = i * p;
      for (int j = 0; j < p; j++) {
        m[j] += d[o + j];
      }
    }
    for (int j = 0; j < p; j++) {
      m[j] /= x.rows();
    }
    return m;
  }

  /** {@code x − mean} (row-wise broadcast), a new matrix. */
  static Matrix centred(Matrix x, double[] mean) {
    int p = x.cols();
    double[] d = x.data().clone();
    for (int i = 0; i < x.rows(); i++) {
      int o = i * p;
      for (int j = 0; j < p; j++) {
        d[o + j] -= mean[j];
      }
    }
    return new Matrix(x.rows(), p, d);
  }

  static double sumOfSquares(Matrix x) {
    double s = 0;
    for (double v : x.data()) {
      s += v * v;
    }
    return s;
  }

  static double[] ratios(double[] ev, double total) {
    double[] r = new double[ev.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = ev[i] / total;
    }
    return r;
  }

  static Matrix firstRows(Matrix m, int k) {
    return new Matrix(k, m.cols(), Arrays.copyOf(m.data(), k * m.cols()));
  }
}
