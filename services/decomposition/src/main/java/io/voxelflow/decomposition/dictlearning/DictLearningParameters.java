package io.voxelflow.decomposition.dictlearning;

import io.voxelflow.error.InvalidArgumentException;

/**
 * Hyper-parameters of {@link DictLearning}, with nilearn 0.10.4's defaults.
 *
 * @param alpha sparsity penalty on the spatial maps (L1 weight of the codes), &gt; 0; nilearn's
 *     default 10
 * @param batchSize voxels per mini-batch, ≥ 1; default 20
 * @param nEpochs passes over the voxels, ≥ 1; default 1. Used by {@link Schedule#EPOCHS} only
 * @param seed seeds the voxel shuffle (and atom resampling): runs with equal seeds and inputs
 *     are identical; the shuffle equals numpy's {@code RandomState(seed)} (nilearn's
 *     {@code random_state=seed}), 0 ≤ seed &lt; 2³²
 * @param schedule how many mini-batch steps to run
 * @param codingMaxIter coordinate-descent sweeps allowed per Lasso, ≥ 1; sklearn's 1000
 */
public record DictLearningParameters(double alpha, int batchSize, int nEpochs, long seed,
    Schedule schedule, int codingMaxIter) {

  /** nilearn's default {@code alpha}. */
  public static final double DEFAULT_ALPHA = 10;
  /** nilearn's default {@code batch_size}. */
  public static final int DEFAULT_BATCH_SIZE = 20;
  /** nilearn's default {@code n_epochs}. */
  public static final int DEFAULT_N_EPOCHS = 1;

  /**
   * The number of mini-batch steps.
   *
   * <p>nilearn 0.10.4 asks scikit-learn for {@code max_iter = ceil(n_voxels / batch_size) ·
   * n_epochs}, meaning n_epochs passes over the voxels. scikit-learn 1.2.1's
   * {@code dict_learning_online} does not forward {@code max_iter} to
   * {@code MiniBatchDictionaryLearning}, which therefore takes its legacy branch and runs its
   * default {@code n_iter = 1000} steps, whatever the data size or n_epochs. The project's
   * reference run (nilearn 0.10.4 + scikit-learn 1.2.1) is the latter.
   */
  public enum Schedule {
    /** 1000 steps, as nilearn 0.10.4 with scikit-learn 1.2.1 runs (the reference oracle). */
    SKLEARN_1_2_FIXED_1000_STEPS,
    /** {@code ceil(n_voxels / batchSize) · nEpochs} steps: what nilearn's parameters describe. */
    EPOCHS;

    /** Steps to run on {@code nVoxels} voxels. */
    public int steps(int nVoxels, int batchSize, int nEpochs) {
      if (this == SKLEARN_1_2_FIXED_1000_STEPS) {
        return 1000;
      }
      int bs = Math.min(batchSize, nVoxels);
      return Math.multiplyExact((nVoxels + bs - 1) / bs, nEpochs);
    }
  }

  /** Validates; see the component descriptions. */
  public DictLearningParameters {
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new InvalidArgumentException("ALPHA_NOT_POSITIVE",
          "DictLearning alpha must be a finite number > 0, got " + alpha);
    }
    if (batchSize < 1) {
      throw new InvalidArgumentException("BATCH_SIZE_TOO_SMALL",
          "DictLearning batch_size must be >= 1, got " + batchSize);
    }
    if (nEpochs < 1) {
      throw new InvalidArgumentException("N_EPOCHS_TOO_SMALL",
          "DictLearning n_epochs must be >= 1, got " + nEpochs);
    }
    if (seed < 0 || seed > 0xffffffffL) {
      throw new InvalidArgumentException("SEED_OUT_OF_RANGE",
          "DictLearning seed must be in [0, 2^32), got " + seed);
    }
    if (schedule == null) {
      throw new InvalidArgumentException("SCHEDULE_REQUIRED", "DictLearning schedule is null");
    }
    if (codingMaxIter < 1) {
      throw new InvalidArgumentException("MAX_ITER_TOO_SMALL",
          "DictLearning coding max_iter must be >= 1, got " + codingMaxIter);
    }
  }

  /** nilearn's defaults (alpha 10, batch 20, 1 epoch) as the reference runs them, with a seed. */
  public static DictLearningParameters defaults(long seed) {
    return new DictLearningParameters(DEFAULT_ALPHA, DEFAULT_BATCH_SIZE, DEFAULT_N_EPOCHS, seed,
        Schedule.SKLEARN_1_2_FIXED_1000_STEPS, LassoCd.DEFAULT_MAX_ITER);
  }

  /** A copy with another schedule. */
  public DictLearningParameters withSchedule(Schedule s) {
    return new DictLearningParameters(alpha, batchSize, nEpochs, seed, s, codingMaxIter);
  }
}
