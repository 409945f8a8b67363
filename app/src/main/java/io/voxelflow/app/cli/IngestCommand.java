package io.voxelflow.app.cli;

import com.google.longrunning.Operation;
import io.grpc.ManagedChannel;
import io.grpc.protobuf.StatusProto;
import io.voxelflow.api.ingest.v1.Dataset;
import io.voxelflow.api.ingest.v1.DatasetServiceGrpc;
import io.voxelflow.api.ingest.v1.ImageServiceGrpc;
import io.voxelflow.api.ingest.v1.ImportDatasetRequest;
import io.voxelflow.api.ingest.v1.UploadDatasetArchiveRequest;
import io.voxelflow.api.ingest.v1.UploadDatasetArchiveResponse;
import io.voxelflow.api.ingest.v1.UploadImageRequest;
import io.voxelflow.api.ingest.v1.UploadImageResponse;
import io.voxelflow.api.ingest.v1.UploadMetadata;
import io.voxelflow.api.operations.v1.OperationMetadata;
import io.voxelflow.api.operations.v1.OperationsServiceGrpc;
import io.voxelflow.api.operations.v1.WatchOperationRequest;
import io.voxelflow.client.FileUpload;
import io.voxelflow.json.ProtoJson;
import io.voxelflow.storage.Addresses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * {@code ingest PATH}: a NIfTI file is uploaded as an image; a BIDS directory or {@code .zip} is
 * uploaded as an archive and imported as a dataset (progress watched over the operations stream).
 * Always through the gRPC API, so it works the same embedded and with {@code --server}.
 */
public final class IngestCommand implements Command {
  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public String synopsis() {
    return "ingest PATH [--dataset-id ID] [--request-id ID] [--server HOST:PORT]\n"
        + "      a .nii/.nii.gz becomes an image; a BIDS directory or .zip becomes dataset ID (default: from the name)";
  }

  @Override
  public Set<String> valued() {
    return Set.of("server", "dataset-id", "request-id");
  }

  @Override
  public int run(Args args, CliIo io) throws Exception {
    Path path = Path.of(args.expectPositional(1, "one file, BIDS directory or .zip").get(0));
    if (!Files.exists(path)) {
      throw new UsageException("no such file or directory: " + path);
    }
    String lower = path.getFileName().toString().toLowerCase(Locale.ROOT);
    ManagedChannel ch = Endpoint.channel(args.option("server", null));
    try {
      if (Files.isRegularFile(path) && (lower.endsWith(".nii") || lower.endsWith(".nii.gz"))) {
        io.printJson(ProtoJson.toTree(uploadImage(ch, path, io)));
      } else if (Files.isDirectory(path) || lower.endsWith(".zip")) {
        String id = args.option("dataset-id", defaultId(path));
        io.printJson(ProtoJson.toTree(importDataset(ch, path, id, args.option("request-id", UUID.randomUUID().toString()), io)));
      } else {
        throw new UsageException(path + " is neither a .nii/.nii.gz image nor a BIDS directory or .zip");
      }
    } finally {
      Endpoint.close(ch);
    }
    return 0;
  }

  static String defaultId(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT).replaceAll("\\.zip$", "");
    String id = name.replaceAll("[^a-z0-9-]+", "-").replaceAll("^[^a-z]+", "").replaceAll("-+$", "");
    return id.isEmpty() ? "dataset" : id.substring(0, Math.min(63, id.length()));
  }

  static UploadImageResponse uploadImage(ManagedChannel ch, Path file, CliIo io) throws Exception {
    UploadMetadata meta = UploadMetadata.newBuilder().setFilename(file.getFileName().toString())
        .setTotalSizeBytes(Files.size(file)).setExpectedSha256(Addresses.sha256Hex(file)).build();
    return FileUpload.send(file, ImageServiceGrpc.newStub(ch).withDeadlineAfter(1, TimeUnit.HOURS)::uploadImage,
        UploadImageRequest.newBuilder().setMetadata(meta).build(),
        c -> UploadImageRequest.newBuilder().setChunk(c).build(), new Progress(io.err(), "upload")::update);
  }

  /** Uploads a directory (zipped on the way) or zip as an archive and imports it as {@code datasets/{id}}. */
  static Dataset importDataset(ManagedChannel ch, Path path, String id, String requestId, CliIo io) throws Exception {
    Path zip = path;
    boolean temp = false;
    if (Files.isDirectory(path)) {
      zip = Files.createTempFile("voxelflow-", ".zip");
      temp = true;
      zipDirectory(path, zip);
    }
    try {
      UploadMetadata meta = UploadMetadata.newBuilder().setFilename(id + ".zip").setTotalSizeBytes(Files.size(zip))
          .setExpectedSha256(Addresses.sha256Hex(zip)).build();
      UploadDatasetArchiveResponse archive = FileUpload.send(zip,
          DatasetServiceGrpc.newStub(ch).withDeadlineAfter(1, TimeUnit.HOURS)::uploadDatasetArchive,
          UploadDatasetArchiveRequest.newBuilder().setMetadata(meta).build(),
          c -> UploadDatasetArchiveRequest.newBuilder().setChunk(c).build(), new Progress(io.err(), "upload")::update);
      Operation op = DatasetServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS)
          .importDataset(ImportDatasetRequest.newBuilder().setDatasetId(id)
              .setSourceArchive(archive.getArchive()).setRequestId(requestId).build());
      Operation last = watch(ch, op.getName(), "import " + id, io);
      if (last.hasError()) {
        throw StatusProto.toStatusRuntimeException(last.getError());
      }
      return last.getResponse().unpack(Dataset.class);
    } finally {
      if (temp) {
        Files.deleteIfExists(zip);
      }
    }
  }

  /** Follows an operation's progress stream with a bar; returns its final state. */
  static Operation watch(ManagedChannel ch, String name, String label, CliIo io) throws Exception {
    Progress bar = new Progress(io.err(), label);
    Iterator<Operation> it = OperationsServiceGrpc.newBlockingStub(ch).withDeadlineAfter(24, TimeUnit.HOURS)
        .watchOperation(WatchOperationRequest.newBuilder().setName(name).build());
    Operation last = null;
    while (it.hasNext()) {
      last = it.next();
      OperationMetadata m = last.getMetadata().unpack(OperationMetadata.class);
      bar.update(m.getProgress(), m.getStep());
    }
    return last;
  }

  static void zipDirectory(Path dir, Path zip) throws IOException {
    try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip)); Stream<Path> files = Files.walk(dir)) {
      z.setLevel(1); // NIfTI is usually gzipped already
      for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        z.putNextEntry(new ZipEntry(dir.relativize(p).toString().replace('\\', '/')));
        Files.copy(p, z);
        z.closeEntry();
      }
    }
  }
}
