package io.voxelflow.decomposition.canica;

import io.voxelflow.numerics.Linalg;
import io.voxelflow.numerics.LinearAssignment;
import io.voxelflow.numerics.Matrix;

/**
 * How well estimated spatial maps recover planted (or reference) maps, as the reference benchmark's
 * {@code match_maps} ({@code /work/shared/reference/run_reference.py}): every map is centred and
 * scaled to unit norm (norm + 1e-12), the absolute correlations {@code |t · eᵀ|} form a
 * true × estimated matrix, and the Hungarian algorithm ({@link LinearAssignment}) pairs each true
 * map with a distinct estimated one maximising the total. Both sets must be on the same voxels; the
 * benchmark uses the true mask, with estimated maps zero outside their own mask.
 */
public final class Recovery {

  /**
   * A matching.
   *
   * @param mean mean |r| over matched pairs
   * @param min smallest matched |r|
   * @param perTrueMap matched |r| for each true map (NaN for true maps left unmatched when there
   *     are fewer estimated maps)
   * @param matchedComponent the estimated map matched to each true map, or −1
   * @param unconstrainedBest for each true map its best |r| over all estimated maps
   * @param absCorrelation |r|, true × estimated
   */
  public record Score(double mean, double min, double[] perTrueMap, int[] matchedComponent,
      double[] unconstrainedBest, Matrix absCorrelation) {}

  private Recovery() {}

  /**
   * Matches estimated maps to true maps.
   *
   * @param trueMaps K × voxels
   * @param estimated C × voxels, same voxels
   */
  public static Score match(Matrix trueMaps, Matrix estimated) {
    if (trueMaps.cols() != estimated.cols()) {
      throw new IllegalArgumentException("true maps have " + trueMaps.cols() + " voxels, estimated maps "
          + estimated.cols());
    }
    Matrix c = Linalg.gemm(centredUnitRows(trueMaps), false, centredUnitRows(estimated), true);
    int k = c.rows();
    double[][] abs = new double[k][c.cols()];
    double[] best = new double[k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < c.cols(); j++) {
        abs[i][j] = Math.abs(c.get(i, j));
        c.set(i, j, abs[i][j]);
        best[i] = Math.max(best[i], abs[i][j]);
      }
    }
    int[] match = LinearAssignment.maximize(abs);
    double[] per = new double[k];
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    int n = 0;
    for (int i = 0; i < k; i++) {
      if (match[i] < 0) {
        per[i] = Double.NaN;
        continue;
      }
      per[i] = abs[i][match[i]];
      sum += per[i];
      min = Math.min(min, per[i]);
      n++;
    }
    return new Score(n == 0 ? Double.NaN : sum / n, n == 0 ? Double.NaN : min, per, match, best, c);
  }

  private static Matrix centredUnitRows(Matrix m) {
    Matrix r = m.copy();
    int v = r.cols();
    double[] d = r.data();
    for (int i = 0; i < r.rows(); i++) {
      double mean = 0;
      for (int j = 0; j < v; j++) {
        mean += d[i * v + j];
      }
      mean /= v;
      double ss = 0;
      for (int j = 0; j < v; j++) {
        d[i * v + j] -= mean;
        ss += d[i * v + j] * d[i * v + j];
      }
      double norm = Math.sqrt(ss) + 1e-12;
      for (int j = 0; j < v; j++) {
        d[i * v + j] /= norm;
      }
    }
    return r;
  }
}
