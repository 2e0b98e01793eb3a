"""Rejected records: what a reader could not read, what the converter refused, and the
SQL naming where the first copy of a duplicate came from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import BadRecordError
from ..store import Store
from .convert import quote_ident, sql_str
from .readers import ReaderReject

if TYPE_CHECKING:
    from .staging import _Relation


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


def _where(alias: str) -> str:
    """SQL naming ``FILE:LINE`` of the first copy (columns ``f_sid``, ``f_line`` of ``alias``)."""
    return (
        f"(SELECT path || ':' || CAST({alias}.f_line AS VARCHAR) FROM sources "
        f"WHERE source_id = {alias}.f_sid)"
    )
