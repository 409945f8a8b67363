package io.voxelflow.connectivity.connectome;

import static io.voxelflow.connectivity.connectome.ConnectomeGolden.matrix;
import static io.voxelflow.connectivity.connectome.ConnectomeGolden.maxAbs;
import static io.voxelflow.connectivity.connectome.ConnectomeGolden.npy;
import static io.voxelflow.connectivity.connectome.ConnectomeGolden.stack;
import static io.voxelflow.connectivity.connectome.ConnectomeGolden.subjects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.numerics.Matrix;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link ConnectivityMeasure} against nilearn 0.10.4's {@code ConnectivityMeasure}. */
class ConnectivityMeasureTest {
  /** Tolerance against the float64 goldens (nilearn run on the float64 copy of the series). */
  private static final double TOL64 = 1e-10;

  private static String tag(Kind k) {
    return k.nilearnName().replace(' ', '_');
  }

  @Test
  void matches_the_shared_float32_nilearn_reference() {
    // The shared goldens were computed by nilearn in float32; the Java port runs in float64.
    Connectome corr = ConnectivityMeasure.fitTransform(subjects(), ConnectivityOptions.of(Kind.CORRELATION));
    Connectome part = ConnectivityMeasure.fitTransform(subjects(),
        ConnectivityOptions.of(Kind.PARTIAL_CORRELATION));
    Connectome tan = ConnectivityMeasure.fitTransform(subjects(), ConnectivityOptions.of(Kind.TANGENT));
    double eCorr = maxAbs(corr.matrices(), stack("conn_correlation"));
    double ePart = maxAbs(part.matrices(), stack("conn_partial_correlation"));
    double eTan = maxAbs(tan.matrices(), stack("conn_tangent"));
    double eMean = tan.mean().maxAbsDifference(matrix("conn_tangent_mean"));
    System.out.printf("float32 reference: corr %.2e partial %.2e tangent %.2e tangent mean %.2e%n",
        eCorr, ePart, eTan, eMean);
    assertTrue(eCorr < 1e-5, "correlation error " + eCorr);
    assertTrue(ePart < 1e-5, "partial correlation error " + ePart);
    assertTrue(eTan < 1e-4, "tangent error " + eTan);
    assertTrue(eMean < 1e-4, "tangent mean error " + eMean);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void ledoit_wolf_matrices_and_mean_match_nilearn_float64(Kind kind) {
    Connectome c = ConnectivityMeasure.fitTransform(subjects(), ConnectivityOptions.of(kind));
    double scale = kind == Kind.PRECISION || kind == Kind.COVARIANCE ? maxAbsValue(c.mean()) : 1.0;
    double e = maxAbs(c.matrices(), stack("c64_" + tag(kind)));
    double em = c.mean().maxAbsDifference(matrix("c64_" + tag(kind) + "_mean"));
    System.out.printf("LW %s: matrices %.2e mean %.2e (scale %.3g)%n", kind, e, em, scale);
    assertTrue(e < TOL64 * scale, kind + " matrices error " + e);
    assertTrue(em < TOL64 * scale, kind + " mean error " + em);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void empirical_estimator_matches_nilearn_float64(Kind kind) {
    ConnectivityOptions o = ConnectivityOptions.of(kind).withEstimator(Estimator.EMPIRICAL);
    Connectome c = ConnectivityMeasure.fitTransform(subjects(), o);
    double scale = kind == Kind.PRECISION || kind == Kind.COVARIANCE ? maxAbsValue(c.mean()) : 1.0;
    double e = maxAbs(c.matrices(), stack("c64_emp_" + tag(kind)));
    double em = c.mean().maxAbsDifference(matrix("c64_emp_" + tag(kind) + "_mean"));
    System.out.printf("empirical %s: matrices %.2e mean %.2e%n", kind, e, em);
    assertTrue(e < TOL64 * scale, kind + " matrices error " + e);
    assertTrue(em < TOL64 * scale, kind + " mean error " + em);
    assertEquals(0.0, c.shrinkage()[0], 0.0);
  }

  @Test
  void ledoit_wolf_shrinkage_matches_sklearn() {
    double[] expected = npy("lw_shrinkage").toDoubleArray();
    List<Matrix> s = subjects();
    for (int i = 0; i < s.size(); i++) {
      assertEquals(expected[i], CovarianceEstimation.ledoitWolfShrinkage(s.get(i)), 1e-13);
      assertEquals(expected[i], CovarianceEstimation.ledoitWolf(s.get(i)).shrinkage(), 1e-13);
    }
    Connectome cov = ConnectivityMeasure.fitTransform(s, ConnectivityOptions.of(Kind.COVARIANCE));
    assertEquals(expected[2], cov.shrinkage()[2], 1e-13);
  }

  @Test
  void correlation_without_standardization_matches_nilearn() {
    // region j scaled by j + 1 and shifted by 100, as in the golden script
    List<Matrix> scaled = new ArrayList<>();
    for (Matrix x : subjects()) {
      Matrix y = x.copy();
      for (int t = 0; t < y.rows(); t++) {
        for (int j = 0; j < 8; j++) {
          y.set(t, j, x.get(t, j) * (j + 1.0) + 100.0);
        }
      }
      scaled.add(y);
    }
    ConnectivityOptions o = ConnectivityOptions.of(Kind.CORRELATION).withStandardize(false);
    Connectome c = ConnectivityMeasure.fitTransform(scaled, o);
    double e = maxAbs(c.matrices(), stack("c64_scaled_correlation_nostd"));
    assertTrue(e < TOL64, "error " + e);
    Connectome std = ConnectivityMeasure.fitTransform(scaled, ConnectivityOptions.of(Kind.CORRELATION));
    double es = maxAbs(std.matrices(), stack("c64_scaled_correlation"));
    assertTrue(es < TOL64, "error " + es);
    // with Ledoit-Wolf the target mu·I depends on the scales, so standardizing changes the result
    assertTrue(maxAbs(c.matrices(), std.matrices()) > 1e-3);
  }

  @Test
  void vectors_match_nilearn_with_and_without_diagonal() {
    Connectome kept = ConnectivityMeasure.fitTransform(subjects(),
        ConnectivityOptions.of(Kind.CORRELATION).withVectorize(true, false));
    Connectome discarded = ConnectivityMeasure.fitTransform(subjects(),
        ConnectivityOptions.of(Kind.CORRELATION).withVectorize(true, true));
    List<Matrix> g1 = List.of(matrix("c64_correlation_vec"));
    List<Matrix> g2 = List.of(matrix("c64_correlation_vec_nodiag"));
    assertEquals(36, kept.vectors().get(0).length);
    assertEquals(28, discarded.vectors().get(0).length);
    assertTrue(maxAbs(List.of(Matrix.of(kept.vectors().toArray(double[][]::new))), g1) < TOL64);
    assertTrue(maxAbs(List.of(Matrix.of(discarded.vectors().toArray(double[][]::new))), g2) < TOL64);
    // nilearn divides the kept diagonal by sqrt(2)
    assertEquals(1 / Math.sqrt(2), kept.vectors().get(1)[0], 1e-15);
  }

  @Test
  void fisher_z_is_artanh_off_the_diagonal_then_vectorized() {
    ConnectivityOptions o = ConnectivityOptions.of(Kind.CORRELATION).withFisherZ(true)
        .withVectorize(true, true);
    Connectome z = ConnectivityMeasure.fitTransform(subjects(), o);
    List<Matrix> r = stack("c64_correlation");
    for (int s = 0; s < 3; s++) {
      Matrix m = z.matrices().get(s);
      for (int i = 0; i < 8; i++) {
        assertEquals(0.0, m.get(i, i), 0.0);
        for (int j = 0; j < 8; j++) {
          if (i != j) {
            assertEquals(0.5 * Math.log((1 + r.get(s).get(i, j)) / (1 - r.get(s).get(i, j))),
                m.get(i, j), 1e-9);
          }
        }
      }
      assertEquals(m.get(1, 0), z.vectors().get(s)[0], 0.0);
    }
    // the mean stays nilearn's mean of the correlations
    assertTrue(z.mean().maxAbsDifference(matrix("c64_correlation_mean")) < TOL64);
  }

  @Test
  void tangent_reports_its_geometric_mean_and_whitening() {
    Connectome t = ConnectivityMeasure.fitTransform(subjects(), ConnectivityOptions.of(Kind.TANGENT));
    assertTrue(t.meanConverged());
    assertTrue(t.meanIterations() >= 1 && t.meanIterations() <= TangentSpace.MAX_ITER);
    // W · mean · W = I
    Matrix wmw = t.whitening().times(t.mean()).times(t.whitening());
    assertTrue(wmw.maxAbsDifference(Matrix.identity(8)) < 1e-10);
    // the tangent vectors of the subjects average to ~0 at the geometric mean
    Matrix sum = Matrix.zeros(8, 8);
    for (Matrix m : t.matrices()) {
      sum = sum.plus(m);
    }
    assertTrue(maxAbsValue(sum.scale(1.0 / 3)) < 1e-5);
  }

  @Test
  void double_array_input_gives_the_same_result() {
    List<Matrix> s = subjects();
    double[][][] arr = new double[s.size()][][];
    for (int i = 0; i < s.size(); i++) {
      double[][] rows = new double[s.get(i).rows()][];
      for (int t = 0; t < rows.length; t++) {
        rows[t] = s.get(i).row(t);
      }
      arr[i] = rows;
    }
    Connectome a = ConnectivityMeasure.fitTransform(arr, ConnectivityOptions.of(Kind.PARTIAL_CORRELATION));
    Connectome b = ConnectivityMeasure.fitTransform(s, ConnectivityOptions.of(Kind.PARTIAL_CORRELATION));
    assertEquals(0.0, maxAbs(a.matrices(), b.matrices()), 0.0);
  }

  @Test
  void subjects_may_have_different_numbers_of_time_points() {
    List<Matrix> s = new ArrayList<>(subjects());
    Matrix first = s.get(0);
    s.set(0, new Matrix(30, 8, java.util.Arrays.copyOf(first.data(), 30 * 8)));
    Connectome c = ConnectivityMeasure.fitTransform(s, ConnectivityOptions.of(Kind.CORRELATION));
    assertEquals(3, c.matrices().size());
    assertEquals(1.0, c.matrices().get(0).get(3, 3), 0.0);
  }

  static double maxAbsValue(Matrix m) {
    double x = 0;
    for (double v : m.data()) {
      x = Math.max(x, Math.abs(v));
    }
    return x;
  }
}
