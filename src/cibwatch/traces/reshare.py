"""Co-reshare: accounts resharing (retweeting, sharing) the same post within the window.

The oldest and most used coordination trace: QUT's co_retweet, CooRTweet's retweet object,
Pacheco et al. (ICWSM 2021) and Luceri et al. (WWW 2024) co-retweet. Key: the platform and the
``reshare_of`` post id (ids are only unique within a platform). Cost: one action per reshare.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import TS_SQL, Trace

__all__ = ["CoReshare"]


@dataclass(frozen=True)
class CoReshare(Trace):
    """Same ``reshare_of`` by different accounts within the window."""

    name: ClassVar[str] = "reshare"
    summary: ClassVar[str] = "reshared the same post"

    def actions_sql(self) -> str:
        return f"""
            SELECT platform || ':' || reshare_of AS key, aid, pid, {TS_SQL} AS ts,
                   NULL::VARCHAR AS variant
            FROM posts WHERE reshare_of IS NOT NULL
        """

    def describe_key(self) -> str:
        return "reshared post"
