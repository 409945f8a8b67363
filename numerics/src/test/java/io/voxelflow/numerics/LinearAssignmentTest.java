package io.voxelflow.numerics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Hungarian solver against brute force over all permutations (exact optimum, 1e-12). */
class LinearAssignmentTest {

  @Test
  void scipyDocumentationExample() {
    double[][] cost = {{4, 1, 3}, {2, 0, 5}, {3, 2, 2}};
    assertArrayEquals(new int[] {1, 0, 2}, LinearAssignment.minimize(cost));
  }

  @Test
  void optimalOnRandomSquareWideAndTallMatrices() {
    Random rnd = new Random(3);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + rnd.nextInt(5);
      int m = 1 + rnd.nextInt(5);
      double[][] c = new double[n][m];
      for (double[] row : c) {
        for (int j = 0; j < m; j++) {
          row[j] = rnd.nextDouble();
        }
      }
      int[] a = LinearAssignment.maximize(c);
      double total = 0;
      boolean[] usedCol = new boolean[m];
      int assigned = 0;
      for (int i = 0; i < n; i++) {
        if (a[i] >= 0) {
          assertEquals(false, usedCol[a[i]]);
          usedCol[a[i]] = true;
          total += c[i][a[i]];
          assigned++;
        }
      }
      assertEquals(Math.min(n, m), assigned);
      assertEquals(bruteForceMax(c, 0, new boolean[m], Math.min(n, m)), total, 1e-12);
    }
  }

  /** Best total pairing min(n, m) rows (all rows when n ≤ m) with distinct columns. */
  private static double bruteForceMax(double[][] c, int row, boolean[] used, int remaining) {
    if (remaining == 0) {
      return 0;
    }
    if (row == c.length) {
      return Double.NEGATIVE_INFINITY;
    }
    double best = c.length - row > remaining ? bruteForceMax(c, row + 1, used, remaining) : Double.NEGATIVE_INFINITY;
    for (int j = 0; j < used.length; j++) {
      if (!used[j]) {
        used[j] = true;
        best = Math.max(best, c[row][j] + bruteForceMax(c, row + 1, used, remaining - 1));
        used[j] = false;
      }
    }
    return best;
  }
}
