package io.voxelflow.connectivity.graph;

import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.numerics.Matrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Builds an {@link EdgeList} from an R × R connectivity matrix (e.g. correlations) with a {@link
 * ThresholdRule}. Only the strict lower triangle is read (the matrix must be symmetric to 1e-8
 * relative); the diagonal is ignored. Candidates are the pairs with r &gt; 0 (default) or, with
 * {@code keepNegative}, every pair with r ≠ 0, ranked by |r|. Edges come out in row-major
 * lower-triangle order ({@code source = i > target = j}) with the signed r as weight.
 */
public final class GraphBuilder {

  private GraphBuilder() {}

  /**
   * Thresholds a connectivity matrix into a graph.
   *
   * @param matrix R × R symmetric, finite off the diagonal
   * @param rule which candidate pairs become edges
   * @param keepNegative also consider negative r (by |r|); default false keeps only r &gt; 0
   * @return R nodes, the chosen edges, weight = r
   * @throws InvalidArgumentException {@code SHAPE_MISMATCH} (not square), {@code
   *     NON_FINITE_VALUES}, {@code NOT_SYMMETRIC}, {@code INVALID_THRESHOLD}
   */
  public static EdgeList fromMatrix(Matrix matrix, ThresholdRule rule, boolean keepNegative) {
    int n = checkMatrix(matrix);
    List<int[]> candidates = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        double r = matrix.get(i, j);
        if (r > 0 || (keepNegative && r != 0)) {
          candidates.add(new int[] {i, j});
        }
      }
    }
    boolean[] keep = new boolean[candidates.size()];
    Comparator<Integer> byStrength = Comparator.comparingDouble(
        (Integer c) -> -Math.abs(matrix.get(candidates.get(c)[0], candidates.get(c)[1])));
    if (rule instanceof ThresholdRule.Absolute a) {
      if (!(a.threshold() >= 0) || Double.isInfinite(a.threshold())) {
        throw badRule("absolute threshold must be finite and ≥ 0, got " + a.threshold());
      }
      for (int c = 0; c < keep.length; c++) {
        keep[c] = Math.abs(matrix.get(candidates.get(c)[0], candidates.get(c)[1])) >= a.threshold();
      }
    } else if (rule instanceof ThresholdRule.Density d) {
      if (!(d.density() >= 0 && d.density() <= 1)) {
        throw badRule("density must be in [0, 1], got " + d.density());
      }
      long wanted = Math.round(d.density() * ((long) n * (n - 1) / 2));
      Integer[] order = indices(keep.length);
      Arrays.sort(order, byStrength); // stable: ties keep pair order
      for (int k = 0; k < Math.min(wanted, order.length); k++) {
        keep[order[k]] = true;
      }
    } else if (rule instanceof ThresholdRule.TopK t) {
      if (t.k() < 0) {
        throw badRule("top-k needs k ≥ 0, got " + t.k());
      }
      List<List<Integer>> perNode = new ArrayList<>();
      for (int v = 0; v < n; v++) {
        perNode.add(new ArrayList<>());
      }
      for (int c = 0; c < keep.length; c++) {
        perNode.get(candidates.get(c)[0]).add(c);
        perNode.get(candidates.get(c)[1]).add(c);
      }
      for (int v = 0; v < n; v++) {
        final int node = v;
        List<Integer> mine = perNode.get(v);
        mine.sort(byStrength.thenComparingInt(c -> other(candidates.get(c), node)));
        for (int k = 0; k < Math.min(t.k(), mine.size()); k++) {
          keep[mine.get(k)] = true;
        }
      }
    } else {
      throw new IllegalArgumentException("unknown rule " + rule);
    }
    int m = 0;
    for (boolean b : keep) {
      m += b ? 1 : 0;
    }
    int[] src = new int[m];
    int[] dst = new int[m];
    double[] w = new double[m];
    int e = 0;
    for (int c = 0; c < keep.length; c++) {
      if (keep[c]) {
        int[] p = candidates.get(c);
        src[e] = p[0];
        dst[e] = p[1];
        w[e] = matrix.get(p[0], p[1]);
        e++;
      }
    }
    return new EdgeList(n, src, dst, w);
  }

  private static int other(int[] pair, int v) {
    return pair[0] == v ? pair[1] : pair[0];
  }

  private static Integer[] indices(int n) {
    Integer[] o = new Integer[n];
    for (int i = 0; i < n; i++) {
      o[i] = i;
    }
    return o;
  }

  private static int checkMatrix(Matrix m) {
    if (m.rows() != m.cols()) {
      throw new InvalidArgumentException("SHAPE_MISMATCH", "a connectivity matrix must be square, got "
          + m.rows() + " × " + m.cols());
    }
    int n = m.rows();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        double a = m.get(i, j);
        double b = m.get(j, i);
        if (!Double.isFinite(a) || !Double.isFinite(b)) {
          throw (InvalidArgumentException) new InvalidArgumentException("NON_FINITE_VALUES",
              "connectivity matrix has a non-finite value at (" + i + ", " + j + ")")
              .with("row", i).with("column", j);
        }
        if (Math.abs(a - b) > 1e-8 * Math.max(1.0, Math.max(Math.abs(a), Math.abs(b)))) {
          throw (InvalidArgumentException) new InvalidArgumentException("NOT_SYMMETRIC",
              "connectivity matrix is not symmetric: (" + i + ", " + j + ") = " + a + " but (" + j
                  + ", " + i + ") = " + b).with("row", i).with("column", j);
        }
      }
    }
    return n;
  }

  private static InvalidArgumentException badRule(String message) {
    return new InvalidArgumentException("INVALID_THRESHOLD", message);
  }
}
