package io.voxelflow.connectivity.graph;

/**
 * How {@link GraphBuilder} chooses edges among the candidate node pairs of a connectivity matrix
 * (pairs with r &gt; 0, or r ≠ 0 with {@code keepNegative}), ranked by |r|.
 */
public sealed interface ThresholdRule {

  /** Keep candidate pairs with |r| ≥ {@code threshold} (≥ 0). */
  record Absolute(double threshold) implements ThresholdRule {}

  /**
   * Keep the {@code round(density · n(n-1)/2)} candidate pairs with the largest |r| (fewer if there
   * are fewer candidates); {@code density} is a fraction of all node pairs, in [0, 1]. Ties in |r|
   * are broken by pair order (row-major lower triangle), so the result is deterministic.
   */
  record Density(double density) implements ThresholdRule {}

  /**
   * For every node, keep its {@code k} candidate pairs with the largest |r| (ties: lower neighbour
   * index first); the graph is the union over nodes, so degrees can exceed k.
   */
  record TopK(int k) implements ThresholdRule {}
}
