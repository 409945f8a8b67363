package io.voxelflow.numerics;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Loads ND4J's backend once (CPU: OpenBLAS through JavaCPP; with {@code -Dgpu}, CUDA) before any
 * BLAS or LAPACK call, so the native libraries and their thread settings are ND4J's.
 */
public final class Nd4jRuntime {

  private static volatile String backend;

  private Nd4jRuntime() {}

  /** Initialises the backend if needed and returns its name (e.g. {@code CpuBackend}). */
  public static String ensureLoaded() {
    String b = backend;
    if (b == null) {
      synchronized (Nd4jRuntime.class) {
        if (backend == null) {
          backend = Nd4j.getBackend().getClass().getSimpleName();
        }
        b = backend;
      }
    }
    return b;
  }
}
