"""Results a later run takes back instead of computing them again, found by a digest of
everything they are computed from.

A rerun on a prepared store with other network settings (``detect --db STORE --resolution
1.5``) often ends with the same networks as the run before it: then the group-evidence
membership, the links of the group-evidence networks and the pictures are the same too, and
computing them again is most of the rerun's cost. Each of them is remembered in the store
under a digest (:func:`digest`) of its inputs: the tables or arrays it reads, its settings and
the source of the code that computes it, so that a change of any of them misses. What is taken
back is, by construction, what would have been computed: the outputs of a rerun are the same
bytes either way (``tests/test_memo.py``).

Two forms:

- :func:`recall` / :func:`remember`: a table of rows (``memo_<name>``), one per name, with the
  digest it was made for (in ``memo_keys``).
- :func:`recall_blobs` / :func:`remember_blobs`: many byte strings under their own digests
  (``memo_<name>(key, data)``), such as the PNG pictures of a run; only those of the last run
  are kept.

The memo tables are not run tables: a run does not drop them, and a store that is read only is
read from but not written to.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute  # noqa: F401 - pa.compute

if TYPE_CHECKING:
    from .store import Store

__all__ = ["digest", "source_digest", "recall", "remember", "kept_table", "remember_query",
           "recall_blobs", "remember_blobs", "arrow_digest", "content_key"]

_KEYS = "memo_keys"


def source_digest(*modules: Any) -> str:
    """A digest of the source files of ``modules`` (module objects): code that computes a
    remembered result is part of what it depends on."""
    h = hashlib.sha256()
    for m in modules:
        h.update(Path(m.__file__).read_bytes())
    return h.hexdigest()


def content_key(store: Store) -> list[Any]:
    """What the store's data is, for :func:`digest`: its layout version, the files ingested
    into it (their digests and counts, in order), the number of posts and the largest post
    number, and the key of the co-action stage whose tables it holds (``run_stage``, or
    None). Ingest is the only writer of posts and accounts, so the same files in the same
    order are the same data."""
    return [store.schema_version(),
            store.fetchall("SELECT source_id, sha256, format, kind, rows_read, rows_loaded, "
                           "rows_rejected FROM sources ORDER BY source_id"),
            store.fetchall("SELECT count(*), max(pid) FROM posts"),
            store.fetchall("SELECT stage_key FROM run_stage")
            if store.table_exists("run_stage") else None]


def digest(*parts: Any) -> str:
    """A SHA-256 digest of ``parts``: numpy arrays by dtype, shape and bytes, Arrow tables by
    schema and column bytes (via numpy or Python values), anything else by its JSON text."""
    h = hashlib.sha256()
    for p in parts:
        if isinstance(p, np.ndarray):
            a = np.ascontiguousarray(p)
            h.update(f"nd:{a.dtype.str}:{a.shape}".encode())
            h.update(a.tobytes())
        elif isinstance(p, pa.Table):
            h.update(f"table:{p.schema}".encode())
            for col in p.columns:
                h.update(json.dumps(col.to_pylist(), default=str).encode())
        else:
            h.update(b"json:" + json.dumps(p, sort_keys=True, default=str).encode())
        h.update(b"\x00")
    return h.hexdigest()


def arrow_digest(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A string array's offsets and bytes as one numpy array of bytes, for :func:`digest`
    (fast on millions of texts: no Python object per value)."""
    arr = pa.compute.cast(values, pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.null_count:
        raise ValueError("arrow_digest: null values")
    _, off, data = arr.buffers()
    n = len(arr)
    offsets = np.frombuffer(off, np.int64, count=n + 1, offset=arr.offset * 8)
    body = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)
    body = body[offsets[0]:offsets[-1]]
    return np.concatenate([(offsets - offsets[0]).view(np.uint8), body])


def _table(name: str) -> str:
    if not name.isidentifier():
        raise ValueError(f"not a memo name: {name!r}")
    return f"memo_{name}"


def recall(store: Store, name: str, key: str) -> pa.Table | None:
    """The table remembered as ``name`` when it was made for ``key``, else None."""
    table = kept_table(store, name, key)
    return None if table is None else store.arrow(f"SELECT * FROM {table}")


def remember(store: Store, name: str, key: str, table: pa.Table) -> None:
    """Keep ``table`` as ``name``, made for ``key`` (replacing what was kept before)."""
    with store.registered("memo_rows", table):
        remember_query(store, name, key, "SELECT * FROM memo_rows")


def kept_table(store: Store, name: str, key: str) -> str | None:
    """The name of the store table remembered as ``name`` for ``key`` (to be read in SQL
    without fetching it), else None."""
    table = _table(name)
    if not (store.table_exists(_KEYS) and store.table_exists(table)):
        return None
    if store.fetchall(f"SELECT key FROM {_KEYS} WHERE name = ?", [name]) != [(key,)]:
        return None
    return table


def remember_query(store: Store, name: str, key: str, select: str) -> None:
    """Keep the rows of ``select`` (which may read what was kept as ``name``) as ``name``,
    made for ``key``."""
    if store.read_only:
        return
    table = _table(name)
    store.execute(f"CREATE TABLE IF NOT EXISTS {_KEYS} (name VARCHAR, key VARCHAR)")
    store.execute(f"DELETE FROM {_KEYS} WHERE name = ?", [name])
    store.execute(f"DROP TABLE IF EXISTS {table}__next")
    store.execute(f"CREATE TABLE {table}__next AS {select}")
    store.execute(f"DROP TABLE IF EXISTS {table}")
    store.execute(f"ALTER TABLE {table}__next RENAME TO {table}")
    store.execute(f"INSERT INTO {_KEYS} VALUES (?, ?)", [name, key])


def recall_blobs(store: Store, name: str) -> dict[str, bytes]:
    """The byte strings remembered as ``name``, by their digests."""
    if not store.table_exists(_table(name)):
        return {}
    return {k: bytes(v) for k, v in store.fetchall(f"SELECT key, data FROM {_table(name)}")}


def remember_blobs(store: Store, name: str, blobs: dict[str, bytes]) -> None:
    """Keep ``blobs`` (digest -> bytes) as ``name``, in place of what was kept before."""
    if store.read_only:
        return
    t = pa.table({"key": pa.array(sorted(blobs), pa.string()),
                  "data": pa.array([blobs[k] for k in sorted(blobs)], pa.binary())})
    with store.registered("memo_rows", t):
        store.execute(f"CREATE OR REPLACE TABLE {_table(name)} AS SELECT * FROM memo_rows")
