from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cibwatch import DetectConfig, Store, detect, ingest_files

from .cases_support import case_store, case_url, world  # noqa: F401  (case-store fixtures)
from .workspace_support import browser, live, page, world_dir  # noqa: F401  (workspace fixtures)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEMO = ROOT / "demo" / "data"

POST_HEADER = ["platform", "post_id", "account_id", "created_at", "text", "urls", "hashtags",
               "mentions", "media", "reshare_of", "reply_to", "lang"]


@pytest.fixture
def store() -> Iterator[Store]:
    s = Store(None)
    yield s
    s.close()


def write_posts_csv(path: Path, rows: list[dict[str, Any]], header: list[str] | None = None) -> Path:
    """Canonical posts CSV; list values are written as JSON lists."""
    header = header or POST_HEADER
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for r in rows:
            w.writerow([json.dumps(r[c]) if isinstance(r.get(c), list) else r.get(c, "")
                        for c in header])
    return path


def post(pid: str, account: str, t: float, **kw: Any) -> dict[str, Any]:
    """A canonical post row (platform twitter unless given)."""
    row: dict[str, Any] = {"platform": "twitter", "post_id": pid, "account_id": account,
                           "created_at": t, "text": "", "urls": [], "hashtags": [],
                           "mentions": [], "media": [], "reshare_of": "", "reply_to": "",
                           "lang": ""}
    row.update(kw)
    return row


@pytest.fixture
def posts_csv(tmp_path: Path) -> Callable[..., Path]:
    def make(rows: list[dict[str, Any]], name: str = "posts.csv") -> Path:
        return write_posts_csv(tmp_path / name, rows)

    return make


def run_detect(store: Store, files: list[Path], **cfg: Any) -> Any:
    ingest_files(store, files)
    return detect(store, DetectConfig(**cfg))
