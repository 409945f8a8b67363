package io.voxelflow.connectivity.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.voxelflow.npy.Npy;
import io.voxelflow.numerics.Matrix;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Graph metrics against networkx 3.6.1 (goldens under {@code src/test/resources/graph/}, written by
 * {@code tools/golden/make_connectivity_golden.py}): case {@code corr} is nilearn's correlation of
 * subject 0 thresholded at r &gt; 0.3; case {@code rand} a 60-node G(n, m) graph with 3 extra
 * isolated nodes and uniform(0.1, 1) weights.
 */
class NetworkMetricsGoldenTest {
  private static final double TOL = 1e-10;
  /** Eigenvector centrality is an iterative result on both sides (both to ~1e-12). */
  private static final double EIG_TOL = 1e-9;

  static Npy.NpyArray npy(String dir, String name) {
    URL url = NetworkMetricsGoldenTest.class.getResource("/" + dir + "/" + name + ".npy");
    if (url == null) {
      throw new IllegalStateException("missing test resource " + dir + "/" + name + ".npy");
    }
    try {
      return Npy.read(Path.of(url.toURI()));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static EdgeList edges(String c, int n) {
    int[] e = npy("graph", c + "_edges").toIntArray();
    int m = e.length / 2;
    int[] s = new int[m];
    int[] t = new int[m];
    for (int k = 0; k < m; k++) {
      s[k] = e[2 * k];
      t[k] = e[2 * k + 1];
    }
    return new EdgeList(n, s, t, npy("graph", c + "_weights").toDoubleArray());
  }

  private static double[] column(double[][] node, int j) {
    return Arrays.stream(node).mapToDouble(r -> r[j]).toArray();
  }

  @ParameterizedTest
  @ValueSource(strings = {"corr", "rand"})
  void node_and_global_metrics_match_networkx(String c) {
    double[][] node = npy("graph", c + "_node").toDoubleMatrix();
    double[] glob = npy("graph", c + "_global").toDoubleArray();
    int n = node.length;
    CsrGraph g = CsrGraph.of(edges(c, n));
    double[] deg = Arrays.stream(NetworkMetrics.degree(g)).asDoubleStream().toArray();
    assertArrayEquals(column(node, 0), deg, 0.0, "degree");
    assertArrayEquals(column(node, 1), NetworkMetrics.strength(g), TOL, "strength");
    assertArrayEquals(column(node, 2), NetworkMetrics.clustering(g), TOL, "clustering");
    assertArrayEquals(column(node, 3), NetworkMetrics.betweenness(g, false), TOL, "betweenness");
    assertArrayEquals(column(node, 4), NetworkMetrics.betweenness(g, true), TOL, "weighted betweenness");
    double eb = maxDiff(column(node, 5), NetworkMetrics.eigenvectorCentrality(g, false));
    double ew = maxDiff(column(node, 6), NetworkMetrics.eigenvectorCentrality(g, true));
    System.out.printf("%s eigenvector max error: binary %.2e weighted %.2e%n", c, eb, ew);
    assertEquals(0.0, eb, EIG_TOL, "eigenvector");
    assertEquals(0.0, ew, EIG_TOL, "weighted eigenvector");
    double[] comp = Arrays.stream(NetworkMetrics.components(g)).asDoubleStream().toArray();
    assertArrayEquals(column(node, 7), comp, 0.0, "components");

    NetworkMetrics.PathStatistics pb = NetworkMetrics.pathStatistics(g, false);
    NetworkMetrics.PathStatistics pw = NetworkMetrics.pathStatistics(g, true);
    assertEquals(glob[0], pb.globalEfficiency(), TOL, "global efficiency");
    assertEquals(glob[1], pw.globalEfficiency(), TOL, "weighted global efficiency");
    assertEquals(glob[2], pb.characteristicPathLength(), TOL, "characteristic path length");
    assertEquals(glob[3], pw.characteristicPathLength(), TOL, "weighted characteristic path length");
    assertEquals(glob[4], NetworkMetrics.transitivity(g), TOL, "transitivity");
    int[] partition = npy("graph", c + "_partition").toIntArray();
    assertEquals(glob[6], NetworkMetrics.modularity(g, partition, false), TOL, "modularity");
    assertEquals(glob[7], NetworkMetrics.modularity(g, partition, true), TOL, "weighted modularity");

    NetworkReport r = NetworkMetrics.compute(edges(c, n), NetworkMetrics.Options.all(true, 42));
    assertEquals(glob[5], r.global().get("n_components"), 0.0);
    assertEquals(glob[1], r.global().get("global_efficiency"), TOL);
    assertArrayEquals(column(node, 4), r.nodeColumns().get("betweenness"), TOL);
  }

  @Test
  void thresholded_correlation_gives_the_golden_edges() {
    double[] flat = npy("connectome", "c64_correlation").toDoubleArray();
    Matrix r0 = new Matrix(8, 8, Arrays.copyOf(flat, 64));
    EdgeList e = GraphBuilder.fromMatrix(r0, new ThresholdRule.Absolute(Math.nextUp(0.3)), false);
    EdgeList golden = edges("corr", 8);
    assertArrayEquals(golden.source(), e.source());
    assertArrayEquals(golden.target(), e.target());
    assertArrayEquals(golden.weight(), e.weight(), 0.0);
  }

  @Test
  void label_propagation_communities_have_the_modularity_reported() {
    EdgeList e = edges("rand", 63);
    NetworkReport r = NetworkMetrics.compute(e, NetworkMetrics.Options.all(false, 7));
    NetworkReport again = NetworkMetrics.compute(e, NetworkMetrics.Options.all(false, 7));
    double[] comm = r.nodeColumns().get("community");
    assertArrayEquals(comm, again.nodeColumns().get("community"), 0.0, "same seed, same partition");
    int[] ids = Arrays.stream(comm).mapToInt(x -> (int) x).toArray();
    assertEquals(NetworkMetrics.modularity(CsrGraph.of(e), ids, false), r.global().get("modularity"), 0.0);
    System.out.printf("label propagation on rand: %d communities, Q = %.4f (networkx louvain %.4f)%n",
        r.global().get("n_communities").intValue(), r.global().get("modularity"),
        npy("graph", "rand_global").toDoubleArray()[6]);
    // isolated nodes are communities of their own, and communities never straddle components
    double[] comp = r.nodeColumns().get("component");
    for (int u = 0; u < 63; u++) {
      for (int v = 0; v < 63; v++) {
        if (comm[u] == comm[v]) {
          assertEquals(comp[u], comp[v], 0.0);
        }
      }
    }
  }

  private static double maxDiff(double[] a, double[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
