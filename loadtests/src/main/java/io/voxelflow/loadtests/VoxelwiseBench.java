package io.voxelflow.loadtests;

import io.voxelflow.connectivity.voxelwise.EdgeRule;
import io.voxelflow.connectivity.voxelwise.VoxelwiseConnectome;
import io.voxelflow.connectivity.voxelwise.ZScoredVoxels;
import io.voxelflow.npy.Npy;
import io.voxelflow.numerics.FloatBlas;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Voxelwise connectome throughput: 20,000 voxels × 1,200 time points, thresholded at |r| ≥ 0.5,
 * against (a) this machine's SGEMM peak (4096³ sgemm through the same OpenBLAS, same run) and
 * (b) numpy's {@code z @ z.T} on the same z-scores (Debian's numpy, 2 threads, same run). Flops
 * counted as numpy's SYRK does them: {@code V(V+1)·T} for the upper triangle.
 */
public final class VoxelwiseBench {
  private VoxelwiseBench() {}

  static void run() throws Exception {
    int v = 20_000;
    int t = 1_200;
    Path dir = BenchFiles.dir().resolve("voxelwise");
    Files.createDirectories(dir);
    float[][] data = planted(v, t, 11);

    double peak = sgemmPeak();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    double[] ours = new double[3];
    double[] zscore = new double[3];
    long edges = 0;
    for (int rep = 0; rep < ours.length + 1; rep++) {
      long t0 = System.nanoTime();
      try (ZScoredVoxels z = ZScoredVoxels.of(data, dir)) {
        long t1 = System.nanoTime();
        VoxelwiseConnectome.Result res = new VoxelwiseConnectome(pool, VoxelwiseConnectome.Options.defaults())
            .compute(z, new EdgeRule.Absolute(0.5, true), null);
        long t2 = System.nanoTime();
        edges = res.edges().size();
        if (rep > 0) { // the first run warms up
          zscore[rep - 1] = (t1 - t0) / 1e9;
          ours[rep - 1] = (t2 - t1) / 1e9;
        }
        if (rep == 0) {
          writeZ(z, dir.resolve("z.npy"));
        }
      }
    }
    pool.shutdown();
    double numpy = numpy(dir.resolve("z.npy"));
    Arrays.sort(ours);
    Arrays.sort(zscore);
    double flops = (double) v * (v + 1) * t;
    double gflops = flops / ours[1] / 1e9;
    System.out.printf(Locale.ROOT,
        "{\"suite\": \"voxelwise\", \"voxels\": %d, \"time_points\": %d, \"threshold_abs_r\": 0.5, \"edges\": %d,"
            + " \"graph_s\": %.2f, \"zscore_s\": %.2f, \"gflops\": %.0f, \"sgemm_peak_gflops\": %.0f, \"fraction_of_peak\": %.2f,"
            + " \"numpy_z_zT_s\": %.2f, \"ratio_graph_vs_numpy\": %.2f, \"ratio_zscore_plus_graph_vs_numpy\": %.2f}%n",
        v, t, edges, ours[1], zscore[1], gflops, peak, gflops / peak, numpy, ours[1] / numpy, (ours[1] + zscore[1]) / numpy);
  }

  /** 100,000 voxels under a 1 GB heap: the voxel × voxel matrix (40 GB) never exists. */
  static void runLarge() throws Exception {
    int v = 100_000;
    int t = 200;
    Path dir = BenchFiles.dir().resolve("voxelwise-large");
    Files.createDirectories(dir);
    IngestBench.Sampler sampler = new IngestBench.Sampler();
    BufferPoolMXBean mapped = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(b -> b.getName().equals("mapped")).findFirst().orElseThrow();
    sampler.start();
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    long edges;
    long peakMapped = 0;
    try (ZScoredVoxels.Builder b = ZScoredVoxels.builder(dir, v)) {
      SplittableRandom rnd = new SplittableRandom(3);
      float[][] sources = sources(50, t, 3);
      float[] row = new float[v];
      for (int s = 0; s < t; s++) {
        for (int x = 0; x < v; x++) {
          row[x] = (float) (0.8 * sources[x % 50][s] + 0.6 * rnd.nextGaussian());
        }
        b.addTimePoint(row);
      }
      try (ZScoredVoxels z = b.build()) {
        VoxelwiseConnectome.Result res = new VoxelwiseConnectome(pool, VoxelwiseConnectome.Options.defaults())
            .compute(z, new EdgeRule.Absolute(0.75, false), (done, total) -> { });
        edges = res.edges().size();
        peakMapped = mapped.getMemoryUsed();
      }
    }
    long t1 = System.nanoTime();
    sampler.stop();
    pool.shutdown();
    System.out.printf(Locale.ROOT,
        "{\"suite\": \"voxelwise-large\", \"voxels\": %d, \"time_points\": %d, \"edges\": %d, \"wall_s\": %.1f,"
            + " \"max_heap_mb\": %d, \"peak_heap_used_mb\": %.0f, \"peak_direct_mb\": %.0f, \"dense_matrix_would_be_mb\": %.0f}%n",
        v, t, edges, (t1 - t0) / 1e9, Runtime.getRuntime().maxMemory() >> 20, sampler.heap.get() / 1e6,
        sampler.direct.get() / 1e6, (double) v * v * 4 / 1e6);
  }

  private static float[][] sources(int n, int t, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    float[][] s = new float[n][t];
    for (float[] x : s) {
      for (int i = 0; i < t; i++) {
        x[i] = (float) rnd.nextGaussian();
      }
    }
    return s;
  }

  /** Time × voxels: 40 planted networks plus noise. */
  public static float[][] planted(int v, int t, long seed) {
    float[][] src = sources(40, t, seed);
    SplittableRandom rnd = new SplittableRandom(seed + 1);
    float[][] d = new float[t][v];
    for (int x = 0; x < v; x++) {
      double load = 0.2 + 0.6 * rnd.nextDouble();
      for (int s = 0; s < t; s++) {
        d[s][x] = (float) (load * src[x % 40][s] + (1 - load) * rnd.nextGaussian());
      }
    }
    return d;
  }

  private static void writeZ(ZScoredVoxels z, Path npy) throws Exception {
    float[] all = new float[z.voxels() * z.timePoints()];
    z.block(0, z.voxels()).get(all);
    Npy.write(npy, all, z.voxels(), z.timePoints());
  }

  /** Median of 3 runs of numpy's z @ z.T (SYRK) after a warm-up, in seconds. */
  private static double numpy(Path npy) throws Exception {
    String py = "import numpy as np, time\n"
        + "z = np.load('" + npy + "')\n"
        + "z @ z.T\n"
        + "ts = []\n"
        + "for _ in range(3):\n"
        + "    t0 = time.perf_counter(); c = z @ z.T; ts.append(time.perf_counter() - t0); del c\n"
        + "print(sorted(ts)[1])\n";
    ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", "-c", py);
    pb.environment().put("OPENBLAS_NUM_THREADS", String.valueOf(Runtime.getRuntime().availableProcessors()));
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("numpy failed: " + out);
    }
    String[] lines = out.split("\n");
    return Double.parseDouble(lines[lines.length - 1]);
  }

  /** Best of 5 single-precision 4096³ GEMMs, in GFLOP/s. */
  public static double sgemmPeak() {
    int n = 4096;
    FloatBuffer a = ByteBuffer.allocateDirect(n * n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    FloatBuffer b = ByteBuffer.allocateDirect(n * n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    FloatBuffer c = ByteBuffer.allocateDirect(n * n * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < n * n; i++) {
      a.put(i, (float) r.nextDouble());
      b.put(i, (float) r.nextDouble());
    }
    double best = 0;
    for (int rep = 0; rep < 5; rep++) {
      long t0 = System.nanoTime();
      FloatBlas.gemm(a, n, b, n, c, n, n, n, n);
      double s = (System.nanoTime() - t0) / 1e9;
      best = Math.max(best, 2.0 * n * n * n / s / 1e9);
    }
    return best;
  }
}
