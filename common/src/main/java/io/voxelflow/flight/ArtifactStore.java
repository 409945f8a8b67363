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
 * Artifacts: a stored file with an {@code Artifact} record beside it ({@code artifacts/{key}.json}).
 *
 * <ul>
 *   <li>Matrices put over Flight ({@code DoPut}) are Arrow IPC files named by their SHA-256:
 *       {@code artifacts/{sha256}}, stored as {@code artifacts/{sha256}.arrow}.
 *   <li>Derived artifacts (a mask, extracted signals) are named by the key of what made them,
 *       {@link io.voxelflow.storage.Addresses#artifactKey}, so the same request finds its result:
 *       {@link #find} then {@link #putDerived}. Their bytes are {@code artifacts/{key}.{ext}}.
 * </ul>
 *
 * {@code DoGet} streams Arrow artifacts as their record batches and any other artifact (a NIfTI
 * mask, say) as a single column {@code bytes: binary}, 1 MiB per row, in order.
 */
public final class ArtifactStore implements FlightSource {
  public static final String PREFIX = "artifacts/";
  public static final String MEDIA_TYPE = "application/vnd.apache.arrow.file";
  /** Rows of a byte stream (non-Arrow artifacts). */
  static final int CHUNK = 1 << 20;
  /** Schema of non-Arrow artifacts over Flight: their bytes, in order. */
  public static final org.apache.arrow.vector.types.pojo.Schema BYTES_SCHEMA = new org.apache.arrow.vector.types.pojo.Schema(
      java.util.List.of(org.apache.arrow.vector.types.pojo.Field.notNullable("bytes",
          new org.apache.arrow.vector.types.pojo.ArrowType.Binary())));

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
      org.apache.arrow.vector.types.pojo.Field values = schema.getFields().stream()
          .filter(f -> f.getName().equals("values")).findFirst().orElse(null);
      if (values != null && values.getType() instanceof org.apache.arrow.vector.types.pojo.ArrowType.FixedSizeList list) {
        a.addShape(list.getListSize()).setDtype("float32"); // a matrix (ArrowMatrices layout): rows × columns
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

  /** The stored record of artifact {@code artifacts/{key}}, if it exists (a cache hit). */
  public java.util.Optional<Artifact> find(String key) {
    if (!store.exists(PREFIX + key + ".json")) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(get(PREFIX + key));
  }

  /**
   * Stores a derived artifact's file under its key (bytes first, record last: the record is what
   * makes it visible) and returns its record.
   *
   * @param extension the file name extension, e.g. {@code .nii.gz} or {@code .arrow}
   */
  public Artifact putDerived(String key, Path file, String extension, String mediaType, java.util.List<Long> shape,
      String dtype, Provenance provenance) throws IOException {
    String name = PREFIX + key;
    String sha = io.voxelflow.storage.Addresses.sha256Hex(file);
    store.putFile(name + extension, file, mediaType);
    Artifact artifact = Artifact.newBuilder()
        .setName(name)
        .setMediaType(mediaType)
        .setSizeBytes(Files.size(file))
        .setSha256(sha)
        .addAllShape(shape)
        .setDtype(dtype)
        .setProvenance(provenance.toBuilder().setVoxelflowVersion(version).setCreateTime(ProtoTime.now()))
        .setFlightTicket(VoxelTicket.newBuilder().setImage(name).build().toByteString())
        .setCreateTime(ProtoTime.now())
        .build();
    store.putBytes(name + ".json", ProtoJson.print(artifact).getBytes(StandardCharsets.UTF_8), "application/json");
    return artifact;
  }

  /**
   * The response of an earlier operation stored under {@code responses/{key}.json}: a whole
   * result (several artifacts and figures) found again by its artifact key. Stored last, after
   * every artifact it names, so a response that exists is complete.
   */
  @SuppressWarnings("unchecked")
  public <T extends com.google.protobuf.Message> java.util.Optional<T> findResponse(String key, T prototype) {
    String k = "responses/" + key + ".json";
    if (!store.exists(k)) {
      return java.util.Optional.empty();
    }
    com.google.protobuf.Message.Builder b = prototype.newBuilderForType();
    try {
      ProtoJson.merge(new String(store.getBytes(k), StandardCharsets.UTF_8), b);
    } catch (InvalidProtocolBufferException e) {
      return java.util.Optional.empty(); // unreadable (e.g. an older schema): recompute
    }
    return java.util.Optional.of((T) b.build());
  }

  /** Stores a complete operation response under {@code responses/{key}.json} (see {@link #findResponse}). */
  public void putResponse(String key, com.google.protobuf.Message response) {
    store.putBytes("responses/" + key + ".json", ProtoJson.print(response).getBytes(StandardCharsets.UTF_8), "application/json");
  }

  /** A local, random-access copy of an artifact's bytes (downloaded once, then cached). */
  public Path localFile(Artifact a) {
    return cache.local(dataKey(a));
  }

  /** The storage key of an artifact's bytes. */
  static String dataKey(Artifact a) {
    String ext = switch (a.getMediaType()) {
      case MEDIA_TYPE -> ".arrow";
      case "application/x-nifti-gz" -> ".nii.gz";
      case "application/x-nifti" -> ".nii";
      case "application/x-npy" -> ".npy";
      default -> ".bin";
    };
    return a.getName() + ext;
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
    if (!MEDIA_TYPE.equals(a.getMediaType())) {
      return new Plan(BYTES_SCHEMA, (a.getSizeBytes() + CHUNK - 1) / CHUNK, a.getSizeBytes());
    }
    Path local = cache.local(dataKey(a));
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
    Artifact a = get(ticket.getImage());
    if (!MEDIA_TYPE.equals(a.getMediaType())) {
      streamBytes(a, allocator, sink);
      return;
    }
    Path local = cache.local(dataKey(a));
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


  private void streamBytes(Artifact a, BufferAllocator allocator, BatchSink sink) throws IOException {
    VectorSchemaRoot root = VectorSchemaRoot.create(BYTES_SCHEMA, allocator);
    sink.start(root); // transfers ownership of root
    org.apache.arrow.vector.VarBinaryVector bytes = (org.apache.arrow.vector.VarBinaryVector) root.getVector(0);
    try (java.io.InputStream in = store.get(dataKey(a))) {
      byte[] buf = new byte[CHUNK];
      int n;
      while (!sink.isCancelled() && (n = in.readNBytes(buf, 0, CHUNK)) > 0) {
        bytes.allocateNew(n, 1);
        bytes.setSafe(0, buf, 0, n);
        bytes.setValueCount(1);
        root.setRowCount(1);
        sink.putNext();
      }
    }
  }
}
