"""The engine-specific SQL of the stage SELECTs, one function per expression.

Every function returns SQL text for ``dialect`` ``"duckdb"`` (the default: what the pipeline
runs today, text for text) or ``"spark"`` (Spark SQL 3.4+). The rest of the stage SQL is plain
SQL (joins, GROUP BY, window functions, CASE): ``tests/test_engine.py`` transpiles every
SELECT the pipeline runs to Spark SQL with sqlglot and lists the ones that use these.

References: DuckDB, "Aggregate functions" (``arg_min``, ``min_by(arg, val, n)``), "List
functions" (lambdas), "Timestamp functions"; Spark SQL, "Built-in functions" (``min_by``,
``filter``, ``transform``, ``timestamp_micros``, ``unix_micros``, ``conv``).
"""

from __future__ import annotations

__all__ = [
    "DIALECTS",
    "arg_max",
    "arg_min",
    "count_distinct",
    "double",
    "ordered_sum",
    "quantile_cont",
    "sorted_distinct_list",
    "epoch_s",
    "epoch_us",
    "hex_prefix_int",
    "iso_time_us",
    "log10",
    "SPARK_LOG10",
    "list_filter",
    "list_transform",
    "regexp_replace_all",
    "timestamp_us",
    "top_n_by",
]

#: The dialects the functions write.
DIALECTS = ("duckdb", "spark")


def _check(dialect: str) -> str:
    if dialect not in DIALECTS:
        raise ValueError(f"dialect: {dialect!r} is not one of {', '.join(DIALECTS)}")
    return dialect


def _pick(dialect: str, duckdb: str, spark: str) -> str:
    """The form of ``dialect``."""
    return duckdb if _check(dialect) == "duckdb" else spark


def _key(key: tuple[str, ...], dialect: str) -> str:
    """An ordering key of one or more expressions (compared field by field)."""
    if len(key) == 1:
        return key[0]
    return f"({', '.join(key)})" if dialect == "duckdb" else f"struct({', '.join(key)})"


def arg_min(arg: str, *key: str, dialect: str = "duckdb") -> str:
    """``arg`` of the row with the smallest ``key`` (several expressions: compared in order,
    a total order when the last one is unique)."""
    name = "arg_min" if _check(dialect) == "duckdb" else "min_by"
    return f"{name}({arg}, {_key(key, dialect)})"


def count_distinct(x: str, dialect: str = "duckdb") -> str:
    """The number of distinct non-null values of ``x`` in a group, as ``COUNT(DISTINCT x)``.

    Spark plans several ``COUNT(DISTINCT ...)`` beside other aggregates by expanding every
    input row once per distinct column; collecting the group's distinct values is 2.7x
    faster for ``pairs`` at 1 M posts (10.7 s against 3.9 s; docs/BENCHMARKS.md, "Spark
    engine"). Cost: the group's distinct values in memory, as the evidence's examples are.
    """
    return _pick(dialect, f"COUNT(DISTINCT {x})",
                 f"CAST(size(array_distinct(collect_list({x}))) AS BIGINT)")


def arg_max(arg: str, *key: str, dialect: str = "duckdb") -> str:
    """``arg`` of the row with the largest ``key`` (see :func:`arg_min`)."""
    name = "arg_max" if _check(dialect) == "duckdb" else "max_by"
    return f"{name}({arg}, {_key(key, dialect)})"


def top_n_by(fields: dict[str, str], key: tuple[str, ...], n: int,
             dialect: str = "duckdb") -> str:
    """The ``n`` rows of a group with the smallest ``key``, as a list of structs ``fields``
    (name -> expression), smallest first: the example evidence of a pair or a group.

    DuckDB: ``min_by(struct, key, n)``. Spark has no counted ``min_by``: the structs are
    collected with their key, sorted (structs compare field by field) and cut to ``n``.
    Cost: O(group size) memory per group on Spark, O(n) on DuckDB.
    """
    if _check(dialect) == "duckdb":
        struct = "{" + ", ".join(f"'{k}': {v}" for k, v in fields.items()) + "}"
        return f"min_by({struct}, {_key(key, dialect)}, {int(n)})"
    value = "named_struct(" + ", ".join(f"'{k}', {v}" for k, v in fields.items()) + ")"
    keyed = ("named_struct(" + ", ".join(f"'k{i}', {k}" for i, k in enumerate(key))
             + f", 'v', {value})")
    return f"slice(transform(array_sort(collect_list({keyed})), x -> x.v), 1, {int(n)})"


def list_filter(array: str, var: str, predicate: str, dialect: str = "duckdb") -> str:
    """The elements ``var`` of ``array`` for which ``predicate`` holds, in order."""
    return _pick(dialect, f"list_filter({array}, lambda {var}: {predicate})",
                 f"filter({array}, {var} -> {predicate})")


def list_transform(array: str, var: str, expr: str, dialect: str = "duckdb") -> str:
    """``expr`` of every element ``var`` of ``array``, in order."""
    return _pick(dialect, f"list_transform({array}, lambda {var}: {expr})",
                 f"transform({array}, {var} -> {expr})")


def epoch_s(ts: str, dialect: str = "duckdb") -> str:
    """A timestamp as seconds since 1970-01-01 UTC (a DOUBLE, microseconds kept)."""
    return _pick(dialect, f"epoch({ts})", f"(unix_micros({ts}) / 1e6)")


def epoch_us(ts: str, dialect: str = "duckdb") -> str:
    """A timestamp as integer microseconds since 1970-01-01 UTC (on Spark also a timestamp
    without time zone, such as DuckDB's ``TIMESTAMP`` written to Parquet: read as UTC, the
    sessions' time zone)."""
    return _pick(dialect, f"epoch_us({ts})", f"unix_micros(CAST({ts} AS TIMESTAMP))")


def timestamp_us(us: str, dialect: str = "duckdb") -> str:
    """A timestamp from integer microseconds since 1970-01-01 UTC (action times)."""
    return _pick(dialect, f"make_timestamp({us})", f"timestamp_micros({us})")


def iso_time_us(us: str, dialect: str = "duckdb") -> str:
    """Integer microseconds since 1970-01-01 UTC as ISO 8601 text, ``2024-01-31T12:00:00Z``."""
    return _pick(dialect, f"strftime({timestamp_us(us)}, '%Y-%m-%dT%H:%M:%SZ')",
                 f"date_format({timestamp_us(us, dialect)}, 'yyyy-MM-dd\\'T\\'HH:mm:ss\\'Z\\'')")


def hex_prefix_int(text: str, digits: int, dialect: str = "duckdb") -> str:
    """The first ``digits`` hexadecimal digits of ``md5(text)`` as a BIGINT (a deterministic
    hash for splits and samples)."""
    return _pick(dialect, f"('0x' || left(md5({text}), {int(digits)}))::BIGINT",
                 f"CAST(conv(left(md5({text}), {int(digits)}), 16, 10) AS BIGINT)")


def regexp_replace_all(text: str, pattern: str, replacement: str,
                       dialect: str = "duckdb") -> str:
    """Every match of ``pattern`` (an SQL string literal) in ``text`` replaced. DuckDB
    replaces the first match unless told ``'g'``; Spark replaces every match."""
    return _pick(dialect, f"regexp_replace({text}, {pattern}, {replacement}, 'g')",
                 f"regexp_replace({text}, {pattern}, {replacement})")


def double(value: float) -> str:
    """A DOUBLE literal. A plain ``2.0`` is a DECIMAL in both engines, and Spark keeps
    decimal arithmetic in decimals (rounded to 6 places after a division) where DuckDB divides
    in doubles: arithmetic that must give the same bits on both is written with this."""
    return f"CAST({float(value)!r} AS DOUBLE)"


def ordered_sum(value: str, key: str, dialect: str = "duckdb") -> str:
    """The sum of ``value`` over a group, added up in the order of ``key`` (floating-point
    sums then give the same bits on every run and on both engines). DuckDB: an ordered
    aggregate; Spark: the values collected with their key, sorted, and folded left to right.
    Cost on Spark: O(group size) memory per group."""
    if _check(dialect) == "duckdb":
        return f"SUM({value} ORDER BY {key})"
    return (f"aggregate(transform(array_sort(collect_list(named_struct('k', {key}, 'v', "
            f"CAST({value} AS DOUBLE)))), x -> x.v), CAST(0 AS DOUBLE), (acc, v) -> acc + v)")


def sorted_distinct_list(value: str, dialect: str = "duckdb") -> str:
    """The distinct values of a group as a list, in ascending order."""
    return _pick(dialect, f"list(DISTINCT {value} ORDER BY {value})",
                 f"array_sort(collect_set({value}))")


def quantile_cont(value: str, q: float, dialect: str = "duckdb") -> str:
    """The ``q`` quantile of a group's values, interpolated linearly between the two nearest
    (DuckDB's ``quantile_cont``, Spark's exact ``percentile``)."""
    return _pick(dialect, f"quantile_cont({value}, {float(q)})",
                 f"percentile({value}, {float(q)})")


#: The name under which :class:`cibwatch.engine.spark.SparkBackend` registers
#: :func:`math.log10` as a SQL function.
SPARK_LOG10 = "cibwatch_log10"


def log10(x: str, dialect: str = "duckdb") -> str:
    """The base-10 logarithm of ``x``. Spark's own ``log10`` is Java's, which differs from the
    C library's (DuckDB's, and Python's :func:`math.log10`) in the last bit of some results:
    on Spark the C library's is called, as a Python function registered by the backend, so
    that evidence has the same bits on both engines."""
    return _pick(dialect, f"log10({x})", f"{SPARK_LOG10}({x})")
