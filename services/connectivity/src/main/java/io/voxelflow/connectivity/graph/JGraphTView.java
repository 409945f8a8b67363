package io.voxelflow.connectivity.graph;

import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.Supplier;
import org.jgrapht.GraphType;
import org.jgrapht.graph.AbstractGraph;
import org.jgrapht.graph.DefaultGraphType;

/**
 * A read-only JGraphT {@link org.jgrapht.Graph} over a {@link CsrGraph}, without copying: vertices
 * are the Integers {@code 0..n-1}, edges the Integers {@code 0..m-1} (edge ids). Edge weights come
 * from an array chosen per metric (|w|, 1/|w| or none for a binary graph). Optionally every vertex
 * gets a virtual unit self-loop (ids {@code m..m+n-1}), turning power iteration on A into power
 * iteration on A + I (networkx's shifted eigenvector iteration). All mutators throw {@link
 * UnsupportedOperationException}.
 */
public final class JGraphTView extends AbstractGraph<Integer, Integer> {
  private final CsrGraph g;
  private final double[] weights;
  private final boolean loops;
  private final GraphType type;

  /**
   * @param g the adjacency
   * @param weights one weight per edge, or null for an unweighted graph (weight 1)
   * @param unitSelfLoops add a weight-1 self-loop on every vertex
   */
  public JGraphTView(CsrGraph g, double[] weights, boolean unitSelfLoops) {
    if (weights != null && weights.length != g.edgeCount()) {
      throw new IllegalArgumentException(weights.length + " weights for " + g.edgeCount() + " edges");
    }
    this.g = g;
    this.weights = weights;
    this.loops = unitSelfLoops;
    this.type = new DefaultGraphType.Builder().undirected().weighted(weights != null)
        .allowSelfLoops(unitSelfLoops).allowMultipleEdges(false).modifiable(false).build();
  }

  private boolean isLoop(int e) {
    return e >= g.edgeCount();
  }

  private int vertex(Object v) {
    if (v instanceof Integer i && i >= 0 && i < g.nodeCount()) {
      return i;
    }
    throw new IllegalArgumentException("no such vertex: " + v);
  }

  private static Set<Integer> range(int from, int to) {
    return new AbstractSet<>() {
      @Override
      public Iterator<Integer> iterator() {
        return new Iterator<>() {
          int next = from;

          @Override
          public boolean hasNext() {
            return next < to;
          }

          @Override
          public Integer next() {
            if (next >= to) {
              throw new NoSuchElementException();
            }
            return next++;
          }
        };
      }

      @Override
      public int size() {
        return to - from;
      }

      @Override
      public boolean contains(Object o) {
        return o instanceof Integer i && i >= from && i < to;
      }
    };
  }

  @Override
  public Set<Integer> getAllEdges(Integer u, Integer v) {
    if (!containsVertex(u) || !containsVertex(v)) {
      return null;
    }
    Integer e = getEdge(u, v);
    return e == null ? Collections.emptySet() : Collections.singleton(e);
  }

  @Override
  public Integer getEdge(Integer u, Integer v) {
    int a = vertex(u);
    int b = vertex(v);
    if (a == b) {
      return loops ? g.edgeCount() + a : null;
    }
    int e = g.edgeBetween(a, b);
    return e < 0 ? null : e;
  }

  @Override
  public Supplier<Integer> getVertexSupplier() {
    return null;
  }

  @Override
  public Supplier<Integer> getEdgeSupplier() {
    return null;
  }

  @Override
  public Integer addEdge(Integer u, Integer v) {
    throw new UnsupportedOperationException("read-only graph view");
  }

  @Override
  public boolean addEdge(Integer u, Integer v, Integer e) {
    throw new UnsupportedOperationException("read-only graph view");
  }

  @Override
  public Integer addVertex() {
    throw new UnsupportedOperationException("read-only graph view");
  }

  @Override
  public boolean addVertex(Integer v) {
    throw new UnsupportedOperationException("read-only graph view");
  }

  @Override
  public boolean containsEdge(Integer e) {
    return e != null && e >= 0 && e < g.edgeCount() + (loops ? g.nodeCount() : 0);
  }

  @Override
  public boolean containsVertex(Integer v) {
    return v != null && v >= 0 && v < g.nodeCount();
  }

  @Override
  public Set<Integer> edgeSet() {
    return range(0, g.edgeCount() + (loops ? g.nodeCount() : 0));
  }

  @Override
  public int degreeOf(Integer v) {
    return g.degree(vertex(v)) + (loops ? 2 : 0);
  }

  @Override
  public Set<Integer> edgesOf(Integer v) {
    int a = vertex(v);
    int start = g.rowStart(a);
    int end = g.rowEnd(a);
    int loop = loops ? g.edgeCount() + a : -1;
    return new AbstractSet<>() {
      @Override
      public Iterator<Integer> iterator() {
        return new Iterator<>() {
          int k = start;
          boolean loopDone = !loops;

          @Override
          public boolean hasNext() {
            return k < end || !loopDone;
          }

          @Override
          public Integer next() {
            if (k < end) {
              return g.edgeAt(k++);
            }
            if (!loopDone) {
              loopDone = true;
              return loop;
            }
            throw new NoSuchElementException();
          }
        };
      }

      @Override
      public int size() {
        return end - start + (loops ? 1 : 0);
      }

      @Override
      public boolean contains(Object o) {
        if (!(o instanceof Integer e) || !containsEdge(e)) {
          return false;
        }
        return isLoop(e) ? e == loop : getEdgeSource(e) == a || getEdgeTarget(e) == a;
      }
    };
  }

  @Override
  public int inDegreeOf(Integer v) {
    return degreeOf(v);
  }

  @Override
  public Set<Integer> incomingEdgesOf(Integer v) {
    return edgesOf(v);
  }

  @Override
  public int outDegreeOf(Integer v) {
    return degreeOf(v);
  }

  @Override
  public Set<Integer> outgoingEdgesOf(Integer v) {
    return edgesOf(v);
  }

  @Override
  public Integer removeEdge(Integer u, Integer v) {
    throw new UnsupportedOperationException("read-only graph view");
  }

  @Override
  public boolean removeEdge(Integer e) {
    throw new UnsupportedOperationException("read-only graph view");
  }

  @Override
  public boolean removeVertex(Integer v) {
    throw new UnsupportedOperationException("read-only graph view");
  }

  @Override
  public Set<Integer> vertexSet() {
    return range(0, g.nodeCount());
  }

  @Override
  public Integer getEdgeSource(Integer e) {
    return isLoop(e) ? e - g.edgeCount() : g.edges().source()[e];
  }

  @Override
  public Integer getEdgeTarget(Integer e) {
    return isLoop(e) ? e - g.edgeCount() : g.edges().target()[e];
  }

  @Override
  public GraphType getType() {
    return type;
  }

  @Override
  public double getEdgeWeight(Integer e) {
    return weights == null || isLoop(e) ? 1.0 : weights[e];
  }

  @Override
  public void setEdgeWeight(Integer e, double weight) {
    throw new UnsupportedOperationException("read-only graph view");
  }
}
