"""The backend interface the pipeline's stages run through, and its DuckDB implementation.

A stage is a SELECT (or an Arrow table); the backend is the one writer that makes it a named
table (:meth:`Backend.materialise`, :meth:`Backend.write_arrow`, an empty one from its
declaration: :meth:`Backend.create`), and never changes another stage's table in place:
where a stage used to ``UPDATE ... FROM``, ``DELETE`` or ``INSERT INTO`` another stage's
table, it now materialises the rows it keeps (:meth:`Backend.replace`). Cost: one pass over
the table replaced (as the UPDATE or DELETE it stands for). A stage may append to the table it
is building (:meth:`Backend.append`: the actions of one trace after another).

Every table the backend writes whose name is declared (:data:`cibwatch.engine.tables.
STAGE_TABLES`) is checked against its declaration once made (names, order and types of the
columns, read as Arrow from ``LIMIT 0``): a mismatch drops what was made and raises
:class:`cibwatch.engine.tables.StageSchemaError` naming the table and the column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, Protocol

import pyarrow as pa

from . import tables

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["Backend", "DuckDBBackend", "BATCH_ROWS"]

#: Rows per batch of :meth:`Backend.map_batches` (bounded memory on any number of rows).
BATCH_ROWS = 1_000_000


class Backend(Protocol):
    """What the stages ask of a SQL engine."""

    #: the SQL dialect of the engine's statements (:mod:`cibwatch.engine.dialect`)
    dialect: str

    def materialise(self, name: str, select: str) -> None:
        """Make the table ``name`` (which must not exist) from ``select``."""

    def replace(self, name: str, select: str) -> None:
        """Replace the table ``name`` (made when missing) by ``select``, which may read
        ``name`` itself."""

    def create(self, name: str) -> None:
        """Make the declared table ``name`` (which must not exist) with no rows."""

    def append(self, name: str, select: str) -> None:
        """Append the rows of ``select`` (the table's columns, in order) to ``name``: only
        the stage that builds ``name`` does this, while it builds it."""

    def write_arrow(self, name: str, table: pa.Table) -> None:
        """Replace (or make) the table ``name`` by the rows of an Arrow table."""

    def arrow(self, sql: str) -> pa.Table:
        """A table's name or a SELECT, read as Arrow."""

    def register(self, name: str, table: pa.Table) -> AbstractContextManager[str]:
        """Expose an Arrow table to SQL under ``name`` for the duration of the block."""

    def columns(self, select: str) -> list[str]:
        """The column names of ``select``, in order."""

    def scalar(self, sql: str) -> Any:
        """The first column of the first row of ``sql`` (None when it has no rows)."""

    def scratch(self, name: str, select: str) -> None:
        """A stage's own temporary table ``name`` (undeclared, replaced when it exists) made
        from ``select``."""

    def drop(self, name: str) -> None:
        """Drop the table (or scratch table) ``name`` when it exists."""

    def has_table(self, name: str) -> bool:
        """Whether the engine holds a table (or view) ``name``."""

    def map_batches(self, name: str, select: str, fn: Callable[[pa.RecordBatch], pa.RecordBatch],
                    schema: pa.Schema) -> None:
        """The scratch table ``name``: ``fn`` applied to every Arrow batch of ``select``
        (each output batch has ``schema``; memory does not grow with the number of rows)."""


class DuckDBBackend:
    """:class:`Backend` over an investigation store (DuckDB).

    Parameters
    ----------
    store:
        The store whose connection runs the statements.
    record:
        When given, every request of a stage is appended to it as ``"verb name: SQL"``
        (``materialise``, ``replace``, ``append``, ``scratch``, ``map``, ``create``,
        ``scalar``, ``arrow``), as the stage wrote it: the Spark backend records the same,
        so the two engines' statements can be compared (``tests/test_spark.py``).
    """

    dialect = "duckdb"

    def __init__(self, store: Store, record: list[str] | None = None) -> None:
        self.store = store
        self.record = record

    def _note(self, verb: str, name: str, sql: str = "") -> None:
        if self.record is not None:
            self.record.append(f"{verb} {name}: {sql}")

    def _run(self, sql: str) -> None:
        self.store.execute(sql)

    def _check(self, name: str, made: str) -> None:
        """Check the table ``made`` against the declaration of ``name``; drop it on a
        mismatch."""
        if not tables.declared(name):
            return
        schema = self.store.arrow(f"SELECT * FROM {made} LIMIT 0").schema
        try:
            tables.check_schema(name, schema)
        except tables.StageSchemaError:
            self.store.execute(f"DROP TABLE IF EXISTS {made}")
            raise

    def materialise(self, name: str, select: str) -> None:
        self._note("materialise", name, select)
        self._run(f"CREATE TABLE {name} AS {select}")
        self._check(name, name)

    def replace(self, name: str, select: str) -> None:
        self._note("replace", name, select)
        nxt = f"{name}__next"
        self._run(f"DROP TABLE IF EXISTS {nxt}")
        self._run(f"CREATE TABLE {nxt} AS {select}")
        self._check(name, nxt)
        self._run(f"DROP TABLE IF EXISTS {name}")
        self._run(f"ALTER TABLE {nxt} RENAME TO {name}")

    def create(self, name: str) -> None:
        self._note("create", name)
        self._run(tables.create_sql(name))

    def append(self, name: str, select: str) -> None:
        self._note("append", name, select)
        self._run(f"INSERT INTO {name} {select}")

    def write_arrow(self, name: str, table: pa.Table) -> None:
        with self.register(f"{name}__arrow", table) as reg:
            self.replace(name, f"SELECT * FROM {reg}")

    def arrow(self, sql: str) -> pa.Table:
        self._note("arrow", "", sql)
        query = sql if " " in sql.strip() else f"SELECT * FROM {sql}"
        return self.store.arrow(query)

    @contextmanager
    def register(self, name: str, table: pa.Table) -> Iterator[str]:
        with self.store.registered(name, table) as registered:
            yield registered

    def columns(self, select: str) -> list[str]:
        return [str(r[0]) for r in self.store.fetchall(f"DESCRIBE {select}")]

    def scalar(self, sql: str) -> Any:
        self._note("scalar", "", sql)
        return self.store.scalar(sql)

    def scratch(self, name: str, select: str) -> None:
        self._note("scratch", name, select)
        self._run(f"CREATE OR REPLACE TEMP TABLE {name} AS {select}")

    def drop(self, name: str) -> None:
        self._run(f"DROP TABLE IF EXISTS {name}")

    def has_table(self, name: str) -> bool:
        return self.store.table_exists(name)

    def map_batches(self, name: str, select: str, fn: Callable[[pa.RecordBatch], pa.RecordBatch],
                    schema: pa.Schema) -> None:
        """Batches of :data:`BATCH_ROWS`, read through a second cursor so that the store's
        connection stays free for writing while they stream."""
        self._note("map", name, select)
        first = True
        cur = self.store.con.cursor()
        try:
            rel = cur.sql(select)
            fetch = getattr(rel, "to_arrow_reader", None) or rel.fetch_arrow_reader
            for batch in fetch(BATCH_ROWS):
                if not batch.num_rows:
                    continue
                with self.store.registered(f"{name}__batch", pa.Table.from_batches([fn(batch)])):
                    self._run(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM "
                              f"{name}__batch" if first else
                              f"INSERT INTO {name} SELECT * FROM {name}__batch")
                first = False
        finally:
            cur.close()
        if first:  # no rows: the columns typed as when rows are there
            with self.store.registered(f"{name}__batch", schema.empty_table()):
                self._run(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}__batch")
