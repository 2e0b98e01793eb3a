"""The Spark engine (:mod:`cibwatch.engine.spark`) gives the same results as DuckDB.

Parity: the same input detected with ``engine="duckdb"`` and ``engine="spark"`` (PySpark in
local mode, on the machine's Java) must give byte-identical ``edges.parquet``,
``networks.csv`` and ``accounts.csv``, on real data (the bundled IRA and CooRTweet files) and
on a simulated world with the peers' options (self-loops, the participation filter, no
significance test). Also checked: the Spark statements are the DuckDB statements with only
the dialect module's forms differing, and the engine's settings are validated.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from cibwatch import DetectConfig, Store, ingest_files
from cibwatch.api import (
    DetectOptions,
    DetectRequest,
    EngineOptions,
    Inputs,
    engine_for,
    run_detection,
)
from cibwatch.errors import ConfigError, ParameterError
from cibwatch.pipeline import COACTION_OUTPUTS, coaction_tables

pytest.importorskip("pyspark")
if shutil.which("java") is None:  # pragma: no cover - Java 17 is on the CI machine
    pytest.skip("the Spark engine needs Java", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo" / "data"
PARITY_FILES = ("edges.parquet", "networks.csv", "accounts.csv")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def spark() -> Any:
    """One local Spark session for the module (two cores: the CI machine's)."""
    from cibwatch.engine.spark import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()


def _both(tmp: Path, inputs: Inputs, options: DetectOptions) -> dict[str, Path]:
    outs = {}
    for engine in ("duckdb", "spark"):
        out = tmp / engine
        run_detection(DetectRequest(out=out, inputs=inputs, options=options, pictures=0,
                                    engine=EngineOptions(engine)))
        outs[engine] = out
    return outs


def _assert_same_files(outs: dict[str, Path]) -> None:
    for name in PARITY_FILES:
        a = (outs["duckdb"] / name).read_bytes()
        b = (outs["spark"] / name).read_bytes()
        assert a == b, f"{name} differs between the DuckDB and the Spark engine"


def test_spark_gives_the_same_files_on_real_data(spark: Any, tmp_path: Path) -> None:
    files = sorted(p for p in DEMO.glob("*") if p.is_file())
    outs = _both(tmp_path, Inputs(files), DetectOptions())
    _assert_same_files(outs)
    # the run found networks (an empty result would be equal too)
    assert len((outs["spark"] / "networks.csv").read_text().splitlines()) > 10
    warehouse = tmp_path / "spark" / "store.duckdb.warehouse"
    assert (warehouse / "edges").is_dir()
    # the group-evidence search ran there too, and tested candidates
    assert (warehouse / "items").is_dir() and (warehouse / "group_tests").is_dir()
    assert pq.read_table(warehouse / "group_tests").num_rows > 0


def test_detect_on_spark_reads_urls(spark: Any, tmp_path: Path) -> None:
    """``cibwatch detect URL... --engine spark``: a directory of part files and an accounts
    file given as ``file://`` URLs give the files a DuckDB run of the local files gives;
    without ``--engine spark`` a URL is refused, naming it, and nothing is made."""
    from typer.testing import CliRunner

    from cibwatch.cli import app
    from cibwatch.simulate import simulate

    world = tmp_path / "world"
    simulate(world, seed=8, scale=0.03)
    posts = pq.read_table(world / "posts.parquet")
    lake = tmp_path / "lake"
    lake.mkdir()
    half = posts.num_rows // 2
    pq.write_table(posts.slice(0, half), lake / "part-0.parquet")
    pq.write_table(posts.slice(half), lake / "part-1.parquet")
    runner = CliRunner()
    urls = [f"file://{lake}", "--accounts", f"file://{world / 'accounts.parquet'}"]
    r = runner.invoke(app, ["detect", *urls, "--out", str(tmp_path / "spark"), "--pictures",
                            "0", "--engine", "spark"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["detect", str(lake / "part-0.parquet"), str(lake / "part-1.parquet"),
                            "--accounts", str(world / "accounts.parquet"), "--out",
                            str(tmp_path / "duckdb"), "--pictures", "0"])
    assert r.exit_code == 0, r.output
    _assert_same_files({"duckdb": tmp_path / "duckdb", "spark": tmp_path / "spark"})
    assert len((tmp_path / "spark" / "networks.csv").read_text().splitlines()) > 1
    r = runner.invoke(app, ["detect", *urls, "--out", str(tmp_path / "refused"), "--pictures",
                            "0"])
    assert r.exit_code != 0 and "only the Spark engine reads" in r.output
    assert f"file://{lake}" in r.output and not (tmp_path / "refused" / "networks.csv").exists()


def test_spark_gives_the_same_files_on_a_simulated_world_with_peer_options(
        spark: Any, tmp_path: Path) -> None:
    from cibwatch.simulate import simulate

    world = tmp_path / "world"
    simulate(world, seed=3, scale=0.05)
    inputs = Inputs([world / "posts.parquet", world / "accounts.parquet"])
    outs = _both(tmp_path / "a", inputs, DetectOptions(self_loops=True, min_participation=2))
    _assert_same_files(outs)
    assert len((outs["spark"] / "accounts.csv").read_text().splitlines()) > 3
    outs = _both(tmp_path / "b", inputs, DetectOptions(significance=False))  # no test
    _assert_same_files(outs)
    assert pq.read_metadata(outs["spark"] / "edges.parquet").num_rows > 0


def test_spark_gives_the_same_files_above_the_driver_limit(spark: Any, tmp_path: Path) -> None:
    """With ``--driver-max-links 0`` every community (pair-level, and both folds of the
    group-evidence search) is found by label propagation; on Spark that runs on the engine:
    still the same files, and the operation is still found."""
    import csv

    from cibwatch.simulate import simulate

    world = tmp_path / "world"
    simulate(world, seed=4, scale=0.05)
    inputs = Inputs([world / "posts.parquet", world / "accounts.parquet"])
    outs = _both(tmp_path, inputs, DetectOptions(driver_max_links=0))
    _assert_same_files(outs)
    with open(world / "truth.csv", newline="", encoding="utf-8") as fh:
        ops = {(r["platform"], r["account_id"]) for r in csv.DictReader(fh)
               if r["group"].startswith("op_")}
    with open(outs["spark"] / "accounts.csv", newline="", encoding="utf-8") as fh:
        found = {(r["platform"], r["account_id"]) for r in csv.DictReader(fh)}
    assert len(found & ops) >= 0.5 * len(ops)


def test_expand_on_spark_gives_the_same_files(spark: Any, tmp_path: Path) -> None:
    """``expand --engine spark``: the co-action stage on Spark, the hops on the store; the
    same files as the DuckDB engine from the same seeds (four accounts of an operation)."""
    import csv

    from cibwatch.api import ExpandRequest, run_expansion
    from cibwatch.expand import Seed
    from cibwatch.simulate import simulate

    world = tmp_path / "world"
    simulate(world, seed=5, scale=0.05)
    with open(world / "truth.csv", newline="", encoding="utf-8") as fh:
        op = sorted((r["platform"], r["account_id"]) for r in csv.DictReader(fh)
                    if r["group"].startswith("op_"))[:4]
    seeds = [Seed("account", a, p, "account_id", i) for i, (p, a) in enumerate(op, start=2)]
    inputs = Inputs([world / "posts.parquet", world / "accounts.parquet"])
    outs = {}
    for engine in ("duckdb", "spark"):
        outs[engine] = tmp_path / engine
        res = run_expansion(ExpandRequest(out=outs[engine], seed_list=seeds, inputs=inputs,
                                          pictures=0, engine=EngineOptions(engine)))
    _assert_same_files(outs)
    # not vacuous: the seeds grew, and the stage ran on Spark
    assert sum(res.expansion.per_hop.get(h, 0) for h in range(1, 6)) > 0
    assert (outs["spark"] / "store.duckdb.warehouse" / "edges").is_dir()


#: The words the dialect module's Spark forms use where the DuckDB forms differ
#: (:mod:`cibwatch.engine.dialect`, and the Spark names of the declared types).
_SPARK_WORDS = {"slice", "transform", "array_sort", "collect_list", "named_struct", "x", "v",
                "k", "acc", "aggregate", "collect_set", "percentile", "cibwatch_log10",
                "CAST", "AS", "DOUBLE", "STRING", "ARRAY", "STRUCT", "max_by", "min_by",
                "size", "array_distinct", "BIGINT", "conv", "16", "10",
                "struct", "0", "1"} | {f"k{i}" for i in range(8)}


def _undialected(duck: str, spark: str) -> list[str]:
    """The words of the parts of ``spark`` that differ from ``duck`` which are neither
    words of the dialect's Spark forms nor moved words of ``duck`` (a form may put its
    arguments in another order): what differs beyond the dialect."""
    import difflib

    a, b = re.findall(r"\w+", duck), re.findall(r"\w+", spark)
    extra: list[str] = []
    for op, _i1, _i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op != "equal":
            extra += [w for w in b[j1:j2] if w not in _SPARK_WORDS and w not in a]
    return extra


def test_spark_runs_the_same_statements_but_for_the_dialect(spark: Any, tmp_path: Path) -> None:
    """Record the co-action stage's statements on both engines: the same number, and each
    the same text once the dialect module's forms are set aside."""
    from cibwatch.engine import DuckDBBackend
    from cibwatch.engine.spark import SparkBackend, SparkEngine
    from cibwatch.progress import SilentReporter

    with Store(tmp_path / "s.duckdb") as store:
        ingest_files(store, [DEMO / "russian_coord_tweets.csv.gz"])
        cfg = DetectConfig(self_loops=True, min_participation=2)
        from cibwatch.pipeline import _coactions

        _coactions(store, cfg, SilentReporter())  # the actions, then the stage made again:
        for name in COACTION_OUTPUTS:
            store.execute(f"DROP TABLE IF EXISTS {name}")
        duck: list[str] = []
        coaction_tables(DuckDBBackend(store, record=duck), cfg, SilentReporter())
        with SparkEngine(session=spark).open(store) as remote:
            assert isinstance(remote, SparkBackend)
            remote.record = []
            coaction_tables(remote, cfg, SilentReporter())
            sparks = remote.record
    assert len(sparks) > 30 and len(sparks) == len(duck)
    differ = [(a, b, w) for a, b in zip(duck, sparks, strict=True)
              if (w := _undialected(a, b))]
    assert not differ, differ[:2]
    # and the dialect's forms were among them (the comparison set something aside)
    assert sum(a != b for a, b in zip(duck, sparks, strict=True)) >= 3


def test_the_group_search_runs_the_same_statements_but_for_the_dialect(
        spark: Any, tmp_path: Path) -> None:
    """The group-evidence search (items, weak graphs, tests) on both engines: the same
    statements once the dialect's forms are set aside, and the same tested groups."""
    from cibwatch import groups
    from cibwatch.engine import DuckDBBackend
    from cibwatch.engine.spark import SparkEngine
    from cibwatch.pipeline import _coactions
    from cibwatch.progress import SilentReporter

    with Store(tmp_path / "s.duckdb") as store:
        ingest_files(store, [DEMO / "russian_coord_tweets.csv.gz"])
        _coactions(store, DetectConfig(), SilentReporter())
        params = groups.GroupParams()
        duck: list[str] = []
        local = DuckDBBackend(store, record=duck)
        groups.build_items(local, params)
        a = groups.find_groups(local, params, min_size=5, fdr=0.05, seed=1)
        with SparkEngine(session=spark).open(store, None, groups.search_inputs(store)) as remote:
            remote.record = []
            groups.build_items(remote, params)
            b = groups.find_groups(remote, params, min_size=5, fdr=0.05, seed=1)
            sparks = remote.record
    assert a, "no group passed: the comparison would be vacuous"
    assert [(f["fold"], f["aids"].tolist(), f["p"]) for f in a] == \
        [(f["fold"], f["aids"].tolist(), f["p"]) for f in b]
    assert len(sparks) > 10 and len(sparks) == len(duck)
    differ = [(x, y, w) for x, y in zip(duck, sparks, strict=True) if (w := _undialected(x, y))]
    assert not differ, differ[:2]


def test_a_statement_with_undeclared_columns_writes_nothing(spark: Any, tmp_path: Path) -> None:
    """The Spark backend checks a statement's columns before writing (as DuckDB's does):
    a wrong type or a missing column is refused, and the table is left as it was."""
    from cibwatch.engine.spark import SparkBackend
    from cibwatch.engine.tables import StageSchemaError

    backend = SparkBackend(spark, tmp_path / "wh")
    with pytest.raises(StageSchemaError, match=r"'windows'.*column 'win' is int32 where "
                       r"double is declared"):
        backend.materialise("windows", "SELECT 'url' AS trace, 60 AS win, TRUE AS estimated")
    assert not backend.path("windows").exists() and not list((tmp_path / "wh").iterdir())
    backend.create("windows")
    backend.append("windows", "SELECT 'url', 60, TRUE")
    with pytest.raises(StageSchemaError, match=r"'windows'.*column 2 is 'window'"):
        backend.replace("windows", "SELECT trace, win AS window, estimated FROM windows")
    assert backend.arrow("windows").to_pylist() == [
        {"trace": "url", "win": 60.0, "estimated": True}]  # kept, and still readable
    backend.append("windows", "SELECT 'hashtag', 30, FALSE")
    assert sorted(backend.arrow("windows").column("win").to_pylist()) == [30.0, 60.0]
    with pytest.raises(StageSchemaError, match=r"'windows' has 3 columns .*appended to it "
                       r"have 2"):
        backend.append("windows", "SELECT 'reply', 10")
    assert backend.arrow("windows").num_rows == 2  # nothing written


def test_count_distinct_is_the_same_on_both_engines(spark: Any) -> None:
    """:func:`dialect.count_distinct`: distinct non-null values per group, as a BIGINT."""
    from cibwatch.engine import dialect

    rows = "VALUES ('a', 1), ('a', 1), ('a', 2), ('a', NULL), ('b', NULL), ('c', 3)"
    sql = ("SELECT g, {n} AS n FROM (SELECT * FROM ({rows}) AS t(g, x)) AS s "
           "GROUP BY g ORDER BY g")
    want = [("a", 2), ("b", 0), ("c", 1)]
    got = spark.sql(sql.format(n=dialect.count_distinct("x", "spark"), rows=rows))
    assert [tuple(r) for r in got.collect()] == want
    assert dict(got.dtypes)["n"] == "bigint"
    import duckdb

    duck = duckdb.sql(sql.format(n=dialect.count_distinct("x"), rows=rows))
    assert duck.fetchall() == want and duck.types[1] == "BIGINT"


def test_benjamini_hochberg_is_the_same_on_both_engines(spark: Any, tmp_path: Path) -> None:
    """:func:`cibwatch.significance.bh_sql` (ranks counted per bucket of p, so no window
    spans the whole table on Spark) gives the same q-values and evidence, to the bit, on
    Spark as in DuckDB, with ties and p-values in every bucket."""
    import duckdb
    import numpy as np
    import pyarrow as pa

    from cibwatch.engine.spark import SparkBackend
    from cibwatch.significance import BH_BUCKETS, bh_sql

    rng = np.random.default_rng(3)
    p = np.concatenate([rng.random(300), 10.0 ** -rng.uniform(0, 300, 300),
                        np.array(BH_BUCKETS), np.repeat(rng.random(20) * 1e-4, 4), [0.0, 1.0]])
    t = pa.table({"aid_a": pa.array(rng.integers(0, 50, len(p)), pa.int32()),
                  "aid_b": pa.array(np.arange(len(p)), pa.int32()), "p": pa.array(p)})
    SparkBackend(spark, tmp_path / "wh")  # registers the dialect's functions
    spark.createDataFrame(t).createOrReplaceTempView("pt")
    q = "SELECT * FROM ({}) AS b ORDER BY aid_a, aid_b"
    got = [tuple(r) for r in spark.sql(
        q.format(bh_sql("pt", "aid_a, aid_b", 10**5, 0.01, "spark"))).collect()]
    con = duckdb.connect()
    con.register("pt", t)
    want = con.sql(q.format(bh_sql("pt", "aid_a, aid_b", 10**5, 0.01))).fetchall()
    assert len(want) == len(p) and got == want
    assert 0 < sum(r[-1] for r in want) < len(p)


def test_failed_tasks_are_not_logged_while_a_file_is_read(spark: Any) -> None:
    """While Spark reads an input file, the loggers that print a failed task's Java stack are
    off (the error that names the file says it once); afterwards they are as they were."""
    from cibwatch.engine.spark import _TASK_FAILURE_LOGGERS, _task_failures_unlogged

    log4j = spark.sparkContext._jvm.org.apache.logging.log4j

    def levels() -> list[str]:
        return [str(log4j.LogManager.getLogger(n).getLevel()) for n in _TASK_FAILURE_LOGGERS]

    before = levels()
    assert "OFF" not in before
    with _task_failures_unlogged(spark):
        assert levels() == ["OFF"] * len(_TASK_FAILURE_LOGGERS)
    assert levels() == before


def test_engine_settings_are_checked() -> None:
    with pytest.raises(ParameterError) as e:
        engine_for(EngineOptions("flink"))
    assert e.value.parameters == ("engine",)
    with pytest.raises(ConfigError) as c:
        engine_for(EngineOptions("duckdb", spark_master="local[2]"))
    assert c.value.parameters == ("spark_master", "engine")
    from cibwatch.cli_errors import as_user_error

    shown = str(as_user_error(c.value))
    assert "--spark-master is only used" in shown and "adding --engine spark" in shown
    assert engine_for(EngineOptions()) is None
    assert engine_for(EngineOptions("spark", "local[1]")).master == "local[1]"


def test_label_propagation_is_the_same_on_both_engines(spark: Any, tmp_path: Path) -> None:
    """The distributed community method (:func:`cibwatch.network.label_propagation`) gives
    the same communities on Spark as in the store: integer votes, an integer modularity and
    a hash both engines compute alike."""
    import numpy as np
    import pyarrow as pa

    from cibwatch.engine import DuckDBBackend
    from cibwatch.engine.spark import SparkBackend
    from cibwatch.network import label_propagation

    rng = np.random.default_rng(7)
    a, b = rng.integers(0, 90, 900), rng.integers(0, 90, 900)
    keep = ((a % 3) == (b % 3)) | (rng.random(900) < 0.1)
    lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    pairs = np.unique(np.column_stack([lo, hi]), axis=0)
    edges = pa.table({"aid_a": pa.array(pairs[:, 0], pa.int32()),
                      "aid_b": pa.array(pairs[:, 1], pa.int32()),
                      "weight": rng.random(pairs.shape[0]) + 0.1})
    store = Store(None)
    with store.registered("g", edges):
        duck = label_propagation(DuckDBBackend(store), "g", seed=3, max_rounds=8)
    backend = SparkBackend(spark, tmp_path / "wh")
    with backend.register("g", edges):
        on_spark = label_propagation(backend, "g", seed=3, max_rounds=8)
    assert np.array_equal(duck[0], on_spark[0]) and np.array_equal(duck[1], on_spark[1])
    assert duck[2] == on_spark[2] and 1 < len(np.unique(duck[1])) < 30


def test_ingest_on_spark_loads_what_the_store_loads(spark: Any, tmp_path: Path) -> None:
    """``ingest --engine spark``: a directory of Parquet part files read by Spark gives the
    store the same posts, accounts, rejects (file, line, field) and source digests as the
    store's own reader given the same files; a rerun skips them; a missing path is an error
    naming it."""
    import pyarrow as pa

    from cibwatch.engine.spark import SparkEngine
    from cibwatch.errors import InputError
    from cibwatch.simulate import simulate

    world = tmp_path / "world"
    simulate(world, seed=6, scale=0.03)
    posts = pq.read_table(world / "posts.parquet")
    ids = posts.column("account_id").to_pylist()
    ids[7] = None  # a post without its account: rejected, with its file and line
    posts = posts.set_column(posts.schema.get_field_index("account_id"), "account_id",
                             pa.array(ids, pa.string()))
    parts = tmp_path / "parts"
    parts.mkdir()
    half = posts.num_rows // 2
    pq.write_table(posts.slice(half), parts / "part-1.parquet")  # the bad row is in part 0
    pq.write_table(posts.slice(0, half), parts / "part-0.parquet")
    accounts = world / "accounts.parquet"
    stores = {}
    for name, files, engine in (
            ("duckdb", [parts / "part-0.parquet", parts / "part-1.parquet", accounts,
                        DEMO / "russian_coord_tweets.csv.gz"], None),
            ("spark", [str(parts), str(accounts), DEMO / "russian_coord_tweets.csv.gz"],
             SparkEngine(session=spark))):
        store = Store(tmp_path / f"{name}.duckdb")
        report = ingest_files(store, files, engine=engine)
        assert report.rejected >= 1 and report.posts_loaded > posts.num_rows
        stores[name] = store
    queries = ("SELECT * FROM posts ORDER BY pid",
               "SELECT * EXCLUDE (source_id) FROM accounts ORDER BY aid",
               "SELECT s.path, r.* EXCLUDE (source_id) FROM rejects r "
               "JOIN sources s USING (source_id) ORDER BY ALL",
               "SELECT * FROM conversions ORDER BY ALL",
               "SELECT * FROM sources ORDER BY source_id")
    for q in queries:
        assert stores["duckdb"].fetchall(q) == stores["spark"].fetchall(q), q
    bad = stores["spark"].fetchall("SELECT s.path, r.line, r.field FROM rejects r "
                                   "JOIN sources s USING (source_id) WHERE s.path LIKE '%part%'")
    assert bad == [(str(parts / "part-0.parquet"), 8, "account_id")]
    # the CSV file (not Parquet) was read by the store, the Parquet parts by Spark
    assert (stores["spark"].fetchall("SELECT format FROM sources ORDER BY source_id")
            == stores["duckdb"].fetchall("SELECT format FROM sources ORDER BY source_id"))
    again = ingest_files(stores["spark"], [str(parts)], engine=SparkEngine(session=spark))
    assert len(again.skipped) == 2 and again.posts_loaded == 0
    with pytest.raises(InputError, match="nowhere"):
        ingest_files(stores["spark"], [str(tmp_path / "nowhere")],
                     engine=SparkEngine(session=spark))
    # a damaged part file: named, and the one before it is loaded
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    pq.write_table(posts.slice(0, 100).set_column(1, "post_id", pa.array(
        [f"x{i}" for i in range(100)])), damaged / "a.parquet")
    (damaged / "b.parquet").write_bytes((parts / "part-1.parquet").read_bytes()[:5000])
    with Store(tmp_path / "damaged.duckdb") as store:
        with pytest.raises(InputError, match=r"b\.parquet: not loaded.*not a Parquet file"):
            ingest_files(store, [str(damaged)], engine=SparkEngine(session=spark))
        assert store.count_posts() == 99  # a.parquet, but for its row without an account
    for store in stores.values():
        store.close()


def test_ingest_on_spark_reads_the_partition_directories(spark: Any, tmp_path: Path) -> None:
    """A data set partitioned by platform and day (``platform=reddit/day=.../part.parquet``,
    the columns not in the files, as Spark's ``partitionBy`` and pyarrow write it) loads the
    posts the one file loads: each directory's value is its column; a NULL partition is NULL;
    a column the file has itself keeps the file's values."""
    import pyarrow.compute as pc

    from cibwatch.engine.spark import SparkEngine, _partition_columns
    from cibwatch.errors import InputError
    from cibwatch.simulate import simulate

    world = tmp_path / "world"
    simulate(world, seed=6, scale=0.03)
    posts = pq.read_table(world / "posts.parquet")
    day = pc.strftime(posts.column("created_at"), format="%Y-%m-%d")
    lake = tmp_path / "lake"
    pq.write_to_dataset(posts.append_column("day", day), lake,
                        partition_cols=["platform", "day"])
    files = sorted(lake.rglob("*.parquet"))
    assert len(files) > 10 and "platform" not in pq.read_schema(files[0]).names
    stores = {}
    for name, inputs, engine in (
            ("file", [world / "posts.parquet", world / "accounts.parquet"], None),
            ("lake", [str(lake), world / "accounts.parquet"], SparkEngine(session=spark))):
        store = Store(tmp_path / f"{name}.duckdb")
        report = ingest_files(store, inputs, engine=engine)
        assert report.rejected == 0 and report.posts_loaded == posts.num_rows
        stores[name] = store
    q = ("SELECT p.* EXCLUDE (pid, aid, source_id, source_line), a.handle FROM posts p "
         "JOIN accounts a USING (aid) ORDER BY ALL")
    assert stores["file"].fetchall(q) == stores["lake"].fetchall(q)
    for store in stores.values():
        store.close()
    # the path rules, on their own: escapes undone, NULL, the root's own name=value not a
    # column, a file given as the root, a URL
    root = tmp_path / "lake"
    url = f"file:{root}/platform=x%253Dy/day=__HIVE_DEFAULT_PARTITION__/part-0.parquet"
    assert _partition_columns(str(root), url) == [("platform", "x=y"), ("day", None)]
    assert _partition_columns(f"{root}/platform=x%3Dy", url) == [("day", None)]
    assert _partition_columns(url, url) == []
    assert _partition_columns("hdfs://nn/lake", "hdfs://nn:8020/lake/lang=fr/p.parquet") == [
        ("lang", "fr")]
    # a column in the file and in the directory's name: the file's values
    both = tmp_path / "both" / "lang=xx"
    both.mkdir(parents=True)
    pq.write_table(posts.slice(0, 50), both / "part-0.parquet")
    with Store(tmp_path / "both.duckdb") as store:
        ingest_files(store, [str(tmp_path / "both"), world / "accounts.parquet"],
                     engine=SparkEngine(session=spark))
        got = {r[0] for r in store.fetchall("SELECT DISTINCT lang FROM posts")}
    assert "xx" not in got and got == set(posts.slice(0, 50).column("lang").to_pylist())
    # an empty file among the parts: Spark does not list it (no rows, nothing lost); a file
    # that is not Parquet is named (its first bytes are read where Spark read the file)
    (both / "part-1.parquet").write_bytes(b"")
    with Store(tmp_path / "empty.duckdb") as store:
        ingest_files(store, [str(tmp_path / "both"), world / "accounts.parquet"],
                     engine=SparkEngine(session=spark))
        assert store.count_posts() == 50
        assert [Path(r[0]).name for r in store.fetchall(
            "SELECT path FROM sources ORDER BY source_id")] == ["part-0.parquet",
                                                                 "accounts.parquet"]
        (both / "part-1.parquet").write_text("platform,post_id\nx,1\n")
        with pytest.raises(InputError, match=r"part-1\.parquet: not a Parquet file"):
            ingest_files(store, [str(tmp_path / "both")], engine=SparkEngine(session=spark))
