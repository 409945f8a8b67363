package io.voxelflow.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.voxelflow.api.types.v1.Artifact;
import io.voxelflow.flight.ArrowMatrices;
import io.voxelflow.json.ProtoJson;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.apache.arrow.flight.AsyncPutListener;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileWriter;

/**
 * Client side of artifacts over Arrow Flight: put a matrix (DoPut), fetch an Arrow artifact as an
 * IPC file, a matrix as rows, or a non-Arrow artifact's bytes (DoGet, through {@link FlightReader}). What the CLI uses; other Java clients can too.
 */
public final class FlightArtifacts {
  private FlightArtifacts() {}

  /**
   * Stores a rows × columns float32 matrix (the {@link ArrowMatrices} layout) with DoPut and returns
   * its artifact record (content-addressed: the same matrix again is the same artifact).
   */
  public static Artifact putMatrix(FlightConnection flight, float[][] rows, Map<String, String> metadata)
      throws IOException {
    FlightClient client = flight.client();
    BufferAllocator alloc = flight.allocator();
    int n = rows.length == 0 ? 0 : rows[0].length;
    Acknowledgement ack = new Acknowledgement();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(ArrowMatrices.schema(n, metadata), alloc)) {
      FlightClient.ClientStreamListener put = client.startPut(FlightDescriptor.path("artifacts"), root, ack);
      int perBatch = Math.max(1, (8 << 20) / Math.max(1, n * 4));
      IntVector row = (IntVector) root.getVector("row");
      FixedSizeListVector values = (FixedSizeListVector) root.getVector("values");
      var items = (org.apache.arrow.vector.Float4Vector) values.getDataVector();
      for (int from = 0; from < rows.length; from += perBatch) {
        int m = Math.min(perBatch, rows.length - from);
        row.allocateNew(m);
        values.allocateNew();
        items.allocateNew(m * n);
        for (int r = 0; r < m; r++) {
          float[] src = rows[from + r];
          if (src.length != n) {
            throw new IllegalArgumentException("row " + (from + r) + " has " + src.length + " values, row 0 has " + n);
          }
          row.set(r, from + r);
          values.setNotNull(r);
          for (int c = 0; c < n; c++) {
            items.set(r * n + c, src[c]);
          }
        }
        row.setValueCount(m);
        items.setValueCount(m * n);
        values.setValueCount(m);
        root.setRowCount(m);
        put.putNext();
      }
      put.completed();
      put.getResult();
    }
    return ack.artifact();
  }

  /** Stores a local Arrow IPC file (any table, e.g. an edge table) with DoPut; returns its artifact record. */
  public static Artifact putIpcFile(FlightConnection flight, Path file) throws IOException {
    FlightClient client = flight.client();
    BufferAllocator alloc = flight.allocator();
    Acknowledgement ack = new Acknowledgement();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
         org.apache.arrow.vector.ipc.ArrowFileReader reader = new org.apache.arrow.vector.ipc.ArrowFileReader(ch, alloc)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      FlightClient.ClientStreamListener put = client.startPut(FlightDescriptor.path("artifacts"), root, ack);
      while (reader.loadNextBatch()) {
        put.putNext();
      }
      put.completed();
      put.getResult();
    }
    return ack.artifact();
  }

  /** Writes an Arrow artifact (a table or matrix) to {@code out} as an Arrow IPC file, atomically. */
  public static void downloadArrow(FlightConnection flight, Artifact artifact, Path out) throws IOException {
    Path tmp = temp(out);
    try (FlightReader s = flight.read(artifact.getFlightTicket().toByteArray());
         FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
         ArrowFileWriter w = new ArrowFileWriter(s.getRoot(), null, ch)) {
      w.start();
      while (s.next()) {
        w.writeBatch();
      }
      w.end();
    } catch (Exception e) {
      Files.deleteIfExists(tmp);
      throw e instanceof IOException io ? io : new IOException(e);
    }
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Writes a non-Arrow artifact's bytes (a {@code bytes} column stream) to {@code out}, atomically. */
  public static void downloadBytes(FlightConnection flight, Artifact artifact, Path out) throws IOException {
    Path tmp = temp(out);
    try (FlightReader s = flight.read(artifact.getFlightTicket().toByteArray());
         OutputStream os = Files.newOutputStream(tmp)) {
      while (s.next()) {
        VarBinaryVector bytes = (VarBinaryVector) s.getRoot().getVector("bytes");
        for (int r = 0; r < s.getRoot().getRowCount(); r++) {
          os.write(bytes.get(r));
        }
      }
    } catch (Exception e) {
      Files.deleteIfExists(tmp);
      throw e instanceof IOException io ? io : new IOException(e);
    }
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Reads a matrix artifact (the {@link ArrowMatrices} layout, or an image stream: {@code voxels}
   * instead of {@code values}) into rows of floats, in row order.
   */
  public static float[][] readMatrix(FlightConnection flight, Artifact artifact) {
    java.util.List<float[]> out = new java.util.ArrayList<>();
    try (FlightReader s = flight.read(artifact.getFlightTicket().toByteArray())) {
      while (s.next()) {
        VectorSchemaRoot root = s.getRoot();
        FixedSizeListVector values = (FixedSizeListVector) (root.getVector("values") != null
            ? root.getVector("values") : root.getVector("voxels"));
        var items = (org.apache.arrow.vector.Float4Vector) values.getDataVector();
        int n = values.getListSize();
        for (int r = 0; r < root.getRowCount(); r++) {
          float[] row = new float[n];
          items.getDataBuffer().nioBuffer((long) r * n * 4, n * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(row);
          out.add(row);
        }
      }
    }
    return out.toArray(new float[0][]);
  }

  /** Receives a DoPut's acknowledgement: the artifact record, as JSON in the result's metadata. */
  private static final class Acknowledgement extends AsyncPutListener {
    private volatile byte[] meta;

    @Override
    public void onNext(PutResult val) {
      byte[] m = new byte[(int) val.getApplicationMetadata().readableBytes()];
      val.getApplicationMetadata().getBytes(0, m);
      meta = m;
    }

    /** The acknowledged artifact record (call after the put's result arrived). */
    Artifact artifact() throws IOException {
      if (meta == null) {
        throw new IOException("the server acknowledged no artifact for the put");
      }
      Artifact.Builder b = Artifact.newBuilder();
      try {
        ProtoJson.merge(new String(meta, StandardCharsets.UTF_8), b);
      } catch (InvalidProtocolBufferException e) {
        throw new IOException("unreadable put acknowledgement", e);
      }
      return b.build();
    }
  }

  private static Path temp(Path out) throws IOException {
    return io.voxelflow.files.AtomicFiles.tempBeside(out);
  }

}
