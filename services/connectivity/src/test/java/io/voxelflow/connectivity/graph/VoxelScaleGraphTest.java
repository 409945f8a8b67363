package io.voxelflow.connectivity.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The scalable metrics on a voxel-sized random graph: 200,000 nodes, 2,000,000 edges (about 24 MB of
 * adjacency arrays). Values are checked against straightforward references computed here.
 */
@Tag("slow")
class VoxelScaleGraphTest {
  private static final int N = 200_000;
  private static final int M = 2_000_000;

  /** A random simple graph: 2.1 M random pairs, de-duplicated, the first 2 M kept. */
  private static EdgeList randomGraph(long seed) {
    Random rng = new Random(seed);
    long[] packed = new long[M + M / 20];
    for (int k = 0; k < packed.length; k++) {
      int u = rng.nextInt(N);
      int v = rng.nextInt(N - 1);
      v = v >= u ? v + 1 : v;
      packed[k] = ((long) Math.max(u, v) << 32) | Math.min(u, v);
    }
    Arrays.sort(packed);
    int[] s = new int[M];
    int[] t = new int[M];
    double[] w = new double[M];
    int m = 0;
    for (int k = 0; k < packed.length && m < M; k++) {
      if (k > 0 && packed[k] == packed[k - 1]) {
        continue;
      }
      s[m] = (int) (packed[k] >>> 32);
      t[m] = (int) packed[k];
      w[m] = 0.1 + 0.9 * rng.nextDouble() * (rng.nextBoolean() ? 1 : -1);
      m++;
    }
    assertEquals(M, m, "not enough distinct pairs");
    return new EdgeList(N, s, t, w);
  }

  @Test
  void degree_strength_clustering_components_on_200k_nodes_2m_edges() {
    long t0 = System.nanoTime();
    EdgeList e = randomGraph(3);
    NetworkReport r = NetworkMetrics.compute(e, new NetworkMetrics.Options(true, Metric.scalableOnes(), 0));
    long t1 = System.nanoTime();
    System.out.printf("200k nodes / 2M edges: scalable metrics in %.1f s, heap used %d MB%n",
        (t1 - t0) / 1e9,
        (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);

    double[] degree = r.nodeColumns().get("degree");
    assertEquals(2.0 * M, Arrays.stream(degree).sum(), 0.0);
    double[] strength = r.nodeColumns().get("strength");
    double absSum = Arrays.stream(e.weight()).map(Math::abs).sum();
    assertEquals(2 * absSum, Arrays.stream(strength).sum(), 1e-6 * absSum);

    // components: reference by union-find
    int[] parent = new int[N];
    for (int v = 0; v < N; v++) {
      parent[v] = v;
    }
    for (int k = 0; k < M; k++) {
      int a = find(parent, e.source()[k]);
      int b = find(parent, e.target()[k]);
      if (a != b) {
        parent[a] = b;
      }
    }
    long roots = 0;
    for (int v = 0; v < N; v++) {
      roots += find(parent, v) == v ? 1 : 0;
    }
    assertEquals((double) roots, r.global().get("n_components"), 0.0);

    // clustering: reference by sorted-neighbour intersection on a sample of nodes
    CsrGraph g = CsrGraph.of(e);
    double[] cl = r.nodeColumns().get("clustering");
    long triangles = 0;
    long triples = 0;
    for (int v = 0; v < N; v++) {
      int k = g.degree(v);
      long links = 0;
      for (int a = g.rowStart(v); a < g.rowEnd(v); a++) {
        for (int b = a + 1; b < g.rowEnd(v); b++) {
          if (g.edgeBetween(g.neighbor(a), g.neighbor(b)) >= 0) {
            links++;
          }
        }
      }
      triangles += links;
      triples += (long) k * (k - 1) / 2;
      double expected = k < 2 ? 0 : links / (k * (k - 1) / 2.0);
      assertEquals(expected, cl[v], 1e-12, "clustering of node " + v);
    }
    assertEquals((double) triangles / triples, r.global().get("transitivity"), 1e-12);
  }

  private static int find(int[] parent, int v) {
    while (parent[v] != v) {
      parent[v] = parent[parent[v]];
      v = parent[v];
    }
    return v;
  }
}
