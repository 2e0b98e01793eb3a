"""Pairs -> one weighted account graph -> communities -> networks.

Fusion: every trace's pair table is summed into one undirected edge per account pair. The edge
weight is one of (``weight=``):

``events`` (default)
    the smaller of the two accounts' counts of distinct posts involved in co-actions between
    them, over all traces together. A post matched on several traces (its text *and* its URL)
    counts once, and one account's burst of posts cannot outweigh the other's: the number of
    times the pair acted together. On a breaking-news burst, two strangers who shared the same
    link with the share button's text score 1, not 2 (one per trace).
``keys``
    distinct keys co-acted on, summed over traces (docs/PEERS.md: distinct keys beat raw
    co-action counts on popular keys).
``coactions``
    pairs of actions, summed over traces: CooRTweet's edge weight.
``posts``
    per trace the QUT toolkit's directed weight (distinct posts of one account matched by the
    other), the larger direction, summed over traces.

Edges with weight below ``min_weight`` are dropped, and, with the significance test on
(:mod:`cibwatch.significance`), pairs whose q-value is above the false discovery rate;
communities are then found on the evidence (-log10 p) rather than on the weight. Communities: Leiden (Traag, Waltman and van
Eck, "From Louvain to Leiden: guaranteeing well-connected communities", Sci. Rep. 2019) on
modularity with ``resolution``, through igraph's ``community_leiden`` (2-3 s on a 1 M-edge graph
here; leidenalg is 15x slower on the same graph, docs/PEERS.md), seeded. Leiden communities are
connected. A network is a community of at least ``min_size`` accounts. Self-loops are kept in
the edge table (QUT parity) but play no part in communities.
"""

from __future__ import annotations

import os
import random
from typing import Any, Final, Literal

import numpy as np
import pyarrow as pa

from .engine import dialect

__all__ = ["WEIGHTS", "Weight", "fused_edges_sql", "leiden_membership", "leiden_memberships"]

Weight = Literal["events", "keys", "coactions", "posts"]
WEIGHTS: Final = ("events", "keys", "coactions", "posts")


def fused_edges_sql(pairs: str, coactions: str, scores: str, weight: Weight,
                    min_weight: float, dialect_name: str = "duckdb") -> str:
    """One row per account pair: ``aid_a, aid_b, weight, evidence, p_value, q_value,
    n_traces, traces``, for the pairs that are significant (``scores.significant``) and weigh
    at least ``min_weight``. With several windows per trace, a trace counts with its largest
    figure (a longer window holds the shorter one's co-actions)."""
    if weight == "events":
        w = f"""
            SELECT aid_a, aid_b,
                   CAST(CASE WHEN aid_a = aid_b THEN COUNT(DISTINCT pid_a) + 0
                        ELSE LEAST(COUNT(DISTINCT pid_a), COUNT(DISTINCT pid_b)) END AS DOUBLE)
                   AS weight
            FROM {coactions} GROUP BY aid_a, aid_b
        """
    else:
        expr = {
            "keys": "n_keys",
            "coactions": "n_coactions",
            "posts": "GREATEST(n_posts_a, n_posts_b)",
        }[weight]
        w = f"""
            SELECT aid_a, aid_b, CAST(SUM(v) AS DOUBLE) AS weight
            FROM (SELECT trace, aid_a, aid_b, MAX({expr}) AS v FROM {pairs}
                  GROUP BY trace, aid_a, aid_b) t
            GROUP BY aid_a, aid_b
        """
    return f"""
        SELECT p.aid_a, p.aid_b, w.weight, s.evidence, s.p_value, s.q_value,
               COUNT(DISTINCT p.trace) AS n_traces,
               {dialect.sorted_distinct_list("p.trace", dialect_name)} AS traces
        FROM {pairs} p JOIN ({w}) w USING (aid_a, aid_b)
        JOIN {scores} s USING (aid_a, aid_b)
        WHERE w.weight >= {float(min_weight)} AND s.significant
        GROUP BY p.aid_a, p.aid_b, w.weight, s.evidence, s.p_value, s.q_value
    """


def leiden_membership(
    edges: pa.Table, *, resolution: float = 1.0, seed: int = 0,
    max_iterations: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Leiden communities of the graph of ``edges`` (``aid_a, aid_b, weight``; self-loops are
    ignored). Returns ``(aids, labels)``: the graph's accounts, sorted, and their community.

    Iterates until an iteration changes nothing, or at most ``max_iterations`` times (None:
    no bound). The bounded run is the same sequence of iterations, one call each, starting from
    the previous partition: it gives the unbounded result whenever that converges within the
    bound (checked in the tests). A large weak graph can take 30-50 iterations to settle
    (1.5 M links: 138 s, against 5.6 s for two iterations, for a modularity of 0.3972 instead
    of 0.3928; docs/BENCHMARKS.md).

    Deterministic: vertices and edges are put in sorted order and igraph's random source is a
    ``random.Random(seed)`` for the call.
    """
    if max_iterations is not None and max_iterations < 1:
        raise ValueError(f"max_iterations must be at least 1, not {max_iterations}")
    a = edges.column("aid_a").to_numpy()
    b = edges.column("aid_b").to_numpy()
    w = edges.column("weight").to_numpy().astype(float)
    keep = a != b
    a, b, w = a[keep], b[keep], w[keep]
    if a.shape[0] == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    order = np.lexsort((b, a))
    a, b, w = a[order], b[order], w[order]
    aids = np.unique(np.concatenate([a, b]))
    ia = np.searchsorted(aids, a)
    ib = np.searchsorted(aids, b)
    import igraph as ig  # here, not at import: igraph loads matplotlib (a second of start-up)

    # the edge list as a numpy array, not a list of Python pairs: a little faster and about
    # a fifth less memory while igraph reads it (docs/BENCHMARKS.md, "Fourth pass")
    g = ig.Graph(n=int(aids.shape[0]), edges=np.column_stack([ia, ib]), directed=False)
    g.es["weight"] = w.tolist()
    previous = ig.set_random_number_generator(random.Random(seed))
    options = dict(objective_function="modularity", weights="weight", resolution=resolution,
                   beta=0.01)
    try:
        if max_iterations is None:
            part = g.community_leiden(n_iterations=-1, **options)
        else:
            start: list[int] | None = None
            for _ in range(max_iterations):
                part = g.community_leiden(n_iterations=1, initial_membership=start, **options)
                if start is not None and part.membership == start:
                    break
                start = part.membership
    finally:
        ig.set_random_number_generator(previous if previous is not None else random)
    return aids.astype(np.int64), np.asarray(part.membership, np.int64)


#: Fewest links of a graph for :func:`leiden_memberships` to hand it to another process: a
#: smaller graph takes less time than starting one (about a second).
PARALLEL_MIN_LINKS = 200_000


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def leiden_memberships(graphs: list[pa.Table], *, min_links: int = PARALLEL_MIN_LINKS,
                       **options: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """:func:`leiden_membership` of each of ``graphs`` (independent graphs, e.g. the two
    folds of the group-evidence search) with the same ``options``: the first in this
    process and, on a machine with more than one core, each other graph of at least
    ``min_links`` links at the same time in a process of its own (started fresh, not forked:
    the store's threads hold locks). The same results either way: each call is the same
    function on the same input with its own seeded random source. Should the other process
    fail (memory, a killed worker), its graph is done here instead."""
    n = len(graphs)
    away = [i for i in range(1, n) if graphs[i].num_rows >= min_links] if _cores() > 1 else []
    if not away:
        return [leiden_membership(g, **options) for g in graphs]
    import concurrent.futures as cf
    import multiprocessing as mp
    from concurrent.futures.process import BrokenProcessPool

    out: list[tuple[np.ndarray, np.ndarray] | None] = [None] * n
    with cf.ProcessPoolExecutor(max_workers=min(len(away), _cores() - 1),
                                mp_context=mp.get_context("spawn")) as pool:
        futures = {i: pool.submit(leiden_membership, graphs[i], **options) for i in away}
        for i in range(n):
            if i not in futures:
                out[i] = leiden_membership(graphs[i], **options)
        for i, f in futures.items():
            try:
                out[i] = f.result()
            except (BrokenProcessPool, OSError, MemoryError):
                out[i] = leiden_membership(graphs[i], **options)
    return [r for r in out if r is not None]
