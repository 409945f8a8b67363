package io.voxelflow.connectivity.connectome;

import io.voxelflow.npy.Npy;
import io.voxelflow.numerics.Matrix;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Golden data under {@code src/test/resources/connectome/}: the shared nilearn reference ({@code
 * roi_timeseries.npy}, {@code conn_*.npy}, float32) and the float64 goldens written by {@code
 * tools/golden/make_connectivity_golden.py} ({@code c64_*.npy}, {@code lw_shrinkage.npy}).
 */
final class ConnectomeGolden {

  private ConnectomeGolden() {}

  static Npy.NpyArray npy(String name) {
    URL url = ConnectomeGolden.class.getResource("/connectome/" + name + ".npy");
    if (url == null) {
      throw new IllegalStateException("missing test resource connectome/" + name + ".npy");
    }
    try {
      return Npy.read(Path.of(url.toURI()));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A (K, A, B) array as K matrices A × B. */
  static List<Matrix> stack(String name) {
    Npy.NpyArray a = npy(name);
    long[] s = a.shape();
    int rows = (int) s[1];
    int cols = (int) s[2];
    double[] flat = a.toDoubleArray();
    List<Matrix> out = new ArrayList<>();
    for (int k = 0; k < s[0]; k++) {
      out.add(new Matrix(rows, cols,
          Arrays.copyOfRange(flat, k * rows * cols, (k + 1) * rows * cols)));
    }
    return out;
  }

  static Matrix matrix(String name) {
    return Matrix.of(npy(name).toDoubleMatrix());
  }

  /** The 3 subjects' 48 × 8 region series, as float64 (exact copies of the float32 file). */
  static List<Matrix> subjects() {
    return stack("roi_timeseries");
  }

  static double maxAbs(List<Matrix> a, List<Matrix> b) {
    if (a.size() != b.size()) {
      throw new AssertionError(a.size() + " matrices vs " + b.size());
    }
    double m = 0;
    for (int i = 0; i < a.size(); i++) {
      m = Math.max(m, a.get(i).maxAbsDifference(b.get(i)));
    }
    return m;
  }

  static double maxAbs(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new AssertionError("length " + a.length + " vs " + b.length);
    }
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
