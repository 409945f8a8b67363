package io.voxelflow.masking.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiHeader;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.nifti.NiftiWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Voxel ordering, masks from images, and intersect_masks' threshold semantics. */
class BinaryMaskTest {
  static final int X = 7;
  static final int Y = 8;
  static final int Z = 9;

  @TempDir
  Path dir;

  static boolean[] random(long seed, double p) {
    Random r = new Random(seed);
    boolean[] m = new boolean[X * Y * Z];
    for (int i = 0; i < m.length; i++) {
      m[i] = r.nextDouble() < p;
    }
    return m;
  }

  @Test
  void c_order_indices_list_masked_voxels_with_k_fastest_as_file_indices() {
    BinaryMask m = BinaryMask.of(random(1, 0.4), X, Y, Z);
    int[] idx = m.cOrderIndices();
    assertEquals(m.count(), idx.length);
    long prev = -1;
    for (int f : idx) {
      assertTrue(m.voxels()[f]);
      int i = f % X;
      int j = (f / X) % Y;
      int k = f / (X * Y);
      long c = ((long) i * Y + j) * Z + k; // numpy's C-order flat index of (i, j, k)
      assertTrue(c > prev, "strictly increasing in C order");
      prev = c;
    }
    // and the flat-index view is the same sequence, as numpy's np.flatnonzero(mask) would give
    int[] flat = m.cOrderFlatIndices();
    for (int n = 0; n < idx.length; n++) {
      int f = idx[n];
      assertEquals(((f % X) * Y + (f / X) % Y) * Z + f / (X * Y), flat[n]);
    }
  }

  @Test
  void c_order_of_a_full_mask_visits_k_then_j_then_i() {
    boolean[] all = new boolean[X * Y * Z];
    Arrays.fill(all, true);
    int[] idx = BinaryMask.of(all, X, Y, Z).cOrderIndices();
    assertEquals(0, idx[0]);                 // (0,0,0)
    assertEquals(X * Y, idx[1]);             // (0,0,1): k moves first
    assertEquals(X * Y * (Z - 1), idx[Z - 1]); // (0,0,Z-1)
    assertEquals(X, idx[Z]);                 // (0,1,0)
    assertEquals(1, idx[Y * Z]);             // (1,0,0)
  }

  @Test
  void masks_from_images_keep_nonzero_finite_voxels_and_positive_labels() {
    float[] v = new float[X * Y * Z];
    v[3] = 2.5f;
    v[10] = Float.NaN;
    v[11] = -1f;
    v[12] = Float.POSITIVE_INFINITY;
    v[13] = 1f;
    Path p = dir.resolve("img.nii.gz");
    try (NiftiWriter w = NiftiWriter.create(p, NiftiHeader.of(NiftiDatatype.FLOAT32, X, Y, Z))) {
      w.writeVolume(v);
    }
    try (NiftiImage img = NiftiImage.open(p)) {
      assertArrayEquals(new int[] {3, 11, 13}, fileIndices(Masking.maskFromImage(img)));
      assertArrayEquals(new int[] {3, 12, 13}, fileIndices(Masking.maskFromAtlas(img)));
      assertThrows(IllegalArgumentException.class, () -> Masking.loadMask(img, false)); // 4 values
    }
  }

  @Test
  void load_mask_accepts_two_values_with_zero_and_refuses_empty_unless_allowed() {
    Path p = dir.resolve("m.nii");
    double[] d = new double[X * Y * Z];
    d[5] = 7;
    d[6] = 7;
    try (NiftiWriter w = NiftiWriter.create(p, NiftiHeader.of(NiftiDatatype.INT16, X, Y, Z))) {
      w.writeVolume(d);
    }
    try (NiftiImage img = NiftiImage.open(p)) {
      assertArrayEquals(new int[] {5, 6}, fileIndices(Masking.loadMask(img, false)));
    }
    Path e = dir.resolve("empty.nii");
    try (NiftiWriter w = NiftiWriter.create(e, NiftiHeader.of(NiftiDatatype.UINT8, X, Y, Z))) {
      w.writeVolume(new double[X * Y * Z]);
    }
    try (NiftiImage img = NiftiImage.open(e)) {
      assertThrows(IllegalArgumentException.class, () -> Masking.loadMask(img, false));
      assertEquals(0, Masking.loadMask(img, true).count());
    }
  }

  private static int[] fileIndices(BinaryMask m) {
    return IntStream.range(0, m.size()).filter(i -> m.voxels()[i]).toArray();
  }

  @Test
  void intersect_masks_keeps_voxels_in_strictly_more_than_threshold_times_n_masks() {
    // voxel v is in the first c(v) of three masks, c = 0..3 on four separate rows (connected off)
    boolean[][] m = new boolean[3][X * Y * Z];
    int[] at = {0, X * 2, X * 4, X * 6};
    for (int c = 0; c <= 3; c++) {
      for (int s = 0; s < c; s++) {
        m[s][at[c]] = true;
      }
    }
    List<BinaryMask> masks = List.of(BinaryMask.of(m[0], X, Y, Z), BinaryMask.of(m[1], X, Y, Z), BinaryMask.of(m[2], X, Y, Z));
    assertArrayEquals(new int[] {at[1], at[2], at[3]}, fileIndices(Masking.intersectMasks(masks, 0.0, false)));
    assertArrayEquals(new int[] {at[2], at[3]}, fileIndices(Masking.intersectMasks(masks, 0.5, false)));
    assertArrayEquals(new int[] {at[2], at[3]}, fileIndices(Masking.intersectMasks(masks, 1.0 / 3.0 + 1e-9, false)));
    assertArrayEquals(new int[] {at[3]}, fileIndices(Masking.intersectMasks(masks, 2.0 / 3.0, false)));
    assertArrayEquals(new int[] {at[3]}, fileIndices(Masking.intersectMasks(masks, 1.0, false)));
    // connected: the three single voxels tie, the first in C order (here also file order) wins
    assertArrayEquals(new int[] {at[1]}, fileIndices(Masking.intersectMasks(masks, 0.0, true)));
    assertThrows(IllegalArgumentException.class, () -> Masking.intersectMasks(masks, 1.5, true));
    assertThrows(IllegalArgumentException.class, () -> Masking.intersectMasks(masks, -0.1, true));
    assertThrows(IllegalArgumentException.class, () -> Masking.intersectMasks(List.of(), 0.5, true));
    double[][] other = BinaryMask.identity();
    other[0][3] = 1;
    assertThrows(IllegalArgumentException.class, () -> Masking.intersectMasks(
        List.of(masks.get(0), new BinaryMask(m[1], X, Y, Z, other)), 0.5, true));
  }

  @Test
  void written_mask_reads_back_with_its_affine_and_datatype() {
    double[][] a = {{-3, 0, 0, 90}, {0, 3, 0, -126}, {0, 0, 3, -72}, {0, 0, 0, 1}};
    BinaryMask m = new BinaryMask(random(2, 0.3), X, Y, Z, a);
    Path p = dir.resolve("mask.nii.gz");
    m.writeNifti(p, NiftiDatatype.INT8);
    try (NiftiImage img = NiftiImage.open(p)) {
      assertEquals(NiftiDatatype.INT8, img.header().datatype());
      assertEquals(m, Masking.loadMask(img, false));
    }
  }
}
