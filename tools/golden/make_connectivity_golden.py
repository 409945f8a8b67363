#!/usr/bin/env python3
"""Generate golden data for Voxelflow's connectivity numeric core.

Outputs (all small .npy files) go to
``services/connectivity/src/test/resources/{connectome,graph,seed}/``.

How to run (from the repository root):

    PYTHONPATH=/path/to/nilearn-0.10.4 python3 tools/golden/make_connectivity_golden.py

Requirements: nilearn 0.10.4 (source tree on PYTHONPATH is enough), scikit-learn
(any 1.2-1.6: ``LedoitWolf`` and ``EmpiricalCovariance`` have not changed), numpy,
scipy and networkx 3.6.1. The script was run with numpy 1.24.2, scipy 1.10.1,
scikit-learn 1.6.1 and networkx 3.6.1; with those, nilearn reproduces the shared
reference files ``conn_{correlation,partial_correlation,tangent}.npy`` bit for bit
(checked at the top of ``connectome_goldens``).

Inputs: ``connectome/roi_timeseries.npy`` (3 subjects x 48 time points x 8 regions,
float32, from the shared reference). The goldens made here use it cast to float64,
so that the Java port (double precision throughout) can be held to ~1e-10.

Files written
-------------
connectome/
  c64_<kind>.npy         ConnectivityMeasure(kind).fit_transform(list(roi64)), 3x8x8
  c64_<kind>_mean.npy    its ``mean_``, 8x8
        kinds: covariance, correlation, partial_correlation, tangent, precision
  c64_emp_<kind>.npy     same with cov_estimator=EmpiricalCovariance(), and _mean
  c64_scaled_correlation[_nostd].npy  kind=correlation, standardize True [False], on
                         the series with region j scaled by j+1 and shifted by 100
  c64_correlation_vec.npy          vectorize=True (diagonal kept, divided by sqrt 2)
  c64_correlation_vec_nodiag.npy   vectorize=True, discard_diagonal=True
  lw_shrinkage.npy       LedoitWolf().fit(x).shrinkage_ per subject, raw series (3,)
graph/
  <case>_edges.npy (E x 2 int32), <case>_weights.npy (E) and metric files, for
  case ``corr`` (correlation subject 0, float64, edges where r > 0.3, weight r) and
  case ``rand`` (networkx gnm_random_graph(60, 150, seed=7) plus 3 isolated nodes,
  weights uniform(0.1, 1) from numpy seed 7). Distances for weighted paths: 1/|w|.
  <case>_node.npy  n x 8 float64 columns: degree, strength, clustering,
      betweenness (binary), betweenness (weighted, distance 1/w),
      eigenvector (binary), eigenvector (weighted |w|), component id
  <case>_global.npy  [global efficiency binary, global efficiency weighted,
      char. path length binary, char. path length weighted, transitivity,
      n components, modularity binary, modularity weighted]
  <case>_partition.npy  community id per node (networkx louvain, seed 1) whose
      modularity is given in _global.
seed/
  seed_data.npy (40 x 30 float32), seed_series.npy (40,), seed_r.npy (30,) =
  np.corrcoef(seed, voxel) per voxel, seed_z.npy = arctanh(r).
"""
import os
import warnings

import networkx as nx
import numpy as np
from nilearn.connectome import ConnectivityMeasure
from sklearn.covariance import EmpiricalCovariance, LedoitWolf

warnings.simplefilter("ignore")
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
RES = os.path.join(ROOT, "services", "connectivity", "src", "test", "resources")
KINDS = ["covariance", "correlation", "partial correlation", "tangent", "precision"]


def out(sub, name, array):
    d = os.path.join(RES, sub)
    os.makedirs(d, exist_ok=True)
    np.save(os.path.join(d, name), np.ascontiguousarray(array))


def connectome_goldens():
    d = os.path.join(RES, "connectome")
    roi32 = np.load(os.path.join(d, "roi_timeseries.npy"))
    # sanity: this environment reproduces the shared reference exactly
    for kind, name in [("correlation", "conn_correlation"),
                       ("partial correlation", "conn_partial_correlation"),
                       ("tangent", "conn_tangent")]:
        got = ConnectivityMeasure(kind=kind).fit_transform(list(roi32))
        ref = np.load(os.path.join(d, name + ".npy"))
        assert np.array_equal(got, ref), name
    roi = roi32.astype(np.float64)
    subjects = list(roi)
    for kind in KINDS:
        tag = kind.replace(" ", "_")
        cm = ConnectivityMeasure(kind=kind)
        out("connectome", f"c64_{tag}.npy", cm.fit_transform(subjects))
        out("connectome", f"c64_{tag}_mean.npy", cm.mean_)
        cm = ConnectivityMeasure(kind=kind, cov_estimator=EmpiricalCovariance())
        out("connectome", f"c64_emp_{tag}.npy", cm.fit_transform(subjects))
        out("connectome", f"c64_emp_{tag}_mean.npy", cm.mean_)
    # the reference series are already z-scored; rescale regions to make standardize matter
    scaled = [x * np.arange(1.0, 9.0) + 100.0 for x in subjects]
    cm = ConnectivityMeasure(kind="correlation", standardize=False)
    out("connectome", "c64_scaled_correlation_nostd.npy", cm.fit_transform(scaled))
    cm = ConnectivityMeasure(kind="correlation")
    out("connectome", "c64_scaled_correlation.npy", cm.fit_transform(scaled))
    cm = ConnectivityMeasure(kind="correlation", vectorize=True)
    out("connectome", "c64_correlation_vec.npy", cm.fit_transform(subjects))
    cm = ConnectivityMeasure(kind="correlation", vectorize=True, discard_diagonal=True)
    out("connectome", "c64_correlation_vec_nodiag.npy", cm.fit_transform(subjects))
    out("connectome", "lw_shrinkage.npy",
        np.array([LedoitWolf().fit(x).shrinkage_ for x in subjects]))
    return ConnectivityMeasure(kind="correlation").fit_transform(subjects)


def mean_over_pairs(lengths, n, invert):
    """Mean over ordered pairs u != v: of 1/d (0 when unreachable) or of d (reachable only)."""
    total, count = 0.0, 0
    for u in range(n):
        for v in range(n):
            if u == v:
                continue
            dist = lengths[u].get(v)
            if invert:
                total += 0.0 if dist is None else 1.0 / dist
                count += 1
            elif dist is not None:
                total += dist
                count += 1
    return total / count if count else 0.0


def graph_goldens(case, n, edges, weights):
    g = nx.Graph()
    g.add_nodes_from(range(n))
    for (u, v), w in zip(edges, weights):
        g.add_edge(int(u), int(v), weight=abs(w), distance=1.0 / abs(w))
    binary = dict(nx.all_pairs_shortest_path_length(g))
    weighted = dict(nx.all_pairs_dijkstra_path_length(g, weight="distance"))
    comps = sorted(nx.connected_components(g), key=min)
    comp_id = np.zeros(n)
    for i, c in enumerate(comps):
        comp_id[list(c)] = i
    ev_b = nx.eigenvector_centrality(g, max_iter=100000, tol=1e-13, weight=None)
    ev_w = nx.eigenvector_centrality(g, max_iter=100000, tol=1e-13, weight="weight")
    bc_b = nx.betweenness_centrality(g, normalized=True)
    bc_w = nx.betweenness_centrality(g, normalized=True, weight="distance")
    cl = nx.clustering(g)
    node = np.array([[g.degree(v), g.degree(v, weight="weight"), cl[v], bc_b[v], bc_w[v],
                      ev_b[v], ev_w[v], comp_id[v]] for v in range(n)])
    parts = nx.community.louvain_communities(g, weight="weight", seed=1)
    partition = np.zeros(n, dtype=np.int32)
    for i, c in enumerate(sorted(parts, key=min)):
        partition[list(c)] = i
    glob = np.array([
        mean_over_pairs(binary, n, True),
        mean_over_pairs(weighted, n, True),
        mean_over_pairs(binary, n, False),
        mean_over_pairs(weighted, n, False),
        nx.transitivity(g),
        len(comps),
        nx.community.modularity(g, parts, weight=None),
        nx.community.modularity(g, parts, weight="weight"),
    ])
    assert abs(glob[0] - nx.global_efficiency(g)) < 1e-12
    out("graph", f"{case}_edges.npy", np.asarray(edges, dtype=np.int32))
    out("graph", f"{case}_weights.npy", np.asarray(weights, dtype=np.float64))
    out("graph", f"{case}_node.npy", node)
    out("graph", f"{case}_global.npy", glob)
    out("graph", f"{case}_partition.npy", partition)


def graph_cases(corr):
    r = corr[0]
    n = r.shape[0]
    edges = [(i, j) for i in range(n) for j in range(i) if r[i, j] > 0.3]
    graph_goldens("corr", n, edges, [r[i, j] for i, j in edges])
    rg = nx.gnm_random_graph(60, 150, seed=7)
    edges = sorted((max(u, v), min(u, v)) for u, v in rg.edges())
    rng = np.random.default_rng(7)
    graph_goldens("rand", 63, edges, list(rng.uniform(0.1, 1.0, len(edges))))


def seed_goldens():
    rng = np.random.default_rng(11)
    t, v = 40, 30
    seed = rng.standard_normal(t)
    data = (seed[:, None] * rng.uniform(-2, 2, v) + rng.standard_normal((t, v))
            + rng.uniform(-5, 5, v)).astype(np.float32)
    r = np.array([np.corrcoef(seed, data[:, j].astype(np.float64))[0, 1] for j in range(v)])
    out("seed", "seed_data.npy", data)
    out("seed", "seed_series.npy", seed)
    out("seed", "seed_r.npy", r)
    out("seed", "seed_z.npy", np.arctanh(r))


if __name__ == "__main__":
    graph_cases(connectome_goldens())
    seed_goldens()
    print("written under", os.path.normpath(RES))
