"""Ingest: input files -> canonical posts and accounts in the store.

Each file streams through a reader (CSV, JSONL: bounded batches; Parquet: DuckDB's own parallel
scan), its layout's mapping and the one converter (:mod:`.convert`). Records are staged with
their list of errors; bad ones are written to the ``rejects`` table with file, line, field,
message and the raw record, and counted. When the file has been read, its staged records are
merged into the store in one set-based pass: duplicate post ids are rejected (naming where the
first copy came from), long layouts' rows are merged into posts, accounts get their dense
``aid``. ``strict=True`` raises :class:`BadRecordError` at the first bad record instead.

**Each file is one transaction.** Its ``sources`` row, its posts, accounts, rejects and
conversion counts are committed together when the file is done, or not at all: an exception,
a ``--strict`` stop, a full disk or the process being killed (``kill -9``) leaves the store as
it was before that file (the files before it stay loaded), and running the same command again
loads it. A file is "already in the store" (skipped) only when it was committed.

Nested-JSON layouts (the platform API exports, :mod:`.jsonformat`) stream through
:mod:`.jsonio` and are parsed and unnested in DuckDB; a record (a response page) may hold
several posts, so staged records carry ``source_rec`` (a number unique within the file, in
file order) besides ``source_line`` (the line reported to the user).
"""

from __future__ import annotations

import dataclasses
import errno
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import BadRecordError, CibwatchError, FormatError, InputError, StoreError
from ..escape import terminal
from ..model import (
    ACCOUNT_COLUMNS,
    ACCOUNT_REQUIRED,
    LIST_FIELDS,
    POST_COLUMNS,
    POST_REQUIRED,
    field_type,
    latest_time_us,
)
from ..progress import Reporter, SilentReporter
from ..store import SourceInfo, Store, file_sha256
from .base import Format
from .convert import Col, Expr, Source, conversion_sql, quote_ident, sql_str
from .coortweet import COORTWEET, OBJECT_FIELDS
from .detect import FORMATS, detect_format, get_format
from .jsonformat import JsonFormat, distinct_lists_sql
from .jsonio import JsonRecords, invalid_json_reject, utf8_column
from .readers import DEFAULT_BATCH_ROWS, RawBatch, ReaderReject, TabularFile, open_tabular

__all__ = ["ingest_files", "IngestReport", "FORMATS", "detect_format", "OBJECT_FIELDS",
           "settle_accounts"]

_POST_SCALARS = [c for c in POST_COLUMNS if c not in LIST_FIELDS and c not in ("platform", "post_id")]
_ACC_FIELDS = [c for c in ACCOUNT_COLUMNS if c not in ("platform", "account_id")]
_POST_RECORD = "to_json({" + ", ".join(f"'{c}': d.{c}" for c in POST_COLUMNS) + "})"


@dataclass
class IngestReport:
    """What an ingest run did."""

    files: list[SourceInfo] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    posts_loaded: int = 0
    accounts_loaded: int = 0
    rejected: int = 0
    account_field_problems: int = 0
    #: values converted while reading (all files): e.g. ``{"created_at: epoch milliseconds": 3}``
    conversions: dict[str, int] = field(default_factory=dict)

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)


@dataclass(frozen=True)
class _Relation:
    """Raw records as SQL: a registered Arrow batch or DuckDB's scan of a Parquet file."""

    sql: str
    types: dict[str, pa.DataType]
    latest_us: int = 0


def _create_stage(store: Store) -> None:
    """The stage tables of one file. Regular tables, not TEMP ones: they are made and dropped
    inside the file's transaction, so nothing of them is ever committed, and DuckDB writes
    large ones to the store's file as they grow instead of holding them in memory (TEMP
    tables doubled the peak memory of a 2 M-post Parquet ingest)."""
    post_cols = ", ".join(f"{c} {field_type(c)}" for c in POST_COLUMNS)
    acc_cols = ", ".join(f"{c} {field_type(c)}" for c in ACCOUNT_COLUMNS)
    store.execute(
        f"""
        DROP TABLE IF EXISTS stage_posts; DROP TABLE IF EXISTS stage_accounts;
        CREATE TABLE stage_posts ({post_cols}, source_id INTEGER, source_line BIGINT,
                                  source_rec BIGINT,
                                  merge_rows BOOLEAN, _errors VARCHAR[], _conv VARCHAR[]);
        CREATE TABLE stage_accounts ({acc_cols}, source_id INTEGER, source_line BIGINT,
                                     source_rec BIGINT,
                                     derived BOOLEAN, _errors VARCHAR[], _conv VARCHAR[]);
        """
    )


def _check_columns(mapping: dict[str, Source], header: set[str], path: str, fmt: Format) -> None:
    for f, src in mapping.items():
        if isinstance(src, Col) and src.name not in header:
            raise FormatError(
                f"{path}: the {fmt.name} layout needs a column {src.name!r} (for {f})",
                remedy="checking the file's header, or choosing another --format",
            )


def _record_sql(columns: list[str], alias: str) -> str:
    """SQL for the raw record as JSON (what the rejects file keeps)."""
    if "_raw" in columns:  # JSON layouts keep the record's own JSON text
        return f"{alias}._raw"
    cols = [c for c in columns if c not in ("_line", "_rec")]
    parts = ", ".join(f"{sql_str(c)}: {alias}.{quote_ident(c)}" for c in cols)
    return f"to_json({{{parts}}})" if parts else "'{}'"


def _reader_rejects(
    store: Store, source_id: int, path: str, kind: str, rejects: list[ReaderReject], strict: bool
) -> None:
    for rj in rejects:
        if strict:
            raise BadRecordError(path, rj.line, rj.field, rj.error)
    if rejects:
        store.execute(
            "INSERT INTO rejects SELECT unnest(?::INTEGER[]), unnest(?::BIGINT[]), "
            "unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
            [
                [source_id] * len(rejects),
                [r.line for r in rejects],
                [r.field for r in rejects],
                [r.error for r in rejects],
                [r.record for r in rejects],
                [kind] * len(rejects),
            ],
        )


def _load(
    store: Store,
    source_id: int,
    path: str,
    fmt: Format,
    mapping: dict[str, Source],
    acc_mapping: dict[str, Source] | None,
    rel: _Relation,
    strict: bool,
) -> None:
    """Convert one relation of raw records into the stage; write its bad records aside."""
    _stage_rel(store, source_id, path, fmt.kind, mapping, rel, strict, fmt.merge_rows)
    if acc_mapping is not None:
        _stage_rel(store, source_id, path, "derived", acc_mapping, rel, False, False)


def _stage_rel(
    store: Store,
    source_id: int,
    path: str,
    target: str,
    mapping: dict[str, Source],
    rel: _Relation,
    strict: bool,
    merge_rows: bool,
) -> None:
    """Stage ``rel`` as posts, accounts or derived accounts (``target``); reject bad records."""
    columns = list(rel.types)
    if target == "posts":
        sql = conversion_sql(POST_COLUMNS, POST_REQUIRED, mapping, rel.types, rel.sql,
                             rel.latest_us)
        store.execute(
            f"INSERT INTO stage_posts SELECT {', '.join(POST_COLUMNS)}, {source_id}, _line, _rec, "
            f"{merge_rows}, _errors, _conv FROM ({sql})"
        )
        _reject_staged(store, "stage_posts", source_id, path, rel, columns, "post", strict)
    elif target == "accounts":
        sql = conversion_sql(ACCOUNT_COLUMNS, ACCOUNT_REQUIRED, mapping, rel.types, rel.sql,
                             rel.latest_us)
        store.execute(
            f"INSERT INTO stage_accounts SELECT {', '.join(ACCOUNT_COLUMNS)}, {source_id}, _line, _rec, "
            f"false, _errors, _conv FROM ({sql})"
        )
        _reject_staged(store, "stage_accounts", source_id, path, rel, columns, "account", strict)
    else:
        # Derived accounts come from each account's latest record in the relation; a bad
        # account column does not cost the post: it is reported, not loaded.
        acc = mapping["account_id"]
        key = (quote_ident(acc.name) if isinstance(acc, Col)
               else f"({acc.sql})" if isinstance(acc, Expr) else "NULL")
        latest = (
            f"(SELECT * FROM {rel.sql} AS r "
            f"QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY _rec DESC) = 1)"
        )
        sql = conversion_sql(ACCOUNT_COLUMNS, ACCOUNT_REQUIRED, mapping, rel.types, latest,
                             rel.latest_us)
        store.execute(
            f"INSERT INTO stage_accounts SELECT {', '.join(ACCOUNT_COLUMNS)}, {source_id}, _line, _rec, "
            f"true, _errors, _conv FROM ({sql})"
        )
        _reject_staged(
            store, "stage_accounts", source_id, path, rel, columns, "derived-account", False
        )


def _reject_staged(
    store: Store,
    table: str,
    source_id: int,
    path: str,
    rel: _Relation,
    columns: list[str],
    kind: str,
    strict: bool,
) -> None:
    where = f"source_id = {source_id} AND len(_errors) > 0"
    if not store.scalar(f"SELECT count(*) FROM {table} WHERE {where}"):
        return
    if strict:
        line, err = store.fetchone(  # type: ignore[misc]
            f"SELECT source_line, _errors[1] FROM {table} WHERE {where} "
            "ORDER BY source_rec LIMIT 1"
        )
        fld, _, msg = str(err).partition("\t")
        raise BadRecordError(path, int(line), fld, msg)
    store.execute(
        f"""
        INSERT INTO rejects
        SELECT {source_id}, e.source_line, split_part(e.err, '\t', 1),
               split_part(e.err, '\t', 2), {_record_sql(columns, 'r')}, '{kind}'
        FROM (SELECT source_line, source_rec, unnest(_errors) AS err FROM {table}
              WHERE {where}) e
        JOIN {rel.sql} AS r ON r._rec = e.source_rec;
        DELETE FROM {table} WHERE {where};
        """
    )


def ingest_files(
    store: Store,
    paths: Sequence[str | os.PathLike[str]],
    fmt: str = "auto",
    *,
    platform: str | None = None,
    strict: bool = False,
    object_as: str = "reshare",
    reporter: Reporter | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    latest_us: int | None = None,
) -> IngestReport:
    """Read ``paths`` into ``store``, one transaction per file; see the module docstring.

    Parameters
    ----------
    fmt:
        ``"auto"`` (recognise each file by its header) or a name from :data:`FORMATS`.
    platform:
        Platform for layouts without a platform column (and for canonical rows whose platform
        cell is empty).
    strict:
        Stop at the first bad record (raise :class:`BadRecordError`); that file is not loaded,
        the files before it are.
    object_as:
        For the CooRTweet layout: what ``object_id`` is (reshare, url, hashtag, media).
    batch_rows:
        Records per batch for CSV and JSONL (memory is bounded by it).
    latest_us:
        Latest time accepted, in epoch microseconds (default
        :func:`cibwatch.model.latest_time_us`: a day past now).

    Raises
    ------
    CibwatchError
        A file cannot be read at all, ``strict`` met a bad record, or the store cannot be
        written (a full disk): that file is rolled back, the ones before it stay committed.
    """
    reporter = reporter or SilentReporter()
    report = IngestReport()
    latest = latest_time_us() if latest_us is None else latest_us
    for p in paths:
        path = str(p)
        tf = open_tabular(path, batch_rows)
        f = detect_format(tf.header, path) if fmt == "auto" else get_format(fmt)
        if f.name == COORTWEET.name and object_as != "reshare":
            f = dataclasses.replace(f, object_as=object_as)  # type: ignore[call-arg]
        header = set(tf.header)
        as_json = isinstance(f, JsonFormat) and tf.container in ("jsonl", "json")
        mapping: dict[str, Source] = {}
        acc_mapping = None
        if isinstance(f, JsonFormat) and not as_json and not f.tabular:
            raise FormatError(
                f"{path}: the {f.name} layout is JSON, and this file is {tf.container.upper()}",
                remedy="passing the JSON export, or choosing another --format",
            )
        if not as_json:
            mapping = f.mapping(header, platform)
            _check_columns(mapping, header, path, f)
            acc_mapping = f.account_mapping(header, platform) if f.kind == "posts" else None
            if acc_mapping is not None:
                _check_columns(acc_mapping, header, path, f)
        sha = file_sha256(path)
        if (prev := store.find_source(sha, f.name)) is not None:
            reporter.log(f"[yellow]skipped[/] {terminal(path)}: already in the store (as "
                         f"{terminal(prev.path)})")
            report.skipped.append(path)
            continue
        by_group = False
        while True:
            try:
                with store.transaction():
                    info, n_posts, n_acc = _ingest_one(
                        store, tf, path, f, mapping, acc_mapping, as_json, platform, strict,
                        reporter, sha, latest, by_group)
                break
            except CibwatchError:
                raise
            except duckdb.Error as exc:
                if tf.container == "parquet" and not by_group:
                    # a damaged page or row group fails DuckDB's scan: read the file again
                    # row group by row group, keeping those that can be read
                    by_group = True
                    continue
                raise _store_failure(store, path, exc) from exc
            except OSError as exc:
                raise _os_failure(path, exc) from exc
        report.files.append(info)
        report.posts_loaded += n_posts
        report.accounts_loaded += n_acc
        for k, n in info.conversions:
            report.conversions[k] = report.conversions.get(k, 0) + n
    settle_accounts(store)
    report.rejected = sum(f.rows_rejected for f in report.files)
    new_ids = [f.source_id for f in report.files]
    report.account_field_problems = int(
        store.scalar(
            "SELECT count(DISTINCT (source_id, line)) FROM rejects "
            "WHERE record_kind = 'derived-account' AND list_contains(?::INTEGER[], source_id)",
            [new_ids],
        )
    )
    return report


#: ``meta`` key: the largest ``aid`` before the accounts of an unfinished ingest call.
_AID_MARK = "aid_order_from"


def settle_accounts(store: Store) -> None:
    """Number the accounts added by the last ingest call in (platform, account_id) order.

    Files are committed one by one, each appending its new accounts to ``account_index``; the
    first file of a call records in ``meta`` where the call's accounts start, and this puts
    them in (platform, account_id) order at the end of the call, in one transaction (a no-op
    when they already are, as with one file). So the ``aid`` of every account is the same
    whether the files were read in one go or the call was interrupted and run again, and
    whatever the number of files. Called by :func:`ingest_files` when every file is done (a
    call that fails or is killed leaves its mark, and the call that completes the ingest
    settles all the accounts since), and by ``detect --db`` without files; cheap when nothing
    is pending. Cost: one pass over the posts of the call's accounts when their order changes.
    """
    mark = store.scalar("SELECT value FROM meta WHERE key = ?", [_AID_MARK])
    if mark is None:
        return
    base = int(mark)
    with store.transaction():
        store.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE aid_map AS
            SELECT aid AS old, {base} + row_number() OVER (ORDER BY platform, account_id) AS new
            FROM account_index WHERE aid > {base};
            DELETE FROM aid_map WHERE old = new;
            """
        )
        if store.scalar("SELECT count(*) FROM aid_map"):
            store.execute(
                """
                UPDATE account_index SET aid = m.new FROM aid_map m WHERE account_index.aid = m.old;
                UPDATE posts SET aid = m.new FROM aid_map m WHERE posts.aid = m.old;
                UPDATE accounts SET aid = m.new FROM aid_map m WHERE accounts.aid = m.old;
                """
            )
        store.execute("DROP TABLE aid_map; DELETE FROM meta WHERE key = ?", [_AID_MARK])


def _ingest_one(
    store: Store,
    tf: TabularFile,
    path: str,
    f: Format,
    mapping: dict[str, Source],
    acc_mapping: dict[str, Source] | None,
    as_json: bool,
    platform: str | None,
    strict: bool,
    reporter: Reporter,
    sha: str,
    latest: int,
    by_group: bool = False,
) -> tuple[SourceInfo, int, int]:
    """One file, inside the caller's transaction: stage, merge, count."""
    _create_stage(store)
    sid = store.add_source(str(Path(path)), f.name, f.kind, sha, tf.size)
    if as_json:
        assert isinstance(f, JsonFormat)
        seen = _read_json(store, tf, sid, path, f, platform, strict, reporter, latest)
    else:
        seen = _read_file(store, tf, sid, path, f, mapping, acc_mapping, strict, reporter,
                          latest, by_group)
    _count_conversions(store, sid)
    with reporter.task("Merging into the store", total=None):
        n_posts, n_acc = _merge(store, strict)
    store.execute("DROP TABLE IF EXISTS stage_posts; DROP TABLE IF EXISTS stage_accounts")
    info = store.finish_source(sid, seen)
    if as_json:
        # Several records of a JSON file can share a line (a response page): count records.
        store.execute(
            """
            UPDATE sources SET rows_rejected = (
              SELECT count(DISTINCT (line, record)) FROM rejects
              WHERE source_id = $1 AND record_kind <> 'derived-account')
            WHERE source_id = $1
            """,
            [sid],
        )
        store.execute("UPDATE sources SET rows_loaded = rows_read - rows_rejected "
                      "WHERE source_id = ?", [sid])
        info = store.source(sid)
    return info, n_posts, n_acc


def _count_conversions(store: Store, sid: int) -> None:
    """Per field, how many of the file's staged values were converted (:mod:`.convert`)."""
    store.execute(
        f"""
        INSERT INTO conversions
        SELECT {sid}, kind, split_part(c, '\t', 1),
               CASE split_part(c, '\t', 2) WHEN 'ms' THEN 'epoch milliseconds'
                    WHEN 'us' THEN 'epoch microseconds' WHEN 'ns' THEN 'epoch nanoseconds'
                    ELSE split_part(c, '\t', 2) END, count(*)
        FROM (SELECT 'post' AS kind, unnest(_conv) AS c FROM stage_posts
              UNION ALL
              SELECT CASE WHEN derived THEN 'derived-account' ELSE 'account' END,
                     unnest(_conv) FROM stage_accounts) x
        GROUP BY ALL ORDER BY ALL
        """
    )


def _store_failure(store: Store, path: str, exc: duckdb.Error) -> CibwatchError:
    """A DuckDB error while a file was read: the file was rolled back; say why, plainly."""
    text = str(exc)
    where = store.path or "(in memory)"
    if "No space left on device" in text or "disk is full" in text.lower():
        return StoreError(
            f"{path}: not loaded: no space left on the device of the store {where} (the store "
            "is as it was before this file)",
            remedy="freeing disk space (or choosing a --db on another disk) and running the "
            "same command again: the files already loaded are skipped")
    if isinstance(exc, duckdb.OutOfMemoryException):
        return StoreError(
            f"{path}: not loaded: out of memory ({text.splitlines()[0]}); the store is as it "
            "was before this file",
            remedy="closing other programs, or splitting the file, and running again")
    return InputError(
        f"{path}: not loaded: {text.splitlines()[0] if text else type(exc).__name__} (the "
        "store is as it was before this file)",
        remedy="checking the file (and reporting this message if the file looks right)")


def _os_failure(path: str, exc: OSError) -> CibwatchError:
    if exc.errno == errno.ENOSPC:
        return StoreError(f"{path}: not loaded: no space left on the device (the store is as "
                          "it was before this file)",
                          remedy="freeing disk space and running the same command again")
    return InputError(f"{path}: not loaded: {exc.strerror or exc} (the store is as it was "
                      "before this file)", remedy="checking the file and the disk")


def _read_file(
    store: Store,
    tf: TabularFile,
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
    with reporter.task(name, total=tf.size) as task:
        for rb in tf.batches():
            _stage_batch(store, rb, sid, path, f, mapping, acc_mapping, strict, latest)
            seen += rb.records_seen
            task.update(completed=rb.progress)
    return seen


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


def _where(alias: str) -> str:
    """SQL naming ``FILE:LINE`` of the first copy (columns ``f_sid``, ``f_line`` of ``alias``)."""
    return (
        f"(SELECT path || ':' || CAST({alias}.f_line AS VARCHAR) FROM sources "
        f"WHERE source_id = {alias}.f_sid)"
    )


def _merge(store: Store, strict: bool) -> tuple[int, int]:
    """Staged records -> posts, accounts, account_index. Returns (posts, accounts) loaded."""
    # Keys needing care: posts staged more than once, or already in the store.
    store.execute(
        """
        CREATE OR REPLACE TEMP TABLE st_keys AS
        SELECT platform, post_id FROM stage_posts GROUP BY platform, post_id HAVING count(*) > 1
        UNION
        SELECT s.platform, s.post_id FROM stage_posts s
        SEMI JOIN posts p ON p.platform = s.platform AND p.post_id = s.post_id;
        """
    )
    if store.scalar("SELECT count(*) FROM st_keys"):
        _merge_duplicates(store, strict)
    _merge_accounts_stage(store, strict)
    # Dense account ids for every account seen, in a deterministic order (file by file; the
    # accounts new in one ingest call are put in (platform, account_id) order at its end, see
    # settle_accounts).
    base_aid = int(store.scalar("SELECT coalesce(max(aid), 0) FROM account_index"))
    store.execute(
        "INSERT INTO meta SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = ?)",
        [_AID_MARK, str(base_aid), _AID_MARK])
    store.execute(
        f"""
        INSERT INTO account_index
        SELECT {base_aid} + row_number() OVER (ORDER BY platform, account_id), platform, account_id
        FROM (SELECT DISTINCT platform, account_id FROM stage_posts UNION
              SELECT platform, account_id FROM sa_ok UNION
              SELECT platform, account_id FROM sa_derived) n
        WHERE NOT EXISTS (SELECT 1 FROM account_index a WHERE a.platform = n.platform
                          AND a.account_id = n.account_id)
        """
    )
    # pid: unique and deterministic without sorting: the record's line, offset per source.
    base_pid = int(store.scalar("SELECT coalesce(max(pid), 0) FROM posts"))
    n_posts = int(store.scalar("SELECT count(*) FROM stage_posts"))
    store.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE src_offset AS
        SELECT source_id, {base_pid} + coalesce(sum(max_line) OVER (ORDER BY source_id
                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS off
        FROM (SELECT source_id, max(source_rec) AS max_line FROM stage_posts GROUP BY 1);
        INSERT INTO posts
        SELECT o.off + s.source_rec, ai.aid, {", ".join("s." + c for c in POST_COLUMNS)},
               s.source_id, s.source_line
        FROM stage_posts s
        JOIN src_offset o USING (source_id)
        JOIN account_index ai ON ai.platform = s.platform AND ai.account_id = s.account_id;
        """
    )
    n_acc = int(store.scalar("SELECT count(*) FROM sa_ok"))
    store.execute(
        f"""
        DELETE FROM accounts WHERE derived AND EXISTS (
          SELECT 1 FROM sa_ok s WHERE s.platform = accounts.platform
          AND s.account_id = accounts.account_id);
        DELETE FROM accounts WHERE derived AND EXISTS (
          SELECT 1 FROM sa_derived s WHERE s.platform = accounts.platform
          AND s.account_id = accounts.account_id);
        INSERT INTO accounts
        SELECT ai.aid, {", ".join("s." + c for c in ACCOUNT_COLUMNS)}, s.source_id, s.source_line,
               false
        FROM sa_ok s JOIN account_index ai USING (platform, account_id);
        INSERT INTO accounts
        SELECT ai.aid, {", ".join("s." + c for c in ACCOUNT_COLUMNS)}, s.source_id, s.source_line,
               true
        FROM sa_derived s JOIN account_index ai USING (platform, account_id)
        WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.platform = s.platform
                          AND a.account_id = s.account_id AND NOT a.derived);
        DROP TABLE IF EXISTS st_keys; DROP TABLE IF EXISTS src_offset;
        DROP TABLE IF EXISTS sa_ok; DROP TABLE IF EXISTS sa_derived;
        """
    )
    return n_posts, n_acc


def _merge_duplicates(store: Store, strict: bool) -> None:
    """Resolve staged posts whose id repeats: reject copies, merge long-layout rows.

    Leaves ``stage_posts`` with one row per new post (list fields merged where allowed).
    """
    diff_parts = ", ".join(
        f"CASE WHEN d.{c} IS DISTINCT FROM f.{c} THEN '{c}' END" for c in _POST_SCALARS
    )
    # rows of a long layout's post already in the store (from an earlier file of the same
    # kind of layout) are merged into it, as rows of one file are
    long_formats = ", ".join(sql_str(n) for n, fm in FORMATS.items() if fm.merge_rows)
    store.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE st AS
        SELECT s.*, row_number() OVER (PARTITION BY platform, post_id
                                       ORDER BY source_id, source_rec) AS rn
        FROM stage_posts s SEMI JOIN st_keys k USING (platform, post_id);
        CREATE OR REPLACE TEMP TABLE st_dup AS
        SELECT d.platform, d.post_id, d.source_id, d.source_line, d.source_rec, d.merge_rows,
               f.source_id AS f_sid, f.source_line AS f_line,
               list_filter([{diff_parts}], lambda x: x IS NOT NULL) AS diff,
               {_POST_RECORD} AS record
        FROM st d JOIN st f ON f.platform = d.platform AND f.post_id = d.post_id AND f.rn = 1
        WHERE d.rn > 1;
        CREATE OR REPLACE TEMP TABLE st_old AS
        SELECT d.platform, d.post_id, d.source_id, d.source_line, d.source_rec, d.merge_rows,
               p.source_id AS f_sid, p.source_line AS f_line, {_POST_RECORD} AS record,
               list_filter([{diff_parts.replace("f.", "p.")}], lambda x: x IS NOT NULL) AS diff,
               d.merge_rows AND p.source_id IN (SELECT source_id FROM sources
                                                WHERE format IN ({long_formats})) AS long_post
        FROM st d JOIN posts p ON p.platform = d.platform AND p.post_id = d.post_id;
        """
    )
    if strict:
        row = store.fetchone(
            """
            SELECT s.path, x.source_line FROM (
              SELECT source_id, source_line, source_rec FROM st_dup
              WHERE NOT (merge_rows AND len(diff) = 0)
              UNION ALL SELECT source_id, source_line, source_rec FROM st_old
              WHERE NOT (long_post AND len(diff) = 0)) x
            JOIN sources s USING (source_id) ORDER BY x.source_id, x.source_rec LIMIT 1
            """
        )
        if row is not None:
            raise BadRecordError(row[0], int(row[1]), "post_id", "duplicate post id")
    store.execute(
        f"""
        INSERT INTO rejects
        SELECT o.source_id, o.source_line,
               CASE WHEN o.long_post THEN o.diff[1] ELSE 'post_id' END,
               CASE WHEN o.long_post THEN
                 'post ' || o.post_id || ' was first read from ' || {_where('o')}
                 || ' with another ' || o.diff[1] || '; a post holds one value of '
                 || o.diff[1] || ' (this row is kept here, not loaded)'
               ELSE
                 'duplicate post_id ' || o.post_id || ': already in the store from '
                 || {_where('o')} END, o.record, 'post'
        FROM st_old o WHERE NOT (o.long_post AND len(o.diff) = 0);
        INSERT INTO rejects
        SELECT d.source_id, d.source_line,
               CASE WHEN d.merge_rows THEN d.diff[1] ELSE 'post_id' END,
               CASE WHEN d.merge_rows THEN
                 'post ' || d.post_id || ' was first read from ' || {_where('d')}
                 || ' with another ' || d.diff[1] || '; a post holds one value of '
                 || d.diff[1] || ' (this row is kept here, not loaded)'
               ELSE
                 'duplicate post_id ' || d.post_id || ' (first loaded from ' || {_where('d')}
                 || CASE WHEN len(d.diff) = 0 THEN ', identical record)'
                         ELSE ', differs in ' || array_to_string(d.diff, ', ') || ')' END
               END,
               d.record, 'post'
        FROM st_dup d
        WHERE NOT (d.merge_rows AND len(d.diff) = 0)
          AND NOT EXISTS (SELECT 1 FROM st_old o WHERE o.platform = d.platform
                          AND o.post_id = d.post_id);
        """
    )
    lists = {
        c: f"flatten(list({c} ORDER BY source_id, source_rec))" for c in sorted(LIST_FIELDS)
    }
    list_aggs = ", ".join(
        f"list_filter({agg}, lambda x, i: list_position({agg}, x) = i) AS {c}"
        for c, agg in lists.items()
    )
    others = ", ".join(
        f"first({c} ORDER BY source_id, source_rec) AS {c}"
        for c in POST_COLUMNS
        if c not in LIST_FIELDS and c not in ("platform", "post_id")
    )
    lists_sorted = sorted(LIST_FIELDS)
    concat = ", ".join(
        f"list_concat(any_value(p.{c}), flatten(list(s.{c} ORDER BY s.source_id, s.source_rec)))"
        f" AS {c}" for c in lists_sorted)
    sets = ", ".join(f"{c} = list_filter(m.{c}, lambda x, i: list_position(m.{c}, x) = i)"
                     for c in lists_sorted)
    store.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE st_merge AS
        SELECT p.pid, {concat}
        FROM st s JOIN st_old o USING (source_id, source_rec)
        JOIN posts p ON p.platform = s.platform AND p.post_id = s.post_id
        WHERE o.long_post AND len(o.diff) = 0
        GROUP BY p.pid;
        UPDATE posts SET {sets} FROM st_merge m WHERE posts.pid = m.pid;
        DROP TABLE st_merge;
        """
    )
    store.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE st_ok AS
        SELECT platform, post_id, {others}, {list_aggs},
               min(source_id) AS source_id, min(source_line) AS source_line,
               min(source_rec) AS source_rec,
               bool_or(merge_rows) AS merge_rows, []::VARCHAR[] AS _errors
        FROM st s
        WHERE NOT EXISTS (SELECT 1 FROM st_old o WHERE o.platform = s.platform
                          AND o.post_id = s.post_id)
          AND (s.rn = 1 OR EXISTS (SELECT 1 FROM st_dup d WHERE d.source_id = s.source_id
                 AND d.source_rec = s.source_rec AND d.merge_rows AND len(d.diff) = 0))
        GROUP BY platform, post_id;
        DELETE FROM stage_posts WHERE EXISTS (SELECT 1 FROM st_keys k
          WHERE k.platform = stage_posts.platform AND k.post_id = stage_posts.post_id);
        INSERT INTO stage_posts BY NAME SELECT * FROM st_ok;
        DROP TABLE st; DROP TABLE st_dup; DROP TABLE st_old; DROP TABLE st_ok;
        """
    )


def _merge_accounts_stage(store: Store, strict: bool) -> None:
    """Explicit account rows (first wins; later copies rejected) and derived ones (latest wins)
    -> temp tables ``sa_ok`` and ``sa_derived``."""
    store.execute(
        """
        CREATE OR REPLACE TEMP TABLE sa AS
        SELECT s.* EXCLUDE (_errors), row_number() OVER (PARTITION BY platform, account_id
                                       ORDER BY source_id, source_rec) AS rn
        FROM stage_accounts s WHERE NOT derived;
        """
    )
    acc_dups = """
        SELECT s.source_id, s.source_line, s.source_rec, s.account_id, to_json(s) AS record,
               coalesce(f.source_id, a.source_id) AS f_sid,
               coalesce(f.source_line, a.source_line) AS f_line
        FROM sa s
        LEFT JOIN sa f ON f.platform = s.platform AND f.account_id = s.account_id AND f.rn = 1
                       AND s.rn > 1
        LEFT JOIN accounts a ON a.platform = s.platform AND a.account_id = s.account_id
                             AND NOT a.derived
        WHERE s.rn > 1 OR a.account_id IS NOT NULL
    """
    if strict:
        row = store.fetchone(
            f"SELECT s.path, d.source_line FROM ({acc_dups}) d JOIN sources s USING (source_id) "
            "ORDER BY d.source_id, d.source_rec LIMIT 1"
        )
        if row is not None:
            raise BadRecordError(row[0], int(row[1]), "account_id", "duplicate account")
    derived_aggs = ", ".join(
        f"arg_max({c}, source_id * 1000000000000 + source_rec) FILTER (WHERE {c} IS NOT NULL) "
        f"AS {c}"
        for c in _ACC_FIELDS
    )
    store.execute(
        f"""
        INSERT INTO rejects
        SELECT d.source_id, d.source_line, 'account_id',
               'duplicate account ' || d.account_id || ' (first loaded from ' || {_where('d')}
               || ')', d.record, 'account'
        FROM ({acc_dups}) d;
        CREATE OR REPLACE TEMP TABLE sa_ok AS
        SELECT * EXCLUDE (rn) FROM sa s WHERE rn = 1
          AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.platform = s.platform
                          AND a.account_id = s.account_id AND NOT a.derived);
        CREATE OR REPLACE TEMP TABLE sa_derived AS
        SELECT platform, account_id, {derived_aggs},
               arg_max(source_id, source_id * 1000000000000 + source_rec) AS source_id,
               arg_max(source_line, source_id * 1000000000000 + source_rec) AS source_line
        FROM stage_accounts WHERE derived GROUP BY platform, account_id;
        DROP TABLE sa;
        """
    )
