"""The stage of one file: ``stage_posts`` and ``stage_accounts``, filled from relations of raw
records through the one converter (:mod:`.convert`); bad records are written aside
(:mod:`.rejects`)."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from ..errors import FormatError
from ..model import (
    ACCOUNT_COLUMNS,
    ACCOUNT_REQUIRED,
    POST_COLUMNS,
    POST_REQUIRED,
    field_type,
)
from ..store import Store
from .base import Format
from .convert import Col, Expr, Source, conversion_sql, quote_ident
from .rejects import _reject_staged


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
