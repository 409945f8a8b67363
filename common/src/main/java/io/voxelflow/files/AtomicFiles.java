package io.voxelflow.files;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Temporary files for writing a result beside its final name and then renaming it into place, so
 * a reader never sees half a file. Unlike {@link Files#createTempFile}, which creates files that
 * only their owner may read (0600), these get the process's normal permissions (the umask's,
 * typically 0644): results a lab shares with its group stay readable by it.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Creates an empty, hidden temporary file {@code .{prefix}.{random}{suffix}} in {@code dir}. */
  public static Path createTemp(Path dir, String prefix, String suffix) throws IOException {
    Files.createDirectories(dir);
    while (true) {
      Path p = dir.resolve("." + prefix + "." + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + suffix);
      try {
        return Files.createFile(p);
      } catch (FileAlreadyExistsException e) {
        // another name
      }
    }
  }

  /** A temporary file beside {@code target}, for {@code target}'s content (same directory, so renaming is atomic). */
  public static Path tempBeside(Path target) throws IOException {
    Path abs = target.toAbsolutePath();
    return createTemp(abs.getParent(), abs.getFileName().toString(), ".tmp");
  }
}
