package io.voxelflow.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Local copies of stored images in the layout Flight serves them: scaled float32, little-endian,
 * voxels of each volume in C order of {@code (i, j, k)}, volumes one after another — exactly the
 * {@code voxels.item} values of a whole-image {@code DoGet}, concatenated. With a copy, a
 * whole-volume stream is a plain file read into Arrow memory, instead of decoding, scaling and
 * reordering every volume (measured: stored-image DoGet 1.0 → ~2 GB/s on 2 cores, see README).
 *
 * <p>A copy is derived data, addressed like every artifact by what it is derived from: the
 * image's stored SHA-256 and a layout version, {@code {storedSha256}.c-f32-v1}. It is built in
 * the background ({@link #buildLater}, one low-priority thread per process) after a stream has
 * read a whole image, so no request waits for it: writing it while streaming was measured to
 * slow that first stream from ~1.4 to ~0.5 GB/s (the disk's write-back). A {@link Builder}
 * writes a temporary file that is renamed into place only once every volume is in it, so a
 * failed or interrupted build leaves nothing that looks like a copy. Several processes building
 * the same copy at once each write their own temporary file; the contents are identical, so
 * whichever rename lands last is as good as the first.
 *
 * <p>Disk: a copy is {@code 4 × voxels × volumes} bytes (the size of a float32 image, twice an
 * int16 one). The copies together stay under {@code maxBytes} ({@code
 * voxelflow.flight.voxel-cache-max-bytes}, default 64 GiB): before a build, the least recently
 * used copies are deleted to make room (using a copy marks it used), and a copy that would not
 * fit, or would leave the disk with less than 1 GiB free, is not built. Temporary files older
 * than a day (a process killed mid-build) are removed. The directory may be deleted at any time.
 */
final class VoxelCache {
  /** Version of the layout; a change of layout changes every key. */
  static final String LAYOUT = "c-f32-v1";

  private static final Logger LOG = Logger.getLogger(VoxelCache.class.getName());

  /** Default bound on the copies' total size. */
  static final long DEFAULT_MAX_BYTES = 64L << 30;

  /** Free space a build leaves on the disk at least. */
  static final long MIN_FREE_BYTES = 1L << 30;

  /** Age after which a temporary file is a leftover of a dead build. */
  static final java.time.Duration STALE = java.time.Duration.ofDays(1);

  private final Path dir;
  private final long maxBytes;

  VoxelCache(Path dir) {
    this(dir, Long.getLong("voxelflow.flight.voxel-cache-max-bytes", DEFAULT_MAX_BYTES));
  }

  VoxelCache(Path dir, long maxBytes) {
    this.dir = dir;
    this.maxBytes = maxBytes;
  }

  Path path(String storedSha256) {
    return dir.resolve(storedSha256 + "." + LAYOUT);
  }

  /**
   * Opens the copy of an image whose stored bytes have this SHA-256, if one was built with the
   * expected size. The open channel keeps reading the same file even if the cache directory is
   * cleared meanwhile.
   */
  Optional<FileChannel> open(String storedSha256, long expectedBytes) {
    Path p = path(storedSha256);
    FileChannel ch = null;
    try {
      ch = FileChannel.open(p, StandardOpenOption.READ);
      if (ch.size() == expectedBytes) {
        touch(p);
        return Optional.of(ch);
      }
      LOG.warning("ignoring " + p + ": " + ch.size() + " bytes, expected " + expectedBytes);
      ch.close();
      return Optional.empty();
    } catch (IOException e) {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // already failing: the copy is not used
        }
      }
      return Optional.empty(); // not built (or deleted meanwhile)
    }
  }

  /** Marks a copy as just used (its modification time orders eviction). */
  private static void touch(Path p) {
    try {
      Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
    } catch (IOException e) {
      // a copy deleted meanwhile, or a read-only cache: recency is only a hint
    }
  }

  /**
   * Makes room for a copy of {@code bytes}: deletes leftover temporary files and then the least
   * recently used copies until the copies fit under the bound. Returns false (nothing deleted
   * for it) if the copy alone exceeds the bound or the disk would keep less than 1 GiB free.
   */
  boolean makeRoom(long bytes) throws IOException {
    if (bytes > maxBytes) {
      return false;
    }
    Files.createDirectories(dir);
    java.util.List<Path> copies = new java.util.ArrayList<>();
    long total = 0;
    java.time.Instant staleBefore = java.time.Instant.now().minus(STALE);
    try (var files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        try {
          if (name.endsWith(".part")) {
            if (Files.getLastModifiedTime(f).toInstant().isBefore(staleBefore)) {
              Files.deleteIfExists(f);
            }
          } else if (name.endsWith("." + LAYOUT)) {
            copies.add(f);
            total += Files.size(f);
          }
        } catch (IOException e) {
          // deleted by someone else meanwhile
        }
      }
    }
    copies.sort(java.util.Comparator.comparing(VoxelCache::lastModified));
    for (int i = 0; i < copies.size() && total + bytes > maxBytes; i++) {
      long size = sizeOrZero(copies.get(i));
      if (Files.deleteIfExists(copies.get(i))) {
        total -= size;
        LOG.info("voxel cache: evicted " + copies.get(i).getFileName() + " (" + size + " bytes) to make room");
      }
    }
    return total + bytes <= maxBytes && Files.getFileStore(dir).getUsableSpace() - bytes >= MIN_FREE_BYTES;
  }

  private static java.nio.file.attribute.FileTime lastModified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return java.nio.file.attribute.FileTime.fromMillis(0);
    }
  }

  private static long sizeOrZero(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  /** Whether a copy with the expected size exists. */
  boolean exists(String storedSha256, long expectedBytes) {
    try {
      return Files.size(path(storedSha256)) == expectedBytes;
    } catch (IOException e) {
      return false;
    }
  }

  /** Builds copies in the background: one low-priority daemon thread for the whole process. */
  private static final java.util.concurrent.ThreadPoolExecutor BUILDS = new java.util.concurrent.ThreadPoolExecutor(
      1, 1, 0, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "voxel-cache-build");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        return t;
      });

  /** Copies queued or being built, so each is built once. */
  private static final java.util.Set<Path> PENDING = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** What writes a copy: every volume's values, in order, into the builder. */
  @FunctionalInterface
  interface Writer {
    void writeTo(Builder builder) throws IOException;
  }

  /**
   * Queues a build of an image's copy unless it exists or is already queued. The writer runs on
   * the build thread; the copy is committed only if it wrote exactly {@code expectedBytes}.
   */
  void buildLater(String storedSha256, long expectedBytes, Writer writer) {
    Path target = path(storedSha256);
    if (exists(storedSha256, expectedBytes) || !PENDING.add(target)) {
      return;
    }
    BUILDS.execute(() -> {
      try {
        build(storedSha256, expectedBytes, writer);
      } finally {
        PENDING.remove(target);
      }
    });
  }

  private void build(String storedSha256, long expectedBytes, Writer writer) {
    Path target = path(storedSha256);
    try {
      if (!makeRoom(expectedBytes)) {
        LOG.info("voxel cache: no room for " + target.getFileName() + " (" + expectedBytes + " bytes; bound "
            + maxBytes + " bytes, 1 GiB kept free); streams of it keep decoding the stored image");
        return;
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "voxel cache: cannot make room in " + dir + ": " + e.getMessage(), e);
      return;
    }
    try (Builder b = begin(storedSha256, expectedBytes)) {
      if (b != null) {
        writer.writeTo(b);
        b.commit();
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "voxel cache copy " + target + " not built: " + e.getMessage(), e);
    }
  }

  /** Waits until no build is queued or running (tests, benchmarks); false on timeout. */
  static boolean awaitIdle(java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!PENDING.isEmpty()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  /** Starts building a copy; returns null (and logs) if the directory cannot be written. */
  Builder begin(String storedSha256, long expectedBytes) {
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "." + storedSha256 + "-", ".part");
      return new Builder(path(storedSha256), tmp, expectedBytes);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot build a voxel cache copy in " + dir + ": " + e.getMessage(), e);
      return null;
    }
  }

  /**
   * Receives a whole image's values in order; {@link #commit()} moves the file into place if
   * every byte arrived, {@link #close()} (always called) removes what was not committed. A write
   * error abandons the copy (logged); later writes are ignored.
   */
  static final class Builder implements AutoCloseable {
    private final Path target;
    private final Path tmp;
    private final long expectedBytes;
    private FileChannel out;
    private long written;

    private Builder(Path target, Path tmp, long expectedBytes) throws IOException {
      this.target = target;
      this.tmp = tmp;
      this.expectedBytes = expectedBytes;
      this.out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** Appends the bytes remaining in {@code values} (the buffer's position is not moved). */
    void write(ByteBuffer values) {
      if (out == null) {
        return;
      }
      try {
        ByteBuffer b = values.duplicate();
        while (b.hasRemaining()) {
          written += out.write(b);
        }
      } catch (IOException e) {
        LOG.log(Level.WARNING, "abandoning voxel cache copy " + target + ": " + e.getMessage(), e);
        abandon();
      }
    }

    /** Moves the copy into place if it is complete; returns whether it did. */
    boolean commit() {
      if (out == null || written != expectedBytes) {
        abandon();
        return false;
      }
      try {
        out.force(true); // the copy is trusted by its size alone: its bytes must be on disk first
        out.close();
        out = null;
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return true;
      } catch (IOException e) {
        LOG.log(Level.WARNING, "cannot commit voxel cache copy " + target + ": " + e.getMessage(), e);
        abandon();
        return false;
      }
    }

    private void abandon() {
      try {
        if (out != null) {
          out.close();
        }
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        out = null;
      }
    }

    @Override
    public void close() {
      if (out != null) {
        abandon();
      }
    }
  }
}
