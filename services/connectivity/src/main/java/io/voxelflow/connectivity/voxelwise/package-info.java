/**
 * Voxelwise functional connectomes (after Boubela et al. 2016, "Scalable and interactive
 * visualization and analysis of connectivity in large-scale functional MRI data"): z-scored voxel
 * series on disk ({@link io.voxelflow.connectivity.voxelwise.ZScoredVoxels}), all-pairs correlation
 * in BLAS tiles on and above the diagonal, thresholded into a sparse graph
 * ({@link io.voxelflow.connectivity.voxelwise.VoxelwiseConnectome}) by an
 * {@link io.voxelflow.connectivity.voxelwise.EdgeRule}.
 */
package io.voxelflow.connectivity.voxelwise;
