package io.voxelflow.loadtests;

import java.util.Arrays;
import java.util.Locale;

/** Timing helpers for the network benchmarks: warm-up, repeated runs, medians. */
final class Harness {
  private Harness() {}

  @FunctionalInterface
  interface Run {
    /** Does the work once; returns the bytes moved. */
    long run() throws Exception;
  }

  /** Median throughput in bytes/s over {@code reps} runs after {@code warmups}. */
  static Result measure(String name, int warmups, int reps, Run r) throws Exception {
    return measure(name, warmups, reps, () -> { }, r);
  }

  /** Untimed work before each run (and each warm-up): waiting for background work, clearing a cache. */
  interface Setup {
    void run() throws Exception;
  }

  /** As {@link #measure(String, int, int, Run)}, with {@code before} run untimed ahead of each run. */
  static Result measure(String name, int warmups, int reps, Setup before, Run r) throws Exception {
    for (int i = 0; i < warmups; i++) {
      before.run();
      r.run();
    }
    double[] rates = new double[reps];
    long bytes = 0;
    for (int i = 0; i < reps; i++) {
      before.run();
      long t0 = System.nanoTime();
      bytes = r.run();
      rates[i] = bytes / ((System.nanoTime() - t0) / 1e9);
      if (Boolean.getBoolean("bench.verbose")) {
        System.err.printf(Locale.ROOT, "  %s run %d: %.0f MB/s%n", name, i, rates[i] / 1e6);
      }
    }
    Arrays.sort(rates);
    Result res = new Result(name, bytes, rates[reps / 2], rates[0], rates[reps - 1]);
    System.err.printf(Locale.ROOT, "%-28s median %7.0f MB/s (min %6.0f, max %6.0f) over %d runs of %.0f MB%n",
        name, res.median / 1e6, res.min / 1e6, res.max / 1e6, reps, bytes / 1e6);
    return res;
  }

  record Result(String name, long bytes, double median, double min, double max) {}
}
