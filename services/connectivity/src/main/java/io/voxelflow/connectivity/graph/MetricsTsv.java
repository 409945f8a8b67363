package io.voxelflow.connectivity.graph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a {@link NetworkReport} as tab-separated tables with a header row: per node ({@code
 * node\tdegree\tstrength…}, one row per node) and global ({@code metric\tvalue}). Integral values
 * are written without a decimal point, others in Java's shortest round-trip form; NaN as {@code NaN}.
 */
public final class MetricsTsv {

  private MetricsTsv() {}

  /** The per-node table, header {@code node} then the report's columns in order. */
  public static void writeNodes(NetworkReport report, Appendable out) throws IOException {
    out.append("node");
    for (String c : report.nodeColumns().keySet()) {
      out.append('\t').append(c);
    }
    out.append('\n');
    for (int v = 0; v < report.nodeCount(); v++) {
      out.append(Integer.toString(v));
      for (double[] col : report.nodeColumns().values()) {
        out.append('\t').append(format(col[v]));
      }
      out.append('\n');
    }
  }

  /** The global table, header {@code metric\tvalue}, one row per whole-graph metric. */
  public static void writeGlobal(NetworkReport report, Appendable out) throws IOException {
    out.append("metric\tvalue\n");
    for (Map.Entry<String, Double> e : report.global().entrySet()) {
      out.append(e.getKey()).append('\t').append(format(e.getValue())).append('\n');
    }
  }

  /** Writes the per-node table to {@code nodesTsv} and the global table to {@code globalTsv}. */
  public static void write(NetworkReport report, Path nodesTsv, Path globalTsv) {
    try (Writer w = Files.newBufferedWriter(nodesTsv, StandardCharsets.UTF_8)) {
      writeNodes(report, w);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + nodesTsv + ": " + e.getMessage(), e);
    }
    try (Writer w = Files.newBufferedWriter(globalTsv, StandardCharsets.UTF_8)) {
      writeGlobal(report, w);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + globalTsv + ": " + e.getMessage(), e);
    }
  }

  /** A value as written: integral values without ".0". */
  public static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
