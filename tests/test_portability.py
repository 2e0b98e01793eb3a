"""The window join is backend-independent SQL: it must transpile to Spark SQL unchanged.

(The Spark backend itself is a later step; this keeps the join engine from drifting into
DuckDB-only syntax meanwhile. The one DuckDB-only aggregate, the example-evidence ``min_by``
with a count, is written by ``cibwatch.engine.dialect.top_n_by``.)
"""

from __future__ import annotations

import pytest
import sqlglot

from cibwatch.coaction import (
    JoinSpec,
    bounded_keys_sql,
    coaction_sql,
    evidence_agg,
    ranked_actions_sql,
    self_pair_posts_sql,
)


@pytest.mark.parametrize("spec", [JoinSpec(60, 200), JoinSpec(10, None, True)])
def test_join_sql_transpiles_to_spark(spec: JoinSpec) -> None:
    for sql in (ranked_actions_sql("actions", spec), coaction_sql("ranked", spec),
                bounded_keys_sql("ranked", spec), self_pair_posts_sql("coactions")):
        out = sqlglot.transpile(sql, read="duckdb", write="spark",
                                unsupported_level=sqlglot.ErrorLevel.RAISE)
        assert len(out) == 1
        sqlglot.parse_one(out[0], read="spark")  # valid Spark SQL
    spark = sqlglot.transpile(coaction_sql("ranked", spec), read="duckdb", write="spark")[0]
    assert f"<= {spec.window_us}" in spark  # the inclusive window survives


def test_the_duckdb_only_part_is_the_evidence_aggregate() -> None:
    sql = f"SELECT {evidence_agg(5)} FROM coactions"
    with pytest.raises(sqlglot.errors.UnsupportedError):
        sqlglot.transpile(sql, read="duckdb", write="spark",
                          unsupported_level=sqlglot.ErrorLevel.RAISE)


def test_the_evidence_aggregate_has_a_spark_form() -> None:
    sql = f"SELECT trace, {evidence_agg(5, 'spark')} FROM coactions GROUP BY trace"
    sqlglot.parse_one(sql, read="spark")
