"""Results a rerun takes back from the store (cibwatch.memo): the group-evidence membership,
the links of the group-evidence networks and the pictures. A rerun that takes them back writes
the same files as a fresh run; a change of what they depend on computes them again."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cibwatch import Store, groups, memo
from cibwatch.api import DetectOptions, DetectRequest, Inputs, run_detection
from cibwatch.report import pictures

from .conftest import write_posts_csv
from .test_groups import rotating_world

_RUN = re.compile(rb"\d{4}-[0-9a-f]{8}")


def _run(out: Path, store: Path, files: list[Path], **options: Any) -> Any:
    return run_detection(DetectRequest(out=out, store_path=store, inputs=Inputs(files),
                                       options=DetectOptions(**options), pictures=3))


def _count(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    calls = {"membership": 0, "group_links": 0, "pictures": 0}

    def counted(module: Any, name: str, key: str) -> None:
        real = getattr(module, name)

        def wrapper(*a: Any, **k: Any) -> Any:
            calls[key] += 1
            return real(*a, **k)

        wrapper.__name__ = real.__name__
        monkeypatch.setattr(module, name, wrapper)

    counted(groups, "membership", "membership")
    counted(groups, "group_links", "group_links")
    for name in ("clock_picture", "timeline_picture", "graph_picture"):
        counted(pictures, name, "pictures")
    return calls


def _same_files(a: Path, b: Path) -> None:
    """The files of two runs are the same bytes but for the run's id."""
    for name in ("accounts.csv", "networks.csv"):
        assert _RUN.sub(b"RUN", (a / name).read_bytes()) == _RUN.sub(b"RUN", (b / name).read_bytes()), name
    ea, eb = (pq.read_table(d / "edges.parquet").drop(["run_id"]) for d in (a, b))
    assert ea.equals(eb)
    pics = sorted(p.name for p in (a / "networks").iterdir())
    assert pics and pics == sorted(p.name for p in (b / "networks").iterdir())
    for name in pics:
        assert (a / "networks" / name).read_bytes() == (b / "networks" / name).read_bytes(), name


def test_a_rerun_with_another_resolution_takes_back_what_it_can_and_writes_the_same_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_posts_csv(tmp_path / "posts.csv", rotating_world())
    _run(tmp_path / "first", tmp_path / "s.duckdb", [path])
    fresh = _run(tmp_path / "fresh", tmp_path / "fresh.duckdb", [path], resolution=1.5)
    calls = _count(monkeypatch)
    recalled: list[str] = []
    real_recall = memo.recall

    def recall(store: Store, name: str, key: str) -> Any:
        t = real_recall(store, name, key)
        if t is not None and name == "edge_rows":
            recalled.append(name)
        return t

    monkeypatch.setattr(memo, "recall", recall)
    rerun = _run(tmp_path / "rerun", tmp_path / "s.duckdb", [], resolution=1.5)
    assert calls == {"membership": 0, "group_links": 0, "pictures": 0}
    assert rerun.result.n_networks == fresh.result.n_networks > 0
    with Store(tmp_path / "s.duckdb", read_only=True) as s:  # the test is not vacuous
        assert s.scalar("SELECT count(*) FROM members WHERE source = 'group'") > 0
        assert s.scalar("SELECT count(*) FROM group_links") > 0
        assert s.scalar("SELECT count(*) FROM memo_assessments") == rerun.result.n_networks
    assert recalled == ["edge_rows"]  # the pair rows of edges.parquet were taken back
    _same_files(tmp_path / "rerun", tmp_path / "fresh")
    # another least network size changes the groups: computed again, and still the same
    # files as a fresh run with it
    _run(tmp_path / "rerun6", tmp_path / "s.duckdb", [], resolution=1.5, min_size=6)
    assert calls["membership"] >= 1 and calls["group_links"] == 1
    monkeypatch.undo()
    _run(tmp_path / "fresh6", tmp_path / "fresh6.duckdb", [path], resolution=1.5, min_size=6)
    _same_files(tmp_path / "rerun6", tmp_path / "fresh6")


def test_new_posts_compute_everything_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    rows = rotating_world()
    path = write_posts_csv(tmp_path / "posts.csv", rows[:-50])
    more = write_posts_csv(tmp_path / "more.csv", rows[-50:])
    _run(tmp_path / "first", tmp_path / "s.duckdb", [path])
    calls = _count(monkeypatch)
    _run(tmp_path / "second", tmp_path / "s.duckdb", [more])
    assert calls["membership"] >= 1 and calls["group_links"] == 1


def test_digest_tells_apart_what_differs() -> None:
    a = np.arange(5, dtype=np.int64)
    assert memo.digest(a) == memo.digest(a.copy())
    assert memo.digest(a) != memo.digest(a.astype(np.int32))
    assert memo.digest(a) != memo.digest(a[::-1])
    assert memo.digest(a[:2], a[2:]) != memo.digest(a[:3], a[3:])
    assert memo.digest({"x": 1}) != memo.digest({"x": 2})


def test_recall_needs_the_same_key_and_a_read_only_store_is_left_alone(tmp_path: Path) -> None:
    t = pa.table({"aid": [1, 2], "gid": [0, 0]})
    with Store(tmp_path / "s.duckdb") as s:
        assert memo.recall(s, "membership", "k1") is None
        memo.remember(s, "membership", "k1", t)
        assert memo.recall(s, "membership", "k1").equals(t)  # type: ignore[union-attr]
        assert memo.recall(s, "membership", "k2") is None
        memo.remember_blobs(s, "pictures", {"a": b"\x89PNG1"})
    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        assert memo.recall_blobs(s, "pictures") == {"a": b"\x89PNG1"}
        memo.remember(s, "membership", "k3", t)  # no error, nothing written
        memo.remember_blobs(s, "pictures", {})
        assert memo.recall(s, "membership", "k1") is not None
        assert memo.recall_blobs(s, "pictures") == {"a": b"\x89PNG1"}
    with pytest.raises(ValueError):
        memo.recall(Store(None), "no such; name", "k")


def _count_labels(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    from cibwatch.traces import text_near

    calls = {"labels": 0}
    real = text_near.near_duplicate_labels

    def counted(*a: Any, **k: Any) -> Any:
        calls["labels"] += 1
        return real(*a, **k)

    monkeypatch.setattr(text_near, "near_duplicate_labels", counted)
    return calls


def test_another_window_takes_back_the_normalised_texts_and_the_clusters(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A run with another window on the same posts reads the near-duplicate clusters back
    and writes the files of a fresh run with that window."""
    path = write_posts_csv(tmp_path / "posts.csv", rotating_world())
    _run(tmp_path / "first", tmp_path / "s.duckdb", [path])
    _run(tmp_path / "fresh", tmp_path / "fresh.duckdb", [path], window="120s")
    calls = _count_labels(monkeypatch)
    _run(tmp_path / "again", tmp_path / "s.duckdb", [], window="120s")
    assert calls["labels"] == 0
    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        assert s.scalar("SELECT count(*) FROM near_text") > 0  # not vacuous
    _same_files(tmp_path / "again", tmp_path / "fresh")


def test_only_new_or_changed_texts_are_normalised_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cibwatch.normalize import normalize_text_sql

    path = write_posts_csv(tmp_path / "posts.csv", rotating_world())
    _run(tmp_path / "first", tmp_path / "s.duckdb", [path])
    with Store(tmp_path / "s.duckdb") as s:
        pid_kept, pid_changed = (r[0] for r in s.fetchall(
            "SELECT pid FROM memo_post_norm ORDER BY pid LIMIT 2"))
        # mark what was kept for one post, to see that it is read back, not made again
        s.execute("UPDATE memo_post_norm SET norm = 'kept for ' || norm WHERE pid = ?",
                  [pid_kept])
        s.execute("UPDATE posts SET text = text || ' and more words' WHERE pid = ?",
                  [pid_changed])
    calls = _count_labels(monkeypatch)
    _run(tmp_path / "again", tmp_path / "s.duckdb", [], window="120s")
    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        got = dict(s.fetchall("SELECT pid, norm FROM post_norm"))
        want = dict(s.fetchall(f"SELECT pid, {normalize_text_sql('text')} FROM posts "
                               "WHERE reshare_of IS NULL AND text <> ''"))
    assert got[pid_kept] == "kept for " + want[pid_kept]
    assert got[pid_changed] == want[pid_changed] and want[pid_changed].endswith("more words")
    assert {p: n for p, n in got.items() if p != pid_kept} == \
        {p: n for p, n in want.items() if p != pid_kept}
    assert calls["labels"] == 1  # the texts changed: the clusters are made again


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with a detection run on the bundled real data (IRA tweets, CooRTweet) and a
    small simulated world (whose operation has repurposed accounts)."""
    from cibwatch.simulate import simulate

    from .conftest import DEMO

    d = tmp_path_factory.mktemp("demo")
    simulate(d / "world", seed=3, scale=0.05)
    _run(d / "out", d / "s.duckdb", [*sorted(DEMO.iterdir()), d / "world" / "posts.parquet",
                                      d / "world" / "accounts.parquet"])
    return d / "s.duckdb"


def _assessed(s: Store) -> tuple[pa.Table, pa.Table]:
    from cibwatch.assess import _SCHEMA

    return (s.arrow(f"SELECT {', '.join(_SCHEMA.names)} FROM assessments ORDER BY network_id"),
            s.arrow("SELECT aid FROM account_flags ORDER BY aid"))


def test_a_network_assessed_alone_gets_the_row_it_gets_among_all(demo_store: Path,
                                                                  tmp_path: Path) -> None:
    """The assessment is lazy: networks whose assessment is kept are not assessed again, the
    others are assessed on a members table of their own. Neither changes a row."""
    from cibwatch.assess import AssessParams, assess

    path = tmp_path / "s.duckdb"
    path.write_bytes(demo_store.read_bytes())
    with Store(path) as s:
        n_members = s.scalar("SELECT count(*) FROM members")
        assert assess(s) == 0  # the run's own assessments are kept: nothing to do
        full, flags = _assessed(s)
        assert full.num_rows >= 4 and flags.num_rows > 0  # not vacuous
        assert "inauthentic" in full.column("assessment").to_pylist()
        # forget the kept assessments of every other network, and those of the flagged ones
        flagged = {r[0] for r in s.fetchall(
            "SELECT DISTINCT network_id FROM members SEMI JOIN account_flags USING (aid)")}
        nids = full.column("network_id").to_pylist()
        gone = sorted(set(nids[::2]) | flagged)
        assert 0 < len(gone) < len(nids)
        from cibwatch.assess import _network_keys

        keys = _network_keys(s, AssessParams())
        s.execute("DELETE FROM memo_assessments WHERE key IN (SELECT unnest(?))",
                  [[keys[n] for n in gone]])
        assert assess(s) == len(gone)
        again, again_flags = _assessed(s)
        assert again.equals(full) and again_flags.equals(flags)
        assert s.scalar("SELECT count(*) FROM members") == n_members  # the run's members
        # other settings assess every network again
        assert assess(s, AssessParams(min_strength=3.0)) == len(nids)
        assert assess(s) == len(nids)  # only the last settings' assessments are kept
        assert _assessed(s)[0].equals(full)


def test_new_members_are_assessed_again(demo_store: Path, tmp_path: Path) -> None:
    from cibwatch.assess import assess

    path = tmp_path / "s.duckdb"
    path.write_bytes(demo_store.read_bytes())
    with Store(path) as s:
        nid, aid = s.fetchall("SELECT network_id, min(aid) FROM members GROUP BY 1 "
                              "ORDER BY 1 LIMIT 1")[0]
        s.execute("DELETE FROM members WHERE aid = ?", [aid])
        assert assess(s) == 1
        row = s.fetchall("SELECT count(*) FROM members WHERE network_id = ?", [nid])[0][0]
        assert row >= 1
