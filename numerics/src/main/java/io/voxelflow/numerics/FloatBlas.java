package io.voxelflow.numerics;

import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.CblasUpper;

import java.nio.FloatBuffer;
import org.bytedeco.openblas.global.openblas;

/**
 * Single-precision BLAS level 3 on direct (off-heap or memory-mapped) buffers, row-major, through
 * the OpenBLAS that ND4J's CPU backend loads. Buffers are used from their position 0 (pass
 * {@link FloatBuffer#slice()}s); nothing is copied, so operands can be memory-mapped blocks of files
 * far larger than the heap.
 */
public final class FloatBlas {

  static {
    Nd4jRuntime.ensureLoaded();
  }

  private FloatBlas() {}

  /**
   * {@code C = A · Bᵀ} (sgemm, NoTrans × Trans): A is m × k (leading dimension {@code lda}), B is
   * n × k ({@code ldb}), C is m × n ({@code ldc}). With rows of A and B being z-scored series, C
   * holds their correlations.
   */
  public static void gemmNT(FloatBuffer a, int lda, FloatBuffer b, int ldb, FloatBuffer c, int ldc, int m, int n, int k) {
    requireDirect(a, b, c);
    openblas.cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1f, a, lda, b, ldb, 0f, c, ldc);
  }

  /** {@code C = A · B} (sgemm): A is m × k, B is k × n, C is m × n, leading dimensions as given. */
  public static void gemm(FloatBuffer a, int lda, FloatBuffer b, int ldb, FloatBuffer c, int ldc, int m, int n, int k) {
    requireDirect(a, b, c);
    openblas.cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1f, a, lda, b, ldb, 0f, c, ldc);
  }

  /**
   * {@code C = A · Aᵀ}, upper triangle only (ssyrk): A is n × k ({@code lda}), C is n × n
   * ({@code ldc}); the strict lower triangle of C is left untouched. Half the work of
   * {@link #gemmNT} for a block with itself.
   */
  public static void syrkUpper(FloatBuffer a, int lda, FloatBuffer c, int ldc, int n, int k) {
    requireDirect(a, a, c);
    openblas.cblas_ssyrk(CblasRowMajor, CblasUpper, CblasNoTrans, n, k, 1f, a, lda, 0f, c, ldc);
  }

  private static void requireDirect(FloatBuffer... bs) {
    for (FloatBuffer b : bs) {
      if (!b.isDirect()) {
        throw new IllegalArgumentException("BLAS operands must be direct buffers");
      }
    }
  }
}
