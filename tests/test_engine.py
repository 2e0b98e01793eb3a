"""The engine seam (:mod:`cibwatch.engine`): every stage SELECT the pipeline runs transpiles to
Spark SQL, and what does not transpile as it is goes through the dialect module.

The statements are recorded from the store while a small detect and an expansion run on the
bundled demo data (with self-loops and the participation filter on, so the statements that
replaced the pipeline's ``UPDATE`` and ``DELETE`` are among them). sqlglot reads each one as
DuckDB SQL (a parse error fails the test) and writes it as Spark SQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import sqlglot
from sqlglot import exp

from cibwatch import DetectConfig, Store, detect, ingest_files
from cibwatch.engine import DuckDBBackend, dialect
from cibwatch.engine.tables import (
    RESULT_FORM,
    STAGE_TABLES,
    StageSchemaError,
    create_sql,
    result_schema,
)
from cibwatch.expand import expand, read_seeds
from cibwatch.pipeline import RUN_TABLES

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo"

#: The DuckDB-only SQL that :mod:`cibwatch.engine.dialect` writes (its ``"duckdb"`` forms):
#: a statement that does not transpile to Spark SQL as it is must use one of them.
DIALECT_MARKERS = {
    "top_n_by": re.compile(r"\bmin_by\s*\(\s*\{", re.I),
    "arg_min/arg_max": re.compile(r"\barg_m(in|ax)\s*\(", re.I),
    "list lambdas": re.compile(r"\blambda\s+\w+(\s*,\s*\w+)?\s*:", re.I),
    "epoch_s/epoch_us/timestamp_us": re.compile(r"\b(epoch|epoch_us|make_timestamp)\s*\(", re.I),
    "hex_prefix_int": re.compile(r"'0x'\s*\|\|\s*left\(md5", re.I),
    "regexp_replace_all": re.compile(r"regexp_replace\([^;]*,\s*'g'\)", re.I),
}


def _record(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every SQL text the store runs from now on (the DuckDB backend runs through it)."""
    seen: list[str] = []
    for name in ("execute", "fetchall", "arrow"):
        orig = getattr(Store, name)

        def rec(self: Store, sql: str, params: Any = None, _orig: Any = orig) -> Any:
            seen.append(sql)
            return _orig(self, sql, params)

        monkeypatch.setattr(Store, name, rec)
    return seen


def _schemas(store: Store) -> dict[str, pa.Schema]:
    """The Arrow schema of every declared stage table in the store."""
    return {t: store.arrow(f"SELECT * FROM {t} LIMIT 0").schema for t in STAGE_TABLES
            if store.table_exists(t)}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[list[str], dict[str, pa.Schema], dict[str, pa.Schema]]:
    """Every SQL text of a detect and an expand run on the demo data, and the schemas of the
    stage tables after each."""
    mp = pytest.MonkeyPatch()
    store = Store(tmp_path_factory.mktemp("engine") / "demo.duckdb", threads=2)
    try:
        ingest_files(store, sorted(p for p in (DEMO / "data").glob("*") if p.is_file()))
        seen = _record(store, mp)
        detect(store, DetectConfig(self_loops=True, min_participation=2))
        after_detect = _schemas(store)
        seeds, problems = read_seeds(DEMO / "seeds" / "ira_four.csv")
        expand(store, seeds, problems=problems)
        after_expand = _schemas(store)
    finally:
        mp.undo()
        store.close()
    return seen, after_detect, after_expand


@pytest.fixture(scope="module")
def statements(demo_run: tuple[list[str], Any, Any]) -> list[tuple[str, str]]:
    """The SELECT-bearing statements of a detect and an expand run on the demo data, each
    with the text it was run in (a script may hold several)."""
    seen = demo_run[0]
    out: list[tuple[str, str]] = []
    for text in dict.fromkeys(seen):  # each text once, in order
        for tree in sqlglot.parse(text, read="duckdb"):  # a parse error fails here
            if tree is not None and tree.find(exp.Select) is not None:
                out.append((text, tree.sql(dialect="duckdb")))
    return out


def _needs(text: str) -> list[str]:
    return [name for name, rx in DIALECT_MARKERS.items() if rx.search(text)]


def test_the_run_exercised_the_rewritten_statements(
        statements: list[tuple[str, str]]) -> None:
    text = "\n".join(re.sub(r"\s+", " ", t) for t, _ in statements)
    assert "coalesce(s.n_posts, p.n_posts_a) AS n_posts_a" in text  # the self-loop counts
    assert "CREATE TABLE coactions__next AS WITH active AS" in text  # participation
    assert not re.search(r"\b(UPDATE pairs|DELETE FROM coactions)\b", text)
    assert len(statements) > 100


def test_every_stage_select_transpiles_to_spark(statements: list[tuple[str, str]]) -> None:
    """Each statement transpiles without error. The ones Spark cannot take as they are
    (sqlglot's UnsupportedError) must each use a form the dialect module writes: nothing
    engine-specific outside the dialect. None uses DuckDB's ``* EXCLUDE`` (sqlglot writes
    ``* EXCEPT``, which Databricks takes and Apache Spark does not): the columns are listed.
    Printed (``-s``): how many statements use each of the dialect's DuckDB forms."""
    unexplained: list[str] = []
    using: dict[str, int] = {}
    unsupported = 0
    exclude = 0
    for text, sql in statements:
        out = sqlglot.transpile(sql, read="duckdb", write="spark")
        assert len(out) == 1 and out[0]
        for n in _needs(text):
            using[n] = using.get(n, 0) + 1
        exclude += bool(re.search(r"\*\s+EXCLUDE\b", text, re.I))
        try:
            sqlglot.transpile(sql, read="duckdb", write="spark",
                              unsupported_level=sqlglot.ErrorLevel.RAISE)
        except sqlglot.errors.UnsupportedError:
            unsupported += 1
            if not _needs(text):
                unexplained.append(sql)
    print(f"\n{len(statements)} stage statements; {unsupported} unsupported by sqlglot as they "
          f"are; using the dialect's forms: {using}")
    assert not unexplained, "\n\n".join(s[:400] for s in unexplained)
    assert exclude == 0
    assert not any(re.search(r"\*\s+EXCEPT\b", sqlglot.transpile(sql, read="duckdb",
                                                                 write="spark")[0], re.I)
                   for _, sql in statements)


@pytest.mark.parametrize("fn, args", [
    (dialect.arg_min, ("x", "k", "x")),
    (dialect.arg_max, ("x", "k")),
    (dialect.epoch_s, ("ts",)),
    (dialect.epoch_us, ("ts",)),
    (dialect.timestamp_us, ("us",)),
    (dialect.iso_time_us, ("us",)),
    (dialect.hex_prefix_int, ("s", 8)),
    (dialect.regexp_replace_all, ("s", "'a+'", "'b'")),
    (dialect.list_filter, ("l", "x", "x > 1")),
    (dialect.list_transform, ("l", "x", "x + 1")),
])
def test_the_dialect_writes_both_engines(fn: Any, args: tuple[Any, ...]) -> None:
    duck = fn(*args)
    spark = fn(*args, dialect="spark")
    sqlglot.parse_one(f"SELECT {duck} FROM t GROUP BY g", read="duckdb")
    sqlglot.parse_one(f"SELECT {spark} FROM t GROUP BY g", read="spark")
    with pytest.raises(ValueError, match="dialect"):
        fn(*args, dialect="oracle")


def test_top_n_by_on_spark_keeps_the_smallest_first() -> None:
    spark = dialect.top_n_by({"a": "a"}, ("k", "a"), 3, "spark")
    tree = sqlglot.parse_one(f"SELECT g, {spark} FROM t GROUP BY g", read="spark")
    assert tree.find(exp.ArraySort) is not None and "slice" in spark.lower()


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[DuckDBBackend]:
    with Store(tmp_path / "b.duckdb") as store:
        yield DuckDBBackend(store, record=[])


def test_backend_materialise_replace_arrow_register(backend: DuckDBBackend) -> None:
    assert backend.dialect == "duckdb"
    backend.materialise("t", "SELECT range AS x FROM range(5)")
    backend.replace("t", "SELECT x FROM t WHERE x % 2 = 0")
    assert sorted(backend.arrow("t").column("x").to_pylist()) == [0, 2, 4]
    assert backend.columns("SELECT * FROM t") == ["x"]
    with backend.register("arr", pa.table({"y": [1, 2]})) as name:
        assert backend.arrow(f"SELECT sum(y) AS s FROM {name}").column("s")[0].as_py() == 3
    assert backend.record and backend.record[0].startswith("materialise t: SELECT")
    assert not backend.store.table_exists("t__next")


def _same(have: pa.Schema, want: pa.Schema) -> bool:
    """Same column names in the same order, and the same types (DuckDB names list items
    ``l``: item names left out)."""
    norm = [(f.name, str(f.type).replace("<l: ", "<").replace("<item: ", "<"))
            for f in have]
    return norm == [(f.name, str(f.type).replace("<item: ", "<")) for f in want]


def test_every_declared_stage_table_has_its_declared_schema(
        demo_run: tuple[list[str], dict[str, pa.Schema], dict[str, pa.Schema]]) -> None:
    """After a detect every declared stage table exists (but the expansion's own:
    ``expansion``, and ``communities``, which expand drops when it ends) with exactly its
    declared columns: the finished form of a result table (``label``, ``run_id``); so does
    every one an expansion leaves."""
    _, after_detect, after_expand = demo_run
    assert set(STAGE_TABLES) - {"communities"} <= set(RUN_TABLES)  # a new run drops them all
    expand_only = {"expansion", "communities"}
    assert set(after_detect) == set(STAGE_TABLES) - expand_only
    assert "expansion" in after_expand and "communities" not in after_expand
    for schemas in (after_detect, after_expand):
        for name, have in schemas.items():
            want = result_schema(name) if name in RESULT_FORM else STAGE_TABLES[name]
            assert _same(have, want), (name, have, want)


def test_a_select_that_does_not_match_the_declaration_is_refused(
        backend: DuckDBBackend) -> None:
    with pytest.raises(StageSchemaError, match=r"'windows'.*column 'win' is int32 where "
                       r"double is declared"):
        backend.materialise("windows", "SELECT 'url' AS trace, 60 AS win, TRUE AS estimated")
    assert not backend.store.table_exists("windows")  # nothing left behind
    with pytest.raises(StageSchemaError, match=r"'pair_scores'.*'significant' is missing"):
        backend.materialise("pair_scores", "SELECT 1::INTEGER AS aid_a, 2::INTEGER AS aid_b, "
                            "0.1 AS p_value, 0.1 AS q_value, 1.0 AS evidence")
    backend.create("windows")
    backend.append("windows", "SELECT 'url', 60, TRUE")
    with pytest.raises(StageSchemaError, match=r"'windows'.*column 2 is 'window'"):
        backend.replace("windows", "SELECT trace, win AS window, estimated FROM windows")
    assert backend.arrow("windows").column_names == ["trace", "win", "estimated"]  # kept
    assert not backend.store.table_exists("windows__next")
    backend.replace("windows", "SELECT trace, win * 2 AS win, estimated FROM windows")
    assert backend.arrow("windows").column("win").to_pylist() == [120.0]


def test_empty_declared_tables_are_made_from_the_declaration(backend: DuckDBBackend) -> None:
    for name, schema in STAGE_TABLES.items():
        backend.create(name)
        assert _same(backend.arrow(name).schema, schema), name
    assert create_sql("windows") == ("CREATE TABLE windows (trace VARCHAR, win DOUBLE, "
                                     "estimated BOOLEAN)")
    backend.write_arrow("account_flags", pa.table({"aid": pa.array([3], pa.int32()),
                                                   "repurposed": [True]}))
    assert backend.arrow("account_flags").to_pylist() == [{"aid": 3, "repurposed": True}]
    with pytest.raises(StageSchemaError, match="'account_flags'"):
        backend.write_arrow("account_flags", pa.table({"aid": pa.array([3], pa.int64()),
                                                       "repurposed": [True]}))
