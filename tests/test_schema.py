"""The store's schema version (issue 12, item 3): checked on open, older stores migrated
(:data:`cibwatch.store.MIGRATIONS`), newer ones refused; a store written by the release
before the declared stage tables opens, keeps its runs and takes new ones."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import duckdb
import pytest

from cibwatch import DetectConfig, Store, detect
from cibwatch.errors import StoreError
from cibwatch.runs import list_runs
from cibwatch.store import MIGRATIONS, SCHEMA_VERSION

RELEASE = Path(__file__).resolve().parent / "fixtures" / "release" / "store-v2-cc9bd24.duckdb.gz"
CFG = dict(significance=False, min_weight=3.0)


def _release_store(tmp_path: Path) -> Path:
    target = tmp_path / "release.duckdb"
    with gzip.open(RELEASE, "rb") as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return target


def _networks(store: Store, run_id: str) -> dict[str, int]:
    return {str(n): int(s) for n, s in store.fetchall(
        "SELECT network_id, size FROM run_networks WHERE run_id = ? ORDER BY 1", [run_id])}


def test_a_store_of_the_release_opens_and_takes_a_new_run(tmp_path: Path) -> None:
    path = _release_store(tmp_path)
    with Store(path, read_only=True) as store:  # readers work without a migration
        assert store.schema_version() == "2"
        before = [(r.run_id, r.kind, r.status, r.n_networks) for r in list_runs(store)]
        nets = {r.run_id: _networks(store, r.run_id) for r in list_runs(store)}
    assert before == [("0001-9a3135ab", "detect", "finished", 2),
                      ("0002-02cbcd65", "expand", "finished", 1)]
    assert [len(v) for v in nets.values()] == [2, 1]
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION and not store.outdated
        res = detect(store, DetectConfig(**CFG, min_size=4))  # type: ignore[arg-type]
        runs = list_runs(store)
        assert [(r.run_id, r.kind, r.status, r.n_networks) for r in runs][:2] == before
        assert runs[2].run_id == res.run_id and runs[2].status == "finished"
        for run_id, kept in nets.items():  # the old runs' networks are as they were
            assert _networks(store, run_id) == kept
        assert _networks(store, str(res.run_id)) == nets["0001-9a3135ab"]  # same crews
        lin = store.fetchall("SELECT DISTINCT earlier_run_id FROM lineage WHERE run_id = ?",
                             [res.run_id])
        assert sorted(r[0] for r in lin) == ["0001-9a3135ab", "0002-02cbcd65"]


def _with_version(tmp_path: Path, version: str) -> Path:
    path = tmp_path / f"v{version}.duckdb"
    with Store(path) as store:
        store.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [version])
    return path


@pytest.mark.parametrize("read_only", [False, True])
def test_a_store_of_a_newer_version_is_refused(tmp_path: Path, read_only: bool) -> None:
    path = _with_version(tmp_path, "999")
    with pytest.raises(StoreError) as err:
        Store(path, read_only=read_only)
    msg = str(err.value)
    assert str(path) in msg and "999" in msg and SCHEMA_VERSION in msg and "newer" in msg
    assert err.value.remedy and "upgrad" in err.value.remedy
    con = duckdb.connect(str(path), read_only=True)  # the file is untouched
    try:
        assert con.execute("SELECT value FROM meta").fetchall() == [("999",)]
    finally:
        con.close()


def test_an_older_store_is_migrated_when_opened_for_writing(tmp_path: Path) -> None:
    """Version 1 (cibwatch 0.5: no runs; emulated on the release store by taking its runs
    away) -> 2: the last run's stage tables are kept as a finished run; a read-only open
    leaves it as it is and still reads it."""
    path = _release_store(tmp_path)
    with Store(path) as store:
        store.execute("DROP TABLE lineage")
        for (t,) in store.fetchall("SELECT table_name FROM information_schema.tables "
                                   "WHERE table_name LIKE 'run\\_%' ESCAPE '\\' "
                                   "AND table_name <> 'run_stage'"):
            store.execute(f"DROP TABLE {t}")
        store.execute("DROP TABLE runs")
        for t in ("members", "networks"):
            store.execute(f"CREATE OR REPLACE TABLE {t} AS SELECT * EXCLUDE (run_id, label) "
                          f"REPLACE (label AS network_id) FROM {t}")
        for t in ("edges", "assessments", "account_flags", "expansion", "network_evidence"):
            if store.table_exists(t):
                store.execute(f"CREATE OR REPLACE TABLE {t} AS SELECT * EXCLUDE (run_id) "
                              f"FROM {t}")
        store.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with Store(path, read_only=True) as store:
        assert store.outdated and list_runs(store) == []
        assert store.scalar("SELECT count(*) FROM members") == 1
    assert "1" in MIGRATIONS
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION and not store.outdated
        runs = list_runs(store)
        assert [(r.kind, r.status) for r in runs] == [("expand", "finished")]
        assert store.scalar("SELECT count(*) FROM run_members") == 1
        assert store.migrate() == []  # done once


def test_stage_tables_without_their_declared_columns_are_made_again(tmp_path: Path) -> None:
    """An expansion reuses the co-action tables of the same settings on the same data, but not
    when they lack a declared column (here ``pairs.expected``, as an earlier cibwatch wrote
    it without the test): they are made again, and the expansion finds what it found before."""
    from cibwatch.expand import Seed, expand

    path = _release_store(tmp_path)
    with Store(path) as store:
        store.execute("ALTER TABLE pairs DROP COLUMN expected")
        res = expand(store, [Seed("account", "c0m0", "twitter", "account_id", 2)])
        assert "expected" in [c for (c, *_) in store.fetchall("DESCRIBE pairs")]
        assert _networks(store, str(res.run.run_id)) == _networks(store, "0002-02cbcd65")


def test_the_case_api_says_why_a_newer_store_cannot_be_read(tmp_path: Path) -> None:
    from cibwatch.cases.errors import Unavailable
    from cibwatch.cases.source import StoreSource

    path = _with_version(tmp_path, "999")
    with pytest.raises(Unavailable) as err:
        StoreSource(path)
    assert "999" in err.value.message and "upgrad" in str(err.value.remedy)
