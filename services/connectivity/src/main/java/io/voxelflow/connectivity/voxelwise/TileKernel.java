package io.voxelflow.connectivity.voxelwise;

/** How a correlation tile's product is computed. */
public enum TileKernel {
  /**
   * OpenBLAS sgemm/ssyrk straight on the memory-mapped z-score blocks (no copies): the CPU default.
   */
  OPENBLAS,
  /**
   * ND4J's {@code mmul} on INDArrays copied from the blocks: runs on whatever backend ND4J loaded —
   * CUDA in a GPU image built with {@code -Dgpu}. On the CPU backend it is the same BLAS with two
   * extra copies per tile.
   */
  ND4J;

  /** ND4J on a CUDA backend, OpenBLAS otherwise. */
  public static TileKernel auto() {
    return io.voxelflow.numerics.Nd4jRuntime.ensureLoaded().toLowerCase(java.util.Locale.ROOT).contains("cuda")
        ? ND4J : OPENBLAS;
  }
}
