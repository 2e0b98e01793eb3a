"""The case seam over the investigation store: StoreSource, `cibwatch serve --db`, `runs`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cibwatch import DetectConfig, Store, detect, ingest_files
from cibwatch.cases import (
    AccountRef,
    CaseService,
    CaseStore,
    InvestigationSource,
    NotFound,
    StoreSource,
)
from cibwatch.cli import app
from cibwatch.errors import InputError
from cibwatch.report.outputs import write_outputs

from .cases_support import USERS
from .conftest import post, write_posts_csv

runner = CliRunner()


def _rows(extra: bool = False) -> list[dict[str, Any]]:
    rows = []
    for c, size in ((0, 4), (1, 3)):
        members = [f"c{c}m{i}" for i in range(size)] + (["late"] if extra and c == 0 else [])
        for k in range(12):
            t = 1_600_000_000 + c * 100_000 + k * 3_000
            for i, m in enumerate(members):
                rows.append(post(f"c{c}k{k}{m}", m, t + i, reshare_of=f"orig{c}-{k}"))
    for u in range(30):
        for k in range(3):
            rows.append(post(f"bg{u}-{k}", f"bg{u}", 1_600_000_000 + u * 977 + k * 50_000,
                             reshare_of=f"bgitem{u}-{k}"))
    return rows


CFG: dict[str, Any] = dict(significance=False, min_weight=3.0)


@pytest.fixture
def two_runs(tmp_path: Path) -> tuple[Path, list[str]]:
    """A store with two detect runs: the second finds the first crew grown by one account."""
    db = tmp_path / "inv.duckdb"
    runs = []
    with Store(db) as store:
        ingest_files(store, [write_posts_csv(tmp_path / "a.csv", _rows())])
        runs.append(str(detect(store, DetectConfig(**CFG)).run_id))
        write_outputs(store, detect(store, DetectConfig(**CFG)), tmp_path / "out1", pictures=0)
        runs.append(str(store.scalar("SELECT max(run_id) FROM runs")))
        late = [r for r in _rows(extra=True) if r["account_id"] == "late"]
        ingest_files(store, [write_posts_csv(tmp_path / "b.csv", late)])
        runs.append(str(detect(store, DetectConfig(**CFG)).run_id))
    return db, runs


def test_store_source_reads_every_finished_run(two_runs: tuple[Path, list[str]],
                                               tmp_path: Path) -> None:
    db, (r1, r2, r3) = two_runs
    src = StoreSource(db)
    assert isinstance(src, InvestigationSource)
    runs = src.runs()
    assert [r.run_id for r in runs] == [r1, r2, r3] and all(r.kind == "detect" for r in runs)
    assert runs[0].n_networks == 2 and runs[0].description == "a.csv"
    assert runs[2].description == "a.csv, b.csv" and runs[0].created_at
    # every network once, in the latest run that has it: the small crew is the same network
    latest = src.networks()
    assert latest.total == 3  # the grown crew (r3), the old crew (r2), the small one (r3)
    assert [n.run_id for n in latest.items] == [r3, r3, r2]
    by_run = {r: src.networks(r) for r in (r1, r2, r3)}
    assert [n.label for n in by_run[r1].items] == ["N0001", "N0002"]
    small = [n.network_id for n in by_run[r1].items if n.size == 3]
    assert small and small == [n.network_id for n in by_run[r3].items if n.size == 3]
    grown = next(n for n in by_run[r3].items if n.size == 5)
    old = next(n for n in by_run[r1].items if n.size == 4)
    assert grown.network_id != old.network_id
    assert src.networks(r3, min_size=4).total == 1
    assert src.networks(r3, assessment="inauthentic").total == 0
    # a network of an earlier run stays readable by its id; the latest run is the default
    snap = src.network(old.network_id)
    assert snap.run_id == r2 and snap.size == 4 and snap.label == "N0001"
    assert {m.account_id for m in snap.members} == {f"c0m{i}" for i in range(4)}
    assert src.network(small[0]).run_id == r3 and src.network(small[0], r1).run_id == r1
    assert src.network("N0001", r1).network_id == old.network_id  # a label, in its run
    assert snap.reasons[-1].family == "coordination" and "4 accounts" in snap.reasons[-1].text
    assert snap.first_activity and snap.evidence_refs
    assert snap.evidence_refs[0] == "edges:twitter:c0m0|twitter:c0m1"
    page = src.members(old.network_id, r1, limit=2, offset=1)
    assert page.total == 4 and [m.account_id for m in page.items] == ["c0m1", "c0m2"]
    ev = src.pair_evidence(old.network_id, AccountRef("twitter", "c0m1"),
                           AccountRef("twitter", "c0m0"), r1)
    assert [e.trace for e in ev] == ["reshare", "reshare"]  # the 1- and 10-minute windows
    assert ev[0].n_coactions == 12 and ev[0].a == AccountRef("twitter", "c0m0")
    # the evidence is edges.parquet's
    edges = [e for e in pq.read_table(tmp_path / "out1" / "edges.parquet").to_pylist()
             if (e["account_id_a"], e["account_id_b"]) == ("c0m0", "c0m1")]
    assert [list(e.items) for e in ev] == [e["evidence"] for e in edges]
    assert src.pair_evidence(old.network_id, AccountRef("twitter", "nobody"),
                             AccountRef("twitter", "c0m0")) == []
    with pytest.raises(NotFound, match="network_id"):
        src.network("no-such-network")
    with pytest.raises(NotFound, match="run_id"):
        src.networks("no-such-run")
    with pytest.raises(NotFound):
        src.network(grown.network_id, r1)  # not in that run


def test_a_case_follows_its_network_across_runs(two_runs: tuple[Path, list[str]],
                                                case_url: str) -> None:
    """On SQLite and PostgreSQL (``case_url``)."""
    db, (r1, _, r3) = two_runs
    src = StoreSource(db)
    svc = CaseService(CaseStore.open(case_url), src)
    name, role, kind = USERS[1]
    _, token = svc.add_user(None, name, role, kind)
    actor = svc.authenticate(token)
    small = next(n for n in src.networks(r1).items if n.size == 3)
    case = svc.open_case(actor, small.network_id, r1)
    assert case["network_id"] == small.network_id  # the stable id: the same in run r3
    net = svc.network(actor, small.network_id, None)
    assert net["run_id"] == r3 and net["network_id"] == small.network_id
    from cibwatch.cases import Conflict

    with pytest.raises(Conflict, match="already has case"):  # the same network, a later run
        svc.open_case(actor, small.network_id, r3)
    svc.store.close()


def test_store_source_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="path"):
        StoreSource(tmp_path / "missing.duckdb")
    import duckdb

    old = tmp_path / "old.duckdb"
    duckdb.connect(str(old)).close()
    with pytest.raises(InputError, match="keeps no runs"):
        StoreSource(old)


def test_runs_command_lists_the_runs(two_runs: tuple[Path, list[str]]) -> None:
    db, runs = two_runs
    r = runner.invoke(app, ["runs", "--db", str(db)], env={"COLUMNS": "250"})
    assert r.exit_code == 0, r.output
    for run_id in runs:
        assert run_id in r.output
    assert r.output.count("finished") == 4 and "a.csv, b.csv" in r.output  # header + 3 runs
    assert "significance=False" in r.output
    r = runner.invoke(app, ["runs", "--db", str(db.parent / "none.duckdb")])
    assert r.exit_code == 2 and "no store" in r.output


def _token(url: str, name: str, role: str) -> str:
    r = runner.invoke(app, ["user", "add", name, "--role", role, "--case-db", url])
    assert r.exit_code == 0, r.output
    return r.output.strip().splitlines()[-1]


def test_case_open_reads_the_store(two_runs: tuple[Path, list[str]], tmp_path: Path) -> None:
    import json

    db, (r1, _, r3) = two_runs
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    ana = _token(url, "ana", "analyst")
    small = next(n for n in StoreSource(db).networks(r1).items if n.size == 3)
    r = runner.invoke(app, ["case", "open", small.network_id, "--db", str(db), "--case-db", url,
                            "--token", ana])
    assert r.exit_code == 0, r.output
    case = json.loads(r.output)
    assert case["network_id"] == small.network_id
    assert [n["run_id"] for n in case["networks"]] == [r3]  # the latest run that has it
    r = runner.invoke(app, ["case", "open", "no-such-id", "--db", str(db), "--case-db", url,
                            "--token", ana])
    assert r.exit_code == 2 and "no network 'no-such-id'" in r.output


@pytest.mark.slow
def test_serve_db_serves_the_store(two_runs: tuple[Path, list[str]], tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    import time

    import httpx

    from .test_cases_cli import _free_port

    db, (r1, _, r3) = two_runs
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    token = _token(url, "val", "viewer")
    port = _free_port()
    exe = Path(sys.executable).with_name("cibwatch")
    proc = subprocess.Popen([str(exe), "serve", "--db", str(db), "--case-db", url,
                             "--port", str(port)], stderr=subprocess.PIPE,
                            env={**os.environ, "CIBWATCH_CASE_DB": ""})
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        auth = {"Authorization": f"Bearer {token}"}
        for _ in range(150):
            try:
                r = httpx.get(f"{base}/networks", headers=auth, timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert r.status_code == 200 and r.json()["total"] == 3
        runs = httpx.get(f"{base}/runs", headers=auth).json()
        assert [x["run_id"] for x in runs][-1] == r3
        nid = r.json()["items"][0]["network_id"]
        one = httpx.get(f"{base}/networks/{nid}", headers=auth).json()
        assert one["network_id"] == nid and one["run_id"] == r3 and one["size"] >= 3
    finally:
        proc.terminate()
        proc.wait(timeout=10)
