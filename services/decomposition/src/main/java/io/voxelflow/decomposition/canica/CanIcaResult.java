package io.voxelflow.decomposition.canica;

import io.voxelflow.numerics.Matrix;

/**
 * The outcome of {@link CanIca#fitReduced}.
 *
 * @param components ICA maps, nComponents × voxels (thresholded, each map's peak positive);
 *     nilearn's {@code components_}
 * @param groupPca the group PCA maps before ICA, nComponents × voxels (unit-norm rows; nilearn's
 *     {@code _MultiPCA} {@code components_}), e.g. for initialising other decompositions
 * @param groupSingularValues singular values of the group SVD (nilearn's {@code variance_})
 * @param chosenRun index of the FastICA restart kept (0-based)
 * @param runScores per restart, the maximum over maps of the L1 norm of the unthresholded sources
 *     (the kept run has the smallest)
 * @param iterations FastICA iterations of the kept run
 * @param converged whether the kept run reached the tolerance
 * @param thresholdValue the |value| cut-off applied, NaN when none
 */
public record CanIcaResult(Matrix components, Matrix groupPca, double[] groupSingularValues, int chosenRun,
    double[] runScores, int iterations, boolean converged, double thresholdValue) {}
