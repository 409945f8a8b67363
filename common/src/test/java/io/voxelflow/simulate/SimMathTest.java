package io.voxelflow.simulate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The numerical kernels agree with the numpy/scipy calls of the reference generator. Expected
 * values were computed with numpy 1.24.2 / scipy 1.10.1 (the calls are quoted in each test).
 */
class SimMathTest {
  @Test
  void gaussian_filter_matches_scipy_reflect_mode_even_when_the_kernel_exceeds_the_axis() {
    double[] x = {1, -2, 3, 0.5, 4};
    // ndimage.gaussian_filter1d(x, 2.0, mode='reflect'): radius 8 > 5 samples
    assertArrayEquals(new double[] {0.57424837, 0.83041567, 1.27439171, 1.75368134, 2.0672629},
        SimMath.gaussianFilter1d(x, 2.0), 1e-8);
    // ndimage.gaussian_filter1d(x, 0.6, mode='reflect')
    assertArrayEquals(new double[] {0.50086003, -0.66168899, 1.75599948, 1.49571367, 3.40911581},
        SimMath.gaussianFilter1d(x, 0.6), 1e-8);
  }

  @Test
  void gaussian_filter_3d_matches_scipy_in_nifti_voxel_order() {
    // a = np.arange(24.).reshape(2, 3, 4) ** 1.5; ndimage.gaussian_filter(a, 1.3, mode='reflect').ravel()
    double[] expectedC = {30.01238252415731, 32.069033184191476, 35.02689291173012, 37.17480140424067,
        36.928590067693875, 39.22084650790336, 42.50040525720304, 44.87032838999694, 43.9603812434909,
        46.48270139101767, 50.07688180073053, 52.66427386746272, 36.475755713563984, 38.742043513673416,
        41.987863748655975, 44.335690197948104, 43.99099208402684, 46.47327657074431, 50.01503437369798,
        52.56780467007397, 51.61229511985424, 54.3060240287714, 58.13788246378884, 60.89183027597183};
    int nx = 2;
    int ny = 3;
    int nz = 4;
    double[] a = new double[24];
    for (int i = 0; i < nx; i++) {
      for (int j = 0; j < ny; j++) {
        for (int k = 0; k < nz; k++) {
          a[i + nx * (j + ny * k)] = Math.pow(i * 12 + j * 4 + k, 1.5);
        }
      }
    }
    double[] f = SimMath.gaussianFilter(a, nx, ny, nz, 1.3);
    for (int i = 0; i < nx; i++) {
      for (int j = 0; j < ny; j++) {
        for (int k = 0; k < nz; k++) {
          assertEquals(expectedC[i * 12 + j * 4 + k], f[i + nx * (j + ny * k)], 1e-10, "voxel " + i + "," + j + "," + k);
        }
      }
    }
  }

  @Test
  void log_gamma_matches_scipy() {
    // scipy.special.gammaln(6), gammaln(16), gammaln(0.3), gammaln(123.4)
    assertEquals(4.787491742782046, SimMath.logGamma(6), 1e-13);
    assertEquals(27.899271383840894, SimMath.logGamma(16), 1e-12);
    assertEquals(1.0957979948180756, SimMath.logGamma(0.3), 1e-13);
    assertEquals(469.3360974421906, SimMath.logGamma(123.4), 1e-10);
  }

  @Test
  void spm_hrf_matches_the_reference_and_peaks_at_five_seconds() {
    double[] h = SimMath.spmHrf(2.0, 20, 32.0);
    assertEquals(320, h.length);
    // gen_synthetic.spm_hrf(2.0)[0][[0, 10, 50, 60, 150, 319]]
    double[] expected = {0.0, 0.0003678295372384751, 0.02105008357034577, 0.019254339552407553,
        -0.0018161763555741767, -7.7145698779873e-06};
    int[] at = {0, 10, 50, 60, 150, 319};
    for (int q = 0; q < at.length; q++) {
      assertEquals(expected[q], h[at[q]], 1e-14, "h[" + at[q] + "]");
    }
    int peak = 0;
    double sum = 0;
    for (int i = 0; i < h.length; i++) {
      peak = h[i] > h[peak] ? i : peak;
      sum += h[i];
    }
    assertEquals(50, peak);
    assertEquals(1.0, sum, 1e-12);
  }

  @Test
  void block_design_matches_the_reference() {
    // gen_synthetic.block_design(48, 2.0)[:24]
    double[] expected = {-0.8351347578851549, -0.8351347578851549, -0.8351347578851549, -0.8351347578851549,
        -0.8351347578851549, -0.8351347578851549, -0.8351347578851549, -0.8351347578851549, -0.8351347578851549,
        -0.8351347578851549, -0.8351347578851549, -0.7912974804926348, -0.30490312455414686, 0.503412260767397,
        1.0977211619562393, 1.3703351899295222, 1.4355166542623004, 1.399726694345984, 1.3288820068004517,
        1.2602703003311173, 1.2097444202813865, 1.1348879295091188, 0.6319499436555523, -0.1842287441561483};
    double[] b = SimMath.blockDesign(48, 2.0, 20, 20, 20);
    assertEquals(48, b.length);
    for (int t = 0; t < expected.length; t++) {
      assertEquals(expected[t], b[t], 1e-12, "t=" + t);
    }
  }

  @Test
  void band_pass_matches_numpy_rfft_masking_for_even_and_odd_lengths() {
    // x = cos(0.3 t) + 0.5 sin(1.7 t) + 0.1 t; spec = rfft(x); spec[(f < 0.01) | (f > 0.1)] = 0; irfft(spec, n)
    double[] e20 = {0.8254583384448939, 0.23834915505031892, -0.0666740134595178, -0.08945110662449052,
        -0.09308181827915618, -0.27288680191112785, -0.5640065770885107, -0.7813151954628654, -0.8594546265878317,
        -0.8790336330808824, -0.8941292540624226, -0.8379585387594806, -0.6331490130999303, -0.31898696341808724,
        0.00715918244056395, 0.3408296816004046, 0.7602271195220243, 1.2325582433597786, 1.5176506621698873,
        1.367895159246432};
    double[] e21 = {0.8628096556931485, 0.10437353780806918, -0.2599532686032815, -0.23098080680413227,
        -0.16135046203855094, -0.3334025648526924, -0.6812252519706321, -0.9408370840166124, -0.9900907938223196,
        -0.949517103260894, -0.9601860008069395, -0.96827846405382, -0.8050246112032534, -0.43613148906388477,
        -0.025859314770274026, 0.28114299715008995, 0.559465345221701, 0.9851980559382376, 1.5227951203956736,
        1.8346661528962172, 1.59238635016415};
    for (double[] e : new double[][] {e20, e21}) {
      int n = e.length;
      double[] x = new double[n];
      for (int t = 0; t < n; t++) {
        x[t] = Math.cos(0.3 * t) + 0.5 * Math.sin(1.7 * t) + 0.1 * t;
      }
      assertArrayEquals(e, SimMath.bandPass(x, 2.0, 0.01, 0.1), 1e-12, "n=" + n);
    }
  }

  @Test
  void band_limited_noise_is_unit_variance_with_no_power_outside_the_band() {
    double[][] z = SimMath.bandlimitedNoise(new SplittableRandom(7), 4, 300, 2.0, 0.01, 0.1);
    for (double[] row : z) {
      double m = SimMath.mean(row);
      double ss = 0;
      for (double v : row) {
        ss += (v - m) * (v - m);
      }
      assertEquals(0, m, 1e-12);
      assertEquals(1, ss / row.length, 1e-9);
      // power at 0.2 Hz (bin 120 of 300 at TR 2) and at 0.005 Hz (bin 3) is zero
      for (int k : new int[] {3, 120}) {
        double re = 0;
        double im = 0;
        for (int t = 0; t < row.length; t++) {
          re += row[t] * Math.cos(2 * Math.PI * k * t / row.length);
          im += row[t] * Math.sin(2 * Math.PI * k * t / row.length);
        }
        assertEquals(0, Math.hypot(re, im), 1e-9, "bin " + k);
      }
    }
  }

  @Test
  void cholesky_factor_reproduces_the_correlation_matrix() {
    double[][] f = {{0.3, -0.2}, {0.5, 0.1}, {-0.4, 0.6}, {0.05, 0.05}};
    double[][] c = SimMath.corrFromFactors(f);
    double[][] l = SimMath.cholesky(c);
    for (int a = 0; a < c.length; a++) {
      assertEquals(1.0, c[a][a], 1e-15);
      for (int b = 0; b < c.length; b++) {
        double s = 0;
        for (int q = 0; q < c.length; q++) {
          s += l[a][q] * l[b][q];
        }
        assertEquals(c[a][b], s, 1e-14);
        if (b > a) {
          assertEquals(0.0, l[a][b]);
        }
      }
    }
  }

  @Test
  void kmeans_labels_are_compact_and_ordered_by_centroid() {
    int[][] coords = new int[600][];
    int p = 0;
    for (int i = 0; i < 10; i++) {
      for (int j = 0; j < 10; j++) {
        for (int k = 0; k < 6; k++) {
          coords[p++] = new int[] {i, j, k};
        }
      }
    }
    SimMath.Parcellation parc = SimMath.kmeans(new SplittableRandom(3), coords, 5, 30);
    int[] count = new int[6];
    for (int l : parc.labels()) {
      count[l]++;
    }
    for (int r = 1; r <= 5; r++) {
      assertTrue(count[r] > 0, "region " + r + " is empty");
    }
    for (int r = 1; r < 5; r++) {
      assertTrue(parc.centers()[r - 1][0] <= parc.centers()[r][0], "centres ordered by x");
    }
    // every point is nearest to its own centre
    for (int q = 0; q < coords.length; q++) {
      double own = dist2(coords[q], parc.centers()[parc.labels()[q] - 1]);
      for (double[] c : parc.centers()) {
        assertTrue(own <= dist2(coords[q], c) + 1e-6);
      }
    }
  }

  private static double dist2(int[] a, double[] c) {
    double s = 0;
    for (int d = 0; d < 3; d++) {
      s += (a[d] - c[d]) * (a[d] - c[d]);
    }
    return s;
  }

  @Test
  void random_streams_depend_on_seed_and_path_only() {
    assertEquals(SimMath.stream(1234, 1, 2).nextLong(), SimMath.stream(1234, 1, 2).nextLong());
    long a = SimMath.stream(1234, 1, 2).nextLong();
    assertTrue(a != SimMath.stream(1234, 1, 3).nextLong());
    assertTrue(a != SimMath.stream(1235, 1, 2).nextLong());
    assertTrue(SimMath.stream(1234, 0).nextLong() != SimMath.stream(1234, 2).nextLong());
  }
}
