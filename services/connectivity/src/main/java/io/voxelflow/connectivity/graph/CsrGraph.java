package io.voxelflow.connectivity.graph;

import java.util.Arrays;

/**
 * Compressed sparse row adjacency of an undirected simple graph: the neighbours of node {@code v}
 * are {@code neighbors[offsets[v] .. offsets[v+1])}, sorted ascending, and {@code edgeIds} at the
 * same positions give the edge (index into the {@link EdgeList}). Each edge appears twice (once per
 * endpoint). Memory: {@code 4(n+1) + 16m} bytes for the adjacency plus the edge list itself.
 */
public final class CsrGraph {
  private final EdgeList edges;
  private final int[] offsets;
  private final int[] neighbors;
  private final int[] edgeIds;

  private CsrGraph(EdgeList edges, int[] offsets, int[] neighbors, int[] edgeIds) {
    this.edges = edges;
    this.offsets = offsets;
    this.neighbors = neighbors;
    this.edgeIds = edgeIds;
  }

  /**
   * Builds the adjacency (counting sort by node, then a sort of each row).
   *
   * @throws io.voxelflow.error.InvalidArgumentException {@code INVALID_GRAPH} on a duplicate edge
   */
  public static CsrGraph of(EdgeList edges) {
    int n = edges.nodeCount();
    int m = edges.edgeCount();
    int[] offsets = new int[n + 1];
    for (int e = 0; e < m; e++) {
      offsets[edges.source()[e] + 1]++;
      offsets[edges.target()[e] + 1]++;
    }
    for (int v = 0; v < n; v++) {
      offsets[v + 1] += offsets[v];
    }
    int[] fill = Arrays.copyOf(offsets, n);
    long[] packed = new long[2 * m]; // neighbour << 32 | edge id, sorted per row
    for (int e = 0; e < m; e++) {
      int u = edges.source()[e];
      int v = edges.target()[e];
      packed[fill[u]++] = ((long) v << 32) | e;
      packed[fill[v]++] = ((long) u << 32) | e;
    }
    int[] neighbors = new int[2 * m];
    int[] ids = new int[2 * m];
    for (int v = 0; v < n; v++) {
      Arrays.sort(packed, offsets[v], offsets[v + 1]);
      for (int k = offsets[v]; k < offsets[v + 1]; k++) {
        neighbors[k] = (int) (packed[k] >>> 32);
        ids[k] = (int) packed[k];
        if (k > offsets[v] && neighbors[k] == neighbors[k - 1]) {
          throw EdgeList.invalid("duplicate edge between nodes " + v + " and " + neighbors[k]
              + " (edges " + ids[k - 1] + " and " + ids[k] + ")");
        }
      }
    }
    return new CsrGraph(edges, offsets, neighbors, ids);
  }

  /** The edge list this adjacency was built from. */
  public EdgeList edges() {
    return edges;
  }

  /** Number of nodes. */
  public int nodeCount() {
    return edges.nodeCount();
  }

  /** Number of edges. */
  public int edgeCount() {
    return edges.edgeCount();
  }

  /** Number of neighbours of {@code v}. */
  public int degree(int v) {
    return offsets[v + 1] - offsets[v];
  }

  /** Start of {@code v}'s row in {@link #neighbor} / {@link #edgeAt}. */
  public int rowStart(int v) {
    return offsets[v];
  }

  /** End (exclusive) of {@code v}'s row. */
  public int rowEnd(int v) {
    return offsets[v + 1];
  }

  /** The neighbour stored at CSR position {@code k}. */
  public int neighbor(int k) {
    return neighbors[k];
  }

  /** The edge id stored at CSR position {@code k}. */
  public int edgeAt(int k) {
    return edgeIds[k];
  }

  /** The id of the edge joining u and v, or -1 (binary search in u's row). */
  public int edgeBetween(int u, int v) {
    int k = Arrays.binarySearch(neighbors, offsets[u], offsets[u + 1], v);
    return k >= 0 ? edgeIds[k] : -1;
  }
}
