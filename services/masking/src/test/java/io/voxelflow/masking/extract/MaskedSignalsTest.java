package io.voxelflow.masking.extract;

import static io.voxelflow.masking.extract.ExtractFixtures.AFFINE_7X8X9;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.mask.Masking;
import io.voxelflow.masking.signal.CleanOptions;
import io.voxelflow.masking.signal.Signal;
import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiHeader;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.nifti.NiftiWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MaskedSignals}: nilearn 0.10.4's {@code NiftiMasker} on the reference subject, on a 7×8×9
 * image with unequal dimensions, and the {@code unmask} / {@code inverse_transform} properties.
 */
class MaskedSignalsTest {
  /** Tolerance on nilearn's z-scores (its output is float32, values up to ~4). */
  static final double Z_TOLERANCE = 1e-4;

  @TempDir
  Path tempDir;

  private static BinaryMask mask(String name) {
    try (NiftiImage img = NiftiImage.open(ExtractFixtures.path(name))) {
      return Masking.loadMask(img, false);
    }
  }

  @Test
  void niftimasker_matches_nilearn_on_the_reference_subject() {
    // NiftiMasker(mask_img=epi_mask, smoothing_fwhm=6, standardize='zscore_sample', detrend=True,
    //             low_pass=0.1, high_pass=0.01, t_r=2.0).fit_transform(sub-01)
    BinaryMask mask = mask("epi_mask.nii.gz");
    double[][] expected = ExtractFixtures.matrix("masked_sub-01.npy");
    try (NiftiImage img = NiftiImage.open(ExtractFixtures.path("sub-01_bold.nii.gz"))) {
      // intermediate: smoothed and masked, before signal.clean (float32, bit for bit)
      double[][] masked = MaskedSignals.applyMask(img, mask, 6.0);
      double eMasked =
          ExtractFixtures.maxAbsDiff(masked, ExtractFixtures.matrix("smoothed_masked_sub-01.npy"));
      assertEquals(0.0, eMasked, "smoothed+masked matrix vs numpy/scipy");

      double[][] got = MaskedSignals.extract(img, mask, 6.0, Float32CleanTest.REFERENCE);
      assertEquals(48, got.length);
      assertEquals(816, got[0].length);
      double err = ExtractFixtures.maxAbsDiff(got, expected);
      float[][] got32 = MaskedSignals.extractFloat32(img, mask, 6.0, Float32CleanTest.REFERENCE);
      double err32 = ExtractFixtures.maxAbsDiff(got32, expected);
      double[][] got64 = MaskedSignals.extract(img, mask, 6.0, Float32CleanTest.REFERENCE,
          MaskedSignals.Arithmetic.FLOAT64);
      double err64 = ExtractFixtures.maxAbsDiff(got64, expected);
      System.out.println("[extract] NiftiMasker vs nilearn masked_sub-01: max |diff| " + err
          + " (float32 output " + err32 + "; FLOAT64 arithmetic " + err64 + ")");
      assertTrue(err <= Z_TOLERANCE, "max |diff| " + err);
      assertTrue(err32 <= Z_TOLERANCE, "float32 output: max |diff| " + err32);
      // exact arithmetic differs from nilearn by nilearn's float32 rounding only
      assertTrue(err64 < 5e-4, "FLOAT64 arithmetic: max |diff| " + err64);
    }
  }

  @Test
  void smoothing_whole_volumes_matches_scipy_on_the_reference_subject() {
    try (NiftiImage img = NiftiImage.open(ExtractFixtures.path("sub-01_bold.nii.gz"))) {
      NiftiHeader h = img.header();
      Smoothing s = Smoothing.of(16, 16, 12, h.affine(), 6.0);
      float[] vol = new float[img.voxelsPerVolume()];
      for (int t : new int[] {0, 47}) {
        img.readVolume(t, vol);
        s.smooth(vol);
        float[] expected = ExtractFixtures.floats("smoothed_sub-01_vol" + t + ".npy");
        assertEquals(0, ExtractFixtures.bitMismatches(vol, expected), "volume " + t);
      }
    }
  }

  @Test
  void masked_columns_follow_numpy_c_order_on_unequal_dims() {
    // 7×8×9×20 float32, ellipsoid mask + a lone corner voxel; NiftiMasker(smoothing_fwhm=5) without
    // cleaning (detrend=False, standardize=False)
    BinaryMask mask = mask("extract7_mask.nii.gz");
    double[][] expected = ExtractFixtures.matrix("extract7_expected.npy");
    try (NiftiImage img = NiftiImage.open(ExtractFixtures.path("extract7_bold.nii.gz"))) {
      assertArrayEquals(new long[] {7, 8, 9, 20}, img.header().shape());
      double[][] got = MaskedSignals.extract(img, mask, 5.0, null);
      assertEquals(mask.count(), got[0].length);
      assertEquals(0.0, ExtractFixtures.maxAbsDiff(got, expected));
      // nilearn's clean with detrend=False, standardize=False and no filter is the identity
      double[][] viaClean = MaskedSignals.extract(img, mask, 5.0,
          CleanOptions.builder().detrend(false).standardize(Signal.Standardize.NONE).build());
      assertEquals(0.0, ExtractFixtures.maxAbsDiff(viaClean, expected));
    }
  }

  private static BinaryMask randomMask(Random rnd, int x, int y, int z) {
    boolean[] m = new boolean[x * y * z];
    for (int i = 0; i < m.length; i++) {
      m[i] = rnd.nextDouble() < 0.4;
    }
    m[rnd.nextInt(m.length)] = true;
    return new BinaryMask(m, x, y, z, AFFINE_7X8X9);
  }

  @Test
  void unmask_is_the_inverse_of_apply_mask() {
    Random rnd = new Random(2024);
    for (int trial = 0; trial < 20; trial++) {
      BinaryMask mask = randomMask(rnd, 7, 8, 9);
      int v = mask.count();
      // apply(unmask(X)) == X
      double[][] x = new double[3][v];
      for (double[] row : x) {
        for (int j = 0; j < v; j++) {
          row[j] = rnd.nextGaussian();
        }
      }
      double[][] vols = MaskedSignals.unmask(x, mask);
      assertEquals(0.0, ExtractFixtures.maxAbsDiff(MaskedSignals.applyMask(vols, mask), x));
      // unmask(apply(vol)) restores the masked voxels and zeroes the others
      double[] vol = new double[mask.size()];
      for (int i = 0; i < vol.length; i++) {
        vol[i] = rnd.nextGaussian() + 5;
      }
      double[] back = MaskedSignals.unmask(MaskedSignals.applyMask(vol, mask), mask);
      boolean[] in = mask.voxels();
      for (int i = 0; i < vol.length; i++) {
        assertEquals(in[i] ? vol[i] : 0.0, back[i], 0.0, "voxel " + i);
      }
      // row by row is the same as the matrix form
      assertArrayEquals(MaskedSignals.unmask(x[1], mask), vols[1], 0.0);
    }
  }

  @Test
  void apply_mask_lists_voxels_with_k_fastest() {
    int x = 7;
    int y = 8;
    int z = 9;
    boolean[] m = new boolean[x * y * z];
    m[3 + x * (2 + y * 1)] = true; // (3, 2, 1)
    m[2 + x * (7 + y * 8)] = true; // (2, 7, 8)
    m[3 + x * (0 + y * 5)] = true; // (3, 0, 5)
    m[3 + x * (2 + y * 0)] = true; // (3, 2, 0)
    BinaryMask mask = new BinaryMask(m, x, y, z, AFFINE_7X8X9);
    double[] vol = new double[x * y * z];
    for (int k = 0; k < z; k++) {
      for (int j = 0; j < y; j++) {
        for (int i = 0; i < x; i++) {
          vol[i + x * (j + y * k)] = 100 * i + 10 * j + k;
        }
      }
    }
    // C order of (i, j, k): (2,7,8), (3,0,5), (3,2,0), (3,2,1)
    assertArrayEquals(new double[] {278, 305, 320, 321}, MaskedSignals.applyMask(vol, mask), 0.0);
  }

  @Test
  void written_nifti_reads_back_as_unmask_with_the_masks_affine() {
    Random rnd = new Random(5);
    BinaryMask mask = randomMask(rnd, 7, 8, 9);
    double[][] x = new double[4][mask.count()];
    for (double[] row : x) {
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) rnd.nextGaussian();
      }
    }
    Path p4 = tempDir.resolve("components.nii.gz");
    MaskedSignals.writeNifti(p4, x, mask);
    double[][] vols = MaskedSignals.unmask(x, mask);
    try (NiftiImage img = NiftiImage.open(p4)) {
      NiftiHeader h = img.header();
      assertEquals(NiftiDatatype.FLOAT32, h.datatype());
      assertArrayEquals(new long[] {7, 8, 9, 4}, h.shape());
      assertEquals(2, h.sformCode());
      assertEquals(0, h.qformCode());
      for (int r = 0; r < 4; r++) { // the sform is stored as float32
        assertArrayEquals(AFFINE_7X8X9[r], h.affine()[r], 1e-6);
      }
      double[] vol = new double[img.voxelsPerVolume()];
      for (int t = 0; t < 4; t++) {
        img.readVolume(vol);
        assertArrayEquals(vols[t], vol, 0.0);
      }
      // and masking the written image gives the matrix back
      assertEquals(0.0, ExtractFixtures.maxAbsDiff(MaskedSignals.extract(img, mask, null, null), x));
    }
    Path p3 = tempDir.resolve("map.nii");
    MaskedSignals.writeNifti(p3, x[2], mask);
    try (NiftiImage img = NiftiImage.open(p3)) {
      assertArrayEquals(new long[] {7, 8, 9}, img.header().shape());
      double[] vol = new double[img.voxelsPerVolume()];
      img.readVolume(vol);
      assertArrayEquals(vols[2], vol, 0.0);
    }
  }

  private Path writeImage(String name, NiftiDatatype type, double[][] affine, double[][] vols) {
    Path p = tempDir.resolve(name);
    NiftiHeader h = NiftiHeader.of(type, 7, 8, 9, vols.length).setAffine(affine, 1);
    try (NiftiWriter w = NiftiWriter.create(p, h)) {
      for (double[] v : vols) {
        w.writeVolume(v);
      }
    }
    return p;
  }

  @Test
  void zero_fwhm_does_not_smooth_but_zeroes_non_finite_values_and_null_keeps_them() {
    double[][] vols = new double[2][7 * 8 * 9];
    for (int t = 0; t < 2; t++) {
      for (int i = 0; i < vols[t].length; i++) {
        vols[t][i] = i + 1000 * t;
      }
    }
    vols[1][40] = Double.NaN;
    Path p = writeImage("nan.nii", NiftiDatatype.FLOAT32, AFFINE_7X8X9, vols);
    boolean[] all = new boolean[7 * 8 * 9];
    java.util.Arrays.fill(all, true);
    BinaryMask mask = new BinaryMask(all, 7, 8, 9, AFFINE_7X8X9);
    List<String> warnings = new ArrayList<>();
    CleanOptions none = CleanOptions.builder().detrend(false).standardize(Signal.Standardize.NONE)
        .warnings(warnings::add).build();
    try (NiftiImage img = NiftiImage.open(p)) {
      double[] zero = MaskedSignals.unmask(MaskedSignals.extract(img, mask, 0.0, none)[1], mask);
      double[] raw = MaskedSignals.unmask(MaskedSignals.extract(img, mask, null, none)[1], mask);
      for (int i = 0; i < zero.length; i++) {
        if (i == 40) {
          assertEquals(0.0, zero[i]);
          assertTrue(Double.isNaN(raw[i]));
        } else {
          assertEquals(vols[1][i], zero[i]);
          assertEquals(vols[1][i], raw[i]);
        }
      }
    }
    assertEquals(1, warnings.size(), warnings.toString());
  }

  @Test
  void a_3d_image_gives_one_row_and_integer_images_are_cleaned_in_float32() {
    double[][] vols = new double[1][7 * 8 * 9];
    for (int i = 0; i < vols[0].length; i++) {
      vols[0][i] = i % 37;
    }
    Path p = tempDir.resolve("int16.nii");
    NiftiHeader h = NiftiHeader.of(NiftiDatatype.INT16, 7, 8, 9).setAffine(AFFINE_7X8X9, 1);
    try (NiftiWriter w = NiftiWriter.create(p, h)) {
      w.writeVolume(vols[0]);
    }
    BinaryMask mask = randomMask(new Random(9), 7, 8, 9);
    try (NiftiImage img = NiftiImage.open(p)) {
      assertTrue(MaskedSignals.smoothsInFloat32(img.header()));
      assertTrue(MaskedSignals.cleansInFloat32(img.header(), false));
      double[][] got = MaskedSignals.extract(img, mask, 6.0, null);
      assertEquals(1, got.length);
      float[] vol = new float[7 * 8 * 9];
      for (int i = 0; i < vol.length; i++) {
        vol[i] = (float) vols[0][i];
      }
      // nilearn smooths with the image's affine (float32-rounded in the sform), not the mask's
      Smoothing.of(7, 8, 9, img.header().affine(), 6.0).smooth(vol);
      int[] idx = mask.cOrderIndices();
      for (int n = 0; n < idx.length; n++) {
        assertEquals(vol[idx[n]], got[0][n], 0.0);
      }
    }
    NiftiHeader f64 = NiftiHeader.of(NiftiDatatype.FLOAT64, 7, 8, 9);
    assertTrue(!MaskedSignals.smoothsInFloat32(f64) && !MaskedSignals.cleansInFloat32(f64, false));
    NiftiHeader scaled = NiftiHeader.of(NiftiDatatype.INT16, 7, 8, 9).setScaling(2.0, 0.0);
    assertTrue(!MaskedSignals.smoothsInFloat32(scaled) && !MaskedSignals.cleansInFloat32(scaled, false));
    NiftiHeader i64 = NiftiHeader.of(NiftiDatatype.INT64, 7, 8, 9);
    assertTrue(!MaskedSignals.smoothsInFloat32(i64) && MaskedSignals.cleansInFloat32(i64, false));
  }

  @Test
  void a_mask_on_another_grid_is_refused() {
    double[][] vols = new double[1][7 * 8 * 9];
    Path p = writeImage("img.nii", NiftiDatatype.FLOAT32, AFFINE_7X8X9, vols);
    BinaryMask shifted = new BinaryMask(new boolean[7 * 8 * 9], 7, 8, 9,
        new double[][] {{2.0, 0.3, 0.0, -9.0}, {0.0, 2.9, 0.4, 5.0}, {0.5, 0.0, 1.5, 2.0}, {0, 0, 0, 1}});
    BinaryMask other = BinaryMask.of(new boolean[9 * 8 * 7], 9, 8, 7);
    try (NiftiImage img = NiftiImage.open(p)) {
      assertThrows(IllegalArgumentException.class, () -> MaskedSignals.extract(img, shifted, null, null));
      assertThrows(IllegalArgumentException.class, () -> MaskedSignals.extract(img, other, null, null));
    }
    assertThrows(IllegalArgumentException.class,
        () -> MaskedSignals.unmask(new double[3], randomMask(new Random(1), 7, 8, 9)));
  }
}
