package io.voxelflow.decomposition.dictlearning;

import io.voxelflow.numerics.Matrix;

/**
 * What {@link DictLearning#fit} learnt.
 *
 * @param components spatial maps, k × n_voxels, each of unit L2 norm (an all-zero map stays
 *     zero) and signed so that it has at least as many positive as negative voxels
 *     (nilearn's {@code components_})
 * @param dictionary temporal atoms, k × n_samples (rows of the stacked reductions), norm ≤ 1
 * @param initialDictionary the ridge loadings the learning started from, k × n_samples
 *     (what nilearn passes to scikit-learn as {@code dict_init})
 * @param steps mini-batch steps run
 * @param resampledAtoms atoms replaced by a random voxel because they fell out of use
 */
public record DictLearningResult(Matrix components, Matrix dictionary, Matrix initialDictionary,
    int steps, int resampledAtoms) {}
