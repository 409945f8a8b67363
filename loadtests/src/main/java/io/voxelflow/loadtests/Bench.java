package io.voxelflow.loadtests;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs a benchmark suite and prints each figure as a ratio against the baseline measured in the
 * same run. {@code loadtests/run nifti-read}.
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) throws Exception {
    String suite = args.length > 0 ? args[0] : "nifti-read";
    // Outside Quarkus nothing configures JBoss LogManager (slf4j's binding here), whose loggers
    // then log at DEBUG: netty's HTTP/2 frame logger would hex-dump every DATA frame, which is
    // not what a configured service does (INFO). Benchmarks run at INFO, like the services.
    org.jboss.logmanager.LogContext.getSystemLogContext().getLogger("").setLevel(java.util.logging.Level.INFO);
    switch (suite) {
      case "nifti-read" -> niftiRead();
      case "flight" -> FlightBench.run();
      case "ingest" -> IngestBench.run();
      case "masking" -> MaskingBench.run();
      case "masking-large" -> MaskingLargeBench.run();
      case "voxelwise" -> VoxelwiseBench.run();
      case "voxelwise-large" -> VoxelwiseBench.runLarge();
      case "decomposition" -> DecompositionBench.run();
      case "decomposition-pca" -> DecompositionBench.runIncrementalPca();
      default -> {
        System.err.println("unknown suite '" + suite + "'; known: nifti-read, flight, ingest, masking, masking-large, voxelwise, voxelwise-large, decomposition, decomposition-pca");
        System.exit(2);
      }
    }
  }

  static void niftiRead() throws Exception {
    Collection<RunResult> results = new Runner(new OptionsBuilder()
        .include(NiftiReadBenchmark.class.getName())
        .output(BenchFiles.dir().resolve("jmh-nifti-read.log").toString())
        .build()).run();
    System.err.println("JMH log: " + BenchFiles.dir().resolve("jmh-nifti-read.log"));
    Map<String, Double> ms = new LinkedHashMap<>();
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      ms.put(name.substring(name.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
    }
    double inflate = ms.get("inflateOnly");
    double read = ms.get("readFloat32");
    double mb = 96.0 * 96 * 64 * 256 * 4 / 1e6;
    System.out.printf(Locale.ROOT,
        "{\"suite\": \"nifti-read\", \"uncompressed_mb\": %.0f, \"inflate_only_ms\": %.0f, \"inflate_only_mb_per_s\": %.0f,"
            + " \"read_float32_ms\": %.0f, \"read_float32_mb_per_s\": %.0f, \"ratio_read_vs_inflate\": %.3f}%n",
        mb, inflate, mb / inflate * 1000, read, mb / read * 1000, inflate / read);
  }
}
