package io.voxelflow.connectivity.voxelwise;

import io.voxelflow.error.InvalidArgumentException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Voxel time series scaled so that Pearson correlation is a dot product: for voxel v with series
 * x (T time points), {@code z = (x − mean(x)) / ‖x − mean(x)‖₂}, hence {@code r(u, v) = z_u · z_v}.
 *
 * <p>Stored voxel-major (V rows of T float32, native byte order) in a scratch file, so a block of
 * consecutive voxels is one contiguous, memory-mappable range: the heap never holds more than a
 * block. Built from time-major rows (what maskers produce, one row per time point) in three
 * streaming passes over a second scratch file: sums, centred sums of squares (two-pass, in double),
 * then a blockwise transpose.
 */
public final class ZScoredVoxels implements AutoCloseable {

  private final Path file;
  private final FileChannel channel;
  private final int voxels;
  private final int timePoints;

  private ZScoredVoxels(Path file, int voxels, int timePoints) throws IOException {
    this.file = file;
    this.channel = FileChannel.open(file, StandardOpenOption.READ);
    this.voxels = voxels;
    this.timePoints = timePoints;
  }

  /** Number of voxels V (nodes). */
  public int voxels() {
    return voxels;
  }

  /** Number of time points T. */
  public int timePoints() {
    return timePoints;
  }

  /**
   * Voxels {@code [first, first + count)} as a read-only mapped buffer of {@code count × T} floats,
   * row-major (one voxel per row).
   */
  public FloatBuffer block(int first, int count) {
    try {
      long bytes = (long) count * timePoints * Float.BYTES;
      return channel.map(FileChannel.MapMode.READ_ONLY, (long) first * timePoints * Float.BYTES, bytes)
          .order(ByteOrder.nativeOrder()).asFloatBuffer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Voxel v's z-scored series (a copy), length T. */
  public float[] series(int v) {
    float[] out = new float[timePoints];
    block(v, 1).get(out);
    return out;
  }

  @Override
  public void close() throws IOException {
    channel.close();
    Files.deleteIfExists(file);
  }

  /** Z-scores an in-memory time × voxels matrix (rows are time points). */
  public static ZScoredVoxels of(float[][] timeByVoxel, Path scratchDir) throws IOException {
    if (timeByVoxel.length == 0) {
      throw new InvalidArgumentException("TOO_FEW_TIME_POINTS", "the signal matrix has no time points; correlation needs at least 2");
    }
    try (Builder b = builder(scratchDir, timeByVoxel[0].length)) {
      for (float[] row : timeByVoxel) {
        b.addTimePoint(row);
      }
      return b.build();
    }
  }

  /** A builder receiving time points one at a time (rows of V values). */
  public static Builder builder(Path scratchDir, int voxels) throws IOException {
    return new Builder(scratchDir, voxels);
  }

  /**
   * Receives the time × voxels matrix row by row, keeping only per-voxel sums in memory (16 bytes
   * per voxel) and the rows in a scratch file.
   */
  public static final class Builder implements AutoCloseable {
    private final Path scratchDir;
    private final Path rowsFile;
    private final FileChannel rows;
    private final int voxels;
    private final double[] sum;
    private final ByteBuffer rowBytes;
    private int timePoints;
    private boolean built;

    private Builder(Path scratchDir, int voxels) throws IOException {
      if (voxels < 1) {
        throw new InvalidArgumentException("EMPTY_SIGNALS", "the signal matrix has no voxels");
      }
      Files.createDirectories(scratchDir);
      this.scratchDir = scratchDir;
      this.voxels = voxels;
      this.rowsFile = Files.createTempFile(scratchDir, "rows-", ".f32");
      this.rows = FileChannel.open(rowsFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
      this.sum = new double[voxels];
      this.rowBytes = ByteBuffer.allocateDirect(voxels * Float.BYTES).order(ByteOrder.nativeOrder());
    }

    /** Appends one time point: V values, finite. */
    public void addTimePoint(float[] row) throws IOException {
      if (row.length != voxels) {
        throw new InvalidArgumentException("SHAPE_MISMATCH", "time point " + timePoints + " has " + row.length
            + " voxels, the first had " + voxels).with("expected", voxels).with("actual", row.length);
      }
      rowBytes.clear();
      FloatBuffer f = rowBytes.asFloatBuffer();
      for (int v = 0; v < voxels; v++) {
        float x = row[v];
        if (!Float.isFinite(x)) {
          throw new InvalidArgumentException("NON_FINITE_VALUES", "voxel " + v + " at time point " + timePoints
              + " is " + x + "; correlations need finite signals").with("voxel", v).with("time_point", timePoints);
        }
        sum[v] += x;
      }
      f.put(row);
      rowBytes.limit(voxels * Float.BYTES);
      while (rowBytes.hasRemaining()) {
        rows.write(rowBytes);
      }
      timePoints++;
    }

    /** Finishes: checks T ≥ 2 and that no voxel is constant, then writes the voxel-major z-scores. */
    public ZScoredVoxels build() throws IOException {
      int t = timePoints;
      if (t < 2) {
        throw new InvalidArgumentException("TOO_FEW_TIME_POINTS",
            "the signal matrix has " + t + " time point(s); correlation needs at least 2").with("time_points", t);
      }
      double[] mean = new double[voxels];
      for (int v = 0; v < voxels; v++) {
        mean[v] = sum[v] / t;
      }
      double[] ss = new double[voxels];
      int rowsPerChunk = Math.max(1, (64 << 20) / (voxels * Float.BYTES));
      for (int t0 = 0; t0 < t; t0 += rowsPerChunk) {
        int n = Math.min(rowsPerChunk, t - t0);
        FloatBuffer chunk = rows.map(FileChannel.MapMode.READ_ONLY, (long) t0 * voxels * Float.BYTES,
            (long) n * voxels * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int r = 0; r < n; r++) {
          int base = r * voxels;
          for (int v = 0; v < voxels; v++) {
            double d = chunk.get(base + v) - mean[v];
            ss[v] += d * d;
          }
        }
      }
      int constant = 0;
      int firstConstant = -1;
      double[] inv = new double[voxels];
      for (int v = 0; v < voxels; v++) {
        // relative test: a series whose spread is rounding noise of its mean counts as constant
        if (!(ss[v] > 1e-12 * Math.max(1.0, mean[v] * mean[v]) * t)) {
          if (constant++ == 0) {
            firstConstant = v;
          }
        } else {
          inv[v] = 1.0 / Math.sqrt(ss[v]);
        }
      }
      if (constant > 0) {
        throw new InvalidArgumentException("CONSTANT_SIGNAL", constant + " voxel series are constant (zero variance), first voxel "
            + firstConstant + "; their correlation is undefined — use a mask that excludes them")
            .with("constant_voxels", constant).with("first_voxel", firstConstant);
      }
      Path out = Files.createTempFile(scratchDir, "zscores-", ".f32");
      try (FileChannel zc = FileChannel.open(out, StandardOpenOption.WRITE)) {
        int block = Math.max(1, Math.min(voxels, (16 << 20) / (t * Float.BYTES)));
        ByteBuffer slice = ByteBuffer.allocateDirect(block * Float.BYTES).order(ByteOrder.nativeOrder());
        ByteBuffer outBytes = ByteBuffer.allocateDirect(block * t * Float.BYTES).order(ByteOrder.nativeOrder());
        for (int v0 = 0; v0 < voxels; v0 += block) {
          int nv = Math.min(block, voxels - v0);
          FloatBuffer z = outBytes.clear().asFloatBuffer();
          for (int r = 0; r < t; r++) {
            slice.clear().limit(nv * Float.BYTES);
            long pos = ((long) r * voxels + v0) * Float.BYTES;
            while (slice.hasRemaining()) {
              if (rows.read(slice, pos + slice.position()) < 0) {
                throw new IOException("scratch rows file truncated");
              }
            }
            FloatBuffer x = slice.flip().asFloatBuffer();
            for (int j = 0; j < nv; j++) {
              int v = v0 + j;
              z.put(j * t + r, (float) ((x.get(j) - mean[v]) * inv[v]));
            }
          }
          outBytes.position(0).limit(nv * t * Float.BYTES);
          long pos = (long) v0 * t * Float.BYTES;
          while (outBytes.hasRemaining()) {
            pos += zc.write(outBytes, pos);
          }
        }
      }
      built = true;
      return new ZScoredVoxels(out, voxels, t);
    }

    @Override
    public void close() throws IOException {
      rows.close();
      Files.deleteIfExists(rowsFile);
    }
  }
}
