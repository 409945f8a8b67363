package io.voxelflow.masking.regions;

import static io.voxelflow.masking.regions.RegionsGolden.SYN_GRID;
import static io.voxelflow.masking.regions.RegionsGolden.maxUlps;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.voxelflow.nifti.NiftiDatatype;
import org.junit.jupiter.api.Test;

/**
 * {@link Resampling} against nilearn 0.10.4's {@code resample_img} (scipy 1.10's {@code
 * affine_transform}) on the 7×8×9 data grid, from four source grids: {@code zoom} (diagonal, scipy's
 * zoom/shift path), {@code oblique} (rotated: general path), {@code shift} (same voxels, integer
 * shift: nilearn's crop-and-paste path) and {@code ties} (voxels twice as large: half the target
 * voxels fall exactly half-way).
 */
class ResamplingTest {
  private static final String[] CASES = {"zoom", "oblique", "shift", "ties"};

  @Test
  void float32_maps_resampled_with_each_interpolation_match_nilearn_bit_for_bit() {
    for (String c : CASES) {
      MapsAtlas maps = MapsAtlas.load(RegionsGolden.path("syn_maps_" + c + ".nii.gz"));
      for (Interpolation interp : Interpolation.values()) {
        String golden = "resampled_maps_" + c + "_" + interp.name().toLowerCase(java.util.Locale.ROOT);
        double[][] expected = RegionsGolden.volumes(golden, SYN_GRID);
        MapsAtlas got = maps.resampleTo(SYN_GRID, interp);
        assertEquals(NiftiDatatype.FLOAT32, got.datatype());
        double ulps = 0;
        for (int k = 0; k < expected.length; k++) {
          ulps = Math.max(ulps, maxUlps(expected[k], got.map(k)));
        }
        System.out.printf("resample %s %s: max %.1f float32 ulp from nilearn%n", c, interp, ulps);
        assertEquals(0.0, ulps, golden);
      }
    }
  }

  @Test
  void labels_resampled_by_nearest_neighbour_match_nilearn_exactly() {
    for (String c : CASES) {
      LabelsAtlas atlas = LabelsAtlas.load(RegionsGolden.path("syn_labels_" + c + ".nii.gz"));
      assertArrayEquals(RegionsGolden.volume("resampled_labels_" + c, SYN_GRID),
          atlas.resampleTo(SYN_GRID).values(), c);
    }
  }

  @Test
  void nearest_neighbour_ties_round_up() {
    // source voxels of 2 mm, target of 1 mm on the same origin: target i is source i/2
    Grid src = new Grid(4, 1, 1, new double[][] {{2, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
    Grid dst = new Grid(8, 1, 1, new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
    double[] got = Resampling.resample(new double[] {10, 20, 30, 40}, src, dst, Interpolation.NEAREST,
        Resampling.ValueType.INTEGER);
    // coordinates 0, .5, 1, 1.5, 2, 2.5, 3, 3.5: floor(x + .5); 3.5 is beyond the last centre: 0
    assertArrayEquals(new double[] {10, 20, 20, 30, 30, 40, 40, 0}, got);
  }

  @Test
  void linear_interpolation_is_exact_on_a_linear_ramp_and_zero_beyond_the_edge_centres() {
    Grid src = new Grid(5, 2, 3, new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
    Grid dst = new Grid(9, 2, 3, new double[][] {{0.5, 0, 0, 0.25}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
    double[] ramp = new double[src.size()];
    for (int k = 0; k < 3; k++) {
      for (int j = 0; j < 2; j++) {
        for (int i = 0; i < 5; i++) {
          ramp[src.index(i, j, k)] = 1 + i + 10 * j + 100 * k;
        }
      }
    }
    double[] got = Resampling.resample(ramp, src, dst, Interpolation.LINEAR, Resampling.ValueType.FLOAT64);
    for (int k = 0; k < 3; k++) {
      for (int j = 0; j < 2; j++) {
        for (int i = 0; i < 9; i++) {
          double x = 0.25 + 0.5 * i;
          double expected = x > 4 ? 0 : 1 + x + 10 * j + 100 * k;
          assertEquals(expected, got[dst.index(i, j, k)], 1e-12, "i=" + i);
        }
      }
    }
  }

  @Test
  void cubic_spline_interpolation_reproduces_the_data_at_the_voxel_centres() {
    Grid src = new Grid(6, 5, 4, new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
    // a 90° rotation in the (i, j) plane: the general path, landing on the source centres
    Grid dst = new Grid(5, 6, 4, new double[][] {{0, -1, 0, 4}, {1, 0, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
    double[] data = new double[src.size()];
    java.util.Random rnd = new java.util.Random(1);
    for (int n = 0; n < data.length; n++) {
      data[n] = rnd.nextDouble() * 100;
    }
    double[] got = Resampling.resample(data, src, dst, Interpolation.CONTINUOUS, Resampling.ValueType.FLOAT64);
    for (int k = 0; k < 4; k++) {
      for (int j = 0; j < 6; j++) {
        for (int i = 0; i < 5; i++) {
          // world (x, y, z) = (4 - j, i, k): source voxel (4 - j, i, k), outside for j = 5
          double expected = j == 5 ? 0 : data[src.index(4 - j, i, k)];
          assertEquals(expected, got[dst.index(i, j, k)], 1e-9, i + "," + j + "," + k);
        }
      }
    }
  }

  @Test
  void integer_shift_with_the_source_starting_before_the_target_places_voxels_correctly() {
    // nilearn 0.10.4's crop-and-paste shortcut puts [1, 21, 41, 61, 0, 0] here (it does not skip
    // the source voxels before the target origin); scipy's interpolation gives the values below.
    Grid src = new Grid(6, 5, 4, new double[][] {{1, 0, 0, -2}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
    Grid dst = new Grid(6, 5, 4, new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
    double[] data = new double[src.size()];
    for (int i = 0; i < 6; i++) {
      for (int j = 0; j < 5; j++) {
        for (int k = 0; k < 4; k++) {
          data[src.index(i, j, k)] = 1 + k + 4 * (j + 5 * i); // numpy arange in C order
        }
      }
    }
    double[] got = Resampling.resample(data, src, dst, Interpolation.NEAREST, Resampling.ValueType.INTEGER);
    double[] row = new double[6];
    for (int i = 0; i < 6; i++) {
      row[i] = got[dst.index(i, 0, 0)];
    }
    assertArrayEquals(new double[] {41, 61, 81, 101, 0, 0}, row);
  }

  @Test
  void same_field_of_view_returns_the_input_unchanged() {
    LabelsAtlas atlas = LabelsAtlas.load(RegionsGolden.path("syn_labels.nii.gz"));
    double[][] a = SYN_GRID.affine();
    a[0][3] += 1e-9; // within np.allclose
    assertSame(atlas, atlas.resampleTo(new Grid(7, 8, 9, a)));
  }

  @Test
  void a_target_grid_that_sees_none_of_the_source_is_refused() {
    Grid far = new Grid(7, 8, 9, new double[][] {{2, 0, 0, 500}, {0, 2.5, 0, 500}, {0, 0, 3, 500}, {0, 0, 0, 1}});
    LabelsAtlas atlas = LabelsAtlas.load(RegionsGolden.path("syn_labels.nii.gz"));
    assertThrows(IllegalArgumentException.class, () -> atlas.resampleTo(far));
  }
}
