package io.voxelflow.masking.regions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.mask.Masking;
import io.voxelflow.masking.signal.CleanOptions;
import io.voxelflow.masking.signal.Signal;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.npy.Npy;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * The golden data under {@code src/test/resources/regions/} (README.md there): nilearn 0.10.4's
 * own answers, written by {@code gen_regions_golden.py}.
 */
final class RegionsGolden {
  /** The synthetic data grid: 7×8×9 voxels of 2 × 2.5 × 3 mm. */
  static final Grid SYN_GRID = new Grid(7, 8, 9, new double[][] {
      {2.0, 0, 0, -7.0}, {0, 2.5, 0, -10.0}, {0, 0, 3.0, -12.0}, {0, 0, 0, 1}});

  private RegionsGolden() {}

  static Path path(String name) {
    // The reference subjects are shared with the mask tests (one copy in the repository).
    String dir = name.matches("sub-0[123]_bold\\.nii\\.gz") ? "/mask/" : "/regions/";
    URL url = RegionsGolden.class.getResource(dir + name);
    if (url == null) {
      throw new IllegalStateException("missing test resource regions/" + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Npy.NpyArray npy(String name) {
    return Npy.read(path(name + ".npy"));
  }

  static double[][] matrix(String name) {
    return npy(name).toDoubleMatrix();
  }

  static double[] vector(String name) {
    return npy(name).toDoubleArray();
  }

  /** A C-ordered (X, Y, Z) array as a file-order volume. */
  static double[] volume(String name, Grid g) {
    Npy.NpyArray a = npy(name);
    assertArrayEquals(new long[] {g.nx(), g.ny(), g.nz()}, a.shape(), name);
    return cToFile(a.toDoubleArray(), g, 1, 0);
  }

  /** A C-ordered (X, Y, Z, K) array as K file-order volumes. */
  static double[][] volumes(String name, Grid g) {
    Npy.NpyArray a = npy(name);
    long[] s = a.shape();
    assertEquals(4, s.length, name);
    int k = (int) s[3];
    double[] flat = a.toDoubleArray();
    double[][] out = new double[k][];
    for (int m = 0; m < k; m++) {
      out[m] = cToFile(flat, g, k, m);
    }
    return out;
  }

  private static double[] cToFile(double[] flat, Grid g, int stride, int offset) {
    double[] out = new double[g.size()];
    int c = 0;
    for (int i = 0; i < g.nx(); i++) {
      for (int j = 0; j < g.ny(); j++) {
        for (int k = 0; k < g.nz(); k++) {
          out[g.index(i, j, k)] = flat[c * stride + offset];
          c++;
        }
      }
    }
    return out;
  }

  static BinaryMask mask(String file) {
    try (NiftiImage img = NiftiImage.open(path(file))) {
      return Masking.loadMask(img, false);
    }
  }

  /** The cleaning of every golden masker call: detrend, zscore_sample, 0.01–0.1 Hz, t_r 2 s. */
  static CleanOptions referenceClean() {
    return CleanOptions.builder().detrend(true).standardize(Signal.Standardize.ZSCORE_SAMPLE)
        .lowPass(0.1).highPass(0.01).tR(2.0).build();
  }

  static double maxAbsDiff(double[][] expected, double[][] got) {
    assertEquals(expected.length, got.length, "rows");
    double m = 0;
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i].length, got[i].length, "columns");
      for (int j = 0; j < expected[i].length; j++) {
        m = Math.max(m, Math.abs(expected[i][j] - got[i][j]));
      }
    }
    return m;
  }

  /** Largest |difference| divided by the largest |expected| value. */
  static double maxRelDiff(double[][] expected, double[][] got) {
    double scale = 0;
    for (double[] row : expected) {
      for (double x : row) {
        scale = Math.max(scale, Math.abs(x));
      }
    }
    return maxAbsDiff(expected, got) / scale;
  }

  /** Largest difference in float32 ulps of the expected values. */
  static double maxUlps(double[] expected, double[] got) {
    assertEquals(expected.length, got.length, "length");
    double m = 0;
    for (int i = 0; i < expected.length; i++) {
      double d = Math.abs(expected[i] - got[i]);
      if (d > 0) {
        m = Math.max(m, d / Math.ulp((float) expected[i]));
      }
    }
    return m;
  }

  static double maxUlps(double[][] expected, double[][] got) {
    assertEquals(expected.length, got.length, "rows");
    double m = 0;
    for (int i = 0; i < expected.length; i++) {
      m = Math.max(m, maxUlps(expected[i], got[i]));
    }
    return m;
  }

  static NiftiImage open(String file) {
    return NiftiImage.open(path(file));
  }
}
