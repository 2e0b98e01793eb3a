"""The backend interface the pipeline's stages run through, and its DuckDB implementation.

A stage is a SELECT; the backend makes it a named table (:meth:`Backend.materialise`),
never changes another stage's table in place: where a stage used to ``UPDATE ... FROM`` or
``DELETE``, it now materialises the rows it keeps (:meth:`Backend.replace`). Cost: one pass
over the table replaced (as the UPDATE or DELETE it stands for).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Protocol

import pyarrow as pa

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["Backend", "DuckDBBackend"]


class Backend(Protocol):
    """What the stages ask of a SQL engine."""

    #: the SQL dialect of the engine's statements (:mod:`cibwatch.engine.dialect`)
    dialect: str

    def materialise(self, name: str, select: str) -> None:
        """Make the table ``name`` (which must not exist) from ``select``."""

    def replace(self, name: str, select: str) -> None:
        """Replace the table ``name`` by ``select``, which may read ``name`` itself."""

    def arrow(self, sql: str) -> pa.Table:
        """A table's name or a SELECT, read as Arrow."""

    def register(self, name: str, table: pa.Table) -> AbstractContextManager[str]:
        """Expose an Arrow table to SQL under ``name`` for the duration of the block."""

    def columns(self, select: str) -> list[str]:
        """The column names of ``select``, in order."""


class DuckDBBackend:
    """:class:`Backend` over an investigation store (DuckDB).

    Parameters
    ----------
    store:
        The store whose connection runs the statements.
    record:
        When given, every statement the backend runs is appended to it (the transpile test
        collects the stage SELECTs this way).
    """

    dialect = "duckdb"

    def __init__(self, store: Store, record: list[str] | None = None) -> None:
        self.store = store
        self.record = record

    def _run(self, sql: str) -> None:
        if self.record is not None:
            self.record.append(sql)
        self.store.execute(sql)

    def materialise(self, name: str, select: str) -> None:
        self._run(f"CREATE TABLE {name} AS {select}")

    def replace(self, name: str, select: str) -> None:
        nxt = f"{name}__next"
        self._run(f"DROP TABLE IF EXISTS {nxt}")
        self.materialise(nxt, select)
        self._run(f"DROP TABLE {name}")
        self._run(f"ALTER TABLE {nxt} RENAME TO {name}")

    def arrow(self, sql: str) -> pa.Table:
        if self.record is not None:
            self.record.append(sql)
        query = sql if " " in sql.strip() else f"SELECT * FROM {sql}"
        return self.store.arrow(query)

    @contextmanager
    def register(self, name: str, table: pa.Table) -> Iterator[str]:
        with self.store.registered(name, table) as registered:
            yield registered

    def columns(self, select: str) -> list[str]:
        return [str(r[0]) for r in self.store.fetchall(f"DESCRIBE {select}")]
