package io.voxelflow.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A local copy of stored objects, for reads that need random access (volumes of an image, batches
 * of an Arrow file). Objects addressed by content never change, so a copy is valid forever; it is
 * downloaded once (to a temporary name, then moved into place). No eviction yet: the cache lives
 * under the data directory and may be deleted at any time.
 */
public final class BlobCache {
  private final ObjectStore store;
  private final Path dir;

  public BlobCache(ObjectStore store, Path dir) {
    this.store = store;
    this.dir = dir;
  }

  /** The local path of {@code key}, downloading it first if needed. */
  public Path local(String key) {
    Path target = dir.resolve(key.replace('/', '_'));
    if (Files.exists(target)) {
      return target;
    }
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".download-", ".part");
      try (InputStream in = store.get(key)) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot cache " + key + " in " + dir + ": " + e.getMessage(), e);
    }
  }
}
