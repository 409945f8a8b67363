package io.voxelflow.decomposition.dictlearning;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;

import io.voxelflow.numerics.Nd4jRuntime;
import org.bytedeco.openblas.global.openblas;

/**
 * Row-major {@code dgemm} on raw arrays with BLAS's {@code alpha}/{@code beta}, for the in-place
 * accumulations of the online algorithm ({@code A ← βA + CᵀC / b}) that {@link
 * io.voxelflow.numerics.Linalg#gemm} (which always allocates) does not offer.
 */
final class Blas {

  static {
    // OpenBLAS is loaded (and its thread count set) by ND4J's backend: initialise it first.
    Nd4jRuntime.ensureLoaded();
  }

  private Blas() {}

  /**
   * {@code c ← alpha · op(a) · op(b) + beta · c}, all row-major and dense.
   *
   * @param m rows of op(a) and c
   * @param n columns of op(b) and c
   * @param k columns of op(a) = rows of op(b)
   * @param a op(a) is m × k; stored k × m when {@code transA}
   * @param b op(b) is k × n; stored n × k when {@code transB}
   */
  static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a,
      double[] b, double beta, double[] c) {
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      for (int i = 0; i < m * n; i++) {
        c[i] *= beta;
      }
      return;
    }
    openblas.cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
        transB ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, transA ? m : k, b, transB ? k : n,
        beta, c, n);
  }
}
