package io.voxelflow.app.cli;

import io.voxelflow.files.AtomicFiles;
import io.voxelflow.client.FlightConnection;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.longrunning.Operation;
import io.grpc.ManagedChannel;
import io.voxelflow.api.connectivity.v1alpha1.ConnectivityServiceGrpc;
import io.voxelflow.api.connectivity.v1alpha1.EdgeThreshold;
import io.voxelflow.api.connectivity.v1alpha1.GlobalMetric;
import io.voxelflow.api.connectivity.v1alpha1.GraphMetricsRequest;
import io.voxelflow.api.connectivity.v1alpha1.GraphMetricsResponse;
import io.voxelflow.client.FlightArtifacts;
import io.voxelflow.npy.Npy;
import java.io.BufferedWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;

/**
 * {@code graph EDGES|MATRIX --out metrics.tsv}: graph metrics of a voxelwise edge table
 * ({@code edges.arrow}) or a region connectome ({@code .npy}, R × R), through the connectivity
 * service. Writes per-node metrics as a tidy TSV (one row per node) and the whole-graph metrics
 * beside it ({@code metrics_global.tsv}: metric, value).
 */
public final class GraphCommand implements Command {
  static final String REGION_METRICS = "degree,strength,clustering_coefficient,betweenness_centrality,"
      + "eigenvector_centrality,global_efficiency,characteristic_path_length,modularity,transitivity";
  static final String VOXEL_METRICS = "degree,strength,clustering_coefficient";

  @Override
  public String name() {
    return "graph";
  }

  @Override
  public String synopsis() {
    return "graph EDGES.arrow|MATRIX.npy --out metrics.tsv [--threshold R | --density D | --top-k K] [--keep-negative]\n"
        + "      [--weighted] [--metrics degree,strength,...] [--seed N]   graph metrics (JGraphT); per node in\n"
        + "      metrics.tsv, whole-graph values in metrics_global.tsv. Default metrics: all for a matrix, degree,\n"
        + "      strength, clustering_coefficient for an edge table (the ones that scale to voxel graphs)";
  }

  @Override
  public Set<String> valued() {
    return Set.of("out", "threshold", "density", "top-k", "metrics", "seed", "server", "flight");
  }

  @Override
  public Set<String> flags() {
    return Set.of("weighted", "keep-negative");
  }

  static GraphMetricsRequest.Metric metric(String name) {
    try {
      GraphMetricsRequest.Metric m = GraphMetricsRequest.Metric.valueOf("METRIC_" + name.trim().toUpperCase(Locale.ROOT));
      if (m != GraphMetricsRequest.Metric.METRIC_UNSPECIFIED) {
        return m;
      }
    } catch (IllegalArgumentException e) {
      // fall through
    }
    throw new UsageException("unknown metric '" + name + "'; known: " + REGION_METRICS);
  }

  @Override
  public int run(Args args, CliIo io) throws Exception {
    List<String> pos = args.expectPositional(1, "a graph: an edge table (.arrow), a matrix (.npy) or an artifact");
    String in = pos.get(0);
    Path out = args.pathOption("out");
    boolean edges = in.endsWith(".arrow");
    GraphMetricsRequest.Builder req = GraphMetricsRequest.newBuilder().setWeighted(args.flag("weighted"))
        .setSeed(args.longOption("seed", 0));
    for (String m : args.option("metrics", edges ? VOXEL_METRICS : REGION_METRICS).split(",")) {
      req.addMetrics(metric(m));
    }
    if (args.option("threshold", null) != null || args.option("density", null) != null || args.option("top-k", null) != null) {
      req.setThreshold(ConnectivityCommand.threshold(args));
    } else if (args.flag("keep-negative")) {
      req.setThreshold(EdgeThreshold.newBuilder().setAbsolute(0).setKeepNegative(true));
    }
    String server = args.option("server", null);
    ManagedChannel ch = Endpoint.channel(server);
    try (RootAllocator alloc = new RootAllocator();
         FlightConnection flight = FlightConnection.connect(MaskCommand.flightTarget(server, args.option("flight", null)), alloc)) {
      String graph;
      if (in.startsWith("artifacts/")) {
        graph = in;
      } else if (edges) {
        graph = FlightArtifacts.putIpcFile(flight, Path.of(in)).getName();
      } else if (in.endsWith(".npy")) {
        graph = FlightArtifacts.putMatrix(flight, matrix(Path.of(in)), Map.of("voxelflow.source", in)).getName();
      } else {
        throw new UsageException(in + ": a graph is an edge table (.arrow), a matrix (.npy) or an artifacts/… name");
      }
      Operation op = ConnectivityServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS)
          .graphMetrics(req.setGraph(graph).build());
      GraphMetricsResponse r = ConnectivityCommand.await(ch, op, "graph", io).getResponse().unpack(GraphMetricsResponse.class);
      Path nodes = AtomicFiles.createTemp(out.toAbsolutePath().getParent(), "nodes", ".arrow");
      try {
        FlightArtifacts.downloadArrow(flight, r.getNodeMetrics(), nodes);
        writeTsv(nodes, out);
      } finally {
        Files.deleteIfExists(nodes);
      }
      Path global = out.resolveSibling(out.getFileName().toString().replaceFirst("(\\.tsv)?$", "_global.tsv"));
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      ObjectNode g = o.putObject("global");
      try (BufferedWriter w = Files.newBufferedWriter(global)) {
        w.write("metric\tvalue\n");
        for (GlobalMetric m : r.getGlobalMetricsList()) {
          String name = m.getName();
          w.write(name + "\t" + m.getValue() + "\n");
          g.put(name, m.getValue());
        }
      }
      o.put("node_metrics", out.toAbsolutePath().toString());
      o.put("global_metrics", global.toAbsolutePath().toString());
      o.put("node_count", r.getNodeCount());
      o.put("edge_count", r.getEdgeCount());
      io.printJson(o);
    } finally {
      Endpoint.close(ch);
    }
    return 0;
  }

  /** An R × R .npy as float rows. */
  static float[][] matrix(Path npy) throws java.io.IOException {
    Npy.NpyArray a = Npy.read(npy);
    long[] s = a.shape();
    if (s.length != 2 || s[0] != s[1]) {
      throw new UsageException(npy + " has shape " + java.util.Arrays.toString(s) + "; a connectome is R x R");
    }
    double[] flat = a.toDoubleArray();
    int n = (int) s[0];
    float[][] m = new float[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        m[i][j] = (float) flat[i * n + j];
      }
    }
    return m;
  }

  /** An Arrow table (node metrics) as a TSV with a header row. */
  static void writeTsv(Path arrow, Path tsv) throws java.io.IOException {
    try (RootAllocator alloc = new RootAllocator();
         FileChannel ch = FileChannel.open(arrow, StandardOpenOption.READ);
         ArrowFileReader r = new ArrowFileReader(ch, alloc);
         BufferedWriter w = Files.newBufferedWriter(tsv)) {
      VectorSchemaRoot root = r.getVectorSchemaRoot();
      List<String> names = new ArrayList<>();
      root.getSchema().getFields().forEach(f -> names.add(f.getName()));
      w.write(String.join("\t", names));
      w.write('\n');
      while (r.loadNextBatch()) {
        for (int row = 0; row < root.getRowCount(); row++) {
          StringBuilder sb = new StringBuilder();
          for (int c = 0; c < names.size(); c++) {
            FieldVector v = root.getVector(c);
            if (c > 0) {
              sb.append('\t');
            }
            sb.append(v.isNull(row) ? "n/a" : String.valueOf(v.getObject(row)));
          }
          w.write(sb.append('\n').toString());
        }
      }
    }
  }

}
