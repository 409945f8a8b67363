package io.voxelflow.loadtests;

import io.voxelflow.masking.extract.OutOfCore;
import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.mask.EpiMaskOptions;
import io.voxelflow.masking.mask.Masking;
import io.voxelflow.masking.signal.CleanOptions;
import io.voxelflow.masking.signal.Signal;
import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiHeader;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.nifti.NiftiWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A subject larger than the memory the process is given: 96×96×64×1100 float32 (2.6 GB
 * uncompressed) under {@code -Xmx1g -XX:MaxDirectMemorySize=512m}: EPI mask, then smoothing 6 mm,
 * detrend, band-pass and z-score block by block ({@link OutOfCore}). Reports wall time, the T×V
 * size against the heap, and the peak heap used; rows are checked for being z-scored.
 */
final class MaskingLargeBench {
  private MaskingLargeBench() {}

  static void run() throws Exception {
    int x = 96;
    int y = 96;
    int z = 64;
    int t = 1100;
    Path dir = BenchFiles.dir().resolve("masking-large");
    Files.createDirectories(dir);
    Path nii = dir.resolve("bold_96x96x64x1100.nii");
    if (!Files.exists(nii)) {
      NiftiHeader h = NiftiHeader.of(NiftiDatatype.FLOAT32, x, y, z, t);
      h.setAffine(new double[][] {{-2.5, 0, 0, 120}, {0, 2.5, 0, -120}, {0, 0, 2.5, -80}, {0, 0, 0, 1}}, 1);
      h.setPixdim(4, 2.0);
      SplittableRandom rng = new SplittableRandom(5);
      float[] vol = new float[x * y * z];
      try (NiftiWriter w = NiftiWriter.create(nii, h)) {
        for (int v = 0; v < t; v++) {
          for (int k = 0; k < z; k++) {
            for (int j = 0; j < y; j++) {
              for (int i = 0; i < x; i++) {
                double r2 = sq((i - x / 2.0) / (0.42 * x)) + sq((j - y / 2.0) / (0.43 * y)) + sq((k - z / 2.0) / (0.4 * z));
                vol[i + x * (j + y * k)] = (float) Math.round((r2 <= 1 ? 1000 : 50) + 20 * rng.nextDouble());
              }
            }
          }
          w.writeVolume(vol);
        }
      }
    }
    IngestBench.Sampler sampler = new IngestBench.Sampler();
    sampler.start();
    long t0 = System.nanoTime();
    BinaryMask mask;
    try (NiftiImage img = NiftiImage.open(nii)) {
      mask = Masking.computeEpiMask(img, EpiMaskOptions.defaults());
    }
    long t1 = System.nanoTime();
    double[] sumSq = new double[1];
    long[] rows = new long[1];
    int block;
    try (NiftiImage img = NiftiImage.open(nii)) {
      block = OutOfCore.extract(img, mask, 6.0, CleanOptions.builder().detrend(true)
              .standardize(Signal.Standardize.ZSCORE_SAMPLE).lowPass(0.1).highPass(0.01).tR(2.0).build(),
          dir.resolve("scratch"), Runtime.getRuntime().maxMemory() / 4, (r, row) -> {
            for (double v : row) {
              sumSq[0] += v * v;
            }
            rows[0]++;
          });
    }
    long t2 = System.nanoTime();
    sampler.stop();
    double tv = (double) t * mask.count() * 4;
    // z-scored with ddof=1: the mean square over all values is (T-1)/T
    double meanSq = sumSq[0] / ((double) t * mask.count());
    System.out.printf(Locale.ROOT, "{\"suite\": \"masking-large\", \"nii_gb\": %.2f, \"mask_voxels\": %d, \"t_by_v_float32_gb\": %.2f,"
            + " \"max_heap_gb\": %.2f, \"block_columns\": %d, \"epi_mask_s\": %.1f, \"extract_clean_s\": %.1f,"
            + " \"peak_heap_used_mb\": %.0f, \"peak_direct_mb\": %.0f, \"rows\": %d, \"mean_square\": %.6f, \"expected_mean_square\": %.6f}%n",
        Files.size(nii) / 1e9, mask.count(), tv / 1e9, Runtime.getRuntime().maxMemory() / 1e9, block,
        (t1 - t0) / 1e9, (t2 - t1) / 1e9, sampler.heap.get() / 1e6, sampler.direct.get() / 1e6, rows[0], meanSq,
        (t - 1.0) / t);
  }

  static double sq(double v) {
    return v * v;
  }
}
