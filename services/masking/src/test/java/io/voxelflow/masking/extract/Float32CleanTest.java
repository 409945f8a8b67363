package io.voxelflow.masking.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.masking.signal.CleanOptions;
import io.voxelflow.masking.signal.Signal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Float32Clean} reproduces nilearn 0.10.4's {@code signal.clean} on a float32 matrix, whose
 * float32 rounding is visible at the 1e-4 level in z-scores; {@link Signal#clean} (float64) is the
 * exact-arithmetic reference.
 */
class Float32CleanTest {
  static final CleanOptions REFERENCE = CleanOptions.builder().detrend(true)
      .standardize(Signal.Standardize.ZSCORE_SAMPLE).lowPass(0.1).highPass(0.01).tR(2.0).build();

  @Test
  void float32_clean_reproduces_nilearns_output_on_the_reference_subject() {
    // input: nilearn's smoothed and masked sub-01 (float32), output: nilearn's NiftiMasker result
    float[][] x = ExtractFixtures.floatMatrix("smoothed_masked_sub-01.npy");
    double[][] expected = ExtractFixtures.matrix("masked_sub-01.npy");
    float[][] got = Float32Clean.clean(x, REFERENCE);
    double err = ExtractFixtures.maxAbsDiff(got, expected);
    System.out.println("[extract] Float32Clean vs nilearn masked_sub-01: max |diff| " + err);
    assertTrue(err <= 1e-5, "max |diff| " + err);
  }

  @Test
  void float64_clean_differs_from_nilearn_only_by_nilearns_float32_rounding() {
    double[][] x = ExtractFixtures.matrix("smoothed_masked_sub-01.npy");
    double[][] got = Signal.clean(x, REFERENCE);
    // the same computation in numpy float64 (gen_extract_golden.py)
    double e64 = ExtractFixtures.maxAbsDiff(got, ExtractFixtures.matrix("clean64_sub-01.npy"));
    double eNilearn = ExtractFixtures.maxAbsDiff(got, ExtractFixtures.matrix("masked_sub-01.npy"));
    System.out.println("[extract] Signal.clean (float64) vs numpy float64: " + e64
        + "; vs nilearn float32: " + eNilearn);
    assertTrue(e64 < 1e-9, "float64 vs numpy float64: " + e64);
    assertTrue(eNilearn > 1e-4 && eNilearn < 5e-4, "float64 vs nilearn float32: " + eNilearn);
  }

  @Test
  void float32_clean_agrees_with_float64_clean_to_float32_precision_for_every_option() {
    Random rnd = new Random(11);
    int t = 60;
    int v = 7;
    float[][] x = new float[t][v];
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < v; j++) {
        x[i][j] = (float) (800 + 100 * j + 0.3 * i + 5 * Math.sin(0.2 * i + j) + rnd.nextGaussian());
      }
    }
    List<CleanOptions> cases = new ArrayList<>();
    for (boolean detrend : new boolean[] {false, true}) {
      for (Signal.Standardize s : Signal.Standardize.values()) {
        cases.add(CleanOptions.builder().detrend(detrend).standardize(s).build());
        cases.add(CleanOptions.builder().detrend(detrend).standardize(s).lowPass(0.1).tR(2.0).build());
        cases.add(CleanOptions.builder().detrend(detrend).standardize(s).highPass(0.01).tR(2.0).build());
        cases.add(CleanOptions.builder().detrend(detrend).standardize(s).lowPass(0.1).highPass(0.01)
            .tR(2.0).build());
      }
    }
    double[][] xd = new double[t][v];
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < v; j++) {
        xd[i][j] = x[i][j];
      }
    }
    for (CleanOptions o : cases) {
      float[][] f = Float32Clean.clean(x, o);
      double[][] d = Signal.clean(xd, o);
      double scale = 0;
      for (double[] row : d) {
        for (double e : row) {
          scale = Math.max(scale, Math.abs(e));
        }
      }
      double err = ExtractFixtures.maxAbsDiff(f, d);
      // float32 rounding of values ~1000 around a signal of a few units: relative 1e-7 of 1000
      String what = "detrend=" + o.detrend() + " standardize=" + o.standardize() + " low="
          + o.lowPass() + " high=" + o.highPass();
      double tol = o.standardize() == Signal.Standardize.NONE ? 1e-3 : 1e-3 * Math.max(1, scale / 10);
      assertTrue(err < tol, what + ": max |f32 - f64| " + err + " (scale " + scale + ")");
    }
  }

  @Test
  void single_column_and_single_time_point_are_handled_like_signal_clean() {
    float[][] one = {{1f, 2f, 3f}};
    List<String> warnings = new ArrayList<>();
    CleanOptions o = CleanOptions.builder().warnings(warnings::add).build();
    float[][] got = Float32Clean.clean(one, o);
    assertEquals(1f, got[0][0]);
    assertEquals(2, warnings.size(), warnings.toString()); // detrend and standardize skipped
    float[][] col = new float[40][1];
    for (int i = 0; i < 40; i++) {
      col[i][0] = (float) Math.cos(i) + i;
    }
    float[][] z = Float32Clean.clean(col, CleanOptions.builder().build());
    double sum = 0;
    double ss = 0;
    for (float[] row : z) {
      sum += row[0];
      ss += row[0] * (double) row[0];
    }
    assertEquals(0.0, sum / 40, 1e-6);
    assertEquals(1.0, Math.sqrt((ss - sum * sum / 40) / 39), 1e-6);
  }

  @Test
  void confounds_and_scrubbing_are_not_supported_and_too_short_series_are_refused() {
    CleanOptions conf = CleanOptions.builder().confounds(new double[3][1]).build();
    assertFalse(Float32Clean.supports(conf));
    assertFalse(Float32Clean.supports(CleanOptions.builder().sampleMask(new int[] {0, 1}).build()));
    assertTrue(Float32Clean.supports(REFERENCE));
    assertThrows(IllegalArgumentException.class, () -> Float32Clean.clean(new float[3][1], conf));
    // band-pass filtfilt needs more than 33 time points, as SciPy
    assertThrows(IllegalArgumentException.class, () -> Float32Clean.clean(new float[33][2], REFERENCE));
    assertThrows(IllegalArgumentException.class, () -> Float32Clean.clean(new float[40][2],
        CleanOptions.builder().lowPass(0.1).build()));
  }
}
