"""Fusion and communities."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

import cibwatch
from cibwatch import ConfigError, DetectConfig, Store, config_from
from cibwatch.engine import DuckDBBackend
from cibwatch.network import communities, label_propagation, leiden_membership


def _two_cliques_and_a_bridge() -> pa.Table:
    a, b, w = [], [], []
    for base in (0, 10):
        for i in range(base, base + 6):
            for j in range(i + 1, base + 6):
                a.append(i)
                b.append(j)
                w.append(5.0)
    a.append(5)
    b.append(10)
    w.append(1.0)
    a.append(3)
    b.append(3)  # a self-loop: ignored
    w.append(9.0)
    return pa.table({"aid_a": a, "aid_b": b, "weight": w})


def test_leiden_splits_cliques_and_is_seeded() -> None:
    t = _two_cliques_and_a_bridge()
    aids, labels = leiden_membership(t, seed=3)
    assert aids.tolist() == list(range(6)) + list(range(10, 16))
    groups = {tuple(aids[labels == lab].tolist()) for lab in np.unique(labels)}
    assert groups == {tuple(range(6)), tuple(range(10, 16))}
    again = leiden_membership(t, seed=3)[1]
    assert (again == labels).all()
    shuffled = t.take(pa.array(np.random.default_rng(0).permutation(t.num_rows)))
    assert (leiden_membership(shuffled, seed=3)[1] == labels).all()


def _planted(n: int = 600, k: int = 12, seed: int = 3, noise: float = 0.08) -> pa.Table:
    """A noisy planted partition: k groups (``aid % k``), dense inside, sparse across."""
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, n, 40 * n), rng.integers(0, n, 40 * n)
    same = (a % k) == (b % k)
    keep = same | (rng.random(a.shape[0]) < noise)
    a, b = a[keep], b[keep]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    pairs = np.unique(np.column_stack([lo, hi]), axis=0)
    return pa.table({"aid_a": pairs[:, 0], "aid_b": pairs[:, 1],
                     "weight": rng.random(pairs.shape[0]) + 0.1})


def test_bounded_leiden_equals_unbounded_when_it_converges() -> None:
    edges = _planted()
    aids, full = leiden_membership(edges, seed=5)
    # the bounded run repeats one iteration from the previous partition: same random draws
    aids2, bounded = leiden_membership(edges, seed=5, max_iterations=200)
    assert np.array_equal(aids, aids2) and np.array_equal(full, bounded)
    _, one = leiden_membership(edges, seed=5, max_iterations=1)
    assert one.shape == full.shape and len(np.unique(one)) >= 2
    with pytest.raises(ValueError, match="at least 1"):
        leiden_membership(edges, max_iterations=0)


def test_graphs_in_other_processes_get_the_same_communities(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """:func:`leiden_memberships` hands every graph but the first to a process of its own;
    the results are those of one call after the other, in order, errors included."""
    import cibwatch.network as net

    graphs = [_planted(seed=3), _planted(n=500, k=7, seed=4), _planted(n=300, k=5, seed=6)]
    alone = [leiden_membership(g, seed=5, max_iterations=10) for g in graphs]
    monkeypatch.setattr(net, "_cores", lambda: 2)  # as on the CI machine, whatever this is
    together = net.leiden_memberships(graphs, min_links=0, seed=5, max_iterations=10)
    assert len(together) == 3
    for (a1, l1), (a2, l2) in zip(alone, together, strict=True):
        assert np.array_equal(a1, a2) and np.array_equal(l1, l2)
    assert len({len(np.unique(lab)) for _, lab in together}) > 1  # three different graphs
    with pytest.raises(ValueError, match="at least 1"):  # as one call after the other would
        net.leiden_memberships(graphs[:2], min_links=0, max_iterations=0)
    # one core, or small graphs: all here, the same results
    monkeypatch.setattr(net, "_cores", lambda: 1)
    here = net.leiden_memberships(graphs, min_links=0, seed=5, max_iterations=10)
    assert all(np.array_equal(x[1], y[1]) for x, y in zip(alone, here, strict=True))


def _modularity(edges: pa.Table, aids: np.ndarray, labels: np.ndarray) -> float:
    import igraph as ig

    ia = np.searchsorted(aids, edges.column("aid_a").to_numpy())
    ib = np.searchsorted(aids, edges.column("aid_b").to_numpy())
    g = ig.Graph(n=int(aids.shape[0]), edges=np.column_stack([ia, ib]))
    return float(g.modularity(labels.tolist(),
                              weights=edges.column("weight").to_numpy().tolist()))


def _propagated(edges: pa.Table, threads: int | None = None, **options: object
                ) -> tuple[np.ndarray, np.ndarray, list[int]]:
    store = Store(None, threads=threads)
    with store.registered("g", edges):
        return label_propagation(DuckDBBackend(store), "g", **options)  # type: ignore[arg-type]


def test_label_propagation_splits_cliques_and_finds_planted_groups() -> None:
    """The distributed method (SQL on the engine) finds what Leiden finds on clear graphs,
    within a few per cent of its modularity on a noisy one."""
    aids, labels, rounds = _propagated(_two_cliques_and_a_bridge())
    assert aids.tolist() == list(range(6)) + list(range(10, 16))
    groups = {tuple(aids[labels == lab].tolist()) for lab in np.unique(labels)}
    assert groups == {tuple(range(6)), tuple(range(10, 16))}
    assert 1 <= rounds[0] <= 20
    import igraph as ig

    clear = _planted(noise=0.01)
    aids, labels, _ = _propagated(clear)
    assert ig.compare_communities((aids % 12).tolist(), labels.tolist(), method="nmi") > 0.95
    # a noisy graph: below Leiden (what it costs in quality), far above no structure
    edges = _planted()
    aids, labels, _ = _propagated(edges)
    l_aids, l_labels = leiden_membership(edges, seed=0)
    q_lp, q_leiden = _modularity(edges, aids, labels), _modularity(edges, l_aids, l_labels)
    assert 0.85 * q_leiden <= q_lp <= q_leiden
    assert ig.compare_communities((aids % 12).tolist(), labels.tolist(), method="nmi") > 0.4


def test_label_propagation_is_deterministic_on_any_order_and_thread_count() -> None:
    edges = _planted(n=500, k=7, seed=4)
    one = _propagated(edges, threads=1, seed=2)
    shuffled = edges.take(pa.array(np.random.default_rng(1).permutation(edges.num_rows)))
    two = _propagated(shuffled, threads=2, seed=2)
    assert np.array_equal(one[0], two[0]) and np.array_equal(one[1], two[1])
    assert one[2] == two[2]
    # the rounds are bounded; one level is one level
    bounded = _propagated(edges, max_rounds=1, max_levels=1)
    assert bounded[2] == [1] and len(np.unique(bounded[1])) > len(np.unique(one[1]))
    with pytest.raises(ValueError, match="at least 1"):
        _propagated(edges, max_rounds=0)
    empty = _propagated(pa.table({"aid_a": [1], "aid_b": [1], "weight": [1.0]}))
    assert empty[0].size == 0 and empty[1].size == 0


def test_communities_go_to_label_propagation_above_the_driver_limit() -> None:
    edges = _planted(n=300, k=5, seed=6)
    store = Store(None)
    with store.registered("g", edges):
        backend = DuckDBBackend(store)
        small = communities(backend, "g", seed=1, driver_max_links=edges.num_rows)
        big = communities(backend, "g", seed=1, driver_max_links=edges.num_rows - 1)
        lp = label_propagation(backend, "g", seed=1)
    leiden = leiden_membership(edges, seed=1)
    assert np.array_equal(small[1], leiden[1])
    assert np.array_equal(big[0], lp[0]) and np.array_equal(big[1], lp[1])


def test_empty_graph() -> None:
    aids, labels = leiden_membership(pa.table({"aid_a": [1], "aid_b": [1], "weight": [1.0]}))
    assert aids.size == 0 and labels.size == 0


def test_config_validation_and_presets() -> None:
    with pytest.raises(ConfigError):
        DetectConfig(weight="magic")  # type: ignore[arg-type]
    with pytest.raises(ConfigError):
        DetectConfig(window_s=-1)
    with pytest.raises(ConfigError):
        DetectConfig(trace_windows={"nope": 10})
    with pytest.raises(ConfigError):
        config_from("botometer")
    c = config_from("coortweet", window_s=30.0)
    assert c.window_s == 30 and c.min_participation == 5 and c.max_neighbours is None
    assert [t.name for t in c.traces] == ["reshare"]
    assert DetectConfig(trace_windows={"text_near": 3600}).window_for("text_near") == 3600


def test_public_api() -> None:
    for name in cibwatch.__all__:
        assert hasattr(cibwatch, name), name
