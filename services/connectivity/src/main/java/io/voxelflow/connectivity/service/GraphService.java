package io.voxelflow.connectivity.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.longrunning.Operation;
import io.voxelflow.api.connectivity.v1alpha1.ConnectivityServiceGrpc;
import io.voxelflow.api.connectivity.v1alpha1.EdgeThreshold;
import io.voxelflow.api.connectivity.v1alpha1.GlobalMetric;
import io.voxelflow.api.connectivity.v1alpha1.GraphMetricsRequest;
import io.voxelflow.api.connectivity.v1alpha1.GraphMetricsResponse;
import io.voxelflow.connectivity.graph.EdgeList;
import io.voxelflow.connectivity.graph.GraphBuilder;
import io.voxelflow.connectivity.graph.Metric;
import io.voxelflow.connectivity.graph.NetworkMetrics;
import io.voxelflow.connectivity.graph.NetworkReport;
import io.voxelflow.connectivity.graph.ThresholdRule;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.flight.ArtifactStore;
import io.voxelflow.operations.OperationContext;
import io.voxelflow.operations.OperationManager;
import io.voxelflow.storage.Addresses;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * {@code GraphMetrics}: graph metrics of a region connectome (thresholded here) or of a voxelwise
 * edge table, with JGraphT ({@link NetworkMetrics}); per-node values as an Arrow table, whole-graph
 * values in the response.
 */
@ApplicationScoped
public class GraphService {
  static final String METHOD = ConnectivityServiceGrpc.SERVICE_NAME + "/GraphMetrics";
  /** Graphs with more nodes get only the metrics that scale (degree, strength, clustering, components, transitivity). */
  static final int LARGE_GRAPH_NODES = 20_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject
  ConnectivityInputs inputs;

  @Inject
  OperationManager operations;

  /** The domain metric of an API metric. */
  static Metric metric(GraphMetricsRequest.Metric m) {
    return switch (m) {
      case METRIC_DEGREE -> Metric.DEGREE;
      case METRIC_STRENGTH -> Metric.STRENGTH;
      case METRIC_CLUSTERING_COEFFICIENT -> Metric.CLUSTERING;
      case METRIC_BETWEENNESS_CENTRALITY -> Metric.BETWEENNESS;
      case METRIC_EIGENVECTOR_CENTRALITY -> Metric.EIGENVECTOR;
      case METRIC_GLOBAL_EFFICIENCY -> Metric.GLOBAL_EFFICIENCY;
      case METRIC_CHARACTERISTIC_PATH_LENGTH -> Metric.CHARACTERISTIC_PATH_LENGTH;
      case METRIC_MODULARITY -> Metric.COMMUNITIES;
      case METRIC_TRANSITIVITY -> Metric.TRANSITIVITY;
      case METRIC_CONNECTED_COMPONENTS -> Metric.COMPONENTS;
      default -> throw new InvalidArgumentException("UNKNOWN_METRIC", "metric " + m + " is not a graph metric");
    };
  }

  /** API column names of the report's per-node columns. */
  static final Map<String, String> COLUMN = Map.of("degree", "degree", "strength", "strength",
      "clustering", "clustering_coefficient", "betweenness", "betweenness_centrality",
      "eigenvector", "eigenvector_centrality", "component", "component", "community", "community");

  /** The API metric a whole-graph value belongs to. */
  static final Map<String, GraphMetricsRequest.Metric> GLOBAL = Map.of(
      "global_efficiency", GraphMetricsRequest.Metric.METRIC_GLOBAL_EFFICIENCY,
      "characteristic_path_length", GraphMetricsRequest.Metric.METRIC_CHARACTERISTIC_PATH_LENGTH,
      "transitivity", GraphMetricsRequest.Metric.METRIC_TRANSITIVITY,
      "modularity", GraphMetricsRequest.Metric.METRIC_MODULARITY,
      "n_communities", GraphMetricsRequest.Metric.METRIC_MODULARITY,
      "n_components", GraphMetricsRequest.Metric.METRIC_CONNECTED_COMPONENTS);

  static ThresholdRule rule(EdgeThreshold t) {
    return switch (t.getRuleCase()) {
      case ABSOLUTE -> {
        if (!(t.getAbsolute() >= 0 && t.getAbsolute() <= 1)) {
          throw new InvalidArgumentException("THRESHOLD_OUT_OF_RANGE", "absolute threshold must be in [0, 1], got "
              + t.getAbsolute());
        }
        yield new ThresholdRule.Absolute(t.getAbsolute());
      }
      case DENSITY -> {
        if (!(t.getDensity() > 0 && t.getDensity() <= 1)) {
          throw new InvalidArgumentException("DENSITY_OUT_OF_RANGE", "density must be in (0, 1], got " + t.getDensity());
        }
        yield new ThresholdRule.Density(t.getDensity());
      }
      case TOP_K -> {
        if (t.getTopK() < 1) {
          throw new InvalidArgumentException("TOP_K_OUT_OF_RANGE", "top_k must be ≥ 1, got " + t.getTopK());
        }
        yield new ThresholdRule.TopK(t.getTopK());
      }
      default -> throw new InvalidArgumentException("UNSUPPORTED_RULE",
          "for a matrix the threshold is absolute, density or top_k (the adaptive rule is for VoxelwiseConnectome)");
    };
  }

  /** Starts the operation; the graph's name, metrics and threshold are checked first. */
  public Operation start(GraphMetricsRequest req) {
    if (req.getMetricsCount() == 0) {
      throw new InvalidArgumentException("NO_METRICS", "metrics: ask for at least one graph metric");
    }
    Set<Metric> metrics = EnumSet.noneOf(Metric.class);
    ObjectNode p = JSON.createObjectNode().put("weighted", req.getWeighted()).put("seed", req.getSeed());
    ArrayNode ms = p.putArray("metrics");
    for (GraphMetricsRequest.Metric m : req.getMetricsList()) {
      metrics.add(metric(m));
      ms.add(m.name());
    }
    ThresholdRule rule = req.hasThreshold() ? rule(req.getThreshold()) : new ThresholdRule.Absolute(0);
    boolean keepNegative = !req.hasThreshold() || req.getThreshold().getKeepNegative();
    p.set("threshold", VoxelwiseService.parameters(req.getThreshold()));
    ConnectivityInputs.Input graph = inputs.artifact(req.getGraph(), "graph");
    String key = Addresses.artifactKey("graph_metrics", List.of(graph.address()), p, ConnectivityInputs.ALGORITHM_VERSION);
    return operations.submit(METHOD, req.getGraph(), req.getRequestId(), key, ctx -> run(key, graph, rule, keepNegative, metrics, req, p, ctx));
  }

  GraphMetricsResponse run(String key, ConnectivityInputs.Input graph, ThresholdRule rule, boolean keepNegative,
      Set<Metric> metrics, GraphMetricsRequest req, ObjectNode p, OperationContext ctx) throws Exception {
    Optional<GraphMetricsResponse> cached = inputs.artifacts().findResponse(key, GraphMetricsResponse.getDefaultInstance());
    if (cached.isPresent()) {
      return cached.get();
    }
    ctx.progress(0.05, "reading the graph");
    Optional<EdgeList> table = ArtifactStore.MEDIA_TYPE.equals(graph.artifact().getMediaType())
        ? EdgeTables.readGraph(graph.file()) : Optional.empty();
    EdgeList edges = table.isPresent() ? table.get() : GraphBuilder.fromMatrix(inputs.readMatrix(graph), rule, keepNegative);
    if (edges.nodeCount() > LARGE_GRAPH_NODES) {
      for (Metric m : metrics) {
        if (!m.scalable()) {
          throw new InvalidArgumentException("METRIC_DOES_NOT_SCALE", m + " is not computed on graphs of more than "
              + LARGE_GRAPH_NODES + " nodes (this one has " + edges.nodeCount() + "); degree, strength, clustering "
              + "coefficient, connected components and transitivity are").with("nodes", edges.nodeCount());
        }
      }
    }
    ctx.progress(0.2, "computing " + metrics.size() + " metrics on " + edges.nodeCount() + " nodes, "
        + edges.edgeCount() + " edges");
    NetworkReport report = NetworkMetrics.compute(edges, new NetworkMetrics.Options(req.getWeighted(), metrics, req.getSeed()));
    ctx.progress(0.9, "writing node metrics");
    Path f = Files.createTempFile(inputs.scratch(), "nodes-", ".arrow");
    writeNodeTable(f, report);
    GraphMetricsResponse.Builder resp = GraphMetricsResponse.newBuilder().setNodeCount(edges.nodeCount())
        .setEdgeCount(edges.edgeCount());
    resp.setNodeMetrics(inputs.store(Addresses.outputKey(key, "nodes"), f, ".arrow", ArtifactStore.MEDIA_TYPE,
        List.of((long) report.nodeCount(), 1L + report.nodeColumns().size()), "table", METHOD, p.toString(), List.of(graph)));
    report.global().forEach((name, value) -> resp.addGlobalMetrics(GlobalMetric.newBuilder().setName(name).setValue(value)
        .setMetric(GLOBAL.getOrDefault(name, GraphMetricsRequest.Metric.METRIC_UNSPECIFIED))));
    GraphMetricsResponse r = resp.build();
    inputs.artifacts().putResponse(key, r);
    return r;
  }

  /** Per-node metrics as an Arrow table: {@code node: int64}, then one column per metric. */
  static void writeNodeTable(Path file, NetworkReport report) throws IOException {
    List<Field> fields = new ArrayList<>();
    fields.add(new Field("node", FieldType.notNullable(new ArrowType.Int(64, true)), null));
    report.nodeColumns().keySet().forEach(name -> fields.add(new Field(COLUMN.getOrDefault(name, name),
        FieldType.notNullable(name.equals("component") || name.equals("community") ? new ArrowType.Int(64, true)
            : new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), null)));
    int n = report.nodeCount();
    int batch = 1 << 16;
    try (BufferAllocator alloc = new RootAllocator();
         VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), alloc);
         FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
         ArrowFileWriter w = new ArrowFileWriter(root, null, ch)) {
      w.start();
      List<double[]> cols = new ArrayList<>(report.nodeColumns().values());
      for (int from = 0; from < n || (n == 0 && from == 0); from += batch) {
        int m = Math.min(batch, n - from);
        BigIntVector node = (BigIntVector) root.getVector(0);
        node.allocateNew(m);
        for (int i = 0; i < m; i++) {
          node.set(i, from + i);
        }
        node.setValueCount(m);
        for (int c = 0; c < cols.size(); c++) {
          FieldVector v = root.getVector(c + 1);
          double[] src = cols.get(c);
          if (v instanceof BigIntVector b) {
            b.allocateNew(m);
            for (int i = 0; i < m; i++) {
              b.set(i, (long) src[from + i]);
            }
          } else {
            Float8Vector f = (Float8Vector) v;
            f.allocateNew(m);
            for (int i = 0; i < m; i++) {
              f.set(i, src[from + i]);
            }
          }
          v.setValueCount(m);
        }
        root.setRowCount(m);
        w.writeBatch();
        if (n == 0) {
          break;
        }
      }
      w.end();
    }
  }
}
