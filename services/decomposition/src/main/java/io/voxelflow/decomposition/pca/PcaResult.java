package io.voxelflow.decomposition.pca;

import io.voxelflow.numerics.Linalg;
import io.voxelflow.numerics.Matrix;

/**
 * A fitted PCA (sklearn's fitted attributes).
 *
 * @param components principal axes as rows, nComponents × features, unit norm ({@code components_})
 * @param explainedVariance variance along each axis, {@code s² / (nSamples − 1)}, descending
 * @param explainedVarianceRatio each axis' share of the total variance (ddof 1 over all features)
 * @param singularValues singular values of the centred data for the kept axes
 * @param mean per-feature mean removed before the decomposition, length features
 * @param noiseVariance mean variance of the discarded axes (probabilistic PCA's σ², 0 when none is
 *     discarded)
 * @param nSamples number of samples (rows) fitted
 * @param solver the solver that ran ({@link Pca.Solver#FULL} or {@link Pca.Solver#RANDOMIZED};
 *     {@code null} for {@link IncrementalPca})
 */
public record PcaResult(Matrix components, double[] explainedVariance, double[] explainedVarianceRatio,
    double[] singularValues, double[] mean, double noiseVariance, long nSamples, Pca.Solver solver) {

  /** Number of components. */
  public int nComponents() {
    return components.rows();
  }

  /**
   * Projects samples on the components: {@code (x − mean) · componentsᵀ}, samples × nComponents
   * (sklearn's {@code transform} without whitening).
   */
  public Matrix transform(Matrix x) {
    if (x.cols() != mean.length) {
      throw new IllegalArgumentException(
          "data have " + x.cols() + " features, the PCA was fitted on " + mean.length);
    }
    return Linalg.gemm(Pca.centred(x, mean), false, components, true);
  }
}
