"""``cibwatch export canonical``: what ingest made of the input, as canonical Parquet files."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from .model import ACCOUNT_COLUMNS, POST_COLUMNS
from .store import Store

__all__ = ["export_canonical"]


def export_canonical(store: Store, out: str | Path) -> tuple[Path, Path]:
    """Write ``posts.parquet`` and ``accounts.parquet`` (canonical columns only, in load order).

    Accounts are those given in account files or derived from posts files; accounts only seen
    as authors of posts get a row with platform and account_id only.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    posts = store.arrow(f"SELECT {', '.join(POST_COLUMNS)} FROM posts ORDER BY pid")
    acc_cols = ", ".join(f"a.{c}" if c not in ("platform", "account_id") else f"ai.{c}"
                         for c in ACCOUNT_COLUMNS)
    accounts = store.arrow(
        f"SELECT {acc_cols} FROM account_index ai LEFT JOIN accounts a USING (aid) ORDER BY ai.aid"
    )
    p_posts, p_acc = out / "posts.parquet", out / "accounts.parquet"
    pq.write_table(posts, p_posts, compression="zstd")
    pq.write_table(accounts, p_acc, compression="zstd")
    return p_posts, p_acc
