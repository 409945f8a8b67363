package io.voxelflow.decomposition.dictlearning;

import io.voxelflow.numerics.Matrix;

/**
 * Scores of estimated maps against reference maps as {@code run_reference.py}'s
 * {@code match_maps}: absolute Pearson correlation of every pair, then the one-to-one assignment
 * maximising the total (Hungarian; here by trying every permutation, fine for k ≤ 8).
 */
final class MapMatching {
  private MapMatching() {}

  /**
   * The matched |r| per reference map.
   *
   * @param reference k × n_voxels
   * @param estimate c × n_voxels, c ≥ k
   */
  static double[] matchedAbsCorrelation(Matrix reference, Matrix estimate) {
    double[][] c = absCorrelation(reference, estimate);
    int k = reference.rows();
    int[] best = new int[k];
    double[] bestTotal = {-1};
    permute(c, new int[k], new boolean[estimate.rows()], 0, 0.0, best, bestTotal);
    double[] out = new double[k];
    for (int i = 0; i < k; i++) {
      out[i] = c[i][best[i]];
    }
    return out;
  }

  private static void permute(double[][] c, int[] cur, boolean[] used, int row, double total,
      int[] best, double[] bestTotal) {
    if (row == cur.length) {
      if (total > bestTotal[0]) {
        bestTotal[0] = total;
        System.arraycopy(cur, 0, best, 0, cur.length);
      }
      return;
    }
    for (int j = 0; j < used.length; j++) {
      if (!used[j]) {
        used[j] = true;
        cur[row] = j;
        permute(c, cur, used, row + 1, total + c[row][j], best, bestTotal);
        used[j] = false;
      }
    }
  }

  /** |Pearson r| between every row of a and every row of b. */
  static double[][] absCorrelation(Matrix a, Matrix b) {
    double[][] za = standardizedRows(a);
    double[][] zb = standardizedRows(b);
    double[][] c = new double[za.length][zb.length];
    for (int i = 0; i < za.length; i++) {
      for (int j = 0; j < zb.length; j++) {
        double s = 0;
        for (int v = 0; v < za[i].length; v++) {
          s += za[i][v] * zb[j][v];
        }
        c[i][j] = Math.abs(s);
      }
    }
    return c;
  }

  private static double[][] standardizedRows(Matrix m) {
    double[][] out = new double[m.rows()][];
    for (int i = 0; i < m.rows(); i++) {
      double[] r = m.row(i);
      double mean = 0;
      for (double x : r) {
        mean += x;
      }
      mean /= r.length;
      double norm = 0;
      for (int v = 0; v < r.length; v++) {
        r[v] -= mean;
        norm += r[v] * r[v];
      }
      norm = Math.sqrt(norm) + 1e-12;
      for (int v = 0; v < r.length; v++) {
        r[v] /= norm;
      }
      out[i] = r;
    }
    return out;
  }

  static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  static double min(double[] x) {
    double m = Double.POSITIVE_INFINITY;
    for (double v : x) {
      m = Math.min(m, v);
    }
    return m;
  }
}
