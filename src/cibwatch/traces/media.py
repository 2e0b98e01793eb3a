"""Co-media: accounts posting the same image or video (same media id or hash) in the window.

CooRTweet's image-hash object (german_elections ``phash_id``); DOMAIN.md's camouflage clips
with identical media. Media values are compared as given: perceptual hashes must be computed
upstream (cibwatch does not download media). Key: the media id or hash (comparable across
platforms, since a hash is). Cost: one action per distinct media value per post.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import TS_SQL, Trace

__all__ = ["CoMedia"]


@dataclass(frozen=True)
class CoMedia(Trace):
    """Same media id or hash by different accounts within the window."""

    name: ClassVar[str] = "media"
    summary: ClassVar[str] = "posted the same media"
    cross_platform: ClassVar[bool] = True

    def actions_sql(self) -> str:
        return f"""
            SELECT DISTINCT key, aid, pid, ts, NULL::VARCHAR AS variant
            FROM (SELECT trim(unnest(media)) AS key, aid, pid, {TS_SQL} AS ts
                  FROM posts WHERE len(media) > 0)
            WHERE key <> ''
        """

    def describe_key(self) -> str:
        return "media"
