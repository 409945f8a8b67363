package io.voxelflow.masking.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against what nilearn 0.10.4 itself wrote on the tiny reference dataset (16×16×12×48 float32,
 * three subjects): {@code compute_epi_mask(sub-01)} and the multi-subject EPI masks CanICA and
 * DictLearning computed for themselves.
 */
class EpiMaskReferenceTest {
  @TempDir
  Path tempDir;

  private static BinaryMask nilearnMask(String name) {
    try (NiftiImage img = NiftiImage.open(MaskFixtures.path(name))) {
      return Masking.loadMask(img, false);
    }
  }

  private static BinaryMask epiMask(int subject) {
    try (NiftiImage img = NiftiImage.open(MaskFixtures.path("sub-0" + subject + "_bold.nii.gz"))) {
      return Masking.computeEpiMask(img, EpiMaskOptions.defaults());
    }
  }

  private static BinaryMask multiMask() {
    List<NiftiImage> imgs = new ArrayList<>();
    try {
      for (int s = 1; s <= 3; s++) {
        imgs.add(NiftiImage.open(MaskFixtures.path("sub-0" + s + "_bold.nii.gz")));
      }
      return Masking.computeMultiEpiMask(imgs, EpiMaskOptions.defaults(), 0.5);
    } finally {
      imgs.forEach(NiftiImage::close);
    }
  }

  private static void assertSameMask(BinaryMask expected, BinaryMask got) {
    assertEquals(expected.x(), got.x());
    assertEquals(expected.y(), got.y());
    assertEquals(expected.z(), got.z());
    assertEquals(1.0, got.dice(expected), () -> "Dice with nilearn's mask: " + got.dice(expected)
        + " (" + got.count() + " vs " + expected.count() + " voxels)");
    assertArrayEquals(expected.voxels(), got.voxels());
    assertTrue(got.sameGrid(expected), "same affine as nilearn's mask");
  }

  @Test
  void epi_mask_equals_nilearns_on_the_reference_subject() {
    BinaryMask expected = nilearnMask("epi_mask.nii.gz");
    BinaryMask got = epiMask(1);
    assertEquals(816, expected.count());
    assertSameMask(expected, got);
  }

  @Test
  void multi_subject_epi_mask_equals_canicas_own_mask() {
    assertSameMask(nilearnMask("canica_mask.nii.gz"), multiMask());
  }

  @Test
  void multi_subject_epi_mask_equals_dictlearnings_own_mask() {
    // DictLearning builds its MultiNiftiMasker exactly like CanICA (mask_strategy='epi'); its
    // smoothing (4 mm vs 6 mm) is applied after the mask is computed.
    assertSameMask(nilearnMask("dictlearning_mask.nii.gz"), multiMask());
  }

  @Test
  void epi_mask_carries_the_images_affine_and_written_file_reads_back_as_nilearns() {
    BinaryMask got = epiMask(1);
    try (NiftiImage img = NiftiImage.open(MaskFixtures.path("sub-01_bold.nii.gz"))) {
      assertArrayEquals(img.header().affine(), got.affine());
    }
    Path out = tempDir.resolve("epi_mask.nii.gz");
    got.writeNifti(out);
    try (NiftiImage back = NiftiImage.open(out);
        NiftiImage ref = NiftiImage.open(MaskFixtures.path("epi_mask.nii.gz"))) {
      assertEquals(NiftiDatatype.UINT8, back.header().datatype());
      assertEquals(ref.header().datatype(), back.header().datatype());
      assertEquals(ref.header().sformCode(), back.header().sformCode());
      assertEquals(ref.header().qformCode(), back.header().qformCode());
      assertArrayEquals(ref.header().affine(), back.header().affine());
      assertEquals(got, Masking.loadMask(back, false));
    }
  }

}
