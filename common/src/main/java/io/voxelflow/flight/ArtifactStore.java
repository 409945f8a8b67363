package io.voxelflow.flight;

import com.google.protobuf.InvalidProtocolBufferException;
import io.voxelflow.api.ingest.v1.VoxelTicket;
import io.voxelflow.api.types.v1.Artifact;
import io.voxelflow.api.types.v1.Provenance;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.error.NotFoundException;
import io.voxelflow.json.ProtoJson;
import io.voxelflow.json.ProtoTime;
import io.voxelflow.storage.BlobCache;
import io.voxelflow.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Matrices stored as Arrow IPC files ({@code artifacts/{sha256}}: the SHA-256 of the file), with
 * an {@code Artifact} record beside them. {@code DoPut} stores one; {@code DoGet} streams it back.
 * Storage keys: {@code artifacts/{sha256}.arrow} and {@code artifacts/{sha256}.json}.
 */
public final class ArtifactStore implements FlightSource {
  public static final String PREFIX = "artifacts/";
  public static final String MEDIA_TYPE = "application/vnd.apache.arrow.file";

  private final ObjectStore store;
  private final BlobCache cache;
  private final Path scratch;
  private final String version;

  public ArtifactStore(ObjectStore store, BlobCache cache, Path scratch, String version) {
    this.store = store;
    this.cache = cache;
    this.scratch = scratch;
    this.version = version;
  }

  @Override
  public boolean accepts(String name) {
    return name.startsWith(PREFIX);
  }

  /** Writes the stream's batches to an Arrow IPC file and stores it; returns its record. */
  public Artifact store(FlightStream stream, FlightDescriptor descriptor) throws IOException {
    Files.createDirectories(scratch);
    Path file = Files.createTempFile(scratch, "put-", ".arrow");
    try {
      long rows = 0;
      VectorSchemaRoot root = stream.getRoot();
      Schema schema = root.getSchema();
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE);
           ArrowFileWriter writer = new ArrowFileWriter(root, null, ch)) {
        writer.start();
        while (stream.next()) {
          rows += root.getRowCount();
          writer.writeBatch();
        }
        writer.end();
      }
      String sha = io.voxelflow.storage.Addresses.sha256Hex(file);
      String name = PREFIX + sha;
      Artifact.Builder a = Artifact.newBuilder()
          .setName(name)
          .setMediaType(MEDIA_TYPE)
          .setSizeBytes(Files.size(file))
          .setSha256(sha)
          .addShape(rows)
          .setDtype(schema.getFields().size() == 1 ? schema.getFields().get(0).getType().toString() : "table")
          .setProvenance(Provenance.newBuilder().setMethod("arrow.flight.protocol.FlightService/DoPut")
              .setVoxelflowVersion(version)
              .putParameters("descriptor", descriptor == null ? "" : descriptor.toString()))
          .setFlightTicket(VoxelTicket.newBuilder().setImage(name).build().toByteString())
          .setCreateTime(ProtoTime.now());
      if (!store.exists(PREFIX + sha + ".arrow")) {
        store.putFile(PREFIX + sha + ".arrow", file, MEDIA_TYPE);
      }
      Artifact artifact = a.build();
      if (!store.exists(PREFIX + sha + ".json")) {
        store.putBytes(PREFIX + sha + ".json", ProtoJson.print(artifact).getBytes(StandardCharsets.UTF_8), "application/json");
      }
      return artifact;
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** The record of a stored artifact. */
  public Artifact get(String name) {
    String key = name + ".json";
    if (!store.exists(key)) {
      throw new NotFoundException("ARTIFACT_NOT_FOUND", "no artifact named " + name);
    }
    Artifact.Builder b = Artifact.newBuilder();
    try {
      ProtoJson.merge(new String(store.getBytes(key), StandardCharsets.UTF_8), b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt artifact record " + key, e);
    }
    return b.build();
  }

  @Override
  public Plan plan(VoxelTicket ticket) {
    if (ticket.hasVolumes() || ticket.getVoxelIndicesCount() > 0) {
      throw new InvalidArgumentException("BAD_TICKET", "artifact tickets take no volume range or voxel indices");
    }
    Artifact a = get(ticket.getImage());
    Path local = cache.local(ticket.getImage() + ".arrow");
    try (BufferAllocator alloc = new org.apache.arrow.memory.RootAllocator(1L << 20);
         FileChannel ch = FileChannel.open(local);
         ArrowFileReader reader = new ArrowFileReader(ch, alloc)) {
      return new Plan(reader.getVectorSchemaRoot().getSchema(), a.getShape(0), a.getSizeBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stream(VoxelTicket ticket, Plan plan, BufferAllocator allocator, BatchSink sink) throws IOException {
    Path local = cache.local(ticket.getImage() + ".arrow");
    try (FileChannel ch = FileChannel.open(local);
         ArrowFileReader reader = new ArrowFileReader(ch, allocator)) {
      VectorSchemaRoot in = reader.getVectorSchemaRoot();
      VectorSchemaRoot out = VectorSchemaRoot.create(in.getSchema(), allocator);
      sink.start(out); // transfers ownership of out
      VectorLoader loader = new VectorLoader(out);
      while (!sink.isCancelled() && reader.loadNextBatch()) {
        try (ArrowRecordBatch batch = new VectorUnloader(in).getRecordBatch()) {
          loader.load(batch);
        }
        sink.putNext();
      }
    }
  }

}
