package io.voxelflow.ingest;

import com.google.protobuf.ByteString;
import io.voxelflow.api.ingest.v1.Image;
import io.voxelflow.api.ingest.v1.UploadImageResponse;
import io.voxelflow.api.ingest.v1.UploadMetadata;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.storage.ObjectStore;
import io.voxelflow.storage.StorageProducer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.Locale;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The ingest domain service: uploads of single images. Datasets are in {@link DatasetService}.
 * No gRPC types beyond the API messages; the adapters are thin.
 */
@ApplicationScoped
public class IngestService {
  @Inject
  StorageProducer storage;

  @ConfigProperty(name = "voxelflow.ingest.max-upload-bytes", defaultValue = "17179869184")
  long maxUploadBytes;

  /** Outside CDI (tools, benchmarks): an ingest service over this storage. */
  public static IngestService standalone(StorageProducer storage, long maxUploadBytes) {
    IngestService s = new IngestService();
    s.storage = storage;
    s.maxUploadBytes = maxUploadBytes;
    return s;
  }

  ObjectStore store() {
    return storage.store();
  }

  /** This process's scratch directory: {@code data-dir/scratch/{pid}} (several processes may share a data dir). */
  Path scratch() {
    return storage.scratchDir();
  }

  /**
   * Removes the scratch directories of processes that are gone: uploads and imports they did not
   * finish, none of which was acknowledged.
   */
  static void removeStaleScratch(Path scratchRoot) {
    if (!java.nio.file.Files.isDirectory(scratchRoot)) {
      return;
    }
    try (var dirs = java.nio.file.Files.list(scratchRoot)) {
      dirs.filter(d -> {
        try {
          return ProcessHandle.of(Long.parseLong(d.getFileName().toString())).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
          return true;
        }
      }).forEach(DatasetService::deleteTree);
    } catch (java.io.IOException ignored) {
      // best effort
    }
  }

  /** A local copy of a stored blob, for random-access reads (downloaded once, then cached). */
  Path localCopy(String blobKey) {
    return new io.voxelflow.storage.BlobCache(store(), storage.dataDir().resolve("cache")).local(blobKey);
  }

  /** Local C-order float32 copies of stored images, for fast whole-volume Flight reads. */
  VoxelCache voxelCache() {
    return new VoxelCache(storage.dataDir().resolve("cache").resolve("voxels"));
  }

  ImageCatalog catalog() {
    return new ImageCatalog(store());
  }

  /** The configured upload limit in bytes. */
  public long maxUploadBytes() {
    return maxUploadBytes;
  }

  /** Starts an upload described by {@code metadata}. */
  public Upload beginUpload(UploadMetadata metadata) {
    String name = metadata.getFilename();
    if (name.isBlank()) {
      throw new InvalidArgumentException("MISSING_FILENAME", "upload metadata needs a filename (e.g. sub-01_bold.nii.gz)");
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (!(lower.endsWith(".nii") || lower.endsWith(".nii.gz"))) {
      throw new InvalidArgumentException("NOT_NIFTI_NAME", "filename '" + name
          + "' must end in .nii or .nii.gz (upload .hdr/.img pairs inside a dataset archive)");
    }
    if (metadata.getTotalSizeBytes() < 0) {
      throw new InvalidArgumentException("BAD_SIZE", "total_size_bytes must not be negative");
    }
    return new Upload(metadata, new UploadReceiver(scratch(), maxUploadBytes, metadata.getTotalSizeBytes(),
        "upload '" + name + "'"));
  }

  /** Uploads a local file as if it came over the wire (the HTTP gateway and tests use it). */
  public UploadImageResponse uploadFile(Path file, UploadMetadata metadata) {
    try (Upload u = beginUpload(metadata); var in = java.nio.file.Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 20];
      int r;
      while ((r = in.read(buf)) > 0) {
        u.receiver.append(buf, 0, r);
      }
      return u.finish();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** One image upload in progress. */
  public final class Upload implements AutoCloseable {
    private final UploadMetadata metadata;
    private final UploadReceiver receiver;

    Upload(UploadMetadata metadata, UploadReceiver receiver) {
      this.metadata = metadata;
      this.receiver = receiver;
    }

    public void append(ByteString chunk) {
      byte[] b = chunk.toByteArray();
      receiver.append(b, 0, b.length);
    }

    /** Appends raw bytes. */
    public void append(byte[] b, int off, int len) {
      receiver.append(b, off, len);
    }

    /** Checks, de-identifies and stores the image; only then is the upload acknowledged. */
    public UploadImageResponse finish() {
      String sha = receiver.finish(metadata.getTotalSizeBytes(), metadata.getExpectedSha256());
      ImageCatalog catalog = catalog();
      var existing = catalog.findByUpload(sha);
      if (existing.isPresent()) {
        return UploadImageResponse.newBuilder().setImage(existing.get()).setAlreadyExisted(true).build();
      }
      Image image = catalog.ingest(receiver.file(), metadata.getFilename(), sha, scratch(), () -> { });
      return UploadImageResponse.newBuilder().setImage(image).setAlreadyExisted(false).build();
    }

    UploadReceiver receiver() {
      return receiver;
    }

    UploadMetadata metadata() {
      return metadata;
    }

    @Override
    public void close() {
      receiver.close();
    }
  }

  /** A standalone uploaded image, {@code images/{sha256}}. */
  public Image getImage(String name) {
    return catalog().get(name);
  }
}
