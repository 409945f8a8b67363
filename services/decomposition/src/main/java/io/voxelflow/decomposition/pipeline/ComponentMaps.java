package io.voxelflow.decomposition.pipeline;

import io.voxelflow.masking.extract.MaskedSignals;
import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.numerics.Matrix;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Spatial maps as matrices (maps × voxels) on a chosen set of voxels, to compare components with
 * other maps (e.g. planted networks on the truth mask, with {@code Recovery}).
 */
public final class ComponentMaps {
  private ComponentMaps() {}

  /** The volumes of a 3-D/4-D image at the voxels of {@code at} (C order), volumes × voxels. */
  public static Matrix read(Path image, BinaryMask at) {
    try (NiftiImage img = NiftiImage.open(image)) {
      return Matrix.of(MaskedSignals.extract(img, at, null, null));
    }
  }

  /**
   * Maps given on the voxels of {@code from} placed on the voxels of {@code to} (same grid), 0 where
   * {@code to} has a voxel {@code from} lacks.
   */
  public static Matrix onVoxels(Matrix maps, BinaryMask from, BinaryMask to) {
    int[] column = new int[from.size()];
    Arrays.fill(column, -1);
    int[] idx = from.cOrderIndices();
    for (int n = 0; n < idx.length; n++) {
      column[idx[n]] = n;
    }
    int[] t = to.cOrderIndices();
    double[] d = new double[maps.rows() * t.length];
    for (int c = 0; c < maps.rows(); c++) {
      for (int n = 0; n < t.length; n++) {
        int col = column[t[n]];
        d[c * t.length + n] = col < 0 ? 0 : maps.get(c, col);
      }
    }
    return new Matrix(maps.rows(), t.length, d);
  }
}
