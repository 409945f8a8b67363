package io.voxelflow.connectivity.graph;

import java.util.EnumSet;
import java.util.Set;

/** The graph metrics {@link NetworkMetrics#compute} can produce: per node or for the whole graph. */
public enum Metric {
  /** Per node: number of neighbours. */
  DEGREE(true, true),
  /** Per node: sum of |w| over incident edges (= degree for a binary graph). */
  STRENGTH(true, true),
  /** Per node: local clustering coefficient, always binary (edges among neighbours / k(k-1)/2). */
  CLUSTERING(true, true),
  /** Per node: betweenness centrality normalised by (n-1)(n-2)/2 (networkx normalized=True). */
  BETWEENNESS(true, false),
  /** Per node: eigenvector centrality, unit Euclidean norm. */
  EIGENVECTOR(true, false),
  /** Per node: connected component id (0 = the component of node 0, …); global: their count. */
  COMPONENTS(true, true),
  /** Per node: community id from seeded label propagation (best Q of 10 runs); global: its Q. */
  COMMUNITIES(true, false),
  /** Global: mean of 1/d over ordered node pairs (0 for disconnected pairs). */
  GLOBAL_EFFICIENCY(false, false),
  /** Global: mean shortest-path length over ordered connected pairs. */
  CHARACTERISTIC_PATH_LENGTH(false, false),
  /** Global: 3 × triangles / connected triples (binary). */
  TRANSITIVITY(false, true);

  private final boolean perNode;
  private final boolean scalable;

  Metric(boolean perNode, boolean scalable) {
    this.perNode = perNode;
    this.scalable = scalable;
  }

  /** Whether the metric gives a value per node (else one value for the graph). */
  public boolean perNode() {
    return perNode;
  }

  /** Whether it runs in about linear time and memory, so it is fit for voxel graphs. */
  public boolean scalable() {
    return scalable;
  }

  /** Every metric. */
  public static Set<Metric> all() {
    return EnumSet.allOf(Metric.class);
  }

  /** The metrics fit for voxel graphs: degree, strength, clustering, components, transitivity. */
  public static Set<Metric> scalableOnes() {
    EnumSet<Metric> s = EnumSet.noneOf(Metric.class);
    for (Metric m : values()) {
      if (m.scalable) {
        s.add(m);
      }
    }
    return s;
  }
}
