"""Reading one file into the stage: Parquet (DuckDB's scan, or row group by row group for a
damaged file), CSV and JSONL batches, and nested-JSON layouts (:mod:`.jsonio`)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..escape import terminal
from ..model import (
    ACCOUNT_COLUMNS,
    INT_FIELDS,
    LIST_FIELDS,
    POST_COLUMNS,
)
from ..progress import Reporter
from ..store import Store
from .base import Format
from .convert import Col, Expr, Source, quote_ident, sql_str
from .jsonformat import JsonFormat, distinct_lists_sql
from .jsonio import JsonRecords, invalid_json_reject, utf8_column
from .readers import ROW_INDEX, ArrowFile, RawBatch, ReaderReject, TabularFile
from .rejects import _reader_rejects
from .staging import _load, _Relation, _stage_rel


def _read_file(
    store: Store,
    tf: TabularFile | ArrowFile,
    sid: int,
    path: str,
    f: Format,
    mapping: dict[str, Source],
    acc_mapping: dict[str, Source] | None,
    strict: bool,
    reporter: Reporter,
    latest: int,
    by_group: bool = False,
) -> int:
    """Stage one file; returns the number of records read. ``by_group``: read a Parquet file
    row group by row group (after DuckDB's scan of it failed: a damaged file)."""
    name = f"Reading {terminal(Path(path).name)} ({f.name})"
    if isinstance(tf, ArrowFile):  # rows an engine read (Spark): already Arrow
        n = tf.table.num_rows
        with reporter.task(name, total=n) as task, store.registered("raw_file", tf.table):
            types = {fl.name: fl.type for fl in tf.table.schema if fl.name != ROW_INDEX}
            types["_line"] = types["_rec"] = pa.int64()
            scan = (f"(SELECT *, {ROW_INDEX} + 1 AS _line, {ROW_INDEX} + 1 AS _rec "
                    "FROM raw_file)")
            _load(store, sid, path, f, mapping, acc_mapping, _Relation(scan, types, latest),
                  strict)
            task.update(completed=n)
        return n
    if tf.container == "parquet":
        pf = pq.ParquetFile(path)
        n = int(pf.metadata.num_rows)
        with reporter.task(name, total=n) as task:
            scan = (
                f"(SELECT *, file_row_number + 1 AS _line, file_row_number + 1 AS _rec "
                f"FROM read_parquet({sql_str(str(path))}, file_row_number = true))"
            )
            types = {fl.name: fl.type for fl in pf.schema_arrow}
            types["_line"] = types["_rec"] = pa.int64()
            if by_group:
                _parquet_by_row_group(store, pf, sid, path, f, mapping, acc_mapping, strict,
                                      latest)
            else:
                _load(store, sid, path, f, mapping, acc_mapping,
                      _Relation(scan, types, latest), strict)
            task.update(completed=n)
        return n
    seen = 0
    json_schema = _json_schema(mapping, acc_mapping) if tf.container == "jsonl" else None
    with reporter.task(name, total=tf.size) as task:
        for rb in tf.batches(json_schema):
            _stage_batch(store, rb, sid, path, f, mapping, acc_mapping, strict, latest)
            seen += rb.records_seen
            task.update(completed=rb.progress)
    return seen


def _json_schema(mapping: dict[str, Source], acc_mapping: dict[str, Source] | None
                 ) -> pa.Schema | None:
    """The raw columns a layout reads from a JSON Lines file, typed for Arrow's JSON reader
    (lists of strings for list fields, whole numbers for count fields, text otherwise), or
    None when a source is an expression (it may read any column, as text)."""
    types: dict[str, pa.DataType] = {}
    for m in (mapping, acc_mapping or {}):
        for fld, src in m.items():
            if isinstance(src, Expr):
                return None
            if not isinstance(src, Col):
                continue
            t = (pa.list_(pa.string()) if fld in LIST_FIELDS else
                 pa.int64() if fld in INT_FIELDS else pa.string())
            if fld in LIST_FIELDS and src.list_style != "auto":
                return None
            if types.setdefault(src.name, t) != t:
                return None
    return pa.schema(list(types.items())) if types else None


def _stage_batch(store: Store, rb: RawBatch, sid: int, path: str, f: Format,
                 mapping: dict[str, Source], acc_mapping: dict[str, Source] | None,
                 strict: bool, latest: int) -> None:
    """Stage one batch of raw records (and write aside what the reader could not read)."""
    _reader_rejects(store, sid, path, f.kind.rstrip("s"), rb.rejects, strict)
    if rb.table.num_rows:
        with store.registered("raw_batch", rb.table):
            types = {fl.name: fl.type for fl in rb.table.schema}
            types["_rec"] = pa.int64()
            _load(store, sid, path, f, mapping, acc_mapping,
                  _Relation("(SELECT *, _line AS _rec FROM raw_batch)", types, latest), strict)


def _parquet_by_row_group(store: Store, pf: pq.ParquetFile, sid: int, path: str, f: Format,
                          mapping: dict[str, Source], acc_mapping: dict[str, Source] | None,
                          strict: bool, latest: int) -> None:
    """Stage a Parquet file whose scan failed, one row group at a time."""
    start = 0
    for g in range(pf.metadata.num_row_groups):
        rows = int(pf.metadata.row_group(g).num_rows)
        try:
            t = pf.read_row_group(g)
        except (pa.ArrowException, OSError, ValueError) as exc:
            reject = ReaderReject(
                start + 1, None,
                f"row group {g + 1} of {pf.metadata.num_row_groups} (rows {start + 1:,} to "
                f"{start + rows:,}) cannot be read: {exc}; its {rows:,} rows are not loaded", "")
            rb = RawBatch(pa.table({"_line": pa.array([], pa.int64())}), [reject], 1)
        else:
            t = t.append_column("_line", pa.array(range(start + 1, start + rows + 1), pa.int64()))
            rb = RawBatch(t, [], rows)
        _stage_batch(store, rb, sid, path, f, mapping, acc_mapping, strict, latest)
        start += rows


_INTERNAL = ("_line", "_sub", "_idx", "_raw", "_error", "_rec")


def _arrow_type(duck_type: str) -> pa.DataType:
    """The Arrow type the converter needs to know for a DuckDB column type."""
    t = duck_type.upper()
    if t.endswith("[]"):
        return pa.list_(pa.string())
    if t.startswith("TIMESTAMP WITH TIME ZONE") or t == "TIMESTAMPTZ":
        return pa.timestamp("us", tz="UTC")
    if t.startswith("TIMESTAMP") or t == "DATE":
        return pa.timestamp("us")
    if t in ("BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER"):
        return pa.int64()
    if t in ("DOUBLE", "FLOAT") or t.startswith("DECIMAL"):
        return pa.float64()
    if t == "BOOLEAN":
        return pa.bool_()
    return pa.string()


def _read_json(
    store: Store,
    tf: TabularFile,
    sid: int,
    path: str,
    f: JsonFormat,
    platform: str | None,
    strict: bool,
    reporter: Reporter,
    latest: int,
) -> int:
    """Stage one nested-JSON file (see :mod:`.jsonformat`); returns the records read."""
    records = JsonRecords(path, "json" if f.document else tf.container, f.doc_paths)
    base = {"posts": 0, "accounts": 0, "derived": 0}
    fields = {"posts": POST_COLUMNS, "accounts": ACCOUNT_COLUMNS, "derived": ACCOUNT_COLUMNS}
    seen = 0
    with reporter.task(f"Reading {terminal(Path(path).name)} ({f.name})", total=tf.size) as task:
        for batch in records.batches():
            docs = utf8_column(batch)  # may move records to batch.rejects
            rejects = list(batch.rejects)
            if batch.texts:
                n = len(batch.texts)
                table = pa.table({
                    "_idx": pa.array(range(n), pa.int64()),
                    "_line": pa.array(batch.lines, pa.int64()),
                    "_doc": docs,
                    "_path": pa.array(batch.paths, pa.string()),
                    "_ctx": pa.array(batch.ctx, pa.string()),
                })
                # Small record batches let DuckDB parse them on every core.
                table = pa.Table.from_batches(table.to_batches(max_chunksize=256))
                with store.registered("json_raw", table):
                    store.execute(
                        "CREATE OR REPLACE TEMP TABLE json_docs AS "
                        "SELECT _idx, _line, _path, _ctx, "
                        "starts_with(ltrim(left(_doc, 64), ' \t\r\n'), '{') AS _obj, "
                        f"try(json_transform(_doc, {sql_str(f.structure())})) AS j FROM json_raw"
                    )
                    bad = store.fetchall(
                        "SELECT r._line, r._doc FROM json_docs d JOIN json_raw r USING (_idx) "
                        "WHERE d.j IS NULL OR NOT d._obj ORDER BY r._idx"
                    )
                rejects.extend(invalid_json_reject(int(line), str(doc)) for line, doc in bad)
                seen += len(bad)
                store.execute(
                    "CREATE OR REPLACE TEMP TABLE json_items AS "
                    + f.items_sql("(SELECT * EXCLUDE (_obj) FROM json_docs WHERE j IS NOT NULL "
                                  "AND _obj)")
                )
                for part in f.parts("json_items", platform):
                    described = store.fetchall(f"DESCRIBE SELECT * FROM ({part.sql})")
                    lists = [str(r[0]) for r in described
                             if r[0] in LIST_FIELDS and str(r[1]).endswith("[]")]
                    part_sql = distinct_lists_sql(part.sql, lists)
                    rel_sql = (f"(SELECT *, {base[part.kind]} + row_number() OVER "
                               f"(ORDER BY _idx, _sub) AS _rec FROM ({part_sql}) AS p)")
                    types = {str(r[0]): _arrow_type(str(r[1])) for r in described}
                    types["_rec"] = pa.int64()
                    if part.kind == "derived":
                        # One row per account: the latest value of each field in the batch.
                        aggs = ", ".join(
                            f"arg_max({quote_ident(c)}, _rec) FILTER (WHERE {quote_ident(c)} "
                            f"IS NOT NULL) AS {quote_ident(c)}"
                            for c in types if c not in ("account_id", "_rec"))
                        rel_sql = (f"(SELECT account_id, {aggs}, max(_rec) AS _rec "
                                   f"FROM {rel_sql} AS d GROUP BY account_id)")
                    count = int(store.scalar(f"SELECT count(*) FROM ({part.sql})"))
                    if not count:
                        continue
                    mapping: dict[str, Source] = {c: Col(c) for c in types
                                                  if c in fields[part.kind]}
                    _stage_rel(store, sid, path, part.kind, mapping, _Relation(rel_sql, types, latest),
                               strict and part.kind != "derived", False)
                    base[part.kind] += count
                    if part.kind != "derived":
                        seen += count
            _reader_rejects(store, sid, path, "post" if f.kind == "posts" else "account",
                            sorted(rejects, key=lambda r: r.line), strict)
            seen += len(batch.rejects)
            task.update(completed=batch.progress)
    store.execute("DROP TABLE IF EXISTS json_docs; DROP TABLE IF EXISTS json_items")
    return seen
