package io.voxelflow.masking.regions;

import static io.voxelflow.masking.regions.RegionsGolden.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.npy.Npy;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Against nilearn 0.10.4's {@code NiftiLabelsMasker(atlas_labels, standardize='zscore_sample',
 * detrend=True, low_pass=0.1, high_pass=0.01, t_r=2.0).fit_transform(sub-0N)} on the shared tiny
 * reference set ({@code roi_timeseries.npy}, S × T × R float32).
 *
 * <p>The region means are float32 and equal nilearn's bit for bit. nilearn then cleans them in
 * float32 arithmetic (numpy keeps the dtype through detrending, the filter's output and the
 * standardization); on these series (mean ≈ 1000, fluctuations of a few units) that costs up to
 * 4.2e-4 on the z-scores: nilearn's own {@code signal.clean} on the same series in float64 differs
 * from its float32 answer by that much ({@code ref_roi_clean_f64.npy}). This port cleans in
 * float64, so it matches the float64 answer to 1e-9 and the float32 one to nilearn's float32
 * error. Reaching 1e-5 against the float32 answer would need numpy's float32 summation orders and
 * OpenBLAS's sdot kernels reproduced.
 */
class LabelsMaskerReferenceTest {
  /**
   * Absolute tolerance against nilearn's float32 z-scores. Cleaning float32 series in float32, as
   * nilearn does ({@code Float32Clean}), reproduces them exactly (measured: 0.0).
   */
  static final double NILEARN_FLOAT32_TOL = 1e-6;
  /** Absolute tolerance against nilearn's clean of the same series in float64. */
  static final double FLOAT64_TOL = 1e-9;

  private static double[][] subject(String golden, int s) {
    Npy.NpyArray a = RegionsGolden.npy(golden);
    assertArrayEquals(new long[] {3, 48, 8}, a.shape());
    double[] flat = a.toDoubleArray();
    double[][] m = new double[48][];
    for (int t = 0; t < 48; t++) {
      int from = (s * 48 + t) * 8;
      m[t] = Arrays.copyOfRange(flat, from, from + 8);
    }
    return m;
  }

  private static RegionSignals run(LabelsMasker masker, int s) {
    try (NiftiImage img = RegionsGolden.open("sub-0" + (s + 1) + "_bold.nii.gz")) {
      return masker.transform(img);
    }
  }

  private static LabelsAtlas atlas() {
    return LabelsAtlas.load(RegionsGolden.path("atlas_labels.nii.gz"));
  }

  @Test
  void labels_masker_matches_nilearn_on_every_reference_subject() {
    LabelsMasker masker = LabelsMasker.builder(atlas()).clean(RegionsGolden.referenceClean()).build();
    double worst = 0;
    double worst64 = 0;
    for (int s = 0; s < 3; s++) {
      RegionSignals got = run(masker, s);
      assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, got.intRegions());
      double err = maxAbsDiff(subject("roi_timeseries", s), got.signals());
      double err64 = maxAbsDiff(subject("ref_roi_clean_f64", s), got.signals());
      System.out.printf("labels masker, sub-0%d: max |error| vs nilearn %.3g, vs nilearn in float64 %.3g%n",
          s + 1, err, err64);
      worst = Math.max(worst, err);
      worst64 = Math.max(worst64, err64);
    }
    assertTrue(worst <= NILEARN_FLOAT32_TOL, "max |error| vs nilearn " + worst);
    // nilearn's own float32 cleaning differs from a float64 clean by up to 4.2e-4 here
    assertTrue(worst64 <= 5e-4, "max |error| vs nilearn's float64 clean " + worst64);
  }

  @Test
  void cleaning_in_double_precision_equals_nilearns_float64_clean() {
    LabelsMasker masker = LabelsMasker.builder(atlas()).build();
    for (int s = 0; s < 3; s++) {
      RegionSignals raw = run(masker, s);
      double[][] cleaned = io.voxelflow.masking.signal.Signal.clean(raw.signals(), RegionsGolden.referenceClean());
      double err = maxAbsDiff(subject("ref_roi_clean_f64", s), cleaned);
      assertTrue(err <= FLOAT64_TOL, "sub-0" + (s + 1) + ": max |error| " + err);
    }
  }

  @Test
  void region_means_equal_nilearns_bit_for_bit() {
    LabelsMasker masker = LabelsMasker.builder(atlas()).build();
    for (int s = 0; s < 3; s++) {
      assertArrayEquals(subject("ref_roi_raw", s), run(masker, s).signals());
    }
  }

  @Test
  void reference_atlas_on_its_own_grid_is_not_resampled() {
    LabelsAtlas atlas = LabelsAtlas.load(RegionsGolden.path("atlas_labels.nii.gz"));
    ResampledAtlasCache cache = new ResampledAtlasCache();
    LabelsMasker masker = LabelsMasker.builder(atlas).cache(cache).build();
    try (NiftiImage img = RegionsGolden.open("sub-01_bold.nii.gz")) {
      RegionSignals raw = masker.transform(img);
      assertEquals(48, raw.timePoints());
    }
    assertEquals(0, cache.resamplings());
    assertEquals(0, cache.size());
  }
}
