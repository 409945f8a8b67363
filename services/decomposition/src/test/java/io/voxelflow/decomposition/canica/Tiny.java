package io.voxelflow.decomposition.canica;

import io.voxelflow.npy.Npy;
import io.voxelflow.numerics.Matrix;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tiny reference data set as CanICA sees it (made by tools/golden/make_decomposition_golden.py):
 * 3 subjects × 48 time points × 816 voxels, 3 planted networks.
 */
final class Tiny {
  static final int K = 3;
  /** reference.json quality.canica: nilearn 0.10.4's recovery of the planted maps. */
  static final double NILEARN_MEAN = 0.7246821796118187;
  static final double NILEARN_MIN = 0.693339363713276;

  private Tiny() {}

  static Matrix load(String resource) {
    try {
      Npy.NpyArray a = Npy.read(Path.of(Tiny.class.getResource("/" + resource).toURI()));
      long[] shape = a.shape();
      int rows = shape.length == 1 ? 1 : (int) shape[0];
      return new Matrix(rows, (int) shape[shape.length - 1], a.toDoubleArray());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<Matrix> subjects() {
    List<Matrix> s = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      s.add(load("tiny/canica_input_sub-0" + i + ".npy"));
    }
    return s;
  }

  /** nilearn's CanICA components_, 3 × 816. */
  static Matrix nilearnComponents() {
    return load("tiny/canica_components.npy");
  }

  /** Planted maps on the true mask, 3 × 928. */
  static Matrix truth() {
    return load("tiny/truth_maps.npy");
  }

  /** Maps on the CanICA mask (C × 816) put on the true mask (C × 928), zero outside the CanICA mask. */
  static Matrix onTrueMask(Matrix maps) {
    double[] column = load("tiny/truemask_to_canica_column.npy").data();
    Matrix out = Matrix.zeros(maps.rows(), column.length);
    for (int i = 0; i < maps.rows(); i++) {
      for (int j = 0; j < column.length; j++) {
        if (column[j] >= 0) {
          out.set(i, j, maps.get(i, (int) column[j]));
        }
      }
    }
    return out;
  }
}
