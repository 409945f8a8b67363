package io.voxelflow.masking.extract;

import static io.voxelflow.masking.extract.ExtractFixtures.AFFINE_7X8X9;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Smoothing} against {@code scipy.ndimage.gaussian_filter1d} (SciPy 1.10.1, through a copy
 * of nilearn 0.10.4's {@code smooth_array}) on a 7×8×9 grid with an anisotropic, sheared affine.
 * Float32 volumes must match bit for bit; float64 ones to a few ulps (the kernel's {@code exp} may
 * differ in the last bit between numpy and {@link StrictMath}).
 */
class SmoothingTest {
  private static final int X = 7;
  private static final int Y = 8;
  private static final int Z = 9;

  private static void assertFloat32Golden(String name, double fwhm) {
    float[] vol = ExtractFixtures.floats("smooth_" + name + "_in.npy");
    float[] expected = ExtractFixtures.floats("smooth_" + name + "_out.npy");
    Smoothing.of(X, Y, Z, AFFINE_7X8X9, fwhm).smooth(vol);
    assertEquals(0, ExtractFixtures.bitMismatches(vol, expected),
        () -> name + ": voxels differing from scipy, max ulps " + ExtractFixtures.maxUlps(vol, expected));
  }

  @Test
  void smoothing_matches_scipy_gaussian_filter1d_reflect() {
    assertFloat32Golden("f32_fwhm6", 6.0);
    double[] vol = ExtractFixtures.doubles("smooth_f64_fwhm6_in.npy");
    double[] expected = ExtractFixtures.doubles("smooth_f64_fwhm6_out.npy");
    Smoothing.of(X, Y, Z, AFFINE_7X8X9, 6.0).smooth(vol);
    double rel = ExtractFixtures.maxRelDiff(vol, expected);
    assertTrue(rel < 1e-14, "float64 smoothing vs scipy: max relative error " + rel);
  }

  @Test
  void smoothing_with_a_kernel_wider_than_the_axis_reflects_repeatedly_as_scipy() {
    Smoothing s = Smoothing.of(X, Y, Z, AFFINE_7X8X9, 25.0);
    int[] r = s.radii();
    assertTrue(r[0] > X && r[1] > Y && r[2] > Z, "radii " + java.util.Arrays.toString(r));
    assertFloat32Golden("f32_fwhm25", 25.0);
  }

  @Test
  void per_axis_fwhm_with_a_zero_leaves_that_axis_unsmoothed_as_scipy() {
    double[] vol = ExtractFixtures.doubles("smooth_f64_peraxis_in.npy");
    double[] expected = ExtractFixtures.doubles("smooth_f64_peraxis_out.npy");
    Smoothing s = Smoothing.of(X, Y, Z, AFFINE_7X8X9, new double[] {3.0, 0.0, 5.0});
    assertEquals(0.0, s.sigmaVoxels()[1]);
    s.smooth(vol);
    double rel = ExtractFixtures.maxRelDiff(vol, expected);
    assertTrue(rel < 1e-14, "max relative error " + rel);
  }

  @Test
  void non_finite_values_are_zeroed_before_smoothing() {
    assertFloat32Golden("f32_nonfinite", 4.0);
  }

  @Test
  void a_4d_image_is_smoothed_volume_by_volume_along_the_spatial_axes_only() {
    float[][] in = ExtractFixtures.floatMatrix("smooth_f32_4d_in.npy");
    float[][] expected = ExtractFixtures.floatMatrix("smooth_f32_4d_out.npy");
    assertEquals(3, in.length);
    Smoothing s = Smoothing.of(X, Y, Z, AFFINE_7X8X9, 6.0);
    for (int t = 0; t < in.length; t++) {
      s.smooth(in[t]);
      assertEquals(0, ExtractFixtures.bitMismatches(in[t], expected[t]), "volume " + t);
    }
  }

  @Test
  void sigma_is_fwhm_over_sqrt_8_ln2_times_the_affine_column_norms() {
    double[] vox = Smoothing.voxelSizes(AFFINE_7X8X9);
    assertArrayEquals(new double[] {Math.sqrt(4.25), Math.sqrt(8.5), Math.sqrt(2.41)}, vox, 1e-15);
    double[] sigma = Smoothing.of(X, Y, Z, AFFINE_7X8X9, 6.0).sigmaVoxels();
    for (int n = 0; n < 3; n++) {
      assertEquals(6.0 / (Math.sqrt(8 * Math.log(2)) * vox[n]), sigma[n], 1e-15);
    }
    assertEquals(2.3548200450309493, Smoothing.FWHM_OVER_SIGMA, 0.0);
  }

  @Test
  void gaussian_kernel_has_radius_int_4_sigma_plus_half_and_sums_to_one() {
    for (double sigma : new double[] {0.1, 0.6369913502160143, 1.0, 2.49, 7.3, 40.0}) {
      double[] w = Smoothing.gaussianKernel(sigma);
      int r = (int) (4 * sigma + 0.5);
      assertEquals(2 * r + 1, w.length);
      double sum = 0;
      for (int i = 0; i < w.length; i++) {
        assertEquals(w[i], w[w.length - 1 - i], 0.0, "symmetric");
        sum += w[i];
      }
      assertEquals(1.0, sum, 1e-14);
    }
    // scipy.ndimage._filters._gaussian_kernel1d(6/(sqrt(8 ln2)·4), 0, 3), printed by numpy
    double[] w = Smoothing.gaussianKernel(6.0 / (Smoothing.FWHM_OVER_SIGMA * 4.0));
    assertArrayEquals(new double[] {9.55010239e-06, 4.52720553e-03, 1.82525489e-01, 6.25875510e-01,
        1.82525489e-01, 4.52720553e-03, 9.55010239e-06}, w, 1e-14 + 5e-9);
  }

  @Test
  void the_unrolled_short_kernels_equal_the_plain_correlation_bit_for_bit() {
    Random rnd = new Random(11);
    for (double sigma : new double[] {0.55, 0.7, 1.1}) { // radii 2, 3 (unrolled) and 4 (the general loop)
      double[] w = Smoothing.gaussianKernel(sigma);
      int r = w.length / 2;
      for (int axis = 0; axis < 3; axis++) {
        float[] vol = new float[X * Y * Z];
        for (int i = 0; i < vol.length; i++) {
          vol[i] = (float) rnd.nextGaussian() * 100;
        }
        float[] expected = vol.clone();
        int[] dims = {X, Y, Z};
        int[] strides = {1, X, X * Y};
        int len = dims[axis];
        for (int v = 0; v < vol.length; v++) {
          int pos = (v / strides[axis]) % len;
          int start = v - pos * strides[axis];
          double o = vol[v] * w[r];
          for (int j = r; j >= 1; j--) {
            double lo = vol[start + Smoothing.reflectIndex(pos - j, len) * strides[axis]];
            double hi = vol[start + Smoothing.reflectIndex(pos + j, len) * strides[axis]];
            o += (lo + hi) * w[r - j];
          }
          expected[v] = (float) o;
        }
        Smoothing.gaussianFilter1d(vol, X, Y, Z, axis, sigma);
        assertArrayEquals(expected, vol, 0f, "sigma " + sigma + " (radius " + r + "), axis " + axis);
      }
    }
  }

  @Test
  void reflect_mode_is_half_sample_symmetric_with_period_twice_the_length() {
    // d c b a | a b c d | d c b a | a b c d
    int[] expected = {0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0};
    for (int e = -8; e < 8; e++) {
      assertEquals(expected[e + 8], Smoothing.reflectIndex(e, 4), "position " + e);
    }
    assertEquals(0, Smoothing.reflectIndex(-1, 1));
    assertEquals(0, Smoothing.reflectIndex(5, 1));
  }

  @Test
  void smoothing_keeps_a_constant_volume_constant() {
    double[] vol = new double[X * Y * Z];
    java.util.Arrays.fill(vol, 1234.5);
    Smoothing.of(X, Y, Z, AFFINE_7X8X9, 25.0).smooth(vol);
    for (double v : vol) {
      assertEquals(1234.5, v, 1e-9);
    }
  }

  @Test
  void smoothing_along_one_axis_does_not_mix_lines() {
    Random rnd = new Random(3);
    double[] vol = new double[X * Y * Z];
    for (int i = 0; i < vol.length; i++) {
      vol[i] = rnd.nextGaussian();
    }
    double[] out = vol.clone();
    Smoothing.gaussianFilter1d(out, X, Y, Z, 1, 1.3);
    // changing one line along axis 1 changes only that line
    double[] vol2 = vol.clone();
    int i0 = 2;
    int k0 = 5;
    for (int j = 0; j < Y; j++) {
      vol2[i0 + X * (j + Y * k0)] += 10;
    }
    Smoothing.gaussianFilter1d(vol2, X, Y, Z, 1, 1.3);
    for (int k = 0; k < Z; k++) {
      for (int j = 0; j < Y; j++) {
        for (int i = 0; i < X; i++) {
          int p = i + X * (j + Y * k);
          if (i == i0 && k == k0) {
            assertEquals(out[p] + 10, vol2[p], 1e-12);
          } else {
            assertEquals(out[p], vol2[p], 0.0);
          }
        }
      }
    }
  }

  @Test
  void zero_fwhm_only_replaces_non_finite_values() {
    float[] vol = new float[X * Y * Z];
    for (int i = 0; i < vol.length; i++) {
      vol[i] = i;
    }
    vol[10] = Float.NaN;
    vol[20] = Float.NEGATIVE_INFINITY;
    Smoothing s = Smoothing.of(X, Y, Z, AFFINE_7X8X9, 0.0);
    assertTrue(s.isIdentity());
    s.smooth(vol);
    for (int i = 0; i < vol.length; i++) {
      assertEquals(i == 10 || i == 20 ? 0f : (float) i, vol[i]);
    }
  }

  @Test
  void invalid_fwhm_or_grid_is_refused() {
    assertThrows(IllegalArgumentException.class, () -> Smoothing.of(X, Y, Z, AFFINE_7X8X9, -1.0));
    assertThrows(IllegalArgumentException.class, () -> Smoothing.of(X, Y, Z, AFFINE_7X8X9, Double.NaN));
    assertThrows(IllegalArgumentException.class,
        () -> Smoothing.of(X, Y, Z, AFFINE_7X8X9, new double[] {1, 2}));
    double[][] flat = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 1}};
    assertThrows(IllegalArgumentException.class, () -> Smoothing.of(X, Y, Z, flat, 6.0));
    Smoothing s = Smoothing.of(X, Y, Z, AFFINE_7X8X9, 6.0);
    assertThrows(IllegalArgumentException.class, () -> s.smooth(new float[X * Y * Z - 1]));
  }
}
