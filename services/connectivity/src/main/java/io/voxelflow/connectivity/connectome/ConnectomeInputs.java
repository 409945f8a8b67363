package io.voxelflow.connectivity.connectome;

import io.voxelflow.error.FailedPreconditionException;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.numerics.Linalg;
import io.voxelflow.numerics.Matrix;
import java.util.ArrayList;
import java.util.List;

/**
 * Guards on the subjects given to {@link ConnectivityMeasure}; each throws an exception whose reason
 * code says what is wrong and whose message names the subject (0-based index) and, where it helps,
 * the region and both shapes.
 */
public final class ConnectomeInputs {

  private ConnectomeInputs() {}

  /** Time series given as {@code double[subject][time][region]}, copied into matrices. */
  public static List<Matrix> toMatrices(double[][][] subjects) {
    List<Matrix> out = new ArrayList<>(subjects.length);
    for (int s = 0; s < subjects.length; s++) {
      double[][] x = subjects[s];
      int cols = x.length == 0 ? 0 : x[0].length;
      for (int t = 0; t < x.length; t++) {
        if (x[t].length != cols) {
          throw invalid("SHAPE_MISMATCH", "subject " + s + ": time point " + t + " has "
              + x[t].length + " regions but time point 0 has " + cols, s);
        }
      }
      out.add(Matrix.of(x));
    }
    return out;
  }

  /**
   * Checks every subject: at least one subject ({@code NO_SUBJECTS}), at least one region, at least
   * 2 time points ({@code TOO_FEW_TIME_POINTS}), only finite values ({@code NON_FINITE_VALUES}), the
   * same number of regions as subject 0 ({@code SHAPE_MISMATCH}) and no constant region series
   * ({@code CONSTANT_SIGNAL}: all values equal, so its variance is zero); and, for {@link
   * Kind#TANGENT}, at least 2 subjects ({@code TOO_FEW_SUBJECTS}).
   *
   * @throws InvalidArgumentException as listed
   */
  public static void check(List<Matrix> subjects, Kind kind) {
    if (subjects == null || subjects.isEmpty()) {
      throw new InvalidArgumentException("NO_SUBJECTS", "no subject time series were given");
    }
    if (kind == Kind.TANGENT && subjects.size() < 2) {
      throw (InvalidArgumentException) new InvalidArgumentException("TOO_FEW_SUBJECTS",
          "kind 'tangent' needs at least 2 subjects to estimate a group mean; got "
              + subjects.size()).with("subjects", subjects.size());
    }
    Matrix first = subjects.get(0);
    for (int s = 0; s < subjects.size(); s++) {
      Matrix x = subjects.get(s);
      if (x.cols() < 1) {
        throw invalid("SHAPE_MISMATCH", "subject " + s + " has no region (shape " + shape(x) + ")", s);
      }
      if (x.cols() != first.cols()) {
        throw (InvalidArgumentException) invalid("SHAPE_MISMATCH", "all subjects must have the same"
            + " number of regions: subject 0 has shape " + shape(first) + " (time × regions) but"
            + " subject " + s + " has shape " + shape(x), s)
            .with("expected_regions", first.cols()).with("regions", x.cols());
      }
      if (x.rows() < 2) {
        throw (InvalidArgumentException) invalid("TOO_FEW_TIME_POINTS", "subject " + s + " has "
            + x.rows() + " time point(s); a covariance needs at least 2", s)
            .with("time_points", x.rows());
      }
      checkFinite(x, s);
      checkNotConstant(x, s);
    }
  }

  private static void checkFinite(Matrix x, int s) {
    double[] d = x.data();
    for (int i = 0; i < d.length; i++) {
      if (!Double.isFinite(d[i])) {
        int t = i / x.cols();
        int r = i % x.cols();
        throw (InvalidArgumentException) invalid("NON_FINITE_VALUES", "subject " + s + " has a "
            + "non-finite value (" + d[i] + ") at time point " + t + ", region " + r, s)
            .with("time_point", t).with("region", r);
      }
    }
  }

  private static void checkNotConstant(Matrix x, int s) {
    int r = x.cols();
    double[] d = x.data();
    for (int j = 0; j < r; j++) {
      boolean constant = true;
      for (int t = 1; t < x.rows() && constant; t++) {
        constant = d[t * r + j] == d[j];
      }
      if (constant) {
        throw (InvalidArgumentException) invalid("CONSTANT_SIGNAL", "subject " + s + ", region " + j
            + " is constant (value " + d[j] + " at all " + x.rows() + " time points): its variance"
            + " is zero and its correlations are undefined", s).with("region", j);
      }
    }
  }

  /**
   * Checks that a subject's covariance estimate is numerically positive definite: its smallest
   * eigenvalue must exceed {@code λmax · R · eps} (the rank tolerance of numpy's {@code
   * matrix_rank}). Typical cause: the empirical estimator with no more time points than regions.
   *
   * @throws FailedPreconditionException {@code NOT_POSITIVE_DEFINITE}
   */
  public static void checkPositiveDefinite(Matrix covariance, int subject, Kind kind,
      Estimator estimator, int timePoints) {
    double[] ev = Linalg.eigh(covariance).values();
    int n = ev.length;
    double max = ev[n - 1];
    double min = ev[0];
    if (!(min > max * n * Math.ulp(1.0)) || !(max > 0)) {
      throw (FailedPreconditionException) new FailedPreconditionException("NOT_POSITIVE_DEFINITE",
          "subject " + subject + ": the " + estimator.name().toLowerCase().replace('_', '-')
              + " covariance of " + timePoints + " time points × " + n + " regions is not positive"
              + " definite (eigenvalues from " + min + " to " + max + "), so kind '"
              + kind.nilearnName() + "' cannot invert it; use more time points than regions or the"
              + " Ledoit-Wolf estimator")
          .with("subject", subject).with("min_eigenvalue", min);
    }
  }

  private static InvalidArgumentException invalid(String reason, String message, int subject) {
    return (InvalidArgumentException) new InvalidArgumentException(reason, message)
        .with("subject", subject);
  }

  static String shape(Matrix m) {
    return "(" + m.rows() + ", " + m.cols() + ")";
  }
}
