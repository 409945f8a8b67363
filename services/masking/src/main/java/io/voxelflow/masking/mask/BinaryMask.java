package io.voxelflow.masking.mask;

import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiHeader;
import io.voxelflow.nifti.NiftiWriter;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A 3-D boolean mask on an image grid.
 *
 * <p>{@code voxels} is in NIfTI file order: voxel {@code (i, j, k)} is at {@code i + x·(j + y·k)}
 * ({@code i} fastest). nilearn's maskers list voxels in numpy C order of {@code (i, j, k)}
 * ({@code k} fastest): {@link #cOrderIndices()} gives that order.
 *
 * <p>The constructor copies {@code voxels} and {@code affine}; the accessors return the mask's own
 * arrays, which must not be modified.
 *
 * @param affine the 4×4 voxel-to-world affine (row-major, mm)
 */
public record BinaryMask(boolean[] voxels, int x, int y, int z, double[][] affine) {

  public BinaryMask {
    if (x <= 0 || y <= 0 || z <= 0) {
      throw new IllegalArgumentException("mask dimensions must be positive: " + x + "×" + y + "×" + z);
    }
    if (voxels == null || (long) x * y * z != voxels.length) {
      throw new IllegalArgumentException("mask of " + x + "×" + y + "×" + z + " needs " + (long) x * y * z
          + " voxels, got " + (voxels == null ? "null" : voxels.length));
    }
    if (affine == null || affine.length != 4) {
      throw new IllegalArgumentException("affine must be 4×4");
    }
    double[][] a = new double[4][];
    for (int r = 0; r < 4; r++) {
      if (affine[r] == null || affine[r].length != 4) {
        throw new IllegalArgumentException("affine must be 4×4");
      }
      a[r] = affine[r].clone();
    }
    voxels = voxels.clone();
    affine = a;
  }

  /** A mask with the identity affine. */
  public static BinaryMask of(boolean[] voxels, int x, int y, int z) {
    return new BinaryMask(voxels, x, y, z, identity());
  }

  static double[][] identity() {
    return new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
  }

  /** Number of voxels in the grid. */
  public int size() {
    return voxels.length;
  }

  /** Number of voxels in the mask. */
  public int count() {
    int n = 0;
    for (boolean b : voxels) {
      if (b) {
        n++;
      }
    }
    return n;
  }

  /** Whether voxel {@code (i, j, k)} is in the mask. */
  public boolean get(int i, int j, int k) {
    if (i < 0 || i >= x || j < 0 || j >= y || k < 0 || k >= z) {
      throw new IndexOutOfBoundsException("voxel (" + i + ", " + j + ", " + k + ") outside " + x + "×" + y + "×" + z);
    }
    return voxels[i + x * (j + y * k)];
  }

  /**
   * The masked voxels in the order nilearn's maskers use for the columns of a masked matrix
   * (numpy C order of {@code (i, j, k)}: {@code i} slowest, {@code k} fastest), each given as its
   * <em>file-order</em> index {@code i + x·(j + y·k)}. Column {@code n} of a masked time series is
   * therefore {@code volume[cOrderIndices()[n]]} for a volume read in file order.
   */
  public int[] cOrderIndices() {
    int[] out = new int[count()];
    int n = 0;
    for (int i = 0; i < x; i++) {
      for (int j = 0; j < y; j++) {
        for (int k = 0; k < z; k++) {
          int f = i + x * (j + y * k);
          if (voxels[f]) {
            out[n++] = f;
          }
        }
      }
    }
    return out;
  }

  /**
   * The masked voxels' numpy flat indices {@code (i·y + j)·z + k} (C order), ascending: what
   * {@code np.flatnonzero(mask_array)} returns in Python; same voxel order as {@link #cOrderIndices()}.
   */
  public int[] cOrderFlatIndices() {
    int[] file = cOrderIndices();
    int[] out = new int[file.length];
    for (int n = 0; n < file.length; n++) {
      int f = file[n];
      int i = f % x;
      int j = (f / x) % y;
      int k = f / (x * y);
      out[n] = (i * y + j) * z + k;
    }
    return out;
  }

  /** True when {@code other} has the same dimensions and exactly the same affine. */
  public boolean sameGrid(BinaryMask other) {
    return x == other.x && y == other.y && z == other.z && Arrays.deepEquals(affine, other.affine);
  }

  /** Dice coefficient {@code 2|A∩B| / (|A| + |B|)} with a mask of the same dimensions (1 when both are empty). */
  public double dice(BinaryMask other) {
    if (x != other.x || y != other.y || z != other.z) {
      throw new IllegalArgumentException("masks of different dimensions");
    }
    long both = 0;
    long a = 0;
    long b = 0;
    for (int v = 0; v < voxels.length; v++) {
      if (voxels[v]) {
        a++;
      }
      if (other.voxels[v]) {
        b++;
        if (voxels[v]) {
          both++;
        }
      }
    }
    return a + b == 0 ? 1.0 : 2.0 * both / (a + b);
  }

  /**
   * Writes the mask as a 3-D uint8 NIfTI-1 image of 0/1 (the datatype of nilearn's
   * {@code compute_epi_mask} result), affine in the sform with code 2 ("aligned") and qform code 0,
   * as nibabel writes a new image.
   */
  public void writeNifti(Path path) {
    writeNifti(path, NiftiDatatype.UINT8);
  }

  /**
   * Writes the mask as a 3-D NIfTI-1 image of 0/1 in {@code datatype} (nilearn's
   * {@code intersect_masks}, hence {@code compute_multi_epi_mask}, returns {@link NiftiDatatype#INT8}).
   */
  public void writeNifti(Path path, NiftiDatatype datatype) {
    NiftiHeader h = NiftiHeader.of(datatype, x, y, z).setAffine(affine, 2).setQformCode(0);
    double[] vol = new double[voxels.length];
    for (int v = 0; v < vol.length; v++) {
      vol[v] = voxels[v] ? 1 : 0;
    }
    try (NiftiWriter w = NiftiWriter.create(path, h)) {
      w.writeVolume(vol);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BinaryMask m && sameGrid(m) && Arrays.equals(voxels, m.voxels);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * Arrays.hashCode(voxels) + x) + y) + z + Arrays.deepHashCode(affine);
  }

  @Override
  public String toString() {
    return "BinaryMask[" + x + "×" + y + "×" + z + ", " + count() + " voxels, affine=" + Arrays.deepToString(affine) + "]";
  }
}
