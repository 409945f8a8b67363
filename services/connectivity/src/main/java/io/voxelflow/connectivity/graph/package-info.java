/**
 * Graph metrics of thresholded connectomes, computed with JGraphT 1.5.2 on a compact read-only view.
 *
 * <p><b>Graphs.</b> Undirected, simple (no self-loops, no parallel edges), nodes {@code 0..n-1}
 * (regions or mask voxels), edges given as {@link io.voxelflow.connectivity.graph.EdgeList} (int
 * source, int target, double weight, e.g. a correlation r). {@link
 * io.voxelflow.connectivity.graph.GraphBuilder} thresholds an R × R matrix. Memory: the adjacency is
 * stored once as sorted CSR int/double arrays ({@link io.voxelflow.connectivity.graph.CsrGraph}, about
 * 24 bytes per edge); {@link io.voxelflow.connectivity.graph.JGraphTView} exposes it to JGraphT
 * algorithms without copying. (JGraphT's own compact graphs live in {@code jgrapht-opt}, which is not
 * a dependency.)
 *
 * <p><b>Weights.</b> A weighted graph uses |w|: strength sums |w|, eigenvector centrality and
 * modularity use |w| as edge weight, and path-based metrics (betweenness, efficiency, path length)
 * use the distance 1/|w|. A binary graph gives every edge weight 1 (distance 1).
 *
 * <p><b>Scale.</b> Degree, strength, clustering and connected components are linear or near-linear
 * and run on voxel graphs (≈200,000 nodes, millions of edges); betweenness, efficiency and path
 * length are all-pairs (O(n·m)) and meant for region graphs. Entry point: {@link
 * io.voxelflow.connectivity.graph.NetworkMetrics#compute}; results as tidy tables written by {@link
 * io.voxelflow.connectivity.graph.MetricsTsv}. Goldens from networkx 3.6.1: {@code
 * tools/golden/make_connectivity_golden.py}.
 */
package io.voxelflow.connectivity.graph;
