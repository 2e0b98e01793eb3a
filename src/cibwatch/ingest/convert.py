"""Raw columns -> canonical typed columns, with a named error per bad field.

Every source layout is described by a mapping from canonical field to a :class:`Source` (a raw
column, a SQL expression over raw columns, or a constant). This module turns a mapping into one
vectorised DuckDB query over a batch: it parses each field by the canonical rules below and
collects, per record, the list of ``field<TAB>message`` errors. Records with no error are
loaded; the others go to the rejects table. One parser for every format: no format re-parses.

Parsing rules (the contract's input rules):

* ids and strings: any scalar, as text; an empty cell is "absent" (required ids must be present);
* ``created_at``: the time rule (:func:`time_sql`; docs/ADAPTERS.md, "Times"): ISO 8601 (UTC
  when no offset is given), or a Unix epoch whose unit (seconds, milliseconds, microseconds,
  nanoseconds) is told by its magnitude; Parquet/Arrow timestamps are taken as they are (naive
  ones as UTC); every time must fall in the accepted window (1970-01-01 to a day past now);
  ``infinity``, ``epoch`` and bare ``YYYYMMDD`` numbers are errors;
* lists: a JSON list, or space-separated values (``style="auto"``); ``style="bracket"`` reads the
  Python-style lists of the Twitter information-operations archive (``[a, b]``, ``['a', 'b']``);
  an empty cell is an empty list - never a list holding one empty string;
* lists hold values: a JSON ``null`` in a list is an error (never dropped);
* counts (followers, following): non-negative whole numbers (``12``, ``12.0``; ``1.5`` is an
  error, never rounded).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import pyarrow as pa

from ..model import (
    EPOCH_UNITS,
    INT_FIELDS,
    LIST_FIELDS,
    TIME_FIELDS,
    TIME_MIN,
    TIME_MIN_FINE_UNITS,
    latest_time_us,
)

__all__ = ["Col", "Expr", "Const", "Source", "conversion_sql", "quote_ident", "sql_str",
           "time_sql"]

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


def _kind(t: pa.DataType | None) -> str:
    if t is None:
        return "string"
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return "list"
    if pa.types.is_timestamp(t):
        return "timestamptz" if t.tz else "timestamp"
    if pa.types.is_date(t):
        return "timestamp"
    if pa.types.is_integer(t):
        return "integer"
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "number"
    if pa.types.is_boolean(t):
        return "bool"
    return "string"


_NUMERIC = ("number", "integer")


def _src_sql(src: Source, raw_types: dict[str, pa.DataType]) -> tuple[str, str]:
    """(SQL for the raw value, its kind)."""
    if isinstance(src, Const):
        return ("NULL::VARCHAR" if src.value is None else sql_str(src.value)), "string"
    if isinstance(src, Expr):
        return f"({src.sql})", src.kind
    return quote_ident(src.name), _kind(raw_types.get(src.name))


_NUMERIC_RE = r"^-?[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?$"
_INTEGER_RE = r"^-?[0-9]+$"
#: Text read as ISO 8601 starts with a date (YYYY-MM-DD); DuckDB reads the rest (a time after
#: 'T' or a space, a fraction, 'Z', an offset or a zone name). The words DuckDB would also read
#: ('infinity', '-infinity', 'epoch') are not times.
_ISO_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
_TIME_HELP = ("ISO 8601, or epoch seconds, milliseconds, microseconds or nanoseconds; "
              "see docs/ADAPTERS.md, Times")


def _shown(v: str) -> str:
    """SQL expression quoting a raw value inside an error message (cut at 60 characters)."""
    return f"'''' || left(CAST({v} AS VARCHAR), 60) || ''''"


def _ymd(us: int) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(us // 1_000_000))


@dataclass(frozen=True)
class TimeSql:
    """The time rule for one field, as SQL in layers (each computed once per record).

    ``prep`` columns are computed from the raw value (``s_<field>``), ``parse`` from them,
    ``reading`` (the instant in epoch microseconds, ``us_<field>``, and a code saying how it
    was read or why not, ``code_<field>``) from those; ``value``, ``error`` and ``unit`` are
    the expressions of the final SELECT. See :func:`time_sql`.
    """

    prep: tuple[str, ...]
    parse: tuple[str, ...]
    reading: tuple[str, ...]
    value: str
    error: str
    unit: str


def time_sql(field: str, s: str, kind: str, latest_us: int) -> TimeSql:
    """The time rule (:data:`cibwatch.model.EPOCH_UNITS`; docs/ADAPTERS.md, "Times") for the
    raw value ``s`` (of converter kind ``kind``) of time field ``field``.

    The final ``value`` is the time (NULL when blank or rejected), ``error`` a
    ``field<TAB>message`` (or NULL), ``unit`` ``field<TAB>ms|us|ns`` for a number read in a
    unit finer than seconds (reported as a conversion). Total: no value makes DuckDB raise an
    error (numbers are range checked before any cast that could overflow). Cost: a few
    vectorised expressions per record, the text parsed once.
    """
    lo, lo_fine = TIME_MIN * 1_000_000, TIME_MIN_FINE_UNITS * 1_000_000
    window = f"{_ymd(lo)} .. {_ymd(latest_us - 1)}"
    v, d, i, t, us, code = (quote_ident(f"{x}_{field}") for x in ("v", "d", "i", "t", "us",
                                                                   "code"))

    def number() -> tuple[str, str]:
        bounds = [f"WHEN {d} < {bound:.0e} THEN '{unit}'" for bound, unit, _ in EPOCH_UNITS]
        reading = (
            f"CASE WHEN {d} IS NULL OR isnan({d}) OR isinf({d}) THEN 'bad' "
            f"WHEN {d} < 0 THEN 'negative' "
            f"WHEN {i} BETWEEN 19000101 AND 20991231 AND try_strptime(CAST({i} AS VARCHAR), "
            f"'%Y%m%d') IS NOT NULL THEN 'yyyymmdd' {' '.join(bounds)} ELSE 'too large' END")
        instant = (
            f"CASE WHEN {d} IS NULL OR isnan({d}) OR isinf({d}) OR {d} < 0 THEN NULL "
            f"WHEN {d} < 1e11 THEN CAST(round({d} * 1e6) AS BIGINT) "
            f"WHEN {d} < 1e14 THEN CAST(coalesce({i} * 1000, round({d} * 1e3)) AS BIGINT) "
            f"WHEN {d} < 1e17 THEN CAST(coalesce({i}, round({d})) AS BIGINT) "
            f"WHEN {d} < 1e20 THEN CAST(coalesce(({i} + 500) // 1000, round({d} / 1e3)) AS BIGINT) "
            "END")
        return instant, reading

    if kind in ("timestamp", "timestamptz"):
        prep: tuple[str, ...] = (f"CAST({s} AS TIMESTAMP) AS {t}",)
        parse: tuple[str, ...] = ()
        instant = f"CASE WHEN isfinite({t}) THEN epoch_us({t}) END"
        reading = f"CASE WHEN {t} IS NULL THEN NULL WHEN isfinite({t}) THEN 'native' ELSE 'bad' END"
    elif kind in _NUMERIC:
        prep = (f"CAST({s} AS DOUBLE) AS {d}",)
        parse = ((f"CAST({s} AS HUGEINT) AS {i}",) if kind == "integer" else
                 (f"CASE WHEN {d} = floor({d}) AND abs({d}) < 1e20 THEN CAST({d} AS HUGEINT) "
                  f"END AS {i}",))
        instant, reading = number()
        reading = f"CASE WHEN {s} IS NULL THEN NULL ELSE {reading} END"
    else:
        prep = (f"trim(CAST({s} AS VARCHAR)) AS {v}",)
        parse = (
            f"CASE WHEN regexp_matches({v}, '{_NUMERIC_RE}') THEN try_cast({v} AS DOUBLE) END "
            f"AS {d}",
            f"CASE WHEN regexp_matches({v}, '{_INTEGER_RE}') THEN try_cast({v} AS HUGEINT) END "
            f"AS {i}",
            f"CASE WHEN regexp_matches({v}, '{_ISO_RE}') THEN "
            f"CAST(try_cast({v} AS TIMESTAMPTZ) AS TIMESTAMP) END AS {t}",
        )
        n_instant, n_reading = number()
        instant = (f"CASE WHEN {d} IS NOT NULL THEN {n_instant} "
                   f"WHEN isfinite({t}) THEN epoch_us({t}) END")
        reading = (f"CASE WHEN {v} IS NULL OR {v} = '' THEN NULL "
                   f"WHEN {d} IS NOT NULL THEN {n_reading} "
                   f"WHEN isfinite({t}) THEN 'iso' ELSE 'bad' END")
    fine = f"{code} IN ('ms', 'us', 'ns')"
    low = f"CASE WHEN {fine} THEN {lo_fine} ELSE {lo} END"
    readable = f"{code} IN ('s', 'ms', 'us', 'ns', 'iso', 'native')"
    inside = f"{us} >= {low} AND {us} < {latest_us}"
    shown = _shown(s)
    what = (f"CASE {code} WHEN 's' THEN 'epoch seconds' WHEN 'ms' THEN 'epoch milliseconds' "
            "WHEN 'us' THEN 'epoch microseconds' WHEN 'ns' THEN 'epoch nanoseconds' "
            "WHEN 'iso' THEN 'ISO 8601' ELSE 'a time' END")
    error = (
        f"CASE WHEN {code} IS NULL THEN NULL "
        f"WHEN {code} = 'bad' THEN '{field}\tcannot read ' || {shown} || ' as a time "
        f"({_TIME_HELP})' "
        f"WHEN {code} = 'negative' THEN '{field}\t' || {shown} || ' is before 1970-01-01 as an "
        f"epoch ({window} accepted)' "
        f"WHEN {code} = 'yyyymmdd' THEN '{field}\t' || {shown} || ' is ambiguous (a YYYYMMDD "
        "date, or epoch seconds in 1970?): write the date as ISO 8601, e.g. 2024-01-01' "
        f"WHEN {code} = 'too large' THEN '{field}\t' || {shown} || ' is too large for a time in "
        f"any epoch unit ({window} accepted)' "
        f"WHEN NOT ({inside}) THEN '{field}\t' || {shown} || ' is outside the accepted times "
        f"({window}' || CASE WHEN {fine} THEN ', from {_ymd(lo_fine)} for that unit' ELSE '' "
        f"END || '): read as ' || {what} || ', it is ' || "
        f"strftime(make_timestamp({us}), '%Y-%m-%d %H:%M:%S') END"
    )
    return TimeSql(
        prep=prep,
        parse=parse,
        reading=(f"{instant} AS {us}", f"{reading} AS {code}"),
        value=f"CASE WHEN {readable} AND {inside} THEN make_timestamp({us}) END",
        error=error,
        unit=f"CASE WHEN {fine} AND {inside} THEN '{field}\t' || {code} END",
    )


def _parse(field: str, s: str, kind: str, list_style: ListStyle) -> tuple[str, str]:
    """(parsed value SQL, error SQL or NULL) for canonical ``field`` from raw value ``s``.

    Time fields are read by :func:`time_sql` (see :func:`conversion_sql`), not here.
    """
    blank = f"({s} IS NULL OR trim(CAST({s} AS VARCHAR)) = '')"
    if field in LIST_FIELDS:
        if kind == "list":
            lst = f"CAST({s} AS VARCHAR[])"
            return (f"coalesce({lst}, []::VARCHAR[])",
                    f"CASE WHEN list_position({lst}, NULL) > 0 THEN '{field}\tthe list holds "
                    f"null (item ' || CAST(list_position({lst}, NULL) AS VARCHAR) || ')' END")
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
        items = f"try_cast(try_cast({v} AS JSON) AS VARCHAR[])"
        parsed = (
            f"CASE WHEN {blank} THEN []::VARCHAR[] "
            f"WHEN {is_json} THEN CASE WHEN {valid} THEN {items} END "
            rf"ELSE string_split_regex(trim({v}), '\s+') END"
        )
        # a JSON null in a list is not a value: rejected, never dropped
        err = (
            f"CASE WHEN {blank} OR NOT {is_json} THEN NULL "
            f"WHEN NOT {valid} THEN '{field}\tnot a valid JSON list: ' || {_shown(v)} "
            f"WHEN {items} IS NULL THEN '{field}\tnot a list of values: ' || {_shown(v)} "
            f"WHEN list_position({items}, NULL) > 0 THEN '{field}\tthe list holds null (item ' "
            f"|| CAST(list_position({items}, NULL) AS VARCHAR) || '): ' || {_shown(v)} END"
        )
        return parsed, err
    if kind == "list":
        return "NULL", f"CASE WHEN {s} IS NOT NULL THEN '{field}\texpected one value, found a list' END"
    if field in INT_FIELDS:
        # a count is a whole non-negative number: 12, 12.0 and 1.2e1 are 12; 1.5 is an error
        if kind == "integer":
            parsed = f"try_cast({s} AS BIGINT)"
        else:
            t = f"trim(CAST({s} AS VARCHAR))"
            d = (f"CAST({s} AS DOUBLE)" if kind == "number" else
                 f"CASE WHEN regexp_matches({t}, '{_NUMERIC_RE}') THEN try_cast({t} AS DOUBLE) END")
            parsed = (f"CASE WHEN {blank} THEN NULL WHEN {d} = floor({d}) AND abs({d}) < 9.2e18 "
                      f"THEN CAST({d} AS BIGINT) END")
        err = (
            f"CASE WHEN NOT {blank} AND (({parsed}) IS NULL OR ({parsed}) < 0) THEN "
            f"'{field}\tnot a non-negative whole number: ' || {_shown(s)} END"
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
    latest_us: int | None = None,
) -> str:
    """One SELECT over ``relation`` yielding ``_line``, ``_rec``, the canonical ``fields``,
    ``_errors`` and ``_conv``.

    ``_errors`` is a list of ``"field<TAB>message"`` strings, empty for a good record;
    ``_conv`` a list of ``"field<TAB>unit"`` for the times read as epoch milliseconds,
    microseconds or nanoseconds (counted per file, see :mod:`cibwatch.ingest`). The relation
    must have ``_line`` (the line reported in messages) and ``_rec`` (a number unique to the
    record within its file; the line itself for one-record-per-line layouts). A raw column
    ``_error`` (``"field<TAB>message"`` or NULL), when the relation has one, adds a layout's own
    finding to the record's errors. ``latest_us`` is the latest time accepted
    (:func:`cibwatch.model.latest_time_us`, by default from the clock).
    """
    latest = latest_time_us() if latest_us is None else latest_us
    src_cols: list[str] = []
    prep: list[str] = []
    parse: list[str] = []
    reading: list[str] = []
    out_cols = []
    errs = []
    conv = []
    for f in fields:
        src = mapping.get(f, Const(None))
        s_sql, kind = _src_sql(src, raw_types)
        style: ListStyle = src.list_style if isinstance(src, Col | Expr) else "auto"
        s_ref = quote_ident("s_" + f)
        src_cols.append(f"{s_sql} AS {s_ref}")
        if f in TIME_FIELDS and kind != "list":
            ts = time_sql(f, s_ref, kind, latest)
            prep += ts.prep
            parse += ts.parse
            reading += ts.reading
            out_cols.append(f"{ts.value} AS {quote_ident(f)}")
            errs.append(ts.error)
            conv.append(ts.unit)
        else:
            parsed, err = _parse(f, s_ref, kind, style)
            out_cols.append(f"{parsed} AS {quote_ident(f)}")
            if err != "NULL":
                errs.append(err)
        if f in required:
            errs.append(
                f"CASE WHEN {s_ref} IS NULL OR trim(CAST({s_ref} AS VARCHAR)) = '' "
                f"THEN '{f}\tmissing' END"
            )
    if "_error" in raw_types:
        src_cols.append('"_error"')
        errs.append('"_error"')

    def listed(items: list[str]) -> str:
        if not items:
            return "[]::VARCHAR[]"
        return "list_filter([" + ", ".join(items) + "]::VARCHAR[], lambda e: e IS NOT NULL)"

    rel = f"(SELECT _line, _rec, {', '.join(src_cols)} FROM {relation}) AS src"
    for i, layer in enumerate((prep, parse, reading)):  # the time rule's layers
        if layer:
            rel = f"(SELECT *, {', '.join(layer)} FROM {rel}) AS t{i}"
    return f"""
        SELECT _line, _rec, {", ".join(out_cols)}, {listed(errs)} AS _errors,
               {listed(conv)} AS _conv
        FROM {rel}
    """
