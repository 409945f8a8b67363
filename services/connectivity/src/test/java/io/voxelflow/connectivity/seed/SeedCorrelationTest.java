package io.voxelflow.connectivity.seed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.npy.Npy;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link SeedCorrelation}: planted correlations, a numpy golden and nilearn's sphere rules. */
class SeedCorrelationTest {
  /** A 7 × 8 × 9 grid of 2 × 2.5 × 3 mm voxels, origin (-7, -10, -12) mm. */
  private static final double[][] AFFINE = {
      {2.0, 0, 0, -7.0}, {0, 2.5, 0, -10.0}, {0, 0, 3.0, -12.0}, {0, 0, 0, 1}};

  private static Npy.NpyArray npy(String name) {
    try {
      return Npy.read(Path.of(SeedCorrelationTest.class.getResource("/seed/" + name + ".npy").toURI()));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every voxel of the grid except i = 0 (so the mask is not a box), in C order. */
  private static int[] maskIjk() {
    List<Integer> out = new ArrayList<>();
    for (int i = 1; i < 7; i++) {
      for (int j = 0; j < 8; j++) {
        for (int k = 0; k < 9; k++) {
          out.add(i);
          out.add(j);
          out.add(k);
        }
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  @Test
  void planted_correlations_are_recovered() {
    int t = 300;
    Random rng = new Random(5);
    double[] seed = new double[t];
    for (int i = 0; i < t; i++) {
      seed[i] = rng.nextGaussian();
    }
    double[] sc = center(seed);
    double norm = Math.sqrt(dot(sc, sc));
    double[] expected = {0.9, 0.5, 0.0, -0.3, -0.99, 1.0};
    float[][] data = new float[t][expected.length + 1];
    for (int q = 0; q < expected.length; q++) {
      // noise centred, orthogonal to the seed, same norm: x = r·s + sqrt(1-r²)·n has correlation r
      double[] n = new double[t];
      for (int i = 0; i < t; i++) {
        n[i] = rng.nextGaussian();
      }
      n = center(n);
      double p = dot(n, sc) / dot(sc, sc);
      for (int i = 0; i < t; i++) {
        n[i] -= p * sc[i];
      }
      double nn = Math.sqrt(dot(n, n));
      double r = expected[q];
      for (int i = 0; i < t; i++) {
        data[i][q] = (float) (100 + 3 * (r * sc[i] / norm + Math.sqrt(1 - r * r) * n[i] / nn));
      }
    }
    for (int i = 0; i < t; i++) {
      data[i][expected.length] = 42f; // constant voxel
    }
    SeedMap m = SeedCorrelation.correlate(data, seed, true);
    for (int q = 0; q < expected.length; q++) {
      assertEquals(expected[q], m.r()[q], 1e-5, "voxel " + q);
    }
    assertEquals(0.0, m.r()[expected.length], 0.0, "constant voxel gets r = 0");
    assertEquals(0.0, m.z()[expected.length], 0.0);
    assertTrue(m.r()[5] <= 1.0 && Double.isFinite(m.z()[5]), "r = 1 gives a finite z");
    assertEquals(0.5 * Math.log(1.5 / 0.5), m.z()[1], 1e-4);
  }

  @Test
  void matches_numpy_corrcoef_golden() {
    float[][] data = npy("seed_data").toFloatMatrix();
    double[] seed = npy("seed_series").toDoubleArray();
    double[] r = npy("seed_r").toDoubleArray();
    double[] z = npy("seed_z").toDoubleArray();
    SeedMap m = SeedCorrelation.correlate(data, seed, true);
    double er = 0;
    double ez = 0;
    for (int q = 0; q < r.length; q++) {
      er = Math.max(er, Math.abs(r[q] - m.r()[q]));
      ez = Math.max(ez, Math.abs(z[q] - m.z()[q]));
    }
    System.out.printf("seed golden: max |r error| %.2e, max |z error| %.2e%n", er, ez);
    assertTrue(er < 1e-6, "r error " + er);
    assertTrue(ez < 1e-6, "z error " + ez);
    assertNull(SeedCorrelation.correlate(data, seed, false).z());
  }

  @Test
  void sphere_selects_voxel_centres_within_the_radius() {
    int[] ijk = maskIjk();
    // centre of voxel (3, 4, 5) = (-1, 0, 3) mm; radius 2.6 mm reaches (3±1, 4, 5) at 2 mm and
    // (3, 4±1, 5) at 2.5 mm, not (3, 4, 5±1) at 3 mm
    int[] got = SeedCorrelation.sphereVoxels(ijk, AFFINE, new SphereSeed(-1, 0, 3, 2.6));
    List<Integer> expected = new ArrayList<>();
    for (int q = 0; q < ijk.length / 3; q++) {
      int i = ijk[3 * q];
      int j = ijk[3 * q + 1];
      int k = ijk[3 * q + 2];
      int d = Math.abs(i - 3) + Math.abs(j - 4) + Math.abs(k - 5);
      if (d == 0 || (d == 1 && k == 5)) {
        expected.add(q);
      }
    }
    assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), got);
  }

  @Test
  void radius_zero_gives_the_nearest_voxel() {
    int[] ijk = maskIjk();
    // (-0.4, 0.9, 4.1) mm → voxel coords (3.3, 4.36, 5.37) → nearest (3, 4, 5)
    int[] got = SeedCorrelation.sphereVoxels(ijk, AFFINE, new SphereSeed(-0.4, 0.9, 4.1, 0));
    assertEquals(1, got.length);
    assertArrayEquals(new int[] {3, 4, 5}, new int[] {ijk[3 * got[0]], ijk[3 * got[0] + 1], ijk[3 * got[0] + 2]});
  }

  @Test
  void seed_outside_the_mask() {
    // voxel (0, 4, 5) is not in the mask (i = 0 excluded); centre (-7, 0, 3) mm, radius 1 mm
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> SeedCorrelation.sphereVoxels(maskIjk(), AFFINE, new SphereSeed(-7, 0, 3, 1.0)));
    assertEquals("SEED_OUTSIDE_MASK", e.reason());
    assertThrows(InvalidArgumentException.class, () -> new SphereSeed(0, 0, 0, -1));
  }

  @Test
  void from_sphere_averages_the_sphere_voxels_into_the_seed() {
    int[] ijk = maskIjk();
    int v = ijk.length / 3;
    Random rng = new Random(9);
    float[][] data = new float[25][v];
    for (float[] row : data) {
      for (int q = 0; q < v; q++) {
        row[q] = (float) rng.nextGaussian();
      }
    }
    SeedMap m = SeedCorrelation.fromSphere(data, ijk, AFFINE, new SphereSeed(-1, 0, 3, 2.6), false);
    assertEquals(5, m.seedVoxelCount());
    for (int t = 0; t < 25; t++) {
      double s = 0;
      for (int q : m.seedVoxels()) {
        s += data[t][q];
      }
      assertEquals(s / 5, m.seedSeries()[t], 1e-12);
    }
    // each sphere voxel correlates positively with the mean it is part of
    for (int q : m.seedVoxels()) {
      assertTrue(m.r()[q] > 0.2, "voxel " + q + " r = " + m.r()[q]);
    }
  }

  @Test
  void bad_inputs() {
    float[][] data = {{1, 2}, {2, 3}, {4, 1}};
    assertEquals("SHAPE_MISMATCH", assertThrows(InvalidArgumentException.class,
        () -> SeedCorrelation.correlate(data, new double[] {1, 2}, false)).reason());
    assertEquals("CONSTANT_SIGNAL", assertThrows(InvalidArgumentException.class,
        () -> SeedCorrelation.correlate(data, new double[] {1, 1, 1}, false)).reason());
    float[][] nan = {{1, Float.NaN}, {2, 3}, {4, 1}};
    assertEquals("NON_FINITE_VALUES", assertThrows(InvalidArgumentException.class,
        () -> SeedCorrelation.correlate(nan, new double[] {1, 2, 3}, false)).reason());
    assertEquals("TOO_FEW_TIME_POINTS", assertThrows(InvalidArgumentException.class,
        () -> SeedCorrelation.correlate(new float[][] {{1, 2}}, new double[] {1}, false)).reason());
  }

  private static double[] center(double[] x) {
    double m = 0;
    for (double v : x) {
      m += v;
    }
    m /= x.length;
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] - m;
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
