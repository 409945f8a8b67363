package io.voxelflow.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.api.ingest.v1.Image;
import io.voxelflow.api.ingest.v1.VoxelTicket;
import io.voxelflow.api.types.v1.Artifact;
import io.voxelflow.flight.ArtifactStore;
import io.voxelflow.flight.VoxelFlightProducer;
import io.voxelflow.json.ProtoJson;
import io.voxelflow.storage.BlobCache;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.arrow.flight.AsyncPutListener;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stored images and artifacts over real Arrow Flight on loopback. Every allocator is closed at the
 * end and must hold no memory: a leaked buffer fails the test.
 */
class ImageFlightTest {
  @TempDir
  Path dir;

  IngestService ingest;
  ImageFlightSource images;
  BufferAllocator serverRoot;
  BufferAllocator clientRoot;
  FlightServer server;
  FlightClient client;
  ExecutorService workers;

  @BeforeEach
  void start() throws Exception {
    ingest = IngestFixtures.ingest(1 << 30);
    images = new ImageFlightSource();
    images.ingest = ingest;
    serverRoot = new RootAllocator(Long.MAX_VALUE);
    clientRoot = new RootAllocator(Long.MAX_VALUE);
    workers = Executors.newCachedThreadPool();
    ArtifactStore artifacts = new ArtifactStore(ingest.store(),
        new BlobCache(ingest.store(), ingest.storage.dataDir().resolve("cache")), ingest.scratch(), "test");
    server = FlightServer.builder(serverRoot, Location.forGrpcInsecure("127.0.0.1", 0),
        new VoxelFlightProducer(serverRoot, List.of(images), () -> artifacts, workers)).build().start();
    client = FlightClient.builder(clientRoot, Location.forGrpcInsecure("127.0.0.1", server.getPort())).build();
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.shutdown();
    server.awaitTermination();
    workers.shutdownNow();
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (serverRoot.getAllocatedMemory() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(10); // a stream's worker may still be closing its allocator
    }
    assertEquals(0, serverRoot.getAllocatedMemory(), () -> "server leaked Arrow memory: " + serverRoot.toVerboseString());
    assertEquals(0, clientRoot.getAllocatedMemory(), "client leaked Arrow memory");
    serverRoot.close();
    clientRoot.close();
  }

  Image upload(ByteOrder order) {
    Path src = IngestFixtures.identifyingImage(dir, "img.nii.gz", order);
    return ingest.uploadFile(src, IngestFixtures.metadata(src)).getImage();
  }

  static int cIndex(int i, int j, int k) {
    return (i * IngestFixtures.NY + j) * IngestFixtures.NZ + k;
  }

  @Test
  void a_whole_image_streams_as_scaled_float32_in_c_order() {
    Image img = upload(ByteOrder.BIG_ENDIAN);
    VoxelTicket t = VoxelTicket.newBuilder().setImage(img.getName()).build();
    FlightInfo info = client.getInfo(FlightDescriptor.command(t.toByteArray()));
    assertEquals(IngestFixtures.NT, info.getRecords());
    assertEquals("C(i,j,k)", info.getSchema().getCustomMetadata().get("voxelflow.voxel_order"));
    int rows = 0;
    try (FlightStream s = client.getStream(info.getEndpoints().get(0).getTicket())) {
      while (s.next()) {
        VectorSchemaRoot root = s.getRoot();
        IntVector volume = (IntVector) root.getVector("volume");
        FixedSizeListVector voxels = (FixedSizeListVector) root.getVector("voxels");
        Float4Vector items = (Float4Vector) voxels.getDataVector();
        int n = voxels.getListSize();
        assertEquals(IngestFixtures.NX * IngestFixtures.NY * IngestFixtures.NZ, n);
        for (int r = 0; r < root.getRowCount(); r++) {
          int tt = volume.get(r);
          assertEquals(rows + r, tt);
          for (int[] v : new int[][] {{0, 0, 0}, {4, 5, 6}, {1, 2, 3}, {3, 0, 5}}) {
            float expected = (float) IngestFixtures.value(v[0], v[1], v[2], tt);
            assertEquals(expected, items.get(r * n + cIndex(v[0], v[1], v[2])), 0f, "voxel " + java.util.Arrays.toString(v));
          }
        }
        rows += root.getRowCount();
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertEquals(IngestFixtures.NT, rows);
  }

  @Test
  void a_volume_range_of_chosen_voxels_streams_their_time_series() throws Exception {
    Image img = upload(ByteOrder.LITTLE_ENDIAN);
    VoxelTicket t = VoxelTicket.newBuilder().setImage(img.getName())
        .setVolumes(VoxelTicket.VolumeRange.newBuilder().setStart(1).setEnd(3))
        .addVoxelIndices(cIndex(4, 5, 6)).addVoxelIndices(cIndex(0, 1, 2)).build();
    List<float[]> got = new ArrayList<>();
    try (FlightStream s = client.getStream(new Ticket(t.toByteArray()))) {
      while (s.next()) {
        FixedSizeListVector voxels = (FixedSizeListVector) s.getRoot().getVector("voxels");
        Float4Vector items = (Float4Vector) voxels.getDataVector();
        for (int r = 0; r < s.getRoot().getRowCount(); r++) {
          got.add(new float[] {items.get(2 * r), items.get(2 * r + 1)});
        }
      }
    }
    assertEquals(2, got.size());
    assertEquals((float) IngestFixtures.value(4, 5, 6, 1), got.get(0)[0]);
    assertEquals((float) IngestFixtures.value(0, 1, 2, 2), got.get(1)[1]);
  }

  @Test
  void the_original_dtype_streams_unscaled_little_endian_values() throws Exception {
    Image img = upload(ByteOrder.BIG_ENDIAN);
    VoxelTicket t = VoxelTicket.newBuilder().setImage(img.getName()).setDtype(VoxelTicket.Dtype.DTYPE_ORIGINAL).build();
    try (FlightStream s = client.getStream(new Ticket(t.toByteArray()))) {
      assertTrue(s.next());
      assertEquals("0.5", s.getSchema().getCustomMetadata().get("voxelflow.scl_slope"));
      FixedSizeListVector voxels = (FixedSizeListVector) s.getRoot().getVector("voxels");
      SmallIntVector items = (SmallIntVector) voxels.getDataVector();
      // stored = (value - 10) / 0.5
      assertEquals((short) ((IngestFixtures.value(4, 5, 6, 0) - 10) / 0.5), items.get(cIndex(4, 5, 6)));
      while (s.next()) {
        // drain
      }
    }
  }

  @Test
  void unknown_images_and_bad_tickets_are_refused_cleanly() throws Exception {
    Image img = upload(ByteOrder.LITTLE_ENDIAN);
    FlightRuntimeException nf = assertThrows(FlightRuntimeException.class, () -> drain(
        VoxelTicket.newBuilder().setImage("images/" + "a".repeat(64)).build().toByteArray()));
    assertEquals(FlightStatusCode.NOT_FOUND, nf.status().code());
    FlightRuntimeException garbage = assertThrows(FlightRuntimeException.class,
        () -> drain("not a ticket".getBytes(StandardCharsets.UTF_8)));
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, garbage.status().code());
    FlightRuntimeException range = assertThrows(FlightRuntimeException.class, () -> drain(
        VoxelTicket.newBuilder().setImage(img.getName())
            .setVolumes(VoxelTicket.VolumeRange.newBuilder().setStart(2).setEnd(99)).build().toByteArray()));
    assertEquals(FlightStatusCode.INVALID_ARGUMENT, range.status().code());
    assertTrue(range.getMessage().contains("volume range"), range.getMessage());
    FlightRuntimeException nobody = assertThrows(FlightRuntimeException.class, () -> drain(
        VoxelTicket.newBuilder().setImage("elsewhere/x").build().toByteArray()));
    assertEquals(FlightStatusCode.NOT_FOUND, nobody.status().code());
  }

  void drain(byte[] ticket) throws Exception {
    try (FlightStream s = client.getStream(new Ticket(ticket))) {
      while (s.next()) {
        // nothing
      }
    }
  }

  @Test
  void a_matrix_put_is_stored_as_an_artifact_and_streams_back() throws Exception {
    org.apache.arrow.vector.types.pojo.Schema schema = new org.apache.arrow.vector.types.pojo.Schema(List.of(
        org.apache.arrow.vector.types.pojo.Field.notNullable("x", new org.apache.arrow.vector.types.pojo.ArrowType.FloatingPoint(
            org.apache.arrow.vector.types.FloatingPointPrecision.SINGLE))));
    Artifact artifact;
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, clientRoot)) {
      List<PutResult> results = new ArrayList<>();
      FlightClient.ClientStreamListener put = client.startPut(FlightDescriptor.path("artifacts"), root,
          new AsyncPutListener() {
            @Override
            public void onNext(PutResult val) {
              byte[] meta = new byte[(int) val.getApplicationMetadata().readableBytes()];
              val.getApplicationMetadata().getBytes(0, meta);
              results.add(null);
              lastMeta = meta;
            }
          });
      for (int batch = 0; batch < 3; batch++) {
        Float4Vector x = (Float4Vector) root.getVector("x");
        x.allocateNew(100);
        for (int i = 0; i < 100; i++) {
          x.set(i, batch * 100 + i);
        }
        x.setValueCount(100);
        root.setRowCount(100);
        put.putNext();
      }
      put.completed();
      put.getResult();
      Artifact.Builder b = Artifact.newBuilder();
      ProtoJson.merge(new String(lastMeta, StandardCharsets.UTF_8), b);
      artifact = b.build();
    }
    assertEquals(300, artifact.getShape(0));
    assertTrue(artifact.getName().startsWith("artifacts/"));
    float sum = 0;
    int n = 0;
    try (FlightStream s = client.getStream(new Ticket(artifact.getFlightTicket().toByteArray()))) {
      while (s.next()) {
        Float4Vector x = (Float4Vector) s.getRoot().getVector("x");
        for (int i = 0; i < s.getRoot().getRowCount(); i++) {
          sum += x.get(i);
          n++;
        }
      }
    }
    assertEquals(300, n);
    assertEquals(299 * 300 / 2f, sum);
  }

  static byte[] lastMeta;

  /** Every value of a float32 stream, in stream order (volume by volume, C order within). */
  static float[] values(FlightStream s) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    while (s.next()) {
      appendValues(s.getRoot(), out);
    }
    return floats(out.toByteArray());
  }

  static float[] values(io.voxelflow.client.FlightReader s) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    while (s.next()) {
      appendValues(s.getRoot(), out);
    }
    return floats(out.toByteArray());
  }

  static void appendValues(VectorSchemaRoot root, java.io.ByteArrayOutputStream out) {
    FixedSizeListVector voxels = (FixedSizeListVector) root.getVector("voxels");
    int bytes = root.getRowCount() * voxels.getListSize() * 4;
    byte[] b = new byte[bytes];
    voxels.getDataVector().getDataBuffer().getBytes(0, b);
    out.writeBytes(b);
  }

  static float[] floats(byte[] b) {
    float[] f = new float[b.length / 4];
    java.nio.ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
    return f;
  }

  /** Every value of the fixture image as the stream must carry it: volume by volume, C order. */
  static float[] expectedValues(int fromVolume, int toVolume) {
    int n = IngestFixtures.NX * IngestFixtures.NY * IngestFixtures.NZ;
    float[] f = new float[(toVolume - fromVolume) * n];
    for (int t = fromVolume; t < toVolume; t++) {
      for (int i = 0; i < IngestFixtures.NX; i++) {
        for (int j = 0; j < IngestFixtures.NY; j++) {
          for (int k = 0; k < IngestFixtures.NZ; k++) {
            f[(t - fromVolume) * n + cIndex(i, j, k)] = (float) IngestFixtures.value(i, j, k, t);
          }
        }
      }
    }
    return f;
  }

  Path voxelCopy(Image img) {
    return ingest.voxelCache().path(img.getStoredSha256());
  }

  @Test
  void after_a_whole_image_stream_a_c_order_copy_is_built_that_later_streams_read() throws Exception {
    images.targetBatchBytes = 3 * IngestFixtures.NX * IngestFixtures.NY * IngestFixtures.NZ * 4; // 3 volumes a batch
    Image img = upload(ByteOrder.BIG_ENDIAN); // int16, scaled: the copy holds the scaled float32 values
    byte[] whole = VoxelTicket.newBuilder().setImage(img.getName()).build().toByteArray();
    byte[] range = VoxelTicket.newBuilder().setImage(img.getName())
        .setVolumes(VoxelTicket.VolumeRange.newBuilder().setStart(1).setEnd(4)).build().toByteArray();
    // A range does not build the copy (it is not the whole image).
    try (FlightStream s = client.getStream(new Ticket(range))) {
      assertArrayEquals(expectedValues(1, 4), values(s));
    }
    assertTrue(VoxelCache.awaitIdle(java.time.Duration.ofSeconds(30)));
    assertFalse(java.nio.file.Files.exists(voxelCopy(img)));
    // The first whole-image stream decodes and reorders; then the copy is built in the background.
    try (FlightStream s = client.getStream(new Ticket(whole))) {
      assertArrayEquals(expectedValues(0, IngestFixtures.NT), values(s));
    }
    assertTrue(VoxelCache.awaitIdle(java.time.Duration.ofSeconds(30)));
    assertEquals((long) IngestFixtures.NT * IngestFixtures.NX * IngestFixtures.NY * IngestFixtures.NZ * 4,
        java.nio.file.Files.size(voxelCopy(img)));
    try (var dir = java.nio.file.Files.list(voxelCopy(img).getParent())) {
      assertEquals(1, dir.count(), "no temporary files left beside the copy");
    }
    // Later streams read the copy: prove it by changing a value in it (a test-only tamper).
    try (var ch = java.nio.channels.FileChannel.open(voxelCopy(img), java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {0, 0, (byte) 0x80, (byte) 0xbf}), 0); // -1.0f at volume 0, voxel 0
    }
    float[] expected = expectedValues(0, IngestFixtures.NT);
    expected[0] = -1f;
    try (FlightStream s = client.getStream(new Ticket(whole))) {
      assertArrayEquals(expected, values(s));
    }
    try (io.voxelflow.client.FlightConnection c = io.voxelflow.client.FlightConnection.connect(
        Location.forGrpcInsecure("127.0.0.1", server.getPort()), clientRoot);
         io.voxelflow.client.FlightReader r = c.read(range)) {
      assertArrayEquals(expectedValues(1, 4), values(r));
    }
    // The cache may be deleted at any time: streams go back to decoding the stored image.
    java.nio.file.Files.delete(voxelCopy(img));
    try (FlightStream s = client.getStream(new Ticket(range))) {
      assertArrayEquals(expectedValues(1, 4), values(s));
    }
  }

  @Test
  void the_flight_reader_gives_the_batches_arrow_s_client_gives() throws Exception {
    images.targetBatchBytes = 2 * IngestFixtures.NX * IngestFixtures.NY * IngestFixtures.NZ * 4;
    Image img = upload(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> tickets = List.of(
        VoxelTicket.newBuilder().setImage(img.getName()).build().toByteArray(),
        VoxelTicket.newBuilder().setImage(img.getName()).addVoxelIndices(cIndex(4, 5, 6)).addVoxelIndices(3).build().toByteArray(),
        VoxelTicket.newBuilder().setImage(img.getName()).setDtype(VoxelTicket.Dtype.DTYPE_ORIGINAL).build().toByteArray());
    try (io.voxelflow.client.FlightConnection c = io.voxelflow.client.FlightConnection.connect(
        Location.forGrpcInsecure("127.0.0.1", server.getPort()), clientRoot)) {
      for (byte[] t : tickets) {
        List<String> arrow = new ArrayList<>();
        org.apache.arrow.vector.types.pojo.Schema arrowSchema;
        try (FlightStream s = client.getStream(new Ticket(t))) {
          arrowSchema = s.getSchema();
          while (s.next()) {
            arrow.add(s.getRoot().contentToTSVString());
          }
        }
        List<String> ours = new ArrayList<>();
        try (io.voxelflow.client.FlightReader r = c.read(t)) {
          assertEquals(arrowSchema, r.getSchema());
          while (r.next()) {
            ours.add(r.getRoot().contentToTSVString());
          }
          assertTrue(r.bodyBytes() > 0);
        }
        assertTrue(arrow.size() >= (t == tickets.get(0) ? 2 : 1), "batches");
        assertEquals(arrow, ours);
      }
    }
  }

  @Test
  void the_flight_reader_reports_the_server_s_status_and_frees_what_it_holds() throws Exception {
    images.targetBatchBytes = 1; // one volume a batch
    Image img = upload(ByteOrder.LITTLE_ENDIAN);
    try (io.voxelflow.client.FlightConnection c = io.voxelflow.client.FlightConnection.connect(
        Location.forGrpcInsecure("127.0.0.1", server.getPort()), clientRoot)) {
      try (io.voxelflow.client.FlightReader r = c.read(VoxelTicket.newBuilder().setImage("images/" + "b".repeat(64)).build().toByteArray())) {
        FlightRuntimeException e = assertThrows(FlightRuntimeException.class, r::next);
        assertEquals(FlightStatusCode.NOT_FOUND, e.status().code());
      }
      try (io.voxelflow.client.FlightReader r = c.read("garbage".getBytes(StandardCharsets.UTF_8))) {
        FlightRuntimeException e = assertThrows(FlightRuntimeException.class, r::next);
        assertEquals(FlightStatusCode.INVALID_ARGUMENT, e.status().code());
      }
      // Closed after one batch of four: the rest is cancelled, and every buffer is freed (the
      // allocators are checked after each test).
      try (io.voxelflow.client.FlightReader r = c.read(VoxelTicket.newBuilder().setImage(img.getName()).build().toByteArray())) {
        assertTrue(r.next());
        assertEquals(1, r.getRoot().getRowCount());
      }
      assertEquals(0, clientRoot.getAllocatedMemory());
    }
  }

}
