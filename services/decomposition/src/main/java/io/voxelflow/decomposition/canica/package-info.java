/**
 * Canonical ICA (Varoquaux et al. 2010, "A group model for stable multi-subject ICA on fMRI
 * datasets", NeuroImage 51), the numerics of nilearn 0.10.4's {@code CanICA} on already masked,
 * smoothed, detrended and z-scored subject matrices (time × voxels, the masking service's output):
 *
 * <ol>
 *   <li>{@link io.voxelflow.decomposition.canica.CanIca#reduceSubject per subject} (independent, so
 *       subjects can run on a thread pool and each reduced matrix can be persisted): the top
 *       singular triplets of the voxels × time matrix, kept as rows {@code s_i · u_iᵀ}
 *       (n_components × voxels) — nilearn's {@code _mask_and_reduce_single};
 *   <li>{@link io.voxelflow.decomposition.canica.CanIca#fitReduced group step}: rows of all reduced
 *       matrices, each scaled to unit norm ({@code do_cca}), randomized SVD with 3 power iterations
 *       ({@code _MultiPCA._raw_fit}), FastICA ({@link io.voxelflow.decomposition.canica.FastIca},
 *       cube non-linearity) restarted {@code n_init} times keeping the run with the smallest maximum
 *       per-component L1 norm, then the threshold and a sign flip making each map's peak positive
 *       ({@code CanICA._unmix_components});
 *   <li>{@link io.voxelflow.decomposition.canica.CanIca#timeCourses time courses}: least squares of a
 *       subject's data on the maps, as nilearn's {@code transform} (NiftiMapsMasker).
 * </ol>
 *
 * <p>Matrices are row-major {@link io.voxelflow.numerics.Matrix} (float64; nilearn runs the SVDs in
 * float32, FastICA in float64). Results are deterministic for a given seed, but not bit-identical to
 * nilearn's (numpy's RNG is not reproduced). {@link io.voxelflow.decomposition.canica.Recovery}
 * scores estimated maps against planted ones as the reference benchmark does.
 */
package io.voxelflow.decomposition.canica;
