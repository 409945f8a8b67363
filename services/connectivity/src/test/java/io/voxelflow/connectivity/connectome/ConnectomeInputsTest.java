package io.voxelflow.connectivity.connectome;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.error.FailedPreconditionException;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.error.VoxelflowException;
import io.voxelflow.numerics.Matrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bad inputs to {@link ConnectivityMeasure} fail with a reason code naming the subject. */
class ConnectomeInputsTest {

  private static Matrix noise(int t, int r, long seed) {
    Random rng = new Random(seed);
    double[] d = new double[t * r];
    for (int i = 0; i < d.length; i++) {
      d[i] = rng.nextGaussian();
    }
    return new Matrix(t, r, d);
  }

  private static VoxelflowException fail(List<Matrix> subjects, ConnectivityOptions o) {
    return assertThrows(VoxelflowException.class, () -> ConnectivityMeasure.fitTransform(subjects, o));
  }

  @Test
  void fewer_than_two_time_points() {
    VoxelflowException e = fail(List.of(noise(20, 4, 1), noise(1, 4, 2)),
        ConnectivityOptions.of(Kind.CORRELATION));
    assertEquals("TOO_FEW_TIME_POINTS", e.reason());
    assertTrue(e instanceof InvalidArgumentException);
    assertTrue(e.getMessage().contains("subject 1"), e.getMessage());
  }

  @Test
  void constant_region_names_subject_and_region() {
    Matrix x = noise(20, 4, 3);
    for (int t = 0; t < 20; t++) {
      x.set(t, 2, 7.5);
    }
    VoxelflowException e = fail(List.of(noise(20, 4, 1), x), ConnectivityOptions.of(Kind.COVARIANCE));
    assertEquals("CONSTANT_SIGNAL", e.reason());
    assertTrue(e.getMessage().contains("subject 1, region 2"), e.getMessage());
    assertEquals("2", e.metadata().get("region"));
  }

  @Test
  void nan_and_infinity() {
    Matrix x = noise(20, 4, 3);
    x.set(5, 1, Double.NaN);
    assertEquals("NON_FINITE_VALUES", fail(List.of(x), ConnectivityOptions.of(Kind.CORRELATION)).reason());
    Matrix y = noise(20, 4, 3);
    y.set(0, 0, Double.POSITIVE_INFINITY);
    VoxelflowException e = fail(List.of(noise(20, 4, 1), y), ConnectivityOptions.of(Kind.CORRELATION));
    assertEquals("NON_FINITE_VALUES", e.reason());
    assertTrue(e.getMessage().contains("subject 1"), e.getMessage());
  }

  @Test
  void different_region_counts_show_both_shapes() {
    VoxelflowException e = fail(List.of(noise(20, 4, 1), noise(25, 5, 2)),
        ConnectivityOptions.of(Kind.CORRELATION));
    assertEquals("SHAPE_MISMATCH", e.reason());
    assertTrue(e.getMessage().contains("(20, 4)") && e.getMessage().contains("(25, 5)"), e.getMessage());
  }

  @Test
  void tangent_needs_two_subjects() {
    VoxelflowException e = fail(List.of(noise(20, 4, 1)), ConnectivityOptions.of(Kind.TANGENT));
    assertEquals("TOO_FEW_SUBJECTS", e.reason());
  }

  @Test
  void no_subjects() {
    assertEquals("NO_SUBJECTS", fail(new ArrayList<>(), ConnectivityOptions.of(Kind.CORRELATION)).reason());
  }

  @Test
  void singular_empirical_covariance_for_kinds_that_invert_it() {
    // 5 time points, 8 regions: the empirical covariance has rank 4
    List<Matrix> s = List.of(noise(30, 8, 1), noise(5, 8, 2));
    for (Kind k : new Kind[] {Kind.PRECISION, Kind.PARTIAL_CORRELATION, Kind.TANGENT}) {
      VoxelflowException e = fail(s, ConnectivityOptions.of(k).withEstimator(Estimator.EMPIRICAL));
      assertEquals("NOT_POSITIVE_DEFINITE", e.reason(), k.name());
      assertTrue(e instanceof FailedPreconditionException);
      assertTrue(e.getMessage().contains("subject 1"), e.getMessage());
    }
    // correlation and covariance do not invert; Ledoit-Wolf is always positive definite
    ConnectivityMeasure.fitTransform(s, ConnectivityOptions.of(Kind.CORRELATION).withEstimator(Estimator.EMPIRICAL));
    ConnectivityMeasure.fitTransform(s, ConnectivityOptions.of(Kind.PRECISION));
  }

  @Test
  void fisher_z_only_for_correlations() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> ConnectivityOptions.of(Kind.TANGENT).withFisherZ(true));
    assertEquals("FISHER_Z_NOT_APPLICABLE", e.reason());
    ConnectivityOptions.of(Kind.PARTIAL_CORRELATION).withFisherZ(true);
  }
}
