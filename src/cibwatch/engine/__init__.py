"""The engine seam: what the pipeline asks of a SQL engine, and the SQL that differs by engine.

:mod:`.backend` is the small interface the stages run through (materialise a SELECT as a
table, read a table or a SELECT as Arrow, register an Arrow table, the dialect's name), with
:class:`DuckDBBackend` over :class:`cibwatch.store.Store` behind it: the one writer of the
stage tables, whose columns :mod:`.tables` declares (and the writer checks). :mod:`.dialect` holds
the few engine-specific expressions of the stage SELECTs (top-n evidence, arg_min/arg_max,
list lambdas, epoch conversions, hexadecimal hashes, global regular-expression replacement)
as functions returning SQL text for ``"duckdb"`` and ``"spark"``. Everything else in the
stage SELECTs is plain SQL that transpiles to Spark SQL (``tests/test_engine.py``).
"""

from __future__ import annotations

from . import dialect, tables
from .backend import Backend, DuckDBBackend
from .tables import STAGE_TABLES, StageSchemaError

__all__ = ["Backend", "DuckDBBackend", "STAGE_TABLES", "StageSchemaError", "dialect", "tables"]
