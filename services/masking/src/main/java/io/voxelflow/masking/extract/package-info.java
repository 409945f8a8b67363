/**
 * Voxel time series from 4-D images, as nilearn 0.10.4's {@code NiftiMasker}: Gaussian smoothing
 * ({@link io.voxelflow.masking.extract.Smoothing}), masking and cleaning ({@link
 * io.voxelflow.masking.extract.MaskedSignals}), and nilearn's float32 {@code signal.clean} ({@link
 * io.voxelflow.masking.extract.Float32Clean}).
 */
package io.voxelflow.masking.extract;
