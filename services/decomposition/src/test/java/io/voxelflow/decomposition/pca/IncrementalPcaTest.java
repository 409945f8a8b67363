package io.voxelflow.decomposition.pca;

import static io.voxelflow.decomposition.pca.PcaTest.absCos;
import static io.voxelflow.decomposition.pca.PcaTest.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.numerics.Matrix;
import org.junit.jupiter.api.Test;

/**
 * IncrementalPca fed one tiny subject (48 × 816) at a time: with sklearn's retention it reproduces
 * {@code IncrementalPCA(3).partial_fit} per subject (goldens {@code tiny/ipca_group_*}, float64)
 * to 1e-8; retaining every direction it equals the exact PCA of the stacked subjects to 1e-6.
 */
class IncrementalPcaTest {

  private static final String[] SUBJECTS = {"tiny/masked_sub-01.npy", "tiny/masked_sub-02.npy",
      "tiny/masked_sub-03.npy"};

  @Test
  void sklearnRetentionReproducesSklearnIncrementalPca() {
    IncrementalPca ipca = new IncrementalPca(3);
    for (String s : SUBJECTS) {
      ipca.partialFit(load(s));
    }
    PcaResult r = ipca.result();
    Matrix comps = load("tiny/ipca_group_components.npy");
    double[] ev = load("tiny/ipca_group_explained_variance.npy").data();
    double[] evr = load("tiny/ipca_group_explained_variance_ratio.npy").data();
    assertEquals(144, r.nSamples());
    for (int i = 0; i < 3; i++) {
      assertEquals(ev[i], r.explainedVariance()[i], 1e-8 * ev[i]);
      assertEquals(evr[i], r.explainedVarianceRatio()[i], 1e-8);
      for (int j = 0; j < comps.cols(); j++) {
        assertEquals(comps.get(i, j), r.components().get(i, j), 1e-8, "component " + i + " voxel " + j);
      }
    }
  }

  @Test
  void retainingEveryDirectionEqualsExactPcaOfTheStackedData() {
    IncrementalPca ipca = new IncrementalPca(3, 144);
    for (String s : SUBJECTS) {
      ipca.partialFit(load(s));
    }
    PcaResult inc = ipca.result();
    PcaResult full = Pca.fit(PcaTest.group(), 3, Pca.Solver.FULL, 0);
    for (int i = 0; i < 3; i++) {
      assertEquals(full.explainedVariance()[i], inc.explainedVariance()[i], 1e-6 * full.explainedVariance()[i]);
      assertEquals(full.explainedVarianceRatio()[i], inc.explainedVarianceRatio()[i], 1e-6);
      assertEquals(full.singularValues()[i], inc.singularValues()[i], 1e-6 * full.singularValues()[i]);
      assertTrue(absCos(full.components().row(i), inc.components().row(i)) > 1 - 1e-6);
      // up to the sign convention (IncrementalPCA flips on V, PCA on U), entry-wise within 1e-6
      double sign = Math.signum(dot(full.components().row(i), inc.components().row(i)));
      for (int j = 0; j < full.components().cols(); j++) {
        assertEquals(full.components().get(i, j), sign * inc.components().get(i, j), 1e-6);
      }
    }
    for (int j = 0; j < full.mean().length; j++) {
      assertEquals(full.mean()[j], inc.mean()[j], 1e-12);
    }
  }

  @Test
  void changingFeatureCountOrAskingTooEarlyIsRejected() {
    IncrementalPca ipca = new IncrementalPca(3);
    assertEquals("TOO_MANY_COMPONENTS", assertThrows(InvalidArgumentException.class, ipca::result).reason());
    ipca.partialFit(load(SUBJECTS[0]));
    assertEquals("SHAPE_MISMATCH", assertThrows(InvalidArgumentException.class,
        () -> ipca.partialFit(Matrix.zeros(4, 10))).reason());
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
