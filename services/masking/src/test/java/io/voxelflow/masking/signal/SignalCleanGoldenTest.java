package io.voxelflow.masking.signal;

import static io.voxelflow.masking.signal.SignalGolden.HIGH_PASS;
import static io.voxelflow.masking.signal.SignalGolden.LOW_PASS;
import static io.voxelflow.masking.signal.SignalGolden.T_R;
import static io.voxelflow.masking.signal.SignalGolden.assertClose;
import static io.voxelflow.masking.signal.SignalGolden.assertRelClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.masking.signal.Signal.Standardize;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Signal#clean} against nilearn 0.10.4's {@code signal.clean} on the golden cases of
 * {@code tools/golden/make_signal_golden.py} (same names: {@code clean_<case>.npy}). Inputs are
 * {@code T×7} (T = 48 or 150) with trends, sinusoids, noise and one constant column; t_r = 2 s.
 *
 * <p>Tolerances: z-scored outputs 1e-8 absolute; unstandardized and percent-signal-change
 * outputs 1e-9 relative to the largest magnitude.
 */
class SignalCleanGoldenTest {
  private static final double ZSCORE_TOL = 1e-8;
  private static final double REL_TOL = 1e-9;

  private static double[][] signals48() {
    return SignalGolden.matrix("signals_t48");
  }

  private static double[][] signals150() {
    return SignalGolden.matrix("signals_t150");
  }

  private static CleanOptions.Builder opts() {
    return CleanOptions.builder().tR(T_R).warnings(w -> { });
  }

  private static CleanOptions.Builder band() {
    return opts().lowPass(LOW_PASS).highPass(HIGH_PASS);
  }

  private static void assertZscored(String name, double[][] got) {
    assertClose(SignalGolden.matrix("clean_" + name), got, ZSCORE_TOL, name);
  }

  private static void assertRelative(String name, double[][] got) {
    assertRelClose(SignalGolden.matrix("clean_" + name), got, REL_TOL, name);
  }

  @Test
  void detrend_only_removes_mean_and_linear_trend_like_nilearn() {
    assertRelative("detrend_only_t48", Signal.clean(signals48(),
        opts().detrend(true).standardize(Standardize.NONE).build()));
  }

  @Test
  void bandpass_without_detrend_returns_filtered_signal_plus_original_mean() {
    assertRelative("bandpass_t48", Signal.clean(signals48(),
        band().detrend(false).standardize(Standardize.NONE).build()));
  }

  @Test
  void lowpass_only_matches_nilearn() {
    assertRelative("lowpass_t48", Signal.clean(signals48(),
        opts().lowPass(LOW_PASS).detrend(false).standardize(Standardize.NONE).build()));
  }

  @Test
  void highpass_only_matches_nilearn() {
    assertRelative("highpass_t48", Signal.clean(signals48(),
        opts().highPass(HIGH_PASS).detrend(false).standardize(Standardize.NONE).build()));
  }

  @Test
  void detrend_bandpass_zscore_sample_reference_setting_matches_nilearn_t48() {
    assertZscored("reference_t48", Signal.clean(signals48(), true, Standardize.ZSCORE_SAMPLE,
        null, LOW_PASS, HIGH_PASS, T_R, null, false));
  }

  @Test
  void detrend_bandpass_zscore_sample_reference_setting_matches_nilearn_t150() {
    assertZscored("reference_t150", Signal.clean(signals150(),
        band().standardize(Standardize.ZSCORE_SAMPLE).build()));
  }

  @Test
  void three_confounds_are_filtered_zscored_and_projected_out_t48() {
    assertZscored("confounds_t48", Signal.clean(signals48(),
        band().confounds(SignalGolden.matrix("confounds_t48")).build()));
  }

  @Test
  void three_confounds_are_filtered_zscored_and_projected_out_t150() {
    assertZscored("confounds_t150", Signal.clean(signals150(),
        band().confounds(SignalGolden.matrix("confounds_t150")).build()));
  }

  @Test
  void confounds_without_filter_are_projected_out_after_detrending() {
    assertZscored("confounds_nofilter_t48", Signal.clean(signals48(),
        opts().confounds(SignalGolden.matrix("confounds_t48")).build()));
  }

  @Test
  void psc_with_detrend_divides_by_the_original_mean() {
    assertRelative("psc_t48", Signal.clean(signals48(),
        opts().standardize(Standardize.PSC).build()));
  }

  @Test
  void psc_without_detrend_or_filter_uses_the_signal_mean() {
    assertRelative("psc_nodetrend_t48", Signal.clean(signals48(),
        opts().detrend(false).standardize(Standardize.PSC).build()));
  }

  @Test
  void psc_after_bandpass_uses_the_mean_from_before_detrending() {
    assertRelative("psc_bandpass_t48", Signal.clean(signals48(),
        band().standardize(Standardize.PSC).build()));
  }

  @Test
  void zscore_sample_without_detrend_centres_and_scales_by_sample_std() {
    assertZscored("zscore_nodetrend_t48", Signal.clean(signals48(),
        opts().detrend(false).build()));
  }

  @Test
  void scrubbing_with_bandpass_interpolates_then_filters_then_censors_frames_5_6_20() {
    double[][] got = Signal.clean(signals48(), band().sampleMask(SignalGolden.scrubMid()).build());
    assertEquals(45, got.length);
    assertZscored("scrub_band_t48", got);
  }

  @Test
  void boolean_sample_mask_is_equivalent_to_the_kept_indices() {
    boolean[] keep = new boolean[48];
    java.util.Arrays.fill(keep, true);
    keep[5] = keep[6] = keep[20] = false;
    assertZscored("scrub_band_t48", Signal.clean(signals48(), band().sampleMask(keep).build()));
  }

  @Test
  void scrubbing_with_bandpass_and_confounds_treats_confounds_the_same_way() {
    assertZscored("scrub_band_confounds_t48", Signal.clean(signals48(),
        band().sampleMask(SignalGolden.scrubMid())
            .confounds(SignalGolden.matrix("confounds_t48")).build()));
  }

  @Test
  void scrubbing_at_the_edges_copies_nilearn_0_10_4_mirror_index_interpolation() {
    double[][] got = Signal.clean(signals48(),
        band().sampleMask(SignalGolden.scrubEdges()).build());
    assertEquals(43, got.length);
    assertZscored("scrub_edges_t48", got);
  }

  @Test
  void scrubbing_without_filter_censors_before_detrending_and_confound_removal() {
    assertZscored("scrub_nofilter_t48", Signal.clean(signals48(),
        opts().sampleMask(SignalGolden.scrubMid())
            .confounds(SignalGolden.matrix("confounds_t48")).build()));
  }

  @Test
  void low_pass_above_nyquist_is_dropped_with_a_warning_leaving_the_high_pass() {
    List<String> warnings = new ArrayList<>();
    double[][] got = Signal.clean(signals48(), CleanOptions.builder().tR(T_R).lowPass(0.3)
        .highPass(HIGH_PASS).warnings(warnings::add).build());
    assertZscored("highpass_detrend_zscore_t48", got);
    assertEquals(1, warnings.size(), warnings.toString());
  }

  @Test
  void low_pass_only_above_nyquist_means_no_filter_so_scrubbing_censors_first() {
    double[][] got = Signal.clean(signals48(), opts().lowPass(0.3)
        .sampleMask(SignalGolden.scrubMid()).confounds(SignalGolden.matrix("confounds_t48"))
        .build());
    assertZscored("scrub_nofilter_t48", got);
  }

  @Test
  void constant_column_comes_out_as_zeros_after_zscore() {
    double[][] got = Signal.clean(signals48(), band().build());
    for (double[] row : got) {
      assertEquals(0.0, row[6], 1e-12);
    }
  }
}
