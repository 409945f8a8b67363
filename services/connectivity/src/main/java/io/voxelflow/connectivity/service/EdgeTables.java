package io.voxelflow.connectivity.service;

import io.voxelflow.connectivity.voxelwise.EdgeBuffer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Edge lists as Arrow tables (documented in {@code proto/FLIGHT.md}): columns {@code source: int64},
 * {@code target: int64}, {@code weight: float32}, one row per undirected edge, {@code source <
 * target}, sorted by (source, target); batches of {@value #BATCH} rows.
 */
public final class EdgeTables {
  /** Rows per record batch. */
  public static final int BATCH = 1 << 20;

  private EdgeTables() {}

  /** The edge table schema, with metadata (node count, threshold…). */
  public static Schema schema(Map<String, String> metadata) {
    return new Schema(List.of(
        new Field("source", FieldType.notNullable(new ArrowType.Int(64, true)), null),
        new Field("target", FieldType.notNullable(new ArrowType.Int(64, true)), null),
        new Field("weight", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null)),
        metadata);
  }

  /** Writes the edges as an Arrow IPC file. */
  public static void write(Path file, EdgeBuffer edges, Map<String, String> metadata) throws IOException {
    try (BufferAllocator alloc = new RootAllocator();
         VectorSchemaRoot root = VectorSchemaRoot.create(schema(metadata), alloc);
         FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
             StandardOpenOption.WRITE);
         ArrowFileWriter w = new ArrowFileWriter(root, null, ch)) {
      w.start();
      BigIntVector s = (BigIntVector) root.getVector("source");
      BigIntVector t = (BigIntVector) root.getVector("target");
      Float4Vector wt = (Float4Vector) root.getVector("weight");
      int n = edges.size();
      for (int from = 0; from < n || (from == 0 && n == 0); from += BATCH) {
        int m = Math.min(BATCH, n - from);
        s.allocateNew(m);
        t.allocateNew(m);
        wt.allocateNew(m);
        for (int e = 0; e < m; e++) {
          s.set(e, edges.source(from + e));
          t.set(e, edges.target(from + e));
          wt.set(e, edges.weight(from + e));
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

  /** Reads an edge table (this schema) back; node indices must fit an int. */
  public static EdgeBuffer read(Path file) throws IOException {
    return readTable(file).orElseThrow(() -> new IOException(file.getFileName() + " is not an edge table"));
  }

  /**
   * An Arrow file as a graph over its nodes, in one read: empty when it is not an edge table (no
   * {@code source}, {@code target}, {@code weight} columns). The node count is the schema's
   * {@code voxelflow.nodes}, raised to cover every index (isolated nodes only exist through it).
   */
  public static Optional<io.voxelflow.connectivity.graph.EdgeList> readGraph(Path file) throws IOException {
    int[] nodes = new int[1];
    return readTable(file, nodes).map(e -> e.toGraph(nodes[0]));
  }

  private static Optional<EdgeBuffer> readTable(Path file) throws IOException {
    return readTable(file, new int[1]);
  }

  /** The edges, or empty if not an edge table; {@code nodes[0]} receives the node count. */
  private static Optional<EdgeBuffer> readTable(Path file, int[] nodes) throws IOException {
    try (BufferAllocator alloc = new RootAllocator();
         FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
         ArrowFileReader r = new ArrowFileReader(ch, alloc)) {
      VectorSchemaRoot root = r.getVectorSchemaRoot();
      Schema sc = root.getSchema();
      if (!hasFields(sc, "source", "target", "weight")) {
        return Optional.empty();
      }
      String declared = sc.getCustomMetadata().get("voxelflow.nodes");
      int n = 0;
      try {
        n = declared == null ? 0 : Integer.parseInt(declared);
      } catch (NumberFormatException e) {
        // metadata from another writer: count from the edges
      }
      EdgeBuffer out = new EdgeBuffer(1024);
      while (r.loadNextBatch()) {
        BigIntVector s = (BigIntVector) root.getVector("source");
        BigIntVector t = (BigIntVector) root.getVector("target");
        Float4Vector wt = (Float4Vector) root.getVector("weight");
        for (int e = 0; e < root.getRowCount(); e++) {
          int a = Math.toIntExact(s.get(e));
          int b = Math.toIntExact(t.get(e));
          out.add(a, b, wt.get(e));
          n = Math.max(n, Math.max(a, b) + 1);
        }
      }
      nodes[0] = n;
      return Optional.of(out);
    }
  }

  private static boolean hasFields(Schema s, String... names) {
    for (String n : names) {
      if (s.getFields().stream().noneMatch(f -> f.getName().equals(n))) {
        return false;
      }
    }
    return true;
  }
}
