"""Runs kept in the store, stable network ids, lineage (issue 12)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from cibwatch import DetectConfig, Store, detect, ingest_files
from cibwatch.errors import ConfigError
from cibwatch.expand import NETWORK_ID, Seed, expand
from cibwatch.report.outputs import write_outputs
from cibwatch.runs import (
    NETWORK_NAMESPACE,
    begin_run,
    get_run,
    list_runs,
    network_uuid,
    resolve_network,
)

from .conftest import post, write_posts_csv
from .output_digest import digest, reference_runs

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "identity" / "digest.json"


def _crews(n_crews: int = 2, size: int = 4, extra: list[str] | None = None) -> list[dict[str, Any]]:
    """Crews of ``size`` accounts resharing the same posts within seconds, and one account of
    ``extra`` joining the first crew."""
    rows = []
    for c in range(n_crews):
        members = [f"c{c}m{i}" for i in range(size)] + (extra or [] if c == 0 else [])
        for k in range(12):
            t = 1_600_000_000 + c * 100_000 + k * 3_000
            for i, m in enumerate(members):
                rows.append(post(f"c{c}k{k}{m}", m, t + i, reshare_of=f"orig{c}-{k}"))
    for u in range(40):  # background: each account reshares its own items
        for k in range(3):
            rows.append(post(f"bg{u}-{k}", f"bg{u}", 1_600_000_000 + u * 977 + k * 50_000,
                             reshare_of=f"bgitem{u}-{k}"))
    return rows


def _store_with(tmp_path: Path, rows: list[dict[str, Any]], name: str = "s") -> Store:
    store = Store(tmp_path / f"{name}.duckdb")
    ingest_files(store, [write_posts_csv(tmp_path / f"{name}.csv", rows)])
    return store


CFG = dict(significance=False, min_weight=3.0, assess=False)


def _members_by_id(store: Store, run_id: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for nid, key in store.fetchall(
            "SELECT m.network_id, ai.platform || ':' || ai.account_id FROM run_members m "
            "JOIN account_index ai USING (aid) WHERE m.run_id = ?", [run_id]):
        out.setdefault(nid, set()).add(key)
    return out


def test_network_id_is_a_uuid5_of_the_sorted_member_keys() -> None:
    import uuid

    keys = ["twitter:b", "twitter:a", "tiktok:c"]
    nid = network_uuid(keys)
    assert nid == str(uuid.uuid5(NETWORK_NAMESPACE, "tiktok:c\ntwitter:a\ntwitter:b"))
    assert nid == network_uuid(reversed(keys)) != network_uuid(keys[:2])
    assert str(NETWORK_NAMESPACE) == "f3d6b783-7982-4156-a812-56150e07ad42"  # never changes


def test_same_members_same_id_across_runs_and_stores(tmp_path: Path) -> None:
    with _store_with(tmp_path, _crews(), "a") as store:
        r1 = detect(store, DetectConfig(**CFG))  # type: ignore[arg-type]
        r2 = detect(store, DetectConfig(**CFG, resolution=0.9))  # type: ignore[arg-type]
        assert r1.run_id and r2.run_id and r1.run_id != r2.run_id
        m1, m2 = _members_by_id(store, r1.run_id), _members_by_id(store, r2.run_id)
        assert len(m1) == 2 and m1 == m2  # the same networks: the same ids
        for nid, keys in m1.items():
            assert nid == network_uuid(keys)
        # the lineage of each network: itself in the earlier run, Jaccard 1
        lin = store.fetchall("SELECT network_id, earlier_run_id, earlier_network_id, shared, "
                             "jaccard FROM lineage WHERE run_id = ? ORDER BY 1", [r2.run_id])
        assert [(a, b, c, d, e) for a, b, c, d, e in lin] == [
            (nid, r1.run_id, nid, len(m1[nid]), 1.0) for nid in sorted(m1)]
    with _store_with(tmp_path, _crews(), "b") as other:  # another store, the same data
        r = detect(other, DetectConfig(**CFG))  # type: ignore[arg-type]
        assert _members_by_id(other, str(r.run_id)) == m1


def test_changed_membership_changes_the_id_and_lineage_links_it(tmp_path: Path) -> None:
    with _store_with(tmp_path, _crews(), "a") as store:
        first = detect(store, DetectConfig(**CFG))  # type: ignore[arg-type]
    with _store_with(tmp_path, _crews(extra=["late"]), "b") as store:
        second = detect(store, DetectConfig(**CFG))  # type: ignore[arg-type]
        m = _members_by_id(store, str(second.run_id))
    with Store(tmp_path / "a.duckdb") as a:
        old = _members_by_id(a, str(first.run_id))
    grown = next(k for k, v in m.items() if "twitter:late" in v)
    assert grown not in old and len(set(m) & set(old)) == 1
    # in one store: the grown network's lineage names the earlier one, Jaccard 4/5
    with Store(tmp_path / "a.duckdb") as store:
        ingest_files(store, [write_posts_csv(tmp_path / "late.csv", [
            r for r in _crews(extra=["late"]) if r["account_id"] == "late"])])
        again = detect(store, DetectConfig(**CFG))  # type: ignore[arg-type]
        rows = store.fetchall("SELECT earlier_run_id, earlier_network_id, shared, size, "
                              "earlier_size, jaccard FROM lineage WHERE run_id = ? "
                              "AND network_id = ?", [again.run_id, grown])
    before = next(k for k, v in old.items() if "twitter:c0m0" in v)
    assert rows == [(first.run_id, before, 4, 5, 4, 0.8)]


def test_two_runs_with_different_settings_both_stay_queryable(tmp_path: Path) -> None:
    with _store_with(tmp_path, _crews(n_crews=3), "a") as store:
        wide = detect(store, DetectConfig(**CFG))  # type: ignore[arg-type]
        narrow = detect(store, DetectConfig(**{**CFG, "min_size": 5}))  # type: ignore[arg-type]
        runs = list_runs(store)
        assert [(r.run_id, r.kind, r.status) for r in runs] == [
            (wide.run_id, "detect", "finished"), (narrow.run_id, "detect", "finished")]
        assert runs[0].config["min_size"] == 3 and runs[1].config["min_size"] == 5
        assert runs[0].sources[0]["path"].endswith("a.csv") and runs[0].n_networks == 3
        assert runs[1].n_networks == 0 and runs[0].started and runs[0].finished
        assert len(_members_by_id(store, str(wide.run_id))) == 3
        assert _members_by_id(store, str(narrow.run_id)) == {}
        assert store.scalar("SELECT count(*) FROM run_networks WHERE run_id = ?",
                            [wide.run_id]) == 3
        assert store.scalar("SELECT count(*) FROM run_edges WHERE run_id = ?",
                            [wide.run_id]) == store.scalar(
            "SELECT count(*) FROM run_edges WHERE run_id = ?", [narrow.run_id]) > 0
        # the stage tables hold the latest run
        assert store.scalar("SELECT count(*) FROM networks") == 0
        assert {r[0] for r in store.fetchall("SELECT run_id FROM edges")} == {narrow.run_id}


def test_a_failed_run_is_marked_and_earlier_results_stay(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import cibwatch.pipeline as pipeline

    with _store_with(tmp_path, _crews(), "a") as store:
        good = detect(store, DetectConfig(**CFG))  # type: ignore[arg-type]
        kept = _members_by_id(store, str(good.run_id))

        def broken(*a: Any, **k: Any) -> Any:
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(pipeline, "communities", broken)
        with pytest.raises(RuntimeError, match="disk on fire"):
            detect(store, DetectConfig(**CFG))  # type: ignore[arg-type]
        runs = list_runs(store)
        assert [r.status for r in runs] == ["finished", "failed"]
        assert "disk on fire" in str(runs[1].error) and runs[1].finished is not None
        assert _members_by_id(store, str(good.run_id)) == kept
        assert _members_by_id(store, runs[1].run_id) == {}


def test_an_interrupted_run_is_marked_failed_by_the_next(tmp_path: Path) -> None:
    with _store_with(tmp_path, _crews(), "a") as store:
        stale = begin_run(store, "detect", {"what": "killed"})  # the process died here
        assert get_run(store, stale).status == "running"
        done = detect(store, DetectConfig(**CFG))  # type: ignore[arg-type]
        assert get_run(store, stale).status == "failed"
        assert "interrupted" in str(get_run(store, stale).error)
        assert get_run(store, str(done.run_id)).status == "finished"
        with pytest.raises(ConfigError, match="run_id"):
            get_run(store, "nope")
        with pytest.raises(ConfigError, match="kind"):
            begin_run(store, "guess", {})


def test_outputs_name_the_run_and_the_stable_id(tmp_path: Path) -> None:
    with _store_with(tmp_path, _crews(), "a") as store:
        res = detect(store, DetectConfig(**CFG))  # type: ignore[arg-type]
        write_outputs(store, res, tmp_path / "out", pictures=0)
        ids = _members_by_id(store, str(res.run_id))
        assert resolve_network(store, "N0001") in ids
        with pytest.raises(ConfigError, match="N0009"):
            resolve_network(store, "N0009")
    out = tmp_path / "out"
    assert json.loads((out / "run.json").read_text())["run_id"] == res.run_id
    nets = list(csv.DictReader((out / "networks.csv").open()))
    accs = list(csv.DictReader((out / "accounts.csv").open()))
    edges = pq.read_table(out / "edges.parquet").to_pylist()
    assert [n["label"] for n in nets] == ["N0001", "N0002"]
    assert {n["network_id"] for n in nets} == set(ids)
    assert {n["run_id"] for n in nets} | {a["run_id"] for a in accs} | {
        e["run_id"] for e in edges} == {res.run_id}
    for a in accs:
        assert f"{a['platform']}:{a['account_id']}" in ids[a["network_id"]]
    assert {e["network_id"] for e in edges if e["network_id"]} == set(ids)
    assert all(n["network_id"] in (out / "summary.md").read_text() for n in nets)


def test_expansion_network_has_a_content_id(tmp_path: Path) -> None:
    with _store_with(tmp_path, _crews(), "a") as store:
        det = detect(store, DetectConfig())
        res = expand(store, [Seed("account", "c0m0", "twitter", "account_id", 2)])
        runs = list_runs(store)
        assert [r.kind for r in runs] == ["detect", "expand"]
        assert runs[1].config["seeds"][0]["value"] == "c0m0"
        found = _members_by_id(store, str(res.run.run_id))
        assert len(found) == 1
        (nid, keys), = found.items()
        assert nid == network_uuid(keys) and "twitter:c0m0" in keys
        assert store.scalar("SELECT label FROM networks") == NETWORK_ID
        assert resolve_network(store, NETWORK_ID) == nid
        # detection's networks of the earlier run are still there
        assert _members_by_id(store, str(det.run_id))
        lin = store.fetchall("SELECT earlier_run_id, jaccard FROM lineage WHERE run_id = ?",
                             [res.run.run_id])
        assert lin and lin[0][0] == det.run_id


@pytest.mark.parametrize("name", ["demo", "world-detect", "world-expand"])
def test_outputs_identical_to_before_issue_12(name: str, reference: dict[str, Any]) -> None:
    """networks.csv, accounts.csv and edges.parquet as the code before issue 12 wrote them
    (tests/output_digest.py), but for the new id, label and run columns."""
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))[name]
    assert reference[name] == expected


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return reference_runs(tmp_path_factory.mktemp("reference"))


def test_the_digest_can_fail(tmp_path: Path) -> None:
    """The digest ignores what a network is called, not what it holds."""
    import shutil

    with _store_with(tmp_path, _crews(), "a") as store:
        res = detect(store, DetectConfig(**CFG))  # type: ignore[arg-type]
        write_outputs(store, res, tmp_path / "o1", pictures=0)
    base = digest(tmp_path / "o1")

    def variant(name: str, file: str, old: str, new: str) -> dict[str, Any]:
        shutil.copytree(tmp_path / "o1", tmp_path / name)
        path = tmp_path / name / file
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
        return digest(tmp_path / name)

    nets = list(csv.DictReader((tmp_path / "o1" / "networks.csv").open()))
    nid = nets[0]["network_id"]
    renamed = variant("renamed", "networks.csv", nid, "another-id")
    renamed_acc = variant("renamed-acc", "accounts.csv", nid, "another-id")
    assert renamed["accounts.csv"] == base["accounts.csv"]
    assert renamed_acc["accounts.csv"] == base["accounts.csv"]  # a name, not a content
    assert renamed["networks.csv"] != base["networks.csv"]  # no longer that network's id
    moved = variant("moved", "accounts.csv", "twitter,c0m1,", "twitter,c0m9,")
    assert moved["accounts.csv"] != base["accounts.csv"]
    assert moved["networks.csv"] != base["networks.csv"]  # its network's members changed


def test_a_store_of_an_earlier_version_keeps_its_last_run(tmp_path: Path) -> None:
    """A store written before runs were kept (emulated: its stage tables without run_id, label
    and stable ids; no runs) gets its results kept as a run by the next detect."""
    with _store_with(tmp_path, _crews(), "a") as store:
        first = detect(store, DetectConfig(**CFG))  # type: ignore[arg-type]
        ids = _members_by_id(store, str(first.run_id))
        for t in ("members", "networks"):
            store.execute(f"CREATE OR REPLACE TABLE {t} AS SELECT * EXCLUDE (run_id, label) "
                          f"REPLACE (label AS network_id) FROM {t}")
        for t in ("edges", "account_flags", "network_evidence"):
            if store.table_exists(t):
                store.execute(f"CREATE OR REPLACE TABLE {t} AS SELECT * EXCLUDE (run_id) "
                              f"FROM {t}")
        for t in [r[0] for r in store.fetchall("SELECT table_name FROM information_schema"
                                               ".tables WHERE table_name LIKE 'run\\_%' "
                                               "ESCAPE '\\' AND table_name <> 'run_stage'")]:
            store.execute(f"DROP TABLE {t}")
        store.execute("DELETE FROM runs")
        store.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
        second = detect(store, DetectConfig(**{**CFG, "min_size": 5}))  # type: ignore[arg-type]
        runs = list_runs(store)
        assert [(r.kind, r.status) for r in runs] == [("detect", "finished")] * 2
        assert runs[0].config == {"recorded_from": "the stage tables of a store written "
                                  "before runs were kept"}
        assert _members_by_id(store, runs[0].run_id) == ids  # kept, with the stable ids
        assert _members_by_id(store, str(second.run_id)) == {}  # crews of 4: none now
        assert store.scalar("SELECT value FROM meta WHERE key = 'schema_version'") == "2"


def test_a_run_failing_while_it_is_kept_keeps_nothing(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """finish_run is one transaction: a failure in it (here in the lineage step, after the
    results were appended) leaves no row of the run in the kept tables."""
    import cibwatch.runs as runs

    with _store_with(tmp_path, _crews(), "a") as store:
        good = detect(store, DetectConfig(**CFG))  # type: ignore[arg-type]
        counts = {t: store.scalar(f"SELECT count(*) FROM {t}")
                  for t in ("run_members", "run_networks", "run_edges", "run_pairs", "lineage")}

        def broken(*a: Any, **k: Any) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(runs, "_lineage", broken)
        with pytest.raises(OSError, match="No space"):
            detect(store, DetectConfig(**{**CFG, "min_size": 2}))  # type: ignore[arg-type]
        failed = list_runs(store)[-1]
        assert failed.status == "failed" and "No space" in str(failed.error)
        assert {t: store.scalar(f"SELECT count(*) FROM {t}") for t in counts} == counts
        assert store.scalar("SELECT count(*) FROM run_members WHERE run_id = ?",
                            [failed.run_id]) == 0
        assert _members_by_id(store, str(good.run_id))
