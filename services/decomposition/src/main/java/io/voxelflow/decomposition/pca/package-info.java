/**
 * Principal component analysis of a samples × features matrix (for fMRI: time × voxels, or the
 * rows of several subjects stacked), as scikit-learn 1.2's {@code PCA} ({@link
 * io.voxelflow.decomposition.pca.Pca}: exact, randomized or automatic solver) and {@code
 * IncrementalPCA} ({@link io.voxelflow.decomposition.pca.IncrementalPca}: row blocks one at a time,
 * so a group of subjects never has to be in memory at once).
 *
 * <p>Conventions, as sklearn: data are centred per feature; {@code explained_variance_} uses
 * {@code n_samples − 1}; components are rows (n_components × features) whose signs follow {@code
 * svd_flip}. Matrices are row-major {@link io.voxelflow.numerics.Matrix} (float64). Randomized
 * results are deterministic for a given seed but not bit-identical to numpy's RNG.
 */
package io.voxelflow.decomposition.pca;
