package io.voxelflow.masking.extract;

import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.signal.CleanOptions;
import io.voxelflow.masking.signal.Signal;
import io.voxelflow.nifti.NiftiHeader;
import io.voxelflow.nifti.NiftiImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@link MaskedSignals#extract} for subjects whose {@code T×V} matrix does not fit in memory: the
 * same results, with memory bounded by a budget instead of the matrix size.
 *
 * <ol>
 *   <li>Stream the volumes (smooth, mask) and write the rows to a scratch file ({@code T×V},
 *       row-major, float32 or float64 as the arithmetic requires).
 *   <li>Clean blocks of columns: read a {@code T×B} block (the transpose through disk), clean it,
 *       write it back in place. Every step of {@code signal.clean} works column by column
 *       (detrending, filtering, confound projection, standardising), so blocks give the same
 *       numbers as the whole matrix — the tests hold them equal.
 *   <li>Hand the cleaned rows, in order, to a {@link RowSink} (e.g. an Arrow writer).
 * </ol>
 */
public final class OutOfCore {
  private OutOfCore() {}

  /** Receives the cleaned rows in time order. */
  @FunctionalInterface
  public interface RowSink {
    void row(int t, double[] values) throws IOException;
  }

  /** The bytes of heap a {@code T×V} in-memory extraction needs, roughly (matrix + cleaning copies). */
  public static long inMemoryBytes(NiftiImage img, BinaryMask mask) {
    return 3L * img.volumeCount() * mask.count() * 8;
  }

  /**
   * Extracts and cleans block by block.
   *
   * @param budgetBytes the memory the column blocks may use (at least one column is processed)
   * @return the number of columns per block used
   */
  public static int extract(NiftiImage img, BinaryMask mask, Double fwhm, CleanOptions clean, Path scratchDir,
      long budgetBytes, RowSink sink) {
    NiftiHeader h = img.header();
    MaskedSignals.checkGrid(h, mask);
    Smoothing smoothing = fwhm == null ? null : Smoothing.of(mask.x(), mask.y(), mask.z(), h.affine(), fwhm);
    // As MaskedSignals: smooth and mask in float32 when nilearn does; clean in float32 when it can,
    // else in float64 from the float32 matrix.
    boolean f32 = MaskedSignals.cleansInFloat32(h, smoothing != null);
    boolean f32Clean = f32 && (clean == null || Float32Clean.supports(clean));
    int width = f32Clean ? 4 : 8; // what the cleaning works in; float32 values are exact in float64
    int[] idx = mask.cOrderIndices();
    int v = idx.length;
    int t = Math.toIntExact(img.volumeCount());
    long rowBytes = (long) v * width;
    int block = (int) Math.max(1, Math.min(v, budgetBytes / Math.max(1, 4L * t * 8)));
    Path file = null;
    try {
      Files.createDirectories(scratchDir);
      file = Files.createTempFile(scratchDir, "signals-", ".bin");
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        // 1. smooth and mask, row by row to disk
        ByteBuffer row = ByteBuffer.allocate((int) rowBytes).order(ByteOrder.LITTLE_ENDIAN);
        img.seek(0);
        if (f32) {
          float[] vol = new float[img.voxelsPerVolume()];
          for (int r = 0; r < t; r++) {
            img.readVolume(vol);
            if (smoothing != null) {
              smoothing.smooth(vol);
            }
            row.clear();
            for (int n = 0; n < v; n++) {
              if (f32Clean) {
                row.putFloat(vol[idx[n]]);
              } else {
                row.putDouble(vol[idx[n]]);
              }
            }
            write(ch, row, (long) r * rowBytes);
          }
        } else {
          double[] vol = new double[img.voxelsPerVolume()];
          for (int r = 0; r < t; r++) {
            img.readVolume(vol);
            if (smoothing != null) {
              smoothing.smooth(vol);
            }
            row.clear();
            for (int n = 0; n < v; n++) {
              row.putDouble(vol[idx[n]]);
            }
            write(ch, row, (long) r * rowBytes);
          }
        }
        // 2. clean blocks of columns in place
        if (clean != null) {
          ByteBuffer seg = ByteBuffer.allocate(block * width).order(ByteOrder.LITTLE_ENDIAN);
          for (int c0 = 0; c0 < v; c0 += block) {
            int b = Math.min(block, v - c0);
            if (f32Clean) {
              float[][] x = new float[t][b];
              for (int r = 0; r < t; r++) {
                read(ch, seg, (long) r * rowBytes + (long) c0 * width, b * width);
                seg.asFloatBuffer().get(x[r]);
              }
              float[][] y = Float32Clean.clean(x, clean);
              for (int r = 0; r < t; r++) {
                seg.clear();
                seg.asFloatBuffer().put(y[r]);
                seg.position(b * width);
                write(ch, seg, (long) r * rowBytes + (long) c0 * width);
              }
            } else {
              double[][] x = new double[t][b];
              for (int r = 0; r < t; r++) {
                read(ch, seg, (long) r * rowBytes + (long) c0 * width, b * width);
                seg.asDoubleBuffer().get(x[r]);
              }
              double[][] y = Signal.clean(x, clean);
              for (int r = 0; r < t; r++) {
                seg.clear();
                seg.asDoubleBuffer().put(y[r]);
                seg.position(b * width);
                write(ch, seg, (long) r * rowBytes + (long) c0 * width);
              }
            }
          }
        }
        // 3. rows out, in order
        double[] values = new double[v];
        for (int r = 0; r < t; r++) {
          read(ch, row, (long) r * rowBytes, (int) rowBytes);
          for (int n = 0; n < v; n++) {
            values[n] = f32Clean ? row.getFloat(n * 4) : row.getDouble(n * 8);
          }
          sink.row(r, values);
        }
      }
      return block;
    } catch (IOException e) {
      throw new UncheckedIOException("out-of-core extraction in " + scratchDir + " failed: " + e.getMessage(), e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // scratch space
        }
      }
    }
  }


  private static void write(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    buf.flip();
    if (buf.limit() == 0) {
      return;
    }
    while (buf.hasRemaining()) {
      position += ch.write(buf, position);
    }
  }

  private static void read(FileChannel ch, ByteBuffer buf, long position, int length) throws IOException {
    buf.clear();
    buf.limit(length);
    while (buf.hasRemaining()) {
      int n = ch.read(buf, position);
      if (n < 0) {
        throw new IOException("scratch file ended early");
      }
      position += n;
    }
    buf.flip();
  }
}
