"""The use-case layer over the store (cibwatch.api): runs, networks, summaries, pair evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from cibwatch import DetectConfig, Store, detect, ingest_files
from cibwatch.api import list_networks, list_runs, locate_network, network_summary, pair_evidence
from cibwatch.errors import ConfigError, NotInStoreError

from .conftest import post, write_posts_csv


def _store(tmp_path: Path) -> Store:
    rows = []
    for c, size in ((0, 5), (1, 4), (2, 3)):
        for k in range(12):
            t = 1_600_000_000 + c * 100_000 + k * 3_000
            for i in range(size):
                rows.append(post(f"c{c}k{k}m{i}", f"c{c}m{i}", t + i, reshare_of=f"o{c}-{k}",
                                 urls=[f"https://ex.com/{c}/{k}"] if k % 3 == 0 else []))
    for u in range(30):
        for k in range(3):
            rows.append(post(f"bg{u}-{k}", f"bg{u}", 1_600_000_000 + u * 977 + k * 50_000,
                             reshare_of=f"bgitem{u}-{k}"))
    store = Store(tmp_path / "s.duckdb")
    ingest_files(store, [write_posts_csv(tmp_path / "p.csv", rows)])
    return store


CFG = dict(significance=False, min_weight=3.0)


def test_networks_of_a_run_and_of_the_latest_runs(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        r1 = str(detect(store, DetectConfig(**CFG)).run_id)  # type: ignore[arg-type]
        r2 = str(detect(store, DetectConfig(**CFG, min_size=4)).run_id)  # type: ignore[arg-type]
        assert [r.run_id for r in list_runs(store)] == [r1, r2]
        first = list_networks(store, r1)
        assert first.total == 3 and [n.label for n in first.items] == ["N0001", "N0002", "N0003"]
        top = first.items[0]
        assert (top.size, top.platforms, top.n_pairs) == (5, ("twitter",), 10)
        traces = dict(top.traces)  # 10 pairs x 12 reshares, x 4 links, at the 1-minute window
        assert traces["reshare"] == 120 and traces["url"] == 40 and set(traces) == {
            "reshare", "url", "url_seed"}
        assert top.traces_text.startswith("reshare=120;url=40;url_seed=")
        # each network once, in the latest run that has it: two from r2, the small one from r1
        latest = list_networks(store)
        assert [(n.run_id, n.size) for n in latest.items] == [(r2, 5), (r2, 4), (r1, 3)]
        assert list_networks(store, limit=1, offset=2).items[0].size == 3
        page = list_networks(store, limit=2, offset=5)
        assert page.items == [] and page.total == 3
        assert list_networks(store, min_size=4).total == 2
        assert list_networks(store, assessment="inauthentic").total == 0
        with pytest.raises(NotInStoreError, match="run_id"):
            list_networks(store, "9999-nope")
        with pytest.raises(ConfigError, match="limit"):
            list_networks(store, limit=-1)


def test_network_summary_and_pair_evidence(tmp_path: Path) -> None:
    with _store(tmp_path) as store:
        run = str(detect(store, DetectConfig(**CFG)).run_id)  # type: ignore[arg-type]
        nid = list_networks(store, run).items[2].network_id
        assert locate_network(store, "N0003") == (run, nid) == locate_network(store, nid, run)
        s = network_summary(store, "N0003")
        assert s.row.network_id == nid and s.row.size == 3 and len(s.members) == 3
        assert [m.account_id for m in s.members] == ["c2m0", "c2m1", "c2m2"]
        assert {m.source for m in s.members} == {"pairs"}
        assert s.pairs == (("twitter", "c2m0", "twitter", "c2m1"),
                           ("twitter", "c2m0", "twitter", "c2m2"),
                           ("twitter", "c2m1", "twitter", "c2m2"))
        assert s.first_activity == "2020-09-15T20:00:00Z" and s.last_activity  # 1_600_200_000
        ev = pair_evidence(store, nid, ("twitter", "c2m1"), ("twitter", "c2m0"))
        assert {(e.trace, e.window_s) for e in ev} == {
            ("reshare", 60.0), ("reshare", 600.0), ("url", 60.0), ("url", 600.0),
            ("url_seed", 259200.0)}
        assert all(e.a == ("twitter", "c2m0") for e in ev)
        one = next(e for e in ev if (e.trace, e.window_s) == ("reshare", 60.0))
        assert one.n_coactions == 12 and one.evidence[0]["post_id_a"] == "c2k0m0"
        assert pair_evidence(store, nid, ("twitter", "c2m1"), ("twitter", "ghost")) == []
        with pytest.raises(NotInStoreError, match="network_id"):
            network_summary(store, "N0009")
        with pytest.raises(NotInStoreError, match="run_id"):
            network_summary(store, nid, "0001-00000000")
