package io.voxelflow.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.voxelflow.api.ingest.v1.VoxelTicket;
import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiHeader;
import org.junit.jupiter.api.Test;

/** The fast C-order transpose equals the index formula, on unequal dimensions so swapped axes fail. */
class VoxelOrderTest {
  @Test
  void blocked_transpose_equals_gathering_by_c_order_index() {
    for (int[] d : new int[][] {{7, 8, 9}, {33, 5, 3}, {1, 1, 1}, {17, 1, 2}}) {
      NiftiHeader h = NiftiHeader.of(NiftiDatatype.FLOAT32, d[0], d[1], d[2], 2);
      float[] vol = new float[d[0] * d[1] * d[2]];
      for (int v = 0; v < vol.length; v++) {
        vol[v] = v * 0.5f;
      }
      ImageFlightSource.Selection sel = ImageFlightSource.select(VoxelTicket.newBuilder().setImage("images/x").build(), h);
      int[] idx = ImageFlightSource.cOrderFileIndex(h, sel);
      float[] expected = new float[vol.length];
      for (int c = 0; c < idx.length; c++) {
        expected[c] = vol[idx[c]];
      }
      float[] got = new float[vol.length];
      ImageFlightSource.fortranToC(vol, got, d[0], d[1], d[2]);
      assertArrayEquals(expected, got);
      // and the index formula itself: C index (i*Y + j)*Z + k holds voxel (i, j, k)
      int i = d[0] - 1;
      int j = d[1] / 2;
      int k = d[2] - 1;
      assertArrayEquals(new float[] {vol[i + d[0] * (j + d[1] * k)]}, new float[] {got[(i * d[1] + j) * d[2] + k]});
    }
  }
}
