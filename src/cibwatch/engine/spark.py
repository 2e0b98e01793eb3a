"""The Apache Spark engine: the co-action stage (window join, pairs, significance, fused edges)
and the group-evidence search run by Spark SQL on Parquet tables in a warehouse directory.

What runs where (docs/ARCHITECTURE.md, "Engines"):

- Parquet input (files, directories of part files, URLs Spark reads) is read by Spark one
  file at a time (:meth:`SparkEngine.input_files`) and converted and merged in the
  investigation store (DuckDB) as the store's own reader would; the traces' preparation (text
  normalisation, MinHash) and the extraction of ``actions`` run on the store.
- :meth:`SparkEngine.open` writes ``actions`` and the accounts' platforms (``account_index``)
  to the warehouse as Parquet; from there on, every statement of the co-action stage
  (:func:`cibwatch.stage.coaction_tables`) runs on Spark through :class:`SparkBackend`:
  the same stage SQL as on DuckDB, with only :mod:`cibwatch.engine.dialect` writing the Spark
  forms. The Poisson tails run distributed (``mapInArrow``, the same numpy function as on
  DuckDB).
- The stage tables Spark made are read back into the store (:meth:`SparkEngine.bring_back`),
  where the pair-level communities run.
- The group-evidence search (:func:`cibwatch.groups.build_items`,
  :func:`cibwatch.groups.find_groups`) opens the engine again with what it reads
  (:func:`cibwatch.groups.search_inputs`: actions, platforms, the posts' languages, the
  near-duplicate clusters): the items, both folds' weak graphs (the projection's join), label
  propagation above the driver limit, the group tests' counts and the membership rounds'
  counts run on Spark; a weak graph within the limit is read to the driver for Leiden. Its
  tables come back to the store, where the group links, attachment, assessment and the
  outputs run unchanged: a
  Spark run and a DuckDB run of the same input give the same files (``tests/test_spark.py``).

Hot keys: the same bound as on DuckDB (``max_neighbours``, :mod:`cibwatch.coaction`) applies
before the join's shuffle, so pair volume stays linear. The bucket join's equality key is
(key, time bucket, rank bucket): a hot key's actions are spread over its rank buckets, which
salts the join. What stays skewed is the numbering of a key's actions (``ROW_NUMBER`` over
``PARTITION BY key``): all actions of one key are sorted by one task.

Every stage table is a Parquet directory ``WAREHOUSE/<table>``, registered as a temporary view
of the same name; a table replaced by a SELECT that reads it is written beside it first
(``<table>.next``) and then moved in place. The warehouse must be a local (or mounted) path.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from ..errors import CibwatchError
from ..progress import Reporter, SilentReporter
from . import dialect, tables

if TYPE_CHECKING:
    from ..ingest.readers import ArrowFile
    from ..store import Store

__all__ = ["SparkBackend", "SparkEngine", "spark_session", "SparkUnavailable"]

#: Statements are run with Spark's non-ANSI semantics, as DuckDB's (division by zero is NULL).
SESSION_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.ansi.enabled": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.driver.memory": "4g",
}

#: Shuffle partitions in local mode, per core: enough for the two-level aggregation of pairs,
#: few enough that a small input does not pay for 200 empty tasks.
LOCAL_PARTITIONS_PER_CORE = 2

#: Seconds between two reads of Spark's job status for the progress display.
PROGRESS_POLL_S = 0.5


#: Spark Connect's port when a ``sc://`` URL names none.
CONNECT_DEFAULT_PORT = 15002

#: Seconds to wait for a Spark Connect server to accept a connection before giving up (the
#: Connect client itself retries an unreachable server for many minutes without a word).
CONNECT_TIMEOUT_S = 10.0


class SparkUnavailable(CibwatchError):
    """PySpark (or the Java it runs on) is missing, or the Spark master cannot be reached."""


def _connect_address(url: str) -> tuple[str, int]:
    """The host and port of a Spark Connect URL ``sc://host[:port][/;param=value...]``."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise SparkUnavailable(f"not a Spark Connect URL: {url!r} ({exc})",
                               parameters=("spark_master",),
                               remedy="a URL such as sc://host:15002") from exc
    if not host:
        raise SparkUnavailable(f"not a Spark Connect URL: {url!r} (no host)",
                               parameters=("spark_master",),
                               remedy="a URL such as sc://host:15002")
    return host, port or CONNECT_DEFAULT_PORT


def _check_reachable(url: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Raise :class:`SparkUnavailable` unless the Connect server of ``url`` accepts a TCP
    connection within ``timeout`` seconds."""
    import socket

    host, port = _connect_address(url)
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        raise SparkUnavailable(
            f"no Spark Connect server answers at {host}:{port} ({url}): {exc}",
            parameters=("spark_master",),
            remedy="starting the server (sbin/start-connect-server.sh) or correcting "
                   "the URL") from exc


def _local_cores(master: str) -> int:
    inner = master[len("local["):-1] if master.startswith("local[") else "1"
    if inner in ("*", ""):
        return os.cpu_count() or 1
    try:
        return max(1, int(inner.split(",")[0]))
    except ValueError:
        return os.cpu_count() or 1


def spark_session(master: str | None = None) -> Any:
    """A Spark session: ``master`` a Spark master URL (``local[*]`` by default, ``spark://``,
    ``yarn``, ...) or a Spark Connect URL (``sc://host:port``)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:  # pragma: no cover - pyspark is a dependency
        raise SparkUnavailable("the Spark engine needs PySpark",
                               remedy="pip install 'pyspark>=4.0,<4.1'") from exc
    master = master or "local[*]"
    if master.startswith("sc://"):
        _check_reachable(master)
        builder = SparkSession.builder.remote(master)
    else:
        builder = SparkSession.builder.master(master).appName("cibwatch")
        if master.startswith("local"):
            builder = builder.config("spark.sql.shuffle.partitions",
                                     str(LOCAL_PARTITIONS_PER_CORE * _local_cores(master)))
        for k, v in SESSION_CONF.items():
            builder = builder.config(k, v)
        # the Python workers run the Poisson tails: in local mode, the interpreter cibwatch
        # runs in (the one on PATH may not have it), unless the user chose one; PySpark reads
        # the variable when the context starts
        if master.startswith("local") and not os.environ.get("PYSPARK_PYTHON"):
            os.environ["PYSPARK_PYTHON"] = sys.executable
    try:
        session = builder.getOrCreate()
    except Exception as exc:
        raise SparkUnavailable(f"cannot start Spark ({master}): {exc}",
                               remedy="checking that Java 17 is installed (java -version) "
                                      "or that the Spark master URL is right") from exc
    if not master.startswith("sc://"):
        session.sparkContext.setLogLevel("ERROR")
    else:  # a Connect server has its own defaults: ask for the ones the SQL relies on
        for k in ("spark.sql.session.timeZone", "spark.sql.ansi.enabled"):
            session.conf.set(k, SESSION_CONF[k])
    return session


def _local_dir(path: str | os.PathLike[str]) -> Path:
    text = os.fspath(path)
    if "://" in text and not text.startswith("file://"):
        raise CibwatchError(f"the warehouse {text} is not a local path",
                            parameters=("warehouse",),
                            remedy="giving a local or mounted directory as the warehouse")
    return Path(text.removeprefix("file://"))


class SparkBackend:
    """:class:`cibwatch.engine.Backend` over a Spark session and a warehouse directory.

    Every statement is Spark SQL: the stages write it with ``dialect = "spark"``.
    """

    dialect = "spark"

    def __init__(self, session: Any, warehouse: str | os.PathLike[str],
                 reporter: Reporter | None = None, record: list[str] | None = None) -> None:
        self.spark = session
        self.warehouse = _local_dir(warehouse)
        self.warehouse.mkdir(parents=True, exist_ok=True)
        self.reporter = reporter or SilentReporter()
        self.record = record
        self._functions()

    def _functions(self) -> None:
        """The SQL functions the dialect's Spark forms call (:func:`dialect.log10`)."""
        import math

        from pyspark.sql.types import DoubleType

        def log10(x: float | None) -> float | None:
            return None if x is None or x <= 0 else math.log10(x)

        self.spark.udf.register(dialect.SPARK_LOG10, log10, DoubleType())

    # -- statements -------------------------------------------------------------------------
    def _note(self, verb: str, name: str, sql: str = "") -> None:
        """Record a stage's request as :class:`cibwatch.engine.DuckDBBackend` does."""
        if self.record is not None:
            self.record.append(f"{verb} {name}: {sql}")

    def _sql(self, sql: str) -> Any:
        return self.spark.sql(sql)

    def path(self, name: str) -> Path:
        """The Parquet directory of the table ``name``."""
        return self.warehouse / name

    def _view(self, name: str, path: Path, schema: Any = None) -> None:
        """Register the Parquet table at ``path`` as the view ``name``; with ``schema`` (the
        Spark schema it was written with), without reading its files' footers again."""
        reader = self.spark.read if schema is None else self.spark.read.schema(schema)
        reader.parquet(str(path)).createOrReplaceTempView(name)

    def _write(self, df: Any, path: Path, mode: str = "overwrite") -> None:
        table = path.name.removesuffix(".next").removeprefix("_scratch_")
        with self._progress(f"Spark: {table}"):
            df.write.mode(mode).parquet(str(path))

    def _check(self, name: str, df: Any) -> None:
        """Refuse ``df`` as the table ``name`` unless it has the declared columns: from its
        schema, before anything is written (reading the written files back for their schema
        was a Spark job per statement)."""
        if not tables.declared(name):
            return
        from pyspark.sql.pandas.types import to_arrow_schema

        tables.check_schema(name, to_arrow_schema(df.schema))

    def _put(self, name: str, df: Any) -> None:
        """Write ``df`` as the table ``name`` (replacing it), checked, and register it."""
        final = self.path(name)
        nxt = final.with_name(final.name + ".next")
        shutil.rmtree(nxt, ignore_errors=True)
        self._check(name, df)
        self._write(df, nxt)
        shutil.rmtree(final, ignore_errors=True)
        nxt.rename(final)
        self._view(name, final, df.schema)

    def materialise(self, name: str, select: str) -> None:
        self._note("materialise", name, select)
        self._put(name, self._sql(select))

    def replace(self, name: str, select: str) -> None:
        self._note("replace", name, select)
        self._put(name, self._sql(select))

    def create(self, name: str) -> None:
        self._note("create", name)
        self._put(name, self._frame(tables.STAGE_TABLES[name].empty_table()))

    def append(self, name: str, select: str) -> None:
        """As SQL's ``INSERT INTO name SELECT``: the rows cast to the table's declared
        columns by position."""
        self._note("append", name, select)
        path = self.path(name)
        df = self._sql(select)
        if tables.declared(name):
            from pyspark.sql.functions import col
            from pyspark.sql.pandas.types import from_arrow_type

            want = tables.STAGE_TABLES[name]
            if len(df.columns) != len(want):  # as DuckDB's INSERT refuses it, before writing
                raise tables.StageSchemaError(
                    f"internal error: the stage table {name!r} has {len(want)} columns "
                    f"({', '.join(want.names)}); the rows appended to it have "
                    f"{len(df.columns)} ({', '.join(df.columns)})")
            df = df.select([col(f"`{c}`").cast(from_arrow_type(f.type)).alias(f.name)
                            for c, f in zip(df.columns, want, strict=True)])
        self._check(name, df)
        self._write(df, path, mode="append")
        self._view(name, path, df.schema)

    def write_arrow(self, name: str, table: pa.Table) -> None:
        self._note("replace", name, f"SELECT * FROM {name}__arrow")
        self._put(name, self._frame(table))

    def _frame(self, table: pa.Table) -> Any:
        from pyspark.sql.pandas.types import from_arrow_schema

        if table.num_rows == 0:
            return self.spark.createDataFrame([], schema=from_arrow_schema(table.schema))
        return self.spark.createDataFrame(table)

    def arrow(self, sql: str) -> pa.Table:
        self._note("arrow", "", sql)
        query = sql if " " in sql.strip() else f"SELECT * FROM {sql}"
        return self._sql(query).toArrow()

    @contextmanager
    def register(self, name: str, table: pa.Table) -> Iterator[str]:
        self._frame(table).createOrReplaceTempView(name)
        try:
            yield name
        finally:
            self.spark.catalog.dropTempView(name)

    def columns(self, select: str) -> list[str]:
        return list(self._sql(f"SELECT * FROM ({select}) AS c LIMIT 0").columns)

    def scalar(self, sql: str) -> Any:
        self._note("scalar", "", sql)
        rows = self._sql(sql).collect()
        return rows[0][0] if rows else None

    def scratch(self, name: str, select: str) -> None:
        self._note("scratch", name, select)
        self._put(f"_scratch_{name}", self._sql(select))
        self._alias(name, f"_scratch_{name}")

    def _alias(self, name: str, table: str) -> None:
        self.spark.table(table).createOrReplaceTempView(name)

    def has_table(self, name: str) -> bool:
        return bool(self.spark.catalog.tableExists(name))

    def drop(self, name: str) -> None:
        self.spark.catalog.dropTempView(name)
        for d in (self.path(name), self.path(f"_scratch_{name}")):
            shutil.rmtree(d, ignore_errors=True)

    def map_batches(self, name: str, select: str, fn: Callable[[pa.RecordBatch], pa.RecordBatch],
                    schema: pa.Schema) -> None:
        """The scratch table ``name``: ``fn`` applied to every Arrow batch of ``select``,
        on the executors (``mapInArrow``)."""
        self._note("map", name, select)
        from pyspark.sql.pandas.types import from_arrow_schema

        def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
            for b in batches:
                if b.num_rows:
                    yield fn(b)

        df = self._sql(select).mapInArrow(run, from_arrow_schema(schema))
        self._put(f"_scratch_{name}", df)
        self._alias(name, f"_scratch_{name}")

    # -- progress ---------------------------------------------------------------------------
    def _progress(self, description: str) -> AbstractContextManager[None]:
        return _progress(self.spark, self.reporter, description)


@contextmanager
def _progress(session: Any, reporter: Reporter, description: str) -> Iterator[None]:
    """Tasks done / tasks of the running Spark stages while the block runs: read from
    Spark's status tracker (classic sessions), or told by the server (Spark Connect, which
    has no tracker: a progress handler of the session)."""
    if isinstance(reporter, SilentReporter):
        yield
        return
    sc = getattr(session, "sparkContext", None)
    try:
        tracker = sc.statusTracker() if sc is not None else None
    except Exception:  # Spark Connect: no SparkContext
        tracker = None
    with reporter.task(description, total=None) as task:
        if tracker is not None:
            with _polled(tracker, task):
                yield
        elif hasattr(session, "registerProgressHandler"):
            with _told(session, task):
                yield
        else:  # pragma: no cover - neither (a Spark older than 4.0)
            yield


#: The loggers that print a failed task's Java stack (a damaged input file) to the console.
_TASK_FAILURE_LOGGERS = ("org.apache.spark.executor.Executor",
                         "org.apache.spark.scheduler.TaskSetManager")


@contextmanager
def _task_failures_unlogged(session: Any) -> Iterator[None]:
    """While the block runs, Spark does not log failed tasks (:data:`_TASK_FAILURE_LOGGERS`):
    a damaged input file is reported once, by the error that names the file and the root
    cause (:meth:`SparkEngine.input_files`), not first as pages of Java stack. On a classic
    session (log4j in this process's JVM); a Connect server logs on its side."""
    try:
        jvm = session.sparkContext._jvm
        log4j = jvm.org.apache.logging.log4j
        configurator = log4j.core.config.Configurator
        before = [log4j.LogManager.getLogger(n).getLevel() for n in _TASK_FAILURE_LOGGERS]
    except Exception:  # Spark Connect (no SparkContext), or no log4j 2
        yield
        return
    for n in _TASK_FAILURE_LOGGERS:
        configurator.setLevel(n, log4j.Level.OFF)
    try:
        yield
    finally:
        for n, level in zip(_TASK_FAILURE_LOGGERS, before, strict=True):
            configurator.setLevel(n, level)


@contextmanager
def _polled(tracker: Any, task: Any) -> Iterator[None]:
    """``task`` kept at the tasks done / tasks of the active stages of ``tracker``, read
    every :data:`PROGRESS_POLL_S` seconds by a thread while the block runs."""
    done = threading.Event()

    def poll() -> None:
        while not done.wait(PROGRESS_POLL_S):
            total = finished = 0
            for sid in tracker.getActiveStageIds():
                info = tracker.getStageInfo(sid)
                if info is not None:
                    total += info.numTasks
                    finished += info.numCompletedTasks
            if total:
                task.update(completed=finished, total=total)

    t = threading.Thread(target=poll, daemon=True)
    t.start()
    try:
        yield
    finally:
        done.set()
        t.join()


@contextmanager
def _told(session: Any, task: Any) -> Iterator[None]:
    """``task`` kept at the tasks done / tasks of the stages a Spark Connect server reports
    for the block's operations (``SparkSession.registerProgressHandler``)."""
    def handler(stages: Any, inflight_tasks: int, operation_id: str | None,
                done: bool) -> None:
        stages = list(stages or ())
        total = sum(st.num_tasks for st in stages)
        if total:
            task.update(completed=sum(st.num_completed_tasks for st in stages), total=total)

    session.registerProgressHandler(handler)
    try:
        yield
    finally:
        session.removeProgressHandler(handler)


#: What the co-action stage reads from the store: its actions, and each account's platform.
STAGE_INPUTS: dict[str, str] = {"actions": "SELECT * FROM actions",
                                "account_index": "SELECT aid, platform FROM account_index"}


def _first_line(exc: BaseException) -> str:
    """The first line of a (Java) exception's message, without Spark's error class prefix
    noise."""
    java = getattr(exc, "java_exception", None)  # an error PySpark did not translate:
    while java is not None and java.getCause() is not None:  # its root cause says why
        java = java.getCause()
    text = str(java.getMessage() if java is not None else getattr(exc, "desc", None) or exc)
    text = text.strip()
    return text.splitlines()[0] if text else type(exc).__name__


#: What :func:`_file_digests` gives for a file (a Spark DDL schema).
_DIGESTS = "length BIGINT, sha256 STRING, magic BINARY"


def _file_digests(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """For Spark's ``binaryFile`` rows (``length``, ``content``), on the executor that read
    the file: its length, the SHA-256 of its bytes (as :func:`cibwatch.store.file_sha256`
    takes it) and its first four bytes, so that only these come to the driver."""
    import hashlib

    for batch in batches:
        contents = batch.column("content")
        digests, magics = [], []
        for i in range(batch.num_rows):
            buf = contents[i].as_buffer()
            data = memoryview(buf) if buf is not None else memoryview(b"")
            digests.append(hashlib.sha256(data).hexdigest())
            magics.append(bytes(data[:4]))
        yield pa.RecordBatch.from_arrays(
            [batch.column("length"), pa.array(digests, pa.string()),
             pa.array(magics, pa.binary())], names=["length", "sha256", "magic"])


#: The directory name Hive and Spark give a partition whose value is NULL.
_NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"


def _partition_columns(root: str, url: str) -> list[tuple[str, str | None]]:
    """The partition columns of the file ``url`` listed under ``root`` (a local path or a
    URL): each ``name=value`` directory between the two, in order, with Hive's escapes
    (``%3D``...) undone and ``__HIVE_DEFAULT_PARTITION__`` as NULL. A file given as ``root``
    itself, or a directory without ``=``, gives none."""
    from urllib.parse import unquote, urlparse

    base = (unquote(urlparse(root).path) if "://" in root or root.startswith("file:")
            else os.path.abspath(root)).rstrip("/")
    path = unquote(urlparse(url).path)
    if not path.startswith(base + "/"):
        return []
    out: list[tuple[str, str | None]] = []
    for segment in path[len(base) + 1:].split("/")[:-1]:
        column, eq, value = segment.partition("=")
        if eq and column:
            value = unquote(value)
            out.append((unquote(column), None if value == _NULL_PARTITION else value))
    return out


class SparkEngine:
    """Run the co-action stage of a detection on Spark (see the module docstring).

    Parameters
    ----------
    master:
        Spark master URL or Spark Connect URL (``sc://``); ``local[*]`` by default.
    warehouse:
        Directory of the Parquet stage tables; default: ``<store>.warehouse`` beside the
        store.
    session:
        An existing Spark session to use (tests share one); it is not stopped.
    """

    name = "spark"

    def __init__(self, master: str | None = None, warehouse: str | os.PathLike[str] | None = None,
                 session: Any = None) -> None:
        if session is None and master is not None and master.startswith("sc://"):
            _check_reachable(master)  # before the run's ingest, not after it
        self.master = master
        self.warehouse = warehouse
        self.session = session

    def warehouse_for(self, store: Store) -> Path:
        if self.warehouse is not None:
            return _local_dir(self.warehouse)
        if store.path is None:
            raise CibwatchError("the Spark engine needs a warehouse directory for an "
                                "in-memory store", parameters=("warehouse",),
                                remedy="giving a warehouse directory")
        return store.path.with_name(store.path.name + ".warehouse")

    @contextmanager
    def open(self, store: Store, reporter: Reporter | None = None,
             inputs: dict[str, str] | None = None) -> Iterator[SparkBackend]:
        """A backend whose warehouse holds ``inputs`` (table name -> a SELECT on the store),
        written as Parquet by DuckDB; by default what the co-action stage reads
        (:data:`STAGE_INPUTS`)."""
        session = self.session or spark_session(self.master)
        backend = SparkBackend(session, self.warehouse_for(store), reporter)
        for name, select in (STAGE_INPUTS if inputs is None else inputs).items():
            path = backend.path(name)
            shutil.rmtree(path, ignore_errors=True)
            path.mkdir(parents=True)
            store.execute(f"COPY ({select}) TO '{path / 'part-0.parquet'}' (FORMAT parquet)")
            backend._view(name, path)
        yield backend

    def input_files(self, path: str, reporter: Reporter | None = None) -> Iterator[ArrowFile]:
        """Each Parquet file of ``path`` (a file, or a directory of part files, on any file
        system Spark reads: ``hdfs://``, ``s3a://``, ``gs://``, ``file://`` or a local path),
        read by Spark one at a time, in name order: its address (a local path for
        ``file:``), size, the SHA-256 of its bytes, and its rows as Arrow with each row's
        number in the file (:data:`cibwatch.ingest.readers.ROW_INDEX`, from Spark's
        ``_metadata.row_index``). Only one file's rows are on the driver at a time. The
        ``name=value`` directories between ``path`` and a file (a partitioned data set, as
        Spark's ``partitionBy`` writes it) become string columns of its rows
        (:func:`_partition_columns`); a column the file has itself keeps the file's values.
        ``reporter`` shows Spark's progress while a file is read."""
        from urllib.parse import unquote, urlparse

        from ..errors import InputError
        from ..ingest.readers import ROW_INDEX, ArrowFile

        session = self.session or spark_session(self.master)
        try:  # listed as files (their footers are read one file at a time, below)
            files = sorted(r["path"] for r in session.read.format("binaryFile")
                           .option("recursiveFileLookup", "true").load(path)
                           .select("path").collect())
        except Exception as exc:  # Spark's AnalysisException (a path not found)
            raise InputError(f"{path}: Spark cannot read it: {_first_line(exc)}",
                             remedy="checking the path (a Parquet file or a directory of "
                             "them, on a file system Spark reads)") from exc
        if not files:
            raise InputError(f"{path}: no files in it", remedy="checking the path")
        told: set[str] = set()
        for url in files:
            parts = urlparse(url)
            name = unquote(parts.path) if parts.scheme == "file" else url
            try:
                with _progress(session, reporter or SilentReporter(),
                               f"Spark: reading {Path(name).name}"), _task_failures_unlogged(
                                   session):
                    blob = session.read.format("binaryFile").load(url).select(
                        "length", "content").mapInArrow(_file_digests, _DIGESTS).collect()[0]
                    if bytes(blob["magic"]) != b"PAR1":
                        raise InputError(f"{name}: not a Parquet file (the files before it "
                                         "are loaded)", remedy="passing only Parquet files, "
                                         "or CSV and JSON files as local paths")
                    table = session.read.parquet(url).selectExpr(
                        "*", f"_metadata.row_index AS {ROW_INDEX}").toArrow()
            except InputError:
                raise
            except Exception as exc:
                raise InputError(f"{name}: not loaded: Spark cannot read it: "
                                 f"{_first_line(exc)} (the files before it are loaded)",
                                 remedy="getting an intact copy of the file") from exc
            for column, value in _partition_columns(path, url):
                if column in table.column_names:
                    if column not in told and reporter is not None:
                        told.add(column)
                        reporter.log(f"{name}: the column {column} is in the file and in its "
                                     "directory's name: the file's values are kept")
                    continue
                table = table.append_column(column, pa.repeat(
                    pa.scalar(value, pa.string()), table.num_rows))
            yield ArrowFile(name, int(blob["length"]), str(blob["sha256"]), table)

    @staticmethod
    def bring_back(store: Store, backend: SparkBackend, names: tuple[str, ...]) -> None:
        """Read the stage tables ``names`` from the warehouse into the store (checked against
        their declarations by the store's writer)."""
        from .backend import DuckDBBackend

        duck = DuckDBBackend(store)
        for name in names:
            if not backend.path(name).exists():
                continue
            glob = backend.path(name) / "*.parquet"
            store.execute(f"DROP TABLE IF EXISTS {name}")
            duck.materialise(name, f"SELECT * FROM read_parquet('{glob}')")
