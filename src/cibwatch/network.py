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
connected. A graph too large for the driver (more than ``driver_max_links`` links) is split
by :func:`label_propagation` instead, as SQL on the engine that holds it. A network is a
community of at least ``min_size`` accounts. Self-loops are kept in
the edge table (QUT parity) but play no part in communities.
"""

from __future__ import annotations

import os
import random
from typing import TYPE_CHECKING, Any, Final, Literal

import numpy as np
import pyarrow as pa

from .engine import dialect

if TYPE_CHECKING:
    from .engine import Backend

__all__ = ["DRIVER_MAX_LINKS", "WEIGHTS", "Weight", "communities", "fused_edges_sql",
           "label_propagation",
           "leiden_membership", "leiden_memberships"]

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


#: Most links of a graph whose communities are found on the driver (Leiden, igraph). Leiden's
#: peak grows by about 160 bytes a link (4 M links: 642 MB, docs/BENCHMARKS.md), so this is
#: some 8 GiB of driver memory; the weak graph of a fold of the group-evidence search has
#: about 1.6 links per post (16 M at 10 M posts), so it is reached near 30 M posts. A larger
#: graph is split by :func:`label_propagation` on the engine instead
#: (``DetectConfig.driver_max_links``, ``--driver-max-links``).
DRIVER_MAX_LINKS: Final = 50_000_000

#: Integer scale of link weights in :func:`label_propagation`: sums of integers are exact,
#: so the votes do not depend on the order an engine adds them in.
_LP_SCALE = 1_000_000

#: Least rise of modularity (times 10^15) for a round of :func:`label_propagation` to count:
#: the long tail of rounds that each move a few accounts is not worth a join of every link.
_LP_MIN_GAIN: Final = 10**9  # 10^-6 of modularity

#: Modulus of the integer hash of :func:`_lp_hash` (a prime below 2^31).
_LP_PRIME = 2_147_483_629


def _lp_hash(x: str, salt: int) -> str:
    """An integer hash of the non-negative integer column ``x`` that DuckDB and Spark compute
    alike (the engines' own ``hash`` functions differ): two multiplicative steps modulo a
    prime, every product below 2^62. (One step is not enough: with a salt added after it, the
    parity of consecutive salts alternates for most ``x``.)"""
    p = _LP_PRIME
    return (f"(((({x} % {p}) + {int(salt) % p}) * 1103515245 % {p}) * 1664525 + 1013904223)"
            f" % {p}")


def _lp_quality(backend: Backend, labels: str, m2: str, gamma: str) -> int:
    """Modularity of the partition ``labels`` of the current level (:func:`label_propagation`)
    times 10^15, as an integer: each community's terms are rounded to integers before they are
    summed, so that the comparison of two partitions is the same on every engine and thread
    count (a sum of doubles depends on the order it is made in)."""
    q = backend.scalar(f"""
        WITH inner_w AS (
            SELECT a.label, SUM(l.w) AS w FROM lp_links l
            JOIN {labels} a ON a.aid = l.u JOIN {labels} b ON b.aid = l.v
            WHERE a.label = b.label GROUP BY a.label),
        comm AS (SELECT c.label, SUM(d.inw) AS w, SUM(d.k) AS tot FROM {labels} c
                 JOIN lp_deg d ON d.aid = c.aid GROUP BY c.label)
        SELECT SUM(CAST(FLOOR(CAST(c.w + coalesce(i.w, 0) AS DOUBLE) / {m2} * 1e15)
                        AS BIGINT))
             - SUM(CAST(FLOOR({gamma} * (CAST(c.tot AS DOUBLE) / {m2})
                              * (CAST(c.tot AS DOUBLE) / {m2}) * 1e15) AS BIGINT))
        FROM comm c LEFT JOIN inner_w i ON i.label = c.label
        """)
    return int(q or 0)


def label_propagation(backend: Backend, graph: str, *, resolution: float = 1.0, seed: int = 0,
                      max_rounds: int = 50, max_levels: int = 4
                      ) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Communities of the graph of ``graph`` (a table or subquery with ``aid_a, aid_b,
    weight``; self-loops ignored, a pair's links summed), found as SQL on ``backend``'s
    engine, so that a graph too large for the driver stays distributed: every round is a few
    joins of the links with the labels and group-bys; the driver receives only each
    account's final label.

    The method is label propagation (Raghavan, Albert and Kumara, Phys. Rev. E 2007) whose
    vote is the modularity gain: the local-moving phase of Louvain (Blondel et al., J. Stat.
    Mech. 2008) done in parallel, after Lu, Halappanavar and Kalyanaraman, "Parallel
    heuristics for scalable community detection", Parallel Computing 2015. In each round every
    account's best label is the community C of its neighbours (or its own) with the largest
    ``k_in(C) - resolution * k * tot(C) / 2m`` (``k_in``: its links' weight into C; ``k``: its
    degree; ``tot``: the degrees in C without it; staying wins a tie, then the label with the
    smaller hash). Half of the accounts that would move, drawn afresh every round by a seeded
    hash, do (when all move at once, neighbours swap communities for ever). Each account
    decides on the partition before the round, so many moving into one community at once can
    overshoot: a round is kept only if the partition's modularity rises; otherwise it is
    tried again with a quarter, then an eighth of the movers, and the level ends if none
    rises. A level also ends when no account would move, or after ``max_rounds`` rounds; its
    communities then become the nodes of the next level (links between them summed, their
    degrees and inner weights carried), up to ``max_levels`` levels.

    Tried first and dropped (the graph of the group-evidence search at 1 M posts, 1.48 M
    links, docs/EVALUATION.md): plain label propagation (the vote without the ``tot`` term)
    left 7,958 fragments where Leiden finds 114 communities; the gain vote without the
    modularity check drifted into a community of 23,697 accounts (modularity 0.317 against
    Leiden's 0.397).

    Weights are scaled to integers first and every sum is of integers, so the result is the
    same on every engine and thread count (``tests/test_network.py``, ``tests/test_spark.py``).
    What it costs in quality against Leiden is measured in docs/EVALUATION.md (modularity and
    the group-evidence search with each). Returns ``(aids, labels, rounds)``: the graph's
    accounts, sorted, their community (numbered from 0 in the order of the labels) and the
    rounds kept at each level.
    """
    if max_rounds < 1 or max_levels < 1:
        raise ValueError("max_rounds and max_levels must be at least 1")
    backend.scratch("lp_links", f"""
        SELECT u, v, CAST(SUM(w) AS BIGINT) AS w FROM (
            SELECT aid_a AS u, aid_b AS v, CAST(FLOOR(weight * {_LP_SCALE} + 0.5) AS BIGINT) AS w
            FROM {graph} AS g WHERE aid_a <> aid_b
            UNION ALL
            SELECT aid_b AS u, aid_a AS v, CAST(FLOOR(weight * {_LP_SCALE} + 0.5) AS BIGINT) AS w
            FROM {graph} AS g WHERE aid_a <> aid_b) AS l
        GROUP BY u, v HAVING SUM(w) > 0
        """)
    # per node: its degree and the weight of the links inside it (0 for an account)
    backend.scratch("lp_deg", "SELECT CAST(u AS BIGINT) AS aid, CAST(SUM(w) AS BIGINT) AS k, "
                    "CAST(0 AS BIGINT) AS inw FROM lp_links GROUP BY u")
    # the accounts and the node of the current level each belongs to
    backend.scratch("lp_member", "SELECT aid, aid AS node FROM lp_deg")
    m2_sum = float(backend.scalar("SELECT CAST(SUM(k) AS DOUBLE) FROM lp_deg") or 0.0)
    m2 = dialect.double(max(m2_sum, 1.0))
    gamma = dialect.double(float(resolution))
    rounds: list[int] = []
    for level in range(max_levels):
        cur, nxt = "lp_labels", "lp_labels_next"  # swapped when a round is kept: no copy
        backend.scratch(cur, "SELECT aid, aid AS label FROM lp_deg")
        quality = _lp_quality(backend, cur, m2, gamma)
        kept = 0
        for n in range(1, max_rounds + 1):
            backend.scratch("lp_best", f"""
                WITH tot AS (SELECT c.label, SUM(d.k) AS tot FROM {cur} c
                             JOIN lp_deg d ON d.aid = c.aid GROUP BY c.label),
                votes AS (SELECT l.u AS aid, n.label, SUM(l.w) AS kin
                          FROM lp_links l JOIN {cur} n ON n.aid = l.v
                          GROUP BY l.u, n.label),
                options AS (
                    SELECT aid, label, kin FROM votes
                    UNION ALL
                    SELECT c.aid, c.label, CAST(0 AS BIGINT) AS kin FROM {cur} c
                    ANTI JOIN votes v ON v.aid = c.aid AND v.label = c.label),
                gains AS (
                    SELECT o.aid, o.label, CASE WHEN o.label = c.label THEN 1 ELSE 0 END AS own,
                           CAST(o.kin AS DOUBLE) - {gamma} * CAST(d.k AS DOUBLE)
                             * CAST(t.tot - CASE WHEN o.label = c.label THEN d.k ELSE 0 END
                                    AS DOUBLE) / {m2} AS gain
                    FROM options o JOIN {cur} c ON c.aid = o.aid
                    JOIN lp_deg d ON d.aid = o.aid JOIN tot t ON t.label = o.label)
                SELECT aid, label, own FROM (
                    SELECT aid, label, own, ROW_NUMBER() OVER (PARTITION BY aid ORDER BY
                        gain DESC, own DESC, {_lp_hash('label', seed)}, label) AS r
                    FROM gains) AS ranked
                WHERE r = 1
                """)
            if int(backend.scalar("SELECT count(*) FROM lp_best WHERE own = 0")) == 0:
                break
            salt = (seed * 7919 + level * 104729 + n) % _LP_PRIME
            better = None
            for share in (2, 4, 8):
                backend.scratch(nxt, f"""
                    SELECT b.aid, CASE WHEN b.own = 0 AND {_lp_hash('b.aid', salt)} % {share} = 0
                                       THEN b.label ELSE c.label END AS label
                    FROM lp_best b JOIN {cur} c ON c.aid = b.aid
                    """)
                q = _lp_quality(backend, nxt, m2, gamma)
                if q > quality + _LP_MIN_GAIN:
                    better = q
                    break
            if better is None:
                break
            quality = better
            kept += 1
            cur, nxt = nxt, cur
        rounds.append(kept)
        if kept == 0:
            break
        # the level's communities become the nodes of the next one
        backend.scratch("lp_next", "SELECT m.aid, c.label AS node FROM lp_member m "
                        f"JOIN {cur} c ON c.aid = m.node")
        backend.scratch("lp_member", "SELECT * FROM lp_next")
        backend.scratch("lp_next", f"""
            SELECT c.label AS aid, CAST(SUM(d.k) AS BIGINT) AS k,
                   CAST(SUM(d.inw) + coalesce(MIN(i.w), 0) AS BIGINT) AS inw
            FROM lp_deg d JOIN {cur} c ON c.aid = d.aid
            LEFT JOIN (SELECT a.label, SUM(l.w) AS w FROM lp_links l
                       JOIN {cur} a ON a.aid = l.u JOIN {cur} b ON b.aid = l.v
                       WHERE a.label = b.label GROUP BY a.label) AS i ON i.label = c.label
            GROUP BY c.label
            """)
        backend.scratch("lp_deg", "SELECT * FROM lp_next")
        backend.scratch("lp_next", f"""
            SELECT a.label AS u, b.label AS v, CAST(SUM(l.w) AS BIGINT) AS w
            FROM lp_links l JOIN {cur} a ON a.aid = l.u JOIN {cur} b ON b.aid = l.v
            WHERE a.label <> b.label GROUP BY a.label, b.label
            """)
        # (a table is not made from itself: Spark cannot overwrite the files it reads)
        backend.scratch("lp_links", "SELECT * FROM lp_next")
        backend.drop("lp_next")
    out = backend.arrow("SELECT aid, node FROM lp_member ORDER BY aid")
    for name in ("lp_links", "lp_deg", "lp_member", "lp_labels", "lp_labels_next", "lp_best"):
        backend.drop(name)
    aids = out.column("aid").to_numpy().astype(np.int64)
    _, labels = np.unique(out.column("node").to_numpy(), return_inverse=True)
    return aids, labels.astype(np.int64), rounds


def communities(backend: Backend, graph: str, *, resolution: float = 1.0, seed: int = 0,
                driver_max_links: int = DRIVER_MAX_LINKS, max_iterations: int | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """Communities of the graph of ``graph`` (a table or subquery with ``aid_a, aid_b,
    weight``): Leiden on the driver (:func:`leiden_membership`, at most ``max_iterations``
    iterations) when the graph has at most ``driver_max_links`` links, else label
    propagation on ``backend``'s engine (:func:`label_propagation`). Returns ``(aids,
    labels)`` as :func:`leiden_membership` does."""
    n = int(backend.scalar(f"SELECT count(*) FROM {graph} AS g"))
    if n > driver_max_links:
        aids, labels, _ = label_propagation(backend, graph, resolution=resolution, seed=seed)
        return aids, labels
    return leiden_membership(backend.arrow(f"SELECT aid_a, aid_b, weight FROM {graph} AS g"),
                             resolution=resolution, seed=seed, max_iterations=max_iterations)
