package io.voxelflow.ingest;

import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.error.ResourceExhaustedException;
import io.voxelflow.storage.Addresses;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Receives an upload in chunks into a scratch file, hashing as it goes: memory stays one chunk
 * whatever the size. Enforces the size limit as bytes arrive (not from the declared size alone),
 * and checks the SHA-256 and the declared size at the end, before anything is acknowledged.
 */
final class UploadReceiver implements AutoCloseable {
  private final Path file;
  private final OutputStream out;
  private final MessageDigest digest = Addresses.sha256();
  private final long limit;
  private final String what;
  private long received;
  private boolean finished;

  /**
   * @param declaredSize the size the client announced (0 if unknown); over {@code limit} is refused at once
   */
  UploadReceiver(Path scratchDir, long limit, long declaredSize, String what) {
    this.limit = limit;
    this.what = what;
    if (declaredSize > limit) {
      throw tooLarge(declaredSize);
    }
    try {
      Files.createDirectories(scratchDir);
      this.file = Files.createTempFile(scratchDir, "upload-", ".part");
      this.out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a scratch file in " + scratchDir + ": " + e.getMessage(), e);
    }
  }

  private ResourceExhaustedException tooLarge(long size) {
    return (ResourceExhaustedException) new ResourceExhaustedException("UPLOAD_TOO_LARGE", what + " of " + size
        + " bytes exceeds the limit of " + limit + " bytes (voxelflow.ingest.max-upload-bytes)").with("limit_bytes", limit);
  }

  /** Appends a chunk. */
  void append(byte[] chunk, int off, int len) {
    if (received + len > limit) {
      throw tooLarge(received + len);
    }
    try {
      out.write(chunk, off, len);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the upload to scratch space: " + e.getMessage(), e);
    }
    digest.update(chunk, off, len);
    received += len;
  }

  /**
   * Ends the upload and checks it.
   *
   * @param declaredSize the announced size (0: not checked)
   * @param expectedSha256 the announced hash (empty: not checked)
   * @return the SHA-256 of the received bytes
   */
  String finish(long declaredSize, String expectedSha256) {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    finished = true;
    if (received == 0) {
      throw new InvalidArgumentException("EMPTY_UPLOAD", what + " is empty: no bytes were received");
    }
    if (declaredSize > 0 && declaredSize != received) {
      throw new InvalidArgumentException("SIZE_MISMATCH", what + " announced " + declaredSize
          + " bytes but " + received + " arrived");
    }
    String sha = HexFormat.of().formatHex(digest.digest());
    if (expectedSha256 != null && !expectedSha256.isEmpty() && !expectedSha256.equalsIgnoreCase(sha)) {
      throw new InvalidArgumentException("SHA256_MISMATCH", what + ": the SHA-256 of the received bytes is "
          + sha + " but the client announced " + expectedSha256.toLowerCase(java.util.Locale.ROOT))
          .with("expected", expectedSha256.toLowerCase(java.util.Locale.ROOT)).with("actual", sha);
    }
    return sha;
  }

  Path file() {
    return file;
  }

  long received() {
    return received;
  }

  /** Deletes the scratch file. */
  @Override
  public void close() {
    try {
      if (!finished) {
        out.close();
      }
    } catch (IOException ignored) {
      // deleting anyway
    }
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // scratch space is cleaned at start-up too
    }
  }
}
