package io.voxelflow.masking.signal;

import static io.voxelflow.masking.signal.SignalGolden.HIGH_PASS;
import static io.voxelflow.masking.signal.SignalGolden.LOW_PASS;
import static io.voxelflow.masking.signal.SignalGolden.T_R;
import static io.voxelflow.masking.signal.SignalGolden.assertRelClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.masking.signal.Butterworth.BandType;
import io.voxelflow.masking.signal.Butterworth.Coefficients;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Butterworth} against {@code scipy.signal.butter} / {@code filtfilt} and nilearn's
 * {@code butterworth}. Tolerances: coefficients 1e-10 absolute (achieved ≲ 1e-15); filtered
 * signals 1e-9 relative to the largest value.
 */
class ButterworthTest {
  private static final double COEFF_TOL = 1e-10;
  private static final double FILTER_REL_TOL = 1e-9;

  private static void assertCoefficients(String name, Coefficients c) {
    double[] b = SignalGolden.vector("butter_" + name + ".b");
    double[] a = SignalGolden.vector("butter_" + name + ".a");
    assertEquals(b.length, c.b().length, "len(b)");
    assertEquals(a.length, c.a().length, "len(a)");
    for (int i = 0; i < b.length; i++) {
      assertEquals(b[i], c.b()[i], COEFF_TOL, "b[" + i + "]");
    }
    for (int i = 0; i < a.length; i++) {
      assertEquals(a[i], c.a()[i], COEFF_TOL, "a[" + i + "]");
    }
  }

  @Test
  void bandpass_coefficients_match_scipy_butter_order_5_doubled_to_10() {
    Coefficients c = Butterworth.butter(5, BandType.BAND, 0.04, 0.4);
    assertEquals(11, c.b().length);
    assertCoefficients("band", c);
  }

  @Test
  void lowpass_coefficients_match_scipy_butter() {
    assertCoefficients("low", Butterworth.butter(5, BandType.LOW, 0.4));
  }

  @Test
  void highpass_coefficients_match_scipy_butter() {
    assertCoefficients("high", Butterworth.butter(5, BandType.HIGH, 0.04));
  }

  @Test
  void nilearn_cutoffs_in_hz_map_to_the_same_coefficients_as_fractions_of_nyquist() {
    Coefficients c = Signal.butterworthCoefficients(1.0 / T_R, LOW_PASS, HIGH_PASS,
        Signal.CutoffPolicy.DROP_OR_REJECT, w -> { });
    assertCoefficients("band", c);
  }

  @Test
  void bandpass_matches_scipy_filtfilt_with_odd_padding() {
    double[][] x = SignalGolden.matrix("signals_t48");
    double[][] got = Signal.butterworth(x, 1.0 / T_R, LOW_PASS, HIGH_PASS, w -> { });
    assertRelClose(SignalGolden.matrix("butterworth_band_t48"), got, FILTER_REL_TOL, "band");
  }

  @Test
  void lowpass_matches_scipy_filtfilt_with_odd_padding() {
    double[][] x = SignalGolden.matrix("signals_t48");
    double[][] got = Signal.butterworth(x, 1.0 / T_R, LOW_PASS, null, w -> { });
    assertRelClose(SignalGolden.matrix("butterworth_low_t48"), got, FILTER_REL_TOL, "low");
  }

  @Test
  void highpass_matches_scipy_filtfilt_with_odd_padding() {
    double[][] x = SignalGolden.matrix("signals_t48");
    double[][] got = Signal.butterworth(x, 1.0 / T_R, null, HIGH_PASS, w -> { });
    assertRelClose(SignalGolden.matrix("butterworth_high_t48"), got, FILTER_REL_TOL, "high");
  }

  @Test
  void filtfilt_of_one_column_equals_that_column_of_the_matrix_result() {
    double[][] x = SignalGolden.matrix("signals_t48");
    Coefficients c = Butterworth.butter(5, BandType.BAND, 0.04, 0.4);
    double[][] all = Butterworth.filtfilt(c, x);
    double[] col = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      col[i] = x[i][2];
    }
    double[] one = Butterworth.filtfilt(c, col);
    for (int i = 0; i < x.length; i++) {
      assertEquals(all[i][2], one[i], 0.0);
    }
  }

  @Test
  void lfilter_zi_gives_a_steady_state_step_response() {
    Coefficients c = Butterworth.butter(5, BandType.LOW, 0.4);
    double[] zi = Butterworth.lfilterZi(c.b(), c.a());
    double[] ones = new double[40];
    java.util.Arrays.fill(ones, 1.0);
    double[] y = new double[40];
    Butterworth.lfilter(c.b(), c.a(), ones, y, zi.clone());
    double dc = sum(c.b()) / sum(c.a());
    for (double v : y) {
      assertEquals(dc, v, 1e-12);
    }
  }

  @Test
  void constant_signal_passes_a_lowpass_unchanged_and_a_highpass_as_zero() {
    double[][] x = new double[30][1];
    for (double[] row : x) {
      row[0] = 7.5;
    }
    double[][] low = Signal.butterworth(x, 0.5, 0.1, null, w -> { });
    double[][] high = Signal.butterworth(x, 0.5, null, 0.01, w -> { });
    for (int i = 0; i < 30; i++) {
      assertEquals(7.5, low[i][0], 1e-10);
      assertEquals(0.0, high[i][0], 1e-10);
    }
  }

  @Test
  void input_no_longer_than_the_padding_is_rejected_like_scipy() {
    Coefficients band = Butterworth.butter(5, BandType.BAND, 0.04, 0.4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Butterworth.filtfilt(band, new double[33][2]));
    assertTrue(e.getMessage().contains("padlen, which is 33"), e.getMessage());
    Butterworth.filtfilt(band, new double[34][2]); // 34 > 33 is fine
  }

  @Test
  void critical_frequencies_outside_zero_one_are_rejected() {
    assertThrows(IllegalArgumentException.class, () -> Butterworth.butter(5, BandType.LOW, 1.0));
    assertThrows(IllegalArgumentException.class, () -> Butterworth.butter(5, BandType.HIGH, 0.0));
    assertThrows(IllegalArgumentException.class,
        () -> Butterworth.butter(5, BandType.BAND, 0.4, 0.04));
    assertThrows(IllegalArgumentException.class, () -> Butterworth.butter(5, BandType.BAND, 0.4));
    assertThrows(IllegalArgumentException.class, () -> Butterworth.butter(0, BandType.LOW, 0.4));
  }

  @Test
  void nilearn_clamp_lowers_a_cutoff_at_or_above_nyquist_just_below_it_with_a_warning() {
    List<String> warnings = new ArrayList<>();
    Coefficients c = Signal.butterworthCoefficients(0.5, 0.3, 0.01,
        Signal.CutoffPolicy.NILEARN_CLAMP, warnings::add);
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("low pass filter is too high"), warnings.get(0));
    assertEquals(11, c.a().length, "still a band-pass filter");
  }

  @Test
  void nilearn_clamp_returns_the_signal_unfiltered_when_both_band_edges_collapse_at_nyquist() {
    List<String> warnings = new ArrayList<>();
    double[][] x = SignalGolden.matrix("signals_t48");
    double[][] y = Signal.butterworth(x, 0.5, 0.4, 0.3, Signal.CutoffPolicy.NILEARN_CLAMP,
        warnings::add);
    assertEquals(0.0, SignalGolden.maxAbsDiff(x, y));
    assertEquals(3, warnings.size(), warnings.toString());
    assertTrue(warnings.get(2).contains("returned unfiltered"), warnings.toString());
  }

  @Test
  void default_policy_drops_a_low_pass_at_or_above_nyquist_with_a_warning() {
    List<String> warnings = new ArrayList<>();
    double[][] x = SignalGolden.matrix("signals_t48");
    double[][] y = Signal.butterworth(x, 0.5, 0.25, HIGH_PASS, warnings::add);
    assertRelClose(SignalGolden.matrix("butterworth_high_t48"), y, FILTER_REL_TOL, "high");
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("no low-pass filter is applied"), warnings.get(0));
  }

  @Test
  void default_policy_rejects_a_high_pass_at_or_above_nyquist_and_negative_cutoffs() {
    double[][] x = SignalGolden.matrix("signals_t48");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Signal.butterworth(x, 0.5, null, 0.25, w -> { }));
    assertTrue(e.getMessage().contains("Nyquist frequency = 0.25 Hz"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Signal.butterworth(x, 0.5, null, -0.01, w -> { }));
    assertThrows(IllegalArgumentException.class,
        () -> Signal.butterworth(x, 0.5, -0.1, null, w -> { }));
  }

  private static double sum(double[] v) {
    double s = 0;
    for (double d : v) {
      s += d;
    }
    return s;
  }
}
