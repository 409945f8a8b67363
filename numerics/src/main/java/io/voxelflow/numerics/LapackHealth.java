package io.voxelflow.numerics;

import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A once-per-process check that the LAPACK loaded with ND4J gives correct answers beyond the sizes
 * where its blocked algorithms start calling level-3 kernels.
 *
 * <p>Why: the OpenBLAS 0.3.19 bundled with ND4J 1.0.0-M2.1 (JavaCPP presets 1.5.7) selects its
 * SkylakeX kernels on recent AVX-512/AMX Xeons, and with them {@code dgesdd} returns wrong
 * factors from about 200 × 60 on, {@code dgetri} wrong inverses from about 60 × 60 (and may corrupt
 * the heap); {@code cblas_dgemm} is right. Starting the JVM with {@code OPENBLAS_CORETYPE=Haswell}
 * in its environment avoids it. Independently, OpenBLAS needs thread stacks larger than the JVM's
 * default 1 MiB ({@code -Xss4m}, and a stack size for pool threads doing LAPACK calls).
 *
 * <p>The check factorises a fixed 200 × 60 random matrix with {@link Linalg#svd} and measures the
 * reconstruction error (a few milliseconds).
 */
public final class LapackHealth {

  private static volatile Optional<String> result;

  private LapackHealth() {}

  /** Empty if LAPACK passed the check, otherwise what went wrong and what to do. */
  public static Optional<String> problem() {
    Optional<String> r = result;
    if (r == null) {
      synchronized (LapackHealth.class) {
        if (result == null) {
          result = run();
        }
        r = result;
      }
    }
    return r;
  }

  /** Throws {@link IllegalStateException} with {@link #problem()}'s message if the check failed. */
  public static void requireHealthy() {
    problem().ifPresent(p -> {
      throw new IllegalStateException(p);
    });
  }

  private static Optional<String> run() {
    int m = 200;
    int n = 60;
    SplittableRandom rnd = new SplittableRandom(20240601L);
    double[] d = new double[m * n];
    for (int i = 0; i < d.length; i++) {
      d[i] = rnd.nextGaussian();
    }
    Matrix a = new Matrix(m, n, d);
    Linalg.Svd svd = Linalg.svd(a);
    double err = svd.u().times(Matrix.diagonal(svd.s())).times(svd.vt()).maxAbsDifference(a);
    if (!(err < 1e-9)) {
      return Optional.of("LAPACK dgesdd reconstructs a 200 × 60 matrix with error " + err
          + ": OpenBLAS picked a broken kernel set for this CPU (OPENBLAS_CORETYPE="
          + System.getenv("OPENBLAS_CORETYPE") + "); start the JVM with OPENBLAS_CORETYPE=Haswell");
    }
    return Optional.empty();
  }
}
