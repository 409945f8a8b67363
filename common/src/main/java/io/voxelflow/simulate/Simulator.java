package io.voxelflow.simulate;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiHeader;
import io.voxelflow.nifti.NiftiWriter;
import io.voxelflow.npy.Npy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Generates a synthetic multi-subject resting-state fMRI dataset with planted networks and its
 * ground truth, as a BIDS dataset. The model and the preset sizes are those of the reference
 * generator {@code gen_synthetic.py} (see {@link SimulationSize}); the random numbers are Java's
 * ({@link java.util.SplittableRandom}), so the data are statistically, not bitwise, the same.
 *
 * <p>Model, per subject s, voxel x, volume t (TR 2 s), t' = t/(T−1):
 * <pre>
 *   Y(x,t) = round(max(0, g_s·M(x)·(1 + pct·Σ_k a_sk S_sk(x) A_sk(t)
 *                                     + drift·w1(x)·(t' − ½) + slow·w2(x)·cos(π t'))
 *                        + N(x,t)))
 * </pre>
 * M: baseline ~1000 in a brain-shaped ellipsoid (smooth ±8 % bias field, partial-volume edge),
 * 50 outside; S: K networks of 1–3 Gaussian blobs, peak-normalised, jittered per subject; A:
 * unit-variance band-limited (0.01–0.1 Hz) time courses with a factor-model correlation, network 0
 * mixed with a 20 s on/off block design convolved with the SPM HRF; N: white noise with sd
 * {@code 1000·pct/snr}.
 *
 * <p>Output layout under {@code outDir}:
 * <pre>
 *   dataset_description.json  README  participants.tsv  participants.json
 *   sub-XX/func/sub-XX_task-rest_bold.nii.gz  sub-XX/func/sub-XX_task-rest_bold.json
 *   derivatives/truth/dataset_description.json  mask.nii.gz  maps.nii.gz  mean_baseline.nii.gz
 *       atlas_labels.nii.gz  atlas_labels.tsv  group_tc_correlation.npy
 *       sub-XX_timecourses.npy  sub-XX_maps.nii.gz  truth.json
 * </pre>
 *
 * <p>Determinism: the same configuration (whatever {@code threads}) gives byte-identical files.
 * The group model uses the stream (seed, 0), the atlas (seed, 2), subject s (seed, 1, s).
 */
public final class Simulator {
  /** Version of the generative model and of the output layout. */
  public static final String GENERATOR_VERSION = "1";
  /** Repetition time, seconds. */
  public static final double TR = 2.0;
  /** Brain baseline intensity. */
  public static final double BASELINE = 1000.0;
  /** Background intensity as a fraction of the brain's. */
  public static final double BACKGROUND_FRAC = 0.05;
  /** Band of the network fluctuations, Hz. */
  public static final double BAND_LOW_HZ = 0.01;
  public static final double BAND_HIGH_HZ = 0.1;
  /** BIDS task label of the runs. */
  public static final String TASK = "rest";
  /** Where the ground truth goes, relative to the dataset root. */
  public static final String TRUTH_DIR = "derivatives/truth";

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectWriter JSON = MAPPER.writer(
      new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")));

  private Simulator() {}

  /** What a simulation wrote: every file (relative path, '/'-separated) with its sha256. */
  public record Result(Path outDir, SimulationConfig config, List<String> subjects, Map<String, String> sha256,
      double seconds) {
    public Result {
      subjects = List.copyOf(subjects);
      sha256 = java.util.Collections.unmodifiableMap(new TreeMap<>(sha256));
    }

    /** The BOLD image of subject {@code sub} (e.g. "sub-01"). */
    public Path bold(String sub) {
      return outDir.resolve(boldPath(sub));
    }

    /** A file of the ground truth, e.g. {@code truth("maps.nii.gz")}. */
    public Path truth(String name) {
      return outDir.resolve(TRUTH_DIR).resolve(name);
    }
  }

  /** Simulates a preset with its default parameters. */
  public static Result simulate(Path outDir, SimulationSize size, long seed, ProgressListener progress) {
    return simulate(outDir, SimulationConfig.of(size, seed), progress);
  }

  /**
   * Simulates the dataset described by {@code config} into {@code outDir} (created if needed;
   * files of an earlier run are replaced, others are left alone).
   */
  public static Result simulate(Path outDir, SimulationConfig config, ProgressListener progress) {
    long t0 = System.nanoTime();
    Progress prog = new Progress(progress == null ? ProgressListener.NONE : progress);
    SimulationSize size = config.size();
    int[] shape = size.shape();
    double[][] affine = makeAffine(shape, size.voxelMm());
    prog.report(0.0, "group model");
    GroupModel g = GroupModel.build(config);
    if (config.regions() > g.maskCount) {
      throw new InvalidArgumentException("INVALID_SIMULATION_PARAMETER",
          "regions (" + config.regions() + ") exceeds the " + g.maskCount + " brain voxels");
    }
    Map<String, Path> files = new TreeMap<>();
    Path truthDir = outDir.resolve(TRUTH_DIR);
    try {
      Files.createDirectories(truthDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + truthDir + ": " + e.getMessage(), e);
    }

    // ground truth of the group: mask, maps, baseline, time-course correlation
    float[] maskVol = new float[g.nv];
    for (int v = 0; v < g.nv; v++) {
      maskVol[v] = g.mask[v] ? 1f : 0f;
    }
    writeNifti(files, outDir, TRUTH_DIR + "/mask.nii.gz", NiftiDatatype.UINT8, affine, "true brain mask",
        config, shape, List.of(maskVol), 1.0);
    float[][] gmaps = g.networkMaps(null, null);
    writeNifti(files, outDir, TRUTH_DIR + "/maps.nii.gz", NiftiDatatype.FLOAT32, affine,
        "true group network maps (X,Y,Z,K)", config, shape, java.util.Arrays.asList(gmaps), 1.0);
    writeNifti(files, outDir, TRUTH_DIR + "/mean_baseline.nii.gz", NiftiDatatype.FLOAT32, affine,
        "noise-free baseline intensity", config, shape, List.of(g.meanImg), 1.0);
    double[][] groupCorr = g.groupCorrelation();
    writeNpy(files, outDir, TRUTH_DIR + "/group_tc_correlation.npy", groupCorr);

    // atlas: k-means parcels of the true mask
    prog.report(0.01, "atlas");
    List<int[]> coordList = new ArrayList<>();
    for (int i = 0; i < g.nx; i++) {
      for (int j = 0; j < g.ny; j++) {
        for (int k = 0; k < g.nz; k++) {
          if (g.mask[g.index(i, j, k)]) {
            coordList.add(new int[] {i, j, k});
          }
        }
      }
    }
    int[][] coords = coordList.toArray(new int[0][]);
    SimMath.Parcellation parc = SimMath.kmeans(SimMath.stream(config.seed(), 2), coords, config.regions(), 30);
    float[] atlas = new float[g.nv];
    int[] counts = new int[config.regions() + 1];
    for (int p = 0; p < coords.length; p++) {
      atlas[g.index(coords[p][0], coords[p][1], coords[p][2])] = parc.labels()[p];
      counts[parc.labels()[p]]++;
    }
    writeNifti(files, outDir, TRUTH_DIR + "/atlas_labels.nii.gz", NiftiDatatype.INT16, affine,
        "synthetic k-means atlas", config, shape, List.of(atlas), 1.0);
    StringBuilder tsv = new StringBuilder("index\tname\tn_voxels\tx_mm\ty_mm\tz_mm\n");
    for (int r = 0; r < config.regions(); r++) {
      double[] mm = applyAffine(affine, parc.centers()[r]);
      tsv.append(r + 1).append('\t').append(String.format(Locale.ROOT, "region_%02d", r + 1)).append('\t')
          .append(counts[r + 1]);
      for (double x : mm) {
        tsv.append('\t').append(String.format(Locale.ROOT, "%.1f", x));
      }
      tsv.append('\n');
    }
    writeText(files, outDir, TRUTH_DIR + "/atlas_labels.tsv", tsv.toString());
    prog.report(0.03, "subjects");

    // subjects, possibly several at once (each has its own random stream)
    List<Map<String, Object>> subjectInfo = runSubjects(outDir, config, g, affine, shape, files, prog);

    // BIDS metadata
    writeJson(files, outDir, "dataset_description.json", datasetDescription(config, "raw"));
    writeJson(files, outDir, TRUTH_DIR + "/dataset_description.json", datasetDescription(config, "derivative"));
    StringBuilder participants = new StringBuilder("participant_id\tglobal_scale\n");
    for (Map<String, Object> s : subjectInfo) {
      participants.append(s.get("id")).append('\t')
          .append(String.format(Locale.ROOT, "%.6f", (Double) s.get("global_scale"))).append('\n');
    }
    writeText(files, outDir, "participants.tsv", participants.toString());
    Map<String, Object> pj = new LinkedHashMap<>();
    pj.put("participant_id", Map.of("Description", "subject label"));
    pj.put("global_scale", Map.of("Description",
        "per-session global intensity scale g_s of the synthetic model, U(0.95, 1.05)"));
    writeJson(files, outDir, "participants.json", pj);
    writeText(files, outDir, "README", readme(config));

    // truth.json: every parameter, the networks, the subjects, checksums of every other file
    prog.report(0.985, "checksums");
    Map<String, String> sums = new TreeMap<>();
    for (Map.Entry<String, Path> e : files.entrySet()) {
      sums.put(e.getKey(), sha256(e.getValue()));
    }
    Map<String, Object> truth = truthJson(config, g, affine, groupCorr, subjectInfo, sums);
    writeJson(files, outDir, TRUTH_DIR + "/truth.json", truth);
    sums.put(TRUTH_DIR + "/truth.json", sha256(files.get(TRUTH_DIR + "/truth.json")));
    List<String> ids = new ArrayList<>();
    for (Map<String, Object> s : subjectInfo) {
      ids.add((String) s.get("id"));
    }
    prog.report(1.0, "done");
    return new Result(outDir, config, ids, sums, (System.nanoTime() - t0) / 1e9);
  }

  // ------------------------------------------------------------------ subjects

  private static List<Map<String, Object>> runSubjects(Path outDir, SimulationConfig config, GroupModel g,
      double[][] affine, int[] shape, Map<String, Path> files, Progress prog) {
    int n = config.subjects();
    int threads = Math.min(config.threads(), n);
    long totalVolumes = (long) n * config.volumes();
    AtomicLong done = new AtomicLong();
    List<Map<String, Object>> info = new ArrayList<>();
    List<Map<String, Path>> subFiles = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      info.add(null);
      subFiles.add(null);
    }
    if (threads <= 1) {
      for (int s = 0; s < n; s++) {
        Map<String, Path> f = new TreeMap<>();
        info.set(s, runSubject(outDir, config, g, affine, shape, s, f, prog, done, totalVolumes));
        subFiles.set(s, f);
      }
    } else {
      AtomicInteger threadNo = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "voxelflow-simulate-" + threadNo.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      List<Future<Map<String, Object>>> futures = new ArrayList<>();
      try {
        for (int s = 0; s < n; s++) {
          final int sub = s;
          Map<String, Path> f = new TreeMap<>();
          subFiles.set(s, f);
          futures.add(pool.submit(() -> runSubject(outDir, config, g, affine, shape, sub, f, prog, done,
              totalVolumes)));
        }
        for (int s = 0; s < n; s++) {
          info.set(s, futures.get(s).get());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("simulation interrupted");
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException re) {
          throw re;
        }
        if (c instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(c);
      } finally {
        pool.shutdownNow();
        try {
          // let interrupted subjects abort their writers (removing temporary files) before returning
          pool.awaitTermination(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    for (Map<String, Path> f : subFiles) {
      files.putAll(f);
    }
    return info;
  }

  private static Map<String, Object> runSubject(Path outDir, SimulationConfig config, GroupModel g,
      double[][] affine, int[] shape, int s, Map<String, Path> files, Progress prog, AtomicLong done,
      long totalVolumes) {
    SubjectModel sm = new SubjectModel(g, config, s);
    String sub = sm.id;
    int nVols = config.volumes();
    int batch = Math.max(1, nVols / 10);
    String bold = boldPath(sub);
    NiftiHeader h = header(NiftiDatatype.FLOAT32, affine,
        "synthetic fMRI gen v" + GENERATOR_VERSION + " seed=" + config.seed() + " " + sub, shape, nVols, TR);
    Path boldFile = outDir.resolve(bold);
    try (NiftiWriter w = NiftiWriter.create(boldFile, h, List.of(), config.gzipLevel())) {
      sm.writeBold(w, t -> {
        if (t % batch == 0 || t == nVols) {
          long d = done.addAndGet(t % batch == 0 ? batch : t % batch);
          prog.report(0.03 + 0.95 * d / totalVolumes, sub + ": volume " + t + "/" + nVols);
        }
      });
    }
    files.put(bold, boldFile);
    Map<String, Object> sidecar = new LinkedHashMap<>();
    sidecar.put("TaskName", TASK);
    sidecar.put("RepetitionTime", TR);
    sidecar.put("TaskDescription", "synthetic resting state with " + config.networks()
        + " planted networks; network 0 follows 20 s on / 20 s off blocks convolved with the SPM HRF");
    writeJson(files, outDir, sub + "/func/" + sub + "_task-" + TASK + "_bold.json", sidecar);
    Path tcFile = outDir.resolve(TRUTH_DIR + "/" + sub + "_timecourses.npy");
    Npy.write(tcFile, sm.timecoursesTxK(), nVols, config.networks());
    files.put(TRUTH_DIR + "/" + sub + "_timecourses.npy", tcFile);
    writeNifti(files, outDir, TRUTH_DIR + "/" + sub + "_maps.nii.gz", NiftiDatatype.FLOAT32, affine,
        "true network maps of " + sub + " (X,Y,Z,K)", config, shape, java.util.Arrays.asList(sm.maps), 1.0);

    Map<String, Object> info = new LinkedHashMap<>();
    info.put("id", sub);
    info.put("file", bold);
    info.put("jitter_vox", sm.jitter);
    info.put("blob_amp_scale", sm.ampScale);
    info.put("network_amplitude", sm.netAmp);
    info.put("global_scale", sm.gscale);
    info.put("drift_signs", sm.driftSigns);
    info.put("noise_sd", sm.noiseSd);
    info.put("true_tc_correlation", sm.trueCorrelation());
    info.put("model_tc_correlation", sm.modelCorr);
    return info;
  }

  /** "sub-01" for s = 0 (two digits up to 99 subjects, then three). */
  static String subjectId(int s) {
    return String.format(Locale.ROOT, "sub-%02d", s + 1);
  }

  static String boldPath(String sub) {
    return sub + "/func/" + sub + "_task-" + TASK + "_bold.nii.gz";
  }

  // ------------------------------------------------------------------ geometry

  /**
   * {@code make_affine}: RAS affine with isotropic voxels, world origin near the middle of the grid
   * (slightly posterior/inferior), translations rounded half-to-even to whole mm; for 61×73×61 at
   * 3 mm exactly the MNI152 3 mm affine.
   */
  public static double[][] makeAffine(int[] shape, double vox) {
    if (shape[0] == 61 && shape[1] == 73 && shape[2] == 61 && vox == 3.0) {
      return new double[][] {{-3, 0, 0, 90}, {0, 3, 0, -126}, {0, 0, 3, -72}, {0, 0, 0, 1}};
    }
    double[] shift = {0.0, -18.0, 18.0};
    double[][] a = new double[4][4];
    for (int d = 0; d < 3; d++) {
      a[d][d] = vox;
      a[d][3] = Math.rint(-(shape[d] - 1) / 2.0 * vox + shift[d] * (shape[d] / 40.0));
    }
    a[3][3] = 1.0;
    return a;
  }

  static double[] applyAffine(double[][] a, double[] ijk) {
    double[] out = new double[3];
    for (int r = 0; r < 3; r++) {
      out[r] = a[r][0] * ijk[0] + a[r][1] * ijk[1] + a[r][2] * ijk[2] + a[r][3];
    }
    return out;
  }

  // ------------------------------------------------------------------ writing

  private static NiftiHeader header(NiftiDatatype type, double[][] affine, String descrip, int[] shape, int nVols,
      double pixdim4) {
    NiftiHeader h = nVols > 1
        ? NiftiHeader.of(type, shape[0], shape[1], shape[2], nVols)
        : NiftiHeader.of(type, shape[0], shape[1], shape[2]);
    h.setAffine(affine, 1);
    if (nVols > 1) {
      h.setPixdim(4, pixdim4);
    }
    h.setXyztUnits(2 | 8);
    h.setDescrip(descrip.length() > 79 ? descrip.substring(0, 79) : descrip);
    return h;
  }

  /** Writes 3-D volumes given as one float[] each (a 4-D image when more than one). */
  private static void writeNifti(Map<String, Path> files, Path outDir, String rel, NiftiDatatype type,
      double[][] affine, String descrip, SimulationConfig config, int[] shape, List<float[]> volumes,
      double pixdim4) {
    Path p = outDir.resolve(rel);
    NiftiHeader h = header(type, affine, descrip, shape, volumes.size(), pixdim4);
    try (NiftiWriter w = NiftiWriter.create(p, h, List.of(), config.gzipLevel())) {
      for (float[] v : volumes) {
        w.writeVolume(v);
      }
    }
    synchronized (files) {
      files.put(rel, p);
    }
  }

  private static void writeNpy(Map<String, Path> files, Path outDir, String rel, double[][] m) {
    Path p = outDir.resolve(rel);
    Npy.write(p, m);
    files.put(rel, p);
  }

  private static void writeJson(Map<String, Path> files, Path outDir, String rel, Object value) {
    try {
      writeText(files, outDir, rel, JSON.writeValueAsString(value) + "\n");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + rel + ": " + e.getMessage(), e);
    }
  }

  private static void writeText(Map<String, Path> files, Path outDir, String rel, String text) {
    Path p = outDir.resolve(rel);
    try {
      Path dir = p.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = io.voxelflow.files.AtomicFiles.tempBeside(p);
      try {
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + p + ": " + e.getMessage(), e);
    }
    files.put(rel, p);
  }

  static String sha256(Path p) {
    try (InputStream in = Files.newInputStream(p)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ metadata

  private static Map<String, Object> datasetDescription(SimulationConfig c, String type) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("Name", ("raw".equals(type) ? "Voxelflow synthetic fMRI" : "Ground truth of the Voxelflow synthetic fMRI")
        + " (" + c.size().id() + ", seed " + c.seed() + ")");
    d.put("BIDSVersion", "1.9.0");
    d.put("DatasetType", type);
    d.put("License", "CC0");
    Map<String, Object> gen = new LinkedHashMap<>();
    gen.put("Name", "voxelflow simulate");
    gen.put("Version", GENERATOR_VERSION);
    gen.put("Description", "synthetic multi-subject fMRI with planted networks; model of gen_synthetic.py, "
        + "Java random streams (SplittableRandom)");
    d.put("GeneratedBy", List.of(gen));
    return d;
  }

  private static String readme(SimulationConfig c) {
    return "Synthetic resting-state fMRI made by `voxelflow simulate` (generator version " + GENERATOR_VERSION
        + "), size " + c.size().id() + ", seed " + c.seed() + ".\n\n"
        + "Every run is " + c.volumes() + " volumes at TR " + TR + " s. " + c.networks()
        + " networks of Gaussian blobs are planted with known time courses; the ground truth (true mask,\n"
        + "maps, time courses, atlas and every generation parameter) is in " + TRUTH_DIR + "/.\n";
  }

  private static Map<String, Object> truthJson(SimulationConfig c, GroupModel g, double[][] affine,
      double[][] groupCorr, List<Map<String, Object>> subjects, Map<String, String> sums) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("generator", "voxelflow simulate");
    m.put("generator_version", GENERATOR_VERSION);
    m.put("rng", "java.util.SplittableRandom; streams mix64(seed, path): group (seed,0), subject s (seed,1,s),"
        + " atlas (seed,2); normals by nextGaussian");
    m.put("size", c.size().id());
    m.put("seed", c.seed());
    m.put("shape", c.size().shape());
    m.put("n_vols", c.volumes());
    m.put("n_subjects", c.subjects());
    m.put("n_networks", c.networks());
    m.put("n_regions", c.regions());
    m.put("voxel_mm", c.size().voxelMm());
    m.put("tr_s", TR);
    m.put("affine", affine);
    m.put("baseline", BASELINE);
    m.put("background_frac", BACKGROUND_FRAC);
    m.put("snr", c.snr());
    m.put("signal_pct", c.signalPct());
    m.put("drift_pct", c.driftPct());
    m.put("slow_drift_pct", c.slowDriftPct());
    m.put("noise_sd", c.noiseSd());
    m.put("jitter_vox", c.jitterVox());
    m.put("band_hz", new double[] {BAND_LOW_HZ, BAND_HIGH_HZ});
    m.put("task", "network 0: 20 s on / 20 s off blocks * SPM HRF");
    m.put("compresslevel", c.gzipLevel());
    m.put("n_mask_voxels", g.maskCount);
    m.put("blob_sigma_vox", g.sigmaVox);
    List<Map<String, Object>> nets = new ArrayList<>();
    for (GroupModel.Network n : g.networks) {
      Map<String, Object> nm = new LinkedHashMap<>();
      List<Map<String, Object>> blobs = new ArrayList<>();
      for (GroupModel.Blob b : n.blobs()) {
        Map<String, Object> bm = new LinkedHashMap<>();
        bm.put("center", b.center());
        bm.put("sigma", b.sigma());
        bm.put("amp", b.amp());
        blobs.add(bm);
      }
      nm.put("blobs", blobs);
      nm.put("amplitude", n.amplitude());
      nm.put("bilateral", n.bilateral());
      nets.add(nm);
    }
    m.put("networks", nets);
    m.put("group_factors", g.factors);
    m.put("group_tc_correlation", groupCorr);
    m.put("subjects", subjects);
    m.put("sha256", sums);
    return m;
  }

  /** Serialises progress reports and keeps the fraction non-decreasing. */
  private static final class Progress {
    private final ProgressListener listener;
    private double last;

    Progress(ProgressListener listener) {
      this.listener = listener;
    }

    synchronized void report(double fraction, String step) {
      last = Math.max(last, Math.min(1.0, fraction));
      listener.progress(last, step);
    }
  }

  // ------------------------------------------------------------------ command line

  /**
   * {@code Simulator --size tiny|small|medium [--out DIR] [--seed 1234] [--snr S] [--subjects N]
   * [--networks K] [--regions R] [--vols T] [--signal-pct P] [--drift-pct P] [--slow-drift-pct P]
   * [--jitter-vox J] [--compresslevel L] [--threads N]}
   */
  public static void main(String[] args) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || i + 1 >= args.length) {
        System.err.println("usage: Simulator --size tiny|small|medium [--out DIR] [--seed N] [--snr S] ...");
        System.exit(2);
      }
      opts.put(a.substring(2), args[++i]);
    }
    SimulationSize size = SimulationSize.fromId(opts.getOrDefault("size", "tiny"));
    Path out = Path.of(opts.getOrDefault("out", "data/" + size.id()));
    SimulationConfig c = SimulationConfig.of(size, Long.parseLong(opts.getOrDefault("seed", "1234")));
    for (Map.Entry<String, String> e : opts.entrySet()) {
      String v = e.getValue();
      c = switch (e.getKey()) {
        case "size", "out", "seed" -> c;
        case "snr" -> c.withSnr(Double.parseDouble(v));
        case "subjects" -> c.withSubjects(Integer.parseInt(v));
        case "networks" -> c.withNetworks(Integer.parseInt(v));
        case "regions" -> c.withRegions(Integer.parseInt(v));
        case "vols" -> c.withVolumes(Integer.parseInt(v));
        case "signal-pct" -> c.withSignalPct(Double.parseDouble(v));
        case "drift-pct" -> c.withDriftPct(Double.parseDouble(v));
        case "slow-drift-pct" -> c.withSlowDriftPct(Double.parseDouble(v));
        case "jitter-vox" -> c.withJitterVox(Double.parseDouble(v));
        case "compresslevel" -> c.withGzipLevel(Integer.parseInt(v));
        case "threads" -> c.withThreads(Integer.parseInt(v));
        default -> throw new InvalidArgumentException("unknown option --" + e.getKey());
      };
    }
    long[] lastPrint = {0};
    Result r = simulate(out, c, (f, step) -> {
      long now = System.nanoTime();
      if (now - lastPrint[0] > 2_000_000_000L || f >= 1.0) {
        lastPrint[0] = now;
        System.err.printf(Locale.ROOT, "[simulate] %5.1f%% %s%n", 100 * f, step);
      }
    });
    System.out.printf(Locale.ROOT, "[simulate] %s: %d subjects of %dx%dx%d x %d -> %s (%.1f s, %d files)%n",
        size.id(), c.subjects(), size.nx(), size.ny(), size.nz(), c.volumes(), out, r.seconds(), r.sha256().size());
  }
}
