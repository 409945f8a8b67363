package io.voxelflow.masking.extract;

import io.voxelflow.masking.signal.Butterworth;
import io.voxelflow.masking.signal.CleanOptions;
import io.voxelflow.masking.signal.Signal;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * nilearn 0.10.4's {@code signal.clean} on a <em>float32</em> matrix, in float32 arithmetic as
 * numpy performs it — what nilearn does with the float32 matrix a {@code NiftiMasker} extracts from
 * a float32 image ({@code _ensure_float} keeps float32, and every step keeps the dtype).
 *
 * <p>Why it exists: nilearn's float32 rounding is not negligible at the z-score level. After
 * filtering, nilearn adds the column means (≈1000 for BOLD) back and standardizes: in float32 that
 * rounds to 6e-5..1.2e-4 and the float32 mean of 48 such values is off by up to ~1e-3, which
 * shifts the z-scores by up to ~3e-4 (2.6e-4 on the reference subject) compared with exact
 * arithmetic ({@link Signal#clean}, float64). This class reproduces the rounding step by step:
 *
 * <ul>
 *   <li>column means ({@code signals.mean(axis=0)} of a C-ordered {@code T×V} array): rows added one
 *       after the other in float32, then divided by {@code T} in float32 (a single column is summed
 *       pairwise, as numpy does for a contiguous run);
 *   <li>detrend: float32 regressor {@code arange(T) - mean}, divided by its float32 norm (pairwise
 *       sums); {@code np.dot(regressor, signals)} is an OpenBLAS {@code sgemv}, emulated as one
 *       fused multiply-add per time point in time order: what OpenBLAS 0.3.21's AVX-512
 *       (SkylakeX) kernel computes, bit for bit, and what reproduces nilearn's reference output
 *       exactly (its Haswell/Zen kernels sum in another order, which moves nilearn's own output
 *       by up to 5e-5 on the reference subject); each product and difference rounded to float32;
 *   <li>Butterworth {@code filtfilt} per column: SciPy's odd extension computed in float32, both
 *       {@code lfilter} passes in float64 (SciPy casts to the coefficients' dtype), the result
 *       rounded to float32 when stored back into the float32 column;
 *   <li>{@code signals + mean_signals}, {@code zscore_sample} (mean, then numpy's two-pass variance
 *       with ddof=1, sqrt, division) and {@code psc}, all in float32.
 * </ul>
 *
 * <p>Supported options: {@code detrend}, {@code standardize} (all of {@link Signal.Standardize}),
 * {@code low_pass}/{@code high_pass}/{@code t_r} with either {@link Signal.CutoffPolicy},
 * {@code ensure_finite}. Confounds and scrubbing ({@code sample_mask}) are not: {@link
 * #supports(CleanOptions)} is false for them and callers fall back to {@link Signal#clean} (float64).
 * Validation, warnings and errors are those of {@link Signal#clean}.
 */
public final class Float32Clean {
  private static final double EPS = Math.ulp(1.0); // np.finfo(np.float64).eps

  private Float32Clean() {}

  /** Whether {@link #clean} handles these options (no confounds, no sample mask). */
  public static boolean supports(CleanOptions options) {
    return options.confounds() == null && options.sampleMask() == null && options.keepMask() == null;
  }

  /**
   * nilearn's {@code signal.clean(signals, ...)} for a float32 {@code T×V} matrix, in numpy's
   * float32 arithmetic; see the class comment.
   *
   * @param signals {@code T×V}, time along rows; not modified
   * @return a new {@code T×V} float32 matrix
   * @throws IllegalArgumentException for options {@link #supports} refuses, inconsistent shapes or
   *     parameters (same checks as {@link Signal#clean})
   */
  public static float[][] clean(float[][] signals, CleanOptions options) {
    if (!supports(options)) {
      throw new IllegalArgumentException("float32 clean does not handle confounds or sample_mask;"
          + " use Signal.clean");
    }
    Consumer<String> warn = options.warnings();
    int t = checkMatrix(signals);
    Double lowPass = options.lowPass();
    Double highPass = options.highPass();
    Double tR = options.tR();
    Butterworth.Coefficients coefficients = null;
    boolean filter = false;
    if (lowPass != null || highPass != null) {
      if (tR == null) {
        throw new IllegalArgumentException(
            "low_pass/high_pass need the repetition time t_r (seconds)");
      }
      if (!(tR > 0) || Double.isInfinite(tR)) {
        throw new IllegalArgumentException(
            "the repetition time t_r must be a positive number of seconds, got " + tR);
      }
      double samplingRate = 1.0 / tR;
      // Validates the cutoffs, applies the policy (with its warnings) and designs the filter.
      coefficients = Signal.butterworthCoefficients(samplingRate, lowPass, highPass,
          options.cutoffPolicy(), warn);
      Double effectiveLow = lowPass;
      if (options.cutoffPolicy() == Signal.CutoffPolicy.DROP_OR_REJECT && lowPass != null
          && lowPass >= samplingRate * 0.5) {
        effectiveLow = null; // dropped (Signal.clean then treats the call as unfiltered)
      }
      filter = effectiveLow != null || highPass != null;
    }

    float[][] x = new float[t][];
    for (int i = 0; i < t; i++) {
      x[i] = signals[i].clone();
      if (options.ensureFinite()) {
        float[] row = x[i];
        for (int j = 0; j < row.length; j++) {
          if (!Float.isFinite(row[j])) {
            row[j] = 0f;
          }
        }
      }
    }
    float[] means = columnMeans(x);
    if (options.detrend()) {
      detrend(x, warn);
    }
    if (filter && coefficients != null) {
      filtfilt(coefficients, x);
    }
    if ((options.detrend() && options.standardize() == Signal.Standardize.PSC) || filter) {
      for (float[] row : x) {
        for (int j = 0; j < row.length; j++) {
          row[j] = row[j] + means[j];
        }
      }
    }
    standardize(x, options.standardize(), warn);
    return x;
  }

  // ---------------------------------------------------------------------------------------------

  /** {@code signals.mean(axis=0)} of a C-ordered float32 {@code T×V} array. */
  static float[] columnMeans(float[][] x) {
    int t = x.length;
    int v = x[0].length;
    float[] sum = new float[v];
    if (v == 1) {
      // a (T, 1) array is contiguous along axis 0: numpy sums it pairwise
      float[] col = new float[t];
      for (int i = 0; i < t; i++) {
        col[i] = x[i][0];
      }
      sum[0] = NumpySums.pairwiseSum(col, 0, t);
    } else {
      for (float[] row : x) {
        for (int j = 0; j < v; j++) {
          sum[j] += row[j];
        }
      }
    }
    float n = t;
    for (int j = 0; j < v; j++) {
      sum[j] /= n;
    }
    return sum;
  }

  /** nilearn's {@code _detrend(signals, type='linear')} in place, float32. */
  static void detrend(float[][] x, Consumer<String> warn) {
    int t = x.length;
    if (t == 1) {
      warn.accept("Detrending of 3D signal has been requested but would lead to zero values."
          + " Skipping.");
      return;
    }
    int v = x[0].length;
    float[] mean = columnMeans(x);
    for (float[] row : x) {
      for (int j = 0; j < v; j++) {
        row[j] -= mean[j];
      }
    }
    float[] reg = new float[t];
    for (int i = 0; i < t; i++) {
      reg[i] = i;
    }
    float regMean = NumpySums.pairwiseSum(reg, 0, t) / (float) t;
    float[] sq = new float[t];
    for (int i = 0; i < t; i++) {
      reg[i] -= regMean;
      sq[i] = reg[i] * reg[i];
    }
    float std = (float) Math.sqrt(NumpySums.pairwiseSum(sq, 0, t));
    if (!(std < EPS)) {
      for (int i = 0; i < t; i++) {
        reg[i] /= std;
      }
    }
    float[] dot = new float[v];
    for (int i = 0; i < t; i++) {
      float r = reg[i];
      float[] row = x[i];
      for (int j = 0; j < v; j++) {
        dot[j] = Math.fma(r, row[j], dot[j]);
      }
    }
    for (int i = 0; i < t; i++) {
      float r = reg[i];
      float[] row = x[i];
      for (int j = 0; j < v; j++) {
        row[j] -= dot[j] * r;
      }
    }
  }

  /**
   * {@code scipy.signal.filtfilt(b, a, column, padtype='odd')} on each float32 column, in place:
   * float32 odd extension, float64 filtering, float32 result.
   */
  static void filtfilt(Butterworth.Coefficients c, float[][] x) {
    int t = x.length;
    int v = x[0].length;
    int ntaps = c.ntaps();
    int edge = 3 * ntaps;
    if (t <= edge) {
      throw new IllegalArgumentException("The length of the input vector x must be greater than"
          + " padlen, which is " + edge + " (3 * max(len(a), len(b))); got " + t
          + " time points");
    }
    double[] b = Arrays.copyOf(c.b(), ntaps);
    double[] a = Arrays.copyOf(c.a(), ntaps);
    if (a[0] != 1.0) {
      double a0 = a[0];
      for (int i = 0; i < ntaps; i++) {
        b[i] /= a0;
        a[i] /= a0;
      }
    }
    double[] zi = Butterworth.lfilterZi(c.b(), c.a());
    double[] state = new double[ntaps - 1];
    double[] ext = new double[t + 2 * edge];
    float[] col = new float[t];
    for (int j = 0; j < v; j++) {
      for (int i = 0; i < t; i++) {
        col[i] = x[i][j];
      }
      float left = col[0];
      float right = col[t - 1];
      for (int i = 0; i < edge; i++) {
        ext[i] = 2f * left - col[edge - i]; // float32, as numpy computes odd_ext of a float32 array
        ext[edge + t + i] = 2f * right - col[t - 2 - i];
      }
      for (int i = 0; i < t; i++) {
        ext[edge + i] = col[i];
      }
      double x0 = ext[0];
      for (int i = 0; i < state.length; i++) {
        state[i] = zi[i] * x0;
      }
      lfilter(b, a, ext, state);
      reverse(ext);
      double y0 = ext[0];
      for (int i = 0; i < state.length; i++) {
        state[i] = zi[i] * y0;
      }
      lfilter(b, a, ext, state);
      reverse(ext);
      for (int i = 0; i < t; i++) {
        x[i][j] = (float) ext[edge + i];
      }
    }
  }

  /** SciPy's {@code lfilter} (direct form II transposed, its loop order), in place, {@code a[0] == 1}. */
  private static void lfilter(double[] b, double[] a, double[] x, double[] state) {
    int nb = b.length;
    for (int k = 0; k < x.length; k++) {
      double xn = x[k];
      if (nb > 1) {
        double yn = state[0] + b[0] * xn;
        for (int n = 0; n < nb - 2; n++) {
          state[n] = state[n + 1] + xn * b[n + 1] - yn * a[n + 1];
        }
        state[nb - 2] = xn * b[nb - 1] - yn * a[nb - 1];
        x[k] = yn;
      } else {
        x[k] = xn * b[0];
      }
    }
  }

  private static void reverse(double[] v) {
    for (int i = 0, j = v.length - 1; i < j; i++, j--) {
      double tmp = v[i];
      v[i] = v[j];
      v[j] = tmp;
    }
  }

  /** nilearn's {@code standardize_signal(x, detrend=False, standardize)} in place, float32. */
  static void standardize(float[][] x, Signal.Standardize strategy, Consumer<String> warn) {
    if (strategy == Signal.Standardize.NONE) {
      return;
    }
    int t = x.length;
    int v = x[0].length;
    if (t == 1) {
      warn.accept("Standardization of 3D signal has been requested but would lead to zero"
          + " values. Skipping.");
      return;
    }
    switch (strategy) {
      case ZSCORE_SAMPLE, ZSCORE -> {
        float[] mean = columnMeans(x);
        for (float[] row : x) {
          for (int j = 0; j < v; j++) {
            row[j] -= mean[j];
          }
        }
        // np.std(ddof=1): mean, squared deviations, their sum / (T - 1), sqrt; all float32
        float[] m2 = columnMeans(x);
        float[] ss = sumOfSquaredDeviations(x, m2);
        float[] std = new float[v];
        float dof = strategy == Signal.Standardize.ZSCORE ? t : t - 1;
        for (int j = 0; j < v; j++) {
          std[j] = (float) Math.sqrt(ss[j] / dof);
          if (std[j] < EPS) {
            std[j] = 1f;
          }
        }
        for (float[] row : x) {
          for (int j = 0; j < v; j++) {
            row[j] /= std[j];
          }
        }
      }
      case PSC -> {
        float[] mean = columnMeans(x);
        boolean anyInvalid = false;
        for (int j = 0; j < v; j++) {
          anyInvalid |= Math.abs(mean[j]) < EPS;
        }
        for (float[] row : x) {
          for (int j = 0; j < v; j++) {
            row[j] = Math.abs(mean[j]) < EPS ? 0f : (row[j] - mean[j]) / Math.abs(mean[j]) * 100f;
          }
        }
        if (anyInvalid) {
          warn.accept("psc standardization strategy is meaningless for features that have a"
              + " mean of 0. These time series are set to 0.");
        }
      }
      default -> throw new AssertionError(strategy);
    }
  }

  /**
   * {@code ((x - m)**2).sum(axis=0)} of a C-ordered float32 array: each square rounded, rows added
   * in order (pairwise for a single column).
   */
  private static float[] sumOfSquaredDeviations(float[][] x, float[] m) {
    int t = x.length;
    int v = x[0].length;
    float[] sum = new float[v];
    if (v == 1) {
      float[] col = new float[t];
      for (int i = 0; i < t; i++) {
        float d = x[i][0] - m[0];
        col[i] = d * d;
      }
      sum[0] = NumpySums.pairwiseSum(col, 0, t);
      return sum;
    }
    for (float[] row : x) {
      for (int j = 0; j < v; j++) {
        float d = row[j] - m[j];
        sum[j] += d * d;
      }
    }
    return sum;
  }

  private static int checkMatrix(float[][] m) {
    if (m == null) {
      throw new IllegalArgumentException("signals must not be null");
    }
    if (m.length == 0) {
      throw new IllegalArgumentException("signals must have at least one time point (row)");
    }
    int cols = -1;
    for (int i = 0; i < m.length; i++) {
      if (m[i] == null) {
        throw new IllegalArgumentException("signals row " + i + " is null");
      }
      if (cols < 0) {
        cols = m[i].length;
      } else if (m[i].length != cols) {
        throw new IllegalArgumentException("signals must be rectangular (time x features): row "
            + i + " has " + m[i].length + " values, row 0 has " + cols);
      }
    }
    return m.length;
  }
}
