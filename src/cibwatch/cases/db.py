"""Opening the case store: URL resolution, engines, migrations, transactions.

Where the store lives
    ``--case-db`` takes a SQLAlchemy URL (``postgresql://user@host:5432/db``,
    ``sqlite:///path``) or a plain file path (SQLite). Without it the store is a SQLite file
    beside the investigation store: ``cibwatch.duckdb`` -> ``cibwatch.cases.sqlite``. The
    environment variable ``CIBWATCH_CASE_DB`` is read when no option is given.

Transactions
    Every write runs in one transaction that first takes the write lock: ``BEGIN IMMEDIATE``
    on SQLite (WAL mode, so readers are never blocked), ``SELECT ... FOR UPDATE`` of the audit
    chain's head row on PostgreSQL. Writes are therefore serialised, which is what keeps the
    hash chain linear; the audit event is written in the same transaction as the change it
    records. Reads run concurrently.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from .errors import CaseError
from .models import AuditHead

__all__ = ["resolve_url", "CaseStore", "default_case_db", "ENV_CASE_DB"]

ENV_CASE_DB = "CIBWATCH_CASE_DB"
GENESIS = "0" * 64
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def default_case_db(store: str | Path | None) -> Path:
    """The SQLite file beside the investigation store: ``X.duckdb`` -> ``X.cases.sqlite``."""
    p = Path(store) if store is not None else Path("cibwatch.duckdb")
    return p.with_name(p.stem + ".cases.sqlite") if p.suffix else p.with_name(
        p.name + ".cases.sqlite")


def resolve_url(case_db: str | None, store: str | Path | None = None) -> URL:
    """A SQLAlchemy URL from ``--case-db`` (URL or path), ``$CIBWATCH_CASE_DB`` or the default
    file beside ``store``. ``postgresql://`` gets the psycopg 3 driver."""
    raw = case_db or os.environ.get(ENV_CASE_DB) or None
    if raw is None:
        return URL.create("sqlite", database=str(default_case_db(store)))
    if "://" not in raw:
        return URL.create("sqlite", database=raw)
    try:
        url = make_url(raw)
    except Exception as exc:
        raise CaseError(f"cannot read the case store URL {raw!r}: {exc}",
                        remedy="writing it like postgresql://user@host:5432/db or "
                        "sqlite:///path/to/cases.sqlite") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if not (url.drivername.startswith("postgresql") or url.drivername.startswith("sqlite")):
        raise CaseError(f"unsupported case store {url.drivername!r}",
                        remedy="using SQLite (a file path) or PostgreSQL (postgresql://...)")
    return url


def _sqlite_engine(url: URL, pool_size: int) -> Engine:
    db = url.database
    args = {"check_same_thread": False, "timeout": 30}
    if db and db != ":memory:":
        Path(db).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size,
                               connect_args=args)
    else:  # one shared in-memory database (tests, experiments)
        from sqlalchemy.pool import StaticPool

        engine = create_engine(url, poolclass=StaticPool, connect_args=args)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get("cibwatch_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


class CaseStore:
    """The case store: an engine, its migrations applied, and transactions.

    >>> store = CaseStore.open("sqlite:///:memory:")  # doctest: +SKIP
    >>> with store.write() as s: ...                   # doctest: +SKIP
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.url = engine.url
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(engine.execution_options(cibwatch_write=True),
                                   expire_on_commit=False)
        self._sqlite_writer = threading.Lock()

    @classmethod
    def open(cls, case_db: str | None = None, store: str | Path | None = None, *,
             pool_size: int = 20, migrate: bool = True) -> CaseStore:
        """Open (and create or upgrade: ``alembic upgrade head``) the case store."""
        url = resolve_url(case_db, store)
        try:
            if url.drivername.startswith("sqlite"):
                engine = _sqlite_engine(url, pool_size)
            else:
                engine = create_engine(url, pool_size=pool_size, max_overflow=2 * pool_size,
                                       pool_pre_ping=True)
            s = cls(engine)
            if migrate:
                s.upgrade()
        except CaseError:
            raise
        except Exception as exc:
            raise CaseError(f"cannot open the case store {url.render_as_string()}: {exc}",
                            remedy="checking --case-db (the server must be running, the "
                            "database must exist, the user must have rights)") from None
        return s

    def upgrade(self, revision: str = "head") -> None:
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as s, s.begin():
            yield s

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction holding the store's write lock; commits on success.

        On SQLite the threads of this process also queue on a lock before ``BEGIN
        IMMEDIATE``: SQLite's own busy handler polls with sleeps of up to 100 ms, which under
        concurrent writers costs seconds; a Python lock hands over at once (other processes
        still wait through the busy timeout)."""
        if self.is_sqlite:
            with self._sqlite_writer, self._write() as s, s.begin():
                yield s
            return
        with self._write() as s, s.begin():
            s.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update())
            yield s

    def raw(self, sql: str, **params: Any) -> Any:
        """Run one SQL statement outside the ORM (tests use it to tamper)."""
        with self.engine.begin() as conn:
            return conn.execute(text(sql), params)
