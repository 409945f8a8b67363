package io.voxelflow.simulate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The group level of the synthetic model ({@code make_group} and {@code network_maps} of the
 * reference): brain mask, baseline image, the K planted networks and the factor model of their
 * time-course correlation. Arrays over voxels are in NIfTI file order (i fastest).
 */
final class GroupModel {
  /** One Gaussian blob: centre in voxel coordinates (i, j, k), σ in voxels, peak amplitude. */
  record Blob(double[] center, double sigma, double amp) {}

  /** A network: its blobs (the first is the main one; bilateral twin second), amplitude, bilaterality. */
  record Network(List<Blob> blobs, double amplitude, boolean bilateral) {}

  final int nx;
  final int ny;
  final int nz;
  final int nv;
  final double[] center;
  final double[] semi;
  final boolean[] mask;
  final int maskCount;
  final float[] meanImg;
  final List<Network> networks;
  final double sigmaVox;
  final double[][] factors;

  private GroupModel(int nx, int ny, int nz, double[] center, double[] semi, boolean[] mask, int maskCount,
      float[] meanImg, List<Network> networks, double sigmaVox, double[][] factors) {
    this.nx = nx;
    this.ny = ny;
    this.nz = nz;
    this.nv = nx * ny * nz;
    this.center = center;
    this.semi = semi;
    this.mask = mask;
    this.maskCount = maskCount;
    this.meanImg = meanImg;
    this.networks = networks;
    this.sigmaVox = sigmaVox;
    this.factors = factors;
  }

  int index(int i, int j, int k) {
    return i + nx * (j + ny * k);
  }

  /** Builds the group model from the stream {@code (seed, 0)}. */
  static GroupModel build(SimulationConfig cfg) {
    SimulationSize size = cfg.size();
    int nx = size.nx();
    int ny = size.ny();
    int nz = size.nz();
    int nv = nx * ny * nz;
    SplittableRandom rng = SimMath.stream(cfg.seed(), 0);
    double[] center = {(nx - 1) / 2.0, (ny - 1) / 2.0, (nz - 1) / 2.0};
    double[] semi = {nx * 0.42, ny * 0.43, nz * 0.40};
    boolean[] mask = new boolean[nv];
    boolean[] inner = new boolean[nv];
    int maskCount = 0;
    for (int k = 0; k < nz; k++) {
      for (int j = 0; j < ny; j++) {
        for (int i = 0; i < nx; i++) {
          double rx = (i - center[0]) / semi[0];
          double ry = (j - center[1]) / semi[1];
          double rz = (k - center[2]) / semi[2];
          double r2 = rx * rx + ry * ry + rz * rz;
          int v = i + nx * (j + ny * k);
          // an ellipsoid, flattened a little at the bottom
          mask[v] = r2 <= 1.0 && rz >= -0.8;
          inner[v] = r2 <= 0.55 && mask[v];
          if (mask[v]) {
            maskCount++;
          }
        }
      }
    }
    // baseline: bias field inside, partial-volume edge, dim background
    int maxDim = Math.max(nx, Math.max(ny, nz));
    double[] bias = SimMath.smoothField(rng, nx, ny, nz, maxDim / 6.0);
    double[] maskF = new double[nv];
    for (int v = 0; v < nv; v++) {
      maskF[v] = mask[v] ? 1.0 : 0.0;
    }
    double[] edge = SimMath.gaussianFilter(maskF, nx, ny, nz, 0.6);
    float[] meanImg = new float[nv];
    for (int v = 0; v < nv; v++) {
      double b = 1.0 + 0.08 * bias[v];
      meanImg[v] = (float) (Simulator.BASELINE
          * (Simulator.BACKGROUND_FRAC + (1 - Simulator.BACKGROUND_FRAC) * edge[v] * b));
    }

    // networks: blobs centred in the inner part of the ellipsoid (listed in numpy argwhere order)
    int kNet = cfg.networks();
    double sigmaVox = size.blobSigmaVox().orElse(Math.max(1.0, 0.12 * (semi[0] + semi[1] + semi[2]) / 3.0));
    List<int[]> innerIdx = new ArrayList<>();
    for (int i = 0; i < nx; i++) {
      for (int j = 0; j < ny; j++) {
        for (int k = 0; k < nz; k++) {
          if (inner[i + nx * (j + ny * k)]) {
            innerIdx.add(new int[] {i, j, k});
          }
        }
      }
    }
    if (innerIdx.isEmpty()) {
      throw new IllegalStateException("grid too small: no inner brain voxels for network blobs");
    }
    List<Network> networks = new ArrayList<>();
    for (int n = 0; n < kNet; n++) {
      int nExtra = rng.nextInt(2);
      boolean bilateral = rng.nextDouble() < 0.5;
      List<Blob> blobs = new ArrayList<>();
      double[] c = toDouble(innerIdx.get(rng.nextInt(innerIdx.size())));
      if (bilateral && Math.abs(c[0] - center[0]) < 2.5 * sigmaVox) {
        c[0] = center[0] + Math.signum(c[0] - center[0] + 1e-9) * 2.5 * sigmaVox;
      }
      double s = sigmaVox * SimMath.uniform(rng, 0.9, 1.3);
      blobs.add(new Blob(c, s, 1.0));
      if (bilateral) {
        double[] c2 = c.clone();
        c2[0] = 2 * center[0] - c[0];
        double s2 = s * SimMath.uniform(rng, 0.9, 1.1);
        blobs.add(new Blob(c2, s2, SimMath.uniform(rng, 0.7, 1.0)));
      }
      for (int e = 0; e < nExtra; e++) {
        double[] c3 = toDouble(innerIdx.get(rng.nextInt(innerIdx.size())));
        double s3 = sigmaVox * SimMath.uniform(rng, 0.8, 1.2);
        blobs.add(new Blob(c3, s3, SimMath.uniform(rng, 0.6, 0.9)));
      }
      networks.add(new Network(List.copyOf(blobs), SimMath.uniform(rng, 0.8, 1.2), bilateral));
    }

    // group correlation structure of the network time courses (2-factor model)
    double[][] factors = new double[kNet][2];
    for (int n = 0; n < kNet; n++) {
      for (int q = 0; q < 2; q++) {
        factors[n][q] = 0.5 * rng.nextGaussian();
      }
    }
    return new GroupModel(nx, ny, nz, center, semi, mask, maskCount, meanImg, List.copyOf(networks), sigmaVox,
        factors);
  }

  private static double[] toDouble(int[] ijk) {
    return new double[] {ijk[0], ijk[1], ijk[2]};
  }

  /** The model correlation of the group time courses, {@code corr_from_factors(F)}. */
  double[][] groupCorrelation() {
    return SimMath.corrFromFactors(factors);
  }

  /**
   * {@code network_maps}: K maps (each V floats), the sum of each network's blobs (centres shifted
   * by {@code jitter[k][b]}, amplitudes scaled by {@code ampScale[k][b]} when given), zero outside
   * the mask, divided by its maximum (peak exactly 1), values below 1e-3 set to 0.
   */
  float[][] networkMaps(double[][][] jitter, double[][] ampScale) {
    float[][] maps = new float[networks.size()][];
    double[] m = new double[nv];
    for (int n = 0; n < networks.size(); n++) {
      java.util.Arrays.fill(m, 0);
      List<Blob> blobs = networks.get(n).blobs();
      for (int b = 0; b < blobs.size(); b++) {
        Blob blob = blobs.get(b);
        double cx = blob.center()[0];
        double cy = blob.center()[1];
        double cz = blob.center()[2];
        double a = blob.amp();
        if (jitter != null) {
          cx += jitter[n][b][0];
          cy += jitter[n][b][1];
          cz += jitter[n][b][2];
          a *= ampScale[n][b];
        }
        double inv = 1.0 / (2.0 * blob.sigma() * blob.sigma());
        for (int k = 0; k < nz; k++) {
          for (int j = 0; j < ny; j++) {
            for (int i = 0; i < nx; i++) {
              int v = i + nx * (j + ny * k);
              if (mask[v]) {
                double dx = i - cx;
                double dy = j - cy;
                double dz = k - cz;
                m[v] += a * Math.exp(-(dx * dx + dy * dy + dz * dz) * inv);
              }
            }
          }
        }
      }
      double max = 0;
      for (double x : m) {
        max = Math.max(max, x);
      }
      float[] out = new float[nv];
      if (max > 0) {
        for (int v = 0; v < nv; v++) {
          double x = m[v] / max;
          out[v] = x < 1e-3 ? 0f : (float) x;
        }
      }
      maps[n] = out;
    }
    return maps;
  }
}
