package io.voxelflow.simulate;

import io.voxelflow.error.InvalidArgumentException;

/**
 * Every parameter of one simulation: a {@link SimulationSize} preset, the seed, and the overrides
 * the reference generator accepts ({@code --snr --signal-pct --drift-pct --slow-drift-pct
 * --jitter-vox --subjects --networks --regions --vols --compresslevel}). {@code threads} only sets
 * how many subjects are generated at once; it never changes the output.
 *
 * <p>Start from {@link #of(SimulationSize, long)} and change fields with the {@code with…} methods.
 * Invalid values are refused with {@link InvalidArgumentException}.
 */
public record SimulationConfig(
    SimulationSize size,
    long seed,
    int subjects,
    int networks,
    int regions,
    int volumes,
    double snr,
    double signalPct,
    double driftPct,
    double slowDriftPct,
    double jitterVox,
    int gzipLevel,
    int threads) {

  /** Default BOLD amplitude, fraction of baseline. */
  public static final double DEFAULT_SIGNAL_PCT = 0.02;
  /** Default peak-to-peak linear drift, fraction of baseline. */
  public static final double DEFAULT_DRIFT_PCT = 0.02;
  /** Default amplitude of the half-cosine drift, fraction of baseline. */
  public static final double DEFAULT_SLOW_DRIFT_PCT = 0.002;
  /** Default sd of the per-subject blob-centre jitter, voxels. */
  public static final double DEFAULT_JITTER_VOX = 0.75;

  public SimulationConfig {
    if (size == null) {
      throw invalid("size is required");
    }
    if (subjects < 1 || subjects > 999) {
      throw invalid("subjects must be 1..999, got " + subjects);
    }
    if (networks < 1 || networks > 100) {
      throw invalid("networks must be 1..100, got " + networks);
    }
    if (regions < 1 || regions > 1000) {
      throw invalid("regions must be 1..1000, got " + regions);
    }
    if (volumes < 2 || volumes > 10_000) {
      throw invalid("volumes must be 2..10000, got " + volumes);
    }
    if (!(snr > 0) || Double.isInfinite(snr)) {
      throw invalid("snr must be a positive number, got " + snr);
    }
    if (!(signalPct >= 0 && signalPct <= 1)) {
      throw invalid("signalPct must be in [0, 1], got " + signalPct);
    }
    if (!(driftPct >= 0 && driftPct <= 1)) {
      throw invalid("driftPct must be in [0, 1], got " + driftPct);
    }
    if (!(slowDriftPct >= 0 && slowDriftPct <= 1)) {
      throw invalid("slowDriftPct must be in [0, 1], got " + slowDriftPct);
    }
    if (!(jitterVox >= 0 && jitterVox <= 10)) {
      throw invalid("jitterVox must be in [0, 10], got " + jitterVox);
    }
    if (gzipLevel < 0 || gzipLevel > 9) {
      throw invalid("gzipLevel must be 0..9, got " + gzipLevel);
    }
    if (threads < 1) {
      throw invalid("threads must be at least 1, got " + threads);
    }
  }

  private static InvalidArgumentException invalid(String message) {
    return new InvalidArgumentException("INVALID_SIMULATION_PARAMETER", message);
  }

  /**
   * The preset's defaults with this seed; {@code threads} = available processors (at most one
   * thread per subject is used).
   */
  public static SimulationConfig of(SimulationSize size, long seed) {
    if (size == null) {
      throw invalid("size is required");
    }
    return new SimulationConfig(size, seed, size.subjects(), size.networks(), size.regions(), size.volumes(),
        size.snr(), DEFAULT_SIGNAL_PCT, DEFAULT_DRIFT_PCT, DEFAULT_SLOW_DRIFT_PCT, DEFAULT_JITTER_VOX,
        size.gzipLevel(), Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  /** The noise sd: {@code 1000 · signalPct / snr}. */
  public double noiseSd() {
    return Simulator.BASELINE * signalPct / snr;
  }

  public SimulationConfig withSeed(long v) {
    return new SimulationConfig(size, v, subjects, networks, regions, volumes, snr, signalPct, driftPct,
        slowDriftPct, jitterVox, gzipLevel, threads);
  }

  public SimulationConfig withSubjects(int v) {
    return new SimulationConfig(size, seed, v, networks, regions, volumes, snr, signalPct, driftPct,
        slowDriftPct, jitterVox, gzipLevel, threads);
  }

  public SimulationConfig withNetworks(int v) {
    return new SimulationConfig(size, seed, subjects, v, regions, volumes, snr, signalPct, driftPct,
        slowDriftPct, jitterVox, gzipLevel, threads);
  }

  public SimulationConfig withRegions(int v) {
    return new SimulationConfig(size, seed, subjects, networks, v, volumes, snr, signalPct, driftPct,
        slowDriftPct, jitterVox, gzipLevel, threads);
  }

  public SimulationConfig withVolumes(int v) {
    return new SimulationConfig(size, seed, subjects, networks, regions, v, snr, signalPct, driftPct,
        slowDriftPct, jitterVox, gzipLevel, threads);
  }

  public SimulationConfig withSnr(double v) {
    return new SimulationConfig(size, seed, subjects, networks, regions, volumes, v, signalPct, driftPct,
        slowDriftPct, jitterVox, gzipLevel, threads);
  }

  public SimulationConfig withSignalPct(double v) {
    return new SimulationConfig(size, seed, subjects, networks, regions, volumes, snr, v, driftPct,
        slowDriftPct, jitterVox, gzipLevel, threads);
  }

  public SimulationConfig withDriftPct(double v) {
    return new SimulationConfig(size, seed, subjects, networks, regions, volumes, snr, signalPct, v,
        slowDriftPct, jitterVox, gzipLevel, threads);
  }

  public SimulationConfig withSlowDriftPct(double v) {
    return new SimulationConfig(size, seed, subjects, networks, regions, volumes, snr, signalPct, driftPct,
        v, jitterVox, gzipLevel, threads);
  }

  public SimulationConfig withJitterVox(double v) {
    return new SimulationConfig(size, seed, subjects, networks, regions, volumes, snr, signalPct, driftPct,
        slowDriftPct, v, gzipLevel, threads);
  }

  public SimulationConfig withGzipLevel(int v) {
    return new SimulationConfig(size, seed, subjects, networks, regions, volumes, snr, signalPct, driftPct,
        slowDriftPct, jitterVox, v, threads);
  }

  public SimulationConfig withThreads(int v) {
    return new SimulationConfig(size, seed, subjects, networks, regions, volumes, snr, signalPct, driftPct,
        slowDriftPct, jitterVox, gzipLevel, v);
  }
}
