package io.voxelflow.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Off-heap products agree with {@link Linalg#gemm} (1e-12) for every transpose combination. */
class DirectMatrixTest {

  private static Matrix random(int r, int c, long seed) {
    return TestMatrices.random(r, c, seed);
  }

  @Test
  void gemmAgreesWithLinalgGemm() {
    Matrix a = random(7, 5, 1);
    Matrix b = random(5, 9, 2);
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        Matrix aa = ta ? a.transpose() : a;
        Matrix bb = tb ? b.transpose() : b;
        Matrix expected = Linalg.gemm(aa, ta, bb, tb);
        Matrix got = DirectMatrix.gemm(DirectMatrix.of(aa), ta, DirectMatrix.of(bb), tb).toMatrix();
        assertTrue(got.maxAbsDifference(expected) < 1e-12);
        assertTrue(DirectMatrix.gemm(DirectMatrix.of(aa), ta, bb, tb).maxAbsDifference(expected) < 1e-12);
      }
    }
  }

  @Test
  void accumulatingGemmAndGramAgree() {
    Matrix a = random(6, 40, 3);
    DirectMatrix c = DirectMatrix.of(Matrix.identity(6));
    DirectMatrix.gemm(2.0, DirectMatrix.of(a), false, DirectMatrix.of(a), true, 0.5, c);
    Matrix expected = Linalg.gemm(a, false, a, true).scale(2).plus(Matrix.identity(6).scale(0.5));
    assertTrue(c.toMatrix().maxAbsDifference(expected) < 1e-12);
    Matrix g = DirectMatrix.gram(DirectMatrix.of(a));
    assertTrue(g.maxAbsDifference(Linalg.gemm(a, false, a, true)) < 1e-12);
    assertEquals(g, g.transpose());
  }
}
