package io.voxelflow.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.voxelflow.api.ingest.v1.Image;
import io.voxelflow.api.types.v1.Artifact;
import io.voxelflow.flight.ArtifactStore;
import io.voxelflow.flight.VoxelFlightProducer;
import io.voxelflow.json.ProtoJson;
import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiHeader;
import io.voxelflow.nifti.NiftiWriter;
import io.voxelflow.storage.Addresses;
import io.voxelflow.storage.BlobCache;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.flight.AsyncPutListener;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Other labs call Voxelflow from their own languages: here Node.js drives the real ingest gRPC
 * API with {@code @grpc/grpc-js} (the .proto files loaded at run time by {@code @grpc/proto-loader})
 * and reads an Arrow IPC file the service stored with npm {@code apache-arrow}. The scripts live in
 * {@code interop/node}; Node.js (18 or later) and npm must be on the PATH — CI installs them.
 */
class NodeInteropTest {
  static final Path REPO = Path.of("../..").toAbsolutePath().normalize(); // surefire runs in the module dir
  static final Path NODE_DIR = REPO.resolve("interop/node");
  static final Path LOGS = Path.of("target/node-interop").toAbsolutePath();
  static final long NPM_TIMEOUT_SECONDS = 300;
  static final long NODE_TIMEOUT_SECONDS = 120;
  static final ObjectMapper JSON = new ObjectMapper();
  static final AtomicInteger RUNS = new AtomicInteger();

  static IngestService ingest;
  static Server grpc;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() throws Exception {
    Files.createDirectories(LOGS);
    requireTool(List.of("node", "--version"));
    requireTool(List.of(npm(), "--version"));
    if (!Files.isRegularFile(NODE_DIR.resolve("package.json"))) {
      fail("no " + NODE_DIR.resolve("package.json") + ": expected the repository root at " + REPO
          + " (tests run in services/ingest)");
    }
    if (!Files.isRegularFile(REPO.resolve("build/googleapis-protos/google/longrunning/operations.proto"))) {
      fail("no googleapis protos under " + REPO.resolve("build/googleapis-protos")
          + ": run the api module build first (it unpacks google/api, google/longrunning, google/rpc there)");
    }
    installNodeModules();

    ingest = IngestFixtures.ingest(1 << 30);
    ImageGrpcService images = new ImageGrpcService();
    images.ingest = ingest; // no CDI here
    grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(images).build().start();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (grpc != null) {
      grpc.shutdownNow();
      grpc.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  static String target() {
    return "127.0.0.1:" + grpc.getPort();
  }

  @Test
  void node_uploads_an_image_over_grpc_js() throws Exception {
    Path file = IngestFixtures.identifyingImage(dir, "sub-01_bold.nii.gz", ByteOrder.LITTLE_ENDIAN);
    NodeRun first = node("upload-image.js", target(), file.toString());
    assertEquals(0, first.exit(), first::describe);
    JsonNode r = first.json();
    String name = r.path("name").asText();
    String stored = r.path("stored_sha256").asText();
    assertTrue(Addresses.isSha256(stored), first::describe);
    assertEquals("images/" + stored, name, first::describe);
    assertEquals(name, r.path("get_image_name").asText(), first::describe);
    assertEquals(Addresses.sha256Hex(file), r.path("uploaded_sha256").asText(), first::describe);
    assertEquals(List.of((long) IngestFixtures.NX, (long) IngestFixtures.NY, (long) IngestFixtures.NZ,
        (long) IngestFixtures.NT), longs(r.path("shape")), first::describe);
    assertEquals("int16", r.path("datatype").asText(), first::describe);
    assertTrue(r.path("already_existed").isBoolean(), first::describe);
    assertFalse(r.path("already_existed").asBoolean(), first::describe);

    NodeRun again = node("upload-image.js", target(), file.toString());
    assertEquals(0, again.exit(), again::describe);
    assertTrue(again.json().path("already_existed").asBoolean(), again::describe);
    assertEquals(name, again.json().path("name").asText(), again::describe);

    Image image = ingest.getImage(name);
    assertEquals(stored, image.getStoredSha256());
    assertEquals(r.path("uploaded_sha256").asText(), image.getUploadedSha256());
  }

  @Test
  void node_streams_a_multi_chunk_image_in_order() throws Exception {
    // 64×64×32×3 float32, uncompressed: 1.5 MiB, so 7 chunks of 256 KiB in order.
    Path file = dir.resolve("sub-02_bold.nii");
    NiftiHeader h = NiftiHeader.of(NiftiDatatype.FLOAT32, 64, 64, 32, 3);
    Random random = new Random(42);
    try (NiftiWriter w = NiftiWriter.create(file, h)) {
      float[] vol = new float[64 * 64 * 32];
      for (int t = 0; t < 3; t++) {
        for (int v = 0; v < vol.length; v++) {
          vol[v] = random.nextFloat();
        }
        w.writeVolume(vol);
      }
    }
    assertTrue(Files.size(file) > 6 * 256 * 1024);
    NodeRun run = node("upload-image.js", target(), file.toString());
    assertEquals(0, run.exit(), run::describe);
    JsonNode r = run.json();
    assertEquals(Addresses.sha256Hex(file), r.path("uploaded_sha256").asText(), run::describe);
    assertEquals(List.of(64L, 64L, 32L, 3L), longs(r.path("shape")), run::describe);
    assertEquals("float32", r.path("datatype").asText(), run::describe);
    assertEquals(r.path("stored_sha256").asText(), ingest.getImage(r.path("name").asText()).getStoredSha256());
  }

  @Test
  void node_sees_invalid_argument_for_a_wrong_checksum() throws Exception {
    Path file = IngestFixtures.identifyingImage(dir, "sub-03_bold.nii.gz", ByteOrder.BIG_ENDIAN);
    NodeRun run = node("upload-image.js", target(), file.toString(), "--bad-checksum");
    assertEquals(3, run.exit(), run::describe);
    JsonNode error = run.json().path("error");
    assertEquals(3, error.path("code").asInt(-1), run::describe); // INVALID_ARGUMENT
    assertFalse(error.path("details").asText().isBlank(), run::describe);
    // The google.rpc.ErrorInfo detail survives the trip through grpc-status-details-bin.
    assertEquals("voxelflow.io", error.path("domain").asText(), run::describe);
    assertFalse(error.path("reason").asText().isBlank(), run::describe);
  }

  @Test
  void node_reads_an_arrow_file_the_service_wrote() throws Exception {
    int batches = 3;
    int rowsPerBatch = 100;
    Artifact artifact = putTable(batches, rowsPerBatch);
    int rows = batches * rowsPerBatch;
    assertEquals(rows, artifact.getShape(0));
    assertTrue(artifact.getName().startsWith(ArtifactStore.PREFIX), artifact.getName());

    Path file = dir.resolve("table.arrow");
    try (InputStream in = ingest.store().get(artifact.getName() + ".arrow")) {
      Files.copy(in, file);
    }
    assertEquals(artifact.getSha256(), Addresses.sha256Hex(file));

    NodeRun run = node("read-arrow.js", file.toString());
    assertEquals(0, run.exit(), run::describe);
    JsonNode r = run.json();
    assertEquals(rows, r.path("rows").asInt(), run::describe);
    assertEquals(batches, r.path("batches").asInt(), run::describe);
    assertEquals(List.of("volume", "value"), strings(r.path("columns")), run::describe);
    assertEquals(List.of("Int32", "Float64"), strings(r.path("types")), run::describe);
    long n = rows;
    assertEquals(n * (n - 1) / 2, r.path("sums").path("volume").asLong(), run::describe);
    assertEquals(n * (n - 1) / 4.0, r.path("sums").path("value").asDouble(), 0.0, run::describe);
  }

  /**
   * Puts {@code volume} (int32, 0, 1, 2, …) and {@code value} (float64, half of volume) in
   * {@code batches} batches through a real Flight server whose producer stores artifacts in
   * {@link #ingest}'s store; returns the artifact record of the {@code DoPut} answer.
   */
  private static Artifact putTable(int batches, int rowsPerBatch) throws Exception {
    BufferAllocator serverRoot = new RootAllocator(Long.MAX_VALUE);
    BufferAllocator clientRoot = new RootAllocator(Long.MAX_VALUE);
    ExecutorService workers = Executors.newCachedThreadPool();
    ArtifactStore artifacts = new ArtifactStore(ingest.store(),
        new BlobCache(ingest.store(), ingest.storage.dataDir().resolve("cache")), ingest.scratch(), "test");
    FlightServer server = FlightServer.builder(serverRoot, Location.forGrpcInsecure("127.0.0.1", 0),
        new VoxelFlightProducer(serverRoot, List.of(), () -> artifacts, workers)).build().start();
    try {
      AtomicReference<byte[]> meta = new AtomicReference<>();
      try (FlightClient client = FlightClient.builder(clientRoot,
               Location.forGrpcInsecure("127.0.0.1", server.getPort())).build();
           IntVector volume = new IntVector("volume", clientRoot);
           Float8Vector value = new Float8Vector("value", clientRoot);
           VectorSchemaRoot root = VectorSchemaRoot.of(volume, value)) {
        FlightClient.ClientStreamListener put = client.startPut(FlightDescriptor.path("artifacts"), root,
            new AsyncPutListener() {
              @Override
              public void onNext(PutResult result) {
                byte[] b = new byte[(int) result.getApplicationMetadata().readableBytes()];
                result.getApplicationMetadata().getBytes(0, b);
                meta.set(b);
              }
            });
        for (int batch = 0; batch < batches; batch++) {
          volume.allocateNew(rowsPerBatch);
          value.allocateNew(rowsPerBatch);
          for (int i = 0; i < rowsPerBatch; i++) {
            int v = batch * rowsPerBatch + i;
            volume.set(i, v);
            value.set(i, v / 2.0);
          }
          root.setRowCount(rowsPerBatch);
          put.putNext();
        }
        put.completed();
        put.getResult();
      }
      assertNotNull(meta.get(), "DoPut answered without app metadata");
      Artifact.Builder b = Artifact.newBuilder();
      ProtoJson.merge(new String(meta.get(), StandardCharsets.UTF_8), b);
      return b.build();
    } finally {
      server.shutdown();
      server.awaitTermination();
      workers.shutdownNow();
      long deadline = System.nanoTime() + 2_000_000_000L;
      while (serverRoot.getAllocatedMemory() != 0 && System.nanoTime() < deadline) {
        Thread.sleep(10); // a stream's worker may still be closing its allocator
      }
      assertEquals(0, clientRoot.getAllocatedMemory(), "client leaked Arrow memory");
      assertEquals(0, serverRoot.getAllocatedMemory(), () -> "server leaked Arrow memory: " + serverRoot.toVerboseString());
      clientRoot.close();
      serverRoot.close();
    }
  }

  // ---- running Node.js ----

  /** One finished Node.js run: exit code and the separately captured output. */
  record NodeRun(List<String> command, int exit, String stdout, String stderr) {
    JsonNode json() {
      try {
        return JSON.readTree(stdout);
      } catch (IOException e) {
        throw new AssertionError("stdout is not one JSON object; " + describe(), e);
      }
    }

    String describe() {
      return String.join(" ", command) + " exited " + exit + "\n--- stdout ---\n" + stdout
          + "\n--- stderr ---\n" + stderr;
    }
  }

  static NodeRun node(String script, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("node", script));
    command.addAll(List.of(args));
    int n = RUNS.incrementAndGet();
    String base = n + "-" + script.replace(".js", "");
    Path out = LOGS.resolve(base + ".stdout");
    Path err = LOGS.resolve(base + ".stderr");
    Process p = new ProcessBuilder(command).directory(NODE_DIR.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    p.getOutputStream().close();
    if (!p.waitFor(NODE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      fail(String.join(" ", command) + " did not finish in " + NODE_TIMEOUT_SECONDS + " s; stderr:\n"
          + Files.readString(err));
    }
    return new NodeRun(command, p.exitValue(), Files.readString(out), Files.readString(err));
  }

  static String npm() {
    return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows") ? "npm.cmd" : "npm";
  }

  static void requireTool(List<String> command) throws InterruptedException {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        fail(String.join(" ", command) + " failed: " + version);
      }
    } catch (IOException e) {
      fail("'" + command.get(0) + "' is not on the PATH: NodeInteropTest needs Node.js 18+ and npm "
          + "(CI installs them; locally install Node.js from https://nodejs.org)", e);
    }
  }

  /** {@code npm ci} (or {@code npm install} without a lock file) when the dependencies are missing. */
  static void installNodeModules() throws IOException, InterruptedException {
    boolean installed = true;
    for (String dep : List.of("@grpc/grpc-js", "@grpc/proto-loader", "apache-arrow", "protobufjs")) {
      installed &= Files.isDirectory(NODE_DIR.resolve("node_modules").resolve(dep));
    }
    if (installed) {
      return;
    }
    List<String> command = Files.isRegularFile(NODE_DIR.resolve("package-lock.json"))
        ? List.of(npm(), "ci", "--no-audit", "--no-fund")
        : List.of(npm(), "install", "--no-audit", "--no-fund");
    Path log = LOGS.resolve("npm-install.log");
    Process p = new ProcessBuilder(command).directory(NODE_DIR.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    p.getOutputStream().close();
    if (!p.waitFor(NPM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      fail(String.join(" ", command) + " did not finish in " + NPM_TIMEOUT_SECONDS + " s; see " + log);
    }
    if (p.exitValue() != 0) {
      fail(String.join(" ", command) + " in " + NODE_DIR + " exited " + p.exitValue() + ":\n" + Files.readString(log));
    }
  }

  static List<Long> longs(JsonNode array) {
    List<Long> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asLong()));
    return out;
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }
}
