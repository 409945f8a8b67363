package io.voxelflow.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import io.voxelflow.api.ingest.v1.Image;
import io.voxelflow.error.NotFoundException;
import io.voxelflow.json.ProtoJson;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.storage.Addresses;
import io.voxelflow.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Stored images: the de-identified bytes as a blob ({@code blobs/sha256/{stored}}), the
 * {@code Image} record as JSON ({@code images/{stored}.json}), and an index from what was uploaded
 * to what was stored ({@code uploads/{uploaded}}), so the same bytes uploaded again find their
 * image without storing anything.
 */
final class ImageCatalog {
  static final String IMAGES = "images/";
  static final String UPLOADS = "uploads/";

  /** Per-phase timings of {@link #ingest} at FINE (the ingest benchmark turns it on). */
  static final java.util.logging.Logger PHASES = java.util.logging.Logger.getLogger("io.voxelflow.ingest.phases");

  private final ObjectStore store;

  ImageCatalog(ObjectStore store) {
    this.store = store;
  }

  /** The image an upload with this SHA-256 produced, if any. */
  Optional<Image> findByUpload(String uploadedSha256) {
    Optional<ObjectStore.ObjectInfo> idx = store.stat(UPLOADS + uploadedSha256);
    if (idx.isEmpty()) {
      return Optional.empty();
    }
    String stored = new String(store.getBytes(UPLOADS + uploadedSha256), StandardCharsets.UTF_8).trim();
    return find("images/" + stored);
  }

  /**
   * Validates, de-identifies and stores one NIfTI file; returns its image. Blobs first, the record
   * next, the upload index last: a crash leaves at worst an unreferenced blob.
   *
   * @param scratch a directory for the de-identified copy
   */
  Image ingest(Path uploaded, String filename, String uploadedSha256, Path scratch, Runnable perVolume) {
    return ingest(uploaded, filename, uploadedSha256, scratch, perVolume, true);
  }

  /**
   * As {@link #ingest(Path, String, String, Path, Runnable)}; with {@code publish} false only the
   * blob is stored (dataset imports: their images become visible with the dataset's manifest).
   */
  Image ingest(Path uploaded, String filename, String uploadedSha256, Path scratch, Runnable perVolume,
      boolean publish) {
    Path storedFile = null;
    try {
      Files.createDirectories(scratch);
      storedFile = Files.createTempFile(scratch, "stored-", ".nii");
      Deidentifier.Report report;
      io.voxelflow.nifti.NiftiHeader header;
      long t0 = System.nanoTime();
      try (NiftiImage img = NiftiImage.open(uploaded)) {
        report = Deidentifier.deidentify(img, storedFile, perVolume);
      }
      try (NiftiImage stored = NiftiImage.open(storedFile)) {
        header = stored.header();
      }
      long t1 = System.nanoTime();
      String storedSha = Addresses.sha256Hex(storedFile);
      String blob = Addresses.blob(storedSha);
      long size = Files.size(storedFile);
      long t2 = System.nanoTime();
      if (!store.exists(blob)) {
        store.putFile(blob, storedFile, "application/x-nifti");
      }
      long t3 = System.nanoTime();
      PHASES.fine(() -> String.format(java.util.Locale.ROOT,
          "ingest %s: validate+de-identify %.2f s, hash %.2f s, store %.2f s (%d bytes)",
          filename, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, size));
      Image image = Image.newBuilder()
          .setName("images/" + storedSha)
          .setSourcePath(filename)
          .setHeader(HeaderProtos.toProto(header))
          .setStoredSha256(storedSha)
          .setUploadedSha256(uploadedSha256)
          .setSizeBytes(size)
          .setRepetitionTimeSeconds(header.trSeconds().orElse(0))
          .setRepetitionTimeSource(header.trSeconds().isPresent()
              ? Image.RepetitionTimeSource.REPETITION_TIME_SOURCE_HEADER
              : Image.RepetitionTimeSource.REPETITION_TIME_SOURCE_NONE)
          .setCreateTime(io.voxelflow.json.ProtoTime.now())
          .build();
      if (!publish) {
        return image;
      }
      String recordKey = IMAGES + storedSha + ".json";
      if (!store.exists(recordKey)) {
        store.putBytes(recordKey, ProtoJson.print(image).getBytes(StandardCharsets.UTF_8), "application/json");
      } else {
        image = find("images/" + storedSha).orElse(image);
      }
      store.putBytes(UPLOADS + uploadedSha256, storedSha.getBytes(StandardCharsets.UTF_8), "text/plain");
      DeidentificationLog.record(report);
      return image;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store " + filename + ": " + e.getMessage(), e);
    } finally {
      if (storedFile != null) {
        try {
          Files.deleteIfExists(storedFile);
        } catch (IOException ignored) {
          // scratch
        }
      }
    }
  }

  /** A standalone image by name ({@code images/{sha256}}). */
  Optional<Image> find(String name) {
    String sha = name.startsWith("images/") ? name.substring(7) : "";
    if (!Addresses.isSha256(sha)) {
      throw new io.voxelflow.error.InvalidArgumentException("BAD_IMAGE_NAME",
          "image name must be images/{sha256} (64 lower-case hex digits), got '" + name + "'");
    }
    if (!store.exists(IMAGES + sha + ".json")) {
      return Optional.empty();
    }
    return Optional.of(parse(store.getBytes(IMAGES + sha + ".json")));
  }

  Image get(String name) {
    return find(name).orElseThrow(() -> new NotFoundException("IMAGE_NOT_FOUND", "no image named " + name));
  }

  static Image parse(byte[] json) {
    Image.Builder b = Image.newBuilder();
    try {
      ProtoJson.merge(new String(json, StandardCharsets.UTF_8), b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt image record: " + e.getMessage(), e);
    }
    return b.build();
  }


  /** Counts what de-identification removed, for the logs (never the removed content itself). */
  static final class DeidentificationLog {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger("io.voxelflow.ingest.deidentify");

    private DeidentificationLog() {}

    static void record(Deidentifier.Report r) {
      if (!r.clearedFields().isEmpty() || r.extensionsRemoved() > 0) {
        LOG.fine("de-identified: cleared " + r.clearedFields() + ", removed " + r.extensionsRemoved() + " extension(s)");
      }
    }
  }
}
