/**
 * Seed-based correlation maps: the seed's time series (the mean of the mask voxels inside a sphere,
 * as nilearn 0.10.4's {@code NiftiSpheresMasker}, or a given series) correlated with every mask voxel.
 *
 * <p><b>Orientation and units.</b> Data are time × voxels, {@code float[T][V]} (float32 as stored),
 * row {@code t} one volume restricted to the mask; the V mask voxels are in C order of their (i, j,
 * k) indices, given as a flat {@code int[3V]} ({@code i0, j0, k0, i1, …}). The affine is the 4 × 4
 * voxel → world matrix (mm); seed coordinates and radius are in mm. Accumulation is in double.
 */
package io.voxelflow.connectivity.seed;
