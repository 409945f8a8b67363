package io.voxelflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.voxelflow.connectivity.seed.SeedCorrelation;
import io.voxelflow.connectivity.seed.SphereSeed;
import io.voxelflow.connectivity.service.EdgeTables;
import io.voxelflow.connectivity.voxelwise.EdgeBuffer;
import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.mask.Masking;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.npy.Npy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connectivity service end to end in the running application, driven through the CLI: region
 * connectomes against nilearn 0.10.4's ConnectivityMeasure on the reference ROI series; a seed map
 * and a voxelwise graph against brute-force computations on the same extracted signals; graph
 * metrics of both; bad input refused with the problem named.
 */
@QuarkusTest
class ConnectivityEndToEndTest {
  @TempDir
  Path dir;

  static Path resource(String name) throws Exception {
    return Path.of(ConnectivityEndToEndTest.class.getResource(name).toURI());
  }

  static double maxAbsDiff(double[] a, double[] b) {
    assertEquals(a.length, b.length);
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  /** Subject s's R × R matrix out of a (S, R, R) golden. */
  static double[] subject(double[] all, int s, int r) {
    double[] out = new double[r * r];
    System.arraycopy(all, s * r * r, out, 0, r * r);
    return out;
  }

  @Test
  void region_connectomes_equal_nilearns_and_repeats_come_from_storage() throws Exception {
    Path roi = resource("/regions/roi_timeseries.npy"); // (3, 48, 8): three subjects
    Map<String, Double> tolerance = Map.of("correlation", 1e-5, "partial_correlation", 1e-5, "tangent", 1e-4);
    for (var kind : tolerance.entrySet()) {
      Path out = dir.resolve(kind.getKey());
      JsonNode r = MaskingEndToEndTest.run("connectivity", "--kind", kind.getKey(), "--out", out.toString(), roi.toString());
      assertEquals(8, r.get("region_count").asInt());
      double[] golden = Npy.read(resource("/connectivity/conn_" + kind.getKey() + ".npy")).toDoubleArray();
      for (int s = 0; s < 3; s++) {
        double[] ours = Npy.read(out.resolve("roi_timeseries_" + s + ".npy")).toDoubleArray();
        double d = maxAbsDiff(subject(golden, s, 8), ours);
        assertTrue(d < kind.getValue(), kind.getKey() + " subject " + s + ": max |ours - nilearn| = " + d);
      }
      assertTrue(Files.exists(out.resolve("group_mean.npy")));
    }
    double[] mean = Npy.read(dir.resolve("tangent/group_mean.npy")).toDoubleArray();
    double d = maxAbsDiff(Npy.read(resource("/connectivity/conn_tangent_mean.npy")).toDoubleArray(), mean);
    assertTrue(d < 1e-4, "tangent group mean (geometric mean) vs nilearn mean_: " + d);

    JsonNode first = MaskingEndToEndTest.run("connectivity", "--kind", "correlation", "--vectorize", "--out",
        dir.resolve("v1").toString(), roi.toString());
    JsonNode again = MaskingEndToEndTest.run("connectivity", "--kind", "correlation", "--vectorize", "--out",
        dir.resolve("v2").toString(), roi.toString());
    assertEquals(36, Npy.read(Path.of(first.get("connectomes").get(0).asText())).shape()[0], "8·9/2 values with the diagonal");
    assertEquals(Files.mismatch(Path.of(first.get("group_mean").asText()), Path.of(again.get("group_mean").asText())), -1L);
  }

  @Test
  void bad_connectome_requests_name_the_problem() throws Exception {
    Path one = dir.resolve("one.csv");
    StringBuilder sb = new StringBuilder("a,b,c\n");
    for (int t = 0; t < 20; t++) {
      sb.append(Math.sin(t)).append(',').append(Math.cos(0.7 * t)).append(',').append(t % 3).append('\n');
    }
    Files.writeString(one, sb.toString());
    CliTest.Run tangent = CliTest.run("connectivity", "--kind", "tangent", "--out", dir.resolve("t").toString(), one.toString());
    assertNotEquals(0, tangent.code());
    assertTrue(tangent.err().contains("TOO_FEW_SUBJECTS") || tangent.err().contains("at least two subjects"), tangent.err());

    Path constant = dir.resolve("constant.tsv");
    Files.writeString(constant, "a\tb\n1\t1\n2\t1\n3\t1\n");
    CliTest.Run c = CliTest.run("connectivity", "--kind", "correlation", "--out", dir.resolve("c").toString(), constant.toString());
    assertNotEquals(0, c.code());
    assertTrue(c.err().toLowerCase().contains("constant") || c.err().contains("variance"), c.err());

    CliTest.Run fisher = CliTest.run("connectivity", "--kind", "covariance", "--fisher-z", "--out", dir.resolve("f").toString(),
        one.toString());
    assertNotEquals(0, fisher.code());
    assertTrue(fisher.err().contains("FISHER_Z_NOT_APPLICABLE") || fisher.err().toLowerCase().contains("fisher"), fisher.err());

    Files.createDirectories(dir.resolve("x"));
    Files.copy(one, dir.resolve("x/one.csv"));
    CliTest.Run clash = CliTest.run("connectivity", "--kind", "correlation", "--out", dir.resolve("k").toString(),
        one.toString(), dir.resolve("x/one.csv").toString());
    assertNotEquals(0, clash.code());
    assertTrue(clash.err().contains("one.npy"), clash.err());
  }

  /** The same cleaned signals the service correlates: extracted once through the CLI. */
  float[][] signals(Path bold, Path mask) throws Exception {
    Path out = dir.resolve("signals.npy");
    MaskingEndToEndTest.run("mask", "extract", bold.toString(), "--mask", mask.toString(), "--out", out.toString(),
        "--detrend", "--standardize", "zscore_sample");
    return Npy.read(out).toFloatMatrix();
  }

  static double[][] brute(float[][] x) {
    int t = x.length;
    int v = x[0].length;
    double[][] z = new double[v][t];
    for (int j = 0; j < v; j++) {
      double m = 0;
      for (float[] row : x) {
        m += row[j];
      }
      m /= t;
      double ss = 0;
      for (int i = 0; i < t; i++) {
        z[j][i] = x[i][j] - m;
        ss += z[j][i] * z[j][i];
      }
      for (int i = 0; i < t; i++) {
        z[j][i] /= Math.sqrt(ss);
      }
    }
    return z;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @Test
  void the_voxelwise_graph_equals_brute_force_and_feeds_graph_metrics() throws Exception {
    Path bold = resource("/mask/sub-01_bold.nii.gz");
    Path mask = resource("/mask/epi_mask.nii.gz");
    double t = 0.6;
    Path out = dir.resolve("vox");
    JsonNode r = MaskingEndToEndTest.run("connectivity", "voxelwise", bold.toString(), "--mask", mask.toString(),
        "--threshold", String.valueOf(t), "--out", out.toString(), "--detrend", "--standardize", "zscore_sample");
    assertEquals(816, r.get("node_count").asInt());
    EdgeBuffer edges = EdgeTables.read(out.resolve("edges.arrow"));
    assertEquals(r.get("edge_count").asLong(), edges.size());

    double[][] z = brute(signals(bold, mask));
    Map<Long, Float> got = new HashMap<>();
    for (int e = 0; e < edges.size(); e++) {
      int s = edges.source(e);
      int g = edges.target(e);
      assertTrue(s < g);
      double want = dot(z[s], z[g]);
      assertEquals(want, edges.weight(e), 1e-5, "r of " + s + "-" + g);
      got.put((long) s * 816 + g, edges.weight(e));
    }
    int expected = 0;
    int[] degree = new int[816];
    for (int a = 0; a < 816; a++) {
      for (int b = a + 1; b < 816; b++) {
        double rr = dot(z[a], z[b]);
        if (Math.abs(rr - t) < 1e-6) {
          continue;
        }
        assertEquals(rr >= t, got.containsKey((long) a * 816 + b), "edge " + a + "-" + b + " r " + rr);
        if (rr >= t) {
          expected++;
          degree[a]++;
          degree[b]++;
        }
      }
    }
    assertTrue(expected > 100, "a non-trivial graph: " + expected + " edges");

    // the degree map holds each mask voxel's degree, in the signals' column order
    BinaryMask m;
    try (NiftiImage mi = NiftiImage.open(mask)) {
      m = Masking.loadMask(mi, false);
    }
    float[] map;
    try (NiftiImage di = NiftiImage.open(out.resolve("degree.nii.gz"))) {
      map = new float[di.voxelsPerVolume()];
      di.readVolume(map);
    }
    int[] idx = m.cOrderIndices();
    for (int n = 0; n < 816; n++) {
      assertEquals(degree[n], map[idx[n]], 0.0, "degree of voxel " + n);
    }

    // graph metrics of the edge table: degree per node again, through GraphMetrics
    Path tsv = dir.resolve("metrics.tsv");
    JsonNode gm = MaskingEndToEndTest.run("graph", out.resolve("edges.arrow").toString(), "--out", tsv.toString());
    assertEquals(816, gm.get("node_count").asInt());
    List<String> lines = Files.readAllLines(tsv);
    assertEquals("node\tdegree\tstrength\tclustering_coefficient", lines.get(0));
    for (int n = 0; n < 816; n++) {
      String[] cells = lines.get(n + 1).split("\t");
      assertEquals(n, Integer.parseInt(cells[0]));
      assertEquals(degree[n], Double.parseDouble(cells[1]), 0.0);
    }
    assertEquals(r.get("edge_count").asDouble(), gm.get("global").get("n_edges").asDouble());
    assertTrue(Files.readString(dir.resolve("metrics_global.tsv")).contains("n_edges\t" + (double) expected));
  }

  @Test
  void a_seed_map_correlates_the_sphere_mean_with_every_voxel() throws Exception {
    Path bold = resource("/mask/sub-01_bold.nii.gz");
    Path mask = resource("/mask/epi_mask.nii.gz");
    BinaryMask m;
    try (NiftiImage mi = NiftiImage.open(mask)) {
      m = Masking.loadMask(mi, false);
    }
    // a seed at the world position of the 400th mask voxel, radius 6 mm
    int[] idx = m.cOrderIndices();
    int f = idx[400];
    int[] ijk = {f % m.x(), (f / m.x()) % m.y(), f / (m.x() * m.y())};
    double[] xyz = new double[3];
    for (int a = 0; a < 3; a++) {
      xyz[a] = m.affine()[a][0] * ijk[0] + m.affine()[a][1] * ijk[1] + m.affine()[a][2] * ijk[2] + m.affine()[a][3];
    }
    Path out = dir.resolve("seed.nii.gz");
    JsonNode r = MaskingEndToEndTest.run("connectivity", "seed", bold.toString(), "--mask", mask.toString(),
        "--coords", xyz[0] + "," + xyz[1] + "," + xyz[2], "--radius", "6", "--out", out.toString(), "--fisher-z",
        "--detrend", "--standardize", "zscore_sample");
    float[][] x = signals(bold, mask);
    int[] all = new int[816 * 3];
    for (int n = 0; n < 816; n++) {
      all[3 * n] = idx[n] % m.x();
      all[3 * n + 1] = (idx[n] / m.x()) % m.y();
      all[3 * n + 2] = idx[n] / (m.x() * m.y());
    }
    int[] sphere = SeedCorrelation.sphereVoxels(all, m.affine(), new SphereSeed(xyz[0], xyz[1], xyz[2], 6));
    assertEquals(sphere.length, r.get("seed_voxel_count").asInt());
    assertTrue(sphere.length > 1, "a 6 mm sphere on a 4 mm grid holds several voxels");
    double[] seed = new double[x.length];
    for (int t = 0; t < x.length; t++) {
      for (int q : sphere) {
        seed[t] += x[t][q];
      }
      seed[t] /= sphere.length;
    }
    double[][] z = brute(x);
    float[] map;
    try (NiftiImage mi = NiftiImage.open(out)) {
      map = new float[mi.voxelsPerVolume()];
      mi.readVolume(map);
    }
    float[] zmap;
    try (NiftiImage mi = NiftiImage.open(Path.of(r.get("fisher_z_map").asText()))) {
      zmap = new float[mi.voxelsPerVolume()];
      mi.readVolume(zmap);
    }
    double sm = 0;
    for (double v : seed) {
      sm += v;
    }
    sm /= seed.length;
    double ss = 0;
    double[] sz = new double[seed.length];
    for (int t = 0; t < seed.length; t++) {
      sz[t] = seed[t] - sm;
      ss += sz[t] * sz[t];
    }
    for (int t = 0; t < seed.length; t++) {
      sz[t] /= Math.sqrt(ss);
    }
    for (int n = 0; n < 816; n++) {
      double want = dot(z[n], sz);
      assertEquals(want, map[idx[n]], 1e-5, "r at voxel " + n);
      assertEquals(0.5 * Math.log((1 + want) / (1 - want)), zmap[idx[n]], 1e-4 * Math.max(1, Math.abs(zmap[idx[n]])));
    }
  }
}
