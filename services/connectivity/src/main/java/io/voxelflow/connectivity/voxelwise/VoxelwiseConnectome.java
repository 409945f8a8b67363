package io.voxelflow.connectivity.voxelwise;

import io.voxelflow.error.ResourceExhaustedException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * All-pairs Pearson correlation of V voxels, computed in tiles and kept as a sparse graph: the
 * V × V matrix is never held. Only tiles on and above the diagonal are computed (correlation is
 * symmetric), each by one BLAS call ({@link CorrelationTile}); tiles are independent tasks on the
 * given executor.
 *
 * <p>Passes: one for {@link EdgeRule.Absolute} and {@link EdgeRule.TopK}; two (a histogram of r,
 * then the collection) for {@link EdgeRule.Density} and {@link EdgeRule.Adaptive}, whose threshold
 * depends on the whole distribution.
 *
 * <p>Memory: {@code parallelism × tileSize² × 4} bytes of tile buffers, the mapped z-score blocks
 * (page cache, not heap), the kept edges (12 bytes each, at most {@link Options#maxEdges()}) and
 * O(V) per-node arrays — bounded by the tile size and the edge limit, not by V².
 */
public final class VoxelwiseConnectome {

  /** Histogram resolution for density and adaptive thresholds (bins over [0, 1]). */
  static final int BINS = 1 << 20;

  /**
   * Tuning.
   *
   * @param tileSize voxels per tile side (default 4096)
   * @param parallelism tiles computed at once (each also uses BLAS threads); default 1
   * @param maxEdges the most edges a result may hold; more is {@code RESOURCE_EXHAUSTED}
   * @param kernel how tiles are multiplied ({@link TileKernel#auto()}: ND4J on CUDA, else OpenBLAS)
   */
  public record Options(int tileSize, int parallelism, long maxEdges, TileKernel kernel) {
    /** 4096-voxel tiles, one at a time, at most 50 million edges (600 MB), the backend's kernel. */
    public static Options defaults() {
      return new Options(4096, 1, 50_000_000L);
    }

    /** With the backend's kernel. */
    public Options(int tileSize, int parallelism, long maxEdges) {
      this(tileSize, parallelism, maxEdges, TileKernel.auto());
    }

    public Options {
      if (tileSize < 1 || parallelism < 1 || maxEdges < 0 || kernel == null) {
        throw new IllegalArgumentException("tileSize and parallelism must be ≥ 1, maxEdges ≥ 0, a kernel given");
      }
    }
  }

  /** Progress, in tiles computed out of the total over all passes. */
  @FunctionalInterface
  public interface Progress {
    void tiles(long done, long total);
  }

  /**
   * The kept graph.
   *
   * @param edges edges sorted by (source, target), source &lt; target, weight = Pearson r
   * @param degree per node, number of kept edges
   * @param strength per node, sum of |weight| of kept edges
   * @param effectiveThreshold the smallest score (r, or |r| with negatives) kept; for an empty
   *     result the rule's threshold (1 for density/top-k)
   * @param nodes V
   * @param timePoints T
   * @param tiles tiles computed (over all passes)
   */
  public record Result(EdgeBuffer edges, int[] degree, double[] strength, double effectiveThreshold, int nodes,
      int timePoints, long tiles) {}

  private final ExecutorService executor;
  private final Options options;

  public VoxelwiseConnectome(ExecutorService executor, Options options) {
    this.executor = executor;
    this.options = options;
  }

  /** Computes the graph of {@code z} under {@code rule}. */
  public Result compute(ZScoredVoxels z, EdgeRule rule, Progress progress) throws InterruptedException {
    int v = z.voxels();
    int b = Math.min(options.tileSize(), v);
    int blocks = (v + b - 1) / b;
    long tilesPerPass = (long) blocks * (blocks + 1) / 2;
    long pairs = (long) v * (v - 1) / 2;
    boolean neg = rule.keepNegative();
    Counter counter = new Counter(progress, rule instanceof EdgeRule.Density || rule instanceof EdgeRule.Adaptive
        ? 2 * tilesPerPass : tilesPerPass);
    EdgeBuffer edges;
    double effective;
    if (rule instanceof EdgeRule.Absolute a) {
      edges = collect(z, b, blocks, (float) a.threshold(), neg, counter);
      effective = a.threshold();
    } else if (rule instanceof EdgeRule.Adaptive) {
      long[] hist = histogram(z, b, blocks, neg, counter);
      int steps = (int) Math.round((1 - EdgeRule.Adaptive.FLOOR) / EdgeRule.Adaptive.STEP);
      long[] atLeast = new long[steps + 1];
      long[] suffix = suffixSums(hist);
      for (int s = 0; s <= steps; s++) {
        atLeast[s] = suffix[bin(EdgeRule.Adaptive.thresholdAt(s))];
      }
      effective = EdgeRule.Adaptive.choose(atLeast, v);
      edges = collect(z, b, blocks, (float) effective, neg, counter);
    } else if (rule instanceof EdgeRule.Density d) {
      long want = Math.max(1, Math.round(d.density() * pairs));
      if (want > options.maxEdges()) {
        throw edgeLimit(want);
      }
      long[] hist = histogram(z, b, blocks, neg, counter);
      long[] suffix = suffixSums(hist);
      int cut = BINS;
      while (cut > 0 && suffix[cut] < want) {
        cut--;
      }
      EdgeBuffer candidates = collect(z, b, blocks, cut / (float) BINS, neg, counter);
      edges = keepLargest(candidates, (int) Math.min(want, candidates.size()), neg);
      effective = minScore(edges, neg, 1.0);
    } else {
      EdgeRule.TopK k = (EdgeRule.TopK) rule;
      if ((long) v * k.k() > options.maxEdges()) {
        throw edgeLimit((long) v * k.k());
      }
      edges = topK(z, b, blocks, k.k(), neg, counter);
        effective = minScore(edges, neg, 1.0);
    }
    int[] degree = new int[v];
    double[] strength = new double[v];
    for (int e = 0; e < edges.size(); e++) {
      double w = Math.abs(edges.weight(e));
      degree[edges.source(e)]++;
      degree[edges.target(e)]++;
      strength[edges.source(e)] += w;
      strength[edges.target(e)] += w;
    }
    return new Result(edges, degree, strength, effective, v, z.timePoints(), counter.done);
  }

  // ---- passes ---------------------------------------------------------------------------------

  /** Edges with score ≥ t, in (source, target) order. */
  private EdgeBuffer collect(ZScoredVoxels z, int b, int blocks, float t, boolean neg, Counter counter)
      throws InterruptedException {
    EdgeBuffer all = new EdgeBuffer(1024);
    for (int bi = 0; bi < blocks; bi++) {
      int i0 = bi * b;
      int ni = Math.min(b, z.voxels() - i0);
      List<TileEdges> tiles = runRow(z, b, blocks, bi, tile -> {
        TileEdges te = new TileEdges(tile.rowCount());
        float[] row = new float[tile.colCount()];
        for (int i = 0; i < tile.rowCount(); i++) {
          te.rowStart[i] = te.edges.size();
          int src = tile.rowFirst() + i;
          tile.row(i, row);
          for (int j = tile.firstColumn(i); j < tile.colCount(); j++) {
            float r = row[j];
            if ((neg ? Math.abs(r) : r) >= t) {
              te.edges.add(src, tile.colFirst() + j, Math.max(-1f, Math.min(1f, r)));
            }
          }
        }
        te.rowStart[tile.rowCount()] = te.edges.size();
        return te;
      }, counter);
      // rows of this block: concatenating the tiles (ascending column blocks) keeps (source, target) order
      for (int i = 0; i < ni; i++) {
        for (TileEdges te : tiles) {
          all.addRange(te.edges, te.rowStart[i], te.rowStart[i + 1]);
        }
      }
      if (all.size() > options.maxEdges()) {
        throw edgeLimit(all.size());
      }
    }
    return all;
  }

  /** Counts of scores by bin over [0, 1] (negative scores, without keepNegative, are not counted). */
  private long[] histogram(ZScoredVoxels z, int b, int blocks, boolean neg, Counter counter)
      throws InterruptedException {
    long[] total = new long[BINS + 1];
    for (int bi = 0; bi < blocks; bi++) {
      for (int[] h : runRow(z, b, blocks, bi, tile -> {
        int[] hist = new int[BINS + 1];
        float[] row = new float[tile.colCount()];
        for (int i = 0; i < tile.rowCount(); i++) {
          tile.row(i, row);
          for (int j = tile.firstColumn(i); j < tile.colCount(); j++) {
            float s = neg ? Math.abs(row[j]) : row[j];
            if (s >= 0) {
              hist[Math.min(BINS, (int) (s * BINS))]++;
            }
          }
        }
        return hist;
      }, counter)) {
        for (int k = 0; k <= BINS; k++) {
          total[k] += h[k];
        }
      }
    }
    return total;
  }

  /** Each node's k best edges (ties: smaller neighbour index), their union in (source, target) order. */
  private EdgeBuffer topK(ZScoredVoxels z, int b, int blocks, int k, boolean neg, Counter counter)
      throws InterruptedException {
    int v = z.voxels();
    TopKHeaps heaps = new TopKHeaps(v, k);
    for (int bi = 0; bi < blocks; bi++) {
      runRow(z, b, blocks, bi, tile -> {
        TopKHeaps local = new TopKHeaps(tile.rowCount() + tile.colCount(), k);
        for (int i = 0; i < tile.rowCount(); i++) {
          for (int j = tile.firstColumn(i); j < tile.colCount(); j++) {
            float r = tile.r(i, j);
            float s = CorrelationTile.score(r, neg);
            if (!neg && r <= 0) {
              continue; // only positive correlations are edges
            }
            local.offer(i, tile.colFirst() + j, s, r);
            if (!tile.diagonal()) {
              local.offer(tile.rowCount() + j, tile.rowFirst() + i, s, r);
            } else {
              local.offer(j, tile.rowFirst() + i, s, r);
            }
          }
        }
        synchronized (heaps) {
          for (int i = 0; i < tile.rowCount(); i++) {
            heaps.mergeFrom(local, i, tile.rowFirst() + i);
          }
          if (!tile.diagonal()) {
            for (int j = 0; j < tile.colCount(); j++) {
              heaps.mergeFrom(local, tile.rowCount() + j, tile.colFirst() + j);
            }
          }
        }
        return Boolean.TRUE;
      }, counter);
    }
    return heaps.unionEdges(neg);
  }

  /** Runs the tiles (bi, bj ≥ bi) of one block row on the executor; results in column order. */
  private <T> List<T> runRow(ZScoredVoxels z, int b, int blocks, int bi, java.util.function.Function<CorrelationTile, T> visit,
      Counter counter) throws InterruptedException {
    List<Future<T>> futures = new ArrayList<>();
    int i0 = bi * b;
    int ni = Math.min(b, z.voxels() - i0);
    for (int bj = bi; bj < blocks; bj++) {
      int j0 = bj * b;
      int nj = Math.min(b, z.voxels() - j0);
      futures.add(executor.submit(() -> {
        CorrelationTile tile = kernels().take();
        try {
          tile.compute(z, i0, ni, j0, nj);
          T out = visit.apply(tile);
          counter.tick();
          return out;
        } finally {
          kernels.put(tile);
        }
      }));
    }
    List<T> out = new ArrayList<>(futures.size());
    try {
      for (Future<T> f : futures) {
        out.add(f.get());
      }
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(true));
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("correlation tile failed", c);
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      throw e;
    }
    return out;
  }

  private BlockingQueue<CorrelationTile> kernels;

  private synchronized BlockingQueue<CorrelationTile> kernels() {
    if (kernels == null) {
      kernels = new ArrayBlockingQueue<>(options.parallelism());
      for (int p = 0; p < options.parallelism(); p++) {
        kernels.add(new CorrelationTile(options.tileSize(), options.kernel()));
      }
    }
    return kernels;
  }

  // ---- helpers --------------------------------------------------------------------------------

  static int bin(double s) {
    return (int) Math.min(BINS, Math.max(0, Math.floor(s * BINS)));
  }

  private static long[] suffixSums(long[] hist) {
    long[] s = new long[hist.length + 1];
    for (int k = hist.length - 1; k >= 0; k--) {
      s[k] = s[k + 1] + hist[k];
    }
    return s;
  }

  /** The {@code want} edges with the largest score (ties: earlier in (source, target) order), order kept. */
  static EdgeBuffer keepLargest(EdgeBuffer c, int want, boolean neg) {
    if (c.size() <= want) {
      return c;
    }
    float[] scores = new float[c.size()];
    for (int e = 0; e < c.size(); e++) {
      scores[e] = CorrelationTile.score(c.weight(e), neg);
    }
    float[] sorted = scores.clone();
    Arrays.sort(sorted);
    float cut = sorted[sorted.length - want];
    int above = 0;
    for (float s : scores) {
      if (s > cut) {
        above++;
      }
    }
    int tiesAllowed = want - above;
    EdgeBuffer out = new EdgeBuffer(want);
    for (int e = 0; e < c.size(); e++) {
      if (scores[e] > cut || (scores[e] == cut && tiesAllowed-- > 0)) {
        out.add(c.source(e), c.target(e), c.weight(e));
      }
    }
    return out;
  }

  private static double minScore(EdgeBuffer edges, boolean neg, double empty) {
    if (edges.size() == 0) {
      return empty;
    }
    double m = Double.POSITIVE_INFINITY;
    for (int e = 0; e < edges.size(); e++) {
      m = Math.min(m, CorrelationTile.score(edges.weight(e), neg));
    }
    return m;
  }

  private ResourceExhaustedException edgeLimit(long edges) {
    return (ResourceExhaustedException) new ResourceExhaustedException("EDGE_LIMIT_EXCEEDED", "the graph would keep at least "
        + edges + " edges, more than the limit of " + options.maxEdges() + "; raise the threshold or lower the density/top_k")
        .with("edges", edges).with("max_edges", options.maxEdges());
  }

  /** One tile's kept edges with, per local row, where its edges start. */
  private static final class TileEdges {
    final EdgeBuffer edges = new EdgeBuffer(256);
    final int[] rowStart;

    TileEdges(int rows) {
      rowStart = new int[rows + 1];
    }
  }

  private static final class Counter {
    private final Progress progress;
    private final long total;
    private long done;

    Counter(Progress progress, long total) {
      this.progress = progress;
      this.total = total;
    }

    synchronized void tick() {
      done++;
      if (progress != null) {
        progress.tiles(done, total);
      }
    }
  }
}
