package io.voxelflow.masking.signal;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Parameters of {@link Signal#clean(double[][], CleanOptions)}, named after nilearn 0.10.4's
 * {@code nilearn.signal.clean} keywords. Build with {@link #builder()}; defaults are nilearn's,
 * except {@code standardize} (see {@link Builder#standardize}).
 *
 * <p>Units: frequencies in Hz, the repetition time in seconds. Arrays are time × features
 * ({@code T×V} signals, {@code T×C} confounds), rows are time points; they are not copied here and
 * never modified by {@code clean}.
 */
public final class CleanOptions {
  private final boolean detrend;
  private final Signal.Standardize standardize;
  private final double[][] confounds;
  private final boolean standardizeConfounds;
  private final Double lowPass;
  private final Double highPass;
  private final Double tR;
  private final int[] sampleMask;
  private final boolean[] keepMask;
  private final boolean ensureFinite;
  private final Signal.CutoffPolicy cutoffPolicy;
  private final Consumer<String> warnings;

  private CleanOptions(Builder b) {
    this.detrend = b.detrend;
    this.standardize = b.standardize;
    this.confounds = b.confounds;
    this.standardizeConfounds = b.standardizeConfounds;
    this.lowPass = b.lowPass;
    this.highPass = b.highPass;
    this.tR = b.tR;
    this.sampleMask = b.sampleMask;
    this.keepMask = b.keepMask;
    this.ensureFinite = b.ensureFinite;
    this.cutoffPolicy = b.cutoffPolicy;
    this.warnings = b.warnings;
  }

  /** A builder with nilearn's defaults (no filtering, no confounds, no scrubbing). */
  public static Builder builder() {
    return new Builder();
  }

  /** nilearn {@code detrend}: remove the mean and the least-squares linear trend (default true). */
  public boolean detrend() {
    return detrend;
  }

  /** nilearn {@code standardize}. */
  public Signal.Standardize standardize() {
    return standardize;
  }

  /** nilearn {@code confounds}, {@code T×C}, or null. */
  public double[][] confounds() {
    return confounds;
  }

  /** nilearn {@code standardize_confounds} (default true). */
  public boolean standardizeConfounds() {
    return standardizeConfounds;
  }

  /** nilearn {@code low_pass} in Hz, or null for none. */
  public Double lowPass() {
    return lowPass;
  }

  /** nilearn {@code high_pass} in Hz, or null for none. */
  public Double highPass() {
    return highPass;
  }

  /** nilearn {@code t_r}: repetition time in seconds, or null (then no filtering is allowed). */
  public Double tR() {
    return tR;
  }

  /** Indices of the kept time points (nilearn {@code sample_mask}), or null. */
  public int[] sampleMask() {
    return sampleMask;
  }

  /** Boolean form of {@code sample_mask} ({@code true} = keep), or null. */
  public boolean[] keepMask() {
    return keepMask;
  }

  /** nilearn {@code ensure_finite}: replace NaN/±inf in the signals by 0 first (default false). */
  public boolean ensureFinite() {
    return ensureFinite;
  }

  /** Handling of cutoffs outside {@code [0, Nyquist)} (default {@code DROP_OR_REJECT}). */
  public Signal.CutoffPolicy cutoffPolicy() {
    return cutoffPolicy;
  }

  /** Where nilearn's {@code warnings.warn} messages go. */
  public Consumer<String> warnings() {
    return warnings;
  }

  /** Mutable builder; {@link #build()} takes the arrays as given (no copy). */
  public static final class Builder {
    private boolean detrend = true;
    private Signal.Standardize standardize = Signal.Standardize.ZSCORE_SAMPLE;
    private double[][] confounds;
    private boolean standardizeConfounds = true;
    private Double lowPass;
    private Double highPass;
    private Double tR;
    private int[] sampleMask;
    private boolean[] keepMask;
    private boolean ensureFinite;
    private Signal.CutoffPolicy cutoffPolicy = Signal.CutoffPolicy.DROP_OR_REJECT;
    private Consumer<String> warnings = Signal.LOG_WARNINGS;

    private Builder() {}

    /** Default true, as nilearn. */
    public Builder detrend(boolean detrend) {
      this.detrend = detrend;
      return this;
    }

    /**
     * Default {@link Signal.Standardize#ZSCORE_SAMPLE}. nilearn 0.10.4's default is the deprecated
     * {@code 'zscore'} (population std), which this port does not offer; {@code 'zscore_sample'}
     * is the value nilearn's deprecation warning recommends and its later default.
     */
    public Builder standardize(Signal.Standardize standardize) {
      this.standardize = Objects.requireNonNull(standardize, "standardize");
      return this;
    }

    /** Confound time series, {@code T×C}, same {@code T} as the signals; null for none. */
    public Builder confounds(double[][] confounds) {
      this.confounds = confounds;
      return this;
    }

    /** Default true, as nilearn. */
    public Builder standardizeConfounds(boolean standardizeConfounds) {
      this.standardizeConfounds = standardizeConfounds;
      return this;
    }

    /** Low-pass cutoff in Hz (keep frequencies below it); null for none. */
    public Builder lowPass(Double hz) {
      this.lowPass = hz;
      return this;
    }

    /** High-pass cutoff in Hz (keep frequencies above it); null for none. */
    public Builder highPass(Double hz) {
      this.highPass = hz;
      return this;
    }

    /** Repetition time in seconds; required when a cutoff is set. */
    public Builder tR(Double seconds) {
      this.tR = seconds;
      return this;
    }

    /**
     * Time points to keep (scrubbing), as strictly increasing indices in {@code [0, T)}; clears a
     * boolean mask set before. Null for none.
     */
    public Builder sampleMask(int[] keptIndices) {
      this.sampleMask = keptIndices;
      this.keepMask = null;
      return this;
    }

    /**
     * Time points to keep as a boolean mask of length {@code T} ({@code true} = keep; nilearn
     * converts it to indices with {@code np.where}); clears an index mask set before.
     */
    public Builder sampleMask(boolean[] keep) {
      this.keepMask = keep;
      this.sampleMask = null;
      return this;
    }

    /** Default false, as nilearn. */
    public Builder ensureFinite(boolean ensureFinite) {
      this.ensureFinite = ensureFinite;
      return this;
    }

    /**
     * Default {@link Signal.CutoffPolicy#DROP_OR_REJECT}; {@link
     * Signal.CutoffPolicy#NILEARN_CLAMP} reproduces nilearn's clamping (ill-conditioned).
     */
    public Builder cutoffPolicy(Signal.CutoffPolicy policy) {
      this.cutoffPolicy = Objects.requireNonNull(policy, "cutoffPolicy");
      return this;
    }

    /** Receiver of nilearn's warnings; default logs them at WARNING via {@link System.Logger}. */
    public Builder warnings(Consumer<String> sink) {
      this.warnings = Objects.requireNonNull(sink, "warnings");
      return this;
    }

    public CleanOptions build() {
      return new CleanOptions(this);
    }
  }
}
