package io.voxelflow.decomposition.dictlearning;

import io.voxelflow.npy.Npy;
import io.voxelflow.numerics.Matrix;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * The golden data of {@code tools/golden/make_dictlearning_golden.py} (in
 * {@code src/test/resources/dictlearning/}): nilearn 0.10.4's DictLearning(n_components=3,
 * random_state=0) on the tiny reference dataset, and sklearn replays.
 */
final class DictGolden {
  private DictGolden() {}

  static Npy.NpyArray read(String name) {
    URL url = DictGolden.class.getResource("/dictlearning/" + name + ".npy");
    if (url == null) {
      throw new IllegalStateException("missing golden file dictlearning/" + name
          + ".npy: run tools/golden/make_dictlearning_golden.py");
    }
    try {
      return Npy.read(Path.of(url.toURI()));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A 2-D golden array as a float64 matrix. */
  static Matrix matrix(String name) {
    Npy.NpyArray a = read(name);
    long[] s = a.shape();
    return new Matrix((int) s[0], (int) s[1], a.toDoubleArray());
  }

  static int[] ints(String name) {
    return read(name).toIntArray();
  }

  static double[] vector(String name) {
    return read(name).toDoubleArray();
  }
}
