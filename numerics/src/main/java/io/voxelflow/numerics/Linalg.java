package io.voxelflow.numerics;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.LAPACK_ROW_MAJOR;

import org.bytedeco.openblas.global.openblas;

/**
 * Dense double-precision linear algebra through the BLAS and LAPACK that ND4J's CPU backend loads
 * (OpenBLAS via JavaCPP): {@code dgemm}, {@code dsyevd}, {@code dgesdd}, {@code dgetrf}/{@code dgetri},
 * {@code dpotrf}, {@code dgeqrf}/{@code dorgqr}. Row-major throughout ({@link Matrix}). Inputs are never
 * modified.
 *
 * <p>Failures of a routine (a singular matrix, no convergence) throw {@link ArithmeticException}
 * naming the routine and LAPACK's {@code info}.
 */
public final class Linalg {

  static {
    // ND4J's backend loads OpenBLAS and sets its thread count; make sure it is initialised first.
    Nd4jRuntime.ensureLoaded();
  }

  private Linalg() {}

  /** {@code op(a) · op(b)} with {@code op} a transpose when the flag is set (BLAS dgemm). */
  public static Matrix gemm(Matrix a, boolean transA, Matrix b, boolean transB) {
    int m = transA ? a.cols() : a.rows();
    int k = transA ? a.rows() : a.cols();
    int kb = transB ? b.cols() : b.rows();
    int n = transB ? b.rows() : b.cols();
    if (k != kb) {
      throw new IllegalArgumentException("inner dimensions differ: " + k + " vs " + kb);
    }
    Matrix c = Matrix.zeros(m, n);
    if (m == 0 || n == 0 || k == 0) {
      return c;
    }
    openblas.cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        m, n, k, 1.0, a.data(), a.cols(), b.data(), b.cols(), 0.0, c.data(), n);
    return c;
  }

  /** Eigen-decomposition of a symmetric matrix (LAPACK dsyevd on its lower triangle). */
  public static SymmetricEigen eigh(Matrix a) {
    a.requireSquare();
    int n = a.rows();
    double[] v = a.data().clone();
    double[] w = new double[n];
    if (n > 0) {
      int info = openblas.LAPACKE_dsyevd(LAPACK_ROW_MAJOR, (byte) 'V', (byte) 'L', n, v, n, w);
      check("dsyevd", info);
    }
    return new SymmetricEigen(w, new Matrix(n, n, v));
  }

  /**
   * Thin singular value decomposition {@code a = U · diag(s) · Vᵀ} (LAPACK dgesdd, divide and conquer),
   * with {@code k = min(rows, cols)}: U is rows × k, s descending, Vᵀ is k × cols.
   */
  public static Svd svd(Matrix a) {
    int m = a.rows();
    int n = a.cols();
    int k = Math.min(m, n);
    double[] work = a.data().clone();
    double[] s = new double[k];
    double[] u = new double[m * k];
    double[] vt = new double[k * n];
    if (k > 0) {
      int info = openblas.LAPACKE_dgesdd(LAPACK_ROW_MAJOR, (byte) 'S', m, n, work, n, s, u, k, vt, n);
      check("dgesdd", info);
    }
    return new Svd(new Matrix(m, k, u), s, new Matrix(k, n, vt));
  }

  /** The inverse of a square matrix (LAPACK dgetrf + dgetri); singular matrices throw. */
  public static Matrix inverse(Matrix a) {
    a.requireSquare();
    int n = a.rows();
    double[] lu = a.data().clone();
    if (n == 0) {
      return new Matrix(0, 0, lu);
    }
    int[] ipiv = new int[n];
    check("dgetrf", openblas.LAPACKE_dgetrf(LAPACK_ROW_MAJOR, n, n, lu, n, ipiv));
    check("dgetri", openblas.LAPACKE_dgetri(LAPACK_ROW_MAJOR, n, lu, n, ipiv));
    return new Matrix(n, n, lu);
  }

  /**
   * The lower Cholesky factor L of a symmetric positive-definite matrix ({@code a = L · Lᵀ}, LAPACK
   * dpotrf); a matrix that is not positive definite throws.
   */
  public static Matrix cholesky(Matrix a) {
    a.requireSquare();
    int n = a.rows();
    double[] l = a.data().clone();
    if (n > 0) {
      check("dpotrf", openblas.LAPACKE_dpotrf(LAPACK_ROW_MAJOR, (byte) 'L', n, l, n));
    }
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        l[i * n + j] = 0;
      }
    }
    return new Matrix(n, n, l);
  }

  /**
   * Thin (economic) QR decomposition {@code a = Q · R} (LAPACK dgeqrf + dorgqr), as
   * {@code scipy.linalg.qr(a, mode="economic")}: with {@code k = min(rows, cols)}, Q is rows × k with
   * orthonormal columns and R is k × cols, upper triangular (trapezoidal when wide).
   */
  public static Qr qr(Matrix a) {
    int m = a.rows();
    int n = a.cols();
    int k = Math.min(m, n);
    if (k == 0) {
      return new Qr(Matrix.zeros(m, 0), Matrix.zeros(0, n));
    }
    double[] f = a.data().clone();
    double[] tau = new double[k];
    check("dgeqrf", openblas.LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, m, n, f, n, tau));
    double[] r = new double[k * n];
    for (int i = 0; i < k; i++) {
      System.arraycopy(f, i * n + i, r, i * n + i, n - i);
    }
    double[] q = new double[m * k];
    for (int i = 0; i < m; i++) {
      System.arraycopy(f, i * n, q, i * k, k);
    }
    check("dorgqr", openblas.LAPACKE_dorgqr(LAPACK_ROW_MAJOR, m, k, k, q, k, tau));
    return new Qr(new Matrix(m, k, q), new Matrix(k, n, r));
  }

  /**
   * LU decomposition with partial pivoting {@code a = P · L · U} (LAPACK dgetrf), as
   * {@code scipy.linalg.lu(a)}: with {@code k = min(rows, cols)}, L is rows × k, unit lower
   * triangular (trapezoidal when tall), U is k × cols, upper triangular. A singular matrix is
   * factorised too (U then has a zero on its diagonal), as scipy does; only illegal arguments throw.
   */
  public static Lu lu(Matrix a) {
    int m = a.rows();
    int n = a.cols();
    int k = Math.min(m, n);
    int[] perm = new int[m];
    for (int i = 0; i < m; i++) {
      perm[i] = i;
    }
    if (k == 0) {
      return new Lu(perm, Matrix.zeros(m, 0), Matrix.zeros(0, n));
    }
    double[] f = a.data().clone();
    int[] ipiv = new int[k];
    int info = openblas.LAPACKE_dgetrf(LAPACK_ROW_MAJOR, m, n, f, n, ipiv);
    if (info < 0) {
      check("dgetrf", info);
    }
    // ipiv: row i was swapped with row ipiv[i] - 1, in order; replaying the swaps on the identity
    // gives perm with a[perm[i], :] = (L · U)[i, :].
    for (int i = 0; i < k; i++) {
      int j = ipiv[i] - 1;
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    double[] l = new double[m * k];
    for (int i = 0; i < m; i++) {
      int len = Math.min(i, k);
      System.arraycopy(f, i * n, l, i * k, len);
      if (i < k) {
        l[i * k + i] = 1;
      }
    }
    double[] u = new double[k * n];
    for (int i = 0; i < k; i++) {
      System.arraycopy(f, i * n + i, u, i * n + i, n - i);
    }
    return new Lu(perm, new Matrix(m, k, l), new Matrix(k, n, u));
  }

  private static void check(String routine, int info) {
    if (info != 0) {
      throw new ArithmeticException("LAPACK " + routine + " failed, info = " + info
          + (info > 0 ? " (singular, not positive definite or not converged)" : " (illegal argument)"));
    }
  }

  /**
   * An eigen-decomposition {@code a = V · diag(values) · Vᵀ}.
   *
   * @param values eigenvalues, ascending
   * @param vectors the orthonormal eigenvectors as columns, n × n
   */
  public record SymmetricEigen(double[] values, Matrix vectors) {

    /** {@code V · diag(f(values)) · Vᵀ}: a matrix function (sqrt, log, exp, inverse square root…). */
    public Matrix map(java.util.function.DoubleUnaryOperator f) {
      int n = values.length;
      Matrix scaled = vectors.copy();
      for (int j = 0; j < n; j++) {
        double fj = f.applyAsDouble(values[j]);
        for (int i = 0; i < n; i++) {
          scaled.data()[i * n + j] *= fj;
        }
      }
      return gemm(scaled, false, vectors, true);
    }
  }

  /**
   * A thin singular value decomposition {@code a = u · diag(s) · vt}.
   *
   * @param u left singular vectors as columns, rows × k
   * @param s singular values, descending, length k
   * @param vt right singular vectors as rows, k × cols
   */
  public record Svd(Matrix u, double[] s, Matrix vt) {}

  /**
   * A thin QR decomposition {@code a = q · r}.
   *
   * @param q orthonormal columns, rows × k
   * @param r upper triangular, k × cols
   */
  public record Qr(Matrix q, Matrix r) {}

  /**
   * An LU decomposition with row pivoting: {@code a[permutation[i], :] = (l · u)[i, :]}, i.e.
   * {@code a = P · l · u} with {@code P[permutation[i], i] = 1}.
   *
   * @param permutation the row of {@code a} each row of {@code l · u} reproduces, length rows
   * @param l unit lower triangular, rows × k
   * @param u upper triangular, k × cols
   */
  public record Lu(int[] permutation, Matrix l, Matrix u) {

    /**
     * {@code P · l}, rows × k: the factor {@code scipy.linalg.lu(a, permute_l=True)} returns first,
     * so that {@code a = permutedL() · u}.
     */
    public Matrix permutedL() {
      int k = l.cols();
      double[] pl = new double[l.rows() * k];
      for (int i = 0; i < permutation.length; i++) {
        System.arraycopy(l.data(), i * k, pl, permutation[i] * k, k);
      }
      return new Matrix(l.rows(), k, pl);
    }
  }
}
