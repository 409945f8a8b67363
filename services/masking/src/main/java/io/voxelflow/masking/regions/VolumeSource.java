package io.voxelflow.masking.regions;

import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiImage;
import java.util.Objects;

/**
 * The 3-D volumes of a 4-D image, read once, in order: what the maskers stream through so that
 * memory stays at one volume plus the {@code T × regions} result. Implementations may transform
 * the volumes on the way (e.g. smoothing).
 */
public interface VolumeSource {
  /** The grid every volume is on. */
  Grid grid();

  /** Number of volumes {@code T}. */
  int volumeCount();

  /**
   * The datatype nilearn would hold the data in: it decides the precision of nilearn's results
   * ({@code float32} signals for float32 data; LAPACK's single-precision least squares for
   * float32 maps with float32 or small-integer data). Images whose {@code scl_slope}/{@code
   * scl_inter} really scale the values count as {@link NiftiDatatype#FLOAT64}.
   */
  NiftiDatatype datatype();

  /**
   * Reads the next volume into {@code dst} ({@code grid().size()} values, file order).
   *
   * @throws IllegalStateException after the last volume
   */
  void readNext(double[] dst);

  /** True when nilearn's array for this data is float32. */
  default boolean float32() {
    return datatype() == NiftiDatatype.FLOAT32;
  }

  /**
   * The volumes of an open image, from its first volume (the image is rewound). A 3-D image is one
   * volume.
   */
  static VolumeSource of(NiftiImage image) {
    Objects.requireNonNull(image, "image");
    Grid grid = Grid.of(image.header());
    long count = image.volumeCount();
    if (count > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too many volumes: " + count);
    }
    NiftiDatatype type = Dtypes.ofData(image.header());
    image.seek(0);
    return new VolumeSource() {
      @Override
      public Grid grid() {
        return grid;
      }

      @Override
      public int volumeCount() {
        return (int) count;
      }

      @Override
      public NiftiDatatype datatype() {
        return type;
      }

      @Override
      public void readNext(double[] dst) {
        image.readVolume(dst);
      }
    };
  }

  /**
   * In-memory volumes ({@code volumes[t]} in file order; not copied).
   *
   * @param datatype the precision nilearn would see (see {@link #datatype()})
   */
  static VolumeSource of(Grid grid, double[][] volumes, NiftiDatatype datatype) {
    Objects.requireNonNull(grid, "grid");
    Objects.requireNonNull(datatype, "datatype");
    for (double[] v : volumes) {
      if (v.length != grid.size()) {
        throw new IllegalArgumentException("volume of " + v.length + " values on a grid of " + grid.size());
      }
    }
    return new VolumeSource() {
      private int next;

      @Override
      public Grid grid() {
        return grid;
      }

      @Override
      public int volumeCount() {
        return volumes.length;
      }

      @Override
      public NiftiDatatype datatype() {
        return datatype;
      }

      @Override
      public void readNext(double[] dst) {
        if (next >= volumes.length) {
          throw new IllegalStateException("all " + volumes.length + " volumes have been read");
        }
        System.arraycopy(volumes[next++], 0, dst, 0, grid.size());
      }
    };
  }
}
