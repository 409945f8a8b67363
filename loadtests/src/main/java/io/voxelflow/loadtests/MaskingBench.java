package io.voxelflow.loadtests;

import io.voxelflow.masking.extract.MaskedSignals;
import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.mask.EpiMaskOptions;
import io.voxelflow.masking.mask.Masking;
import io.voxelflow.masking.signal.CleanOptions;
import io.voxelflow.masking.signal.Signal;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.simulate.SimulationConfig;
import io.voxelflow.simulate.SimulationSize;
import io.voxelflow.simulate.Simulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * nilearn's NiftiMasker workload on one 'medium' subject (61×73×61×300 float32 .nii.gz from the
 * simulator): EPI mask, then smoothing 6 mm + detrend + 0.01–0.1 Hz band-pass + z-score, reading
 * the .nii.gz each time — as a ratio to inflating the same file alone in the same run, with the
 * peak heap sampled. nilearn took 8–9 s for the cleaning part alone (excluding loading) on this
 * machine size (reference/README.md).
 */
final class MaskingBench {
  private MaskingBench() {}

  static void run() throws Exception {
    Path dir = BenchFiles.dir().resolve("masking");
    Path bold = dir.resolve("sub-01/func/sub-01_task-rest_bold.nii.gz");
    if (!Files.exists(bold)) {
      Simulator.simulate(dir, SimulationConfig.of(SimulationSize.MEDIUM, 1234).withSubjects(1), (f, s) -> { });
    }
    // The service reads the stored form: ingest keeps images uncompressed (.nii). Make that copy.
    Path raw = dir.resolve("sub-01_bold_stored.nii");
    if (!Files.exists(raw)) {
      try (NiftiImage img = NiftiImage.open(bold);
           io.voxelflow.nifti.NiftiWriter w = io.voxelflow.nifti.NiftiWriter.create(raw, img.header())) {
        byte[] buf = new byte[img.bytesPerVolume()];
        for (long v = 0; v < img.volumeCount(); v++) {
          img.readRawVolume(buf);
          w.writeRawVolume(buf);
        }
      }
    }
    double storedS = Double.MAX_VALUE;
    IngestBench.Sampler sampler = new IngestBench.Sampler();
    sampler.start();
    double inflate = Double.MAX_VALUE;
    double maskS = Double.MAX_VALUE;
    double extractS = Double.MAX_VALUE;
    int voxels = 0;
    for (int rep = 0; rep < 3; rep++) {
      long t0 = System.nanoTime();
      try (var in = new GZIPInputStream(Files.newInputStream(bold), 1 << 16)) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      long t1 = System.nanoTime();
      BinaryMask mask;
      try (NiftiImage img = NiftiImage.open(bold)) {
        mask = Masking.computeEpiMask(img, EpiMaskOptions.defaults());
      }
      long t2 = System.nanoTime();
      double[][] x;
      try (NiftiImage img = NiftiImage.open(bold)) {
        x = MaskedSignals.extract(img, mask, 6.0, CleanOptions.builder().detrend(true)
            .standardize(Signal.Standardize.ZSCORE_SAMPLE).lowPass(0.1).highPass(0.01).tR(2.0).build());
      }
      long t3 = System.nanoTime();
      BinaryMask m2;
      try (NiftiImage img = NiftiImage.open(raw)) {
        m2 = Masking.computeEpiMask(img, EpiMaskOptions.defaults());
      }
      try (NiftiImage img = NiftiImage.open(raw)) {
        MaskedSignals.extract(img, m2, 6.0, CleanOptions.builder().detrend(true)
            .standardize(Signal.Standardize.ZSCORE_SAMPLE).lowPass(0.1).highPass(0.01).tR(2.0).build());
      }
      long t4 = System.nanoTime();
      storedS = Math.min(storedS, (t4 - t3) / 1e9);
      voxels = x[0].length;
      inflate = Math.min(inflate, (t1 - t0) / 1e9);
      maskS = Math.min(maskS, (t2 - t1) / 1e9);
      extractS = Math.min(extractS, (t3 - t2) / 1e9);
    }
    sampler.stop();
    System.out.printf(Locale.ROOT, "{\"suite\": \"masking\", \"subject\": \"61x73x61x300 float32 .nii.gz\", \"voxels\": %d,"
            + " \"inflate_only_s\": %.2f, \"epi_mask_s\": %.2f, \"extract_clean_s\": %.2f,"
            + " \"mask_and_extract_vs_inflate\": %.2f, \"nilearn_clean_s\": \"8-9 (excluding loading)\","
            + " \"speedup_vs_nilearn_including_loading\": %.1f, \"stored_nii_mask_and_extract_s\": %.2f,"
            + " \"speedup_vs_nilearn_from_stored\": %.1f, \"max_heap_mb\": %.0f, \"peak_heap_used_mb\": %.0f}%n",
        voxels, inflate, maskS, extractS, (maskS + extractS) / inflate, 8.5 / (maskS + extractS), storedS, 8.5 / storedS,
        Runtime.getRuntime().maxMemory() / 1e6, sampler.heap.get() / 1e6);
  }
}
