/**
 * Brain masks, ported from nilearn 0.10.4 ({@code nilearn.masking}) to plain arrays:
 * {@link io.voxelflow.masking.mask.Masking#computeEpiMask compute_epi_mask},
 * {@link io.voxelflow.masking.mask.Masking#computeMultiEpiMask compute_multi_epi_mask},
 * {@link io.voxelflow.masking.mask.Masking#intersectMasks intersect_masks}, scipy.ndimage's binary
 * morphology and labelling, and {@link io.voxelflow.masking.mask.BinaryMask}, whose
 * {@link io.voxelflow.masking.mask.BinaryMask#cOrderIndices()} gives the voxel order of nilearn's
 * masked matrices. Results are bit-identical to nilearn's on the reference data (see the tests).
 */
package io.voxelflow.masking.mask;
