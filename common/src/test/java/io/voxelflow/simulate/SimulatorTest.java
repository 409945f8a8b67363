package io.voxelflow.simulate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiHeader;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.npy.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulator writes a complete BIDS dataset whose data follow the model of
 * {@code gen_synthetic.py}: right shapes, geometry and intensities, planted networks that can be
 * found where the truth says, deterministic output. All on the 'tiny' preset (16×16×12×48, 3
 * subjects, 3 networks, 8 regions, SNR 3), which takes well under a second.
 */
class SimulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double[][] TINY_AFFINE = {{4, 0, 0, -30}, {0, 4, 0, -37}, {0, 0, 4, -17}, {0, 0, 0, 1}};
  private static final int NX = 16;
  private static final int NY = 16;
  private static final int NZ = 12;
  private static final int T = 48;
  private static final int K = 3;

  @TempDir
  static Path shared;

  static Simulator.Result tiny;
  static boolean[] mask;

  @BeforeAll
  static void generate() {
    tiny = Simulator.simulate(shared.resolve("tiny"), SimulationSize.TINY, 1234, ProgressListener.NONE);
    float[] m = read(tiny.truth("mask.nii.gz"))[0];
    mask = new boolean[m.length];
    for (int v = 0; v < m.length; v++) {
      mask[v] = m[v] != 0;
    }
  }

  // ------------------------------------------------------------------ helpers

  static float[][] read(Path p) {
    try (NiftiImage img = NiftiImage.open(p)) {
      float[][] vols = new float[(int) img.volumeCount()][img.voxelsPerVolume()];
      for (float[] v : vols) {
        img.readVolume(v);
      }
      return vols;
    }
  }

  static NiftiHeader header(Path p) {
    try (NiftiImage img = NiftiImage.open(p)) {
      return img.header();
    }
  }

  static int idx(int i, int j, int k) {
    return i + NX * (j + NY * k);
  }

  static JsonNode json(Path p) throws IOException {
    return JSON.readTree(p.toFile());
  }

  static Map<String, String> treeSha(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(p).toString().replace('\\', '/'), Simulator.sha256(p));
      }
    }
    return out;
  }

  static double[] column(float[] txk, int k) {
    double[] c = new double[T];
    for (int t = 0; t < T; t++) {
      c[t] = txk[t * K + k];
    }
    return c;
  }

  static double pearson(double[] a, double[] b) {
    return SimMath.corrcoef(new double[][] {a, b})[0][1];
  }

  static double[] detrend(double[] y) {
    int n = y.length;
    double tm = (n - 1) / 2.0;
    double ym = SimMath.mean(y);
    double sxy = 0;
    double sxx = 0;
    for (int t = 0; t < n; t++) {
      sxy += (t - tm) * (y[t] - ym);
      sxx += (t - tm) * (t - tm);
    }
    double slope = sxy / sxx;
    double[] r = new double[n];
    for (int t = 0; t < n; t++) {
      r[t] = y[t] - ym - slope * (t - tm);
    }
    return r;
  }

  // ------------------------------------------------------------------ determinism

  @Test
  void same_seed_gives_byte_identical_files_whatever_the_thread_count() throws IOException {
    Simulator.Result again = Simulator.simulate(shared.resolve("again"),
        SimulationConfig.of(SimulationSize.TINY, 1234).withThreads(1), ProgressListener.NONE);
    Map<String, String> first = treeSha(tiny.outDir());
    assertEquals(first, treeSha(again.outDir()));
    assertEquals(first, tiny.sha256(), "the result lists every file with its sha256");
    assertEquals(tiny.sha256(), again.sha256());
  }

  @Test
  void different_seed_gives_different_data() {
    Simulator.Result other = Simulator.simulate(shared.resolve("seed1235"), SimulationSize.TINY, 1235,
        ProgressListener.NONE);
    for (String sub : List.of("sub-01", "sub-02", "sub-03")) {
      String bold = Simulator.boldPath(sub);
      assertNotEquals(tiny.sha256().get(bold), other.sha256().get(bold), bold);
    }
    assertNotEquals(tiny.sha256().get("derivatives/truth/maps.nii.gz"),
        other.sha256().get("derivatives/truth/maps.nii.gz"));
    // the mask is pure geometry
    assertEquals(tiny.sha256().get("derivatives/truth/mask.nii.gz"),
        other.sha256().get("derivatives/truth/mask.nii.gz"));
  }

  @Test
  void a_subject_is_the_same_whatever_the_number_of_subjects() {
    Simulator.Result one = Simulator.simulate(shared.resolve("one"),
        SimulationConfig.of(SimulationSize.TINY, 1234).withSubjects(1), ProgressListener.NONE);
    assertEquals(List.of("sub-01"), one.subjects());
    for (String f : List.of(Simulator.boldPath("sub-01"), "derivatives/truth/sub-01_timecourses.npy",
        "derivatives/truth/sub-01_maps.nii.gz", "derivatives/truth/maps.nii.gz",
        "derivatives/truth/atlas_labels.nii.gz")) {
      assertEquals(tiny.sha256().get(f), one.sha256().get(f), f);
    }
  }

  // ------------------------------------------------------------------ layout and metadata

  @Test
  void bids_layout_is_complete() throws IOException {
    Path root = tiny.outDir();
    List<String> expected = new ArrayList<>(List.of("dataset_description.json", "README", "participants.tsv",
        "participants.json", "derivatives/truth/dataset_description.json", "derivatives/truth/mask.nii.gz",
        "derivatives/truth/maps.nii.gz", "derivatives/truth/mean_baseline.nii.gz",
        "derivatives/truth/atlas_labels.nii.gz", "derivatives/truth/atlas_labels.tsv",
        "derivatives/truth/group_tc_correlation.npy", "derivatives/truth/truth.json"));
    for (String sub : List.of("sub-01", "sub-02", "sub-03")) {
      expected.add(sub + "/func/" + sub + "_task-rest_bold.nii.gz");
      expected.add(sub + "/func/" + sub + "_task-rest_bold.json");
      expected.add("derivatives/truth/" + sub + "_timecourses.npy");
      expected.add("derivatives/truth/" + sub + "_maps.nii.gz");
    }
    assertEquals(expected.stream().sorted().toList(), new ArrayList<>(treeSha(root).keySet()));
    assertEquals(List.of("sub-01", "sub-02", "sub-03"), tiny.subjects());

    JsonNode dd = json(root.resolve("dataset_description.json"));
    assertEquals("1.9.0", dd.get("BIDSVersion").asText());
    assertEquals("raw", dd.get("DatasetType").asText());
    assertFalse(dd.get("Name").asText().isBlank());
    assertEquals("voxelflow simulate", dd.get("GeneratedBy").get(0).get("Name").asText());
    assertEquals(Simulator.GENERATOR_VERSION, dd.get("GeneratedBy").get(0).get("Version").asText());
    JsonNode td = json(root.resolve("derivatives/truth/dataset_description.json"));
    assertEquals("derivative", td.get("DatasetType").asText());
    assertEquals("voxelflow simulate", td.get("GeneratedBy").get(0).get("Name").asText());

    List<String> participants = Files.readAllLines(root.resolve("participants.tsv"));
    assertEquals("participant_id\tglobal_scale", participants.get(0));
    assertEquals(4, participants.size());
    for (int s = 1; s <= 3; s++) {
      String[] row = participants.get(s).split("\t");
      assertEquals(String.format("sub-%02d", s), row[0]);
      double g = Double.parseDouble(row[1]);
      assertTrue(g >= 0.95 && g <= 1.05, "global scale " + g);
    }
  }

  @Test
  void sidecars_carry_repetition_time_two_seconds_and_task_rest() throws IOException {
    for (String sub : tiny.subjects()) {
      JsonNode j = json(tiny.outDir().resolve(sub + "/func/" + sub + "_task-rest_bold.json"));
      assertEquals(2.0, j.get("RepetitionTime").asDouble());
      assertTrue(j.get("RepetitionTime").isNumber());
      assertEquals("rest", j.get("TaskName").asText());
    }
  }

  @Test
  void bold_images_are_float32_16x16x12x48_with_the_reference_affine() {
    for (String sub : tiny.subjects()) {
      NiftiHeader h = header(tiny.bold(sub));
      assertEquals(1, h.version());
      assertEquals(NiftiDatatype.FLOAT32, h.datatype());
      assertArrayEquals(new long[] {NX, NY, NZ, T}, h.shape());
      assertEquals(1, h.sformCode());
      assertEquals(1, h.qformCode());
      assertArrayEquals(TINY_AFFINE, h.sformAffine());
      assertArrayEquals(TINY_AFFINE, h.qformAffine());
      assertArrayEquals(TINY_AFFINE, h.affine());
      assertEquals(2 | 8, h.xyztUnits());
      assertEquals(2.0, h.pixdim()[4]);
      assertEquals(2.0, h.trSeconds().orElseThrow());
      assertArrayEquals(new double[] {4, 4, 4, 2}, h.voxelSizes());
      assertEquals("synthetic fMRI gen v1 seed=1234 " + sub, h.descrip());
    }
    for (String f : List.of("mask.nii.gz", "maps.nii.gz", "mean_baseline.nii.gz", "atlas_labels.nii.gz",
        "sub-01_maps.nii.gz")) {
      NiftiHeader h = header(tiny.truth(f));
      assertArrayEquals(TINY_AFFINE, h.sformAffine(), f);
      assertEquals(1, h.sformCode(), f);
      assertEquals(1, h.qformCode(), f);
    }
    assertEquals(NiftiDatatype.UINT8, header(tiny.truth("mask.nii.gz")).datatype());
    assertEquals(NiftiDatatype.INT16, header(tiny.truth("atlas_labels.nii.gz")).datatype());
    assertArrayEquals(new long[] {NX, NY, NZ, K}, header(tiny.truth("maps.nii.gz")).shape());
  }

  @Test
  void make_affine_matches_the_reference_for_every_size() {
    assertArrayEquals(TINY_AFFINE, Simulator.makeAffine(SimulationSize.TINY.shape(), 4.0));
    assertArrayEquals(new double[][] {{4, 0, 0, -78}, {0, 4, 0, -116}, {0, 0, 4, -60}, {0, 0, 0, 1}},
        Simulator.makeAffine(SimulationSize.SMALL.shape(), 4.0));
    assertArrayEquals(new double[][] {{-3, 0, 0, 90}, {0, 3, 0, -126}, {0, 0, 3, -72}, {0, 0, 0, 1}},
        Simulator.makeAffine(SimulationSize.MEDIUM.shape(), 3.0), "MNI152 3 mm");
  }

  @Test
  void sizes_match_the_reference_presets() {
    assertArrayEquals(new int[] {16, 16, 12}, SimulationSize.TINY.shape());
    assertEquals(48, SimulationSize.TINY.volumes());
    assertEquals(1.5, SimulationSize.TINY.blobSigmaVox().orElseThrow());
    assertArrayEquals(new int[] {40, 48, 40}, SimulationSize.SMALL.shape());
    assertEquals(150, SimulationSize.SMALL.volumes());
    assertEquals(20, SimulationSize.SMALL.regions());
    assertArrayEquals(new int[] {61, 73, 61}, SimulationSize.MEDIUM.shape());
    assertEquals(300, SimulationSize.MEDIUM.volumes());
    assertEquals(10, SimulationSize.MEDIUM.subjects());
    assertEquals(40, SimulationSize.MEDIUM.regions());
    assertEquals(1.0, SimulationSize.MEDIUM.snr());
    assertEquals(SimulationSize.MEDIUM, SimulationSize.fromId("Medium"));
  }

  // ------------------------------------------------------------------ the truth

  @Test
  void true_mask_is_the_reference_ellipsoid() {
    int n = 0;
    for (boolean b : mask) {
      n += b ? 1 : 0;
    }
    assertEquals(928, n, "gen_synthetic.py's n_mask_voxels for tiny");
    assertTrue(mask[idx(7, 7, 6)] && !mask[idx(0, 0, 0)]);
  }

  @Test
  void planted_maps_are_peak_normalised_and_zero_outside_the_mask() {
    List<String> files = new ArrayList<>(List.of("maps.nii.gz"));
    for (String sub : tiny.subjects()) {
      files.add(sub + "_maps.nii.gz");
    }
    for (String f : files) {
      float[][] maps = read(tiny.truth(f));
      assertEquals(K, maps.length);
      for (int k = 0; k < K; k++) {
        float max = 0;
        int nonzero = 0;
        for (int v = 0; v < maps[k].length; v++) {
          float x = maps[k][v];
          max = Math.max(max, x);
          if (!mask[v]) {
            assertEquals(0f, x, f + " network " + k + " outside the mask at " + v);
          }
          assertTrue(x == 0 || (x >= 1e-3f && x <= 1f), f + ": value " + x);
          nonzero += x != 0 ? 1 : 0;
        }
        assertEquals(1f, max, f + " network " + k + " peak");
        assertTrue(nonzero > 20, f + " network " + k + " has only " + nonzero + " voxels");
      }
    }
  }

  @Test
  void timecourses_have_unit_variance_and_correlate_like_the_model() throws IOException {
    JsonNode truth = json(tiny.truth("truth.json"));
    double sumAbsDev = 0;
    int pairs = 0;
    for (int s = 0; s < 3; s++) {
      String sub = tiny.subjects().get(s);
      Npy.NpyArray a = Npy.read(tiny.truth(sub + "_timecourses.npy"));
      assertEquals(Npy.DType.FLOAT32, a.dtype());
      assertArrayEquals(new long[] {T, K}, a.shape());
      float[] tc = a.toFloatArray();
      double[][] cols = new double[K][];
      for (int k = 0; k < K; k++) {
        cols[k] = column(tc, k);
        double m = SimMath.mean(cols[k]);
        double ss = 0;
        for (double x : cols[k]) {
          ss += (x - m) * (x - m);
        }
        assertEquals(0, m, 1e-5, sub + " network " + k + " mean");
        assertEquals(1, ss / T, 1e-4, sub + " network " + k + " variance (ddof 0)");
      }
      double[][] sample = SimMath.corrcoef(cols);
      JsonNode js = truth.get("subjects").get(s);
      assertEquals(sub, js.get("id").asText());
      for (int a1 = 0; a1 < K; a1++) {
        for (int b = 0; b < K; b++) {
          assertEquals(js.get("true_tc_correlation").get(a1).get(b).asDouble(), sample[a1][b], 1e-5);
          if (b > a1) {
            sumAbsDev += Math.abs(sample[a1][b] - js.get("model_tc_correlation").get(a1).get(b).asDouble());
            pairs++;
          }
        }
      }
    }
    // 48 samples of band-limited series have few degrees of freedom: only loosely the model's
    assertTrue(sumAbsDev / pairs < 0.35, "mean |sample - model| correlation " + sumAbsDev / pairs);
  }

  @Test
  void brain_is_about_1000_and_background_about_50() throws IOException {
    // eroded mask (all 6 neighbours in the mask), and voxels farther than 2.5 voxels from the mask
    // (the partial-volume edge is a Gaussian of sd 0.6 voxel)
    List<Integer> core = new ArrayList<>();
    List<Integer> far = new ArrayList<>();
    for (int k = 0; k < NZ; k++) {
      for (int j = 0; j < NY; j++) {
        for (int i = 0; i < NX; i++) {
          boolean in = true;
          boolean near = false;
          for (int dk = -3; dk <= 3; dk++) {
            for (int dj = -3; dj <= 3; dj++) {
              for (int di = -3; di <= 3; di++) {
                int ii = i + di;
                int jj = j + dj;
                int kk = k + dk;
                boolean inside = ii >= 0 && jj >= 0 && kk >= 0 && ii < NX && jj < NY && kk < NZ
                    && mask[idx(ii, jj, kk)];
                if (di * di + dj * dj + dk * dk <= 6) {
                  near |= inside;
                }
                if (Math.abs(di) + Math.abs(dj) + Math.abs(dk) <= 1) {
                  in &= inside;
                }
              }
            }
          }
          if (in) {
            core.add(idx(i, j, k));
          }
          if (!near) {
            far.add(idx(i, j, k));
          }
        }
      }
    }
    assertTrue(core.size() > 300 && far.size() > 50, core.size() + " core, " + far.size() + " far voxels");
    JsonNode truth = json(tiny.truth("truth.json"));
    for (int s = 0; s < 3; s++) {
      float[][] bold = read(tiny.bold(tiny.subjects().get(s)));
      double g = truth.get("subjects").get(s).get("global_scale").asDouble();
      double brain = 0;
      for (int v : core) {
        for (float[] vol : bold) {
          brain += vol[v];
        }
      }
      brain /= core.size() * (double) T;
      double bg = 0;
      for (int v : far) {
        for (float[] vol : bold) {
          bg += vol[v];
        }
      }
      bg /= far.size() * (double) T;
      assertEquals(1000 * g, brain, 150 * g, "brain mean");
      assertEquals(50 * g, bg, 7.5 * g, "background mean");
      for (float[] vol : bold) {
        for (float x : vol) {
          assertTrue(x >= 0 && x == Math.rint(x), "values are non-negative integers: " + x);
        }
      }
    }
  }

  @Test
  void planted_signal_is_recoverable_at_each_network_peak() {
    float[][] maps = read(tiny.truth("maps.nii.gz"));
    for (String sub : tiny.subjects()) {
      float[][] bold = read(tiny.bold(sub));
      float[] tc = Npy.read(tiny.truth(sub + "_timecourses.npy")).toFloatArray();
      for (int k = 0; k < K; k++) {
        int peak = 0;
        for (int v = 0; v < maps[k].length; v++) {
          peak = maps[k][v] > maps[k][peak] ? v : peak;
        }
        double[] y = new double[T];
        for (int t = 0; t < T; t++) {
          y[t] = bold[t][peak];
        }
        double r = pearson(detrend(y), column(tc, k));
        assertTrue(r > 0.5, sub + " network " + k + ": r = " + r + " at voxel " + peak);
      }
    }
  }

  @Test
  void atlas_labels_partition_the_mask_and_are_ordered_by_centroid() throws IOException {
    float[] atlas = read(tiny.truth("atlas_labels.nii.gz"))[0];
    int[] count = new int[9];
    for (int v = 0; v < atlas.length; v++) {
      int l = (int) atlas[v];
      assertEquals(mask[v], l != 0, "labelled iff in the mask, voxel " + v);
      assertTrue(l >= 0 && l <= 8);
      count[l]++;
    }
    List<String> tsv = Files.readAllLines(tiny.truth("atlas_labels.tsv"));
    assertEquals("index\tname\tn_voxels\tx_mm\ty_mm\tz_mm", tsv.get(0));
    assertEquals(9, tsv.size());
    double lastX = Double.NEGATIVE_INFINITY;
    for (int r = 1; r <= 8; r++) {
      String[] row = tsv.get(r).split("\t");
      assertEquals(String.valueOf(r), row[0]);
      assertEquals(String.format("region_%02d", r), row[1]);
      assertEquals(count[r], Integer.parseInt(row[2]), "voxel count of region " + r);
      assertTrue(count[r] > 0);
      double x = Double.parseDouble(row[3]);
      assertTrue(x >= lastX - 0.05, "regions ordered by centroid x");
      lastX = x;
    }
  }

  @Test
  void truth_json_records_the_parameters_and_every_checksum() throws IOException {
    JsonNode t = json(tiny.truth("truth.json"));
    assertEquals("tiny", t.get("size").asText());
    assertEquals(1234, t.get("seed").asLong());
    assertEquals(3.0, t.get("snr").asDouble());
    assertEquals(1000 * 0.02 / 3, t.get("noise_sd").asDouble(), 1e-12);
    assertEquals(928, t.get("n_mask_voxels").asInt());
    assertEquals(K, t.get("networks").size());
    for (JsonNode n : t.get("networks")) {
      int blobs = n.get("blobs").size();
      assertTrue(blobs >= 1 && blobs <= 3);
      assertEquals(1.0, n.get("blobs").get(0).get("amp").asDouble());
      double amp = n.get("amplitude").asDouble();
      assertTrue(amp >= 0.8 && amp <= 1.2);
    }
    assertEquals(3, t.get("subjects").size());
    JsonNode s0 = t.get("subjects").get(0);
    assertEquals(t.get("networks").get(0).get("blobs").size(), s0.get("jitter_vox").get(0).size());
    assertEquals(3, s0.get("jitter_vox").get(0).get(0).size());
    JsonNode sums = t.get("sha256");
    Map<String, String> actual = treeSha(tiny.outDir());
    actual.remove("derivatives/truth/truth.json");
    assertEquals(actual.size(), sums.size());
    for (Map.Entry<String, String> e : actual.entrySet()) {
      assertEquals(e.getValue(), sums.get(e.getKey()).asText(), e.getKey());
    }
  }

  // ------------------------------------------------------------------ API behaviour

  @Test
  void progress_is_monotone_and_ends_at_one() {
    List<Double> fractions = new ArrayList<>();
    List<String> steps = new ArrayList<>();
    Simulator.simulate(shared.resolve("progress"), SimulationConfig.of(SimulationSize.TINY, 5).withSubjects(2),
        (f, step) -> {
          fractions.add(f);
          steps.add(step);
        });
    for (int i = 1; i < fractions.size(); i++) {
      assertTrue(fractions.get(i) >= fractions.get(i - 1), "progress went back at " + steps.get(i));
    }
    assertEquals(1.0, fractions.get(fractions.size() - 1));
    assertTrue(steps.stream().anyMatch(s -> s.startsWith("sub-02: volume")), steps.toString());
  }

  @Test
  void a_listener_can_cancel_and_no_partial_files_remain() throws IOException {
    Path out = shared.resolve("cancelled");
    assertThrows(CancellationException.class, () -> Simulator.simulate(out,
        SimulationConfig.of(SimulationSize.TINY, 1).withThreads(1), (f, step) -> {
          if (step.startsWith("sub-01: volume")) {
            throw new CancellationException("stop");
          }
        }));
    try (Stream<Path> s = Files.walk(out)) {
      List<String> names = s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
      assertTrue(names.stream().noneMatch(n -> n.endsWith(".tmp") || n.contains("bold")), names.toString());
    }
  }

  @Test
  void invalid_parameters_are_refused() {
    SimulationConfig c = SimulationConfig.of(SimulationSize.TINY, 1);
    assertThrows(InvalidArgumentException.class, () -> c.withSubjects(0));
    assertThrows(InvalidArgumentException.class, () -> c.withSnr(0));
    assertThrows(InvalidArgumentException.class, () -> c.withGzipLevel(10));
    assertThrows(InvalidArgumentException.class, () -> SimulationSize.fromId("huge"));
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> Simulator.simulate(shared.resolve("bad"), c.withRegions(929), ProgressListener.NONE));
    assertTrue(e.getMessage().contains("928"), e.getMessage());
  }
}
