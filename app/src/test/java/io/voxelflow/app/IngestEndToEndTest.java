package io.voxelflow.app;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.longrunning.Operation;
import com.google.protobuf.ByteString;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.test.junit.QuarkusTest;
import io.voxelflow.api.ingest.v1.Dataset;
import io.voxelflow.api.ingest.v1.DatasetServiceGrpc;
import io.voxelflow.api.ingest.v1.GetDatasetRequest;
import io.voxelflow.api.ingest.v1.Image;
import io.voxelflow.api.ingest.v1.ImageServiceGrpc;
import io.voxelflow.api.ingest.v1.ImportDatasetRequest;
import io.voxelflow.api.ingest.v1.ListImagesRequest;
import io.voxelflow.api.ingest.v1.UploadDatasetArchiveRequest;
import io.voxelflow.api.ingest.v1.UploadDatasetArchiveResponse;
import io.voxelflow.api.ingest.v1.UploadImageRequest;
import io.voxelflow.api.ingest.v1.UploadImageResponse;
import io.voxelflow.api.ingest.v1.UploadMetadata;
import io.voxelflow.api.ingest.v1.VoxelTicket;
import io.voxelflow.api.operations.v1.OperationMetadata;
import io.voxelflow.api.operations.v1.OperationsServiceGrpc;
import io.voxelflow.api.operations.v1.WatchOperationRequest;
import io.voxelflow.app.cli.Endpoint;
import io.voxelflow.flight.FlightEndpoint;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.simulate.SimulationSize;
import io.voxelflow.simulate.Simulator;
import io.voxelflow.storage.Addresses;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest path end to end in the running application: gRPC uploads and imports over loopback,
 * progress watched as a stream, voxels read back over Arrow Flight, and the same through HTTP.
 * Storage is the embedded S3 server (S3Proxy, a separate process).
 */
@QuarkusTest
class IngestEndToEndTest {
  @TempDir
  static Path dir;

  static Path bids;
  static Path zip;

  @Inject
  FlightEndpoint flight;

  ManagedChannel channel;

  @BeforeAll
  static void dataset() throws Exception {
    bids = dir.resolve("bids");
    Simulator.simulate(bids, SimulationSize.TINY, 11, (f, s) -> { });
    zip = dir.resolve("tiny.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip)); var files = Files.walk(bids)) {
      for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        z.putNextEntry(new ZipEntry(bids.relativize(p).toString()));
        Files.copy(p, z);
        z.closeEntry();
      }
    }
  }

  @BeforeEach
  void connect() {
    channel = Endpoint.channel(null);
  }

  @AfterEach
  void disconnect() {
    Endpoint.close(channel);
  }

  static <Req, Resp> Resp clientStream(java.util.function.Function<StreamObserver<Resp>, StreamObserver<Req>> call,
      List<Req> messages) throws Exception {
    CompletableFuture<Resp> result = new CompletableFuture<>();
    StreamObserver<Req> req = call.apply(new StreamObserver<>() {
      @Override
      public void onNext(Resp value) {
        result.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        // result already set
      }
    });
    for (Req m : messages) {
      req.onNext(m);
    }
    req.onCompleted();
    try {
      return result.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  static List<UploadImageRequest> imageMessages(Path file, String expectedSha) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    List<UploadImageRequest> m = new ArrayList<>();
    m.add(UploadImageRequest.newBuilder().setMetadata(UploadMetadata.newBuilder()
        .setFilename(file.getFileName().toString()).setTotalSizeBytes(bytes.length).setExpectedSha256(expectedSha)).build());
    for (int off = 0; off < bytes.length; off += 64 * 1024) {
      m.add(UploadImageRequest.newBuilder().setChunk(ByteString.copyFrom(bytes, off, Math.min(64 * 1024, bytes.length - off))).build());
    }
    return m;
  }

  @Test
  void an_image_uploads_over_grpc_once_and_only_once() throws Exception {
    Path file = bids.resolve("sub-01/func/sub-01_task-rest_bold.nii.gz");
    var stub = ImageServiceGrpc.newStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    UploadImageResponse first = clientStream(stub::uploadImage, imageMessages(file, Addresses.sha256Hex(file)));
    UploadImageResponse again = clientStream(stub::uploadImage, imageMessages(file, ""));
    assertEquals(first.getImage().getName(), again.getImage().getName());
    assertTrue(again.getAlreadyExisted());
    StatusRuntimeException bad = assertThrows(StatusRuntimeException.class,
        () -> clientStream(stub::uploadImage, imageMessages(file, "f".repeat(64))));
    assertEquals(Status.Code.INVALID_ARGUMENT, bad.getStatus().getCode());
    assertTrue(bad.getStatus().getDescription().contains("SHA-256"), bad.getStatus().getDescription());
  }

  @Test
  void an_archive_imports_with_progress_and_its_voxels_stream_over_flight() throws Exception {
    byte[] bytes = Files.readAllBytes(zip);
    List<UploadDatasetArchiveRequest> msgs = new ArrayList<>();
    msgs.add(UploadDatasetArchiveRequest.newBuilder().setMetadata(UploadMetadata.newBuilder()
        .setFilename("tiny.zip").setTotalSizeBytes(bytes.length)).build());
    msgs.add(UploadDatasetArchiveRequest.newBuilder().setChunk(ByteString.copyFrom(bytes)).build());
    UploadDatasetArchiveResponse archive = clientStream(DatasetServiceGrpc.newStub(channel)::uploadDatasetArchive, msgs);

    var datasets = DatasetServiceGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS);
    Operation op = datasets.importDataset(ImportDatasetRequest.newBuilder().setDatasetId("e2e")
        .setSourceArchive(archive.getArchive()).setRequestId("e2e-1").build());
    Iterator<Operation> watch = OperationsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(120, TimeUnit.SECONDS)
        .watchOperation(WatchOperationRequest.newBuilder().setName(op.getName()).build());
    Operation last = null;
    List<Double> progress = new ArrayList<>();
    while (watch.hasNext()) {
      last = watch.next();
      progress.add(last.getMetadata().unpack(OperationMetadata.class).getProgress());
    }
    Operation finished = last;
    assertTrue(finished.getDone());
    assertFalse(finished.hasError(), () -> finished.getError().getMessage());
    assertEquals(1.0, progress.get(progress.size() - 1));
    Dataset d = finished.getResponse().unpack(Dataset.class);
    assertEquals(d, datasets.getDataset(GetDatasetRequest.newBuilder().setName("datasets/e2e").build()));
    List<Image> images = datasets.listImages(ListImagesRequest.newBuilder().setParent("datasets/e2e/subjects/-").build()).getImagesList();
    assertEquals(3, images.size());

    // Read sub-02's image over Flight and compare with the file itself (C order of i, j, k).
    Image sub2 = images.stream().filter(i -> i.getEntities().getSubject().equals("02")).findFirst().orElseThrow();
    float[][] fromFlight = new float[48][];
    try (RootAllocator alloc = new RootAllocator();
         FlightClient client = FlightClient.builder(alloc, Location.forGrpcInsecure("127.0.0.1", flight.port())).build();
         FlightStream s = client.getStream(new Ticket(VoxelTicket.newBuilder().setImage(sub2.getName()).build().toByteArray()))) {
      while (s.next()) {
        var volume = (org.apache.arrow.vector.IntVector) s.getRoot().getVector("volume");
        FixedSizeListVector voxels = (FixedSizeListVector) s.getRoot().getVector("voxels");
        Float4Vector items = (Float4Vector) voxels.getDataVector();
        int n = voxels.getListSize();
        for (int r = 0; r < s.getRoot().getRowCount(); r++) {
          float[] row = new float[n];
          for (int v = 0; v < n; v++) {
            row[v] = items.get(r * n + v);
          }
          fromFlight[volume.get(r)] = row;
        }
      }
    }
    try (NiftiImage img = NiftiImage.open(bids.resolve("sub-02/func/sub-02_task-rest_bold.nii.gz"))) {
      float[] vol = new float[img.voxelsPerVolume()];
      for (int t = 0; t < 48; t++) {
        img.readVolume(vol);
        for (int[] ijk : new int[][] {{0, 0, 0}, {8, 7, 6}, {15, 15, 11}, {3, 9, 2}}) {
          int file = ijk[0] + 16 * (ijk[1] + 16 * ijk[2]);
          int c = (ijk[0] * 16 + ijk[1]) * 12 + ijk[2];
          assertEquals(vol[file], fromFlight[t][c], 0f);
        }
      }
    }

    // The same dataset over HTTP.
    given().when().get("/v1/datasets/e2e").then().statusCode(200)
        .body("name", equalTo("datasets/e2e")).body("image_count", equalTo("3"));
    given().when().get("/v1/datasets/e2e/subjects/02/images/task-rest_bold/header").then().statusCode(200)
        .body("header.shape", org.hamcrest.Matchers.hasSize(4));
    given().when().get("/v1/datasets/nope").then().statusCode(404).body("error.reason", equalTo("DATASET_NOT_FOUND"));
  }

  @Test
  void http_uploads_images_and_refuses_oversize_and_broken_ones() throws Exception {
    Path file = bids.resolve("sub-03/func/sub-03_task-rest_bold.nii.gz");
    given().queryParam("filename", "sub-03_bold.nii.gz").contentType("application/octet-stream")
        .body(Files.readAllBytes(file)).when().post("/v1/images:upload").then().statusCode(200)
        .body("image.uploaded_sha256", equalTo(Addresses.sha256Hex(file)));
    given().queryParam("filename", "big.nii").contentType("application/octet-stream")
        .body(new byte[6_000_000]).when().post("/v1/images:upload").then().statusCode(413);
    given().queryParam("filename", "bad.nii").contentType("application/octet-stream")
        .body("definitely not nifti".repeat(30).getBytes()).when().post("/v1/images:upload").then().statusCode(400)
        .body("error.reason", equalTo("INVALID_NIFTI"));
    given().when().get("/q/openapi").then().statusCode(200).body(containsString("/v1/datasets"));
  }

  @Test
  void ingest_services_report_serving() {
    var health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder()
        .setService(ImageServiceGrpc.SERVICE_NAME).build()).getStatus());
    assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder()
        .setService(DatasetServiceGrpc.SERVICE_NAME).build()).getStatus());
  }
}
