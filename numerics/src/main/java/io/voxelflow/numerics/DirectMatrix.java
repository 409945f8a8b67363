package io.voxelflow.numerics;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.CblasUpper;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import org.bytedeco.openblas.global.openblas;

/**
 * A row-major double matrix in a direct (off-heap) buffer, for BLAS calls on large operands used
 * many times. {@link Linalg#gemm} passes Java arrays, which JNI copies in and out on every call: for
 * a 300 × 80,000 matrix that is 192 MB each way, more than the multiplication itself costs.
 * A {@code DirectMatrix} is copied once ({@link #of}) and then used by reference. Must agree with
 * {@link Linalg#gemm} ({@code DirectMatrixTest}).
 *
 * <p>At most {@code 2³¹ − 1} bytes (268 million entries); memory is freed when the object is
 * garbage collected (it counts against {@code -XX:MaxDirectMemorySize}). Not thread-safe for writes.
 */
public final class DirectMatrix {

  static {
    Nd4jRuntime.ensureLoaded();
  }

  private final int rows;
  private final int cols;
  private final DoubleBuffer data;

  private DirectMatrix(int rows, int cols) {
    long bytes = (long) rows * cols * Double.BYTES;
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a direct matrix holds at most 2 GiB, " + rows + " × " + cols
          + " needs " + bytes + " bytes");
    }
    this.rows = rows;
    this.cols = cols;
    this.data = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder()).asDoubleBuffer();
  }

  /** A rows × cols matrix of zeros. */
  public static DirectMatrix zeros(int rows, int cols) {
    return new DirectMatrix(rows, cols);
  }

  /** An off-heap copy of {@code m}. */
  public static DirectMatrix of(Matrix m) {
    DirectMatrix d = new DirectMatrix(m.rows(), m.cols());
    d.data.put(0, m.data());
    return d;
  }

  /** An on-heap copy. */
  public Matrix toMatrix() {
    double[] a = new double[rows * cols];
    data.get(0, a);
    return new Matrix(rows, cols, a);
  }

  /** Copies all entries into {@code dst} (length rows · cols), row-major. */
  public void copyTo(double[] dst) {
    data.get(0, dst, 0, rows * cols);
  }

  /** Overwrites all entries from {@code src} (length rows · cols), row-major. */
  public void copyFrom(double[] src) {
    data.put(0, src, 0, rows * cols);
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }

  /** The entries (position 0, row-major); writes go to the matrix. */
  public DoubleBuffer buffer() {
    return data;
  }

  /** {@code op(a) · op(b)} (BLAS dgemm), a new direct matrix. */
  public static DirectMatrix gemm(DirectMatrix a, boolean transA, DirectMatrix b, boolean transB) {
    int m = transA ? a.cols : a.rows;
    int n = transB ? b.rows : b.cols;
    DirectMatrix c = new DirectMatrix(m, n);
    gemm(1.0, a, transA, b, transB, 0.0, c);
    return c;
  }

  /** {@code c ← alpha · op(a) · op(b) + beta · c} (BLAS dgemm) into an existing matrix. */
  public static void gemm(double alpha, DirectMatrix a, boolean transA, DirectMatrix b, boolean transB,
      double beta, DirectMatrix c) {
    int m = transA ? a.cols : a.rows;
    int k = transA ? a.rows : a.cols;
    int kb = transB ? b.cols : b.rows;
    int n = transB ? b.rows : b.cols;
    if (k != kb || c.rows != m || c.cols != n) {
      throw new IllegalArgumentException("shapes do not fit: op(a) " + m + " × " + k + ", op(b) " + kb
          + " × " + n + ", c " + c.rows + " × " + c.cols);
    }
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      for (int i = 0; i < m * n; i++) {
        c.data.put(i, beta * c.data.get(i));
      }
      return;
    }
    openblas.cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        m, n, k, alpha, a.data, a.cols, b.data, b.cols, beta, c.data, c.cols);
  }

  /** {@code op(a) · op(b)} with a small on-heap right factor, returned on-heap. */
  public static Matrix gemm(DirectMatrix a, boolean transA, Matrix b, boolean transB) {
    return gemm(a, transA, of(b), transB).toMatrix();
  }

  /** {@code a · aᵀ} (BLAS dsyrk, half the work of dgemm), rows × rows, on-heap and symmetric. */
  public static Matrix gram(DirectMatrix a) {
    int n = a.rows;
    DirectMatrix c = new DirectMatrix(n, n);
    if (n > 0 && a.cols > 0) {
      openblas.cblas_dsyrk(CblasRowMajor, CblasUpper, CblasNoTrans, n, a.cols, 1.0, a.data, a.cols, 0.0,
          c.data, n);
    }
    Matrix g = c.toMatrix();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        g.data()[i * n + j] = g.data()[j * n + i];
      }
    }
    return g;
  }
}
