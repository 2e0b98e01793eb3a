"""`cibwatch user add`, `cibwatch audit verify`, `cibwatch case ...`, `cibwatch serve`."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from cibwatch.cli import app

from .conftest import FIXTURES

runner = CliRunner()


def _add(url: str, name: str, role: str) -> str:
    r = runner.invoke(app, ["user", "add", name, "--role", role, "--case-db", url])
    assert r.exit_code == 0, r.output
    return r.output.strip().splitlines()[-1]


def test_user_add_prints_the_token_alone_on_the_last_line(case_url: str) -> None:
    token = _add(case_url, "alice", "admin")
    assert token.startswith("cbw_") and len(token) == 47 and " " not in token
    r = runner.invoke(app, ["user", "add", "alice", "--role", "admin", "--case-db", case_url])
    assert r.exit_code == 2 and "already a user" in r.output
    r = runner.invoke(app, ["user", "add", "bob", "--role", "king", "--case-db", case_url])
    assert r.exit_code == 2 and "unknown role" in r.output
    r = runner.invoke(app, ["user", "list", "--case-db", case_url])
    assert "alice\tadmin\thuman\tactive" in r.output and token not in r.output


def test_default_case_store_sits_beside_the_investigation_store(tmp_path: Path) -> None:
    db = tmp_path / "inv.duckdb"
    r = runner.invoke(app, ["user", "add", "a", "--role", "viewer", "--db", str(db)],
                      env={"CIBWATCH_CASE_DB": ""})
    assert r.exit_code == 0, r.output
    assert (tmp_path / "inv.cases.sqlite").exists()


def test_audit_verify_exit_status(case_url: str) -> None:
    _add(case_url, "alice", "admin")
    _add(case_url, "bob", "analyst")
    r = runner.invoke(app, ["audit", "verify", "--case-db", case_url])
    assert r.exit_code == 0 and "2 events" in r.output
    from cibwatch.cases import CaseStore

    store = CaseStore.open(case_url)
    if store.is_sqlite:
        store.raw("DROP TRIGGER audit_events_no_update")
    else:
        store.raw("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
    store.raw("UPDATE audit_events SET actor = 'mallory' WHERE seq = 1")
    store.close()
    r = runner.invoke(app, ["audit", "verify", "--case-db", case_url])
    assert r.exit_code == 1 and "event 1" in r.output


def test_case_commands_for_scripts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    ana = _add(url, "ana", "analyst")
    viewer = _add(url, "val", "viewer")
    detect = str(FIXTURES / "cases_detect")
    r = runner.invoke(app, ["case", "open", "N0001", "--results", detect, "--case-db", url,
                            "--token", ana])
    assert r.exit_code == 0, r.output
    case = json.loads(r.output)
    assert case["state"] == "new" and case["network_id"] == "N0001"
    r = runner.invoke(app, ["case", "note", str(case["id"]), "looks scripted", "--case-db", url],
                      env={"CIBWATCH_TOKEN": ana})
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["case", "list", "--case-db", url, "--token", viewer])
    assert json.loads(r.output)["total"] == 1
    r = runner.invoke(app, ["case", "note", str(case["id"]), "x", "--case-db", url,
                            "--token", viewer])
    assert r.exit_code == 2 and "analyst role" in r.output
    r = runner.invoke(app, ["case", "show", "1", "--case-db", url, "--token", "cbw_nope"])
    assert r.exit_code == 2 and "unknown or revoked" in r.output
    r = runner.invoke(app, ["case", "figures", "--from", "2025-01-01", "--to", "2025-12-31",
                            "--case-db", url, "--token", viewer])
    assert r.exit_code == 0 and json.loads(r.output)["complaints_received"] == 0
    r = runner.invoke(app, ["case", "export", "--out", str(tmp_path / "o"), "--case-db", url,
                            "--token", ana])
    assert r.exit_code == 2 and "approver" in r.output


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return int(port)


@pytest.mark.slow
def test_serve_runs_uvicorn(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.sqlite'}"
    token = _add(url, "ana", "viewer")
    port = _free_port()
    exe = Path(sys.executable).with_name("cibwatch")
    proc = subprocess.Popen([str(exe), "serve", "--db", str(tmp_path / "inv.duckdb"),
                             "--case-db", url, "--results", str(FIXTURES / "cases_detect"),
                             "--port", str(port)], stderr=subprocess.PIPE,
                            env={**os.environ, "CIBWATCH_CASE_DB": ""})
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        for _ in range(100):
            try:
                r = httpx.get(f"{base}/networks", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert r.status_code == 401
        r = httpx.get(f"{base}/networks", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and r.json()["total"] == 2
        assert httpx.get(f"{base}/openapi.json").json()["info"]["title"] == "cibwatch case API"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
