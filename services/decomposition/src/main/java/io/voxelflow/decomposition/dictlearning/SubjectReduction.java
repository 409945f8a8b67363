package io.voxelflow.decomposition.dictlearning;

import io.voxelflow.numerics.Matrix;

/**
 * The temporal reduction nilearn applies to each subject before a decomposition
 * ({@code _mask_and_reduce_single}): the subject's masked, cleaned signals X (n_timepoints ×
 * n_voxels) are replaced by their {@code n = min(n_components, n_timepoints)} leading right
 * singular vectors scaled by the singular values, {@code S_i · V_iᵀ} (n × n_voxels), each signed
 * so that its largest-magnitude voxel is positive (sklearn's {@code svd_flip} on {@code Xᵀ}).
 *
 * <p>Subjects are independent: a service can reduce them in parallel and persist each result.
 * nilearn stacks the reductions in subject order ({@link DictLearning#stackReductions}).
 */
public interface SubjectReduction {

  /**
   * Reduces one subject.
   *
   * @param signals n_timepoints × n_voxels
   * @param nComponents components kept, ≥ 1 (capped at n_timepoints)
   * @return min(nComponents, n_timepoints) × n_voxels
   */
  Matrix reduce(Matrix signals, int nComponents);
}
