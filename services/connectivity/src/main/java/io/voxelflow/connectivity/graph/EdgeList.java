package io.voxelflow.connectivity.graph;

import io.voxelflow.error.InvalidArgumentException;

/**
 * A compact undirected graph: node count and parallel edge arrays. Edge {@code e} joins {@code
 * source[e]} and {@code target[e]} (order irrelevant) with weight {@code weight[e]}. The arrays are
 * owned by the record (not copied).
 *
 * @param nodeCount number of nodes n; nodes are {@code 0..n-1}
 * @param source one endpoint per edge, length m
 * @param target the other endpoint per edge, length m
 * @param weight the edge weights (e.g. correlations), finite and non-zero, length m
 */
public record EdgeList(int nodeCount, int[] source, int[] target, double[] weight) {

  /**
   * Checks the arrays: equal lengths, endpoints in range, no self-loops, finite non-zero weights
   * ({@code INVALID_GRAPH}); duplicate edges are detected when the {@link CsrGraph} is built.
   */
  public EdgeList {
    if (nodeCount < 0) {
      throw invalid("node count must be ≥ 0, got " + nodeCount);
    }
    if (source.length != target.length || source.length != weight.length) {
      throw invalid("edge arrays differ in length: " + source.length + " sources, " + target.length
          + " targets, " + weight.length + " weights");
    }
    for (int e = 0; e < source.length; e++) {
      int u = source[e];
      int v = target[e];
      if (u < 0 || u >= nodeCount || v < 0 || v >= nodeCount) {
        throw invalid("edge " + e + " (" + u + ", " + v + ") has a node outside 0.." + (nodeCount - 1));
      }
      if (u == v) {
        throw invalid("edge " + e + " is a self-loop on node " + u);
      }
      if (!Double.isFinite(weight[e]) || weight[e] == 0) {
        throw invalid("edge " + e + " (" + u + ", " + v + ") has weight " + weight[e]
            + "; weights must be finite and non-zero");
      }
    }
  }

  /** An unweighted edge list (all weights 1). */
  public static EdgeList unweighted(int nodeCount, int[] source, int[] target) {
    double[] w = new double[source.length];
    java.util.Arrays.fill(w, 1.0);
    return new EdgeList(nodeCount, source, target, w);
  }

  /** Number of edges m. */
  public int edgeCount() {
    return source.length;
  }

  static InvalidArgumentException invalid(String message) {
    return new InvalidArgumentException("INVALID_GRAPH", message);
  }
}
