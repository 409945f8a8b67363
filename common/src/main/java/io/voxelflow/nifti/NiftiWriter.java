package io.voxelflow.nifti;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a NIfTI-1/-2 image volume by volume: {@code .nii}, {@code .nii.gz}, or an
 * {@code .hdr/.img} pair (by the file name), in the header's version, datatype and byte order.
 *
 * <p>Values given as floats or doubles are stored through the header's scaling (inverted) and, for
 * integer datatypes, rounded half to even and clamped to the type's range.
 *
 * <p>Output is written to temporary files beside the target and moved into place by
 * {@link #close()} only when every volume has been written, so a failed or abandoned write leaves
 * no half-written image.
 */
public final class NiftiWriter implements AutoCloseable {
  private final NiftiHeader header;
  private final Path headerTarget;
  private final Path dataTarget;
  private final Path headerTmp;
  private final Path dataTmp;
  private final OutputStream headerOut;
  private final OutputStream dataOut;
  private final byte[] buffer;
  private long volumesWritten;
  private boolean closed;

  private NiftiWriter(NiftiHeader header, Path headerTarget, Path dataTarget, Path headerTmp, Path dataTmp,
      OutputStream headerOut, OutputStream dataOut) {
    this.header = header;
    this.headerTarget = headerTarget;
    this.dataTarget = dataTarget;
    this.headerTmp = headerTmp;
    this.dataTmp = dataTmp;
    this.headerOut = headerOut;
    this.dataOut = dataOut;
    this.buffer = new byte[(int) Math.min(NiftiImage.CHUNK_BYTES, header.voxelsPerVolume() * header.datatype().bytesPerVoxel())];
  }

  /** Opens a writer with no extensions and gzip level 6 (for {@code .gz} names). */
  public static NiftiWriter create(Path path, NiftiHeader header) {
    return create(path, header, List.of(), Deflater.DEFAULT_COMPRESSION);
  }

  /**
   * Opens a writer. The header is copied; its {@code vox_offset} is set to follow the header and
   * extensions (single file) or to 0 (pair), and its magic to the file kind.
   *
   * @param gzipLevel 0–9, or -1 for zlib's default; used only for names ending in {@code .gz}
   */
  public static NiftiWriter create(Path path, NiftiHeader header, List<NiftiExtension> extensions, int gzipLevel) {
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean gz = name.endsWith(".gz");
    boolean pair = name.endsWith(".hdr") || name.endsWith(".hdr.gz") || name.endsWith(".img") || name.endsWith(".img.gz");
    NiftiHeader h = header.copy().setPair(pair);
    if (h.voxelsPerVolume() > NiftiImage.MAX_VOXELS_PER_VOLUME) {
      throw new IllegalArgumentException("volume too large: " + h.voxelsPerVolume() + " voxels");
    }
    int extBytes = 0;
    for (NiftiExtension e : extensions) {
      extBytes += e.encodedSize();
    }
    long offset = pair ? 0 : h.headerSize() + 4 + extBytes;
    if (!pair && h.version() == 1) {
      offset = (offset + 15) / 16 * 16;
    }
    h.setVoxOffset(offset);
    String base = path.getFileName().toString();
    int cut = base.length() - (gz ? 3 : 0);
    String stem = base.substring(0, cut);
    stem = stem.substring(0, stem.lastIndexOf('.'));
    Path headerTarget = pair ? path.resolveSibling(stem + ".hdr" + (gz ? ".gz" : "")) : path;
    Path dataTarget = pair ? path.resolveSibling(stem + ".img" + (gz ? ".gz" : "")) : path;
    try {
      Path dir = path.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path headerTmp = io.voxelflow.files.AtomicFiles.createTemp(dir, stem, ".tmp");
      Path dataTmp = pair ? io.voxelflow.files.AtomicFiles.createTemp(dir, stem, ".tmp") : headerTmp;
      OutputStream hout = open(headerTmp, gz, gzipLevel);
      OutputStream dout = pair ? open(dataTmp, gz, gzipLevel) : hout;
      byte[] enc = h.encode();
      hout.write(enc);
      ByteBuffer ext = ByteBuffer.allocate(4 + extBytes).order(h.byteOrder());
      ext.put(0, (byte) (extensions.isEmpty() ? 0 : 1));
      int pos = 4;
      for (NiftiExtension e : extensions) {
        ext.putInt(pos, e.encodedSize());
        ext.putInt(pos + 4, e.code());
        ext.put(pos + 8, e.content());
        pos += e.encodedSize();
      }
      if (!pair || !extensions.isEmpty()) {
        hout.write(ext.array());
      }
      if (!pair) {
        long pad = offset - (h.headerSize() + 4 + extBytes);
        hout.write(new byte[(int) pad]);
      }
      return new NiftiWriter(h, headerTarget, dataTarget, headerTmp, dataTmp, hout, dout);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
    }
  }

  private static OutputStream open(Path p, boolean gz, int level) throws IOException {
    OutputStream raw = new BufferedOutputStream(Files.newOutputStream(p), 1 << 16);
    if (!gz) {
      return raw;
    }
    return new GZIPOutputStream(raw, 1 << 16) {
      {
        def.setLevel(level);
      }
    };
  }

  /** The header as written (vox_offset and magic set). */
  public NiftiHeader header() {
    return header;
  }

  /** Writes the next volume from floats (length ≥ voxels per volume, file order: i fastest). */
  public void writeVolume(float[] values) {
    checkVolume(values.length);
    writeEncoded((from, n) -> VoxelCodec.encode(values, from, n, header.datatype(), header.byteOrder(),
        header.effectiveSlope(), header.effectiveInter(), buffer));
  }

  /** Writes the next volume from doubles (length ≥ voxels per volume, file order: i fastest). */
  public void writeVolume(double[] values) {
    checkVolume(values.length);
    writeEncoded((from, n) -> VoxelCodec.encode(values, from, n, header.datatype(), header.byteOrder(),
        header.effectiveSlope(), header.effectiveInter(), buffer));
  }

  /** Encodes one volume chunk by chunk into {@link #buffer} and writes it. */
  private void writeEncoded(java.util.function.BiConsumer<Integer, Integer> encodeChunk) {
    int bpv = header.datatype().bytesPerVoxel();
    int per = buffer.length / bpv;
    int total = (int) header.voxelsPerVolume();
    for (int v = 0; v < total; v += per) {
      int n = Math.min(per, total - v);
      encodeChunk.accept(v, n);
      write(buffer, n * bpv);
    }
    volumesWritten++;
  }

  /** Writes the next volume's stored bytes as they are (datatype and byte order of the header). */
  public void writeRawVolume(byte[] raw) {
    long need = header.voxelsPerVolume() * header.datatype().bytesPerVoxel();
    if (raw.length < need) {
      throw new IllegalArgumentException("raw volume of " + raw.length + " bytes; need " + need);
    }
    checkVolume(Integer.MAX_VALUE);
    write(raw, (int) need);
    volumesWritten++;
  }

  private void checkVolume(int length) {
    if (closed) {
      throw new IllegalStateException("writer is closed");
    }
    if (volumesWritten >= header.volumeCount()) {
      throw new IllegalStateException("all " + header.volumeCount() + " volumes are already written");
    }
    if (length < header.voxelsPerVolume()) {
      throw new IllegalArgumentException("volume of " + length + " values; need " + header.voxelsPerVolume());
    }
  }

  private void write(byte[] b, int n) {
    try {
      dataOut.write(b, 0, n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Discards everything written; the target files are not touched. */
  public void abort() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      headerOut.close();
      if (dataOut != headerOut) {
        dataOut.close();
      }
    } catch (IOException ignored) {
      // the temporary files are deleted below either way
    }
    try {
      Files.deleteIfExists(headerTmp);
      Files.deleteIfExists(dataTmp);
    } catch (IOException ignored) {
      // best effort
    }
  }

  /**
   * Finishes the file(s) and moves them into place. If not every volume was written, the output is
   * discarded and {@link IllegalStateException} is thrown.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (volumesWritten != header.volumeCount()) {
      abort();
      throw new IllegalStateException("only " + volumesWritten + " of " + header.volumeCount()
          + " volumes were written to " + headerTarget + "; nothing was saved");
    }
    closed = true;
    try {
      headerOut.close();
      if (dataOut != headerOut) {
        dataOut.close();
        Files.move(dataTmp, dataTarget, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(headerTmp, headerTarget, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot finish " + headerTarget + ": " + e.getMessage(), e);
    }
  }
}
