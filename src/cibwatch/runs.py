"""Runs: every ``detect`` and ``expand`` is a run of the store, kept with its results.

A run is a row of ``runs`` (its id, kind, status, start and end, config, input sources,
cibwatch version, counts). While it works, a run fills the *stage tables* as before
(``actions`` ... ``edges``, ``members``, ``networks``, ``assessments``, ...; see
docs/ARCHITECTURE.md): they hold one run at a time and are replaced by the next. When it
finishes, :func:`finish_run`, in one transaction:

1. gives every network its **stable id** (:func:`network_uuid`: a UUIDv5 of its sorted member
   keys ``platform:account_id``), keeping the per-run display label (``N0001``, ``E0001``) in a
   ``label`` column;
2. rewrites the result tables (:data:`RESULT_TABLES`) with the stable ids and a ``run_id``
   column, and appends them to their kept copies ``run_<table>`` (``run_networks``,
   ``run_members``, ``run_edges``, ...; ``run_pairs``: the rows of ``pairs`` behind the
   edges, with their example evidence), which every later run leaves alone;
3. records the **lineage** of each network: its shared members and Jaccard index with every
   network of the latest earlier finished run of each kind that it overlaps;
4. marks the run ``finished``.

A run that raises is marked ``failed`` (:func:`recorded_run`); one whose process was killed is
marked ``failed`` by the next run on the store. Either way the kept results of the earlier runs
are untouched: only the stage tables were being rewritten.

What this module writes is bookkeeping, not stages, and does not go through the engine's
writer (:mod:`cibwatch.engine.backend`): the single-row ``UPDATE`` of a run's status in
``runs`` (and, in :mod:`cibwatch.store`, of ``meta.schema_version``), and the copies of the
result tables (the stage table rewritten in place with its ``label`` and ``run_id`` columns,
appended to ``run_<table>`` by name). The finished form of each result table is declared
(:func:`cibwatch.engine.tables.result_schema`); a store of schema version 1 is kept as a run
by :func:`keep_legacy`, the migration 1 -> 2 (:data:`cibwatch.store.MIGRATIONS`).

Run ids are ``NNNN-xxxxxxxx``: the run's number in the store and the first eight hex digits of
the SHA-256 of its kind, config, input files, cibwatch version and number. The same commands
on the same data give the same ids (outputs stay byte for byte reproducible), and runs of
different stores or settings get different ids.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from .errors import ConfigError, NotInStoreError

if TYPE_CHECKING:  # the store's migrations call this module
    from .store import Store

__all__ = ["NETWORK_NAMESPACE", "RESULT_TABLES", "KEPT_PAIRS", "RUN_KINDS", "RunRecord", "network_uuid",
           "begin_run", "finish_run", "fail_run", "recorded_run", "list_runs", "get_run",
           "latest_run", "resolve_network", "kept_table", "keep_legacy", "record_increment",
           "run_increment"]

#: The namespace of network ids (a fixed constant: changing it changes every network's id).
NETWORK_NAMESPACE = uuid.UUID("f3d6b783-7982-4156-a812-56150e07ad42")
#: What a run can be.
RUN_KINDS = ("detect", "expand")
#: The tables of a run's results, kept per run as ``run_<table>`` with a ``run_id`` column.
RESULT_TABLES = ("networks", "members", "assessments", "account_flags", "network_evidence",
                 "group_links", "network_items", "expansion", "edges")
#: The per-trace rows of ``pairs`` behind the run's edges (what ``edges.parquet`` lists, with
#: the example evidence), kept per run.
KEPT_PAIRS = "run_pairs"
#: Result tables that also keep the per-run display label of each network.
_LABELLED = ("networks", "members")


def network_uuid(member_keys: Iterable[str]) -> str:
    """The stable id of a network: UUIDv5 (:data:`NETWORK_NAMESPACE`) of its member keys
    ``platform:account_id``, sorted and joined by newlines."""
    return str(uuid.uuid5(NETWORK_NAMESPACE, "\n".join(sorted(member_keys))))


def kept_table(table: str) -> str:
    """The name of the table that keeps ``table`` of every finished run."""
    if table not in RESULT_TABLES:
        raise ConfigError(f"{table!r} is not a result table",
                          remedy="choosing one of: " + ", ".join(RESULT_TABLES))
    return f"run_{table}"


@dataclass(frozen=True)
class RunRecord:
    """One row of ``runs``."""

    run_id: str
    seq: int
    kind: str
    status: str
    started: dt.datetime | None
    finished: dt.datetime | None
    config: dict[str, Any]
    sources: list[dict[str, Any]]
    cibwatch_version: str
    n_networks: int | None
    n_members: int | None
    error: str | None
    #: What an incremental detect run did (:func:`record_increment`); None for other runs.
    increment: dict[str, Any] | None = None


_RUN_COLS = ("run_id, seq, kind, status, started, finished, config, sources, cibwatch_version, "
             "n_networks, n_members, error")


def _record(row: tuple[Any, ...]) -> RunRecord:
    (run_id, seq, kind, status, started, finished, config, sources, version, n_net, n_mem,
     error) = row
    return RunRecord(str(run_id), int(seq), str(kind), str(status), started, finished,
                     json.loads(config or "{}"), json.loads(sources or "[]"), str(version),
                     None if n_net is None else int(n_net),
                     None if n_mem is None else int(n_mem), error)


def _has_runs(store: Store) -> bool:
    return store.table_exists("runs")


def list_runs(store: Store) -> list[RunRecord]:
    """Every run of the store, oldest first (none in a store written before runs were kept)."""
    if not _has_runs(store):
        return []
    runs = [_record(r) for r in store.fetchall(f"SELECT {_RUN_COLS} FROM runs ORDER BY seq")]
    if not store.table_exists("run_increments"):
        return runs
    return [dataclasses.replace(r, increment=run_increment(store, r.run_id)) for r in runs]


def get_run(store: Store, run_id: str) -> RunRecord:
    """The run ``run_id`` (a :class:`ConfigError` naming ``run_id`` when there is none)."""
    row = store.fetchone(f"SELECT {_RUN_COLS} FROM runs WHERE run_id = ?", [run_id]) \
        if _has_runs(store) else None
    if row is None:
        raise NotInStoreError(f"no run {run_id!r} in the store (run_id)",
                          remedy="choosing one that 'cibwatch runs --db STORE' lists")
    return _record(row)


def latest_run(store: Store, kind: str | None = None) -> RunRecord | None:
    """The latest finished run (of ``kind``, when given), or None."""
    runs = [r for r in list_runs(store)
            if r.status == "finished" and (kind is None or r.kind == kind)]
    return runs[-1] if runs else None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def begin_run(store: Store, kind: str, config: dict[str, Any]) -> str:
    """Record a new run as ``running`` (committed at once) and return its id. Runs left
    ``running`` by a process that ended without finishing them are marked ``failed`` first."""
    if kind not in RUN_KINDS:
        raise ConfigError(f"unknown run kind {kind!r} (kind)",
                          remedy="choosing one of: " + ", ".join(RUN_KINDS))
    store.execute("UPDATE runs SET status = 'failed', error = 'interrupted: the process ended "
                  "before the run finished' WHERE status = 'running'")
    store.migrate()  # a store opened before its version was changed under it
    return _insert_run(store, kind, config)


def keep_legacy(store: Store) -> None:
    """Migration 1 -> 2 (:data:`cibwatch.store.MIGRATIONS`): a store written before runs were
    kept (cibwatch 0.5) holds its last run's results in the stage tables only: keep them as a
    finished run (its config unknown), so that the next run does not replace them."""
    if not store.table_exists("members") or "run_id" in {c for c, _ in _columns(store, "members")}:
        return
    kind = "expand" if store.table_exists("expansion") else "detect"
    run_id = _insert_run(store, kind, {"recorded_from": "the stage tables of a store written "
                                       "before runs were kept"})
    finish_run(store, run_id)


def _insert_run(store: Store, kind: str, config: dict[str, Any]) -> str:
    from ._version import __version__

    seq = int(store.scalar("SELECT coalesce(max(seq), 0) + 1 FROM runs"))
    sources = [{"source_id": int(r[0]), "path": r[1], "format": r[2], "sha256": r[3],
                "rows_loaded": r[4]} for r in store.fetchall(
        "SELECT source_id, path, format, sha256, rows_loaded FROM sources "
        "WHERE rows_loaded IS NOT NULL ORDER BY source_id")]
    cfg = json.dumps(config, sort_keys=True, default=str)
    digest = hashlib.sha256(json.dumps(
        [kind, cfg, [s["sha256"] for s in sources], __version__, seq]).encode()).hexdigest()
    run_id = f"{seq:04d}-{digest[:8]}"
    store.execute("INSERT INTO runs VALUES (?, ?, ?, 'running', ?, NULL, ?, ?, ?, NULL, NULL, "
                  "NULL)", [run_id, seq, kind, _now(), cfg, json.dumps(sources), __version__])
    return run_id


def fail_run(store: Store, run_id: str, error: BaseException | str) -> None:
    """Mark ``run_id`` failed (best effort: a broken connection leaves it ``running``, and the
    next run marks it failed)."""
    text = error if isinstance(error, str) else (
        f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
    with suppress(duckdb.Error):
        store.con.execute("ROLLBACK")
    with suppress(duckdb.Error):
        store.execute("UPDATE runs SET status = 'failed', finished = ?, error = ? "
                      "WHERE run_id = ?", [_now(), text[:1000], run_id])


@contextmanager
def recorded_run(store: Store, kind: str, config: dict[str, Any]) -> Iterator[str]:
    """A run's life: :func:`begin_run` before the block, :func:`fail_run` when it raises (the
    block calls :func:`finish_run` itself when its results are in the stage tables)."""
    run_id = begin_run(store, kind, config)
    try:
        yield run_id
    except BaseException as exc:
        fail_run(store, run_id, exc)
        raise


def _columns(store: Store, table: str) -> list[tuple[str, str]]:
    return [(str(r[0]), str(r[1])) for r in store.fetchall(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = ? AND table_schema = 'main' ORDER BY ordinal_position", [table])]


def _stable_ids(store: Store) -> pa.Table:
    """``label -> network_id`` for the networks in ``members``."""
    keys: dict[str, list[str]] = {}
    for label, platform, account_id in store.fetchall(
            "SELECT m.network_id, ai.platform, ai.account_id FROM members m "
            "JOIN account_index ai USING (aid)"):
        keys.setdefault(str(label), []).append(f"{platform}:{account_id}")
    labels = sorted(keys)
    return pa.table({"label": pa.array(labels, pa.string()),
                     "network_id": pa.array([network_uuid(keys[x]) for x in labels],
                                            pa.string())})


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _rewrite(store: Store, table: str, run_id: str) -> None:
    """``table`` with the stable network ids (``run_ids``), its labels and ``run_id``."""
    cols = [c for c, _ in _columns(store, table) if c not in ("run_id", "label")]
    parts = []
    for c in cols:
        q = '"' + c + '"'
        if c == "network_id":
            parts.append("coalesce(i.network_id, t.network_id) AS network_id")
            if table in _LABELLED:
                parts.append("t.network_id AS label")
        else:
            parts.append(f"t.{q}")
    join = ("LEFT JOIN run_ids i ON i.label = t.network_id" if "network_id" in cols else "")
    store.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT {', '.join(parts)}, "
                  f"CAST(? AS VARCHAR) AS run_id FROM {table} t {join}", [run_id])


def _keep(store: Store, kept: str, rows: str) -> None:
    """Append the SELECT ``rows`` to the table ``kept`` (made, or given the columns it lacks,
    first)."""
    if not store.table_exists(kept):
        store.execute(f"CREATE TABLE {kept} AS SELECT * FROM ({rows}) AS r LIMIT 0")
    have = {c for c, _ in _columns(store, kept)}
    for c, typ in ((str(r[0]), str(r[1])) for r in store.fetchall(f"DESCRIBE {rows}")):
        if c not in have:
            store.execute(f'ALTER TABLE {kept} ADD COLUMN "{c}" {typ}')
    store.execute(f"INSERT INTO {kept} BY NAME {rows}")


def _lineage(store: Store, run_id: str) -> None:
    """Overlaps of the run's networks with those of the latest earlier finished run of each
    kind (shared members > 0)."""
    store.execute(
        """
        INSERT INTO lineage
        WITH me AS (SELECT seq FROM runs WHERE run_id = $run),
        earlier AS (
          SELECT r.run_id FROM runs r, me
          WHERE r.status = 'finished' AND r.seq < me.seq
          QUALIFY r.seq = max(r.seq) OVER (PARTITION BY r.kind)),
        cur AS (SELECT network_id, aid FROM run_members WHERE run_id = $run),
        old AS (SELECT run_id, network_id, aid FROM run_members
                WHERE run_id IN (SELECT run_id FROM earlier)),
        cs AS (SELECT network_id, count(*) AS n FROM cur GROUP BY 1),
        os AS (SELECT run_id, network_id, count(*) AS n FROM old GROUP BY 1, 2),
        shared AS (
          SELECT c.network_id, o.run_id AS earlier_run_id, o.network_id AS earlier_network_id,
                 count(*) AS shared
          FROM cur c JOIN old o USING (aid) GROUP BY 1, 2, 3)
        SELECT $run, s.network_id, s.earlier_run_id, s.earlier_network_id,
               CAST(s.shared AS INTEGER), CAST(cs.n AS INTEGER), CAST(os.n AS INTEGER),
               round(s.shared / (cs.n + os.n - s.shared), 6)
        FROM shared s JOIN cs USING (network_id)
        JOIN os ON os.run_id = s.earlier_run_id AND os.network_id = s.earlier_network_id
        ORDER BY s.network_id, s.earlier_run_id, s.earlier_network_id
        """.replace("$run", "?"),
        [run_id, run_id, run_id],
    )


#: ``run_increments``: what each ``detect --incremental`` did (bookkeeping, one row a run).
_INCREMENTS = """
CREATE TABLE IF NOT EXISTS run_increments (
  run_id VARCHAR, mode VARCHAR, reason VARCHAR, posts BIGINT, posts_added BIGINT,
  actions_added BIGINT, actions_removed BIGINT, keys_changed BIGINT, actions_rejoined BIGINT,
  traces_redone BIGINT, coactions_kept BIGINT, coactions BIGINT)
"""

#: The counts of a ``run_increments`` row, in order.
_INCREMENT_COUNTS = ("posts", "posts_added", "actions_added", "actions_removed", "keys_changed",
                     "actions_rejoined", "traces_redone", "coactions_kept", "coactions")


def record_increment(store: Store, run_id: str, increment: dict[str, Any]) -> None:
    """Record what the incremental run ``run_id`` did (:func:`cibwatch.pipeline.detect`):
    ``mode`` ``update`` (the earlier run's co-action tables brought up to date) or ``full``
    (with the ``reason`` an update was not possible), the posts in the store and added since
    the earlier run, the actions added and removed, the keys changed and the actions joined
    again, the traces redone in full (their window estimate moved), and the co-actions kept
    and in all."""
    store.execute(_INCREMENTS)
    store.execute("DELETE FROM run_increments WHERE run_id = ?", [run_id])
    store.execute(f"INSERT INTO run_increments VALUES (?, ?, ?{', ?' * len(_INCREMENT_COUNTS)})",
                  [run_id, increment["mode"], increment.get("reason", ""),
                   *(increment.get(k) for k in _INCREMENT_COUNTS)])


def run_increment(store: Store, run_id: str) -> dict[str, Any] | None:
    """What the incremental run ``run_id`` did (:func:`record_increment`), or None for a run
    that was not incremental."""
    if not store.table_exists("run_increments"):
        return None
    row = store.fetchone(f"SELECT mode, reason, {', '.join(_INCREMENT_COUNTS)} "
                         "FROM run_increments WHERE run_id = ?", [run_id])
    if row is None:
        return None
    return {"mode": row[0], "reason": row[1],
            **{k: None if v is None else int(v) for k, v in zip(_INCREMENT_COUNTS, row[2:],
                                                                 strict=True)}}


def finish_run(store: Store, run_id: str) -> None:
    """Give the run's networks their stable ids, keep its results and lineage, and mark it
    ``finished``: all in one transaction (see the module docstring)."""
    with store.transaction():
        if store.table_exists("members"):
            with store.registered("run_ids", _stable_ids(store)):
                for t in RESULT_TABLES:
                    if store.table_exists(t):
                        _rewrite(store, t, run_id)
        for t in RESULT_TABLES:
            if store.table_exists(t):
                _keep(store, kept_table(t), f"SELECT * FROM {t}")
        if store.table_exists("pairs") and store.table_exists("edges"):
            _keep(store, KEPT_PAIRS, "SELECT p.*, CAST(? AS VARCHAR) AS run_id FROM pairs p "
                  "SEMI JOIN edges e USING (aid_a, aid_b)".replace("?", _quote(run_id)))
        if store.table_exists("run_members"):
            _lineage(store, run_id)
        n_net = store.scalar("SELECT count(*) FROM networks") \
            if store.table_exists("networks") else 0
        n_mem = store.scalar("SELECT count(*) FROM members") \
            if store.table_exists("members") else 0
        store.execute("UPDATE runs SET status = 'finished', finished = ?, n_networks = ?, "
                      "n_members = ? WHERE run_id = ?", [_now(), n_net, n_mem, run_id])


def resolve_network(store: Store, ref: str) -> str:
    """The stable id of the network ``ref`` (its id or its label, e.g. ``N0003``) among the
    latest run's networks; a :class:`ConfigError` naming ``network`` when there is none."""
    if store.table_exists("networks"):
        cols = {c for c, _ in _columns(store, "networks")}
        labelled = "label" in cols
        row = store.fetchone(
            "SELECT network_id FROM networks WHERE network_id = ?"
            + (" OR label = ?" if labelled else "") + " ORDER BY network_id LIMIT 1",
            [ref, ref] if labelled else [ref])
        if row is not None:
            return str(row[0])
        shown = [str(r[0]) for r in store.fetchall(
            f"SELECT {'label' if 'label' in cols else 'network_id'} FROM networks "
            "ORDER BY 1 LIMIT 10")]
    else:
        shown = []
    raise NotInStoreError(
        f"no network {ref!r} in the store's latest run (network)",
        remedy=("giving one of: " + ", ".join(shown)) if shown else
        "running detect or expand on the store first")
