"""Co-URL: accounts sharing the same URL (canonicalised) within the window.

QUT's co_link and CooRnet's unit, with canonicalisation
(:func:`cibwatch.normalize.canonical_url_sql`: scheme, ``www.``, tracking parameters,
fragments, trailing slash) so that the same article shared from different campaigns matches.
Shorteners are not expanded (no network access). Empty cells never become a URL (the QUT
toolkit's empty-URL defect). Key: the canonical URL (comparable across platforms). Cost: one
action per distinct URL per post.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..normalize import canonical_url_sql
from .base import TS_SQL, Trace

__all__ = ["CoUrl"]


@dataclass(frozen=True)
class CoUrl(Trace):
    """Same canonical URL by different accounts within the window."""

    name: ClassVar[str] = "url"
    summary: ClassVar[str] = "shared the same URL"
    cross_platform: ClassVar[bool] = True

    def actions_sql(self) -> str:
        raw = f"(SELECT unnest(urls) AS u, aid, pid, {TS_SQL} AS ts FROM posts WHERE len(urls) > 0)"
        return f"""
            SELECT DISTINCT canonical AS key, aid, pid, ts, NULL::VARCHAR AS variant
            FROM ({canonical_url_sql(raw, keep=("u", "aid", "pid", "ts"))}) AS c
            WHERE canonical IS NOT NULL
        """

    def describe_key(self) -> str:
        return "URL"
