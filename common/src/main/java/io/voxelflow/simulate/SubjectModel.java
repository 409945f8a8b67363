package io.voxelflow.simulate;

import io.voxelflow.nifti.NiftiWriter;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.function.IntConsumer;

/**
 * One subject of the synthetic model ({@code make_subject} of the reference), from the stream
 * {@code (seed, 1, s)} so that subject s does not depend on how many subjects there are.
 *
 * <p>Everything but the noise is drawn at construction; {@link #writeBold} then computes the BOLD
 * series one volume at a time (signal, drifts, noise, clip at 0, round), so memory stays at a few
 * arrays over voxels (plus K maps) whatever the number of volumes.
 */
final class SubjectModel {
  final int index;
  final String id;
  final double[][][] jitter;
  final double[][] ampScale;
  final float[][] maps;
  final double[] netAmp;
  final double[][] modelCorr;
  /** The true time courses A (K × T), unit variance per network. */
  final double[][] tc;
  final double[] driftSigns;
  final double gscale;
  final double noiseSd;

  private final GroupModel group;
  private final SimulationConfig cfg;
  private final double[] w1;
  private final double[] w2;
  private final SplittableRandom rng;

  SubjectModel(GroupModel g, SimulationConfig cfg, int s) {
    this.group = g;
    this.cfg = cfg;
    this.index = s;
    this.id = Simulator.subjectId(s);
    this.rng = SimMath.stream(cfg.seed(), 1, s);
    List<GroupModel.Network> nets = g.networks;
    int kNet = nets.size();
    int nVols = cfg.volumes();

    jitter = new double[kNet][][];
    for (int n = 0; n < kNet; n++) {
      jitter[n] = new double[nets.get(n).blobs().size()][3];
      for (double[] j : jitter[n]) {
        for (int d = 0; d < 3; d++) {
          j[d] = cfg.jitterVox() * rng.nextGaussian();
        }
      }
    }
    ampScale = new double[kNet][];
    for (int n = 0; n < kNet; n++) {
      ampScale[n] = new double[nets.get(n).blobs().size()];
      for (int b = 0; b < ampScale[n].length; b++) {
        ampScale[n][b] = SimMath.uniform(rng, 0.85, 1.15);
      }
    }
    maps = g.networkMaps(jitter, ampScale);
    netAmp = new double[kNet];
    for (int n = 0; n < kNet; n++) {
      netAmp[n] = nets.get(n).amplitude() * SimMath.uniform(rng, 0.9, 1.1);
    }

    // time courses: correlated band-limited noise; network 0 carries the task
    double[][] fs = new double[kNet][2];
    for (int n = 0; n < kNet; n++) {
      for (int q = 0; q < 2; q++) {
        fs[n][q] = g.factors[n][q] + 0.15 * rng.nextGaussian();
      }
    }
    modelCorr = SimMath.corrFromFactors(fs);
    double[][] z = SimMath.bandlimitedNoise(rng, kNet, nVols, Simulator.TR, Simulator.BAND_LOW_HZ,
        Simulator.BAND_HIGH_HZ);
    double[] task = SimMath.blockDesign(nVols, Simulator.TR, 20.0, 20.0, 20);
    double[] z0 = new double[nVols];
    for (int t = 0; t < nVols; t++) {
      z0[t] = 0.8 * task[t] + 0.6 * z[0][t];
    }
    z[0] = SimMath.zscore(z0);
    double[][] l = SimMath.cholesky(modelCorr);
    tc = new double[kNet][nVols];
    for (int a = 0; a < kNet; a++) {
      for (int t = 0; t < nVols; t++) {
        double sum = 0;
        for (int b = 0; b <= a; b++) {
          sum += l[a][b] * z[b][t];
        }
        tc[a][t] = sum;
      }
      SimMath.zscoreInPlace(tc[a]);
    }

    // drift: linear ramp + half cosine, smooth spatial weights (~0.5..1.5), random signs
    int maxDim = Math.max(g.nx, Math.max(g.ny, g.nz));
    w1 = SimMath.smoothField(rng, g.nx, g.ny, g.nz, maxDim / 5.0);
    w2 = SimMath.smoothField(rng, g.nx, g.ny, g.nz, maxDim / 5.0);
    for (int v = 0; v < g.nv; v++) {
      w1[v] = 1.0 + 0.25 * w1[v];
      w2[v] = 1.0 + 0.25 * w2[v];
    }
    driftSigns = new double[] {rng.nextBoolean() ? 1.0 : -1.0, rng.nextBoolean() ? 1.0 : -1.0};
    noiseSd = cfg.noiseSd();
    gscale = SimMath.uniform(rng, 0.95, 1.05);
  }

  /** Sample correlation of the true time courses ({@code np.corrcoef(A)}). */
  double[][] trueCorrelation() {
    return SimMath.corrcoef(tc);
  }

  /** The true time courses as T × K floats (row t = volume t), as saved to the .npy file. */
  float[] timecoursesTxK() {
    int kNet = tc.length;
    int nVols = tc[0].length;
    float[] out = new float[nVols * kNet];
    for (int t = 0; t < nVols; t++) {
      for (int n = 0; n < kNet; n++) {
        out[t * kNet + n] = (float) tc[n][t];
      }
    }
    return out;
  }

  /**
   * Computes and writes the BOLD series, volume by volume:
   * {@code round(max(0, g·M·(1 + pct·Σ a_k S_k A_k(t) + drift·w1·(t' − ½) + slow·w2·cos(π t')) + N))}
   * with {@code t' = t/(T−1)}. Calls {@code afterVolume} with the number of volumes done. Stops with
   * {@link CancellationException} if the thread is interrupted.
   */
  void writeBold(NiftiWriter writer, IntConsumer afterVolume) {
    int nv = group.nv;
    int nVols = cfg.volumes();
    double[] m = new double[nv];
    double[] d1 = new double[nv];
    double[] d2 = new double[nv];
    for (int v = 0; v < nv; v++) {
      m[v] = group.meanImg[v] * gscale;
      d1[v] = m[v] * cfg.driftPct() * driftSigns[0] * w1[v];
      d2[v] = m[v] * cfg.slowDriftPct() * driftSigns[1] * w2[v];
    }
    // the maps are sparse: keep each network's non-zero voxels and M·pct·a_k·S_k there
    int kNet = maps.length;
    int[][] idx = new int[kNet][];
    double[][] coef = new double[kNet][];
    for (int n = 0; n < kNet; n++) {
      int count = 0;
      for (float x : maps[n]) {
        if (x != 0) {
          count++;
        }
      }
      idx[n] = new int[count];
      coef[n] = new double[count];
      int p = 0;
      for (int v = 0; v < nv; v++) {
        if (maps[n][v] != 0) {
          idx[n][p] = v;
          coef[n][p] = m[v] * cfg.signalPct() * netAmp[n] * maps[n][v];
          p++;
        }
      }
    }
    double[] acc = new double[nv];
    float[] vol = new float[nv];
    double denom = Math.max(nVols - 1, 1);
    for (int t = 0; t < nVols; t++) {
      if (Thread.currentThread().isInterrupted()) {
        throw new CancellationException("simulation of " + id + " interrupted");
      }
      double tt = t / denom;
      double lin = tt - 0.5;
      double cos = Math.cos(Math.PI * tt);
      for (int v = 0; v < nv; v++) {
        acc[v] = m[v] + d1[v] * lin + d2[v] * cos;
      }
      for (int n = 0; n < kNet; n++) {
        double a = tc[n][t];
        int[] ix = idx[n];
        double[] cf = coef[n];
        for (int p = 0; p < ix.length; p++) {
          acc[ix[p]] += cf[p] * a;
        }
      }
      for (int v = 0; v < nv; v++) {
        double x = acc[v] + noiseSd * rng.nextGaussian();
        vol[v] = x > 0 ? (float) Math.rint(x) : 0f;
      }
      writer.writeVolume(vol);
      afterVolume.accept(t + 1);
    }
  }
}
