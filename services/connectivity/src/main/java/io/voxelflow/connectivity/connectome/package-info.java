/**
 * Region-level functional connectomes, a port of nilearn 0.10.4's {@code
 * nilearn.connectome.ConnectivityMeasure} with its defaults (Ledoit-Wolf covariance as
 * scikit-learn's {@code LedoitWolf(store_precision=False)}).
 *
 * <p><b>Orientation and units.</b> A subject is a time × regions matrix ({@link
 * io.voxelflow.numerics.Matrix}, row-major, double precision): row {@code t} is time point {@code
 * t}, column {@code r} one region's signal, in the signal's own units. Connectomes are regions ×
 * regions, symmetric. Covariances are in squared signal units; correlations, partial correlations
 * and tangent-space values have no unit.
 *
 * <p>Entry points: {@link io.voxelflow.connectivity.connectome.ConnectivityMeasure#fitTransform}
 * with {@link io.voxelflow.connectivity.connectome.ConnectivityOptions}; the building blocks
 * ({@link io.voxelflow.connectivity.connectome.CovarianceEstimation}, {@link
 * io.voxelflow.connectivity.connectome.Connectivity#covToCorr}, {@link
 * io.voxelflow.connectivity.connectome.Connectivity#precToPartial}, {@link
 * io.voxelflow.connectivity.connectome.Connectivity#symMatrixToVec}, {@link
 * io.voxelflow.connectivity.connectome.TangentSpace#geometricMean}) are public too. Golden tests
 * against nilearn: {@code tools/golden/make_connectivity_golden.py}.
 */
package io.voxelflow.connectivity.connectome;
