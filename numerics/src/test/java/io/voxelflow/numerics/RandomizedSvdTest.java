package io.voxelflow.numerics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RandomizedSvd} held against the exact {@link Linalg#svd} on low-rank-plus-noise matrices:
 * top singular values within 1e-6 relative, singular vectors with |cos| ≥ 1 − 1e-9 and sklearn's
 * sign convention, reconstruction of an exactly low-rank matrix to 1e-10.
 */
class RandomizedSvdTest {

  /** {@code U · diag(spectrum) · Vᵀ + noise · N(0, 1)} with random orthonormal U, V. */
  static Matrix lowRankPlusNoise(int rows, int cols, double[] spectrum, double noise, long seed) {
    Random rnd = new Random(seed);
    Matrix u = Linalg.qr(gaussian(rows, spectrum.length, rnd)).q();
    Matrix v = Linalg.qr(gaussian(cols, spectrum.length, rnd)).q();
    Matrix m = u.times(Matrix.diagonal(spectrum)).times(v.transpose());
    return m.plus(gaussian(rows, cols, rnd).scale(noise));
  }

  private static Matrix gaussian(int r, int c, Random rnd) {
    double[] d = new double[r * c];
    for (int i = 0; i < d.length; i++) {
      d[i] = rnd.nextGaussian();
    }
    return new Matrix(r, c, d);
  }

  private static final double[] SPECTRUM = {100, 50, 20, 10, 5, 2};

  @Test
  void topSingularValuesAndVectorsAgreeWithExactSvdOnTallAndWideMatrices() {
    for (Matrix m : new Matrix[] {lowRankPlusNoise(400, 120, SPECTRUM, 1e-3, 1),
        lowRankPlusNoise(90, 700, SPECTRUM, 1e-3, 2)}) {
      int k = 5;
      Linalg.Svd exact = Linalg.svd(m);
      RandomizedSvd.flipSigns(exact.u(), exact.vt(), true);
      Linalg.Svd r = RandomizedSvd.decompose(m, k, 42);
      assertEquals(m.rows(), r.u().rows());
      assertEquals(k, r.u().cols());
      assertEquals(k, r.vt().rows());
      assertEquals(m.cols(), r.vt().cols());
      for (int i = 0; i < k; i++) {
        assertEquals(exact.s()[i], r.s()[i], 1e-6 * exact.s()[i], "singular value " + i);
        // same sign convention as the exact SVD after svd_flip: vectors agree, not just |cos|
        double cosU = dot(r.u().column(i), exact.u().column(i));
        double cosV = dot(r.vt().row(i), exact.vt().row(i));
        assertTrue(cosU > 1 - 1e-9, "u " + i + ": " + cosU);
        assertTrue(cosV > 1 - 1e-9, "v " + i + ": " + cosV);
      }
    }
  }

  @Test
  void everyNormaliserAndTransposeChoiceAgreesWithExactSvd() {
    Matrix m = lowRankPlusNoise(150, 200, SPECTRUM, 1e-3, 3);
    double[] exact = Linalg.svd(m).s();
    for (RandomizedSvd.Normalizer n : RandomizedSvd.Normalizer.values()) {
      for (RandomizedSvd.Transpose t : RandomizedSvd.Transpose.values()) {
        // without normalisation, power iterations lose the smaller directions to rounding: sklearn
        // only picks NONE for ≤ 2 iterations, so test it with 1
        RandomizedSvd.Options o = RandomizedSvd.Options.defaults(7).withNormalizer(n).withTranspose(t)
            .withNIter(n == RandomizedSvd.Normalizer.NONE ? 1 : -1);
        double[] s = RandomizedSvd.decompose(m, false, 4, o).s();
        for (int i = 0; i < 4; i++) {
          assertEquals(exact[i], s[i], 1e-6 * exact[i], n + "/" + t + " value " + i);
        }
      }
    }
  }

  @Test
  void decomposingTheTransposeViewEqualsDecomposingTheTransposedCopy() {
    Matrix m = lowRankPlusNoise(60, 250, SPECTRUM, 1e-2, 4);
    RandomizedSvd.Options o = RandomizedSvd.Options.defaults(11);
    Linalg.Svd view = RandomizedSvd.decompose(m, true, 3, o);
    Linalg.Svd copy = RandomizedSvd.decompose(m.transpose(), false, 3, o);
    assertArrayEquals(copy.s(), view.s(), 1e-12);
    assertTrue(view.u().maxAbsDifference(copy.u()) < 1e-12);
    assertTrue(view.vt().maxAbsDifference(copy.vt()) < 1e-12);
  }

  @Test
  void exactlyLowRankMatrixIsReconstructed() {
    Matrix m = lowRankPlusNoise(80, 300, new double[] {9, 4, 1}, 0, 5);
    Linalg.Svd r = RandomizedSvd.decompose(m, 3, 0);
    Matrix back = r.u().times(Matrix.diagonal(r.s())).times(r.vt());
    assertTrue(back.maxAbsDifference(m) < 1e-10);
  }

  @Test
  void sameSeedGivesIdenticalResultsAndSignsFollowSvdFlip() {
    Matrix m = lowRankPlusNoise(200, 50, SPECTRUM, 1e-1, 6);
    Linalg.Svd a = RandomizedSvd.decompose(m, 4, 123);
    Linalg.Svd b = RandomizedSvd.decompose(m, 4, 123);
    assertEquals(a.u(), b.u());
    assertEquals(a.vt(), b.vt());
    assertArrayEquals(a.s(), b.s(), 0.0);
    for (int j = 0; j < 4; j++) {
      assertTrue(RandomizedSvd.maxAbsEntry(a.u().column(j)) > 0);
    }
  }

  @Test
  void lapackOfThisProcessPassesTheSelfCheck() {
    // dgesdd on 200 × 60 is wrong with OpenBLAS 0.3.19's SkylakeX kernels on AVX-512/AMX CPUs
    assertEquals(java.util.Optional.empty(), LapackHealth.problem());
  }

  @Test
  void autoIterationRuleIsSklearns() {
    assertEquals(7, RandomizedSvd.autoIterations(3, 48, 816));
    assertEquals(4, RandomizedSvd.autoIterations(5, 48, 816));
    assertEquals(4, RandomizedSvd.autoIterations(20, 200, 80000));
    assertEquals(7, RandomizedSvd.autoIterations(20, 300, 80000));
  }

  @Test
  void tooManyComponentsIsRejected() {
    Matrix m = lowRankPlusNoise(10, 30, new double[] {1}, 1e-3, 7);
    assertThrows(IllegalArgumentException.class, () -> RandomizedSvd.decompose(m, 11, 0));
    assertThrows(IllegalArgumentException.class, () -> RandomizedSvd.decompose(m, 0, 0));
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
