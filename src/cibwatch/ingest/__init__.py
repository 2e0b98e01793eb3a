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

The modules, by concern: :mod:`.files` (reading one file into the stage), :mod:`.staging`
(the stage tables and the converter), :mod:`.rejects` (bad records written aside),
:mod:`.merge` (the stage into the store; :func:`settle_accounts`). This package face holds
the one entry point, :func:`ingest_files`, and its report.
"""

from __future__ import annotations

import dataclasses
import errno
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ..errors import CibwatchError, FormatError, InputError, StoreError
from ..escape import terminal
from ..model import latest_time_us
from ..progress import Reporter, SilentReporter
from ..store import SourceInfo, Store, file_sha256
from .base import Format
from .convert import Source
from .coortweet import COORTWEET, OBJECT_FIELDS
from .detect import FORMATS, detect_format, get_format
from .files import _read_file, _read_json
from .jsonformat import JsonFormat
from .merge import _AID_MARK as _AID_MARK  # noqa: F401  (re-exported: the meta key)
from .merge import _merge, settle_accounts
from .readers import DEFAULT_BATCH_ROWS, ArrowFile, TabularFile, open_tabular
from .staging import _check_columns, _count_conversions, _create_stage

__all__ = ["ingest_files", "IngestReport", "FORMATS", "detect_format", "OBJECT_FIELDS",
           "settle_accounts"]


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
    engine: Any = None,
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
    engine:
        None (the store reads the files), or a :class:`cibwatch.engine.spark.SparkEngine`:
        then each path that is Parquet (a file, or a directory of part files) or a URL of a
        file system Spark reads (``hdfs://``, ``s3a://``, ...) is read by Spark, one file at
        a time (:meth:`~cibwatch.engine.spark.SparkEngine.input_files`); each of its files is
        a source of its own, converted, checked and merged in the store exactly as a file
        the store reads (the same rows, rejects and conversions). Other files (CSV, JSON)
        are read by the store.

    Raises
    ------
    CibwatchError
        A file cannot be read at all, ``strict`` met a bad record, or the store cannot be
        written (a full disk): that file is rolled back, the ones before it stay committed.
    """
    reporter = reporter or SilentReporter()
    report = IngestReport()
    latest = latest_time_us() if latest_us is None else latest_us
    for path, tf in _opened(paths, engine, batch_rows, reporter):
        f = detect_format(tf.header, path) if fmt == "auto" else get_format(fmt)
        if f.name == COORTWEET.name and object_as != "reshare":
            f = dataclasses.replace(f, object_as=object_as)  # type: ignore[call-arg]
        header = set(tf.header)
        as_json = isinstance(f, JsonFormat) and tf.container in ("jsonl", "json")
        mapping: dict[str, Source] = {}
        acc_mapping = None
        if isinstance(f, JsonFormat) and not as_json and not f.tabular:
            raise FormatError(
                f"{path}: the {f.name} layout is JSON, and this file is "
                f"{'PARQUET' if isinstance(tf, ArrowFile) else tf.container.upper()}",
                remedy="passing the JSON export, or choosing another --format",
            )
        if not as_json:
            mapping = f.mapping(header, platform)
            _check_columns(mapping, header, path, f)
            acc_mapping = f.account_mapping(header, platform) if f.kind == "posts" else None
            if acc_mapping is not None:
                _check_columns(acc_mapping, header, path, f)
        sha = tf.sha256 if isinstance(tf, ArrowFile) else file_sha256(path)
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


def _for_engine(path: str) -> bool:
    """Whether an engine (Spark) reads ``path``: a URL, a directory or a Parquet file; the
    store reads the rest (CSV, JSON, compressed files) and says what is wrong with a path
    that cannot be read."""
    if "://" in path:
        return True
    p = Path(path)
    try:
        if p.is_dir():
            return True
        with open(p, "rb") as fh:
            return fh.read(4) == b"PAR1"
    except OSError:
        return False


def _opened(paths: Sequence[str | os.PathLike[str]], engine: Any, batch_rows: int,
            reporter: Reporter) -> Iterator[tuple[str, TabularFile | ArrowFile]]:
    """The input files and their names, opened one after the other: by the store's readers,
    or, for the paths an engine reads (:func:`_for_engine`), each Parquet file of each as the
    engine read it."""
    for p in paths:
        if engine is None and "://" in str(p):
            raise InputError(f"{p}: a URL, which only the Spark engine reads",
                             remedy="adding --engine spark, or copying the file to a local "
                             "path")
        if engine is None or not _for_engine(str(p)):
            yield str(p), open_tabular(str(p), batch_rows)
        else:
            for af in engine.input_files(str(p), reporter):
                yield af.path, af


def _ingest_one(
    store: Store,
    tf: TabularFile | ArrowFile,
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
    sid = store.add_source(path if "://" in path else str(Path(path)), f.name, f.kind, sha,
                           tf.size)
    if as_json:
        assert isinstance(f, JsonFormat) and isinstance(tf, TabularFile)
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
