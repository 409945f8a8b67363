package io.voxelflow.connectivity.voxelwise;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The {@link TileKernel#ND4J} product of a tile: {@code A · Bᵀ} with ND4J on its loaded backend. */
final class Nd4jTiles {
  private Nd4jTiles() {}

  /**
   * Rows × cols correlations of two blocks of z-scores (each rows/cols × t, row-major), or of a
   * block with itself when {@code b} is null; returned as a (heap) buffer, row-major.
   */
  static FloatBuffer correlate(FloatBuffer a, FloatBuffer b, int rows, int cols, int t) {
    INDArray left = matrix(a, rows, t);
    INDArray right = b == null ? left : matrix(b, cols, t);
    INDArray product = Nd4j.gemm(left, right, false, true);
    float[] out = product.castTo(DataType.FLOAT).dup('c').data().asFloat();
    left.close();
    if (right != left) {
      right.close();
    }
    product.close();
    return FloatBuffer.wrap(out);
  }

  private static INDArray matrix(FloatBuffer block, int rows, int t) {
    float[] data = new float[rows * t];
    block.get(0, data);
    return Nd4j.create(data, new long[] {rows, t}, 'c');
  }
}
