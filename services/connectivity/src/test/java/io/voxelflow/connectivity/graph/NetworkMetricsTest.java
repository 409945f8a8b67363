package io.voxelflow.connectivity.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.numerics.Matrix;
import java.io.IOException;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Graph metrics on small graphs whose values are known by hand. */
class NetworkMetricsTest {
  private static final double TOL = 1e-12;

  private static EdgeList graph(int n, int[][] edges) {
    int[] s = new int[edges.length];
    int[] t = new int[edges.length];
    for (int e = 0; e < edges.length; e++) {
      s[e] = edges[e][0];
      t[e] = edges[e][1];
    }
    return EdgeList.unweighted(n, s, t);
  }

  @Test
  void triangle() {
    CsrGraph g = CsrGraph.of(graph(3, new int[][] {{0, 1}, {1, 2}, {2, 0}}));
    assertArrayEquals(new double[] {1, 1, 1}, NetworkMetrics.clustering(g), TOL);
    assertEquals(1.0, NetworkMetrics.transitivity(g), TOL);
    assertArrayEquals(new double[] {0, 0, 0}, NetworkMetrics.betweenness(g, false), TOL);
    double s = 1 / Math.sqrt(3);
    assertArrayEquals(new double[] {s, s, s}, NetworkMetrics.eigenvectorCentrality(g, false), 1e-10);
    assertEquals(1.0, NetworkMetrics.pathStatistics(g, false).globalEfficiency(), TOL);
    assertEquals(1.0, NetworkMetrics.pathStatistics(g, false).characteristicPathLength(), TOL);
  }

  @Test
  void star_with_four_leaves() {
    CsrGraph g = CsrGraph.of(graph(5, new int[][] {{0, 1}, {0, 2}, {0, 3}, {0, 4}}));
    assertArrayEquals(new int[] {4, 1, 1, 1, 1}, NetworkMetrics.degree(g));
    assertArrayEquals(new double[] {0, 0, 0, 0, 0}, NetworkMetrics.clustering(g), TOL);
    assertEquals(0.0, NetworkMetrics.transitivity(g), TOL);
    // the centre lies on all 6 leaf-leaf shortest paths, normalised by (n-1)(n-2)/2 = 6
    assertArrayEquals(new double[] {1, 0, 0, 0, 0}, NetworkMetrics.betweenness(g, false), TOL);
    // principal eigenvector of a star: centre 1/√2, leaves 1/(2√2) (bipartite: needs the A+I shift)
    double[] ev = NetworkMetrics.eigenvectorCentrality(g, false);
    assertEquals(1 / Math.sqrt(2), ev[0], 1e-9);
    assertEquals(1 / (2 * Math.sqrt(2)), ev[3], 1e-9);
    // 8 ordered pairs at distance 1, 12 at distance 2
    assertEquals((8 + 12 * 0.5) / 20, NetworkMetrics.pathStatistics(g, false).globalEfficiency(), TOL);
    assertEquals((8 + 12 * 2.0) / 20, NetworkMetrics.pathStatistics(g, false).characteristicPathLength(), TOL);
  }

  @Test
  void weighted_path_uses_distance_one_over_weight() {
    EdgeList e = new EdgeList(3, new int[] {0, 1}, new int[] {1, 2}, new double[] {0.5, -0.25});
    CsrGraph g = CsrGraph.of(e);
    assertArrayEquals(new double[] {0.5, 0.75, 0.25}, NetworkMetrics.strength(g), TOL);
    // distances 2 and 4: pairs (0,1)=2, (1,2)=4, (0,2)=6
    NetworkMetrics.PathStatistics p = NetworkMetrics.pathStatistics(g, true);
    assertEquals((2 + 4 + 6) / 3.0, p.characteristicPathLength(), TOL);
    assertEquals((1 / 2.0 + 1 / 4.0 + 1 / 6.0) / 3, p.globalEfficiency(), TOL);
    assertArrayEquals(new double[] {0, 1, 0}, NetworkMetrics.betweenness(g, true), TOL);
  }

  @Test
  void two_cliques_joined_by_a_bridge() {
    // K4 on 0..3 and K4 on 4..7, bridge 3-4
    int[][] edges = new int[13][];
    int k = 0;
    for (int base : new int[] {0, 4}) {
      for (int i = 0; i < 4; i++) {
        for (int j = i + 1; j < 4; j++) {
          edges[k++] = new int[] {base + i, base + j};
        }
      }
    }
    edges[k] = new int[] {3, 4};
    CsrGraph g = CsrGraph.of(graph(8, edges));
    double[] cl = NetworkMetrics.clustering(g);
    assertEquals(1.0, cl[0], TOL);
    assertEquals(0.5, cl[3], TOL); // 3 of 6 neighbour pairs linked
    double[] bc = NetworkMetrics.betweenness(g, false);
    // node 3 is on all paths from {0,1,2} to {4..7}: 12 pairs, plus 0 within its clique; / 21
    assertEquals(12.0 / 21, bc[3], TOL);
    assertEquals(0.0, bc[0], TOL);
    int[] comm = NetworkMetrics.communities(g, 1, false);
    assertEquals(comm[0], comm[2]);
    assertEquals(comm[5], comm[7]);
    assertTrue(comm[0] != comm[7]);
    // Q of the two cliques: m = 13, each side has 6 inner edges and degree sum 13
    double q = 2 * (6.0 / 13 - Math.pow(13.0 / 26, 2));
    assertEquals(q, NetworkMetrics.modularity(g, comm, false), TOL);
  }

  @Test
  void disconnected_graph() {
    // path 0-1-2, edge 3-4, isolated 5
    CsrGraph g = CsrGraph.of(graph(6, new int[][] {{0, 1}, {1, 2}, {3, 4}}));
    assertArrayEquals(new int[] {0, 0, 0, 1, 1, 2}, NetworkMetrics.components(g));
    NetworkMetrics.PathStatistics p = NetworkMetrics.pathStatistics(g, false);
    assertEquals(8, p.connectedPairs());
    assertEquals((4 * 1 + 2 * 2 + 2 * 1) / 8.0, p.characteristicPathLength(), TOL);
    assertEquals((4 + 2 * 0.5 + 2) / 30.0, p.globalEfficiency(), TOL);
    NetworkReport r = NetworkMetrics.compute(graph(6, new int[][] {{0, 1}, {1, 2}, {3, 4}}),
        new NetworkMetrics.Options(false, Metric.scalableOnes(), 0));
    assertEquals(3.0, r.global().get("n_components"), 0.0);
    assertEquals(EnumSet.of(Metric.DEGREE, Metric.STRENGTH, Metric.CLUSTERING, Metric.COMPONENTS,
        Metric.TRANSITIVITY), Metric.scalableOnes());
  }

  @Test
  void invalid_edges_are_rejected() {
    assertEquals("INVALID_GRAPH", assertThrows(InvalidArgumentException.class,
        () -> graph(3, new int[][] {{0, 0}})).reason());
    assertEquals("INVALID_GRAPH", assertThrows(InvalidArgumentException.class,
        () -> graph(3, new int[][] {{0, 3}})).reason());
    assertEquals("INVALID_GRAPH", assertThrows(InvalidArgumentException.class,
        () -> CsrGraph.of(graph(3, new int[][] {{0, 1}, {1, 0}}))).reason());
    assertEquals("INVALID_GRAPH", assertThrows(InvalidArgumentException.class,
        () -> new EdgeList(2, new int[] {0}, new int[] {1}, new double[] {0.0})).reason());
  }

  @Test
  void tsv_tables_have_a_header_row() throws IOException {
    NetworkReport r = NetworkMetrics.compute(graph(3, new int[][] {{0, 1}, {1, 2}}),
        new NetworkMetrics.Options(false, EnumSet.of(Metric.DEGREE, Metric.CLUSTERING,
            Metric.GLOBAL_EFFICIENCY), 0));
    StringBuilder nodes = new StringBuilder();
    MetricsTsv.writeNodes(r, nodes);
    assertEquals("node\tdegree\tclustering\n0\t1\t0\n1\t2\t0\n2\t1\t0\n", nodes.toString());
    StringBuilder global = new StringBuilder();
    MetricsTsv.writeGlobal(r, global);
    assertTrue(global.toString().startsWith("metric\tvalue\nn_nodes\t3\nn_edges\t2\n"), global.toString());
    assertTrue(global.toString().contains("global_efficiency\t0.8333333333333334\n"), global.toString());
  }

  @Test
  void threshold_rules() {
    Matrix r = Matrix.of(new double[][] {
        {1, 0.9, -0.8, 0.1},
        {0.9, 1, 0.2, -0.05},
        {-0.8, 0.2, 1, 0.6},
        {0.1, -0.05, 0.6, 1}});
    EdgeList abs = GraphBuilder.fromMatrix(r, new ThresholdRule.Absolute(0.5), false);
    assertArrayEquals(new int[] {1, 3}, abs.source());
    assertArrayEquals(new int[] {0, 2}, abs.target());
    EdgeList absNeg = GraphBuilder.fromMatrix(r, new ThresholdRule.Absolute(0.5), true);
    assertEquals(3, absNeg.edgeCount());
    assertEquals(-0.8, absNeg.weight()[1], 0.0);
    // density 0.5 of 6 pairs = 3 strongest |r|: 0.9, -0.8, 0.6
    EdgeList dens = GraphBuilder.fromMatrix(r, new ThresholdRule.Density(0.5), true);
    assertArrayEquals(new double[] {0.9, -0.8, 0.6}, dens.weight(), 0.0);
    // positives only: 0.9, 0.6, 0.2
    EdgeList densPos = GraphBuilder.fromMatrix(r, new ThresholdRule.Density(0.5), false);
    assertArrayEquals(new double[] {0.9, 0.2, 0.6}, densPos.weight(), 0.0);
    // top-1 per node (positives): 0→1, 1→0, 2→3, 3→2
    EdgeList top = GraphBuilder.fromMatrix(r, new ThresholdRule.TopK(1), false);
    assertArrayEquals(new double[] {0.9, 0.6}, top.weight(), 0.0);
    EdgeList top1neg = GraphBuilder.fromMatrix(r, new ThresholdRule.TopK(1), true);
    // 0→1 (0.9), 1→0, 2→0 (-0.8), 3→2 (0.6)
    assertArrayEquals(new double[] {0.9, -0.8, 0.6}, top1neg.weight(), 0.0);
    assertEquals("INVALID_THRESHOLD", assertThrows(InvalidArgumentException.class,
        () -> GraphBuilder.fromMatrix(r, new ThresholdRule.Density(1.5), false)).reason());
    Matrix asym = r.copy();
    asym.set(0, 1, 0.3);
    assertEquals("NOT_SYMMETRIC", assertThrows(InvalidArgumentException.class,
        () -> GraphBuilder.fromMatrix(asym, new ThresholdRule.Absolute(0.5), false)).reason());
  }
}
