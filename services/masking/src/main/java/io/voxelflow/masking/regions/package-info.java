/**
 * Region signals, ported from nilearn 0.10.4: {@link io.voxelflow.masking.regions.LabelsMasker}
 * ({@code NiftiLabelsMasker}: one reduced signal per atlas label), {@link
 * io.voxelflow.masking.regions.MapsMasker} ({@code NiftiMapsMasker}: least-squares coefficients on
 * probabilistic maps), both followed by {@code signal.clean}; {@link
 * io.voxelflow.masking.regions.Resampling} ({@code image.resample_img} with scipy's {@code
 * affine_transform}, orders 0, 1 and 3) to bring atlases to the data grid, once per grid through a
 * {@link io.voxelflow.masking.regions.ResampledAtlasCache}. Volumes are streamed one at a time
 * ({@link io.voxelflow.masking.regions.VolumeSource}). Golden tests against nilearn's own outputs:
 * {@code src/test/resources/regions/README.md}.
 */
package io.voxelflow.masking.regions;
