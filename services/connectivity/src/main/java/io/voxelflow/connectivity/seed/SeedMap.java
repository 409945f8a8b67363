package io.voxelflow.connectivity.seed;

/**
 * A seed-based correlation map.
 *
 * @param r Pearson correlation of the seed with each mask voxel, length V, in [-1, 1]; 0 for a
 *     constant voxel
 * @param z Fisher z = artanh(r) per voxel (r clipped to ±(1 - 2⁻⁵³), so |z| ≤ 18.72), or null when
 *     not asked for
 * @param seedSeries the seed time series, length T, in the data's units
 * @param seedVoxelCount number of mask voxels averaged into the seed (0 when the series was given)
 * @param seedVoxels the mask-voxel indices (columns) averaged into the seed, ascending; empty when
 *     the series was given
 */
public record SeedMap(double[] r, double[] z, double[] seedSeries, int seedVoxelCount, int[] seedVoxels) {}
