/**
 * The group decomposition pipeline, without service concerns: nilearn's multi-subject EPI mask,
 * each subject masked, smoothed, detrended and z-scored and reduced on its own (in parallel, each
 * reduction optionally cached), the group step (CanICA, DictLearning or PCA — incremental when the
 * stacked data exceed a memory budget), and per-subject time courses
 * ({@link io.voxelflow.decomposition.pipeline.GroupDecomposition}).
 */
package io.voxelflow.decomposition.pipeline;
