package io.voxelflow.masking.regions;

import static io.voxelflow.masking.regions.RegionsGolden.maxAbsDiff;
import static io.voxelflow.masking.regions.RegionsGolden.maxRelDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.nifti.NiftiImage;
import org.junit.jupiter.api.Test;

/**
 * Against nilearn 0.10.4's {@code NiftiMapsMasker(truth/maps.nii.gz, ...)} on sub-01 of the tiny
 * reference set (3 planted network maps, float32), run by {@code gen_regions_golden.py}.
 *
 * <p>nilearn solves the least squares in single precision (float32 maps and data: LAPACK {@code
 * sgelsd}); this port solves exactly in double. Against a float64 {@code numpy.linalg.lstsq} the
 * raw signals agree to float32 rounding; against nilearn to nilearn's float32 error.
 */
class MapsMaskerReferenceTest {
  private static RegionSignals run(MapsMasker masker) {
    try (NiftiImage img = RegionsGolden.open("sub-01_bold.nii.gz")) {
      return masker.transform(img);
    }
  }

  private static MapsAtlas truthMaps() {
    return MapsAtlas.load(RegionsGolden.path("truth_maps.nii.gz"));
  }

  @Test
  void raw_map_signals_are_the_exact_least_squares_solution() {
    RegionSignals got = run(MapsMasker.builder(truthMaps()).build());
    assertArrayEquals(new int[] {0, 1, 2}, got.intRegions());
    double rel = maxRelDiff(RegionsGolden.matrix("ref_maps_sub-01_raw_f64"), got.signals());
    System.out.printf("maps masker raw vs float64 lstsq: max rel error %.3g%n", rel);
    assertTrue(rel <= 1e-7, "relative error " + rel); // float32 rounding of the output
  }

  @Test
  void raw_map_signals_match_nilearn_to_its_single_precision_error() {
    RegionSignals got = run(MapsMasker.builder(truthMaps()).build());
    double rel = maxRelDiff(RegionsGolden.matrix("ref_maps_sub-01_raw"), got.signals());
    System.out.printf("maps masker raw vs nilearn (sgelsd): max rel error %.3g%n", rel);
    assertTrue(rel <= 2e-6, "relative error " + rel);
  }

  @Test
  void masked_raw_map_signals_match_nilearn() {
    RegionSignals got = run(MapsMasker.builder(truthMaps())
        .mask(RegionsGolden.mask("truth_mask.nii.gz")).build());
    double rel = maxRelDiff(RegionsGolden.matrix("ref_maps_sub-01_mask_raw"), got.signals());
    System.out.printf("maps masker with mask vs nilearn: max rel error %.3g%n", rel);
    assertTrue(rel <= 2e-6, "relative error " + rel);
  }

  @Test
  void maps_masker_matches_nilearn_on_the_reference_subject() {
    RegionSignals got = run(MapsMasker.builder(truthMaps()).clean(RegionsGolden.referenceClean()).build());
    double err = maxAbsDiff(RegionsGolden.matrix("ref_maps_sub-01_clean"), got.signals());
    System.out.printf("maps masker cleaned vs nilearn: max |error| %.3g%n", err);
    assertTrue(err <= 1e-4, "max |error| " + err);
  }
}
