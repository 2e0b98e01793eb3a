"""Fixtures of the case-store tests: every store test runs on SQLite and on a real PostgreSQL.

PostgreSQL comes from ``CIBWATCH_TEST_POSTGRES_URL`` (``make test`` and ``.ci/run`` start a
throw-away server with ``.ci/with-postgres`` and set it). Without it the PostgreSQL cases are
skipped, except under CI (``CI`` set), where that is a failure. Each test gets a database of
its own, dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cibwatch.cases import (
    Actor,
    CaseService,
    CaseStore,
    Member,
    MemorySource,
    NetworkSnapshot,
    Reason,
)

PG_ENV = "CIBWATCH_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]


def _pg_admin_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set under CI: .ci/run must start PostgreSQL")
        pytest.skip(f"{PG_ENV} not set (run `make test`, which starts PostgreSQL)")
    return url


@pytest.fixture(params=BACKENDS)
def case_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cases.sqlite'}"
        return
    admin = _pg_admin_url()
    assert admin is not None
    import psycopg

    name = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = admin.rpartition("/")
    yield f"{base}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def snapshot(network_id: str = "net-1", run_id: str = "run-1", n: int = 5,
             prefix: str = "acct", assessment: str = "inauthentic") -> NetworkSnapshot:
    return NetworkSnapshot(
        network_id=network_id, run_id=run_id, label="N0001", assessment=assessment,
        kind="shift_work", score=0.93, size=n, platforms=("twitter",),
        reasons=(Reason("shift_work-1", "shift_work", "Posting in office-hour shifts with a "
                        "lunch break, UTC+8", "T0049", 0.93),
                 Reason("coordination-1", "coordination", f"Coordination: {n} accounts, "
                        "near-identical texts within 60 s", None, None)),
        members=tuple(Member("twitter", f"{prefix}{i:05d}", f"{prefix}_handle{i}", 10 + i)
                      for i in range(n)),
        evidence_refs=tuple(f"edges:twitter:{prefix}00000|twitter:{prefix}{i:05d}"
                            for i in range(1, min(n, 4))),
        first_activity="2024-03-01T08:00:00Z", last_activity="2024-04-30T17:00:00Z",
        content_types=("text", "image"), languages=("en",))


@dataclass
class World:
    """A case service with a source and one user of each kind."""

    svc: CaseService
    source: MemorySource
    tokens: dict[str, str]
    actors: dict[str, Actor]

    def __getitem__(self, name: str) -> Actor:
        return self.actors[name]


USERS = (("viewer", "viewer", "human"), ("ana", "analyst", "human"),
         ("ben", "analyst", "human"), ("apo", "approver", "human"),
         ("rev", "approver", "human"), ("root", "admin", "human"),
         ("bot", "approver", "service"))


def make_world(store: CaseStore, snapshots: list[NetworkSnapshot] | None = None) -> World:
    source = MemorySource(snapshots if snapshots is not None else [
        snapshot(), snapshot("net-2", "run-1", 3, prefix="other")])
    svc = CaseService(store, source)
    tokens, actors = {}, {}
    for name, role, kind in USERS:
        _, tok = svc.add_user(None, name, role, kind)
        tokens[name] = tok
        actors[name] = svc.authenticate(tok)
    return World(svc, source, tokens, actors)


@pytest.fixture
def case_store(case_url: str) -> Iterator[CaseStore]:
    store = CaseStore.open(case_url, pool_size=5)
    yield store
    store.close()


@pytest.fixture
def world(case_store: CaseStore) -> World:
    return make_world(case_store)
