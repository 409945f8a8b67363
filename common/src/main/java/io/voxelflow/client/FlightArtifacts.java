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
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowFileWriter;

/**
 * Client side of artifacts over Arrow Flight: put a matrix (DoPut), fetch an Arrow artifact as an
 * IPC file or a non-Arrow artifact's bytes (DoGet). What the CLI uses; other Java clients can too.
 */
public final class FlightArtifacts {
  private FlightArtifacts() {}

  /**
   * Stores a rows × columns float32 matrix (the {@link ArrowMatrices} layout) with DoPut and returns
   * its artifact record (content-addressed: the same matrix again is the same artifact).
   */
  public static Artifact putMatrix(FlightClient client, BufferAllocator alloc, float[][] rows, Map<String, String> metadata)
      throws IOException {
    int n = rows.length == 0 ? 0 : rows[0].length;
    byte[][] meta = new byte[1][];
    try (VectorSchemaRoot root = VectorSchemaRoot.create(ArrowMatrices.schema(n, metadata), alloc)) {
      FlightClient.ClientStreamListener put = client.startPut(FlightDescriptor.path("artifacts"), root, new AsyncPutListener() {
        @Override
        public void onNext(PutResult val) {
          byte[] m = new byte[(int) val.getApplicationMetadata().readableBytes()];
          val.getApplicationMetadata().getBytes(0, m);
          meta[0] = m;
        }
      });
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
    return acknowledged(meta[0]);
  }

  /** Stores a local Arrow IPC file (any table, e.g. an edge table) with DoPut; returns its artifact record. */
  public static Artifact putIpcFile(FlightClient client, BufferAllocator alloc, Path file) throws IOException {
    byte[][] meta = new byte[1][];
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
         org.apache.arrow.vector.ipc.ArrowFileReader reader = new org.apache.arrow.vector.ipc.ArrowFileReader(ch, alloc)) {
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      FlightClient.ClientStreamListener put = client.startPut(FlightDescriptor.path("artifacts"), root, new AsyncPutListener() {
        @Override
        public void onNext(PutResult val) {
          byte[] m = new byte[(int) val.getApplicationMetadata().readableBytes()];
          val.getApplicationMetadata().getBytes(0, m);
          meta[0] = m;
        }
      });
      while (reader.loadNextBatch()) {
        put.putNext();
      }
      put.completed();
      put.getResult();
    }
    return acknowledged(meta[0]);
  }

  /** Writes an Arrow artifact (a table or matrix) to {@code out} as an Arrow IPC file, atomically. */
  public static void downloadArrow(FlightClient client, Artifact artifact, Path out) throws IOException {
    Path tmp = temp(out);
    try (FlightStream s = client.getStream(new Ticket(artifact.getFlightTicket().toByteArray()));
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
  public static void downloadBytes(FlightClient client, Artifact artifact, Path out) throws IOException {
    Path tmp = temp(out);
    try (FlightStream s = client.getStream(new Ticket(artifact.getFlightTicket().toByteArray()));
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

  /** The artifact record a DoPut acknowledged (JSON in the PutResult's application metadata). */
  private static Artifact acknowledged(byte[] meta) throws IOException {
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

  private static Path temp(Path out) throws IOException {
    Path dir = out.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    return Files.createTempFile(dir, ".download-", ".part");
  }

}
