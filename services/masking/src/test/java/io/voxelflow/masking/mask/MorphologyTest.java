package io.voxelflow.masking.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Erosion, dilation, labelling and largest component with scipy.ndimage semantics, on 7×8×9 grids
 * (unequal so swapped axes fail): hand-made cases with known answers, and a random volume against
 * scipy's own output (morph_*.u8 from gen_mask_fixtures.py).
 */
class MorphologyTest {
  static final int X = 7;
  static final int Y = 8;
  static final int Z = 9;

  static int idx(int i, int j, int k) {
    return i + X * (j + Y * k);
  }

  static boolean[] box(int i0, int i1, int j0, int j1, int k0, int k1) {
    boolean[] m = new boolean[X * Y * Z];
    for (int k = k0; k <= k1; k++) {
      for (int j = j0; j <= j1; j++) {
        for (int i = i0; i <= i1; i++) {
          m[idx(i, j, k)] = true;
        }
      }
    }
    return m;
  }

  static int count(boolean[] m) {
    int n = 0;
    for (boolean b : m) {
      n += b ? 1 : 0;
    }
    return n;
  }

  @Test
  void erosion_of_a_box_peels_one_face_layer_per_iteration() {
    boolean[] m = box(1, 5, 1, 6, 1, 7); // 5×6×7 inside the 7×8×9 grid
    assertArrayEquals(box(2, 4, 2, 5, 2, 6), Masking.binaryErosion(m, X, Y, Z, 1));
    assertArrayEquals(box(3, 3, 3, 4, 3, 5), Masking.binaryErosion(m, X, Y, Z, 2));
    assertEquals(0, count(Masking.binaryErosion(m, X, Y, Z, 3)));
  }

  @Test
  void erosion_treats_outside_the_grid_as_background() {
    boolean[] full = box(0, X - 1, 0, Y - 1, 0, Z - 1);
    assertArrayEquals(box(1, X - 2, 1, Y - 2, 1, Z - 2), Masking.binaryErosion(full, X, Y, Z, 1));
    assertArrayEquals(box(2, X - 3, 2, Y - 3, 2, Z - 3), Masking.binaryErosion(full, X, Y, Z, 2));
  }

  @Test
  void dilation_of_a_voxel_is_the_city_block_ball_clipped_by_the_grid() {
    boolean[] m = new boolean[X * Y * Z];
    m[idx(3, 4, 4)] = true;
    boolean[] d = Masking.binaryDilation(m, X, Y, Z, 2);
    for (int k = 0; k < Z; k++) {
      for (int j = 0; j < Y; j++) {
        for (int i = 0; i < X; i++) {
          int l1 = Math.abs(i - 3) + Math.abs(j - 4) + Math.abs(k - 4);
          assertEquals(l1 <= 2, d[idx(i, j, k)], "(" + i + "," + j + "," + k + ")");
        }
      }
    }
    assertEquals(25, count(d));
    boolean[] corner = new boolean[X * Y * Z];
    corner[idx(X - 1, Y - 1, Z - 1)] = true;
    assertEquals(1 + 3 + 6, count(Masking.binaryDilation(corner, X, Y, Z, 2))); // an octant of the ball
  }

  @Test
  void dilation_and_erosion_do_not_wrap_around_rows_or_slices() {
    boolean[] m = new boolean[X * Y * Z];
    m[idx(X - 1, 2, 3)] = true; // its file-order successor is (0, 3, 3)
    m[idx(4, Y - 1, 5)] = true; // (4, 0, 6) is X·Y further on
    boolean[] d = Masking.binaryDilation(m, X, Y, Z, 1);
    assertFalse(d[idx(0, 3, 3)]);
    assertFalse(d[idx(4, 0, 6)]);
    assertEquals(2 * 6, count(d)); // each voxel with 5 in-grid neighbours
    boolean[] row = box(0, X - 1, 2, 4, 2, 4); // a bar along i touching both i borders
    assertArrayEquals(new boolean[X * Y * Z], Masking.binaryErosion(row, X, Y, Z, 2));
    boolean[] e = Masking.binaryErosion(row, X, Y, Z, 1);
    assertArrayEquals(box(1, X - 2, 3, 3, 3, 3), e);
  }

  @Test
  void erosion_and_dilation_equal_scipys_on_a_random_volume() {
    boolean[] in = MaskFixtures.mask("morph_input.u8");
    assertArrayEquals(MaskFixtures.mask("morph_erosion1.u8"), Masking.binaryErosion(in, X, Y, Z, 1));
    assertArrayEquals(MaskFixtures.mask("morph_erosion2.u8"), Masking.binaryErosion(in, X, Y, Z, 2));
    assertArrayEquals(MaskFixtures.mask("morph_dilation1.u8"), Masking.binaryDilation(in, X, Y, Z, 1));
    assertArrayEquals(MaskFixtures.mask("morph_dilation3.u8"), Masking.binaryDilation(in, X, Y, Z, 3));
  }

  @Test
  void labels_equal_scipys_including_their_numbering() {
    boolean[] in = MaskFixtures.mask("morph_sparse.u8");
    Masking.Labels l = Masking.label(in, X, Y, Z);
    assertEquals(Integer.parseInt(MaskFixtures.props().getProperty("morph_sparse.labels")), l.count());
    assertArrayEquals(MaskFixtures.ints("morph_sparse_labels.i32"), l.labels());
    assertArrayEquals(MaskFixtures.mask("morph_sparse_lcc.u8"), Masking.largestConnectedComponent(in, X, Y, Z));
  }

  @Test
  void diagonal_neighbours_are_not_connected() {
    boolean[] m = new boolean[X * Y * Z];
    m[idx(1, 1, 1)] = true;
    m[idx(2, 2, 1)] = true; // edge-diagonal
    m[idx(3, 3, 2)] = true; // corner-diagonal of the previous one
    m[idx(3, 3, 3)] = true; // face neighbour of the previous one
    Masking.Labels l = Masking.label(m, X, Y, Z);
    assertEquals(3, l.count());
    assertArrayEquals(new int[] {0, 1, 1, 2}, l.sizes());
    assertEquals(l.labels()[idx(3, 3, 2)], l.labels()[idx(3, 3, 3)]);
  }

  @Test
  void labels_are_numbered_in_c_order_and_ties_go_to_the_first_component_in_c_order() {
    boolean[] m = new boolean[X * Y * Z];
    // A: first in file order (index 5), but at i = 5
    m[idx(5, 0, 0)] = true;
    m[idx(5, 0, 1)] = true;
    m[idx(5, 0, 2)] = true;
    // B: at i = 0, late in file order, first in C order (i slowest)
    m[idx(0, Y - 1, Z - 3)] = true;
    m[idx(0, Y - 1, Z - 2)] = true;
    m[idx(0, Y - 1, Z - 1)] = true;
    Masking.Labels l = Masking.label(m, X, Y, Z);
    assertEquals(1, l.labels()[idx(0, Y - 1, Z - 1)]);
    assertEquals(2, l.labels()[idx(5, 0, 0)]);
    boolean[] lcc = Masking.largestConnectedComponent(m, X, Y, Z);
    assertTrue(lcc[idx(0, Y - 1, Z - 3)]);
    assertFalse(lcc[idx(5, 0, 0)]);
    assertEquals(3, count(lcc));
    // one more voxel makes A the largest
    m[idx(5, 0, 3)] = true;
    lcc = Masking.largestConnectedComponent(m, X, Y, Z);
    assertTrue(lcc[idx(5, 0, 3)]);
    assertEquals(4, count(lcc));
  }

  @Test
  void largest_component_of_an_empty_mask_is_refused_like_nilearn() {
    assertThrows(IllegalArgumentException.class,
        () -> Masking.largestConnectedComponent(new boolean[X * Y * Z], X, Y, Z));
  }

  @Test
  void post_processing_opens_then_closes_like_nilearn() {
    // a 5×6×7 box with a one-voxel-thick spike reaching the border and an interior hole
    boolean[] m = box(1, 5, 1, 6, 1, 7);
    m[idx(3, 7, 4)] = true; // spike out of the j = 6 face to the border
    boolean[] withHole = m.clone();
    withHole[idx(3, 3, 4)] = false; // interior hole
    boolean[] got = Masking.postProcess(withHole, X, Y, Z, 1, true);
    // erosion(1), largest component, dilation(2), erosion(1): the composed primitives
    boolean[] expected = Masking.binaryErosion(Masking.binaryDilation(
        Masking.largestConnectedComponent(Masking.binaryErosion(withHole, X, Y, Z, 1), X, Y, Z), X, Y, Z, 2), X, Y, Z, 1);
    assertArrayEquals(expected, got);
    assertFalse(got[idx(3, 7, 4)], "spike removed");
    assertTrue(got[idx(3, 3, 4)], "hole closed");
    boolean[] empty = new boolean[X * Y * Z];
    assertArrayEquals(empty, Masking.postProcess(empty, X, Y, Z, 2, true), "empty stays empty");
  }
}
