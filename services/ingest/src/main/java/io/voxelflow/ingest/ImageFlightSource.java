package io.voxelflow.ingest;

import io.voxelflow.api.ingest.v1.Image;
import io.voxelflow.api.ingest.v1.VoxelTicket;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.flight.BatchSink;
import io.voxelflow.flight.FlightSource;
import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiHeader;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.storage.Addresses;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import io.voxelflow.flight.MappedBuffers;
import io.voxelflow.flight.VolumeBatches;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Serves stored images over Arrow Flight. The stream's schema (also in {@code proto/FLIGHT.md}):
 *
 * <ul>
 *   <li>{@code volume: int32} — the volume index {@code t};
 *   <li>{@code voxels: fixed_size_list<item: float32>[n]} — the volume's values, scaled by
 *       {@code scl_slope}/{@code scl_inter}, voxels in C order of {@code (i, j, k)} ({@code k}
 *       fastest, as nilearn's maskers list them); {@code n} is the voxel count of a volume, or the
 *       number of {@code voxel_indices} requested (C-order flat indices {@code (i·Y + j)·Z + k}).
 *       With {@code DTYPE_ORIGINAL} the item type is the file's (unscaled, little-endian).
 * </ul>
 *
 * One row per volume; several volumes per record batch (about 8 MiB each). Schema metadata:
 * {@code voxelflow.image}, {@code voxelflow.shape} (JSON {@code [X, Y, Z, T]}),
 * {@code voxelflow.affine} (JSON 4×4), {@code voxelflow.voxel_order} ({@code C(i,j,k)}),
 * {@code voxelflow.scl_slope}, {@code voxelflow.scl_inter}.
 */
@ApplicationScoped
public class ImageFlightSource implements FlightSource {
  /** About how many bytes of values one record batch carries (whole volumes, at least one). */
  static final int TARGET_BATCH_BYTES = 8 << 20;

  /** {@link #TARGET_BATCH_BYTES}, smaller in tests that need many batches from a small image. */
  int targetBatchBytes = TARGET_BATCH_BYTES;

  /**
   * Whether whole-image streams keep a C-order copy ({@link VoxelCache}); {@code
   * voxelflow.flight.voxel-cache=false} turns it off where local disk is scarce.
   */
  static final boolean VOXEL_CACHE = Boolean.parseBoolean(System.getProperty("voxelflow.flight.voxel-cache", "true"));

  @Inject
  IngestService ingest;

  @Inject
  DatasetService datasets;

  /** For CDI. */
  public ImageFlightSource() {}

  /** Outside CDI (tools, benchmarks): serves uploaded images ({@code images/…}) only. */
  public ImageFlightSource(IngestService ingest) {
    this.ingest = ingest;
  }

  @Override
  public boolean accepts(String name) {
    return name.startsWith("images/") || name.startsWith(DatasetService.DATASETS);
  }

  private Image resolve(String name) {
    return datasets != null ? datasets.image(name) : ingest.getImage(name);
  }

  private Path localBlob(Image image) {
    return ingest.localCopy(Addresses.blob(image.getStoredSha256()));
  }

  /** The voxel selection of a ticket, validated against the image. */
  record Selection(long start, long end, int[] fileIndex, int voxelsPerVolume) {
    int n() {
      return fileIndex == null ? voxelsPerVolume : fileIndex.length;
    }
  }

  static Selection select(VoxelTicket t, NiftiHeader h) {
    long volumes = h.volumeCount();
    long start = 0;
    long end = volumes;
    if (t.hasVolumes()) {
      start = t.getVolumes().getStart();
      end = t.getVolumes().getEnd();
      if (start < 0 || end > volumes || start >= end) {
        throw new InvalidArgumentException("BAD_VOLUME_RANGE", "volume range [" + start + ", " + end
            + ") is not within the image's " + volumes + " volumes (end exclusive, start < end)");
      }
    }
    long[] shape = Arrays.copyOf(h.shape(), 3);
    for (int i = h.ndim(); i < 3; i++) {
      shape[i] = 1;
    }
    int vpv = (int) h.voxelsPerVolume();
    int[] fileIndex = null;
    if (t.getVoxelIndicesCount() > 0) {
      fileIndex = new int[t.getVoxelIndicesCount()];
      long y = shape[1];
      long z = shape[2];
      long x = shape[0];
      for (int v = 0; v < fileIndex.length; v++) {
        long c = t.getVoxelIndices(v);
        if (c < 0 || c >= vpv) {
          throw new InvalidArgumentException("BAD_VOXEL_INDEX", "voxel index " + c + " is outside [0, " + vpv
              + ") (C-order flat index (i*Y + j)*Z + k of a " + x + "x" + y + "x" + z + " volume)");
        }
        long k = c % z;
        long j = (c / z) % y;
        long i = c / (z * y);
        fileIndex[v] = (int) (i + x * (j + y * k));
      }
    }
    return new Selection(start, end, fileIndex, vpv);
  }

  static Schema schema(Image image, NiftiHeader h, Selection sel, boolean original) {
    ArrowType item = original ? arrowType(h.datatype()) : new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
    Field itemField = new Field("item", FieldType.notNullable(item), null);
    Field voxels = new Field("voxels", FieldType.notNullable(new ArrowType.FixedSizeList(sel.n())), List.of(itemField));
    Field volume = new Field("volume", FieldType.notNullable(new ArrowType.Int(32, true)), null);
    StringBuilder affine = new StringBuilder("[");
    double[][] a = h.affine();
    for (int r = 0; r < 4; r++) {
      affine.append(r == 0 ? "" : ",").append(Arrays.toString(a[r]));
    }
    affine.append(']');
    long[] s = h.shape();
    List<Long> shape = new ArrayList<>();
    for (long d : s) {
      shape.add(d);
    }
    return new Schema(List.of(volume, voxels), Map.of(
        "voxelflow.image", image.getName(),
        "voxelflow.shape", shape.toString(),
        "voxelflow.affine", affine.toString(),
        "voxelflow.voxel_order", "C(i,j,k)",
        "voxelflow.dtype", original ? h.datatype().numpyName() : "float32",
        "voxelflow.scl_slope", Double.toString(original ? h.effectiveSlope() : 1.0),
        "voxelflow.scl_inter", Double.toString(original ? h.effectiveInter() : 0.0)));
  }

  static ArrowType arrowType(NiftiDatatype t) {
    return switch (t) {
      case INT8 -> new ArrowType.Int(8, true);
      case UINT8 -> new ArrowType.Int(8, false);
      case INT16 -> new ArrowType.Int(16, true);
      case UINT16 -> new ArrowType.Int(16, false);
      case INT32 -> new ArrowType.Int(32, true);
      case UINT32 -> new ArrowType.Int(32, false);
      case INT64 -> new ArrowType.Int(64, true);
      case UINT64 -> new ArrowType.Int(64, false);
      case FLOAT32 -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case FLOAT64 -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
    };
  }

  @Override
  public Plan plan(VoxelTicket t) {
    Image image = resolve(t.getImage());
    try (NiftiImage img = NiftiImage.open(localBlob(image))) {
      boolean original = t.getDtype() == VoxelTicket.Dtype.DTYPE_ORIGINAL;
      Selection sel = select(t, img.header());
      int bpv = original ? img.header().datatype().bytesPerVoxel() : 4;
      long rows = sel.end() - sel.start();
      return new Plan(schema(image, img.header(), sel, original), rows, rows * (4L + (long) sel.n() * bpv));
    }
  }

  @Override
  public void stream(VoxelTicket t, Plan plan, BufferAllocator allocator, BatchSink sink) throws IOException {
    Image image = resolve(t.getImage());
    boolean original = t.getDtype() == VoxelTicket.Dtype.DTYPE_ORIGINAL;
    try (NiftiImage img = NiftiImage.open(localBlob(image))) {
      NiftiHeader h = img.header();
      Selection sel = select(t, h);
      int n = sel.n();
      int itemBytes = original ? h.datatype().bytesPerVoxel() : 4;
      int rowsPerBatch = (int) Math.max(1, Math.min(sel.end() - sel.start(), targetBatchBytes / ((long) n * itemBytes)));
      VectorSchemaRoot root = VectorSchemaRoot.create(plan.schema(), allocator);
      sink.start(root); // transfers ownership of root
      VoxelCache cache = ingest.voxelCache();
      long copyBytes = h.volumeCount() * (long) sel.voxelsPerVolume() * 4;
      boolean wholeVolumes = !original && sel.fileIndex() == null;
      var copy = wholeVolumes && VOXEL_CACHE ? cache.open(image.getStoredSha256(), copyBytes) : java.util.Optional.<FileChannel>empty();
      if (copy.isPresent()) {
        try (FileChannel ch = copy.get()) {
          streamCopy(ch, sel, rowsPerBatch, root, allocator, sink);
        }
        return;
      }
      // Decode, scale and reorder each volume. Once a stream has read a whole image, its C-order
      // copy is built in the background for the streams after it.
      // Raw values are gathered through an index; float32 volumes reorder sequentially (whole
      // volumes) or pick the chosen voxels.
      int[] index = original ? cOrderFileIndex(h, sel) : sel.fileIndex();
      int[] dims = spatialDims(h);
      float[] vol = original ? null : new float[sel.voxelsPerVolume()];
      byte[] raw = original ? new byte[img.bytesPerVolume()] : null;
      float[] row = original ? null : new float[n];
      byte[] rowBytes = original ? new byte[n * itemBytes] : null;
      img.seek(sel.start());
      long t0 = sel.start();
      while (t0 < sel.end() && !sink.isCancelled()) {
        int rows = (int) Math.min(rowsPerBatch, sel.end() - t0);
        long bytes = (long) rows * n * itemBytes;
        ArrowBuf items = allocator.buffer(bytes);
        try {
          ByteBuffer dst = items.nioBuffer(0, (int) bytes).order(ByteOrder.LITTLE_ENDIAN);
          for (int r = 0; r < rows; r++) {
            if (original) {
              img.readRawVolume(raw);
              gather(raw, index, itemBytes, h.byteOrder(), rowBytes);
              dst.put(rowBytes);
            } else {
              readRow(img, vol, index, dims, row);
              dst.asFloatBuffer().put(row);
              dst.position(dst.position() + n * 4);
            }
          }
        } catch (RuntimeException e) {
          items.close();
          throw e;
        }
        VolumeBatches.load(root, allocator, t0, rows, n, items);
        sink.putNext();
        t0 += rows;
      }
      boolean wholeImage = wholeVolumes && VOXEL_CACHE && sel.start() == 0 && sel.end() == h.volumeCount();
      if (wholeImage && t0 == sel.end() && !sink.isCancelled()) {
        Path blob = localBlob(image);
        cache.buildLater(image.getStoredSha256(), copyBytes, builder -> writeCOrder(blob, builder));
      }
    }
  }

  /**
   * Waits until no C-order copy is queued or being built in this process (benchmarks and tests
   * that need a copy to exist, or none to be on its way); false on timeout.
   */
  public static boolean awaitVoxelCacheIdle(java.time.Duration timeout) throws InterruptedException {
    return VoxelCache.awaitIdle(timeout);
  }

  /**
   * Reads the next volume, scaled to float32, into {@code row}: every voxel in C order when
   * {@code fileIndex} is null, else the voxels at those file-order indices. {@code vol} is scratch.
   */
  static void readRow(NiftiImage img, float[] vol, int[] fileIndex, int[] dims, float[] row) {
    img.readVolume(vol);
    if (fileIndex == null) {
      fortranToC(vol, row, dims[0], dims[1], dims[2]);
    } else {
      for (int v = 0; v < fileIndex.length; v++) {
        row[v] = vol[fileIndex[v]];
      }
    }
  }

  /** Writes every volume of a stored image as scaled float32 in C order (the {@link VoxelCache} layout). */
  static void writeCOrder(Path blob, VoxelCache.Builder builder) throws IOException {
    try (NiftiImage img = NiftiImage.open(blob)) {
      NiftiHeader h = img.header();
      int[] dims = spatialDims(h);
      int n = (int) h.voxelsPerVolume();
      float[] vol = new float[n];
      float[] row = new float[n];
      ByteBuffer out = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (long t = 0; t < h.volumeCount(); t++) {
        readRow(img, vol, null, dims, row);
        out.clear();
        out.asFloatBuffer().put(row);
        builder.write(out);
      }
    }
  }

  /**
   * Whole volumes from the C-order copy: each batch is a read-only mapping of the copy, handed to
   * gRPC without a copy (zero-copy writes) and unmapped once written. Measured against reading
   * each batch into Arrow memory: 1.9 vs 1.6 GB/s.
   */
  private static void streamCopy(FileChannel ch, Selection sel, int rowsPerBatch, VectorSchemaRoot root,
      BufferAllocator allocator, BatchSink sink) throws IOException {
    int n = sel.n();
    long t0 = sel.start();
    while (t0 < sel.end() && !sink.isCancelled()) {
      int rows = (int) Math.min(rowsPerBatch, sel.end() - t0);
      long bytes = (long) rows * n * 4;
      ArrowBuf items = MappedBuffers.map(ch, t0 * n * 4, bytes, allocator);
      VolumeBatches.load(root, allocator, t0, rows, n, items);
      sink.putNext();
      t0 += rows;
    }
  }

  /** The three spatial dimensions (missing ones are 1). */
  static int[] spatialDims(NiftiHeader h) {
    long[] s = Arrays.copyOf(h.shape(), 3);
    for (int i = h.ndim(); i < 3; i++) {
      s[i] = 1;
    }
    return new int[] {(int) s[0], (int) s[1], (int) s[2]};
  }

  /**
   * Reorders a volume from file (Fortran) order, {@code i + X·(j + Y·k)}, to C order,
   * {@code (i·Y + j)·Z + k}, writing sequentially. Measured on a 64³ volume: 0.21 ms against
   * 0.28 ms for gathering through an index array and 0.85 ms for 16×16 tiles (power-of-two strides
   * make the tiles' lines collide in cache). Equal to gathering through {@link #cOrderFileIndex}, which the
   * tests check.
   */
  static void fortranToC(float[] src, float[] dst, int x, int y, int z) {
    int xy = x * y;
    int d = 0;
    for (int i = 0; i < x; i++) {
      for (int j = 0; j < y; j++) {
        for (int k = 0, s = i + x * j; k < z; k++, s += xy) {
          dst[d++] = src[s];
        }
      }
    }
  }

  /** For each output position (C order, or the requested voxels), the voxel's index in file order. */
  static int[] cOrderFileIndex(NiftiHeader h, Selection sel) {
    if (sel.fileIndex() != null) {
      return sel.fileIndex();
    }
    long[] s = Arrays.copyOf(h.shape(), 3);
    for (int i = h.ndim(); i < 3; i++) {
      s[i] = 1;
    }
    int x = (int) s[0];
    int y = (int) s[1];
    int z = (int) s[2];
    int[] idx = new int[x * y * z];
    int c = 0;
    for (int i = 0; i < x; i++) {
      for (int j = 0; j < y; j++) {
        for (int k = 0; k < z; k++) {
          idx[c++] = i + x * (j + y * k);
        }
      }
    }
    return idx;
  }

  /** Picks voxels {@code index} of a raw volume into little-endian bytes. */
  static void gather(byte[] raw, int[] index, int itemBytes, ByteOrder order, byte[] out) {
    boolean swap = order == ByteOrder.BIG_ENDIAN && itemBytes > 1;
    for (int v = 0; v < index.length; v++) {
      int src = index[v] * itemBytes;
      int dst = v * itemBytes;
      if (swap) {
        for (int b = 0; b < itemBytes; b++) {
          out[dst + b] = raw[src + itemBytes - 1 - b];
        }
      } else {
        System.arraycopy(raw, src, out, dst, itemBytes);
      }
    }
  }

}
