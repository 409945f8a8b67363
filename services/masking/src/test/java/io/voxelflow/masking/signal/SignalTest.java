package io.voxelflow.masking.signal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.masking.signal.Signal.Standardize;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Properties and validation of {@link Signal} that need no golden data. */
class SignalTest {
  @Test
  void cleaning_twice_changes_nothing_beyond_float_error() {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
    int t = 60;
    double[][] x = new double[t][5];
    double[][] confounds = new double[t][2];
    for (int i = 0; i < t; i++) {
      confounds[i][0] = Math.sin(i / 5.0);
      confounds[i][1] = rng.nextGaussian();
      for (int v = 0; v < 5; v++) {
        x[i][v] = 100 + 0.3 * i + 4 * confounds[i][0] * v + rng.nextGaussian();
      }
    }
    CleanOptions opts = CleanOptions.builder().detrend(true).standardize(Standardize.ZSCORE_SAMPLE)
        .confounds(confounds).build();
    double[][] once = Signal.clean(x, opts);
    double[][] twice = Signal.clean(once, opts);
    for (int i = 0; i < t; i++) {
      assertArrayEquals(once[i], twice[i], 1e-10, "row " + i);
    }
  }

  private static double[][] ramp(int t, int v) {
    double[][] x = new double[t][v];
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < v; j++) {
        x[i][j] = 3.0 + j + (0.5 - 0.2 * j) * i + Math.sin(0.7 * i + j);
      }
    }
    return x;
  }

  private static IllegalArgumentException rejects(CleanOptions.Builder b, double[][] x) {
    return assertThrows(IllegalArgumentException.class, () -> Signal.clean(x, b.build()));
  }

  @Test
  void detrend_removes_an_exact_linear_trend_to_rounding() {
    double[][] x = new double[20][2];
    for (int i = 0; i < 20; i++) {
      x[i][0] = 5.0 + 0.25 * i;
      x[i][1] = -2.0 - 3.0 * i;
    }
    double[][] d = Signal.detrend(x);
    for (double[] row : d) {
      assertEquals(0.0, row[0], 1e-12);
      assertEquals(0.0, row[1], 1e-12);
    }
  }

  @Test
  void inputs_are_never_modified() {
    double[][] x = ramp(40, 3);
    double[][] c = ramp(40, 2);
    double[][] x0 = deepCopy(x);
    double[][] c0 = deepCopy(c);
    Signal.clean(x, CleanOptions.builder().tR(2.0).lowPass(0.1).highPass(0.01).confounds(c)
        .sampleMask(new int[] {0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
            20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39})
        .warnings(w -> { }).build());
    for (int i = 0; i < 40; i++) {
      assertArrayEquals(x0[i], x[i]);
      assertArrayEquals(c0[i], c[i]);
    }
  }

  @Test
  void zscore_sample_output_has_zero_mean_and_unit_sample_std() {
    double[][] z = Signal.clean(ramp(30, 3), CleanOptions.builder().detrend(false).build());
    for (int j = 0; j < 3; j++) {
      double m = 0;
      for (double[] row : z) {
        m += row[j];
      }
      m /= z.length;
      double ss = 0;
      for (double[] row : z) {
        ss += (row[j] - m) * (row[j] - m);
      }
      assertEquals(0.0, m, 1e-12);
      assertEquals(1.0, Math.sqrt(ss / (z.length - 1)), 1e-12);
    }
  }

  @Test
  void cleaned_signals_are_orthogonal_to_the_confounds() {
    double[][] x = ramp(50, 4);
    double[][] c = new double[50][2];
    for (int i = 0; i < 50; i++) {
      c[i][0] = Math.cos(0.3 * i);
      c[i][1] = Math.sin(0.11 * i) + 0.01 * i;
      x[i][1] += 4 * c[i][0];
    }
    double[][] y = Signal.clean(x, CleanOptions.builder().standardize(Standardize.NONE)
        .confounds(c).build());
    double[][] cz = Signal.detrend(c);
    for (int k = 0; k < 2; k++) {
      for (int j = 0; j < 4; j++) {
        double dot = 0;
        for (int i = 0; i < 50; i++) {
          dot += cz[i][k] * y[i][j];
        }
        assertEquals(0.0, dot, 1e-10);
      }
    }
  }

  @Test
  void duplicated_confound_columns_are_dropped_by_the_rank_threshold() {
    double[][] x = ramp(30, 2);
    double[][] c1 = new double[30][1];
    double[][] c2 = new double[30][2];
    for (int i = 0; i < 30; i++) {
      c1[i][0] = Math.cos(0.4 * i);
      c2[i][0] = c1[i][0];
      c2[i][1] = 2 * c1[i][0];
    }
    double[][] y1 = Signal.clean(x, CleanOptions.builder().confounds(c1).build());
    double[][] y2 = Signal.clean(x, CleanOptions.builder().confounds(c2).build());
    assertTrue(SignalGolden.maxAbsDiff(y1, y2) < 1e-12);
  }

  @Test
  void ensure_finite_replaces_nan_and_infinity_by_zero_before_cleaning() {
    double[][] x = ramp(10, 2);
    x[3][0] = Double.NaN;
    x[4][1] = Double.POSITIVE_INFINITY;
    double[][] fixed = deepCopy(x);
    fixed[3][0] = 0;
    fixed[4][1] = 0;
    double[][] a = Signal.clean(x, CleanOptions.builder().ensureFinite(true).build());
    double[][] b = Signal.clean(fixed, CleanOptions.builder().build());
    assertEquals(0.0, SignalGolden.maxAbsDiff(b, a));
  }

  @Test
  void psc_of_a_zero_mean_column_is_zero_with_a_warning() {
    double[][] x = new double[6][2];
    for (int i = 0; i < 6; i++) {
      x[i][0] = (i % 2 == 0) ? 1 : -1;
      x[i][1] = 10 + i;
    }
    List<String> warnings = new ArrayList<>();
    double[][] y = Signal.standardize(x, Standardize.PSC, false, warnings::add);
    for (double[] row : y) {
      assertEquals(0.0, row[0]);
    }
    assertEquals((10 - 12.5) / 12.5 * 100, y[0][1], 1e-12);
    assertEquals(1, warnings.size());
  }

  @Test
  void filtering_without_repetition_time_is_rejected() {
    IllegalArgumentException e = rejects(CleanOptions.builder().lowPass(0.1), ramp(40, 2));
    assertEquals("low_pass/high_pass need the repetition time t_r (seconds)", e.getMessage());
  }

  @Test
  void no_filter_needs_no_repetition_time() {
    Signal.clean(ramp(40, 2), CleanOptions.builder().build());
  }

  @Test
  void confounds_with_a_different_number_of_rows_are_rejected_with_both_shapes() {
    IllegalArgumentException e = rejects(CleanOptions.builder().confounds(new double[39][3]),
        ramp(40, 2));
    assertTrue(e.getMessage().contains("39x3"), e.getMessage());
    assertTrue(e.getMessage().contains("40x2"), e.getMessage());
  }

  @Test
  void high_pass_not_below_low_pass_is_rejected() {
    IllegalArgumentException e = rejects(
        CleanOptions.builder().tR(2.0).lowPass(0.05).highPass(0.05), ramp(40, 2));
    assertTrue(e.getMessage().contains("greater than or equal to low pass"), e.getMessage());
  }

  @Test
  void zero_high_pass_is_rejected_like_scipy() {
    rejects(CleanOptions.builder().tR(2.0).highPass(0.0), ramp(40, 2));
  }

  @Test
  void sample_mask_out_of_range_or_unsorted_is_rejected() {
    IllegalArgumentException e = rejects(CleanOptions.builder().sampleMask(new int[] {0, 40}),
        ramp(40, 2));
    assertTrue(e.getMessage().contains("invalid index 40"), e.getMessage());
    rejects(CleanOptions.builder().sampleMask(new int[] {-1, 3}), ramp(40, 2));
    rejects(CleanOptions.builder().sampleMask(new int[] {3, 2}), ramp(40, 2));
    rejects(CleanOptions.builder().sampleMask(new int[0]), ramp(40, 2));
    rejects(CleanOptions.builder().sampleMask(new boolean[39]), ramp(40, 2));
  }

  @Test
  void too_short_series_for_the_filter_padding_is_rejected() {
    IllegalArgumentException e = rejects(
        CleanOptions.builder().tR(2.0).lowPass(0.1).highPass(0.01), ramp(33, 2));
    assertTrue(e.getMessage().contains("padlen"), e.getMessage());
  }

  @Test
  void ragged_signals_are_rejected() {
    double[][] x = {{1, 2}, {3}};
    assertThrows(IllegalArgumentException.class, () -> Signal.detrend(x));
  }

  @Test
  void confounds_without_detrend_or_standardization_trigger_nilearns_warning() {
    List<String> warnings = new ArrayList<>();
    Signal.clean(ramp(20, 2), CleanOptions.builder().detrend(false).standardizeConfounds(false)
        .confounds(ramp(20, 1)).warnings(warnings::add).build());
    assertEquals(1, warnings.size(), warnings.toString());
  }

  @Test
  void not_a_knot_spline_reproduces_cubics_parabolas_and_lines_including_extrapolation() {
    // n >= 4 knots reproduce any cubic; 3 knots a parabola; 2 knots a line (SciPy's special cases).
    double[][] cases = {{0, 2, 6, 8, 14, 16}, {0, 4, 10}, {2, 8}};
    java.util.function.DoubleUnaryOperator[] fns = {
      u -> 0.5 * u * u * u - 2 * u * u + u - 7,
      u -> -0.25 * u * u + 3 * u + 1,
      u -> 4 * u - 3
    };
    for (int c = 0; c < cases.length; c++) {
      double[] knots = cases[c];
      CubicSpline spline = new CubicSpline(knots);
      double[] y = new double[knots.length];
      for (int i = 0; i < knots.length; i++) {
        y[i] = fns[c].applyAsDouble(knots[i]);
      }
      double[] at = {-3, 0, 1, 5, 7.5, 9, 15, 18};
      int[] intervals = new int[at.length];
      for (int m = 0; m < at.length; m++) {
        intervals[m] = spline.interval(at[m]);
      }
      double[] out = new double[at.length];
      spline.interpolate(y, at, intervals, out);
      for (int m = 0; m < at.length; m++) {
        double expected = fns[c].applyAsDouble(at[m]);
        assertEquals(expected, out[m], 1e-9 * Math.max(1, Math.abs(expected)),
            "case " + c + " at " + at[m]);
      }
    }
  }

  @Test
  void flat_and_row_major_views_round_trip() {
    double[][] x = ramp(5, 3);
    assertArrayEquals(Signal.toFlat(x), Signal.toFlat(Signal.fromFlat(Signal.toFlat(x), 5, 3)));
    assertThrows(IllegalArgumentException.class, () -> Signal.fromFlat(new double[14], 5, 3));
  }

  private static double[][] deepCopy(double[][] m) {
    double[][] out = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      out[i] = m[i].clone();
    }
    return out;
  }
}
