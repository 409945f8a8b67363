package io.voxelflow.connectivity.voxelwise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.error.ResourceExhaustedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tiled, thresholded voxelwise graph against a brute-force double-precision computation of all
 * pairs: the same edge set except pairs within 1e-6 of the threshold, and r within 1e-5. Tiles of
 * 128 voxels over 700 voxels exercise ragged edge tiles and diagonal (SYRK) tiles.
 */
class VoxelwiseConnectomeTest {
  static final int V = 700;
  static final int T = 80;
  static float[][] data; // time × voxels
  static double[][] brute; // V × V, double precision
  static ExecutorService pool;

  @TempDir
  Path scratch;

  @BeforeAll
  static void plant() {
    Random rnd = new Random(42);
    int clusters = 7;
    double[][] source = new double[clusters][T];
    for (double[] s : source) {
      for (int t = 0; t < T; t++) {
        s[t] = rnd.nextGaussian();
      }
    }
    data = new float[T][V];
    for (int v = 0; v < V; v++) {
      int c = v % clusters;
      double load = 0.3 + 0.7 * rnd.nextDouble();
      double sign = v % 11 == 0 ? -1 : 1;
      for (int t = 0; t < T; t++) {
        data[t][v] = (float) (100 + sign * load * source[c][t] + (1 - load) * rnd.nextGaussian() * 1.2 + 0.01 * v);
      }
    }
    brute = new double[V][V];
    double[][] z = new double[V][T];
    for (int v = 0; v < V; v++) {
      double m = 0;
      for (int t = 0; t < T; t++) {
        m += data[t][v];
      }
      m /= T;
      double ss = 0;
      for (int t = 0; t < T; t++) {
        z[v][t] = data[t][v] - m;
        ss += z[v][t] * z[v][t];
      }
      for (int t = 0; t < T; t++) {
        z[v][t] /= Math.sqrt(ss);
      }
    }
    for (int a = 0; a < V; a++) {
      for (int b = a; b < V; b++) {
        double s = 0;
        for (int t = 0; t < T; t++) {
          s += z[a][t] * z[b][t];
        }
        brute[a][b] = s;
        brute[b][a] = s;
      }
    }
    pool = Executors.newFixedThreadPool(2);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  private VoxelwiseConnectome.Result run(EdgeRule rule, int parallelism) throws Exception {
    try (ZScoredVoxels z = ZScoredVoxels.of(data, scratch)) {
      return new VoxelwiseConnectome(pool, new VoxelwiseConnectome.Options(128, parallelism, 1_000_000)).compute(z, rule, null);
    }
  }

  private static double score(double r, boolean neg) {
    return neg ? Math.abs(r) : r;
  }

  /** Checks sortedness, r values and degrees; returns the edges as a map key → r. */
  private static Map<Long, Float> check(VoxelwiseConnectome.Result res) {
    EdgeBuffer e = res.edges();
    Map<Long, Float> m = new HashMap<>();
    long last = -1;
    int[] degree = new int[V];
    for (int x = 0; x < e.size(); x++) {
      int s = e.source(x);
      int t = e.target(x);
      assertTrue(s < t, "source < target");
      long key = (long) s * V + t;
      assertTrue(key > last, "sorted by (source, target)");
      last = key;
      assertEquals(brute[s][t], e.weight(x), 1e-5, "r of " + s + "–" + t);
      m.put(key, e.weight(x));
      degree[s]++;
      degree[t]++;
    }
    for (int v = 0; v < V; v++) {
      assertEquals(degree[v], res.degree()[v]);
    }
    return m;
  }

  private static void assertSameEdges(Map<Long, Float> got, double t, boolean neg) {
    int expected = 0;
    for (int a = 0; a < V; a++) {
      for (int b = a + 1; b < V; b++) {
        double s = score(brute[a][b], neg);
        if (Math.abs(s - t) < 1e-6) {
          continue; // at the threshold within float rounding: either way is right
        }
        boolean want = s >= t;
        assertEquals(want, got.containsKey((long) a * V + b), "edge " + a + "–" + b + " score " + s);
        if (want) {
          expected++;
        }
      }
    }
    assertTrue(expected > 100, "the test graph is not trivial: " + expected);
  }

  @Test
  void absoluteThresholdEqualsBruteForce() throws Exception {
    for (boolean neg : new boolean[] {false, true}) {
      VoxelwiseConnectome.Result res = run(new EdgeRule.Absolute(0.45, neg), 2);
      assertSameEdges(check(res), 0.45, neg);
      assertEquals(0.45, res.effectiveThreshold());
      assertEquals(15L * 16 / 2 * 0 + 6 * 7 / 2, res.tiles()); // 700 voxels / 128 → 6 blocks, 21 tiles
    }
  }

  @Test
  void theNd4jKernelGivesTheSameGraph() throws Exception {
    VoxelwiseConnectome.Result blas;
    VoxelwiseConnectome.Result nd4j;
    try (ZScoredVoxels z = ZScoredVoxels.of(data, scratch)) {
      blas = new VoxelwiseConnectome(pool, new VoxelwiseConnectome.Options(128, 2, 1_000_000, TileKernel.OPENBLAS))
          .compute(z, new EdgeRule.Absolute(0.45, true), null);
      nd4j = new VoxelwiseConnectome(pool, new VoxelwiseConnectome.Options(128, 2, 1_000_000, TileKernel.ND4J))
          .compute(z, new EdgeRule.Absolute(0.45, true), null);
    }
    assertSameEdges(check(nd4j), 0.45, true);
    assertTrue(Math.abs(blas.edges().size() - nd4j.edges().size()) <= 2, "the same edges up to threshold ties");
  }

  @Test
  void parallelismDoesNotChangeTheResult() throws Exception {
    EdgeBuffer a = run(new EdgeRule.Absolute(0.3, true), 1).edges();
    EdgeBuffer b = run(new EdgeRule.Absolute(0.3, true), 2).edges();
    assertEquals(a.size(), b.size());
    for (int x = 0; x < a.size(); x++) {
      assertEquals(a.source(x), b.source(x));
      assertEquals(a.target(x), b.target(x));
      assertEquals(a.weight(x), b.weight(x));
    }
  }

  @Test
  void densityKeepsTheLargestFraction() throws Exception {
    double density = 0.02;
    VoxelwiseConnectome.Result res = run(new EdgeRule.Density(density, false), 2);
    Map<Long, Float> got = check(res);
    long want = Math.round(density * V * (V - 1) / 2.0);
    assertEquals(want, got.size());
    List<Double> all = new ArrayList<>();
    for (int a = 0; a < V; a++) {
      for (int b = a + 1; b < V; b++) {
        all.add(brute[a][b]);
      }
    }
    all.sort((x, y) -> Double.compare(y, x));
    double cut = all.get((int) want - 1);
    assertEquals(cut, res.effectiveThreshold(), 1e-5);
    assertSameEdges(got, cut, false);
  }

  @Test
  void topKKeepsEachNodesBestNeighbours() throws Exception {
    int k = 5;
    VoxelwiseConnectome.Result res = run(new EdgeRule.TopK(k, true), 2);
    Map<Long, Float> got = check(res);
    java.util.Set<Long> expected = new java.util.HashSet<>();
    for (int a = 0; a < V; a++) {
      final int u = a;
      List<Integer> others = new ArrayList<>();
      for (int b = 0; b < V; b++) {
        if (b != a) {
          others.add(b);
        }
      }
      others.sort((x, y) -> Double.compare(Math.abs(brute[u][y]), Math.abs(brute[u][x])));
      double kth = Math.abs(brute[a][others.get(k - 1)]);
      double next = Math.abs(brute[a][others.get(k)]);
      if (kth - next < 1e-6) {
        continue; // a near-tie at the cut; float rounding may pick either
      }
      for (int x = 0; x < k; x++) {
        int b = others.get(x);
        expected.add((long) Math.min(a, b) * V + Math.max(a, b));
      }
    }
    for (Long key : expected) {
      assertTrue(got.containsKey(key), "top-k edge " + key / V + "–" + key % V);
    }
    assertTrue(got.size() >= V * k / 2 && got.size() <= V * k, "union size " + got.size());
  }

  @Test
  void adaptiveRuleFollowsBoubela() throws Exception {
    VoxelwiseConnectome.Result res = run(new EdgeRule.Adaptive(false), 2);
    long[] atLeast = new long[41];
    for (int s = 0; s <= 40; s++) {
      double t = EdgeRule.Adaptive.thresholdAt(s);
      for (int a = 0; a < V; a++) {
        for (int b = a + 1; b < V; b++) {
          if (brute[a][b] >= t) {
            atLeast[s]++;
          }
        }
      }
    }
    double expected = EdgeRule.Adaptive.choose(atLeast, V);
    assertEquals(expected, res.effectiveThreshold(), 1e-12);
    assertTrue(expected >= 0.6 && expected <= 1);
    assertSameEdges(check(res), expected, false);
    double k = 2.0 * res.edges().size() / V;
    double ratio = Math.log(V) / Math.log(k);
    assertTrue(expected == 0.6 || (ratio >= 0 && ratio <= 4), "log N / log K = " + ratio);
  }

  @Test
  void adaptiveChoiceOnKnownCounts() {
    long[] counts = new long[41];
    // N = 10,000: needs K ≥ N^(1/4) = 10, i.e. E ≥ 50,000; reached at step 12 (r ≥ 0.88)
    for (int s = 0; s <= 40; s++) {
      counts[s] = s < 12 ? 1000L * s : 50_000L + s;
    }
    assertEquals(0.88, EdgeRule.Adaptive.choose(counts, 10_000), 1e-12);
    assertEquals(0.6, EdgeRule.Adaptive.choose(new long[41], 10_000), 1e-12);
  }

  @Test
  void badInputIsRefusedWithReasons() throws Exception {
    assertEquals("THRESHOLD_OUT_OF_RANGE", assertThrows(InvalidArgumentException.class,
        () -> new EdgeRule.Absolute(1.5, false)).reason());
    assertEquals("DENSITY_OUT_OF_RANGE", assertThrows(InvalidArgumentException.class,
        () -> new EdgeRule.Density(0, false)).reason());
    assertEquals("TOP_K_OUT_OF_RANGE", assertThrows(InvalidArgumentException.class,
        () -> new EdgeRule.TopK(0, false)).reason());
    assertEquals("TOO_FEW_TIME_POINTS", assertThrows(InvalidArgumentException.class,
        () -> ZScoredVoxels.of(new float[][] {{1, 2, 3}}, scratch)).reason());
    float[][] constant = {{1, 2, 5}, {1, 3, 5}, {1, 4, 5}};
    InvalidArgumentException c = assertThrows(InvalidArgumentException.class, () -> ZScoredVoxels.of(constant, scratch));
    assertEquals("CONSTANT_SIGNAL", c.reason());
    assertEquals("2", c.metadata().get("constant_voxels"));
    float[][] nan = {{1, 2}, {Float.NaN, 3}, {2, 4}};
    assertEquals("NON_FINITE_VALUES", assertThrows(InvalidArgumentException.class, () -> ZScoredVoxels.of(nan, scratch)).reason());
    try (ZScoredVoxels z = ZScoredVoxels.of(data, scratch)) {
      ResourceExhaustedException e = assertThrows(ResourceExhaustedException.class,
          () -> new VoxelwiseConnectome(pool, new VoxelwiseConnectome.Options(128, 1, 1000)).compute(z, new EdgeRule.Absolute(0.1, true), null));
      assertEquals("EDGE_LIMIT_EXCEEDED", e.reason());
    }
  }

  @Test
  void zScoresAreUnitNormAndProgressCountsTiles() throws Exception {
    try (ZScoredVoxels z = ZScoredVoxels.of(data, scratch)) {
      float[] s = z.series(123);
      double n = 0;
      double m = 0;
      for (float x : s) {
        n += x * x;
        m += x;
      }
      assertEquals(1, n, 1e-5);
      assertEquals(0, m, 1e-5);
      long[] last = new long[2];
      new VoxelwiseConnectome(pool, new VoxelwiseConnectome.Options(128, 2, 1_000_000))
          .compute(z, new EdgeRule.Density(0.01, false), (done, total) -> {
            synchronized (last) {
              last[0] = Math.max(last[0], done);
              last[1] = total;
            }
          });
      assertEquals(42, last[1]);
      assertEquals(42, last[0]);
    }
  }
}
