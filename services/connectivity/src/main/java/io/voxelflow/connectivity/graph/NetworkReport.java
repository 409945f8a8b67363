package io.voxelflow.connectivity.graph;

import java.util.Map;

/**
 * Tidy graph-metric tables: one row per node and one row per whole-graph metric.
 *
 * @param nodeCount number of nodes (rows of every column)
 * @param nodeColumns per-node columns in output order, by name ({@code degree}, {@code strength},
 *     {@code clustering}, {@code betweenness}, {@code eigenvector}, {@code component}, {@code
 *     community}); only the metrics asked for
 * @param global whole-graph metrics in output order, by name ({@code global_efficiency}, {@code
 *     characteristic_path_length}, {@code transitivity}, {@code n_components}, {@code modularity},
 *     {@code n_communities}, plus {@code n_nodes}, {@code n_edges}, {@code density})
 */
public record NetworkReport(int nodeCount, Map<String, double[]> nodeColumns,
    Map<String, Double> global) {}
