package io.voxelflow.flight;

import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * Loads a batch of the voxel stream layout ({@code volume: int32}, {@code voxels:
 * fixed_size_list<item>[n]}, no nulls; {@code proto/FLIGHT.md}) into a root from a buffer of item
 * values that the caller filled directly. This skips {@code allocateNew}, which zero-fills every
 * buffer: on the stored-image path that zeroing was 40 % of the producing thread's time.
 */
public final class VolumeBatches {
  private VolumeBatches() {}

  /**
   * Loads {@code rows} volumes, numbered from {@code firstVolume}, into {@code root}.
   *
   * @param items {@code rows × n} values in row order, of the schema's item type; this call takes
   *     over the caller's reference (the root keeps its own until its next load or close)
   */
  public static void load(VectorSchemaRoot root, BufferAllocator allocator, long firstVolume, int rows, int n, ArrowBuf items) {
    try (ArrowBuf volumes = allocator.buffer(rows * 4L)) {
      for (int r = 0; r < rows; r++) {
        volumes.setInt(r * 4L, (int) (firstVolume + r));
      }
      ArrowBuf none = allocator.getEmpty(); // validity: null counts of 0 need no bitmap
      List<ArrowFieldNode> nodes = List.of(new ArrowFieldNode(rows, 0), new ArrowFieldNode(rows, 0),
          new ArrowFieldNode((long) rows * n, 0));
      try (ArrowRecordBatch batch = new ArrowRecordBatch(rows, nodes, List.of(none, volumes, none, none, items))) {
        new VectorLoader(root).load(batch);
      }
    } finally {
      items.close();
    }
  }
}
