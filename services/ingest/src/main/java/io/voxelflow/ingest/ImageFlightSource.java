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

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
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
  static final int TARGET_BATCH_BYTES = 8 << 20;

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
  public void stream(VoxelTicket t, Plan plan, BufferAllocator allocator, BatchSink sink) {
    Image image = resolve(t.getImage());
    boolean original = t.getDtype() == VoxelTicket.Dtype.DTYPE_ORIGINAL;
    try (NiftiImage img = NiftiImage.open(localBlob(image))) {
      NiftiHeader h = img.header();
      Selection sel = select(t, h);
      int n = sel.n();
      int itemBytes = original ? h.datatype().bytesPerVoxel() : 4;
      int rowsPerBatch = (int) Math.max(1, Math.min(sel.end() - sel.start(), TARGET_BATCH_BYTES / ((long) n * itemBytes)));
      VectorSchemaRoot root = VectorSchemaRoot.create(plan.schema(), allocator);
      sink.start(root); // transfers ownership of root
      IntVector volume = (IntVector) root.getVector("volume");
      FixedSizeListVector voxels = (FixedSizeListVector) root.getVector("voxels");
      int[] cOrder = cOrderFileIndex(h, sel);
      int[] dims = spatialDims(h);
      float[] vol = original ? null : new float[sel.voxelsPerVolume()];
      byte[] raw = original ? new byte[img.bytesPerVolume()] : null;
      float[] row = original ? null : new float[n];
      byte[] rowBytes = original ? new byte[n * itemBytes] : null;
      img.seek(sel.start());
      long t0 = sel.start();
      while (t0 < sel.end() && !sink.isCancelled()) {
        int rows = (int) Math.min(rowsPerBatch, sel.end() - t0);
        root.allocateNew();
        voxels.setValueCount(0);
        var items = voxels.getDataVector();
        items.setInitialCapacity(rows * n);
        items.allocateNew();
        for (int r = 0; r < rows; r++) {
          volume.setSafe(r, (int) (t0 + r));
          voxels.setNotNull(r);
          if (original) {
            img.readRawVolume(raw);
            gather(raw, cOrder, itemBytes, h.byteOrder(), rowBytes);
            items.getDataBuffer().setBytes((long) r * n * itemBytes, rowBytes, 0, rowBytes.length);
          } else {
            img.readVolume(vol);
            if (sel.fileIndex() == null) {
              fortranToC(vol, row, dims[0], dims[1], dims[2]);
            } else {
              for (int v = 0; v < n; v++) {
                row[v] = vol[cOrder[v]];
              }
            }
            items.getDataBuffer().nioBuffer((long) r * n * 4, n * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(row);
          }
        }
        // Items are written straight into the data buffer: mark them all valid at once.
        items.getValidityBuffer().setOne(0, (rows * (long) n + 7) / 8);
        items.setValueCount(rows * n);
        volume.setValueCount(rows);
        voxels.setValueCount(rows);
        root.setRowCount(rows);
        sink.putNext();
        t0 += rows;
      }
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
