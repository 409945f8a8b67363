package io.voxelflow.loadtests;

import io.voxelflow.api.ingest.v1.Image;
import io.voxelflow.api.ingest.v1.UploadMetadata;
import io.voxelflow.api.ingest.v1.VoxelTicket;
import io.voxelflow.client.FlightConnection;
import io.voxelflow.client.FlightReader;
import io.voxelflow.flight.ArtifactStore;
import io.voxelflow.flight.BatchSink;
import io.voxelflow.flight.FlightSource;
import io.voxelflow.flight.VoxelFlightProducer;
import io.voxelflow.ingest.ImageFlightSource;
import io.voxelflow.ingest.IngestService;
import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiHeader;
import io.voxelflow.nifti.NiftiWriter;
import io.voxelflow.storage.BlobCache;
import io.voxelflow.storage.EmbeddedS3;
import io.voxelflow.storage.ObjectStore;
import io.voxelflow.storage.StorageProducer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Flight DoGet on loopback, one stream, of a stored 1.07 GB float32 image (64×64×64×1024), against
 * raw loopback TCP moving the same number of bytes in the same run. Each case is read by Arrow
 * Java's {@code FlightClient} and by Voxelflow's {@link FlightReader} (one copy per batch); a
 * "transport only" stream of in-memory batches separates Flight's cost from ours; and a first
 * read of the stored image (its C-order copy deleted before each run) shows what the decode and
 * reorder path costs when no copy exists yet.
 */
final class FlightBench {
  private FlightBench() {}

  static final int X = 64;
  static final int Y = 64;
  static final int Z = 64;
  static final int T = 1024;

  /** Warm-up reads per case: the transport's speed settles after 3–4 GB (JIT, Netty's pools). */
  static final int WARMUPS = 4;

  static void run() throws Exception {
    Path dir = BenchFiles.dir().resolve("flight");
    Files.createDirectories(dir);
    Path nii = dir.resolve("bold_64x64x64x1024.nii");
    if (!Files.exists(nii)) {
      NiftiHeader h = NiftiHeader.of(NiftiDatatype.FLOAT32, X, Y, Z, T);
      SplittableRandom rng = new SplittableRandom(1);
      float[] vol = new float[X * Y * Z];
      try (NiftiWriter w = NiftiWriter.create(nii, h)) {
        for (int t = 0; t < T; t++) {
          for (int v = 0; v < vol.length; v++) {
            vol[v] = (float) (1000 + 20 * rng.nextDouble());
          }
          w.writeVolume(vol);
        }
      }
    }
    long bytes = (long) X * Y * Z * T * 4;
    try (EmbeddedS3 s3 = EmbeddedS3.start(dir.resolve("s3"))) {
      ObjectStore store = ObjectStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), "bench");
      StorageProducer storage = StorageProducer.of(store, dir.resolve("data"));
      IngestService ingest = IngestService.standalone(storage, Long.MAX_VALUE);
      Image image = ingest.uploadFile(nii, UploadMetadata.newBuilder().setFilename(nii.getFileName().toString())
          .setTotalSizeBytes(Files.size(nii)).build()).getImage();
      ArtifactStore artifacts = new ArtifactStore(store, new BlobCache(store, dir.resolve("data/cache")), dir.resolve("data/scratch"), "bench");
      ExecutorService workers = Executors.newCachedThreadPool();
      try (BufferAllocator serverRoot = new RootAllocator(); BufferAllocator clientRoot = new RootAllocator()) {
        List<FlightSource> sources = List.of(new ImageFlightSource(ingest), new InMemorySource(bytes));
        int window = Integer.getInteger("bench.flight.window", 0);
        FlightServer.Builder sb = FlightServer.builder(serverRoot, Location.forGrpcInsecure("127.0.0.1", 0),
            new VoxelFlightProducer(serverRoot, sources, () -> artifacts, workers));
        if (window > 0) {
          sb.transportHint("grpc.builderConsumer",
              (java.util.function.Consumer<io.grpc.netty.NettyServerBuilder>) b -> b.flowControlWindow(window));
        }
        try (FlightServer server = sb.build().start();
             FlightClient client = window > 0
                 ? org.apache.arrow.flight.FlightGrpcUtils.createFlightClient(clientRoot,
                     io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext()
                         .flowControlWindow(window).maxInboundMessageSize(Integer.MAX_VALUE).build())
                 : FlightClient.builder(clientRoot, Location.forGrpcInsecure("127.0.0.1", server.getPort())).build()) {
          // -Dbench.flight.only=CASE runs only the cases whose names contain CASE (for profiling).
          String only = System.getProperty("bench.flight.only", "");
          int runs = Integer.getInteger("bench.flight.runs", 5);
          FlightConnection flight = FlightConnection.connect(Location.forGrpcInsecure("127.0.0.1", server.getPort()), clientRoot);
          VoxelTicket memory = VoxelTicket.newBuilder().setImage("bench/in-memory").build();
          VoxelTicket stored = VoxelTicket.newBuilder().setImage(image.getName()).build();
          Path copies = dir.resolve("data/cache/voxels");
          Harness.Setup idle = () -> ImageFlightSource.awaitVoxelCacheIdle(java.time.Duration.ofMinutes(5));
          Harness.Setup noCopy = () -> {
            idle.run();
            deleteCopies(copies);
          };
          record Case(Harness.Setup before, Harness.Run run) {}
          java.util.Map<String, Case> cases = new java.util.LinkedHashMap<>();
          cases.put("loopback TCP", new Case(() -> { }, () -> TcpBaseline.transfer(bytes)));
          cases.put("FlightClient, in-memory", new Case(() -> { }, () -> drain(client, memory)));
          cases.put("FlightReader, in-memory", new Case(() -> { }, () -> drain(flight, memory)));
          // A stored image read again: its C-order copy (built after the first whole read) is streamed.
          cases.put("FlightClient, stored image", new Case(idle, () -> drain(client, stored)));
          cases.put("FlightReader, stored image", new Case(idle, () -> drain(flight, stored)));
          // The first whole read of an image: decoded, scaled and reordered volume by volume.
          cases.put("FlightReader, stored image, first read", new Case(noCopy, () -> drain(flight, stored)));
          VoxelTicket original = VoxelTicket.newBuilder().setImage(image.getName()).setDtype(VoxelTicket.Dtype.DTYPE_ORIGINAL).build();
          cases.put("FlightReader, stored image, original dtype", new Case(idle, () -> drain(flight, original)));
          java.util.Map<String, Harness.Result> r = new java.util.HashMap<>();
          for (var e : cases.entrySet()) {
            if (e.getKey().startsWith("loopback") || e.getKey().contains(only)) {
              r.put(e.getKey(), Harness.measure(e.getKey(), WARMUPS, runs, e.getValue().before(), e.getValue().run()));
            }
          }
          double tcp = r.get("loopback TCP").median();
          StringBuilder json = new StringBuilder("{\"suite\": \"flight-doget\", \"bytes\": " + bytes);
          json.append(String.format(Locale.ROOT, ", \"tcp_mb_per_s\": %.0f", tcp / 1e6));
          for (var e : r.entrySet()) {
            if (!e.getKey().startsWith("loopback")) {
              String key = e.getKey().toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", "_");
              json.append(String.format(Locale.ROOT, ", \"%s_mb_per_s\": %.0f, \"%s_vs_tcp\": %.3f",
                  key, e.getValue().median() / 1e6, key, e.getValue().median() / tcp));
            }
          }
          System.out.println(json.append('}'));
          flight.close();
        }
      } finally {
        workers.shutdownNow();
      }
    }
  }

  static void deleteCopies(Path dir) throws java.io.IOException {
    if (Files.isDirectory(dir)) {
      try (var files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.delete(f);
        }
      }
    }
  }

  /** Reads a whole stream with Arrow's client; returns the bytes of values received. */
  static long drain(FlightClient client, VoxelTicket t) throws Exception {
    long bytes = 0;
    try (FlightStream s = client.getStream(new Ticket(t.toByteArray()))) {
      while (s.next()) {
        bytes += valueBytes(s.getRoot());
      }
    }
    return bytes;
  }

  /** Reads a whole stream with Voxelflow's {@link FlightReader}; returns the bytes of values received. */
  static long drain(FlightConnection flight, VoxelTicket t) {
    long bytes = 0;
    try (FlightReader s = flight.read(t.toByteArray())) {
      while (s.next()) {
        bytes += valueBytes(s.getRoot());
      }
    }
    return bytes;
  }

  /** Bytes of float32 values in a loaded batch (voxel lists or a plain float column). */
  static long valueBytes(VectorSchemaRoot root) {
    long bytes = 0;
    for (FieldVector v : root.getFieldVectors()) {
      if (v instanceof org.apache.arrow.vector.complex.FixedSizeListVector l) {
        bytes += (long) root.getRowCount() * l.getListSize() * 4;
      } else if (v instanceof org.apache.arrow.vector.Float4Vector) {
        bytes += (long) root.getRowCount() * 4;
      }
    }
    return bytes;
  }

  /** Pre-filled 8 MiB batches sent again and again: what Flight itself costs. */
  static final class InMemorySource implements FlightSource {
    final long bytes;

    InMemorySource(long bytes) {
      this.bytes = bytes;
    }

    @Override
    public boolean accepts(String name) {
      return name.equals("bench/in-memory");
    }

    Schema schema() {
      return new Schema(List.of(new Field("values", FieldType.notNullable(
          new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null)));
    }

    @Override
    public Plan plan(VoxelTicket ticket) {
      return new Plan(schema(), bytes / 4, bytes);
    }

    @Override
    public void stream(VoxelTicket ticket, Plan plan, BufferAllocator allocator, BatchSink sink) {
      int rows = Integer.getInteger("bench.flight.batch-kib", 8 << 10) << 8; // 8 MiB of float32 by default
      VectorSchemaRoot root = VectorSchemaRoot.create(schema(), allocator);
      sink.start(root);
      var v = (org.apache.arrow.vector.Float4Vector) root.getVector(0);
      v.allocateNew(rows);
      v.getValidityBuffer().setOne(0, (rows + 7) / 8);
      v.setValueCount(rows);
      root.setRowCount(rows);
      for (long sent = 0; sent < bytes && !sink.isCancelled(); sent += (long) rows * 4) {
        sink.putNext();
      }
    }
  }
}
