package io.voxelflow.masking.extract;

import io.voxelflow.npy.Npy;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * The golden data in {@code src/test/resources/extract/} (see its README and
 * {@code gen_extract_golden.py}), and comparison helpers.
 */
final class ExtractFixtures {
  /** The affine of the 7×8×9 fixtures (anisotropic, rotated, sheared). */
  static final double[][] AFFINE_7X8X9 = {
      {2.0, 0.3, 0.0, -10.0}, {0.0, 2.9, 0.4, 5.0}, {0.5, 0.0, 1.5, 2.0}, {0.0, 0.0, 0.0, 1.0}};

  private ExtractFixtures() {}

  static Path path(String name) {
    // The reference subject and nilearn's mask are shared with the mask tests (one copy).
    String dir = name.equals("sub-01_bold.nii.gz") || name.equals("epi_mask.nii.gz") ? "/mask/" : "/extract/";
    URL url = ExtractFixtures.class.getResource(dir + name);
    if (url == null) {
      throw new IllegalStateException("missing test resource extract/" + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Npy.NpyArray npy(String name) {
    return Npy.read(path(name));
  }

  static float[] floats(String name) {
    return npy(name).toFloatArray();
  }

  static double[] doubles(String name) {
    return npy(name).toDoubleArray();
  }

  static double[][] matrix(String name) {
    return npy(name).toDoubleMatrix();
  }

  static float[][] floatMatrix(String name) {
    return npy(name).toFloatMatrix();
  }

  static double maxAbsDiff(double[][] a, double[][] b) {
    checkShape(a, b);
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
      }
    }
    return m;
  }

  static double maxAbsDiff(float[][] a, double[][] b) {
    double[][] d = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      d[i] = new double[a[i].length];
      for (int j = 0; j < a[i].length; j++) {
        d[i][j] = a[i][j];
      }
    }
    return maxAbsDiff(d, b);
  }

  /** Number of elements whose float32 bits differ. */
  static int bitMismatches(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new AssertionError("lengths " + a.length + " vs " + b.length);
    }
    int n = 0;
    for (int i = 0; i < a.length; i++) {
      if (Float.floatToIntBits(a[i]) != Float.floatToIntBits(b[i])) {
        n++;
      }
    }
    return n;
  }

  /** Largest difference in units of the last place of the expected float32 value. */
  static double maxUlps(float[] got, float[] expected) {
    double m = 0;
    for (int i = 0; i < got.length; i++) {
      m = Math.max(m, Math.abs((double) got[i] - expected[i]) / Math.ulp(expected[i]));
    }
    return m;
  }

  static double maxRelDiff(double[] got, double[] expected) {
    double m = 0;
    for (int i = 0; i < got.length; i++) {
      m = Math.max(m, Math.abs(got[i] - expected[i]) / Math.max(Math.abs(expected[i]), 1e-300));
    }
    return m;
  }

  private static void checkShape(double[][] a, double[][] b) {
    if (a.length != b.length) {
      throw new AssertionError("rows " + a.length + " vs " + b.length);
    }
    for (int i = 0; i < a.length; i++) {
      if (a[i].length != b[i].length) {
        throw new AssertionError("row " + i + ": " + a[i].length + " vs " + b[i].length + " columns");
      }
    }
  }
}
