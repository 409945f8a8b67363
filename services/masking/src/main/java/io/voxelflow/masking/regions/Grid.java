package io.voxelflow.masking.regions;

import io.voxelflow.nifti.NiftiHeader;
import java.util.Arrays;

/**
 * A 3-D voxel grid: the shape {@code nx × ny × nz} and the 4×4 voxel-to-world affine (row-major,
 * mm), as nibabel's {@code img.shape[:3]} and {@code img.affine}. Volumes on a grid are flat arrays
 * in NIfTI file order: voxel {@code (i, j, k)} at {@code i + nx·(j + ny·k)}.
 *
 * <p>Equality is exact (shape and every affine element); {@link #sameFov} is nilearn's tolerant
 * {@code check_same_fov}.
 */
public record Grid(int nx, int ny, int nz, double[][] affine) {

  public Grid {
    if (nx <= 0 || ny <= 0 || nz <= 0) {
      throw new IllegalArgumentException("grid dimensions must be positive: " + nx + "×" + ny + "×" + nz);
    }
    if ((long) nx * ny * nz > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("grid of " + nx + "×" + ny + "×" + nz + " voxels is too large");
    }
    affine = copyAffine(affine);
  }

  /** The grid of an image: its first three dimensions (missing ones count as 1) and its affine. */
  public static Grid of(NiftiHeader header) {
    long[] s = header.shape();
    int[] d = {1, 1, 1};
    for (int i = 0; i < Math.min(3, s.length); i++) {
      d[i] = Math.toIntExact(s[i]);
    }
    return new Grid(d[0], d[1], d[2], header.affine());
  }

  /** Voxels in the grid. */
  public int size() {
    return nx * ny * nz;
  }

  /** The shape as {@code {nx, ny, nz}}. */
  public int[] shape() {
    return new int[] {nx, ny, nz};
  }

  /** A copy of the affine. */
  @Override
  public double[][] affine() {
    return copyAffine(affine);
  }

  /** Affine element {@code (r, c)} without copying. */
  public double affine(int r, int c) {
    return affine[r][c];
  }

  /** File-order index of voxel {@code (i, j, k)}. */
  public int index(int i, int j, int k) {
    return i + nx * (j + ny * k);
  }

  /**
   * nilearn's {@code check_same_fov(this, other)}: same shape and {@code np.allclose} affines
   * ({@code |a - b| <= 1e-8 + 1e-5·|b|} element-wise, {@code b} being {@code other}'s; the maskers
   * call it with the data grid first and the atlas grid second).
   */
  public boolean sameFov(Grid other) {
    if (nx != other.nx || ny != other.ny || nz != other.nz) {
      return false;
    }
    return allClose(affine, other.affine);
  }

  /** numpy's {@code allclose(a, b)} with the default tolerances (rtol 1e-5, atol 1e-8). */
  static boolean allClose(double[][] a, double[][] b) {
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        double x = a[r][c];
        double y = b[r][c];
        if (!(Math.abs(x - y) <= 1e-8 + 1e-5 * Math.abs(y))) {
          if (!(x == y)) { // equal infinities
            return false;
          }
        }
      }
    }
    return true;
  }

  private static double[][] copyAffine(double[][] a) {
    if (a == null || a.length != 4) {
      throw new IllegalArgumentException("affine must be 4×4");
    }
    double[][] out = new double[4][];
    for (int r = 0; r < 4; r++) {
      if (a[r] == null || a[r].length != 4) {
        throw new IllegalArgumentException("affine must be 4×4");
      }
      out[r] = a[r].clone();
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Grid g && nx == g.nx && ny == g.ny && nz == g.nz
        && Arrays.deepEquals(affine, g.affine);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * nx + ny) + nz) + Arrays.deepHashCode(affine);
  }

  @Override
  public String toString() {
    return nx + "×" + ny + "×" + nz + " " + Arrays.deepToString(affine);
  }
}
