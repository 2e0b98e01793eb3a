"""The investigation store: one DuckDB file per investigation.

Tables (each arrow of the pipeline is a table, so any stage can be inspected or re-run):

``sources``        every file ingested: path, format, kind, sha256, row counts
``account_index``  ``aid`` (dense integer) <-> ``(platform, account_id)``
``posts``          canonical posts + ``pid``, ``aid`` and provenance (``source_id``, ``source_line``)
``accounts``       canonical accounts + ``aid`` and provenance; ``derived`` marks rows built from
                   the account columns of a posts file (QUT ``username``, IO archive user columns)
``rejects``        every record that could not be loaded: file, line, field, error, raw record
``conversions``    per file and field, how many values were converted (times read as epoch
                   milliseconds, microseconds or nanoseconds)
``actions``        the narrow waist: ``(trace, key, aid, pid, ts, variant)``
``coactions``      the window join's output: one row per pair of actions (the evidence)
``pairs``          per account pair and trace: counts, timing and example evidence
``edges``/``networks``/``members``/...  the stage tables of the latest run
``runs``           every detect and expand run: id, kind, status, times, config, sources, version
``run_<table>``    the results of every finished run (``run_networks``, ``run_members``,
                   ``run_edges``, ...), with ``run_id`` and stable network ids
``lineage``        each network's overlap with the networks of earlier runs

Runs, stable network ids and lineage: :mod:`cibwatch.runs` and docs/ARCHITECTURE.md. The
columns of the stage tables are declared in :mod:`cibwatch.engine.tables` (the pipeline writes
them through :mod:`cibwatch.engine.backend`); the tables above that are not stage tables are
made here (and written by ingest, whose ``UPDATE``s of ``posts`` and ``accounts`` are the
deliberate exception to "no table changed in place"). ``meta.schema_version`` is checked on
every open (:data:`SCHEMA_VERSION`, :data:`MIGRATIONS`).

DuckDB is the embedded default (MIT, in-process, columnar, parallel); nothing needs a server.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from .errors import StoreError, StoreVersionError
from .escape import csv_cell_sql
from .model import ACCOUNT_COLUMNS, POST_COLUMNS, field_type

__all__ = ["Store", "SourceInfo", "file_sha256", "relation_arrow", "SCHEMA_VERSION",
           "MIGRATIONS"]

#: The version of the store's layout, in ``meta.schema_version``. 1: cibwatch 0.5 (the stage
#: tables of the last run only); 2: runs are kept (``runs``, ``run_*``, ``lineage``:
#: :mod:`cibwatch.runs`). Opening a store checks it (:meth:`Store.migrate`): a newer one is
#: refused, an older one is brought up to date by :data:`MIGRATIONS` when it is opened for
#: writing.
SCHEMA_VERSION = "2"


def _migrate_1_to_2(store: Store) -> None:
    """Version 1 -> 2: the results of the last run, in the stage tables only, are kept as a
    finished run (:func:`cibwatch.runs.keep_legacy`)."""
    from .runs import keep_legacy

    keep_legacy(store)


#: ``from_version -> migration``: each brings a store of ``from_version`` to the next version;
#: :meth:`Store.migrate` runs them in order and records each version reached.
MIGRATIONS: dict[str, Callable[[Store], None]] = {"1": _migrate_1_to_2}


def _cols_ddl(columns: tuple[str, ...]) -> str:
    return ",\n  ".join(f"{c} {field_type(c)}" for c in columns)


_DDL = f"""
CREATE TABLE IF NOT EXISTS meta (key VARCHAR, value VARCHAR);
CREATE TABLE IF NOT EXISTS sources (
  source_id INTEGER, path VARCHAR, format VARCHAR, kind VARCHAR, sha256 VARCHAR,
  bytes BIGINT, rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT
);
CREATE TABLE IF NOT EXISTS account_index (aid INTEGER, platform VARCHAR, account_id VARCHAR);
CREATE TABLE IF NOT EXISTS posts (
  pid BIGINT, aid INTEGER,
  {_cols_ddl(POST_COLUMNS)},
  source_id INTEGER, source_line BIGINT
);
CREATE TABLE IF NOT EXISTS accounts (
  aid INTEGER,
  {_cols_ddl(ACCOUNT_COLUMNS)},
  source_id INTEGER, source_line BIGINT, derived BOOLEAN
);
CREATE TABLE IF NOT EXISTS rejects (
  source_id INTEGER, line BIGINT, field VARCHAR, error VARCHAR, record VARCHAR,
  record_kind VARCHAR
);
CREATE TABLE IF NOT EXISTS conversions (
  source_id INTEGER, record_kind VARCHAR, field VARCHAR, conversion VARCHAR, n BIGINT
);
CREATE TABLE IF NOT EXISTS runs (
  run_id VARCHAR, seq INTEGER, kind VARCHAR, status VARCHAR, started TIMESTAMP,
  finished TIMESTAMP, config VARCHAR, sources VARCHAR, cibwatch_version VARCHAR,
  n_networks BIGINT, n_members BIGINT, error VARCHAR
);
CREATE TABLE IF NOT EXISTS lineage (
  run_id VARCHAR, network_id VARCHAR, earlier_run_id VARCHAR, earlier_network_id VARCHAR,
  shared INTEGER, size INTEGER, earlier_size INTEGER, jaccard DOUBLE
);
"""


@dataclass(frozen=True)
class SourceInfo:
    """One ingested file, as recorded in ``sources``."""

    source_id: int
    path: str
    format: str
    kind: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    #: values converted while reading, e.g. ``{"created_at: epoch milliseconds": 12}``
    conversions: tuple[tuple[str, int], ...] = ()


def file_sha256(path: str | os.PathLike[str], chunk: int = 1 << 20) -> str:
    """SHA-256 of a file, read in chunks (bounded memory)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


class Store:
    """An investigation store backed by one DuckDB file (or memory when ``path`` is None).

    Parameters
    ----------
    path:
        The DuckDB file. Created when missing. ``None`` keeps everything in memory.
    threads:
        DuckDB worker threads; ``None`` lets DuckDB use every core.
    memory_limit:
        DuckDB memory limit (e.g. ``"12GB"``; default :func:`default_memory_limit`); larger
        intermediate results spill to disk.
    create:
        Make the store when it is missing (default); ``False``: a missing store is a
        :class:`StoreError` (commands that only read one).
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        threads: int | None = None,
        memory_limit: str | None = None,
        read_only: bool = False,
        create: bool = True,
    ) -> None:
        self.path = None if path is None else Path(path)
        if self.path is not None and not create and not self.path.exists():
            raise StoreError(f"no store {self.path}",
                             remedy="giving the store of an ingest, detect or expand run "
                             "(--db PATH)")
        if self.path is not None and self.path.is_dir():
            raise StoreError(f"the store {self.path} is a directory",
                             remedy="giving the path of a store file (e.g. inv.duckdb)")
        if self.path is not None and not read_only:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the store {self.path}: "
                                 f"{exc.strerror or exc}",
                                 remedy="choosing a place you can write to") from exc
        try:
            self.con = duckdb.connect(
                ":memory:" if self.path is None else str(self.path), read_only=read_only
            )
        except duckdb.IOException as exc:  # locked by another process, unreadable, ...
            raise StoreError(
                f"cannot open the store {self.path}: {exc}",
                remedy="closing the other program that holds it, or choosing another --db",
            ) from exc
        self.execute("SET TimeZone = 'UTC'")
        self.execute("SET preserve_insertion_order = false")
        self.execute("SET wal_autocheckpoint = '8GB'")
        if threads:
            self.execute(f"SET threads = {int(threads)}")
        self.execute(f"SET memory_limit = '{memory_limit or default_memory_limit()}'")
        self.read_only = read_only
        try:
            self._check_version(self.schema_version())
        except StoreError:
            self.con.close()
            raise
        if not read_only:
            self.execute(_DDL)
            if not self.scalar("SELECT count(*) FROM meta"):
                self.execute("INSERT INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
            self.migrate()

    # -- schema version -----------------------------------------------------------------------
    def schema_version(self) -> str | None:
        """``meta.schema_version`` (None: a new store, or one without ``meta``)."""
        if not self.table_exists("meta"):
            return None
        v = self.scalar("SELECT value FROM meta WHERE key = 'schema_version'")
        return None if v is None else str(v)

    def _check_version(self, version: str | None) -> None:
        """A store written by a newer cibwatch (or with a version this one cannot read) is a
        :class:`~cibwatch.errors.StoreVersionError` (a :class:`StoreError`)."""
        if version is None:
            return
        where = "memory" if self.path is None else str(self.path)
        if not version.isdigit():
            raise StoreVersionError(
                f"the store {where} has the schema version {version!r}, which this cibwatch "
                f"(schema version {SCHEMA_VERSION}) cannot read",
                remedy="opening it with the cibwatch that wrote it")
        if int(version) > int(SCHEMA_VERSION):
            raise StoreVersionError(
                f"the store {where} was written by a newer cibwatch: its schema version is "
                f"{version}, this cibwatch reads versions up to {SCHEMA_VERSION}",
                remedy="upgrading cibwatch (pip install --upgrade cibwatch), or opening the "
                       "store with the cibwatch that wrote it")

    @property
    def outdated(self) -> bool:
        """Whether the store has an older schema version than this cibwatch (only when it was
        opened read-only: a writable open migrates it). Readers work on it as far as its
        tables go; opening it once for writing (any ``detect``, ``expand`` or ``ingest``)
        brings it up to date."""
        v = self.schema_version()
        return v is not None and int(v) < int(SCHEMA_VERSION)

    def migrate(self) -> list[str]:
        """Bring an older store up to :data:`SCHEMA_VERSION` with :data:`MIGRATIONS`, in
        order, recording each version reached in ``meta``; returns the versions migrated
        from (none: the store was current). Needs a writable store."""
        done: list[str] = []
        version = self.schema_version()
        self._check_version(version)
        while version is not None and int(version) < int(SCHEMA_VERSION):
            if self.read_only:
                raise StoreVersionError(f"the store {self.path} has the schema version "
                                        f"{version} (this cibwatch: {SCHEMA_VERSION})",
                                        remedy="opening it once for writing (e.g. with "
                                        "detect), which brings it up to date")
            step = MIGRATIONS.get(version)
            if step is None:
                raise StoreVersionError(
                    f"no migration of a store from schema version {version}",
                    remedy="opening it with the cibwatch that wrote it")
            step(self)
            done.append(version)
            version = str(int(version) + 1)
            self.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [version])
        return done

    # -- life cycle ---------------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything in the block is committed at its end, or not at all: an exception (or
        the process being killed) leaves the store as it was before the block."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            with suppress(duckdb.Error):  # the transaction may already be gone
                self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # -- small query helpers ------------------------------------------------------------------
    def execute(self, sql: str, params: list[Any] | None = None) -> None:
        """Run statements to completion (DDL, INSERT, UPDATE ...)."""
        self.con.execute(sql, params or []).fetchall()

    def fetchall(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params or []).fetchall()

    def fetchone(self, sql: str, params: list[Any] | None = None) -> tuple[Any, ...] | None:
        rows = self.fetchall(sql, params)
        return rows[0] if rows else None

    def scalar(self, sql: str, params: list[Any] | None = None) -> Any:
        row = self.fetchone(sql, params)
        return None if row is None else row[0]

    def arrow(self, sql: str, params: list[Any] | None = None) -> pa.Table:
        rel = self.con.sql(sql, params=params) if params else self.con.sql(sql)
        return relation_arrow(rel)

    def table_exists(self, name: str) -> bool:
        return bool(
            self.scalar(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
            )
        )

    @contextmanager
    def registered(self, name: str, table: pa.Table) -> Iterator[str]:
        """Expose an Arrow table to SQL under ``name`` for the duration of the block."""
        self.con.register(name, table)
        try:
            yield name
        except BaseException:
            # in a failed transaction DuckDB refuses everything until the rollback: keep the
            # error that matters (the rollback drops the view)
            with suppress(duckdb.Error):
                self.con.unregister(name)
            raise
        self.con.unregister(name)

    # -- sources ------------------------------------------------------------------------------
    def find_source(self, sha256: str, fmt: str) -> SourceInfo | None:
        """The file with this content already read in this layout, if any. A file is in
        ``sources`` only once its rows are committed (see :func:`cibwatch.ingest.ingest_files`);
        a row left by an earlier version without counts is not a read file."""
        row = self.fetchone(
            "SELECT source_id, path, format, kind, rows_read, rows_loaded, rows_rejected "
            "FROM sources WHERE sha256 = ? AND format = ? AND rows_loaded IS NOT NULL",
            [sha256, fmt],
        )
        return None if row is None else self._info(row)

    def _info(self, row: tuple[Any, ...]) -> SourceInfo:
        conv = self.fetchall(
            "SELECT field || ': ' || conversion, sum(n) FROM conversions WHERE source_id = ? "
            "GROUP BY ALL ORDER BY 1", [row[0]])
        sid, path, fmt, kind, read, loaded, rejected = row
        return SourceInfo(sid, path, fmt, kind, read, loaded, rejected,
                          tuple((str(k), int(n)) for k, n in conv))

    def add_source(self, path: str, fmt: str, kind: str, sha256: str, size: int) -> int:
        sid = int(self.scalar("SELECT coalesce(max(source_id), 0) + 1 FROM sources"))
        self.execute(
            "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, NULL)",
            [sid, path, fmt, kind, sha256, size],
        )
        return sid

    def finish_source(self, source_id: int, rows_read: int) -> SourceInfo:
        self.execute(
            """
            UPDATE sources SET rows_read = ?,
              rows_rejected = (SELECT count(DISTINCT line) FROM rejects
                               WHERE source_id = ? AND record_kind <> 'derived-account')
            WHERE source_id = ?
            """,
            [rows_read, source_id, source_id],
        )
        self.execute(
            "UPDATE sources SET rows_loaded = rows_read - rows_rejected WHERE source_id = ?",
            [source_id],
        )
        return self.source(source_id)

    def source(self, source_id: int) -> SourceInfo:
        row = self.fetchone(
            "SELECT source_id, path, format, kind, rows_read, rows_loaded, rows_rejected "
            "FROM sources WHERE source_id = ?",
            [source_id],
        )
        assert row is not None
        return self._info(row)

    def sources(self) -> list[SourceInfo]:
        """Every file read into the store (fully: a file's row is committed with its rows)."""
        rows = self.fetchall(
            "SELECT source_id, path, format, kind, rows_read, rows_loaded, rows_rejected "
            "FROM sources WHERE rows_loaded IS NOT NULL ORDER BY source_id"
        )
        return [self._info(r) for r in rows]

    # -- contents -----------------------------------------------------------------------------
    def count_posts(self) -> int:
        return int(self.scalar("SELECT count(*) FROM posts"))

    def count_accounts(self) -> int:
        return int(self.scalar("SELECT count(*) FROM account_index"))

    def require_posts(self) -> None:
        if self.count_posts() == 0:
            raise StoreError(
                f"the store {self.path or '(in memory)'} holds no posts",
                remedy="passing input files to the command, or ingesting them first with "
                "'cibwatch ingest FILE --db PATH'",
            )

    def export_rejects(self, path: str | os.PathLike[str]) -> int:
        """Write every rejected record to a CSV file; returns how many were written. Text cells
        are escaped against spreadsheet formulas (:func:`cibwatch.escape.csv_cell`)."""
        n = int(self.scalar("SELECT count(*) FROM rejects"))
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        cols = ", ".join(f"{csv_cell_sql(c)} AS {c.split('.')[-1]}" if c != "r.line" else c
                         for c in ("s.path", "r.line", "r.field", "r.error", "r.record_kind",
                                   "r.record"))
        self.execute(
            f"""
            COPY (
              SELECT {cols.replace(" AS path", " AS file")}
              FROM rejects r JOIN sources s USING (source_id)
              ORDER BY r.source_id, r.line, r.field
            ) TO '{_sql_path(path)}' (HEADER, DELIMITER ',')
            """
        )
        return n

    def post_refs(self, pids: list[int]) -> pa.Table:
        """Look posts up by internal id: what an evidence reference points at."""
        return self.arrow(
            """
            SELECT p.pid, p.platform, p.post_id, p.account_id, p.created_at, p.text,
                   s.path AS source_file, p.source_line
            FROM posts p JOIN sources s USING (source_id)
            WHERE p.pid IN (SELECT unnest(?::BIGINT[]))
            ORDER BY p.pid
            """,
            [pids],
        )

    def aid_of(self, platform: str, account_id: str) -> int | None:
        v = self.scalar(
            "SELECT aid FROM account_index WHERE platform = ? AND account_id = ?",
            [platform, account_id],
        )
        return None if v is None else int(v)


#: Share of the machine's memory DuckDB may use by default: the rest is for the compiled
#: near-duplicate kernels and the Python side (DuckDB's own default, 80 %, leaves too little).
MEMORY_SHARE = 0.6


def default_memory_limit() -> str:
    """``MEMORY_SHARE`` of physical memory, as DuckDB's memory_limit (e.g. ``'14GB'``)."""
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return "4GB"
    return f"{max(1, int(total * MEMORY_SHARE / 2**30))}GB"


def relation_arrow(rel: duckdb.DuckDBPyRelation) -> pa.Table:
    """A relation as an Arrow table (``to_arrow_table`` in DuckDB 2, ``arrow`` in 1.x)."""
    fetch = getattr(rel, "to_arrow_table", None) or rel.arrow
    return fetch()


def _sql_path(path: str | os.PathLike[str]) -> str:
    return str(path).replace("'", "''")
