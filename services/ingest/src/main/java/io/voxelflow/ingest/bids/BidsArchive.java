package io.voxelflow.ingest.bids;

import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.error.ResourceExhaustedException;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Unpacks an uploaded BIDS dataset ({@code .zip}) safely.
 *
 * <ul>
 *   <li>Entries are streamed with {@link ZipInputStream}; the bytes counted against {@code
 *       maxTotalBytes} are the bytes actually inflated (declared sizes are only used to refuse
 *       early), and nothing past the limit is written.
 *   <li>The central directory is read first, to refuse early an archive with too many entries, to
 *       find symbolic links (their Unix mode is only there) and to refuse local entries that it does
 *       not list.
 *   <li>Entry names that are absolute, contain {@code ..}, or would land outside {@code destDir}
 *       are refused (zip slip); {@code \} is read as {@code /}. Files are created with {@code
 *       CREATE_NEW} and never through an existing link; duplicate entries are refused.
 *   <li>{@code __MACOSX/} entries are counted but not written.
 *   <li>On any failure, what was written is deleted again.
 * </ul>
 */
public final class BidsArchive {

  /** Reason for too many entries or too many uncompressed bytes ({@link ResourceExhaustedException}). */
  public static final String TOO_LARGE = "ARCHIVE_TOO_LARGE";

  /**
   * Reason for a corrupt or unsafe archive ({@link InvalidArgumentException}): not a zip, truncated,
   * bad CRC, encrypted, split, zip slip, symbolic link, duplicate entry, no files.
   */
  public static final String INVALID = "INVALID_ARCHIVE";

  private static final int EOCD_SIG = 0x06054b50;
  private static final int ZIP64_LOCATOR_SIG = 0x07064b50;
  private static final int ZIP64_EOCD_SIG = 0x06064b50;
  private static final int CEN_SIG = 0x02014b50;
  private static final int BUFFER = 64 * 1024;

  private BidsArchive() {}

  /**
   * Extracts {@code zip} into {@code destDir} (created if needed; use a fresh, empty one) and
   * returns the dataset root: {@code destDir/<folder>} when every entry is inside one top-level
   * folder holding {@code dataset_description.json}, else {@code destDir} (absolute, normalized).
   * The result is not validated: pass it to {@link BidsLayout#scanOrThrow}.
   *
   * @param maxTotalBytes the most uncompressed bytes accepted, all entries together
   * @param maxEntries the most entries (files and folders) accepted
   * @throws ResourceExhaustedException reason {@code ARCHIVE_TOO_LARGE} past either limit
   * @throws InvalidArgumentException reason {@code INVALID_ARCHIVE} for a corrupt or unsafe archive
   * @throws UncheckedIOException when {@code destDir} cannot be written, or {@code zip} not opened
   */
  public static Path extract(Path zip, Path destDir, long maxTotalBytes, int maxEntries) {
    if (maxTotalBytes <= 0 || maxEntries <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
    Path dest = destDir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(dest);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dest, e);
    }
    CentralDirectory cd = CentralDirectory.read(zip, maxEntries);
    List<Path> created = new ArrayList<>();
    boolean done = false;
    try {
      Path root = extractEntries(zip, dest, cd, maxTotalBytes, maxEntries, created);
      done = true;
      return root;
    } finally {
      if (!done) {
        for (int i = created.size() - 1; i >= 0; i--) {
          try {
            Files.deleteIfExists(created.get(i));
          } catch (IOException ignored) {
            // best effort; the caller's scratch directory is cleaned up anyway
          }
        }
      }
    }
  }

  private static Path extractEntries(
      Path zip, Path dest, CentralDirectory cd, long maxTotalBytes, int maxEntries, List<Path> created) {
    long total = 0;
    int entries = 0;
    int files = 0;
    Set<String> topLevel = new TreeSet<>();
    boolean looseTopLevelFile = false;
    byte[] buf = new byte[BUFFER];
    InputStream raw;
    try {
      raw = Files.newInputStream(zip);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + zip, e);
    }
    try (ZipInputStream in = new ZipInputStream(new BufferedInputStream(raw, BUFFER))) {
      while (true) {
        ZipEntry entry = nextEntry(in);
        if (entry == null) {
          break;
        }
        if (++entries > maxEntries) {
          throw tooLarge("more than " + maxEntries + " entries");
        }
        String name = entry.getName();
        if (!cd.names.contains(name)) {
          throw invalid("entry '" + name + "' is not listed in the central directory");
        }
        if (cd.symlinks.contains(name)) {
          throw invalid("entry '" + name + "' is a symbolic link; links are not accepted, archive the files themselves");
        }
        String rel = safeRelativePath(name);
        if (entry.getSize() > maxTotalBytes - total) {
          throw tooLarge("more than " + maxTotalBytes + " bytes uncompressed (entry '" + name + "' declares "
              + entry.getSize() + ")");
        }
        boolean skipped = rel.isEmpty() || rel.equals("__MACOSX") || rel.startsWith("__MACOSX/");
        OutputStream out = null;
        if (!skipped) {
          int slash = rel.indexOf('/');
          String first = slash < 0 ? rel : rel.substring(0, slash);
          if (!first.startsWith(".")) {
            topLevel.add(first);
            if (slash < 0 && !entry.isDirectory()) {
              looseTopLevelFile = true;
            }
          }
          if (entry.isDirectory()) {
            mkdirs(dest, rel, created);
          } else {
            int lastSlash = rel.lastIndexOf('/');
            if (lastSlash > 0) {
              mkdirs(dest, rel.substring(0, lastSlash), created);
            }
            out = create(dest, rel, created);
            files++;
          }
        }
        try {
          while (true) {
            int n = read(in, buf);
            if (n < 0) {
              break;
            }
            if (n > maxTotalBytes - total) {
              throw tooLarge("more than " + maxTotalBytes + " bytes uncompressed");
            }
            total += n;
            if (out != null) {
              try {
                out.write(buf, 0, n);
              } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + rel, e);
              }
            }
          }
        } finally {
          if (out != null) {
            try {
              out.close();
            } catch (IOException e) {
              throw new UncheckedIOException("cannot write " + rel, e);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + zip, e); // only close() gets here
    }
    if (files == 0) {
      throw invalid("the archive holds no files");
    }
    if (topLevel.size() == 1 && !looseTopLevelFile) {
      Path folder = dest.resolve(topLevel.iterator().next());
      if (Files.isRegularFile(folder.resolve("dataset_description.json"), LinkOption.NOFOLLOW_LINKS)) {
        return folder;
      }
    }
    return dest;
  }

  private static ZipEntry nextEntry(ZipInputStream in) {
    try {
      return in.getNextEntry();
    } catch (IOException | IllegalArgumentException e) {
      throw invalid("corrupt archive: " + e.getMessage(), e);
    }
  }

  private static int read(ZipInputStream in, byte[] buf) {
    try {
      return in.read(buf);
    } catch (EOFException e) {
      throw invalid("truncated archive", e);
    } catch (IOException e) {
      throw invalid("corrupt archive: " + e.getMessage(), e);
    }
  }

  /** The entry name as a clean relative path, or a refusal: absolute names and {@code ..} are never accepted. */
  static String safeRelativePath(String name) {
    String n = name.replace('\\', '/');
    if (n.indexOf('\0') >= 0) {
      throw invalid("entry name contains a NUL character");
    }
    if (n.startsWith("/") || (n.length() >= 2 && n.charAt(1) == ':' && Character.isLetter(n.charAt(0)))) {
      throw invalid("entry '" + name + "' has an absolute path");
    }
    List<String> parts = new ArrayList<>();
    for (String seg : n.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        throw invalid("entry '" + name + "' escapes the destination folder (..)");
      }
      parts.add(seg);
    }
    return String.join("/", parts);
  }

  private static Path inside(Path dest, String rel) {
    Path target = dest.resolve(rel).normalize();
    if (!target.startsWith(dest) || target.equals(dest)) {
      throw invalid("entry '" + rel + "' escapes the destination folder");
    }
    return target;
  }

  private static void mkdirs(Path dest, String rel, List<Path> created) {
    inside(dest, rel);
    Path cur = dest;
    for (String seg : rel.split("/")) {
      cur = cur.resolve(seg);
      if (Files.exists(cur, LinkOption.NOFOLLOW_LINKS)) {
        if (!Files.isDirectory(cur, LinkOption.NOFOLLOW_LINKS)) {
          throw invalid("folder '" + dest.relativize(cur) + "' clashes with a file or link of the same name");
        }
      } else {
        try {
          Files.createDirectory(cur);
        } catch (IOException e) {
          throw invalid("cannot create folder '" + dest.relativize(cur) + "': " + e.getMessage(), e);
        }
        created.add(cur);
      }
    }
  }

  private static OutputStream create(Path dest, String rel, List<Path> created) {
    Path target = inside(dest, rel);
    try {
      OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      created.add(target);
      return out;
    } catch (FileAlreadyExistsException e) {
      throw invalid("entry '" + rel + "' appears twice (or clashes with an existing file)", e);
    } catch (NoSuchFileException e) {
      throw invalid("cannot create '" + rel + "'", e);
    } catch (IOException e) {
      throw invalid("cannot create '" + rel + "': " + e.getMessage(), e);
    }
  }

  private static InvalidArgumentException invalid(String message) {
    return new InvalidArgumentException(INVALID, message);
  }

  private static InvalidArgumentException invalid(String message, Throwable cause) {
    return new InvalidArgumentException(INVALID, message, cause);
  }

  private static ResourceExhaustedException tooLarge(String what) {
    return new ResourceExhaustedException(TOO_LARGE, "the archive is too large: " + what);
  }

  /** Names and symbolic links listed in the central directory. */
  static final class CentralDirectory {
    final Set<String> names = new HashSet<>();
    final Set<String> symlinks = new HashSet<>();

    static CentralDirectory read(Path zip, int maxEntries) {
      try (FileChannel ch = FileChannel.open(zip, StandardOpenOption.READ)) {
        return read(ch, maxEntries);
      } catch (EOFException e) {
        throw invalid("truncated archive", e);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + zip, e);
      }
    }

    private static CentralDirectory read(FileChannel ch, int maxEntries) throws IOException {
      long size = ch.size();
      if (size < 22) {
        throw invalid("not a zip archive");
      }
      int tailLen = (int) Math.min(size, 22 + 0xFFFF);
      ByteBuffer tail = readAt(ch, size - tailLen, tailLen);
      int eocd = -1;
      for (int i = tailLen - 22; i >= 0; i--) {
        if (tail.getInt(i) == EOCD_SIG && i + 22 + u16(tail, i + 20) <= tailLen) {
          eocd = i;
          break;
        }
      }
      if (eocd < 0) {
        throw invalid("not a zip archive (no end of central directory)");
      }
      long eocdPos = size - tailLen + eocd;
      long disk = u16(tail, eocd + 4);
      long cdDisk = u16(tail, eocd + 6);
      long total = u16(tail, eocd + 10);
      long cdSize = u32(tail, eocd + 12);
      long cdOffset = u32(tail, eocd + 16);
      long cdLimit = eocdPos;
      if (total == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL) {
        if (eocdPos < 20) {
          throw invalid("corrupt archive: no zip64 locator");
        }
        ByteBuffer loc = readAt(ch, eocdPos - 20, 20);
        if (loc.getInt(0) != ZIP64_LOCATOR_SIG) {
          throw invalid("corrupt archive: no zip64 locator");
        }
        long z64 = loc.getLong(8);
        if (z64 < 0 || z64 > eocdPos - 20 - 56) {
          throw invalid("corrupt archive: zip64 record out of bounds");
        }
        ByteBuffer rec = readAt(ch, z64, 56);
        if (rec.getInt(0) != ZIP64_EOCD_SIG) {
          throw invalid("corrupt archive: bad zip64 record");
        }
        disk = Integer.toUnsignedLong(rec.getInt(16));
        cdDisk = Integer.toUnsignedLong(rec.getInt(20));
        total = rec.getLong(32);
        cdSize = rec.getLong(40);
        cdOffset = rec.getLong(48);
        cdLimit = z64;
      }
      if (disk != 0 || cdDisk != 0) {
        throw invalid("split (multi-part) archives are not supported");
      }
      if (total < 0 || total > maxEntries) {
        throw tooLarge("more than " + maxEntries + " entries (" + total + ")");
      }
      if (cdOffset < 0 || cdSize < 0 || cdOffset > cdLimit - cdSize) {
        throw invalid("corrupt archive: central directory out of bounds");
      }
      CentralDirectory cd = new CentralDirectory();
      ch.position(cdOffset);
      DataInputStream in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(ch), BUFFER));
      byte[] header = new byte[46];
      ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
      long read = 0;
      for (long i = 0; i < total; i++) {
        in.readFully(header);
        if (h.getInt(0) != CEN_SIG) {
          throw invalid("corrupt archive: bad central directory entry");
        }
        int madeBy = u16(h, 4);
        long external = u32(h, 38);
        int nameLen = u16(h, 28);
        int skip = u16(h, 30) + u16(h, 32);
        byte[] name = new byte[nameLen];
        in.readFully(name);
        in.skipNBytes(skip);
        read += 46 + nameLen + skip;
        if (read > cdSize) {
          throw invalid("corrupt archive: central directory overruns its size");
        }
        String n = new String(name, StandardCharsets.UTF_8);
        int host = madeBy >>> 8;
        int mode = (int) (external >>> 16);
        if ((host == 3 || host == 19) && (mode & 0xF000) == 0xA000) {
          cd.symlinks.add(n);
        }
        cd.names.add(n);
      }
      return cd;
    }

    private static ByteBuffer readAt(FileChannel ch, long pos, int len) throws IOException {
      ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining()) {
        if (ch.read(b, pos + b.position()) < 0) {
          throw new EOFException();
        }
      }
      return b.flip();
    }

    private static int u16(ByteBuffer b, int at) {
      return Short.toUnsignedInt(b.getShort(at));
    }

    private static long u32(ByteBuffer b, int at) {
      return Integer.toUnsignedLong(b.getInt(at));
    }
  }
}
