package io.voxelflow.masking.regions;

import static io.voxelflow.masking.regions.RegionsGolden.SYN_GRID;
import static io.voxelflow.masking.regions.RegionsGolden.maxAbsDiff;
import static io.voxelflow.masking.regions.RegionsGolden.maxUlps;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * {@link LabelsMasker} against nilearn 0.10.4's {@code img_to_signals_labels} and {@code
 * NiftiLabelsMasker} on the synthetic 7×8×9×40 float32 image of {@code gen_regions_golden.py}
 * (labels −2, 1, 2, 3, 5, 8 and a one-voxel region 12 outside the mask; one NaN and one +inf
 * voxel).
 */
class LabelsMaskerTest {
  private static LabelsAtlas synLabels() {
    return LabelsAtlas.load(RegionsGolden.path("syn_labels.nii.gz"));
  }

  private static RegionSignals run(LabelsMasker m) {
    try (NiftiImage img = RegionsGolden.open("syn_bold.nii.gz")) {
      return m.transform(img);
    }
  }

  @Test
  void every_strategy_matches_scipy_ndimage_bit_for_bit_on_float32_data() {
    for (Strategy s : Strategy.values()) {
      RegionSignals got = run(LabelsMasker.builder(synLabels()).strategy(s).build());
      double[][] expected = RegionsGolden.matrix("syn_labels_raw_" + s.name().toLowerCase(Locale.ROOT));
      double ulps = maxUlps(expected, got.signals());
      System.out.printf("strategy %s: max %.1f float32 ulp from nilearn%n", s, ulps);
      assertEquals(0.0, ulps, s + ": max ulps " + ulps);
    }
  }

  @Test
  void regions_are_the_label_values_in_ascending_order_without_the_background() {
    RegionSignals got = run(LabelsMasker.builder(synLabels()).build());
    assertArrayEquals(RegionsGolden.vector("syn_labels_ids"), got.regions());
    assertArrayEquals(new int[] {-2, 1, 2, 3, 5, 8, 12}, got.intRegions());
    assertEquals(40, got.timePoints());
  }

  @Test
  void another_background_label_is_excluded_and_zero_becomes_a_region() {
    RegionSignals got = run(LabelsMasker.builder(synLabels()).backgroundLabel(3).build());
    assertArrayEquals(new int[] {-2, 0, 1, 2, 5, 8, 12}, got.intRegions());
  }

  @Test
  void region_emptied_by_the_mask_keeps_a_column_of_zeros_by_default() {
    BinaryMask mask = RegionsGolden.mask("syn_mask.nii.gz");
    RegionSignals got = run(LabelsMasker.builder(synLabels()).mask(mask).build());
    assertArrayEquals(new int[] {-2, 1, 2, 3, 5, 8, 12}, got.intRegions());
    assertEquals(0.0, maxUlps(RegionsGolden.matrix("syn_labels_mask_keep"), got.signals()));
    for (double[] row : got.signals()) {
      assertEquals(0.0, row[6]);
    }
  }

  @Test
  void region_emptied_by_the_mask_is_dropped_when_masked_labels_are_not_kept() {
    BinaryMask mask = RegionsGolden.mask("syn_mask.nii.gz");
    LabelsMasker m = LabelsMasker.builder(synLabels()).mask(mask).keepMaskedLabels(false).build();
    RegionSignals got = run(m);
    assertArrayEquals(RegionsGolden.vector("syn_labels_mask_drop_ids"), got.regions());
    assertArrayEquals(got.regions(), m.regions(SYN_GRID));
    assertEquals(0.0, maxUlps(RegionsGolden.matrix("syn_labels_mask_drop"), got.signals()));
  }

  @Test
  void masked_and_cleaned_signals_match_nilearns_labels_masker() {
    LabelsMasker m = LabelsMasker.builder(synLabels()).mask(RegionsGolden.mask("syn_mask.nii.gz"))
        .clean(RegionsGolden.referenceClean()).build();
    double[][] expected = RegionsGolden.matrix("syn_labels_masker_clean");
    double err = maxAbsDiff(expected, run(m).signals());
    System.out.printf("synthetic labels masker with mask + clean: max |error| %.3g%n", err);
    // nilearn cleans in float32 (see LabelsMaskerReferenceTest); its float32 error here is ~1.5e-5
    assertTrue(err <= 5e-5, "max |error| " + err);
  }

  @Test
  void atlas_on_another_grid_is_resampled_by_nearest_neighbour_like_nilearn() {
    for (String c : new String[] {"zoom", "oblique", "shift", "ties"}) {
      LabelsAtlas atlas = LabelsAtlas.load(RegionsGolden.path("syn_labels_" + c + ".nii.gz"));
      LabelsAtlas resampled = atlas.resampleTo(SYN_GRID);
      assertArrayEquals(RegionsGolden.volume("resampled_labels_" + c, SYN_GRID), resampled.values(), c);
      RegionSignals got = run(LabelsMasker.builder(atlas).build());
      assertArrayEquals(RegionsGolden.vector("syn_labels_masker_" + c + "_ids"), got.regions(), c);
      assertEquals(0.0, maxUlps(RegionsGolden.matrix("syn_labels_masker_" + c), got.signals()), c);
    }
  }

  @Test
  void atlas_is_resampled_once_and_reused_for_every_subject_on_the_grid() {
    ResampledAtlasCache cache = new ResampledAtlasCache();
    LabelsAtlas atlas = LabelsAtlas.load(RegionsGolden.path("syn_labels_oblique.nii.gz"));
    LabelsMasker m1 = LabelsMasker.builder(atlas).cache(cache).build();
    // A second masker on an equal atlas loaded again: same id, so the same cache entry.
    LabelsMasker m2 = LabelsMasker.builder(LabelsAtlas.load(RegionsGolden.path("syn_labels_oblique.nii.gz")))
        .cache(cache).build();
    RegionSignals first = run(m1);
    for (int subject = 0; subject < 3; subject++) {
      assertArrayEquals(first.signals(), run(subject % 2 == 0 ? m1 : m2).signals());
    }
    assertEquals(1, cache.resamplings());
    assertEquals(3, cache.hits());
  }

  @Test
  void volumes_are_streamed_once_in_order() {
    double[][] vols = new double[5][SYN_GRID.size()];
    for (int t = 0; t < 5; t++) {
      Arrays.fill(vols[t], t + 1);
    }
    List<Integer> reads = new ArrayList<>();
    VolumeSource base = VolumeSource.of(SYN_GRID, vols, NiftiDatatype.FLOAT64);
    VolumeSource counting = new VolumeSource() {
      @Override
      public Grid grid() {
        return base.grid();
      }

      @Override
      public int volumeCount() {
        return base.volumeCount();
      }

      @Override
      public NiftiDatatype datatype() {
        return base.datatype();
      }

      @Override
      public void readNext(double[] dst) {
        reads.add(reads.size());
        base.readNext(dst);
      }
    };
    RegionSignals got = LabelsMasker.builder(synLabels()).build().extract(counting);
    assertEquals(List.of(0, 1, 2, 3, 4), reads);
    for (int t = 0; t < 5; t++) {
      for (double x : got.signals()[t]) {
        assertEquals(t + 1, x); // mean of a constant volume
      }
    }
  }

  @Test
  void non_finite_voxels_are_read_as_zero() {
    // region 7 is the single voxel (1, 1, 1); it holds NaN at t = 0 and +inf at t = 1
    double[] labels = new double[SYN_GRID.size()];
    labels[SYN_GRID.index(1, 1, 1)] = 7;
    labels[SYN_GRID.index(2, 1, 1)] = 7;
    double[][] vols = new double[2][SYN_GRID.size()];
    Arrays.fill(vols[0], 4);
    Arrays.fill(vols[1], 4);
    vols[0][SYN_GRID.index(1, 1, 1)] = Double.NaN;
    vols[1][SYN_GRID.index(1, 1, 1)] = Double.POSITIVE_INFINITY;
    RegionSignals got = LabelsMasker.builder(LabelsAtlas.of(SYN_GRID, labels)).build()
        .extract(VolumeSource.of(SYN_GRID, vols, NiftiDatatype.FLOAT64));
    assertEquals(2.0, got.signals()[0][0]);
    assertEquals(2.0, got.signals()[1][0]);
  }
}
