package io.voxelflow.connectivity.voxelwise;

import java.util.Arrays;

/**
 * A growable buffer of undirected edges {@code (source, target, weight)}, {@code source < target},
 * in insertion order, as correlation tiles emit them: parallel primitive arrays, 12 bytes per edge.
 * {@link #toGraph} turns it into the graph package's immutable
 * {@link io.voxelflow.connectivity.graph.EdgeList}.
 */
public final class EdgeBuffer {
  private int[] source;
  private int[] target;
  private float[] weight;
  private int size;

  /** An empty list with room for {@code capacity} edges. */
  public EdgeBuffer(int capacity) {
    capacity = Math.max(16, capacity);
    source = new int[capacity];
    target = new int[capacity];
    weight = new float[capacity];
  }

  /** Appends an edge. */
  public void add(int s, int t, float w) {
    if (size == source.length) {
      int n = (int) Math.min(Integer.MAX_VALUE - 8, source.length * 2L);
      source = Arrays.copyOf(source, n);
      target = Arrays.copyOf(target, n);
      weight = Arrays.copyOf(weight, n);
    }
    source[size] = s;
    target[size] = t;
    weight[size] = w;
    size++;
  }

  /** Appends edges {@code [from, to)} of another list. */
  public void addRange(EdgeBuffer o, int from, int to) {
    for (int e = from; e < to; e++) {
      add(o.source[e], o.target[e], o.weight[e]);
    }
  }

  /** Number of edges. */
  public int size() {
    return size;
  }

  /** Source node of edge e. */
  public int source(int e) {
    return source[e];
  }

  /** Target node of edge e. */
  public int target(int e) {
    return target[e];
  }

  /** Weight (Pearson r) of edge e. */
  public float weight(int e) {
    return weight[e];
  }

  /** The edges as the graph package's immutable edge list over {@code nodes} nodes (weights widened). */
  public io.voxelflow.connectivity.graph.EdgeList toGraph(int nodes) {
    double[] w = new double[size];
    for (int e = 0; e < size; e++) {
      w[e] = weight[e];
    }
    return new io.voxelflow.connectivity.graph.EdgeList(nodes, Arrays.copyOf(source, size), Arrays.copyOf(target, size), w);
  }
}
