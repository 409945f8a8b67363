package io.voxelflow.connectivity.voxelwise;

import java.util.Arrays;

/**
 * For each of n nodes, its k best neighbours by score (larger first; equal scores: the smaller
 * neighbour index wins, so results do not depend on the order tiles finish). Bounded min-heaps in
 * flat arrays: 12 bytes per slot.
 */
final class TopKHeaps {
  private final int k;
  private final int[] size;
  private final int[] neighbour;
  private final float[] score;
  private final float[] r;

  TopKHeaps(int nodes, int k) {
    this.k = k;
    this.size = new int[nodes];
    long slots = (long) nodes * k;
    if (slots > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("too many top-k slots: " + slots);
    }
    this.neighbour = new int[(int) slots];
    this.score = new float[(int) slots];
    this.r = new float[(int) slots];
  }

  /** a is worse than b. */
  private boolean worse(int a, int b) {
    return score[a] < score[b] || (score[a] == score[b] && neighbour[a] > neighbour[b]);
  }

  private boolean worse(float s, int nb, int slot) {
    return s < score[slot] || (s == score[slot] && nb > neighbour[slot]);
  }

  /** Offers neighbour {@code nb} with score s and correlation rv to node. */
  void offer(int node, int nb, float s, float rv) {
    int base = node * k;
    int n = size[node];
    if (n < k) {
      int c = base + n;
      neighbour[c] = nb;
      score[c] = s;
      r[c] = rv;
      size[node] = n + 1;
      while (c > base) {
        int parent = base + (c - base - 1) / 2;
        if (!worse(c, parent)) {
          break;
        }
        swap(c, parent);
        c = parent;
      }
      return;
    }
    if (worse(s, nb, base)) {
      return; // not better than the worst kept
    }
    neighbour[base] = nb;
    score[base] = s;
    r[base] = rv;
    int c = base;
    while (true) {
      int l = base + 2 * (c - base) + 1;
      if (l >= base + k) {
        break;
      }
      int m = l;
      if (l + 1 < base + k && worse(l + 1, l)) {
        m = l + 1;
      }
      if (!worse(m, c)) {
        break;
      }
      swap(c, m);
      c = m;
    }
  }

  private void swap(int a, int b) {
    int n = neighbour[a];
    neighbour[a] = neighbour[b];
    neighbour[b] = n;
    float s = score[a];
    score[a] = score[b];
    score[b] = s;
    float x = r[a];
    r[a] = r[b];
    r[b] = x;
  }

  /** Offers all of {@code other}'s entries for {@code otherNode} to {@code node} here. */
  void mergeFrom(TopKHeaps other, int otherNode, int node) {
    int base = otherNode * other.k;
    for (int e = 0; e < other.size[otherNode]; e++) {
      offer(node, other.neighbour[base + e], other.score[base + e], other.r[base + e]);
    }
  }

  /** The union of all nodes' kept edges, each once, in (source, target) order. */
  EdgeBuffer unionEdges(boolean keepNegative) {
    int nodes = size.length;
    int[] count = new int[nodes + 1];
    for (int u = 0; u < nodes; u++) {
      for (int e = 0; e < size[u]; e++) {
        count[Math.min(u, neighbour[u * k + e]) + 1]++;
      }
    }
    for (int u = 0; u < nodes; u++) {
      count[u + 1] += count[u];
    }
    long[] keys = new long[count[nodes]];
    float[] w = new float[count[nodes]];
    int[] fill = Arrays.copyOf(count, nodes);
    for (int u = 0; u < nodes; u++) {
      for (int e = 0; e < size[u]; e++) {
        int v = neighbour[u * k + e];
        int s = Math.min(u, v);
        int slot = fill[s]++;
        keys[slot] = ((long) Math.max(u, v) << 32) | slot;
        w[slot] = r[u * k + e];
      }
    }
    EdgeBuffer out = new EdgeBuffer(keys.length);
    for (int s = 0; s < nodes; s++) {
      Arrays.sort(keys, count[s], count[s + 1]);
      int last = -1;
      for (int x = count[s]; x < count[s + 1]; x++) {
        int t = (int) (keys[x] >>> 32);
        if (t != last) {
          out.add(s, t, w[(int) (keys[x] & 0xffffffffL)]);
          last = t;
        }
      }
    }
    return out;
  }
}
