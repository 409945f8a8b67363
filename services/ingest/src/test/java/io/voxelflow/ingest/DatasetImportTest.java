package io.voxelflow.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.longrunning.Operation;
import io.grpc.Status;
import io.voxelflow.api.ingest.v1.Dataset;
import io.voxelflow.api.ingest.v1.Image;
import io.voxelflow.api.ingest.v1.ImportDatasetRequest;
import io.voxelflow.api.ingest.v1.ListImagesRequest;
import io.voxelflow.error.AlreadyExistsException;
import io.voxelflow.error.NotFoundException;
import io.voxelflow.operations.OperationManager;
import io.voxelflow.simulate.SimulationSize;
import io.voxelflow.simulate.Simulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Importing BIDS datasets (made by the simulator) into a real S3 server, through operations. */
class DatasetImportTest {
  @TempDir
  Path dir;

  OperationManager operations;
  DatasetService datasets;
  Path bids;

  @BeforeEach
  void setUp() {
    operations = new OperationManager(Executors.newFixedThreadPool(2), Clock.systemUTC());
    datasets = new DatasetService();
    datasets.ingest = IngestFixtures.ingest(1L << 30);
    datasets.operations = operations;
    datasets.allowServerPaths = true;
    datasets.maxArchiveEntries = 10_000;
    datasets.version = "test";
    bids = dir.resolve("bids");
    Simulator.simulate(bids, SimulationSize.TINY, 7, (f, s) -> { });
  }

  @AfterEach
  void tearDown() {
    operations.close();
  }

  Operation run(ImportDatasetRequest req) throws Exception {
    Operation op = datasets.importDataset(req);
    return operations.await(op.getName(), Duration.ofSeconds(120));
  }

  static ImportDatasetRequest path(String id, Path p) {
    return ImportDatasetRequest.newBuilder().setDatasetId(id).setSourcePath(p.toString()).build();
  }

  @Test
  void a_simulated_dataset_imports_with_entities_sidecars_and_participants() throws Exception {
    ObjectMapper m = new ObjectMapper();
    Path sidecar = bids.resolve("sub-02/func/sub-02_task-rest_bold.json");
    ObjectNode json = (ObjectNode) m.readTree(sidecar.toFile());
    json.put("RepetitionTime", 2.5);
    json.put("PatientName", "Doe^Jane");
    json.put("AcquisitionDateTime", "2024-01-01T10:00:00");
    m.writeValue(sidecar.toFile(), json);

    Operation done = run(path("tiny", bids).toBuilder().setRequestId("r-1").build());
    assertTrue(done.getDone());
    assertFalse(done.hasError(), () -> done.getError().getMessage());
    Dataset d = done.getResponse().unpack(Dataset.class);
    assertEquals("datasets/tiny", d.getName());
    assertEquals(3, d.getSubjectCount());
    assertEquals(3, d.getImageCount());
    assertEquals(3, d.getParticipantsCount());
    assertEquals(d, datasets.get("datasets/tiny"));
    assertEquals(3, d.getProvenance().getInputsCount());

    var images = datasets.images(ListImagesRequest.newBuilder().setParent("datasets/tiny/subjects/-").setTask("rest").build());
    assertEquals(3, images.size());
    Image sub2 = datasets.image("datasets/tiny/subjects/02/images/task-rest_bold");
    assertEquals("02", sub2.getEntities().getSubject());
    assertEquals("func", sub2.getEntities().getDatatype());
    assertEquals(2.5, sub2.getRepetitionTimeSeconds(), "the sidecar's RepetitionTime wins over the header");
    assertEquals(Image.RepetitionTimeSource.REPETITION_TIME_SOURCE_SIDECAR, sub2.getRepetitionTimeSource());
    assertFalse(sub2.getSidecar().containsFields("PatientName"));
    assertFalse(sub2.getSidecar().containsFields("AcquisitionDateTime"));
    assertTrue(sub2.getSidecar().containsFields("TaskName"));
    assertEquals(java.util.List.of(16L, 16L, 12L, 48L), sub2.getHeader().getShapeList());
    assertEquals(3, datasets.subjects("datasets/tiny").size());
    assertEquals(sub2.getName(), datasets.header(sub2.getName()).getName());
    assertEquals(348, datasets.header(sub2.getName()).getRawHeader().size());
  }

  @Test
  void a_repeated_request_returns_the_same_dataset_and_a_new_one_is_already_exists() throws Exception {
    Dataset first = run(path("again", bids).toBuilder().setRequestId("req-7").build()).getResponse().unpack(Dataset.class);
    Operation second = run(path("again", bids).toBuilder().setRequestId("req-7").build());
    assertEquals(first, second.getResponse().unpack(Dataset.class));
    assertThrows(AlreadyExistsException.class, () -> datasets.importDataset(path("again", bids)));
  }

  @Test
  void a_broken_image_fails_the_import_and_leaves_nothing_visible() throws Exception {
    Path bold = bids.resolve("sub-03/func/sub-03_task-rest_bold.nii.gz");
    byte[] b = Files.readAllBytes(bold);
    Files.write(bold, java.util.Arrays.copyOf(b, b.length / 2));
    Operation done = run(path("broken", bids));
    assertEquals(Status.Code.INVALID_ARGUMENT.value(), done.getError().getCode());
    assertTrue(done.getError().getMessage().contains("gzip") || done.getError().getMessage().contains("truncated"),
        done.getError().getMessage());
    assertThrows(NotFoundException.class, () -> datasets.get("datasets/broken"));
    assertEquals(0, datasets.list(10, "").items().size());
  }

  @Test
  void what_is_not_bids_gets_a_report_of_every_problem() throws Exception {
    Files.delete(bids.resolve("dataset_description.json"));
    Files.writeString(bids.resolve("sub-01/func/notbids.nii.gz"), "x");
    Operation done = run(path("notbids", bids));
    assertEquals(Status.Code.INVALID_ARGUMENT.value(), done.getError().getCode());
    String msg = done.getError().getMessage();
    assertTrue(msg.contains("dataset_description.json"), msg);
    assertTrue(msg.contains("notbids.nii.gz"), msg);
    assertEquals(0, datasets.list(10, "").items().size());
  }

  @Test
  void a_zip_imports_like_a_directory_and_deletes_as_a_whole() throws Exception {
    Path zip = dir.resolve("tiny.zip");
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip)); var files = Files.walk(bids)) {
      for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        z.putNextEntry(new ZipEntry("tiny/" + bids.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, z);
        z.closeEntry();
      }
    }
    Dataset d = run(path("zipped", zip)).getResponse().unpack(Dataset.class);
    assertEquals(3, d.getImageCount());
    assertEquals(1, datasets.list(10, "").items().size());
    Operation del = operations.await(datasets.delete("datasets/zipped").getName(), Duration.ofSeconds(30));
    assertFalse(del.hasError());
    assertThrows(NotFoundException.class, () -> datasets.get("datasets/zipped"));
    assertEquals(0, datasets.list(10, "").items().size());
  }

  @Test
  void datasets_list_in_pages() throws Exception {
    for (String id : new String[] {"a1", "a2", "a3"}) {
      assertFalse(run(path(id, bids)).hasError());
    }
    var p1 = datasets.list(2, "");
    assertEquals(2, p1.items().size());
    var p2 = datasets.list(2, p1.nextPageToken());
    assertEquals(1, p2.items().size());
    assertEquals("", p2.nextPageToken());
    assertEquals("datasets/a3", p2.items().get(0).getName());
  }
}
