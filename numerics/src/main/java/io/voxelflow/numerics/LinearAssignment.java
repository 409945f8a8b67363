package io.voxelflow.numerics;

/**
 * The linear sum assignment problem (Kuhn 1955, Munkres 1957), as
 * {@code scipy.optimize.linear_sum_assignment}: pair each row of an n × m cost matrix with a distinct
 * column so that the total cost is minimal (or maximal). Shortest augmenting paths with row and column
 * potentials, O(n² · m) for n ≤ m; a tall matrix is solved through its transpose.
 */
public final class LinearAssignment {

  private LinearAssignment() {}

  /**
   * A minimum-cost assignment.
   *
   * @param cost rows × cols, finite (not modified)
   * @return for each row its column, or −1 for the {@code rows − cols} rows left unassigned when
   *     there are more rows than columns
   */
  public static int[] minimize(double[][] cost) {
    int n = cost.length;
    int m = n == 0 ? 0 : cost[0].length;
    if (n <= m) {
      return solve(cost, n, m, false);
    }
    int[] colToRow = solve(cost, m, n, true);
    int[] rowToCol = new int[n];
    java.util.Arrays.fill(rowToCol, -1);
    for (int c = 0; c < m; c++) {
      rowToCol[colToRow[c]] = c;
    }
    return rowToCol;
  }

  /** A maximum-total assignment (e.g. of similarities); see {@link #minimize}. */
  public static int[] maximize(double[][] score) {
    double[][] neg = new double[score.length][];
    for (int i = 0; i < score.length; i++) {
      neg[i] = new double[score[i].length];
      for (int j = 0; j < neg[i].length; j++) {
        neg[i][j] = -score[i][j];
      }
    }
    return minimize(neg);
  }

  /** n ≤ m; cost(i, j) is cost[i][j], or cost[j][i] when transposed. Returns row → column. */
  private static int[] solve(double[][] cost, int n, int m, boolean transposed) {
    double[] u = new double[n + 1];
    double[] v = new double[m + 1];
    int[] p = new int[m + 1];   // p[j]: row (1-based) matched to column j, 0 = free
    int[] way = new int[m + 1];
    for (int i = 1; i <= n; i++) {
      p[0] = i;
      int j0 = 0;
      double[] minv = new double[m + 1];
      boolean[] used = new boolean[m + 1];
      java.util.Arrays.fill(minv, Double.POSITIVE_INFINITY);
      do {
        used[j0] = true;
        int i0 = p[j0];
        double delta = Double.POSITIVE_INFINITY;
        int j1 = 0;
        for (int j = 1; j <= m; j++) {
          if (!used[j]) {
            double c = transposed ? cost[j - 1][i0 - 1] : cost[i0 - 1][j - 1];
            double cur = c - u[i0] - v[j];
            if (cur < minv[j]) {
              minv[j] = cur;
              way[j] = j0;
            }
            if (minv[j] < delta) {
              delta = minv[j];
              j1 = j;
            }
          }
        }
        for (int j = 0; j <= m; j++) {
          if (used[j]) {
            u[p[j]] += delta;
            v[j] -= delta;
          } else {
            minv[j] -= delta;
          }
        }
        j0 = j1;
      } while (p[j0] != 0);
      do {
        int j1 = way[j0];
        p[j0] = p[j1];
        j0 = j1;
      } while (j0 != 0);
    }
    int[] rowToCol = new int[n];
    for (int j = 1; j <= m; j++) {
      if (p[j] != 0) {
        rowToCol[p[j] - 1] = j - 1;
      }
    }
    return rowToCol;
  }
}
