/**
 * NIfTI-1 and NIfTI-2 reading and writing.
 *
 * <p>{@link io.voxelflow.nifti.NiftiImage} opens {@code .nii}, {@code .nii.gz} and {@code .hdr/.img}
 * pairs and streams 3-D volumes; {@link io.voxelflow.nifti.NiftiWriter} writes them volume by
 * volume; {@link io.voxelflow.nifti.NiftiHeader} holds every header field and derives what
 * nibabel derives ({@code affine}, {@code get_zooms()}, the TR in seconds, the scaling).
 *
 * <p>Orientation: a volume is an array in the file's order, {@code i} fastest (Fortran order of
 * {@code (i, j, k)}); world coordinates are in mm through the 4×4 affine. Converting to the
 * C order nilearn uses for masked voxels ({@code k} fastest) is the masking code's job.
 */
package io.voxelflow.nifti;
