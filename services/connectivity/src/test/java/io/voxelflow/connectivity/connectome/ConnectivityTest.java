package io.voxelflow.connectivity.connectome;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.numerics.Linalg;
import io.voxelflow.numerics.Matrix;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The building blocks in {@link Connectivity}, {@link CovarianceEstimation}, {@link TangentSpace}. */
class ConnectivityTest {

  private static final Matrix SYM = Matrix.of(new double[][] {
      {4, 1, 2}, {1, 9, -3}, {2, -3, 16}});

  @Test
  void sym_matrix_to_vec_is_the_lower_triangle_row_by_row() {
    double s = Math.sqrt(2);
    assertArrayEquals(new double[] {4 / s, 1, 9 / s, 2, -3, 16 / s},
        Connectivity.symMatrixToVec(SYM, false), 1e-15);
    assertArrayEquals(new double[] {1, 2, -3}, Connectivity.symMatrixToVec(SYM, true), 0.0);
  }

  @Test
  void vec_to_sym_matrix_is_the_inverse_of_sym_matrix_to_vec() {
    Matrix back = Connectivity.vecToSymMatrix(Connectivity.symMatrixToVec(SYM, false), null);
    assertTrue(back.maxAbsDifference(SYM) < 1e-14);
    double s = Math.sqrt(2);
    Matrix withDiag = Connectivity.vecToSymMatrix(Connectivity.symMatrixToVec(SYM, true),
        new double[] {4 / s, 9 / s, 16 / s});
    assertTrue(withDiag.maxAbsDifference(SYM) < 1e-14);
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> Connectivity.vecToSymMatrix(new double[5], null));
    assertEquals("VECTOR_NOT_TRIANGULAR", e.reason());
  }

  @Test
  void cov_to_corr_and_prec_to_partial() {
    Matrix c = Connectivity.covToCorr(SYM);
    assertEquals(1.0 / 6, c.get(0, 1), 1e-15);
    assertEquals(-3.0 / 12, c.get(2, 1), 1e-15);
    assertEquals(1.0, c.get(2, 2), 0.0);
    Matrix p = Connectivity.precToPartial(SYM);
    assertEquals(-1.0 / 6, p.get(0, 1), 1e-15);
    assertEquals(1.0, p.get(1, 1), 0.0);
  }

  @Test
  void standardize_signal_uses_the_population_std() {
    Matrix x = Matrix.of(new double[][] {{1, 10}, {2, 10.5}, {3, 12}, {6, 9}});
    Matrix z = Connectivity.standardizeSignal(x);
    for (int j = 0; j < 2; j++) {
      double mean = 0;
      double ss = 0;
      for (int t = 0; t < 4; t++) {
        mean += z.get(t, j);
        ss += z.get(t, j) * z.get(t, j);
      }
      assertEquals(0.0, mean / 4, 1e-15);
      assertEquals(1.0, ss / 4, 1e-14); // ddof = 0
    }
    assertEquals((1 - 3.0) / Math.sqrt(3.5), z.get(0, 0), 1e-14);
  }

  @Test
  void fisher_z_is_finite_at_plus_minus_one() {
    assertEquals(0.5 * Math.log(3), Connectivity.fisherZ(0.5), 1e-15);
    assertTrue(Double.isFinite(Connectivity.fisherZ(1.0)));
    assertEquals(-Connectivity.fisherZ(1.0), Connectivity.fisherZ(-1.0), 0.0);
    assertEquals(18.714973875118524, Connectivity.fisherZ(1.0), 1e-9);
  }

  @Test
  void ledoit_wolf_with_one_region_is_the_variance() {
    Matrix x = Matrix.of(new double[][] {{1}, {2}, {4}});
    CovarianceEstimation.Estimate e = CovarianceEstimation.ledoitWolf(x);
    assertEquals(0.0, e.shrinkage(), 0.0);
    assertEquals(14.0 / 9, e.covariance().get(0, 0), 1e-15);
  }

  @Test
  void ledoit_wolf_is_a_convex_combination_of_empirical_and_scaled_identity() {
    List<Matrix> s = ConnectomeGolden.subjects();
    Matrix x = s.get(1);
    Matrix emp = CovarianceEstimation.empirical(x);
    CovarianceEstimation.Estimate lw = CovarianceEstimation.ledoitWolf(x);
    double mu = CovarianceEstimation.trace(emp) / 8;
    Matrix expected = emp.scale(1 - lw.shrinkage()).plus(Matrix.identity(8).scale(lw.shrinkage() * mu));
    assertTrue(expected.maxAbsDifference(lw.covariance()) < 1e-13);
  }

  @Test
  void geometric_mean_of_commuting_matrices_is_elementwise_geometric() {
    Matrix a = Matrix.diagonal(new double[] {1, 4, 9});
    Matrix b = Matrix.diagonal(new double[] {4, 1, 1});
    TangentSpace.GeometricMean g = TangentSpace.geometricMean(List.of(a, b), 30, 1e-12);
    assertTrue(g.converged());
    assertTrue(g.mean().maxAbsDifference(Matrix.diagonal(new double[] {2, 2, 3})) < 1e-10);
    Matrix w = TangentSpace.whitening(g.mean());
    Matrix l = TangentSpace.embed(w, a);
    assertEquals(Math.log(0.5), l.get(0, 0), 1e-10);
    assertTrue(Linalg.eigh(g.mean()).values()[0] > 0);
  }
}
