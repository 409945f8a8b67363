package io.voxelflow.masking.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.voxelflow.npy.Npy;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Access to the golden data of {@code tools/golden/make_signal_golden.py} (in
 * {@code src/test/resources/signal/}) and tolerance-aware comparisons.
 */
final class SignalGolden {
  /** t_r of every golden case, seconds. */
  static final double T_R = 2.0;
  /** Band of the golden cases, Hz. */
  static final double LOW_PASS = 0.1;
  static final double HIGH_PASS = 0.01;

  private SignalGolden() {}

  static Path path(String name) {
    URL url = SignalGolden.class.getResource("/signal/" + name + ".npy");
    if (url == null) {
      throw new IllegalStateException("missing golden file signal/" + name
          + ".npy: run /usr/bin/python3 tools/golden/make_signal_golden.py");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static double[][] matrix(String name) {
    return Npy.read(path(name)).toDoubleMatrix();
  }

  static double[] vector(String name) {
    Npy.NpyArray a = Npy.read(path(name));
    assertEquals(1, a.ndim(), name + " should be 1-D");
    return a.toDoubleArray();
  }

  /** Frames 5, 6 and 20 censored out of 48. */
  static int[] scrubMid() {
    return keptExcept(48, 5, 6, 20);
  }

  /** Frames 0, 1, 20, 46 and 47 censored out of 48 (exercises extrapolation and the ~k quirk). */
  static int[] scrubEdges() {
    return keptExcept(48, 0, 1, 20, 46, 47);
  }

  static int[] keptExcept(int n, int... dropped) {
    return java.util.stream.IntStream.range(0, n)
        .filter(i -> Arrays.stream(dropped).noneMatch(d -> d == i)).toArray();
  }

  /** Largest |actual - expected| over all entries; fails on a shape mismatch. */
  static double maxAbsDiff(double[][] expected, double[][] actual) {
    assertEquals(expected.length, actual.length, "rows (time points)");
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i].length, actual[i].length, "columns in row " + i);
      for (int j = 0; j < expected[i].length; j++) {
        double d = Math.abs(actual[i][j] - expected[i][j]);
        if (Double.isNaN(d)) {
          fail("NaN at (" + i + "," + j + "): expected " + expected[i][j] + ", got "
              + actual[i][j]);
        }
        max = Math.max(max, d);
      }
    }
    return max;
  }

  static double maxAbs(double[][] m) {
    double max = 0;
    for (double[] row : m) {
      for (double v : row) {
        max = Math.max(max, Math.abs(v));
      }
    }
    return max;
  }

  /** Asserts {@code max|actual - expected| <= tol}, reporting the achieved error. */
  static void assertClose(double[][] expected, double[][] actual, double tol, String what) {
    double err = maxAbsDiff(expected, actual);
    if (!(err <= tol)) {
      fail(what + ": max abs error " + err + " > tolerance " + tol);
    }
  }

  /** Asserts the error relative to the largest expected magnitude is at most {@code relTol}. */
  static void assertRelClose(double[][] expected, double[][] actual, double relTol, String what) {
    double scale = Math.max(1.0, maxAbs(expected));
    assertClose(expected, actual, relTol * scale, what + " (scale " + scale + ")");
  }
}
