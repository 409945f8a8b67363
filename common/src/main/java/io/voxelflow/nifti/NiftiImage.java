package io.voxelflow.nifti;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * An open NIfTI-1/-2 image ({@code .nii}, {@code .nii.gz}, {@code .hdr/.img} pairs, each optionally
 * gzipped, multi-member gzip included) whose voxel data is read one 3-D volume at a time.
 *
 * <p>Voxel order within a volume is the file's: {@code i} (first axis) varies fastest, i.e.
 * Fortran order of {@code (i, j, k)}. Values come scaled by {@code scl_slope}/{@code scl_inter}.
 * Nothing reads the whole file into memory; memory use is one chunk of {@link #CHUNK_BYTES} plus
 * the caller's volume buffer.
 *
 * <p>Every check that can be made from the header and the file size runs in {@link #open} before
 * any allocation proportional to the claimed image size: a hostile header (a tiny {@code .gz}
 * claiming terabytes, a {@code vox_offset} past the end of the file) is refused there with a
 * {@link NiftiFormatException}. Truncated or corrupt data found while reading raises the same
 * exception naming the volume.
 */
public final class NiftiImage implements AutoCloseable {
  /** Bytes inflated or read per step. */
  public static final int CHUNK_BYTES = 1 << 20;
  /** Deflate cannot expand data more than 1032:1; a larger claim cannot be genuine. */
  static final long MAX_DEFLATE_RATIO = 1032;
  /** Blocks of {@link #CHUNK_BYTES} inflated ahead of the reader. */
  static final int READ_AHEAD_BLOCKS = 4;
  /** Largest header-extension area accepted, in bytes. */
  public static final long MAX_EXTENSION_BYTES = 64L << 20;
  /** Largest single 3-D volume, in voxels (Java arrays are int-indexed). */
  public static final long MAX_VOXELS_PER_VOLUME = Integer.MAX_VALUE - 16;

  private final Path headerPath;
  private final Path dataPath;
  private final boolean dataGzipped;
  private final NiftiHeader header;
  private final List<NiftiExtension> extensions;
  private final int bytesPerVolume;
  private final byte[] chunk;
  private InputStream data;
  private long nextVolume;

  private NiftiImage(Path headerPath, Path dataPath, boolean dataGzipped, NiftiHeader header,
      List<NiftiExtension> extensions, InputStream data) {
    this.headerPath = headerPath;
    this.dataPath = dataPath;
    this.dataGzipped = dataGzipped;
    this.header = header;
    this.extensions = List.copyOf(extensions);
    this.data = data;
    long vb = header.voxelsPerVolume() * header.datatype().bytesPerVoxel();
    this.bytesPerVolume = (int) Math.min(vb, Integer.MAX_VALUE);
    this.chunk = new byte[(int) Math.min(CHUNK_BYTES, Math.max(vb, 16))];
  }

  /**
   * Opens an image and validates its header against the file.
   *
   * @param path a {@code .nii}, {@code .nii.gz}, {@code .hdr}, {@code .hdr.gz}, {@code .img} or
   *     {@code .img.gz}; other names are read as a single-file NIfTI, gzipped or not by content
   * @throws NiftiFormatException if the file is not a readable NIfTI image
   * @throws UncheckedIOException if the file cannot be read
   */
  public static NiftiImage open(Path path) {
    try {
      return openChecked(path);
    } catch (NoSuchFileException e) {
      throw new NiftiFormatException("no such file: " + path, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  private static NiftiImage openChecked(Path path) throws IOException {
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean pair = false;
    Path headerPath = path;
    Path dataPath = path;
    if (name.endsWith(".hdr") || name.endsWith(".hdr.gz") || name.endsWith(".img") || name.endsWith(".img.gz")) {
      pair = true;
      headerPath = sibling(path, "hdr");
      dataPath = sibling(path, "img");
    }
    if (Files.isDirectory(headerPath)) {
      throw new NiftiFormatException(headerPath + " is a directory, not a NIfTI file");
    }
    boolean headerGz = isGzip(headerPath);
    boolean dataGz = pair ? isGzip(dataPath) : headerGz;
    long dataFileSize = Files.size(dataPath);

    InputStream hin = stream(headerPath, headerGz);
    boolean ok = false;
    try {
      byte[] hb = new byte[NiftiHeader.NIFTI2_SIZE];
      int n = readUpTo(hin, hb, hb.length, headerPath);
      NiftiHeader header = NiftiHeader.decode(hb, n, pair);
      int hsize = header.headerSize();
      // We read 540 bytes; for NIfTI-1 the first 192 bytes after the header are already in hb.
      byte[] leftover = java.util.Arrays.copyOfRange(hb, hsize, n);

      long dataBytes = header.dataBytes();
      if (header.voxelsPerVolume() > MAX_VOXELS_PER_VOLUME) {
        throw new NiftiFormatException("one volume of " + header.voxelsPerVolume()
            + " voxels exceeds the reader's limit of " + MAX_VOXELS_PER_VOLUME + " voxels per volume");
      }
      long needed = header.voxOffset() + dataBytes;
      if (dataGz) {
        long maxInflated = dataFileSize * MAX_DEFLATE_RATIO + (1 << 16);
        if (needed > maxInflated) {
          throw new NiftiFormatException("header claims " + dataBytes + " bytes of voxel data (shape "
              + java.util.Arrays.toString(header.shape()) + ", " + header.datatype().numpyName()
              + ") but a gzip file of " + dataFileSize + " bytes can hold at most " + maxInflated
              + ": the file is truncated or its header is wrong");
        }
      } else {
        if (header.voxOffset() > dataFileSize) {
          throw new NiftiFormatException("vox_offset " + header.voxOffset()
              + " is beyond the end of the file (" + dataFileSize + " bytes)");
        }
        if (needed > dataFileSize) {
          throw new NiftiFormatException("truncated data: header promises " + dataBytes
              + " bytes of voxel data from offset " + header.voxOffset() + " but the file holds "
              + dataFileSize + " bytes (" + Math.max(0, dataFileSize - header.voxOffset())
              + " bytes of data)");
        }
      }

      List<NiftiExtension> extensions;
      InputStream data;
      if (pair) {
        long extBytes = Files.size(headerPath) - hsize;
        byte[] ext = readExtensionArea(hin, leftover, headerGz ? -1 : extBytes, headerPath);
        extensions = parseExtensions(ext, header.byteOrder(), hsize);
        hin.close();
        data = dataStream(dataPath, dataGz);
        skipFully(data, header.voxOffset(), dataPath, "vox_offset");
      } else {
        long extBytes = header.voxOffset() - hsize;
        if (extBytes > MAX_EXTENSION_BYTES) {
          throw new NiftiFormatException("vox_offset " + header.voxOffset() + " leaves " + extBytes
              + " bytes of header extensions, above the " + MAX_EXTENSION_BYTES + "-byte limit");
        }
        byte[] ext = new byte[(int) extBytes];
        int have = Math.min(leftover.length, ext.length);
        System.arraycopy(leftover, 0, ext, 0, have);
        if (ext.length > have) {
          readFully(hin, ext, have, ext.length - have, headerPath, "header extensions");
        }
        extensions = parseExtensions(ext, header.byteOrder(), hsize);
        InputStream rest = headerGz ? new ReadAheadInputStream(hin, READ_AHEAD_BLOCKS, CHUNK_BYTES) : hin;
        if (leftover.length > ext.length) {
          // Our 540-byte read went past vox_offset (a NIfTI-1 file with vox_offset < 540): put it back.
          byte[] pre = java.util.Arrays.copyOfRange(leftover, ext.length, leftover.length);
          data = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(pre), rest);
        } else {
          data = rest;
        }
      }
      ok = true;
      return new NiftiImage(headerPath, dataPath, dataGz, header, extensions, data);
    } finally {
      if (!ok) {
        hin.close();
      }
    }
  }

  private static byte[] readExtensionArea(InputStream in, byte[] leftover, long knownSize, Path p)
      throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(leftover);
    byte[] buf = new byte[8192];
    int r;
    while ((r = in.read(buf)) > 0) {
      out.write(buf, 0, r);
      if (out.size() > MAX_EXTENSION_BYTES) {
        throw new NiftiFormatException(p + ": header extensions exceed the " + MAX_EXTENSION_BYTES + "-byte limit");
      }
    }
    return out.toByteArray();
  }

  /** Parses the extension area that follows the header: a 4-byte flag then (esize, ecode, data)*. */
  static List<NiftiExtension> parseExtensions(byte[] area, ByteOrder order, int headerSize) {
    List<NiftiExtension> out = new ArrayList<>();
    if (area.length < 4 || area[0] == 0) {
      return out;
    }
    ByteBuffer b = ByteBuffer.wrap(area).order(order);
    int pos = 4;
    while (pos + 8 <= area.length) {
      int esize = b.getInt(pos);
      int ecode = b.getInt(pos + 4);
      if (esize == 0 && ecode == 0) {
        break; // zero padding up to vox_offset: no more extensions
      }
      if (esize < 8 || (long) pos + esize > area.length) {
        throw new NiftiFormatException("header extension at byte " + (headerSize + pos)
            + " has invalid esize " + esize + " (" + (area.length - pos) + " bytes remain before the data)");
      }
      byte[] content = new byte[esize - 8];
      b.get(pos + 8, content);
      out.add(new NiftiExtension(ecode, content));
      pos += esize;
    }
    return out;
  }

  private static Path sibling(Path p, String ext) throws IOException {
    String name = p.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    boolean gz = lower.endsWith(".gz");
    String stem = name.substring(0, name.length() - (gz ? 7 : 4));
    boolean upper = Character.isUpperCase(name.charAt(name.length() - (gz ? 6 : 3)));
    String e = upper ? ext.toUpperCase(Locale.ROOT) : ext;
    Path plain = p.resolveSibling(stem + "." + e);
    Path zipped = p.resolveSibling(stem + "." + e + ".gz");
    if (Files.exists(plain)) {
      return plain;
    }
    if (Files.exists(zipped)) {
      return zipped;
    }
    throw new NiftiFormatException("the ." + ext + " file of the pair " + p.getFileName()
        + " is missing (looked for " + plain.getFileName() + " and " + zipped.getFileName() + ")");
  }

  private static boolean isGzip(Path p) throws IOException {
    try (InputStream in = Files.newInputStream(p)) {
      int a = in.read();
      int b = in.read();
      return a == 0x1f && b == 0x8b;
    }
  }

  private static InputStream stream(Path p, boolean gz) throws IOException {
    InputStream raw = Files.newInputStream(p);
    if (!gz) {
      return new BufferedInputStream(raw, 1 << 16);
    }
    try {
      return new GZIPInputStream(raw, 1 << 16);
    } catch (ZipException | EOFException e) {
      raw.close();
      throw new NiftiFormatException(p.getFileName() + ": corrupt gzip header: " + e.getMessage(), e);
    }
  }

  /** The voxel-data stream: gzip data is inflated on a read-ahead thread while volumes decode. */
  private static InputStream dataStream(Path p, boolean gz) throws IOException {
    InputStream s = stream(p, gz);
    return gz ? new ReadAheadInputStream(s, READ_AHEAD_BLOCKS, CHUNK_BYTES) : s;
  }

  private static int readUpTo(InputStream in, byte[] b, int len, Path p) throws IOException {
    int n = 0;
    try {
      while (n < len) {
        int r = in.read(b, n, len - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
    } catch (ZipException | EOFException e) {
      if (n >= NiftiHeader.NIFTI1_SIZE) {
        return n; // the data part is checked when read
      }
      throw new NiftiFormatException(p.getFileName() + ": corrupt or truncated gzip stream in the header: "
          + e.getMessage(), e);
    }
    return n;
  }

  private static void readFully(InputStream in, byte[] b, int off, int len, Path p, String what)
      throws IOException {
    int done = 0;
    try {
      while (done < len) {
        int r = in.read(b, off + done, len - done);
        if (r < 0) {
          throw new NiftiFormatException(label(p) + ": truncated " + what + ": ended after "
              + done + " of " + len + " bytes");
        }
        done += r;
      }
    } catch (ZipException | EOFException e) {
      throw new NiftiFormatException(label(p) + ": corrupt or truncated gzip stream in the "
          + what + " (after " + done + " of " + len + " bytes): " + e.getMessage(), e);
    }
  }

  private static String label(Path p) {
    return p == null ? "voxel stream" : p.getFileName().toString();
  }

  private static void skipFully(InputStream in, long n, Path p, String what) throws IOException {
    try {
      in.skipNBytes(n);
    } catch (EOFException e) {
      throw new NiftiFormatException(label(p) + ": " + what + " " + n + " is past the end of the data", e);
    } catch (ZipException e) {
      throw new NiftiFormatException(label(p) + ": corrupt gzip stream: " + e.getMessage(), e);
    }
  }

  /**
   * Reads volumes from a stream of raw voxel data (e.g. a ranged read of a stored {@code .nii}),
   * described by an already validated header. The stream starts at volume {@code firstVolume};
   * the reader can only move forward.
   */
  public static NiftiImage fromStream(NiftiHeader header, InputStream data, long firstVolume) {
    NiftiImage img = new NiftiImage(null, null, false, header, List.of(), data);
    img.nextVolume = firstVolume;
    return img;
  }

  // ---------------------------------------------------------------- accessors

  public NiftiHeader header() {
    return header;
  }

  /** Header extensions in file order (empty when none). */
  public List<NiftiExtension> extensions() {
    return extensions;
  }

  /** The header file (the {@code .nii}, or the {@code .hdr} of a pair). */
  public Path path() {
    return headerPath;
  }

  /** Voxels per 3-D volume. */
  public int voxelsPerVolume() {
    return (int) header.voxelsPerVolume();
  }

  /** Number of 3-D volumes (product of dimensions 4 to 7). */
  public long volumeCount() {
    return header.volumeCount();
  }

  /** Stored bytes per volume. */
  public int bytesPerVolume() {
    return bytesPerVolume;
  }

  /** Index of the volume the next sequential read returns. */
  public long nextVolume() {
    return nextVolume;
  }

  // ---------------------------------------------------------------- reading

  /** Reads the next volume, scaled, into {@code dst} (length ≥ {@link #voxelsPerVolume()}). */
  public void readVolume(float[] dst) {
    readNext((n, off) -> VoxelCodec.decode(chunk, n, header.datatype(), header.byteOrder(),
        header.effectiveSlope(), header.effectiveInter(), dst, off), dst.length);
  }

  /** Reads the next volume, scaled, into {@code dst} (length ≥ {@link #voxelsPerVolume()}). */
  public void readVolume(double[] dst) {
    readNext((n, off) -> VoxelCodec.decode(chunk, n, header.datatype(), header.byteOrder(),
        header.effectiveSlope(), header.effectiveInter(), dst, off), dst.length);
  }

  /** Reads volume {@code t}, scaled, into {@code dst}; seeks as needed. */
  public void readVolume(long t, float[] dst) {
    seek(t);
    readVolume(dst);
  }

  /**
   * Reads the next volume's stored bytes (the file's datatype and byte order, unscaled) into
   * {@code dst[0 .. bytesPerVolume)}.
   */
  public void readRawVolume(byte[] dst) {
    if (dst.length < bytesPerVolume) {
      throw new IllegalArgumentException("buffer of " + dst.length + " bytes for a volume of " + bytesPerVolume);
    }
    checkMore();
    try {
      readFully(data, dst, 0, bytesPerVolume, dataPath, "voxel data of volume " + nextVolume);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    nextVolume++;
    verifyEndIfLast();
  }

  /**
   * After the last volume of a gzipped file, reads to the end of the stream so that the gzip
   * trailer (CRC-32 and length) is checked: a corrupt file is refused even when its deflate data
   * happened to decode.
   */
  private void verifyEndIfLast() {
    if (nextVolume != volumeCount() || !dataGzipped) {
      return;
    }
    try {
      long extra = 0;
      int r;
      while ((r = data.read(chunk, 0, chunk.length)) > 0) {
        extra += r;
        if (extra > CHUNK_BYTES) {
          break; // trailing data beyond the image is ignored, as nibabel does
        }
      }
    } catch (ZipException | EOFException e) {
      throw new NiftiFormatException(dataPath.getFileName() + ": corrupt gzip stream after the voxel data: "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Positions the reader so the next sequential read returns volume {@code t}. */
  public void seek(long t) {
    if (t < 0 || t >= volumeCount()) {
      throw new IndexOutOfBoundsException("volume " + t + " of an image with " + volumeCount() + " volumes");
    }
    try {
      if (t < nextVolume) {
        if (dataPath == null) {
          throw new IllegalStateException("a stream-backed image cannot seek backwards (at volume "
              + nextVolume + ", asked for " + t + ")");
        }
        data.close();
        data = dataStream(dataPath, dataGzipped);
        skipFully(data, header.voxOffset(), dataPath, "vox_offset");
        nextVolume = 0;
      }
      if (t > nextVolume) {
        skipFully(data, (t - nextVolume) * (long) bytesPerVolume, dataPath, "volume " + t);
        nextVolume = t;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private interface ChunkSink {
    void accept(int voxels, int dstOffset);
  }

  private void readNext(ChunkSink sink, int dstLength) {
    if (dstLength < voxelsPerVolume()) {
      throw new IllegalArgumentException("buffer of " + dstLength + " for a volume of " + voxelsPerVolume() + " voxels");
    }
    checkMore();
    int bpv = header.datatype().bytesPerVoxel();
    int voxPerChunk = chunk.length / bpv;
    int total = voxelsPerVolume();
    try {
      for (int v = 0; v < total; v += voxPerChunk) {
        int n = Math.min(voxPerChunk, total - v);
        readFully(data, chunk, 0, n * bpv, dataPath, "voxel data of volume " + nextVolume);
        sink.accept(n, v);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    nextVolume++;
    verifyEndIfLast();
  }

  private void checkMore() {
    if (nextVolume >= volumeCount()) {
      throw new IllegalStateException("all " + volumeCount() + " volumes have been read");
    }
  }

  /**
   * Summary statistics of the scaled values over the whole image, read volume by volume:
   * sum, min and max of the finite values, and the count of NaNs.
   */
  public Stats stats() {
    seek(0);
    double[] vol = new double[voxelsPerVolume()];
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    long nan = 0;
    long finite = 0;
    for (long t = 0; t < volumeCount(); t++) {
      readVolume(vol);
      for (double v : vol) {
        if (Double.isNaN(v)) {
          nan++;
        } else if (Double.isFinite(v)) {
          sum += v;
          finite++;
          if (v < min) {
            min = v;
          }
          if (v > max) {
            max = v;
          }
        }
      }
    }
    return new Stats(sum, finite == 0 ? Double.NaN : min, finite == 0 ? Double.NaN : max, nan, finite);
  }

  /** Statistics of the scaled values; min and max are NaN when no value is finite. */
  public record Stats(double sum, double min, double max, long nanCount, long finiteCount) {}

  @Override
  public void close() {
    try {
      data.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
