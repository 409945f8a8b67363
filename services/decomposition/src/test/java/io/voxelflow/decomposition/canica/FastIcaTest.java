package io.voxelflow.decomposition.canica;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.numerics.Linalg;
import io.voxelflow.numerics.Matrix;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** FastICA unmixes three non-Gaussian sources mixed by a random matrix (|r| ≥ 0.99 each). */
class FastIcaTest {

  @Test
  void recoversIndependentNonGaussianSources() {
    int n = 5000;
    Random rnd = new Random(1);
    Matrix s = Matrix.zeros(n, 3);
    for (int i = 0; i < n; i++) {
      s.set(i, 0, rnd.nextDouble() * 2 - 1);                    // uniform (sub-Gaussian)
      s.set(i, 1, Math.signum(rnd.nextDouble() - 0.5) * -Math.log(rnd.nextDouble())); // Laplace
      s.set(i, 2, Math.pow(rnd.nextDouble() * 2 - 1, 3));      // peaked
    }
    Matrix mixing = Matrix.of(new double[][] {{1, 0.5, 0.3}, {0.2, 1, 0.7}, {0.6, 0.1, 1}});
    Matrix x = Linalg.gemm(s, false, mixing, true);
    FastIca.Result r = FastIca.fit(x, 3, FastIca.DEFAULT_MAX_ITER, FastIca.DEFAULT_TOL);
    assertTrue(r.converged());
    Recovery.Score score = Recovery.match(s.transpose(), r.sources().transpose());
    assertTrue(score.min() >= 0.99, "min |r| " + score.min());
  }
}
