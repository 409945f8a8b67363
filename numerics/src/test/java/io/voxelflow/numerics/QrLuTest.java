package io.voxelflow.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** QR and LU checked by reconstruction, orthonormality and triangularity (tolerance 1e-12 relative). */
class QrLuTest {

  private static Matrix random(int r, int c, long seed) {
    return TestMatrices.random(r, c, seed);
  }

  @Test
  void thinQrReconstructsTallAndWideWithOrthonormalQ() {
    for (Matrix a : new Matrix[] {random(37, 5, 1), random(4, 9, 2), random(6, 6, 3)}) {
      Linalg.Qr qr = Linalg.qr(a);
      int k = Math.min(a.rows(), a.cols());
      assertEquals(a.rows(), qr.q().rows());
      assertEquals(k, qr.q().cols());
      assertEquals(k, qr.r().rows());
      assertTrue(qr.q().times(qr.r()).maxAbsDifference(a) < 1e-12);
      assertTrue(Linalg.gemm(qr.q(), true, qr.q(), false).maxAbsDifference(Matrix.identity(k)) < 1e-12);
      for (int i = 0; i < k; i++) {
        for (int j = 0; j < i; j++) {
          assertEquals(0.0, qr.r().get(i, j));
        }
      }
    }
  }

  @Test
  void luWithPermutedLReconstructsAsScipyPermuteL() {
    for (Matrix a : new Matrix[] {random(23, 4, 4), random(3, 8, 5), random(5, 5, 6)}) {
      Linalg.Lu lu = Linalg.lu(a);
      int k = Math.min(a.rows(), a.cols());
      assertEquals(k, lu.l().cols());
      assertTrue(lu.permutedL().times(lu.u()).maxAbsDifference(a) < 1e-12);
      for (int i = 0; i < k; i++) {
        assertEquals(1.0, lu.l().get(i, i));
        for (int j = i + 1; j < k; j++) {
          assertEquals(0.0, lu.l().get(i, j));
        }
        for (int j = 0; j < i; j++) {
          assertEquals(0.0, lu.u().get(i, j));
        }
      }
      // partial pivoting: |L| ≤ 1
      for (double v : lu.l().data()) {
        assertTrue(Math.abs(v) <= 1.0);
      }
    }
  }

  @Test
  void luOfASingularMatrixStillFactorises() {
    Matrix a = Matrix.of(new double[][] {{1, 2}, {2, 4}, {3, 6}});
    Linalg.Lu lu = Linalg.lu(a);
    assertTrue(lu.permutedL().times(lu.u()).maxAbsDifference(a) < 1e-14);
    assertEquals(0.0, lu.u().get(1, 1), 1e-15);
  }
}
