package io.voxelflow.loadtests;

import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiHeader;
import io.voxelflow.nifti.NiftiWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Benchmark inputs, made once and cached under {@code VOXELFLOW_BENCH_DIR} (default /tmp/voxelflow-bench). */
final class BenchFiles {
  private BenchFiles() {}

  static Path dir() throws java.io.IOException {
    Path d = Path.of(System.getenv().getOrDefault("VOXELFLOW_BENCH_DIR", "/tmp/voxelflow-bench"));
    Files.createDirectories(d);
    return d;
  }

  /**
   * A fMRI-like float32 {@code .nii.gz}: a smooth brain-shaped baseline around 1000 with Gaussian
   * noise of sd 20, rounded to integers as scanners store them, gzip level 6 — so it compresses
   * about as real BOLD data does. {@code nx·ny·nz·nt·4} bytes uncompressed.
   */
  static Path boldGz(int nx, int ny, int nz, int nt) throws Exception {
    return boldGz(nx, ny, nz, nt, 6);
  }

  /** As {@link #boldGz(int, int, int, int)} with a gzip level. */
  static Path boldGz(int nx, int ny, int nz, int nt, int level) throws Exception {
    Path p = dir().resolve("bold_" + nx + "x" + ny + "x" + nz + "x" + nt + "_gz" + level + ".nii.gz");
    if (Files.exists(p)) {
      return p;
    }
    NiftiHeader h = NiftiHeader.of(NiftiDatatype.FLOAT32, nx, ny, nz, nt);
    h.setAffine(new double[][] {{-3, 0, 0, 90}, {0, 3, 0, -126}, {0, 0, 3, -72}, {0, 0, 0, 1}}, 1);
    h.setPixdim(4, 2.0);
    float[] base = new float[nx * ny * nz];
    for (int k = 0; k < nz; k++) {
      for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) {
          double x = (i - nx / 2.0) / (0.42 * nx);
          double y = (j - ny / 2.0) / (0.43 * ny);
          double z = (k - nz / 2.0) / (0.40 * nz);
          double r2 = x * x + y * y + z * z;
          base[i + nx * (j + ny * k)] = (float) (r2 <= 1 ? 1000 * (1 + 0.08 * Math.sin(i * 0.1 + j * 0.07)) : 50);
        }
      }
    }
    SplittableRandom rng = new SplittableRandom(42);
    float[] vol = new float[base.length];
    try (NiftiWriter w = NiftiWriter.create(p, h, java.util.List.of(), level)) {
      for (int t = 0; t < nt; t++) {
        for (int v = 0; v < vol.length; v++) {
          double sd = base[v] > 100 ? 20 : 5;
          vol[v] = Math.max(0, Math.round(base[v] + sd * gaussian(rng)));
        }
        w.writeVolume(vol);
      }
    }
    return p;
  }

  private static double gaussian(SplittableRandom r) {
    // Box-Muller; exactness does not matter for a benchmark input.
    double u = 1.0 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
