package io.voxelflow.connectivity.voxelwise;

import io.voxelflow.numerics.FloatBlas;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * One tile of the voxel × voxel correlation matrix, {@code R[I, J] = Z_I · Z_Jᵀ} for voxel blocks
 * I ≤ J (BLAS sgemm; ssyrk on the diagonal, where only the upper triangle is needed). The unit of
 * work of a voxelwise connectome: a tile depends only on two blocks of z-scores, so tiles run on
 * any thread — or, with the same code, on any worker that can read the z-scores.
 *
 * <p>A tile owns one reusable {@code tileSize²} float32 output buffer (64 MiB at 4096): the only
 * memory that grows with the tile size.
 */
final class CorrelationTile {
  private final TileKernel kernel;
  private FloatBuffer out;
  private final int tileSize;
  private int rowFirst;
  private int rowCount;
  private int colFirst;
  private int colCount;

  CorrelationTile(int tileSize, TileKernel kernel) {
    this.tileSize = tileSize;
    this.kernel = kernel;
    this.out = kernel == TileKernel.OPENBLAS
        ? ByteBuffer.allocateDirect(tileSize * tileSize * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer()
        : null;
  }

  /** Computes the correlations of voxels {@code [rowFirst, +rowCount)} with {@code [colFirst, +colCount)}. */
  void compute(ZScoredVoxels z, int rowFirst, int rowCount, int colFirst, int colCount) {
    if (rowCount > tileSize || colCount > tileSize) {
      throw new IllegalArgumentException("tile larger than " + tileSize);
    }
    this.rowFirst = rowFirst;
    this.rowCount = rowCount;
    this.colFirst = colFirst;
    this.colCount = colCount;
    int t = z.timePoints();
    FloatBuffer a = z.block(rowFirst, rowCount);
    if (kernel == TileKernel.ND4J) {
      out = Nd4jTiles.correlate(a, rowFirst == colFirst ? null : z.block(colFirst, colCount), rowCount, colCount, t);
    } else if (rowFirst == colFirst) {
      FloatBlas.syrkUpper(a, t, out, colCount, rowCount, t);
    } else {
      FloatBlas.gemmNT(a, t, z.block(colFirst, colCount), t, out, colCount, rowCount, colCount, t);
    }
  }

  /** Whether this is a diagonal tile (only pairs above the diagonal are edges). */
  boolean diagonal() {
    return rowFirst == colFirst;
  }

  int rowFirst() {
    return rowFirst;
  }

  int rowCount() {
    return rowCount;
  }

  int colFirst() {
    return colFirst;
  }

  int colCount() {
    return colCount;
  }

  /** r for local row i, local column j, clamped to [−1, 1] (float rounding can exceed 1). */
  float r(int i, int j) {
    float v = out.get(i * colCount + j);
    return v > 1f ? 1f : (v < -1f ? -1f : v);
  }

  /**
   * Copies local row i's correlations, columns {@code [firstColumn(i), colCount)}, into
   * {@code dst} at the same indices (a bulk copy; values not clamped).
   */
  float[] row(int i, float[] dst) {
    int from = firstColumn(i);
    out.get(i * colCount + from, dst, from, colCount - from);
    return dst;
  }

  /** The first local column of row i that is a pair (above the diagonal on diagonal tiles). */
  int firstColumn(int i) {
    return diagonal() ? i + 1 : 0;
  }

  /** The value a rule compares: |r| with negatives kept, else r. */
  static float score(float r, boolean keepNegative) {
    return keepNegative ? Math.abs(r) : r;
  }
}
