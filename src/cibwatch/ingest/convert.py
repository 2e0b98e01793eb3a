"""Raw columns -> canonical typed columns, with a named error per bad field.

Every source layout is described by a mapping from canonical field to a :class:`Source` (a raw
column, a SQL expression over raw columns, or a constant). This module turns a mapping into one
vectorised DuckDB query over a batch: it parses each field by the canonical rules below and
collects, per record, the list of ``field<TAB>message`` errors. Records with no error are
loaded; the others go to the rejects table. One parser for every format: no format re-parses.

Parsing rules (the contract's input rules):

* ids and strings: any scalar, as text; an empty cell is "absent" (required ids must be present);
* ``created_at``: ISO 8601 (UTC when no offset is given) or epoch seconds (integer or decimal);
  Parquet/Arrow timestamps are taken as they are (naive ones as UTC);
* lists: a JSON list, or space-separated values (``style="auto"``); ``style="bracket"`` reads the
  Python-style lists of the Twitter information-operations archive (``[a, b]``, ``['a', 'b']``);
  an empty cell is an empty list - never a list holding one empty string;
* counts (followers, following): non-negative integers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pyarrow as pa

from ..model import INT_FIELDS, LIST_FIELDS, TIME_FIELDS

__all__ = ["Col", "Expr", "Const", "Source", "conversion_sql", "quote_ident", "sql_str"]

ListStyle = Literal["auto", "bracket"]


@dataclass(frozen=True)
class Col:
    """A raw column, parsed according to its Arrow type and the canonical field."""

    name: str
    list_style: ListStyle = "auto"


@dataclass(frozen=True)
class Expr:
    """A SQL expression over raw columns (referenced as ``"name"``).

    It yields text (``kind="string"``, parsed like a raw cell) or, with ``kind="list"``, a
    ``VARCHAR[]`` taken as it is (for list fields built in SQL).
    """

    sql: str
    list_style: ListStyle = "auto"
    kind: Literal["string", "list"] = "string"


@dataclass(frozen=True)
class Const:
    """The same value for every record (e.g. the platform of a single-platform export)."""

    value: str | None


Source = Col | Expr | Const


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _shown(v: str) -> str:
    """SQL expression quoting a raw value inside an error message (cut at 60 characters)."""
    return f"'''' || left(CAST({v} AS VARCHAR), 60) || ''''"


def _kind(t: pa.DataType | None) -> str:
    if t is None:
        return "string"
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return "list"
    if pa.types.is_timestamp(t):
        return "timestamptz" if t.tz else "timestamp"
    if pa.types.is_date(t):
        return "timestamp"
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "number"
    if pa.types.is_boolean(t):
        return "bool"
    return "string"


def _src_sql(src: Source, raw_types: dict[str, pa.DataType]) -> tuple[str, str]:
    """(SQL for the raw value, its kind)."""
    if isinstance(src, Const):
        return ("NULL::VARCHAR" if src.value is None else sql_str(src.value)), "string"
    if isinstance(src, Expr):
        return f"({src.sql})", src.kind
    return quote_ident(src.name), _kind(raw_types.get(src.name))


_NUMERIC_RE = r"^\s*-?[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?\s*$"


def _parse(field: str, s: str, kind: str, list_style: ListStyle) -> tuple[str, str]:
    """(parsed value SQL, error SQL or NULL) for canonical ``field`` from raw value ``s``."""
    blank = f"({s} IS NULL OR trim(CAST({s} AS VARCHAR)) = '')"
    if field in LIST_FIELDS:
        if kind == "list":
            return (f"coalesce(CAST({s} AS VARCHAR[]), []::VARCHAR[])", "NULL")
        v = f"CAST({s} AS VARCHAR)"
        if list_style == "bracket":
            ok = rf"regexp_full_match(trim({v}), '\[.*\]', 's')"
            parsed = (
                f"CASE WHEN {blank} THEN []::VARCHAR[] WHEN {ok} THEN "
                f"list_filter(list_transform(string_split(trim({v})[2:-2], ','), "
                f"lambda x: trim(trim(x), '''\" ')), lambda x: x <> '') END"
            )
            err = (
                f"CASE WHEN NOT {blank} AND NOT {ok} THEN "
                f"'{field}\tnot a bracketed list like [a, b]: ' || {_shown(v)} END"
            )
            return parsed, err
        is_json = f"(left(ltrim({v}), 1) = '[')"
        valid = f"coalesce(CASE WHEN json_valid({v}) THEN json_type({v}) END = 'ARRAY', false)"
        parsed = (
            f"CASE WHEN {blank} THEN []::VARCHAR[] "
            f"WHEN {is_json} THEN CASE WHEN {valid} THEN "
            f"list_filter(try_cast(try_cast({v} AS JSON) AS VARCHAR[]), lambda x: x IS NOT NULL) END "
            rf"ELSE string_split_regex(trim({v}), '\s+') END"
        )
        err = (
            f"CASE WHEN NOT {blank} AND {is_json} AND NOT {valid} THEN "
            f"'{field}\tnot a valid JSON list: ' || {_shown(v)} END"
        )
        return parsed, err
    if kind == "list":
        return "NULL", f"CASE WHEN {s} IS NOT NULL THEN '{field}\texpected one value, found a list' END"
    if field in TIME_FIELDS:
        if kind == "timestamp":
            return f"CAST({s} AS TIMESTAMP)", "NULL"
        if kind == "timestamptz":
            return f"CAST({s} AS TIMESTAMP)", "NULL"  # session time zone is UTC
        if kind == "number":
            parsed = f"make_timestamp(CAST(round(CAST({s} AS DOUBLE) * 1e6) AS BIGINT))"
            return parsed, "NULL"
        v = f"trim(CAST({s} AS VARCHAR))"
        parsed = (
            f"CASE WHEN {blank} THEN NULL "
            f"WHEN regexp_matches({v}, '{_NUMERIC_RE}') THEN "
            f"make_timestamp(CAST(round(try_cast({v} AS DOUBLE) * 1e6) AS BIGINT)) "
            f"ELSE CAST(try_cast({v} AS TIMESTAMPTZ) AS TIMESTAMP) END"
        )
        err = (
            f"CASE WHEN NOT {blank} AND ({parsed}) IS NULL THEN "
            f"'{field}\tcannot read ' || {_shown(v)} || ' as a time (ISO 8601 or epoch seconds)' END"
        )
        return parsed, err
    if field in INT_FIELDS:
        if kind == "number":
            parsed = f"try_cast({s} AS BIGINT)"
        else:
            parsed = f"CASE WHEN {blank} THEN NULL ELSE try_cast(trim(CAST({s} AS VARCHAR)) AS BIGINT) END"
        err = (
            f"CASE WHEN NOT {blank} AND (({parsed}) IS NULL OR ({parsed}) < 0) THEN "
            f"'{field}\tnot a non-negative integer: ' || {_shown(s)} END"
        )
        return parsed, err
    # strings and ids
    if field == "text":
        return f"coalesce(CAST({s} AS VARCHAR), '')", "NULL"
    v = f"CAST({s} AS VARCHAR)"
    return f"CASE WHEN {blank} THEN NULL ELSE {v} END", "NULL"


def conversion_sql(
    fields: tuple[str, ...],
    required: tuple[str, ...],
    mapping: dict[str, Source],
    raw_types: dict[str, pa.DataType],
    relation: str,
) -> str:
    """One SELECT over ``relation`` yielding ``_line``, ``_rec``, the canonical ``fields`` and
    ``_errors``.

    ``_errors`` is a list of ``"field<TAB>message"`` strings, empty for a good record. The
    relation must have ``_line`` (the line reported in messages) and ``_rec`` (a number unique
    to the record within its file; the line itself for one-record-per-line layouts). A raw
    column ``_error`` (``"field<TAB>message"`` or NULL), when the relation has one, adds a
    layout's own finding to the record's errors.
    """
    src_cols = []
    out_cols = []
    errs = []
    for f in fields:
        src = mapping.get(f, Const(None))
        s_sql, kind = _src_sql(src, raw_types)
        style: ListStyle = src.list_style if isinstance(src, Col | Expr) else "auto"
        src_cols.append(f"{s_sql} AS {quote_ident('s_' + f)}")
        parsed, err = _parse(f, quote_ident("s_" + f), kind, style)
        out_cols.append(f"{parsed} AS {quote_ident(f)}")
        if err != "NULL":
            errs.append(err)
        if f in required:
            s_ref = quote_ident("s_" + f)
            errs.append(
                f"CASE WHEN {s_ref} IS NULL OR trim(CAST({s_ref} AS VARCHAR)) = '' "
                f"THEN '{f}\tmissing' END"
            )
    if "_error" in raw_types:
        src_cols.append('"_error"')
        errs.append('"_error"')
    err_list = "list_filter([" + ", ".join(errs) + "]::VARCHAR[], lambda e: e IS NOT NULL)" if errs else "[]::VARCHAR[]"
    return f"""
        SELECT _line, _rec, {", ".join(out_cols)}, {err_list} AS _errors
        FROM (SELECT _line, _rec, {", ".join(src_cols)} FROM {relation}) AS src
    """
