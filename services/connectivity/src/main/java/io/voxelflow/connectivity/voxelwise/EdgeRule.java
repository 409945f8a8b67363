package io.voxelflow.connectivity.voxelwise;

import io.voxelflow.error.InvalidArgumentException;

/**
 * Which edges of a correlation graph are kept. Every rule compares {@code |r|} when
 * {@link #keepNegative()} (weights then signed) and {@code r} otherwise (only positive
 * correlations); the result's effective threshold is the smallest value kept.
 */
public sealed interface EdgeRule {

  /** Whether negative correlations count (by |r|); false keeps r &gt; 0 only. */
  boolean keepNegative();

  /** Keep edges with r (or |r|) ≥ {@code threshold}, in [0, 1]. */
  record Absolute(double threshold, boolean keepNegative) implements EdgeRule {
    public Absolute {
      if (!(threshold >= 0 && threshold <= 1)) {
        throw new InvalidArgumentException("THRESHOLD_OUT_OF_RANGE",
            "an absolute correlation threshold must be in [0, 1], got " + threshold).with("threshold", threshold);
      }
    }
  }

  /**
   * Keep the {@code density × V(V−1)/2} node pairs with the largest r (or |r|), in (0, 1]; ties at
   * the cut are broken by (source, target).
   */
  record Density(double density, boolean keepNegative) implements EdgeRule {
    public Density {
      if (!(density > 0 && density <= 1)) {
        throw new InvalidArgumentException("DENSITY_OUT_OF_RANGE", "an edge density must be in (0, 1], got " + density)
            .with("density", density);
      }
    }
  }

  /** Keep, for every node, its {@code k} edges with the largest r (or |r|); the graph is their union. */
  record TopK(int k, boolean keepNegative) implements EdgeRule {
    public TopK {
      if (k < 1) {
        throw new InvalidArgumentException("TOP_K_OUT_OF_RANGE", "top_k must be at least 1, got " + k).with("top_k", k);
      }
    }
  }

  /**
   * Boubela et al. (2016)'s adaptive rule: lower the threshold from 1 in steps of 0.01 until the
   * graph is small-world sized, {@code log N / log K ∈ [0, 4]} with the mean degree
   * {@code K = 2E / N}, but never below {@link #FLOOR}.
   */
  record Adaptive(boolean keepNegative) implements EdgeRule {
    /** The lowest threshold the rule ever uses. */
    public static final double FLOOR = 0.6;
    /** The step by which the threshold is lowered. */
    public static final double STEP = 0.01;
    /** The largest admissible {@code log N / log K}. */
    public static final double MAX_LOG_RATIO = 4.0;

    /**
     * The rule's threshold given {@code countAtLeast[s]} = number of edges with value ≥ {@code 1 − s·STEP}
     * for s = 0…40 and N nodes.
     */
    public static double choose(long[] countAtLeast, long nodes) {
      int steps = (int) Math.round((1 - FLOOR) / STEP);
      for (int s = 0; s <= steps; s++) {
        double k = 2.0 * countAtLeast[s] / nodes;
        if (k > 1) {
          double ratio = Math.log(nodes) / Math.log(k);
          if (ratio >= 0 && ratio <= MAX_LOG_RATIO) {
            return thresholdAt(s);
          }
        }
      }
      return FLOOR;
    }

    /** The threshold after s steps, rounded to the step's decimals. */
    public static double thresholdAt(int s) {
      return Math.round((1 - s * STEP) * 100) / 100.0;
    }
  }
}
