package io.voxelflow.flight;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Matrices (rows × columns, float32) as Arrow, in the same layout as image streams (see
 * {@code proto/FLIGHT.md}): one row per matrix row, column {@code row: int32} and column
 * {@code values: fixed_size_list<item: float32>[columns]}. Time × voxel signals are such matrices
 * (row = time point, values in the voxel order the producer documents in the metadata).
 */
public final class ArrowMatrices {
  private ArrowMatrices() {}

  /** The schema of a matrix with {@code columns} values per row and the given metadata. */
  public static Schema schema(int columns, Map<String, String> metadata) {
    Field item = new Field("item", FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null);
    Field values = new Field("values", FieldType.notNullable(new ArrowType.FixedSizeList(columns)), List.of(item));
    Field row = new Field("row", FieldType.notNullable(new ArrowType.Int(32, true)), null);
    return new Schema(List.of(row, values), metadata);
  }

  /** Writes {@code rows} (each of equal length) as an Arrow IPC file, in batches of about 8 MiB. */
  public static void writeIpcFile(Path file, double[][] rows, Map<String, String> metadata) throws IOException {
    try (Writer w = new Writer(file, rows.length == 0 ? 0 : rows[0].length, metadata)) {
      for (double[] r : rows) {
        w.row(r);
      }
    }
  }

  /**
   * Writes a matrix row by row (memory: one batch of about 8 MiB), for matrices that never are in
   * memory whole. Rows must all have {@code columns} values.
   */
  public static final class Writer implements AutoCloseable {
    private final BufferAllocator alloc = new RootAllocator();
    private final VectorSchemaRoot root;
    private final FileChannel ch;
    private final ArrowFileWriter w;
    private final int n;
    private final int perBatch;
    private final float[] buf;
    private int inBatch;
    private int rowIndex;

    public Writer(Path file, int columns, Map<String, String> metadata) throws IOException {
      this.n = columns;
      this.perBatch = Math.max(1, (8 << 20) / Math.max(1, n * 4));
      this.buf = new float[n];
      this.root = VectorSchemaRoot.create(schema(n, metadata), alloc);
      this.ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
      this.w = new ArrowFileWriter(root, null, ch);
      w.start();
    }

    /** Appends a row (values rounded to float32). */
    public void row(double[] values) throws IOException {
      if (values.length != n) {
        throw new IllegalArgumentException("row of " + values.length + " values in a matrix of " + n + " columns");
      }
      if (inBatch == 0) {
        root.allocateNew();
        var items = ((FixedSizeListVector) root.getVector("values")).getDataVector();
        items.setInitialCapacity(perBatch * n);
        items.allocateNew();
      }
      IntVector row = (IntVector) root.getVector("row");
      FixedSizeListVector vals = (FixedSizeListVector) root.getVector("values");
      row.setSafe(inBatch, rowIndex++);
      vals.setNotNull(inBatch);
      for (int c = 0; c < n; c++) {
        buf[c] = (float) values[c];
      }
      vals.getDataVector().getDataBuffer().nioBuffer((long) inBatch * n * 4, n * 4).order(ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer().put(buf);
      inBatch++;
      if (inBatch == perBatch) {
        flush();
      }
    }

    private void flush() throws IOException {
      if (inBatch == 0) {
        return;
      }
      FixedSizeListVector vals = (FixedSizeListVector) root.getVector("values");
      var items = vals.getDataVector();
      items.getValidityBuffer().setOne(0, ((long) inBatch * n + 7) / 8);
      items.setValueCount(inBatch * n);
      root.getVector("row").setValueCount(inBatch);
      vals.setValueCount(inBatch);
      root.setRowCount(inBatch);
      w.writeBatch();
      inBatch = 0;
    }

    @Override
    public void close() throws IOException {
      try {
        flush();
        w.end();
      } finally {
        w.close();
        ch.close();
        root.close();
        alloc.close();
      }
    }
  }

  /** Receives matrix rows in order. */
  @FunctionalInterface
  public interface RowVisitor {
    void row(int index, float[] values) throws IOException;
  }

  /**
   * Streams the rows of a matrix stored as an Arrow IPC file (this layout), one record batch in
   * memory at a time; returns the number of columns. The array passed to the visitor is reused.
   */
  public static int forEachRow(Path file, RowVisitor visitor) throws IOException {
    try (BufferAllocator alloc = new RootAllocator();
         FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
         org.apache.arrow.vector.ipc.ArrowFileReader reader = new org.apache.arrow.vector.ipc.ArrowFileReader(ch, alloc)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      Field field = root.getSchema().getFields().stream().filter(x -> x.getName().equals("values")).findFirst().orElse(null);
      if (field == null || !(field.getType() instanceof ArrowType.FixedSizeList list)) {
        throw new IOException(file.getFileName() + " is not a Voxelflow matrix (no fixed-size-list column 'values')");
      }
      int n = list.getListSize();
      float[] row = new float[n];
      int index = 0;
      while (reader.loadNextBatch()) {
        FixedSizeListVector values = (FixedSizeListVector) root.getVector("values");
        var items = (org.apache.arrow.vector.Float4Vector) values.getDataVector();
        for (int r = 0; r < root.getRowCount(); r++) {
          items.getDataBuffer().nioBuffer((long) r * n * 4, n * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(row);
          visitor.row(index++, row);
        }
      }
      return n;
    }
  }

  /** Reads a whole matrix IPC file into rows (for matrices that fit in memory). */
  public static float[][] readIpcFile(Path file) throws IOException {
    List<float[]> rows = new ArrayList<>();
    forEachRow(file, (i, r) -> rows.add(r.clone()));
    return rows.toArray(new float[0][]);
  }
}
