package io.voxelflow.masking.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.masking.mask.MaskFixtures.Phantom;
import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiHeader;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.nifti.NiftiWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Against nilearn 0.10.4's masking code (run by gen_mask_fixtures.py with scipy.ndimage) on
 * synthetic phantoms made to exercise what the reference dataset does not: non-integer float32 data
 * (the float32 temporal sum rounds), voxels near the threshold (the FWHM-1 smoothing matters), a
 * separate blob (largest component), a thin protrusion and a hole (opening/closing), the mask
 * touching the grid border, NaN/inf, zero padding (exclude_zeros), a 3-D input, int16 data with and
 * without scaling (float64 arithmetic), and subject masks that disagree (intersection thresholds).
 */
class EpiMaskPhantomTest {
  @TempDir
  static Path dir;
  static Path[] subjects = new Path[3];
  static Path padded;
  static Path subject0Int16;
  static Path subject0Int16Scaled;
  static Path subject1Volume3;
  static Properties props;

  @BeforeAll
  static void writePhantoms() {
    for (int s = 0; s < 3; s++) {
      subjects[s] = Phantom.subject(s).write(dir, "phantom_s" + s);
    }
    padded = Phantom.padded().write(dir, "phantom_pad");
    subject0Int16 = Phantom.subject(0).writeInt16(dir, "phantom_s0_int16", 1);
    subject0Int16Scaled = Phantom.subject(0).writeInt16(dir, "phantom_s0_int16_scaled", 0.5);
    Phantom p1 = Phantom.subject(1);
    subject1Volume3 = dir.resolve("phantom_s1_vol3.nii.gz");
    NiftiHeader h = NiftiHeader.of(NiftiDatatype.FLOAT32, p1.x(), p1.y(), p1.z())
        .setAffine(MaskFixtures.PHANTOM_AFFINE, 1);
    try (NiftiWriter w = NiftiWriter.create(subject1Volume3, h)) {
      w.writeVolume(p1.volume(3));
    }
    props = MaskFixtures.props();
  }

  private static Path input(String caseName) {
    if (caseName.startsWith("phantom_pad")) {
      return padded;
    }
    if (caseName.startsWith("phantom_s0_int16_scaled")) {
      return subject0Int16Scaled;
    }
    if (caseName.startsWith("phantom_s0_int16")) {
      return subject0Int16;
    }
    if (caseName.startsWith("phantom_s1_vol3")) {
      return subject1Volume3;
    }
    return subjects[caseName.charAt("phantom_s".length()) - '0'];
  }

  private static EpiMaskOptions options(String caseName) {
    EpiMaskOptions o = EpiMaskOptions.defaults();
    if (caseName.endsWith("_unconnected")) {
      return o.withConnected(false);
    }
    if (caseName.contains("_opening")) {
      return o.withOpening(caseName.charAt(caseName.length() - 1) - '0');
    }
    if (caseName.endsWith("_cutoffs_0.1_0.6")) {
      return o.withCutoffs(0.1, 0.6);
    }
    if (caseName.endsWith("_exclude_zeros")) {
      return o.withExcludeZeros(true);
    }
    return o;
  }

  @Test
  void phantom_generator_reproduces_the_python_phantom_bit_for_bit() {
    // the unsmoothed mean pins down every input value through the float32 sums
    try (NiftiImage img = NiftiImage.open(subjects[0])) {
      double[] mean = Masking.meanVolume(img, true);
      float[] expected = MaskFixtures.floats("phantom_s0_mean.f32");
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], (float) mean[i], "voxel " + i);
      }
    }
  }

  @Test
  void float32_arithmetic_only_for_unscaled_float32_images_as_nibabel_returns_them() {
    assertTrue(Masking.float32Arithmetic(NiftiHeader.of(NiftiDatatype.FLOAT32, 2, 2, 2)));
    assertTrue(Masking.float32Arithmetic(NiftiHeader.of(NiftiDatatype.FLOAT32, 2, 2, 2).setScaling(1, 0)));
    assertFalse(Masking.float32Arithmetic(NiftiHeader.of(NiftiDatatype.FLOAT32, 2, 2, 2).setScaling(2, 0)));
    assertFalse(Masking.float32Arithmetic(NiftiHeader.of(NiftiDatatype.INT16, 2, 2, 2)));
    assertFalse(Masking.float32Arithmetic(NiftiHeader.of(NiftiDatatype.INT16, 2, 2, 2).setScaling(0.5, 0)));
    assertFalse(Masking.float32Arithmetic(NiftiHeader.of(NiftiDatatype.FLOAT64, 2, 2, 2)));
    try (NiftiImage img = NiftiImage.open(subjects[0])) {
      assertTrue(Masking.float32Arithmetic(img.header()));
    }
  }

  @Test
  void float32_mean_is_numpys_sequential_float32_sum_not_the_exact_mean() {
    float[] expected = MaskFixtures.floats("phantom_s0_mean.f32");
    Phantom p = Phantom.subject(0);
    float[][] vols = new float[p.t()][];
    for (int t = 0; t < p.t(); t++) {
      vols[t] = p.volume(t);
    }
    int differ = 0;
    for (int i = 0; i < expected.length; i++) {
      double exact = 0;
      for (float[] v : vols) {
        exact += v[i];
      }
      if ((float) (exact / p.t()) != expected[i]) {
        differ++;
      }
    }
    // the fixture discriminates: a double-precision mean would miss numpy's value on many voxels
    assertNotEquals(0, differ);
  }

  @Test
  void smoothed_mean_equals_scipys_gaussian_filter_bit_for_bit() {
    try (NiftiImage img = NiftiImage.open(subjects[0])) {
      double[] mean = Masking.meanVolume(img, true);
      Masking.smoothForEpiMask(mean, true, 17, 15, 10);
      float[] expected = MaskFixtures.floats("phantom_s0_mean_smoothed.f32");
      for (int i = 0; i < expected.length; i++) {
        assertEquals(expected[i], (float) mean[i], "voxel " + i);
        assertEquals(mean[i], (float) mean[i], "stored as float32");
      }
    }
  }

  @Test
  void gaussian_kernel_equals_scipys_for_fwhm_one_voxel() {
    String[] hex = props.getProperty("kernel.weights").split(",");
    double[] w = Masking.gaussianWeights(1.0 / Masking.FWHM_OVER_SIGMA);
    assertEquals(hex.length, w.length);
    for (int i = 0; i < w.length; i++) {
      assertEquals(Double.parseDouble(hex[i]), w[i], "weight " + i);
    }
  }

  /** The single-image cases of gen_mask_fixtures.py (name → input and options: see input(), options()). */
  static Stream<String> cases() {
    return Stream.of(
        "phantom_s0_epi", "phantom_s1_epi", "phantom_s2_epi", "phantom_s0_epi_unconnected",
        "phantom_s0_epi_opening0", "phantom_s0_epi_opening1", "phantom_s0_epi_opening3",
        "phantom_s0_epi_cutoffs_0.1_0.6", "phantom_pad_epi", "phantom_pad_epi_exclude_zeros",
        "phantom_s1_vol3_epi", "phantom_s0_int16_epi", "phantom_s0_int16_scaled_epi");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void epi_threshold_equals_nilearns(String caseName) {
    EpiMaskOptions o = options(caseName);
    try (NiftiImage img = NiftiImage.open(input(caseName))) {
      long[] shape = img.header().shape();
      boolean f32 = Masking.float32Arithmetic(img.header());
      double[] mean = Masking.meanVolume(img, f32);
      if (o.opening() > 0) {
        Masking.smoothForEpiMask(mean, f32, (int) shape[0], (int) shape[1], (int) shape[2]);
      }
      for (int i = 0; i < mean.length; i++) {
        if (!Double.isFinite(mean[i])) {
          mean[i] = 0;
        }
      }
      assertEquals(Double.parseDouble(props.getProperty(caseName + ".threshold")), Masking.epiThreshold(mean, f32, o));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void epi_mask_equals_nilearns_on_the_phantom(String caseName) {
    BinaryMask got;
    try (NiftiImage img = NiftiImage.open(input(caseName))) {
      got = Masking.computeEpiMask(img, options(caseName));
    }
    boolean[] expected = MaskFixtures.mask(caseName + ".u8");
    BinaryMask exp = new BinaryMask(expected, got.x(), got.y(), got.z(), got.affine());
    assertEquals(Integer.parseInt(props.getProperty(caseName + ".count")), exp.count());
    assertArrayEquals(expected, got.voxels(), () -> caseName + ": Dice " + got.dice(exp) + ", "
        + got.count() + " vs " + exp.count() + " voxels");
    assertArrayEquals(MaskFixtures.PHANTOM_AFFINE, got.affine());
  }

  @Test
  void a_3d_float_array_gives_the_same_mask_as_the_3d_image() {
    Phantom p1 = Phantom.subject(1);
    BinaryMask got = Masking.computeEpiMask(p1.volume(3), p1.x(), p1.y(), p1.z(), MaskFixtures.PHANTOM_AFFINE,
        EpiMaskOptions.defaults());
    assertArrayEquals(MaskFixtures.mask("phantom_s1_vol3_epi.u8"), got.voxels());
  }

  @Test
  void the_fixture_cases_discriminate_the_options() {
    // each option changes the answer on these phantoms, so each expected mask tests something
    boolean[] base = MaskFixtures.mask("phantom_s0_epi.u8");
    for (String c : new String[] {"phantom_s0_epi_unconnected", "phantom_s0_epi_opening0", "phantom_s0_epi_opening1",
        "phantom_s0_epi_opening3", "phantom_s0_epi_cutoffs_0.1_0.6"}) {
      assertNotEquals(Arrays.toString(base), Arrays.toString(MaskFixtures.mask(c + ".u8")), c);
    }
    assertNotEquals(Arrays.toString(MaskFixtures.mask("phantom_pad_epi.u8")),
        Arrays.toString(MaskFixtures.mask("phantom_pad_epi_exclude_zeros.u8")));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"t0.5", "t1.0", "t0.0", "t0.5_unconnected", "t0.667"})
  void multi_epi_mask_equals_nilearns_on_three_phantom_subjects(String variant) {
    double threshold = switch (variant) {
      case "t1.0" -> 1.0;
      case "t0.0" -> 0.0;
      case "t0.667" -> 2.0 / 3.0; // 2/3 · 3 = 2: "strictly more than 2 masks" = all three
      default -> 0.5;
    };
    EpiMaskOptions o = EpiMaskOptions.defaults().withConnected(!variant.endsWith("_unconnected"));
    List<NiftiImage> imgs = new ArrayList<>();
    BinaryMask got;
    try {
      for (Path p : subjects) {
        imgs.add(NiftiImage.open(p));
      }
      got = Masking.computeMultiEpiMask(imgs, o, threshold);
    } finally {
      imgs.forEach(NiftiImage::close);
    }
    boolean[] expected = MaskFixtures.mask("phantom_multi_" + variant + ".u8");
    assertEquals(Integer.parseInt(props.getProperty("phantom_multi_" + variant + ".count")), got.count());
    assertArrayEquals(expected, got.voxels());
  }

  @Test
  void multi_epi_mask_refuses_images_on_different_grids() {
    List<NiftiImage> imgs = new ArrayList<>();
    try {
      imgs.add(NiftiImage.open(subjects[0]));
      imgs.add(NiftiImage.open(padded));
      assertThrows(IllegalArgumentException.class,
          () -> Masking.computeMultiEpiMask(imgs, EpiMaskOptions.defaults(), 0.5));
    } finally {
      imgs.forEach(NiftiImage::close);
    }
  }
}
