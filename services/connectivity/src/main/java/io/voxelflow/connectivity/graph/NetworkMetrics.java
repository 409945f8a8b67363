package io.voxelflow.connectivity.graph;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.jgrapht.Graph;
import org.jgrapht.alg.clustering.LabelPropagationClustering;
import org.jgrapht.alg.clustering.UndirectedModularityMeasurer;
import org.jgrapht.alg.connectivity.ConnectivityInspector;
import org.jgrapht.alg.interfaces.ShortestPathAlgorithm.SingleSourcePaths;
import org.jgrapht.alg.scoring.BetweennessCentrality;
import org.jgrapht.alg.scoring.ClusteringCoefficient;
import org.jgrapht.alg.scoring.EigenvectorCentrality;
import org.jgrapht.alg.shortestpath.BFSShortestPath;
import org.jgrapht.alg.shortestpath.DijkstraShortestPath;

/**
 * Graph metrics of an undirected graph, each a small function over a {@link CsrGraph}; the
 * algorithms are JGraphT 1.5.2's, run on a {@link JGraphTView}:
 *
 * <ul>
 *   <li>degree and strength: read from the adjacency arrays;
 *   <li>clustering: {@code ClusteringCoefficient} (binary, as networkx {@code clustering} without
 *       weights); transitivity summed from it;
 *   <li>betweenness: {@code BetweennessCentrality(normalize=true)} (Brandes; weighted → Dijkstra on
 *       1/|w|), equal to networkx {@code betweenness_centrality(normalized=True)};
 *   <li>eigenvector centrality: {@code EigenvectorCentrality} on A + I (|w| or 1), to 1e-12 — the
 *       shifted power iteration networkx uses, so bipartite graphs converge too;
 *   <li>components: {@code ConnectivityInspector}; efficiency and path length: one BFS ({@code
 *       BFSShortestPath}) or Dijkstra ({@code DijkstraShortestPath}, 1/|w|) per source;
 *   <li>communities: {@code LabelPropagationClustering} (Raghavan et al. 2007; JGraphT 1.5.2 has no
 *       Louvain), unweighted, best modularity of {@link #COMMUNITY_RUNS} seeded runs; modularity: {@code
 *       UndirectedModularityMeasurer} (|w| or 1, resolution 1).
 * </ul>
 */
public final class NetworkMetrics {
  /** Power-iteration tolerance (ℓ2 norm of the change) for eigenvector centrality. */
  public static final double EIGENVECTOR_TOL = 1e-12;

  /** Power-iteration limit for eigenvector centrality. */
  public static final int EIGENVECTOR_MAX_ITER = 100_000;

  /** Label-propagation runs per community detection; the best modularity wins. */
  public static final int COMMUNITY_RUNS = 10;

  private NetworkMetrics() {}

  /**
   * What to compute.
   *
   * @param weighted use |w| (strength, eigenvector, modularity) and 1/|w| (paths); else binary
   * @param metrics which metrics
   * @param seed seed of the community detection's random order
   */
  public record Options(boolean weighted, Set<Metric> metrics, long seed) {
    /** Every metric. */
    public static Options all(boolean weighted, long seed) {
      return new Options(weighted, Metric.all(), seed);
    }
  }

  /**
   * Computes the requested metrics into tidy tables.
   *
   * @param edges the graph
   * @param options weighted or binary, which metrics, seed
   */
  public static NetworkReport compute(EdgeList edges, Options options) {
    CsrGraph g = CsrGraph.of(edges);
    Set<Metric> want = options.metrics();
    boolean w = options.weighted();
    int n = g.nodeCount();
    Map<String, double[]> cols = new LinkedHashMap<>();
    Map<String, Double> global = new LinkedHashMap<>();
    global.put("n_nodes", (double) n);
    global.put("n_edges", (double) g.edgeCount());
    global.put("density", n < 2 ? 0.0 : 2.0 * g.edgeCount() / ((double) n * (n - 1)));
    if (want.contains(Metric.DEGREE)) {
      cols.put("degree", Arrays.stream(degree(g)).asDoubleStream().toArray());
    }
    if (want.contains(Metric.STRENGTH)) {
      cols.put("strength", w ? strength(g) : Arrays.stream(degree(g)).asDoubleStream().toArray());
    }
    double[] clustering = null;
    if (want.contains(Metric.CLUSTERING) || want.contains(Metric.TRANSITIVITY)) {
      clustering = clustering(g);
    }
    if (want.contains(Metric.CLUSTERING)) {
      cols.put("clustering", clustering);
    }
    if (want.contains(Metric.BETWEENNESS)) {
      cols.put("betweenness", betweenness(g, w));
    }
    if (want.contains(Metric.EIGENVECTOR)) {
      cols.put("eigenvector", eigenvectorCentrality(g, w));
    }
    if (want.contains(Metric.COMPONENTS)) {
      int[] comp = components(g);
      cols.put("component", Arrays.stream(comp).asDoubleStream().toArray());
      global.put("n_components", (double) (n == 0 ? 0 : Arrays.stream(comp).max().getAsInt() + 1));
    }
    if (want.contains(Metric.COMMUNITIES)) {
      int[] comm = communities(g, options.seed(), w);
      cols.put("community", Arrays.stream(comm).asDoubleStream().toArray());
      global.put("modularity", modularity(g, comm, w));
      global.put("n_communities", (double) (n == 0 ? 0 : Arrays.stream(comm).max().getAsInt() + 1));
    }
    if (want.contains(Metric.GLOBAL_EFFICIENCY) || want.contains(Metric.CHARACTERISTIC_PATH_LENGTH)) {
      PathStatistics p = pathStatistics(g, w);
      if (want.contains(Metric.GLOBAL_EFFICIENCY)) {
        global.put("global_efficiency", p.globalEfficiency());
      }
      if (want.contains(Metric.CHARACTERISTIC_PATH_LENGTH)) {
        global.put("characteristic_path_length", p.characteristicPathLength());
      }
    }
    if (want.contains(Metric.TRANSITIVITY)) {
      global.put("transitivity", transitivity(g, clustering));
    }
    return new NetworkReport(n, Collections.unmodifiableMap(cols), Collections.unmodifiableMap(global));
  }

  /** Number of neighbours per node. */
  public static int[] degree(CsrGraph g) {
    int[] d = new int[g.nodeCount()];
    for (int v = 0; v < d.length; v++) {
      d[v] = g.degree(v);
    }
    return d;
  }

  /** Sum of |w| over each node's edges. */
  public static double[] strength(CsrGraph g) {
    double[] s = new double[g.nodeCount()];
    double[] w = g.edges().weight();
    for (int v = 0; v < s.length; v++) {
      for (int k = g.rowStart(v); k < g.rowEnd(v); k++) {
        s[v] += Math.abs(w[g.edgeAt(k)]);
      }
    }
    return s;
  }

  /**
   * Local clustering coefficient (binary): edges among a node's k neighbours over k(k-1)/2; 0 when k
   * &lt; 2 (networkx {@code clustering(G)}). Weights are ignored on purpose: the weighted variants
   * (Onnela, Barrat) are not offered.
   */
  public static double[] clustering(CsrGraph g) {
    Map<Integer, Double> scores = new ClusteringCoefficient<>(binary(g)).getScores();
    return toArray(scores, g.nodeCount());
  }

  /**
   * Transitivity (global clustering): 3 × triangles / connected triples = Σ_v links_v / Σ_v
   * k_v(k_v-1)/2, with {@code links_v = C_v · k_v(k_v-1)/2} recovered exactly (rounded to the
   * integer it is) from the local coefficients; 0 without triples. (JGraphT's own {@code
   * getGlobalClusteringCoefficient} disagreed with a brute-force count on a 200k-node graph, so it
   * is not used.)
   */
  public static double transitivity(CsrGraph g) {
    return transitivity(g, clustering(g));
  }

  /** {@link #transitivity(CsrGraph)} from already computed local clustering coefficients. */
  public static double transitivity(CsrGraph g, double[] clustering) {
    long links = 0;
    long triples = 0;
    for (int v = 0; v < g.nodeCount(); v++) {
      long k = g.degree(v);
      long pairs = k * (k - 1) / 2;
      links += Math.round(clustering[v] * pairs);
      triples += pairs;
    }
    return triples == 0 ? 0.0 : (double) links / triples;
  }

  /**
   * Betweenness centrality normalised to [0, 1]: shortest-path pair counts divided by (n-1)(n-2)/2
   * (networkx {@code normalized=True}, undirected); weighted paths use the distance 1/|w|.
   */
  public static double[] betweenness(CsrGraph g, boolean weighted) {
    Graph<Integer, Integer> view = weighted ? new JGraphTView(g, distances(g), false) : binary(g);
    double[] bc = toArray(new BetweennessCentrality<>(view, true).getScores(), g.nodeCount());
    // JGraphT 1.5.2 divides the undirected pair count by (n-1)(n-2), networkx by (n-1)(n-2)/2
    for (int v = 0; v < bc.length; v++) {
      bc[v] *= 2;
    }
    return bc;
  }

  /**
   * Eigenvector centrality of the adjacency (|w| or binary), unit Euclidean norm, non-negative: power
   * iteration on A + I from the uniform vector to {@link #EIGENVECTOR_TOL} (as networkx {@code
   * eigenvector_centrality}).
   */
  public static double[] eigenvectorCentrality(CsrGraph g, boolean weighted) {
    if (g.nodeCount() == 0) {
      return new double[0];
    }
    JGraphTView view = new JGraphTView(g, weighted ? absWeights(g) : null, true);
    return toArray(new EigenvectorCentrality<>(view, EIGENVECTOR_MAX_ITER, EIGENVECTOR_TOL).getScores(),
        g.nodeCount());
  }

  /** Connected component per node, numbered by their smallest node (node 0's component is 0). */
  public static int[] components(CsrGraph g) {
    List<Set<Integer>> sets = new ConnectivityInspector<>(binary(g)).connectedSets();
    return label(sets, g.nodeCount());
  }

  /**
   * Communities by label propagation (JGraphT {@code LabelPropagationClustering}, unweighted): it is
   * run {@link #COMMUNITY_RUNS} times with vertex orders shuffled by {@code new Random(seed + run)}
   * and the partition of highest {@link #modularity} (|w| when {@code weighted}) is kept, because a
   * single run easily collapses a sparse graph into one giant community. Numbered by smallest node.
   */
  public static int[] communities(CsrGraph g, long seed, boolean weighted) {
    int[] best = null;
    double bestQ = Double.NEGATIVE_INFINITY;
    for (int run = 0; run < COMMUNITY_RUNS; run++) {
      List<Set<Integer>> sets = new LabelPropagationClustering<>(binary(g), new Random(seed + run))
          .getClustering().getClusters();
      int[] labels = label(sets, g.nodeCount());
      double q = modularity(g, labels, weighted);
      if (q > bestQ) {
        bestQ = q;
        best = labels;
      }
    }
    return best;
  }

  /**
   * Newman's modularity Q of a partition (resolution 1), with |w| or unit weights, as networkx {@code
   * community.modularity}.
   *
   * @param community a community id ≥ 0 per node
   */
  public static double modularity(CsrGraph g, int[] community, boolean weighted) {
    if (community.length != g.nodeCount()) {
      throw EdgeList.invalid(community.length + " community ids for " + g.nodeCount() + " nodes");
    }
    Map<Integer, Set<Integer>> groups = new LinkedHashMap<>();
    for (int v = 0; v < community.length; v++) {
      groups.computeIfAbsent(community[v], c -> new TreeSet<>()).add(v);
    }
    if (g.edgeCount() == 0) {
      return 0.0;
    }
    JGraphTView view = new JGraphTView(g, weighted ? absWeights(g) : null, false);
    return new UndirectedModularityMeasurer<>(view).modularity(List.copyOf(groups.values()));
  }

  /**
   * Shortest-path summaries over ordered pairs of distinct nodes.
   *
   * @param globalEfficiency mean of 1/d over all n(n-1) ordered pairs, 0 for unreachable pairs
   *     (Latora &amp; Marchiori 2001; networkx {@code global_efficiency} when binary)
   * @param characteristicPathLength mean d over the ordered pairs that are connected; 0 when none
   * @param connectedPairs number of ordered connected pairs
   */
  public record PathStatistics(double globalEfficiency, double characteristicPathLength,
      long connectedPairs) {}

  /** {@link PathStatistics} from one BFS (binary) or Dijkstra (distance 1/|w|) per source node. */
  public static PathStatistics pathStatistics(CsrGraph g, boolean weighted) {
    int n = g.nodeCount();
    if (n < 2) {
      return new PathStatistics(0, 0, 0);
    }
    Graph<Integer, Integer> view = weighted ? new JGraphTView(g, distances(g), false) : binary(g);
    DijkstraShortestPath<Integer, Integer> dijkstra = weighted ? new DijkstraShortestPath<>(view) : null;
    BFSShortestPath<Integer, Integer> bfs = weighted ? null : new BFSShortestPath<>(view);
    double inverseSum = 0;
    double lengthSum = 0;
    long connected = 0;
    for (int s = 0; s < n; s++) {
      SingleSourcePaths<Integer, Integer> paths = weighted ? dijkstra.getPaths(s) : bfs.getPaths(s);
      for (int t = 0; t < n; t++) {
        if (t == s) {
          continue;
        }
        double d = paths.getWeight(t);
        if (Double.isFinite(d)) {
          inverseSum += 1.0 / d;
          lengthSum += d;
          connected++;
        }
      }
    }
    return new PathStatistics(inverseSum / ((double) n * (n - 1)),
        connected == 0 ? 0.0 : lengthSum / connected, connected);
  }

  private static JGraphTView binary(CsrGraph g) {
    return new JGraphTView(g, null, false);
  }

  private static double[] absWeights(CsrGraph g) {
    return Arrays.stream(g.edges().weight()).map(Math::abs).toArray();
  }

  private static double[] distances(CsrGraph g) {
    return Arrays.stream(g.edges().weight()).map(x -> 1.0 / Math.abs(x)).toArray();
  }

  private static double[] toArray(Map<Integer, Double> scores, int n) {
    double[] out = new double[n];
    for (int v = 0; v < n; v++) {
      Double s = scores.get(v);
      out[v] = s == null ? 0.0 : s;
    }
    return out;
  }

  private static int[] label(List<Set<Integer>> sets, int n) {
    int[] smallest = new int[sets.size()];
    Integer[] order = new Integer[sets.size()];
    for (int c = 0; c < sets.size(); c++) {
      smallest[c] = Collections.min(sets.get(c));
      order[c] = c;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(smallest[a], smallest[b]));
    int[] out = new int[n];
    for (int rank = 0; rank < order.length; rank++) {
      for (int v : sets.get(order[rank])) {
        out[v] = rank;
      }
    }
    return out;
  }
}
