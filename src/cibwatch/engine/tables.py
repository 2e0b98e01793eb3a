"""The declared stage tables: the Arrow schema of every table a detect or expand run writes.

Each stage of the pipeline is a SELECT (or an Arrow table) that one writer, the backend
(:class:`cibwatch.engine.DuckDBBackend`: ``materialise``, ``replace``, ``create``,
``write_arrow``), makes a named table. When the name is declared here, the writer checks what
it made against :data:`STAGE_TABLES` (column names, their order and their types) and raises
:class:`StageSchemaError`, naming the table and the column, when they differ: a stage cannot
change another stage's columns by accident, and an engine other than DuckDB knows every
table's columns before it runs a statement.

The *result tables* (:data:`cibwatch.runs.RESULT_TABLES`) are rewritten by
:func:`cibwatch.runs.finish_run` when their run finishes: the stable network id in
``network_id``, the per-run display label in a ``label`` column right after it (``networks``,
``members``) and a ``run_id`` column last. :func:`result_schema` is that form, which the
stage tables of a finished run have.

The store's own tables (``meta``, ``sources``, ``posts``, ``accounts``, ``runs``, ...) are
made by :mod:`cibwatch.store` and are not stage tables. docs/ARCHITECTURE.md ("Stage tables")
lists who writes each table.
"""

from __future__ import annotations

from collections.abc import Mapping

import pyarrow as pa

from ..errors import CibwatchError

__all__ = ["STAGE_TABLES", "WRITERS", "RESULT_FORM", "LABELLED", "StageSchemaError",
           "result_schema", "declared", "check_schema", "create_sql", "duckdb_type", "sql_type",
           "select_list"]

_I32, _I64, _F64, _STR, _BOOL = pa.int32(), pa.int64(), pa.float64(), pa.string(), pa.bool_()
#: Example evidence of a pair or a group link, smallest first.
EVIDENCE = pa.list_(pa.struct([("pid_a", _I64), ("pid_b", _I64), ("key", _STR),
                               ("dt_s", _F64)]))


def _s(*cols: tuple[str, pa.DataType]) -> pa.Schema:
    return pa.schema(list(cols))


#: Every stage table, by name: its columns as the stage writes them (before a finished run
#: adds ``label`` and ``run_id``, :func:`result_schema`).
STAGE_TABLES: dict[str, pa.Schema] = {
    # -- co-action stage (pipeline.coaction_stage) --------------------------------------------
    "post_norm": _s(("pid", _I64), ("aid", _I32), ("ts", _I64), ("norm", _STR)),
    "near_text": _s(("tid", _I64), ("norm", _STR), ("label", _I64), ("rep", _STR)),
    "actions": _s(("trace", _STR), ("key", _STR), ("aid", _I32), ("pid", _I64), ("ts", _I64),
                  ("variant", _STR)),
    "participants": _s(("aid", _I32)),
    "windows": _s(("trace", _STR), ("win", _F64), ("estimated", _BOOL)),
    "coactions": _s(("trace", _STR), ("win", _F64), ("key", _STR), ("aid_a", _I32),
                    ("pid_a", _I64), ("ts_a", _I64), ("aid_b", _I32), ("pid_b", _I64),
                    ("ts_b", _I64), ("dt", _I64), ("crowd", _BOOL)),
    "bounded_keys": _s(("trace", _STR), ("win", _F64), ("key", _STR), ("n_actions", _I64),
                       ("n_accounts", _I64), ("n_bounded_actions", _I64), ("first_ts", _I64),
                       ("last_ts", _I64)),
    "activity": _s(("trace", _STR), ("win", _F64), ("aid", _I32), ("n", _I64), ("c", _I64),
                   ("stratum", _STR)),
    "pairs": _s(("trace", _STR), ("win", _F64), ("aid_a", _I32), ("aid_b", _I32),
                ("n_coactions", _I64), ("n_keys", _I64), ("n_posts_a", _I64),
                ("n_posts_b", _I64), ("mean_dt_s", _F64), ("min_dt_s", _F64),
                ("first_ts", _I64), ("last_ts", _I64), ("evidence", EVIDENCE),
                ("expected", _F64)),
    "pair_scores": _s(("aid_a", _I32), ("aid_b", _I32), ("p_value", _F64), ("q_value", _F64),
                      ("evidence", _F64), ("significant", _BOOL)),
    "edges": _s(("aid_a", _I32), ("aid_b", _I32), ("weight", _F64), ("evidence", _F64),
                ("p_value", _F64), ("q_value", _F64), ("n_traces", _I64),
                ("traces", pa.list_(_STR))),
    "run_stage": _s(("stage_key", _STR), ("counts", _STR)),
    # -- group evidence (groups) --------------------------------------------------------------
    "item_sizes": _s(("fam", _STR), ("item", _STR), ("stratum", _STR), ("k", _I64),
                     ("fold", _I32)),
    "items": _s(("fam", _STR), ("item", _STR), ("aid", _I32), ("pid", _I64), ("ts", _I64),
                ("stratum", _STR)),
    "group_tests": _s(("fold", _I32), ("gid", _I64), ("size", _I32), ("t", _F64),
                      ("mean", _F64), ("var", _F64), ("x", _F64), ("x_mean", _F64),
                      ("p_excess", _F64), ("p_exclusive", _F64), ("p", _F64), ("q", _F64),
                      ("passed", _BOOL)),
    "group_candidates": _s(("fold", _I32), ("gid", _I64), ("aid", _I32)),
    "group_stage": _s(("group_key", _STR),),
    # -- networks (pipeline, significance, expand) ---------------------------------------------
    "members": _s(("aid", _I32), ("network_id", _STR), ("attached", _BOOL), ("attach_p", _F64),
                  ("attach_q", _F64), ("attach_round", _I32), ("source", _STR),
                  ("group_posts", _I64), ("period_posts", _I64), ("group_pi", _F64),
                  ("group_p", _F64), ("group_q", _F64)),
    "networks": _s(("network_id", _STR), ("size", _I64)),
    "network_evidence": _s(("network_id", _STR), ("found_by", _STR), ("group_t", _F64),
                           ("group_mean", _F64), ("group_p", _F64), ("group_q", _F64)),
    "network_items": _s(("network_id", _STR), ("fam", _STR), ("item", _STR), ("m", _I64),
                        ("k", _I64), ("first_ts", _I64), ("last_ts", _I64)),
    "group_links": _s(("network_id", _STR), ("aid_a", _I32), ("aid_b", _I32), ("fam", _STR),
                      ("n_items", _I64), ("first_ts", _I64), ("last_ts", _I64),
                      ("mean_dt_s", _F64), ("evidence", EVIDENCE)),
    "communities": _s(("aid", _I32), ("cid", _I64)),
    "expansion": _s(("aid", _I32), ("hop", _I32), ("rank", _I64), ("confidence", _F64),
                    ("proximity", _F64), ("seed", _STR)),
    # -- assessment (assess) --------------------------------------------------------------------
    "assessments": _s(("network_id", _STR), ("assessment", _STR), ("kind", _STR),
                      ("score", _F64), ("utc_offset", _F64), ("families", _STR),
                      ("strengths", _STR), ("disarm", _STR), ("reasons", _STR),
                      ("clock", _STR)),
    "account_flags": _s(("aid", _I32), ("repurposed", _BOOL)),
}

#: Who writes each stage table (the module and function; docs/ARCHITECTURE.md).
WRITERS: dict[str, str] = {
    "post_norm": "traces.base.ensure_normalized_text",
    "near_text": "traces.text_near.NearText.prepare",
    "actions": "pipeline._coactions (each trace's actions_sql)",
    "participants": "stage.coaction_tables (min_participation > 1)",
    "windows": "stage.coaction_tables",
    "coactions": "stage.coaction_tables (replace: the participation filter; an update)",
    "bounded_keys": "stage.coaction_tables (replace: an update)",
    "activity": "stage.coaction_tables (replace: an update)",
    "pairs": "stage.coaction_tables; significance.score_pairs (replace: expected)",
    "pair_scores": "significance.score_pairs, or stage.coaction_tables without the test",
    "edges": "stage.coaction_tables (network.fused_edges_sql)",
    "run_stage": "pipeline.coaction_stage",
    "item_sizes": "groups.build_items",
    "items": "groups.build_items",
    "group_tests": "groups.find_groups",
    "group_candidates": "groups.find_groups",
    "group_stage": "pipeline._group_stage (what group_tests and group_candidates were made with)",
    "members": "pipeline._store_networks, expand._expand; replaced by "
               "significance.attach_round, expand._group_hop, expand._hop",
    "networks": "the writers of members (counted from it)",
    "network_evidence": "pipeline._store_networks",
    "network_items": "groups.group_links",
    "group_links": "groups.group_links",
    "communities": "expand._communities (dropped when the expansion ends)",
    "expansion": "expand._expansion_table",
    "assessments": "assess.assess",
    "account_flags": "assess.assess",
}

#: Result tables whose finished form has ``label`` after ``network_id``.
LABELLED = ("networks", "members")
#: Result tables (:data:`cibwatch.runs.RESULT_TABLES`): their finished form adds ``run_id``.
RESULT_FORM = ("networks", "members", "assessments", "account_flags", "network_evidence",
               "group_links", "network_items", "expansion", "edges")


class StageSchemaError(CibwatchError, RuntimeError):
    """A stage wrote a declared table with other columns than :data:`STAGE_TABLES` declares:
    a bug of cibwatch, not of the input."""


def declared(name: str) -> bool:
    """Whether ``name`` is a declared stage table."""
    return name in STAGE_TABLES


def result_schema(name: str) -> pa.Schema:
    """The declared schema of ``name`` once its run has finished (see the module docstring);
    the stage schema for tables that are not result tables."""
    schema = STAGE_TABLES[name]
    if name not in RESULT_FORM:
        return schema
    fields = []
    for f in schema:
        fields.append(f)
        if f.name == "network_id" and name in LABELLED:
            fields.append(pa.field("label", _STR))
    fields.append(pa.field("run_id", _STR))
    return pa.schema(fields)


def _norm(t: pa.DataType) -> str:
    """A type's name with what does not matter here left out (list item names, string and
    list representations)."""
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return "string"
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_list_view(t):
        return f"list<{_norm(t.value_type)}>"
    if pa.types.is_struct(t):
        return "struct<" + ", ".join(f"{t.field(i).name}: {_norm(t.field(i).type)}"
                                     for i in range(t.num_fields)) + ">"
    return str(t)


def _mismatch(name: str, want: pa.Schema, have: pa.Schema) -> str | None:
    wn, hn = list(want.names), list(have.names)
    if wn != hn:
        for i, (w, h) in enumerate(zip(wn, hn, strict=False)):
            if w != h:
                return f"column {i + 1} is {h!r} where {w!r} is declared"
        if len(hn) > len(wn):
            return f"column {hn[len(wn)]!r} is not declared"
        return f"column {wn[len(hn)]!r} is missing"
    for f in want:
        got = have.field(f.name).type
        if _norm(got) != _norm(f.type):
            return f"column {f.name!r} is {_norm(got)} where {_norm(f.type)} is declared"
    return None


def check_schema(name: str, have: pa.Schema) -> None:
    """Raise :class:`StageSchemaError` unless ``have`` is the declared schema of ``name`` (its
    stage form or, for a result table, its finished form). Undeclared names pass."""
    if name not in STAGE_TABLES:
        return
    forms = [STAGE_TABLES[name]]
    if name in RESULT_FORM:
        forms.append(result_schema(name))
    problems = [_mismatch(name, w, have) for w in forms]
    if all(problems):
        raise StageSchemaError(
            f"internal error: the stage table {name!r} does not have its declared columns: "
            f"{problems[0]} (declared: {', '.join(forms[0].names)}; written: "
            f"{', '.join(have.names)})",
            remedy="reporting this as a bug of cibwatch (cibwatch.engine.tables declares "
                   "every stage table)")


_SCALARS: Mapping[str, str] = {
    "int32": "INTEGER", "int64": "BIGINT", "double": "DOUBLE", "string": "VARCHAR",
    "bool": "BOOLEAN", "timestamp[us]": "TIMESTAMP",
}


def duckdb_type(t: pa.DataType) -> str:
    """The DuckDB SQL type of an Arrow type of the declarations."""
    if pa.types.is_list(t):
        return f"{duckdb_type(t.value_type)}[]"
    if pa.types.is_struct(t):
        return "STRUCT(" + ", ".join(f"{t.field(i).name} {duckdb_type(t.field(i).type)}"
                                     for i in range(t.num_fields)) + ")"
    key = _norm(t)
    if key not in _SCALARS:
        raise ValueError(f"no SQL type for the Arrow type {t}")
    return _SCALARS[key]


def sql_type(t: pa.DataType, dialect_name: str = "duckdb") -> str:
    """The SQL type of an Arrow type of the declarations in ``dialect_name``."""
    if dialect_name == "duckdb":
        return duckdb_type(t)
    if pa.types.is_list(t):
        return f"ARRAY<{sql_type(t.value_type, dialect_name)}>"
    if pa.types.is_struct(t):
        return "STRUCT<" + ", ".join(f"{t.field(i).name}: {sql_type(t.field(i).type, dialect_name)}"
                                     for i in range(t.num_fields)) + ">"
    return {"VARCHAR": "STRING"}.get(duckdb_type(t), duckdb_type(t))


def create_sql(name: str) -> str:
    """``CREATE TABLE name (...)`` of a declared stage table, with no rows."""
    cols = ", ".join(f"{f.name} {duckdb_type(f.type)}" for f in STAGE_TABLES[name])
    return f"CREATE TABLE {name} ({cols})"


def select_list(name: str, given: Mapping[str, str] | None = None, prefix: str | None = None,
                dialect_name: str = "duckdb") -> str:
    """The select list of the declared columns of ``name``, in order: the expression
    ``given[col]`` for a column given, else ``{prefix}col`` when ``prefix`` is not None
    (``""``: the bare column), else a typed NULL. Given names that are not declared raise."""
    given = dict(given or {})
    schema = STAGE_TABLES[name]
    unknown = set(given) - set(schema.names)
    if unknown:
        raise ValueError(f"{name}: no declared column {', '.join(sorted(unknown))}")
    out = []
    for f in schema:
        if f.name in given:
            out.append(f"CAST({given[f.name]} AS {sql_type(f.type, dialect_name)}) AS {f.name}")
        elif prefix is not None:
            out.append(f"{prefix}{f.name}")
        else:
            out.append(f"CAST(NULL AS {sql_type(f.type, dialect_name)}) AS {f.name}")
    return ", ".join(out)
