package io.voxelflow.numerics;

import java.util.SplittableRandom;

/**
 * Truncated randomized SVD (Halko, Martinsson and Tropp 2011, "Finding structure with randomness",
 * SIAM Review 53(2); algorithm 4.4 with the power-iteration normalisers of Szlam et al. 2014), with
 * scikit-learn 1.2's {@code sklearn.utils.extmath.randomized_svd} semantics:
 *
 * <ol>
 *   <li>{@code n_random = n_components + n_oversamples} (default 10) Gaussian test vectors;
 *   <li>{@code n_iter = "auto"}: 7 power iterations when {@code n_components < 0.1 · min(shape)},
 *       else 4;
 *   <li>power-iteration normaliser {@code "auto"}: none when {@code n_iter ≤ 2}, else LU
 *       ({@code scipy.linalg.lu(…, permute_l=True)}); QR is available;
 *   <li>{@code transpose = "auto"}: work on {@code Mᵀ} when M has fewer rows than columns (never
 *       materialised here: the BLAS calls transpose);
 *   <li>the range basis {@code Q} (thin QR of {@code M·Ω}), {@code B = Qᵀ·M}, exact SVD of B
 *       ({@link Linalg#svd}), {@code U = Q·Û};
 *   <li>{@code svd_flip}: the largest-magnitude entry of every left singular vector of M is positive
 *       (decided on U of M whether or not the work was transposed, as sklearn does).
 * </ol>
 *
 * <p>Must agree with {@link Linalg#svd} truncated to {@code n_components} (singular values, and
 * vectors up to the sign convention) on matrices whose spectrum decays past {@code n_components};
 * {@code RandomizedSvdTest} holds them together. Results are deterministic for a given seed, but not
 * bit-identical to numpy's RNG (the test vectors come from {@link SplittableRandom}).
 *
 * <p>All products of the (large) input with thin matrices go through BLAS dgemm on one off-heap
 * copy of the input ({@link DirectMatrix}); it is never transposed in memory.
 */
public final class RandomizedSvd {

  /** How power iterations re-normalise the sampled basis. */
  public enum Normalizer {
    /** sklearn's {@code "auto"}: {@link #NONE} for at most 2 iterations, else {@link #LU}. */
    AUTO,
    /** No normalisation (fast, loses precision when the spectrum decays fast). */
    NONE,
    /** The permuted L factor of an LU decomposition. */
    LU,
    /** The Q factor of a thin QR decomposition (most accurate, slowest). */
    QR
  }

  /** Whether to run the algorithm on the transpose. */
  public enum Transpose {
    /** sklearn's {@code "auto"}: transpose when rows &lt; cols. */
    AUTO,
    /** Always on the transpose. */
    YES,
    /** Never. */
    NO
  }

  /**
   * Parameters of {@link #decompose}.
   *
   * @param nOversamples extra random vectors beyond {@code nComponents} (sklearn default 10)
   * @param nIter power iterations, or −1 for sklearn's {@code "auto"} rule
   * @param normalizer power-iteration normaliser
   * @param transpose whether to work on the transpose
   * @param flipSign apply {@code svd_flip} (sklearn default true)
   * @param seed seed of the Gaussian test matrix
   */
  public record Options(int nOversamples, int nIter, Normalizer normalizer, Transpose transpose,
      boolean flipSign, long seed) {

    public Options {
      if (nOversamples < 0 || nIter < -1) {
        throw new IllegalArgumentException(
            "nOversamples must be ≥ 0 and nIter ≥ 0 (or −1 for auto), got " + nOversamples + ", " + nIter);
      }
    }

    /** sklearn's defaults: 10 oversamples, auto iterations, auto normaliser, auto transpose, flip. */
    public static Options defaults(long seed) {
      return new Options(10, -1, Normalizer.AUTO, Transpose.AUTO, true, seed);
    }

    /** A copy with {@code nIter} power iterations (−1: auto). */
    public Options withNIter(int n) {
      return new Options(nOversamples, n, normalizer, transpose, flipSign, seed);
    }

    /** A copy with the given transpose rule. */
    public Options withTranspose(Transpose t) {
      return new Options(nOversamples, nIter, normalizer, t, flipSign, seed);
    }

    /** A copy with the given normaliser. */
    public Options withNormalizer(Normalizer n) {
      return new Options(nOversamples, nIter, n, transpose, flipSign, seed);
    }
  }

  private RandomizedSvd() {}

  /** {@code randomized_svd(m, nComponents)} with sklearn's defaults and the given seed. */
  public static Linalg.Svd decompose(Matrix m, int nComponents, long seed) {
    return decompose(m, false, nComponents, Options.defaults(seed));
  }

  /**
   * The rank-{@code nComponents} randomized SVD {@code M ≈ U · diag(s) · Vᵀ} of {@code M = x} (or of
   * {@code M = xᵀ} when {@code xIsTransposed}, without forming it).
   *
   * @param x the stored matrix
   * @param xIsTransposed decompose {@code xᵀ} instead of x
   * @param nComponents number of singular triplets, 1 ≤ nComponents ≤ min(shape)
   * @return U (rows(M) × nComponents), s (descending), Vᵀ (nComponents × cols(M))
   */
  public static Linalg.Svd decompose(Matrix x, boolean xIsTransposed, int nComponents, Options options) {
    int rows = xIsTransposed ? x.cols() : x.rows();
    int cols = xIsTransposed ? x.rows() : x.cols();
    if (nComponents < 1 || nComponents > Math.min(rows, cols)) {
      throw new IllegalArgumentException("nComponents must be between 1 and min(shape) = "
          + Math.min(rows, cols) + " for a " + rows + " × " + cols + " matrix, got " + nComponents);
    }
    int nIter = options.nIter() >= 0 ? options.nIter() : autoIterations(nComponents, rows, cols);
    boolean transpose = switch (options.transpose()) {
      case AUTO -> rows < cols;
      case YES -> true;
      case NO -> false;
    };
    // A is the matrix the algorithm works on: M or Mᵀ. A = op(x) with op a transpose iff aT.
    Operator a = new Operator(x, xIsTransposed ^ transpose);
    Matrix q = rangeFinder(a, nComponents + options.nOversamples(), nIter, options.normalizer(), options.seed());
    Matrix b = a.leftTimes(q);                       // Qᵀ·A, p × cols(A)
    Linalg.Svd small = Linalg.svd(b);
    Matrix u = Linalg.gemm(q, false, small.u(), false); // rows(A) × p
    Matrix vt = small.vt();
    if (options.flipSign()) {
      // decided on the left singular vectors of M: columns of u when A = M, rows of vt when A = Mᵀ
      flipSigns(u, vt, !transpose);
    }
    double[] s = java.util.Arrays.copyOf(small.s(), nComponents);
    if (transpose) {
      return new Linalg.Svd(firstRows(vt, nComponents).transpose(), s, firstColumns(u, nComponents).transpose());
    }
    return new Linalg.Svd(firstColumns(u, nComponents), s, firstRows(vt, nComponents));
  }

  /** sklearn's {@code n_iter="auto"}: 7 if {@code nComponents < 0.1 · min(rows, cols)}, else 4. */
  public static int autoIterations(int nComponents, int rows, int cols) {
    return nComponents < 0.1 * Math.min(rows, cols) ? 7 : 4;
  }

  /**
   * sklearn's {@code randomized_range_finder}: an orthonormal basis (rows(A) × ≤ size) whose span
   * approximates the range of A, from {@code size} Gaussian vectors and {@code nIter} normalised
   * power iterations.
   */
  static Matrix rangeFinder(Operator a, int size, int nIter, Normalizer normalizer, long seed) {
    Matrix q = gaussian(a.cols(), size, seed);
    Normalizer n = normalizer == Normalizer.AUTO ? (nIter <= 2 ? Normalizer.NONE : Normalizer.LU) : normalizer;
    for (int i = 0; i < nIter; i++) {
      q = normalise(a.times(q), n);
      q = normalise(a.transposeTimes(q), n);
    }
    return Linalg.qr(a.times(q)).q();
  }

  private static Matrix normalise(Matrix y, Normalizer n) {
    return switch (n) {
      case NONE, AUTO -> y;
      case LU -> Linalg.lu(y).permutedL();
      case QR -> Linalg.qr(y).q();
    };
  }

  /** A rows × cols matrix of independent standard normal values, filled row by row. */
  static Matrix gaussian(int rows, int cols, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] d = new double[Math.multiplyExact(rows, cols)];
    for (int i = 0; i < d.length; i++) {
      d[i] = rnd.nextGaussian();
    }
    return new Matrix(rows, cols, d);
  }

  /**
   * sklearn's {@code svd_flip}, in place: with {@code uBased}, every column j of u is made to have
   * its largest-magnitude entry (the first one on ties) positive, and row j of vt follows; otherwise
   * every row of vt decides and the column of u follows. A zero deciding entry leaves the pair as it
   * is (numpy would zero it out).
   */
  public static void flipSigns(Matrix u, Matrix vt, boolean uBased) {
    int k = Math.min(u.cols(), vt.rows());
    for (int j = 0; j < k; j++) {
      double decider = uBased ? maxAbsEntry(u.column(j)) : maxAbsEntry(vt.row(j));
      if (decider < 0) {
        negateColumn(u, j);
        negateRow(vt, j);
      }
    }
  }

  /** The entry of largest magnitude (the first on ties), with its sign. */
  static double maxAbsEntry(double[] v) {
    double best = 0;
    double bestAbs = -1;
    for (double x : v) {
      double ax = Math.abs(x);
      if (ax > bestAbs) {
        bestAbs = ax;
        best = x;
      }
    }
    return best;
  }

  private static void negateColumn(Matrix m, int j) {
    for (int i = 0; i < m.rows(); i++) {
      m.data()[i * m.cols() + j] = -m.data()[i * m.cols() + j];
    }
  }

  private static void negateRow(Matrix m, int i) {
    for (int j = 0; j < m.cols(); j++) {
      m.data()[i * m.cols() + j] = -m.data()[i * m.cols() + j];
    }
  }

  static Matrix firstColumns(Matrix m, int k) {
    if (k == m.cols()) {
      return m;
    }
    double[] d = new double[m.rows() * k];
    for (int i = 0; i < m.rows(); i++) {
      System.arraycopy(m.data(), i * m.cols(), d, i * k, k);
    }
    return new Matrix(m.rows(), k, d);
  }

  static Matrix firstRows(Matrix m, int k) {
    if (k == m.rows()) {
      return m;
    }
    return new Matrix(k, m.cols(), java.util.Arrays.copyOf(m.data(), k * m.cols()));
  }

  /**
   * {@code A = op(x)}, op a transpose when {@code t}: products with A without forming it. x is
   * copied off-heap once, so the BLAS calls of the power iterations do not copy it again.
   */
  static final class Operator {
    private final DirectMatrix x;
    private final boolean t;

    Operator(Matrix x, boolean t) {
      this.x = DirectMatrix.of(x);
      this.t = t;
    }

    int rows() {
      return t ? x.cols() : x.rows();
    }

    int cols() {
      return t ? x.rows() : x.cols();
    }

    /** {@code A · y}. */
    Matrix times(Matrix y) {
      return DirectMatrix.gemm(x, t, y, false);
    }

    /** {@code Aᵀ · y}. */
    Matrix transposeTimes(Matrix y) {
      return DirectMatrix.gemm(x, !t, y, false);
    }

    /** {@code qᵀ · A}, computed as {@code (Aᵀ · q)ᵀ}. */
    Matrix leftTimes(Matrix q) {
      return transposeTimes(q).transpose();
    }
  }
}
