package io.voxelflow.numerics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Linear algebra checked by reconstruction and against hand-computed small cases (tolerance 1e-10). */
class LinalgTest {

  private static Matrix random(int r, int c, long seed) {
    return TestMatrices.random(r, c, seed);
  }

  @Test
  void gemmMatchesHandComputedProduct() {
    Matrix a = Matrix.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
    Matrix b = Matrix.of(new double[][] {{7, 8}, {9, 10}, {11, 12}});
    assertEquals(Matrix.of(new double[][] {{58, 64}, {139, 154}}), a.times(b));
    assertEquals(Matrix.of(new double[][] {{14, 32}, {32, 77}}), Linalg.gemm(a, false, a, true));
    assertThrows(IllegalArgumentException.class, () -> a.times(a));
  }

  @Test
  void eighReconstructsAndIsAscending() {
    Matrix x = random(30, 7, 1);
    Matrix s = Linalg.gemm(x, true, x, false);
    Linalg.SymmetricEigen e = Linalg.eigh(s);
    for (int i = 1; i < 7; i++) {
      assertTrue(e.values()[i] >= e.values()[i - 1]);
    }
    assertTrue(e.map(v -> v).maxAbsDifference(s) < 1e-10);
    Matrix sqrt = e.map(Math::sqrt);
    assertTrue(sqrt.times(sqrt).maxAbsDifference(s) < 1e-10);
    assertArrayEquals(new double[] {1, 3}, Linalg.eigh(Matrix.of(new double[][] {{2, 1}, {1, 2}})).values(), 1e-12);
  }

  @Test
  void thinSvdReconstructsTallAndWide() {
    for (Matrix a : new Matrix[] {random(50, 6, 2), random(4, 40, 3)}) {
      Linalg.Svd svd = Linalg.svd(a);
      int k = Math.min(a.rows(), a.cols());
      assertEquals(k, svd.s().length);
      Matrix us = svd.u().times(Matrix.diagonal(svd.s()));
      assertTrue(us.times(svd.vt()).maxAbsDifference(a) < 1e-10);
      for (int i = 1; i < k; i++) {
        assertTrue(svd.s()[i] <= svd.s()[i - 1]);
      }
      assertTrue(Linalg.gemm(svd.u(), true, svd.u(), false).maxAbsDifference(Matrix.identity(k)) < 1e-10);
    }
  }

  @Test
  void inverseAndCholesky() {
    Matrix x = random(20, 5, 4);
    Matrix s = Linalg.gemm(x, true, x, false);
    assertTrue(s.times(Linalg.inverse(s)).maxAbsDifference(Matrix.identity(5)) < 1e-10);
    Matrix l = Linalg.cholesky(s);
    assertTrue(Linalg.gemm(l, false, l, true).maxAbsDifference(s) < 1e-10);
    assertThrows(ArithmeticException.class, () -> Linalg.inverse(Matrix.zeros(3, 3)));
    assertThrows(ArithmeticException.class, () -> Linalg.cholesky(Matrix.of(new double[][] {{1, 2}, {2, 1}})));
  }
}
