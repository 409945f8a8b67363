/**
 * The numeric core of nilearn 0.10.4's {@code DictLearning}: sparse spatial maps by online
 * dictionary learning (Mairal et al. 2010) with coordinate-descent Lasso coding, as
 * scikit-learn 1.2's {@code dict_learning_online(method='cd')} computes it, started from
 * CanICA's maps. No I/O, gRPC or framework types.
 *
 * <p>Orientation: subject signals are n_timepoints × n_voxels, reductions and their stack
 * n_samples × n_voxels, maps k × n_voxels; all row-major {@link io.voxelflow.numerics.Matrix}
 * in float64. Inside the learning, scikit-learn's view is used: voxels are samples, the rows of
 * the stacked reductions are features, and the dictionary (k × n_samples) holds temporal atoms.
 *
 * <p>Entry points: {@link io.voxelflow.decomposition.dictlearning.SubjectReduction} per subject
 * ({@link io.voxelflow.decomposition.dictlearning.ExactSvdReduction} is an exact-SVD stand-in),
 * {@link io.voxelflow.decomposition.dictlearning.DictLearning#stackReductions}, then
 * {@link io.voxelflow.decomposition.dictlearning.DictLearning#fit} with CanICA's components and
 * {@link io.voxelflow.decomposition.dictlearning.DictLearningParameters}.
 *
 * <p>Randomness: one seed per fit drives the voxel shuffle (and the rare resampling of an unused
 * atom) through a port of numpy's legacy {@code RandomState} stream, so a seed reproduces
 * nilearn's {@code random_state} shuffle exactly; equal inputs and seeds give identical output.
 */
package io.voxelflow.decomposition.dictlearning;
