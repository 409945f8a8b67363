package io.voxelflow.masking.extract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.mask.Masking;
import io.voxelflow.masking.signal.CleanOptions;
import io.voxelflow.masking.signal.Signal;
import io.voxelflow.nifti.NiftiImage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Block-by-block extraction (the transpose through disk) gives exactly what the in-memory
 * extraction gives, for the float32 path nilearn uses and for the float64 path (confounds).
 */
class OutOfCoreTest {
  @TempDir
  Path scratch;

  static BinaryMask mask() {
    try (NiftiImage m = NiftiImage.open(ExtractFixtures.path("epi_mask.nii.gz"))) {
      return Masking.loadMask(m, false);
    }
  }

  static double[][] outOfCore(CleanOptions clean, Path scratch, long budget, int[] blockUsed) {
    try (NiftiImage img = NiftiImage.open(ExtractFixtures.path("sub-01_bold.nii.gz"))) {
      BinaryMask mask = mask();
      double[][] out = new double[(int) img.volumeCount()][];
      blockUsed[0] = OutOfCore.extract(img, mask, 6.0, clean, scratch, budget, (t, row) -> out[t] = row.clone());
      return out;
    }
  }

  static double[][] inMemory(CleanOptions clean) {
    try (NiftiImage img = NiftiImage.open(ExtractFixtures.path("sub-01_bold.nii.gz"))) {
      return MaskedSignals.extract(img, mask(), 6.0, clean);
    }
  }

  @Test
  void column_blocks_equal_the_whole_matrix_in_nilearns_float32_path() {
    CleanOptions clean = CleanOptions.builder().detrend(true).standardize(Signal.Standardize.ZSCORE_SAMPLE)
        .lowPass(0.1).highPass(0.01).tR(2.0).build();
    int[] block = new int[1];
    double[][] a = outOfCore(clean, scratch, 48L * 4 * 8 * 7, block); // 7 columns per block
    assertEquals(7, block[0]);
    double[][] b = inMemory(clean);
    for (int t = 0; t < a.length; t++) {
      assertArrayEquals(b[t], a[t], 0.0, "volume " + t);
    }
  }

  @Test
  void column_blocks_equal_the_whole_matrix_with_confounds_in_float64() {
    double[][] confounds = new double[48][2];
    for (int t = 0; t < 48; t++) {
      confounds[t][0] = Math.sin(t / 4.0);
      confounds[t][1] = t * 0.1 + Math.cos(t / 7.0);
    }
    CleanOptions clean = CleanOptions.builder().detrend(true).standardize(Signal.Standardize.ZSCORE_SAMPLE)
        .confounds(confounds).lowPass(0.1).tR(2.0).build();
    int[] block = new int[1];
    double[][] a = outOfCore(clean, scratch, 48L * 4 * 8 * 13, block);
    assertTrue(block[0] < mask().count(), "blocks, not the whole matrix");
    double[][] b = inMemory(clean);
    for (int t = 0; t < a.length; t++) {
      assertArrayEquals(b[t], a[t], 1e-12, "volume " + t);
    }
  }
}
