package io.voxelflow.masking.signal;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Pure-Java port of nilearn 0.10.4's {@code nilearn.signal}: {@link #clean} with the options
 * Voxelflow exposes, and the pieces it is made of ({@link #detrend}, {@link #standardize}, {@link
 * #butterworth}). Checked against golden data produced by {@code tools/golden/make_signal_golden.py}
 * (itself checked to be bit-identical to nilearn 0.10.4's own code).
 *
 * <p><b>Shapes and units.</b> Signals are time × features: {@code double[T][V]}, row {@code t} is
 * time point {@code t}, column {@code v} one voxel/region. Confounds are {@code double[T][C]}.
 * Frequencies ({@code lowPass}, {@code highPass}) are in Hz, the repetition time {@code tR} in
 * seconds; the sampling rate is {@code 1/tR} Hz and the Nyquist frequency {@code 0.5/tR} Hz.
 * Inputs are never modified; every method returns new arrays.
 *
 * <p><b>Order of operations in {@link #clean}</b> (nilearn 0.10.4, {@code filter='butterworth'},
 * {@code runs=None}, {@code extrapolate=True}):
 *
 * <ol>
 *   <li>{@code ensure_finite}: NaN/±inf in the signals (not the confounds) become 0.
 *   <li>Scrubbing ({@code sample_mask}): with a filter, censored volumes are first filled by a
 *       not-a-knot cubic spline through the kept frames at times {@code t * tR}, extrapolating at
 *       the ends (signals and confounds alike), and removed after filtering; without a filter the
 *       censored volumes are removed right away. <i>nilearn 0.10.4 quirk, copied:</i> it writes
 *       the spline into rows {@code ~k = T-1-k} for each kept index {@code k}, i.e. the mirror
 *       images of the kept frames. A censored frame whose mirror is also censored therefore keeps
 *       its raw value during filtering (and kept frames whose mirror is censored get the spline's
 *       value at their own knot, i.e. themselves up to rounding).
 *   <li>The column means are recorded (after interpolation, before detrending).
 *   <li>{@code detrend}: mean and linear trend removed from signals and confounds.
 *   <li>Butterworth filter (order 5, zero-phase {@code filtfilt}, odd padding) on signals and
 *       confounds; then censored volumes are dropped.
 *   <li>Confounds are standardized ({@code standardize_confounds=True}: mean removed and divided
 *       by the <i>population</i> std, ddof=0, nilearn's {@code 'zscore'}; otherwise divided by
 *       their max |value|), and the signals are projected on the orthogonal complement of their
 *       column space (pivoted QR; columns with |R_ii| ≤ 100·eps dropped).
 *   <li>Standardization. When a filter ran, or with {@code detrend} and {@code PSC}, it is applied
 *       to {@code signals + means} from step 3; so with a filter and {@link Standardize#NONE} the
 *       output is the filtered signal plus the original mean (nilearn behaviour).
 * </ol>
 *
 * <p>Cutoffs outside {@code [0, Nyquist)}: see {@link CutoffPolicy}. By default ({@link
 * CutoffPolicy#DROP_OR_REJECT}) a {@code low_pass} at or above Nyquist is dropped with a warning,
 * as if not given, and a {@code high_pass} at or above Nyquist or a negative cutoff is rejected;
 * {@link CutoffPolicy#NILEARN_CLAMP} instead does what nilearn 0.10.4 does (moves the cutoff just
 * inside the valid range, warns, and designs a numerically ill-conditioned filter). Errors that
 * nilearn raises become {@link IllegalArgumentException}s with the reason in the message; warnings
 * go to a {@code Consumer<String>}.
 */
public final class Signal {
  /** Default warning sink: {@link System.Logger} at WARNING. */
  static final Consumer<String> LOG_WARNINGS = message ->
      System.getLogger(Signal.class.getName()).log(System.Logger.Level.WARNING, message);

  private static final double EPS = Math.ulp(1.0); // np.finfo(np.float64).eps

  /** Butterworth filter order nilearn uses. */
  public static final int BUTTERWORTH_ORDER = 5;

  private Signal() {}

  /** nilearn's {@code standardize} strategies supported here. */
  public enum Standardize {
    /** {@code False}: no standardization. */
    NONE,
    /** {@code 'zscore_sample'}: zero mean, unit sample std (ddof=1); std below eps taken as 1. */
    ZSCORE_SAMPLE,
    /**
     * {@code 'zscore'} ({@code standardize=True} in nilearn 0.10, what CanICA and DictLearning use):
     * zero mean, unit population std (ddof=0); std below eps taken as 1.
     */
    ZSCORE,
    /**
     * {@code 'psc'}: percent signal change, {@code (x - mean) / |mean| * 100}; columns whose mean
     * is below eps in magnitude are set to 0 (with a warning).
     */
    PSC
  }

  // ---------------------------------------------------------------------------------------------
  // clean
  // ---------------------------------------------------------------------------------------------

  /**
   * nilearn's {@code signal.clean} with Voxelflow's parameters; {@code standardize_confounds=True};
   * warnings are logged.
   *
   * @param signals {@code T×V}, time along rows
   * @param detrend remove mean and linear trend (nilearn default true)
   * @param standardize final standardization
   * @param confounds {@code T×C} or null
   * @param lowPass low-pass cutoff in Hz or null
   * @param highPass high-pass cutoff in Hz or null
   * @param tR repetition time in seconds; needed (non-null) when a cutoff is given
   * @param sampleMask strictly increasing indices of the time points to keep, or null
   * @param ensureFinite replace non-finite signal values by 0 first
   * @return {@code T'×V}, {@code T' = sampleMask.length} when scrubbing, else {@code T}
   */
  public static double[][] clean(double[][] signals, boolean detrend, Standardize standardize,
      double[][] confounds, Double lowPass, Double highPass, Double tR, int[] sampleMask,
      boolean ensureFinite) {
    return clean(signals, CleanOptions.builder().detrend(detrend).standardize(standardize)
        .confounds(confounds).lowPass(lowPass).highPass(highPass).tR(tR).sampleMask(sampleMask)
        .ensureFinite(ensureFinite).build());
  }

  /**
   * nilearn 0.10.4's {@code signal.clean(signals, **options)}; see the class comment for the
   * order of operations.
   *
   * @param signals {@code T×V}, time along rows; not modified
   * @return {@code T'×V} cleaned signals ({@code T'} = number of kept time points)
   * @throws IllegalArgumentException for inconsistent shapes or parameters (see messages)
   */
  public static double[][] clean(double[][] signals, CleanOptions options) {
    Consumer<String> warn = options.warnings();
    int nTime = checkMatrix(signals, "signals");
    int nFeatures = signals[0].length;
    double[][] confounds = options.confounds();
    if (confounds != null) {
      if (confounds.length != nTime) {
        throw new IllegalArgumentException("confounds must have one row per time point: confounds"
            + " have shape " + shape(confounds) + " but signals have shape "
            + nTime + "x" + nFeatures);
      }
      checkMatrix(confounds, "confounds");
      if (!options.detrend() && !options.standardizeConfounds()) {
        warn.accept("When confounds are provided, one must perform detrend and/or standardize"
            + " confounds. You provided detrend=False, standardize_confounds=False. If confounds"
            + " were not standardized or demeaned before passing to signal.clean signal will not"
            + " be correctly cleaned.");
      }
    }
    Double lowPass = options.lowPass();
    Double highPass = options.highPass();
    Double tR = options.tR();
    if (lowPass != null || highPass != null) {
      if (tR == null) {
        throw new IllegalArgumentException(
            "low_pass/high_pass need the repetition time t_r (seconds)");
      }
      checkTr(tR);
      checkCutoffs(lowPass, highPass);
      if (options.cutoffPolicy() == CutoffPolicy.DROP_OR_REJECT) {
        lowPass = dropOrReject(1.0 / tR, lowPass, highPass, warn);
      }
    }
    boolean filter = lowPass != null || highPass != null;
    int[] kept = keptIndices(options, nTime);

    double[][] x = copy(signals);
    if (options.ensureFinite()) {
      for (double[] row : x) {
        for (int j = 0; j < row.length; j++) {
          if (!Double.isFinite(row[j])) {
            row[j] = 0.0;
          }
        }
      }
    }
    double[][] conf = confounds == null ? null : copy(confounds);

    if (kept != null) {
      if (filter) {
        interpolateVolumes(x, kept, tR);
        if (conf != null) {
          interpolateVolumes(conf, kept, tR);
        }
      } else {
        x = rows(x, kept);
        conf = conf == null ? null : rows(conf, kept);
      }
    }
    double[] means = columnMeans(x);
    if (options.detrend()) {
      x = detrend(x, warn);
      if (conf != null) {
        conf = detrend(conf, warn);
      }
    }
    if (filter) {
      double samplingRate = 1.0 / tR;
      Butterworth.Coefficients c = butterworthCoefficients(samplingRate, lowPass, highPass,
          options.cutoffPolicy(), warn);
      if (c != null) {
        x = Butterworth.filtfilt(c, x);
        if (conf != null) {
          conf = Butterworth.filtfilt(c, conf);
        }
      }
      if (kept != null) {
        x = rows(x, kept);
        conf = conf == null ? null : rows(conf, kept);
      }
    }
    if (conf != null) {
      if (options.standardizeConfounds()) {
        conf = zscorePopulation(conf, warn);
      } else {
        scaleByMaxAbs(conf);
      }
      projectOutConfounds(x, conf);
    }
    if ((options.detrend() && options.standardize() == Standardize.PSC) || filter) {
      for (double[] row : x) {
        for (int j = 0; j < row.length; j++) {
          row[j] = row[j] + means[j];
        }
      }
    }
    return standardize(x, options.standardize(), false, warn);
  }

  // ---------------------------------------------------------------------------------------------
  // detrend / standardize
  // ---------------------------------------------------------------------------------------------

  /**
   * nilearn's {@code _detrend(signals, type="linear")}: subtract each column's mean, then its
   * least-squares projection on the centred, unit-norm regressor {@code 0, 1, ..., T-1}. A single
   * time point is returned unchanged (with a warning).
   *
   * @param signals {@code T×V}; not modified
   * @return a new {@code T×V} array
   */
  public static double[][] detrend(double[][] signals) {
    return detrend(signals, LOG_WARNINGS);
  }

  /** {@link #detrend(double[][])} with an explicit warning sink. */
  public static double[][] detrend(double[][] signals, Consumer<String> warn) {
    int t = checkMatrix(signals, "signals");
    double[][] x = copy(signals);
    if (t == 1) {
      warn.accept("Detrending of 3D signal has been requested but would lead to zero values."
          + " Skipping.");
      return x;
    }
    subtractColumnMeans(x);
    double[] reg = new double[t];
    double regMean = 0.0;
    for (int i = 0; i < t; i++) {
      reg[i] = i;
      regMean += i;
    }
    regMean /= t;
    double ss = 0.0;
    for (int i = 0; i < t; i++) {
      reg[i] -= regMean;
      ss += reg[i] * reg[i];
    }
    double std = Math.sqrt(ss);
    if (!(std < EPS)) {
      for (int i = 0; i < t; i++) {
        reg[i] /= std;
      }
    }
    int v = x[0].length;
    double[] dot = new double[v];
    for (int i = 0; i < t; i++) {
      double[] row = x[i];
      for (int j = 0; j < v; j++) {
        dot[j] += reg[i] * row[j];
      }
    }
    for (int i = 0; i < t; i++) {
      double[] row = x[i];
      for (int j = 0; j < v; j++) {
        row[j] -= dot[j] * reg[i];
      }
    }
    return x;
  }

  /**
   * nilearn's {@code standardize_signal(signals, detrend, standardize)}: optionally {@link
   * #detrend}, then standardize each column. With a single time point standardization is skipped
   * (with a warning), as nilearn does.
   *
   * @param signals {@code T×V}; not modified
   * @return a new {@code T×V} array
   */
  public static double[][] standardize(double[][] signals, Standardize strategy, boolean detrend,
      Consumer<String> warn) {
    checkMatrix(signals, "signals");
    double[][] x = detrend ? detrend(signals, warn) : copy(signals);
    if (strategy == Standardize.NONE) {
      return x;
    }
    int t = x.length;
    int v = x[0].length;
    if (t == 1) {
      warn.accept("Standardization of 3D signal has been requested but would lead to zero"
          + " values. Skipping.");
      return x;
    }
    switch (strategy) {
      case ZSCORE_SAMPLE, ZSCORE -> {
        if (!detrend) {
          subtractColumnMeans(x);
        }
        divideByStd(x, strategy == Standardize.ZSCORE ? 0 : 1);
      }
      case PSC -> {
        double[] mean = columnMeans(x);
        boolean anyInvalid = false;
        boolean[] invalid = new boolean[v];
        for (int j = 0; j < v; j++) {
          invalid[j] = Math.abs(mean[j]) < EPS;
          anyInvalid |= invalid[j];
        }
        for (double[] row : x) {
          for (int j = 0; j < v; j++) {
            row[j] = invalid[j] ? 0.0 : (row[j] - mean[j]) / Math.abs(mean[j]) * 100;
          }
        }
        if (anyInvalid) {
          warn.accept("psc standardization strategy is meaningless for features that have a"
              + " mean of 0. These time series are set to 0.");
        }
      }
      default -> throw new AssertionError(strategy);
    }
    return x;
  }

  /** nilearn's {@code 'zscore'} (population std), used for confounds only. */
  private static double[][] zscorePopulation(double[][] conf, Consumer<String> warn) {
    if (conf.length == 1) {
      warn.accept("Standardization of 3D signal has been requested but would lead to zero"
          + " values. Skipping.");
      return conf;
    }
    subtractColumnMeans(conf);
    divideByStd(conf, 0);
    return conf;
  }

  private static void divideByStd(double[][] x, int ddof) {
    int t = x.length;
    int v = x[0].length;
    // numpy std: sqrt(sum((x - mean)^2) / (n - ddof)); x is already centred up to rounding, but
    // numpy recomputes the mean, so do the same.
    double[] mean = columnMeans(x);
    double[] ss = new double[v];
    for (double[] row : x) {
      for (int j = 0; j < v; j++) {
        double d = row[j] - mean[j];
        ss[j] += d * d;
      }
    }
    double[] std = new double[v];
    for (int j = 0; j < v; j++) {
      std[j] = Math.sqrt(ss[j] / Math.max(t - ddof, 0));
      if (std[j] < EPS) {
        std[j] = 1.0;
      }
    }
    for (double[] row : x) {
      for (int j = 0; j < v; j++) {
        row[j] /= std[j];
      }
    }
  }

  private static void scaleByMaxAbs(double[][] conf) {
    int c = conf[0].length;
    double[] max = new double[c];
    for (double[] row : conf) {
      for (int j = 0; j < c; j++) {
        max[j] = Math.max(max[j], Math.abs(row[j]));
      }
    }
    for (int j = 0; j < c; j++) {
      if (max[j] == 0) {
        max[j] = 1;
      }
    }
    for (double[] row : conf) {
      for (int j = 0; j < c; j++) {
        row[j] /= max[j];
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // butterworth
  // ---------------------------------------------------------------------------------------------

  /**
   * What to do with a cutoff outside {@code [0, Nyquist)}.
   *
   * <p>nilearn 0.10.4 ({@code _check_wn}) moves it to {@code nyq·(1 - 10·eps)} (or {@code nyq·eps}
   * when negative) and designs the filter anyway. That design is numerically meaningless: the
   * band-pass transform of a critical frequency 2·eps below Nyquist loses most of its digits to
   * cancellation, so SciPy's own coefficients depend on last-ulp rounding (with {@code t_r = 2},
   * {@code low_pass = 0.3}, {@code high_pass = 0.01} SciPy 1.10 even returns an unstable
   * denominator, |pole| ≈ 1.0004) and no independent implementation can reproduce its output.
   */
  public enum CutoffPolicy {
    /**
     * Default. A {@code low_pass} at or above Nyquist is dropped with a warning (a low-pass at
     * Nyquist passes everything: the rest of the filter still applies); a {@code high_pass} at or
     * above Nyquist (it would remove everything) or a negative cutoff is rejected with an {@link
     * IllegalArgumentException}.
     */
    DROP_OR_REJECT,
    /**
     * nilearn 0.10.4's {@code _check_wn}, bit for bit in the algorithm (clamp and warn), with the
     * caveat in the enum comment: results for clamped cutoffs do not match nilearn's numerically.
     */
    NILEARN_CLAMP
  }

  /**
   * nilearn's {@code signal.butterworth(signals, sampling_rate, low_pass, high_pass, order=5,
   * padtype='odd', padlen=None)} with the {@link CutoffPolicy#DROP_OR_REJECT} policy.
   *
   * @see #butterworth(double[][], double, Double, Double, CutoffPolicy, Consumer)
   */
  public static double[][] butterworth(double[][] signals, double samplingRate, Double lowPass,
      Double highPass, Consumer<String> warn) {
    return butterworth(signals, samplingRate, lowPass, highPass, CutoffPolicy.DROP_OR_REJECT,
        warn);
  }

  /**
   * nilearn's {@code signal.butterworth(signals, sampling_rate, low_pass, high_pass, order=5,
   * padtype='odd', padlen=None)}: low-pass ({@code highPass == null}), high-pass ({@code lowPass
   * == null}) or band-pass filtering of each column with {@code scipy.signal.butter(5, Wn, btype,
   * fs=sampling_rate)} and {@link Butterworth#filtfilt}. With both cutoffs null (or dropped) the
   * signals are returned (copied) unfiltered.
   *
   * @param signals {@code T×V}; not modified
   * @param samplingRate samples per second (Hz), {@code 1/tR}; Nyquist is half of it
   * @param lowPass cutoff in Hz or null
   * @param highPass cutoff in Hz or null
   * @param policy handling of cutoffs outside {@code [0, Nyquist)}
   * @param warn receives warnings (cutoff dropped or moved, band collapsed)
   * @return a new {@code T×V} array
   * @throws IllegalArgumentException if {@code highPass >= lowPass}, a cutoff is NaN or 0 (after
   *     the policy), or {@code T <= 3 * (filter length)} (18 for low/high-pass, 33 for band-pass)
   */
  public static double[][] butterworth(double[][] signals, double samplingRate, Double lowPass,
      Double highPass, CutoffPolicy policy, Consumer<String> warn) {
    checkMatrix(signals, "signals");
    Butterworth.Coefficients c =
        butterworthCoefficients(samplingRate, lowPass, highPass, policy, warn);
    if (c == null) {
      return copy(signals);
    }
    return Butterworth.filtfilt(c, signals);
  }

  /**
   * The {@code b, a} coefficients nilearn's {@code butterworth} designs for these cutoffs (in Hz)
   * at this sampling rate (Hz), after the cutoff policy; null when the signal is to be returned
   * unfiltered (no cutoff left, or a band whose two edges were clamped to the same frequency).
   */
  public static Butterworth.Coefficients butterworthCoefficients(double samplingRate,
      Double lowPass, Double highPass, CutoffPolicy policy, Consumer<String> warn) {
    if (lowPass == null && highPass == null) {
      return null;
    }
    checkCutoffs(lowPass, highPass);
    double nyq = samplingRate * 0.5;
    if (policy == CutoffPolicy.DROP_OR_REJECT) {
      lowPass = dropOrReject(samplingRate, lowPass, highPass, warn);
      if (lowPass == null && highPass == null) {
        return null;
      }
    }
    double[] critical = new double[(lowPass != null ? 1 : 0) + (highPass != null ? 1 : 0)];
    int n = 0;
    Butterworth.BandType btype = null;
    if (highPass != null) {
      btype = Butterworth.BandType.HIGH;
      critical[n++] = checkWn("high", highPass, nyq, warn);
    }
    if (lowPass != null) {
      btype = Butterworth.BandType.LOW;
      critical[n++] = checkWn("low", lowPass, nyq, warn);
    }
    if (critical.length == 2) {
      btype = Butterworth.BandType.BAND;
      if (critical[0] == critical[1]) {
        warn.accept("Signals are returned unfiltered because band-pass critical frequencies are"
            + " equal. Please check that inputs for sampling_rate, low_pass, and high_pass are"
            + " valid.");
        return null;
      }
    }
    // scipy.signal.butter(..., fs=samplingRate): Wn = 2*Wn/fs.
    double[] wn = new double[critical.length];
    for (int i = 0; i < wn.length; i++) {
      wn[i] = 2 * critical[i] / samplingRate;
      if (!(wn[i] > 0)) {
        throw new IllegalArgumentException("filter critical frequencies must be greater than 0;"
            + " got low_pass=" + lowPass + " Hz, high_pass=" + highPass + " Hz");
      }
    }
    return Butterworth.butter(BUTTERWORTH_ORDER, btype, wn);
  }

  /**
   * {@link CutoffPolicy#DROP_OR_REJECT}: rejects a negative cutoff or a high-pass at or above
   * Nyquist; returns the low-pass cutoff to use (null when it is at or above Nyquist, with a
   * warning).
   */
  private static Double dropOrReject(double samplingRate, Double lowPass, Double highPass,
      Consumer<String> warn) {
    double nyq = samplingRate * 0.5;
    if (highPass != null && (highPass >= nyq || highPass < 0)) {
      throw new IllegalArgumentException("high_pass (" + highPass + " Hz) must be in [0, Nyquist"
          + " frequency = " + nyq + " Hz) for t_r = " + (1.0 / samplingRate) + " s");
    }
    if (lowPass != null && lowPass < 0) {
      throw new IllegalArgumentException("low_pass (" + lowPass + " Hz) must not be negative");
    }
    if (lowPass != null && lowPass >= nyq) {
      warn.accept("low_pass (" + lowPass + " Hz) is at or above the Nyquist frequency (" + nyq
          + " Hz for t_r = " + (1.0 / samplingRate) + " s); no low-pass filter is applied.");
      return null;
    }
    return lowPass;
  }

  /** nilearn's {@code _check_wn} (a no-op for cutoffs already in {@code [0, nyq)}). */
  private static double checkWn(String btype, double freq, double nyq, Consumer<String> warn) {
    if (freq >= nyq) {
      double lowered = nyq - (nyq * 10 * EPS);
      warn.accept("The frequency specified for the " + btype + " pass filter is too high to be"
          + " handled by a digital filter (superior to Nyquist frequency). It has been lowered to "
          + lowered + " (Nyquist frequency).");
      return lowered;
    } else if (freq < 0.0) {
      double raised = nyq * EPS;
      warn.accept("The frequency specified for the " + btype + " pass filter is too low to be"
          + " handled by a digital filter (must be non-negative). It has been set to eps: "
          + raised);
      return raised;
    }
    return freq;
  }

  private static void checkCutoffs(Double lowPass, Double highPass) {
    if ((lowPass != null && Double.isNaN(lowPass)) || (highPass != null
        && Double.isNaN(highPass))) {
      throw new IllegalArgumentException("low_pass/high_pass must be numbers (Hz), got low_pass="
          + lowPass + ", high_pass=" + highPass);
    }
    if (lowPass != null && highPass != null && highPass >= lowPass) {
      throw new IllegalArgumentException("High pass cutoff frequency (" + highPass + " Hz) is"
          + " greater than or equal to low pass filter frequency (" + lowPass + " Hz): low_pass"
          + " must be greater than high_pass for a band-pass filter.");
    }
  }

  private static void checkTr(double tR) {
    if (!(tR > 0) || Double.isInfinite(tR)) {
      throw new IllegalArgumentException(
          "the repetition time t_r must be a positive number of seconds, got " + tR);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // scrubbing
  // ---------------------------------------------------------------------------------------------

  private static int[] keptIndices(CleanOptions options, int nTime) {
    int[] kept = options.sampleMask();
    boolean[] keep = options.keepMask();
    if (keep != null) {
      if (keep.length != nTime) {
        throw new IllegalArgumentException("boolean sample_mask has length " + keep.length
            + " but the signals have " + nTime + " time points");
      }
      int n = 0;
      for (boolean k : keep) {
        n += k ? 1 : 0;
      }
      kept = new int[n];
      n = 0;
      for (int i = 0; i < keep.length; i++) {
        if (keep[i]) {
          kept[n++] = i;
        }
      }
    }
    if (kept == null) {
      return null;
    }
    if (kept.length == 0) {
      throw new IllegalArgumentException("sample_mask keeps no time point");
    }
    for (int i = 0; i < kept.length; i++) {
      if (kept[i] < 0 || kept[i] >= nTime) {
        throw new IllegalArgumentException("sample_mask contains invalid index " + kept[i]
            + ": the signal has " + nTime + " time points (valid indices 0.." + (nTime - 1) + ")");
      }
      if (i > 0 && kept[i] <= kept[i - 1]) {
        throw new IllegalArgumentException("sample_mask indices must be strictly increasing, got "
            + kept[i - 1] + " then " + kept[i] + " at position " + i);
      }
    }
    return kept;
  }

  /**
   * nilearn 0.10.4's {@code _interpolate_volumes(volumes, sample_mask, t_r, extrapolate=True)},
   * in place, including its {@code volumes[~sample_mask] = ...} on an integer index array (rows
   * {@code T-1-k} for kept {@code k} receive the spline's values).
   */
  static void interpolateVolumes(double[][] volumes, int[] kept, double tR) {
    int t = volumes.length;
    int v = volumes[0].length;
    double[] knots = new double[kept.length];
    double[] at = new double[kept.length];
    int[] targetRows = new int[kept.length];
    for (int i = 0; i < kept.length; i++) {
      knots[i] = kept[i] * tR; // np.arange(T) * t_r
      targetRows[i] = t - 1 - kept[i]; // ~k == -k-1
      at[i] = targetRows[i] * tR;
    }
    CubicSpline spline = new CubicSpline(knots);
    int[] intervals = new int[at.length];
    for (int m = 0; m < at.length; m++) {
      intervals[m] = spline.interval(at[m]);
    }
    double[] y = new double[kept.length];
    double[] out = new double[kept.length];
    for (int j = 0; j < v; j++) {
      for (int i = 0; i < kept.length; i++) {
        y[i] = volumes[kept[i]][j];
      }
      spline.interpolate(y, at, intervals, out);
      for (int m = 0; m < targetRows.length; m++) {
        volumes[targetRows[m]][j] = out[m];
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // confounds
  // ---------------------------------------------------------------------------------------------

  /**
   * {@code Q, R, _ = linalg.qr(confounds, mode="economic", pivoting=True)}; keep the columns of
   * {@code Q} with {@code |R_ii| > 100 eps}; {@code signals -= Q @ Q.T @ signals} (in place).
   */
  static void projectOutConfounds(double[][] signals, double[][] confounds) {
    double[][] q = orthonormalBasis(confounds);
    int r = q.length == 0 ? 0 : q[0].length;
    if (r == 0) {
      return;
    }
    int t = signals.length;
    int v = signals[0].length;
    double[][] w = new double[r][v];
    for (int i = 0; i < t; i++) {
      double[] row = signals[i];
      double[] qi = q[i];
      for (int k = 0; k < r; k++) {
        double qik = qi[k];
        double[] wk = w[k];
        for (int j = 0; j < v; j++) {
          wk[j] += qik * row[j];
        }
      }
    }
    for (int i = 0; i < t; i++) {
      double[] row = signals[i];
      double[] qi = q[i];
      for (int k = 0; k < r; k++) {
        double qik = qi[k];
        double[] wk = w[k];
        for (int j = 0; j < v; j++) {
          row[j] -= qik * wk[j];
        }
      }
    }
  }

  /**
   * Householder QR with column pivoting (LAPACK {@code geqp3}'s strategy: at each step the
   * remaining column of largest norm); returns the first {@code r} columns of {@code Q} ({@code
   * T×r}) where {@code r} counts the pivots with {@code |R_ii| > 100 eps}.
   */
  static double[][] orthonormalBasis(double[][] a0) {
    int t = a0.length;
    int c = a0[0].length;
    int kmax = Math.min(t, c);
    double[][] a = copy(a0);
    int[] perm = new int[c];
    for (int j = 0; j < c; j++) {
      perm[j] = j;
    }
    double[][] vs = new double[kmax][];
    double[] betas = new double[kmax];
    int rank = 0;
    double threshold = EPS * 100.0;
    for (int k = 0; k < kmax; k++) {
      // Pivot: column with the largest remaining norm.
      int best = k;
      double bestNorm = -1;
      for (int j = k; j < c; j++) {
        double s = 0;
        for (int i = k; i < t; i++) {
          s += a[i][j] * a[i][j];
        }
        if (s > bestNorm) {
          bestNorm = s;
          best = j;
        }
      }
      if (best != k) {
        for (int i = 0; i < t; i++) {
          double tmp = a[i][k];
          a[i][k] = a[i][best];
          a[i][best] = tmp;
        }
        int tp = perm[k];
        perm[k] = perm[best];
        perm[best] = tp;
      }
      double norm = 0;
      for (int i = k; i < t; i++) {
        norm = Math.hypot(norm, a[i][k]);
      }
      double rkk = a[k][k] >= 0 ? -norm : norm;
      if (!(Math.abs(rkk) > threshold)) {
        break; // pivots are non-increasing in magnitude: the rest are below the threshold too
      }
      double[] v = new double[t - k];
      v[0] = a[k][k] - rkk;
      for (int i = k + 1; i < t; i++) {
        v[i - k] = a[i][k];
      }
      double vnorm2 = 0;
      for (double e : v) {
        vnorm2 += e * e;
      }
      double beta = vnorm2 == 0 ? 0 : 2.0 / vnorm2;
      for (int j = k; j < c; j++) {
        double s = 0;
        for (int i = k; i < t; i++) {
          s += v[i - k] * a[i][j];
        }
        s *= beta;
        for (int i = k; i < t; i++) {
          a[i][j] -= s * v[i - k];
        }
      }
      vs[k] = v;
      betas[k] = beta;
      rank++;
    }
    // Q[:, :rank] = H_0 H_1 ... H_{rank-1} applied to the first rank unit vectors.
    double[][] q = new double[t][rank];
    for (int col = 0; col < rank; col++) {
      double[] e = new double[t];
      e[col] = 1.0;
      for (int k = rank - 1; k >= 0; k--) {
        double[] v = vs[k];
        double s = 0;
        for (int i = k; i < t; i++) {
          s += v[i - k] * e[i];
        }
        s *= betas[k];
        for (int i = k; i < t; i++) {
          e[i] -= s * v[i - k];
        }
      }
      for (int i = 0; i < t; i++) {
        q[i][col] = e[i];
      }
    }
    return q;
  }

  // ---------------------------------------------------------------------------------------------
  // helpers
  // ---------------------------------------------------------------------------------------------

  /** Checks a non-empty rectangular matrix; returns its row count. */
  private static int checkMatrix(double[][] m, String what) {
    if (m == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    if (m.length == 0) {
      throw new IllegalArgumentException(what + " must have at least one time point (row)");
    }
    int cols = -1;
    for (int i = 0; i < m.length; i++) {
      if (m[i] == null) {
        throw new IllegalArgumentException(what + " row " + i + " is null");
      }
      if (cols < 0) {
        cols = m[i].length;
      } else if (m[i].length != cols) {
        throw new IllegalArgumentException(what + " must be rectangular (time x features): row "
            + i + " has " + m[i].length + " values, row 0 has " + cols);
      }
    }
    return m.length;
  }

  private static String shape(double[][] m) {
    return m.length + "x" + (m.length == 0 || m[0] == null ? 0 : m[0].length);
  }

  private static double[][] copy(double[][] m) {
    double[][] out = new double[m.length][];
    for (int i = 0; i < m.length; i++) {
      out[i] = m[i].clone();
    }
    return out;
  }

  private static double[][] rows(double[][] m, int[] idx) {
    double[][] out = new double[idx.length][];
    for (int i = 0; i < idx.length; i++) {
      out[i] = m[idx[i]];
    }
    return out;
  }

  private static double[] columnMeans(double[][] x) {
    int v = x[0].length;
    double[] sum = new double[v];
    for (double[] row : x) {
      for (int j = 0; j < v; j++) {
        sum[j] += row[j];
      }
    }
    for (int j = 0; j < v; j++) {
      sum[j] /= x.length;
    }
    return sum;
  }

  private static void subtractColumnMeans(double[][] x) {
    double[] mean = columnMeans(x);
    for (double[] row : x) {
      for (int j = 0; j < row.length; j++) {
        row[j] -= mean[j];
      }
    }
  }

  /** Row-major {@code T×V} view of a flat C-order array (copies). */
  public static double[][] fromFlat(double[] flat, int nTime, int nFeatures) {
    if ((long) nTime * nFeatures != flat.length) {
      throw new IllegalArgumentException("flat array has " + flat.length + " values, expected "
          + nTime + "x" + nFeatures);
    }
    double[][] out = new double[nTime][];
    for (int i = 0; i < nTime; i++) {
      out[i] = Arrays.copyOfRange(flat, i * nFeatures, (i + 1) * nFeatures);
    }
    return out;
  }

  /** Flat C-order copy of a rectangular {@code T×V} array. */
  public static double[] toFlat(double[][] m) {
    int v = m.length == 0 ? 0 : m[0].length;
    double[] out = new double[m.length * v];
    for (int i = 0; i < m.length; i++) {
      System.arraycopy(m[i], 0, out, i * v, v);
    }
    return out;
  }
}
