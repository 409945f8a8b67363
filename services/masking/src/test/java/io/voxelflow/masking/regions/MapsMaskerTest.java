package io.voxelflow.masking.regions;

import static io.voxelflow.masking.regions.RegionsGolden.SYN_GRID;
import static io.voxelflow.masking.regions.RegionsGolden.maxAbsDiff;
import static io.voxelflow.masking.regions.RegionsGolden.maxRelDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link MapsMasker} against nilearn 0.10.4's {@code img_to_signals_maps} / {@code NiftiMapsMasker}
 * on the synthetic 7×8×9×40 image (float32). nilearn's least squares run in float32 ({@code
 * sgelsd}); the tolerances below are that error, relative to the largest signal value.
 */
class MapsMaskerTest {
  /** nilearn's single-precision least squares vs this port's double precision, relative. */
  static final double F32_LSTSQ_TOL = 2e-6;

  private static RegionSignals run(MapsMasker m) {
    try (NiftiImage img = RegionsGolden.open("syn_bold.nii.gz")) {
      return m.transform(img);
    }
  }

  private static MapsAtlas maps(String file) {
    return MapsAtlas.load(RegionsGolden.path(file));
  }

  private static void assertClose(String golden, RegionSignals got, double tol) {
    double rel = maxRelDiff(RegionsGolden.matrix(golden), got.signals());
    System.out.printf("%s: max rel error %.3g%n", golden, rel);
    assertTrue(rel <= tol, golden + ": relative error " + rel);
  }

  @Test
  void least_squares_recovers_the_coefficients_of_an_exact_combination_of_maps() {
    MapsAtlas m = maps("syn_maps.nii.gz");
    double[][] vols = new double[3][SYN_GRID.size()];
    double[][] coef = {{1.5, -2, 0.25, 3}, {0, 1, 0, 0}, {-7, 0.5, 2, 1e3}};
    for (int t = 0; t < 3; t++) {
      for (int c = 0; c < 4; c++) {
        double[] map = m.map(c);
        for (int n = 0; n < map.length; n++) {
          vols[t][n] += coef[t][c] * map[n];
        }
      }
    }
    RegionSignals got = MapsMasker.builder(m).build()
        .extract(VolumeSource.of(SYN_GRID, vols, NiftiDatatype.FLOAT64));
    for (int t = 0; t < 3; t++) {
      for (int c = 0; c < 4; c++) {
        assertEquals(coef[t][c], got.signals()[t][c], 1e-9 * Math.max(1, Math.abs(coef[t][c])));
      }
    }
  }

  @Test
  void raw_signals_match_nilearn_without_a_mask() {
    RegionSignals got = run(MapsMasker.builder(maps("syn_maps.nii.gz")).build());
    assertArrayEquals(new int[] {0, 1, 2, 3}, got.intRegions());
    assertClose("syn_maps_raw", got, F32_LSTSQ_TOL);
  }

  @Test
  void map_emptied_by_the_mask_keeps_a_column_of_zeros_by_default() {
    RegionSignals got = run(MapsMasker.builder(maps("syn_maps.nii.gz"))
        .mask(RegionsGolden.mask("syn_mask.nii.gz")).build());
    assertArrayEquals(new int[] {0, 1, 2, 3}, got.intRegions());
    assertClose("syn_maps_mask_keep", got, F32_LSTSQ_TOL);
    for (double[] row : got.signals()) {
      assertEquals(0.0, row[3]);
    }
  }

  @Test
  void map_emptied_by_the_mask_is_dropped_when_masked_maps_are_not_kept() {
    RegionSignals got = run(MapsMasker.builder(maps("syn_maps.nii.gz"))
        .mask(RegionsGolden.mask("syn_mask.nii.gz")).keepMaskedMaps(false).build());
    assertArrayEquals(RegionsGolden.vector("syn_maps_mask_drop_ids"), got.regions());
    assertClose("syn_maps_mask_drop", got, F32_LSTSQ_TOL);
  }

  @Test
  void masked_and_cleaned_signals_match_nilearns_maps_masker() {
    RegionSignals got = run(MapsMasker.builder(maps("syn_maps.nii.gz"))
        .mask(RegionsGolden.mask("syn_mask.nii.gz")).clean(RegionsGolden.referenceClean()).build());
    double err = maxAbsDiff(RegionsGolden.matrix("syn_maps_masker_clean"), got.signals());
    System.out.printf("synthetic maps masker with mask + clean: max |error| %.3g%n", err);
    assertTrue(err <= 1e-4, "max |error| " + err);
  }

  @Test
  void maps_on_another_grid_are_resampled_with_cubic_splines_like_nilearn() {
    for (String c : new String[] {"zoom", "oblique", "shift", "ties"}) {
      RegionSignals got = run(MapsMasker.builder(maps("syn_maps_" + c + ".nii.gz")).build());
      assertClose("syn_maps_masker_" + c, got, F32_LSTSQ_TOL);
    }
  }

  @Test
  void disallowing_overlap_drops_values_below_epsilon_as_nilearn_does() {
    MapsAtlas m = maps("syn_maps_disjoint.nii.gz");
    assertClose("syn_maps_disjoint_overlap_true", run(MapsMasker.builder(m).build()), F32_LSTSQ_TOL);
    assertClose("syn_maps_disjoint_overlap_false",
        run(MapsMasker.builder(m).allowOverlap(false).build()), F32_LSTSQ_TOL);
  }

  @Test
  void overlapping_maps_are_refused_when_overlap_is_not_allowed() {
    MapsMasker m = MapsMasker.builder(maps("syn_maps.nii.gz")).allowOverlap(false).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(m));
    assertTrue(e.getMessage().contains("Overlap detected"), e.getMessage());
  }

  @Test
  void collinear_maps_get_the_minimum_norm_solution() {
    Random rnd = new Random(3);
    double[] a = new double[SYN_GRID.size()];
    for (int n = 0; n < a.length; n++) {
      a[n] = rnd.nextDouble();
    }
    double[] twice = a.clone();
    for (int n = 0; n < a.length; n++) {
      twice[n] *= 2;
    }
    MapsAtlas m = MapsAtlas.of(SYN_GRID, new double[][] {a, twice}, NiftiDatatype.FLOAT64);
    double[][] vols = {a.clone()};
    RegionSignals got = MapsMasker.builder(m).build()
        .extract(VolumeSource.of(SYN_GRID, vols, NiftiDatatype.FLOAT64));
    // a = x0·a + x1·2a with minimum ‖x‖: x = (1, 2)/5
    assertEquals(0.2, got.signals()[0][0], 1e-12);
    assertEquals(0.4, got.signals()[0][1], 1e-12);
  }
}
