"""Hashtag sequence: accounts posting the same ordered hashtags within the window.

Pacheco et al. (ICWSM 2021) and Luceri et al. (WWW 2024): a scripted post carries the same
hashtags in the same order; a single popular hashtag says little, so posts need at least
``min_hashtags`` of them. Hashtags are compared without '#' and in lower case. Key: the
sequence (comparable across platforms). Cost: one action per qualifying post.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..engine import dialect
from ..normalize import hashtag_sql
from .base import TS_SQL, Trace

__all__ = ["HashtagSequence"]


@dataclass(frozen=True)
class HashtagSequence(Trace):
    """Same ordered hashtags (at least ``min_hashtags``) by different accounts within the window.

    Parameters
    ----------
    min_hashtags:
        Fewest hashtags a post needs for its sequence to count (default 2).
    """

    name: ClassVar[str] = "hashtag_seq"
    summary: ClassVar[str] = "used the same hashtag sequence"
    cross_platform: ClassVar[bool] = True
    min_hashtags: int = 2

    def actions_sql(self) -> str:
        tags = dialect.list_filter(dialect.list_transform("hashtags", "h", hashtag_sql("h")), "h",
                                   "h <> ''")
        return f"""
            SELECT array_to_string(tags, ' ') AS key, aid, pid, ts, NULL::VARCHAR AS variant
            FROM (SELECT {tags} AS tags, aid, pid, {TS_SQL} AS ts
                  FROM posts WHERE len(hashtags) >= {int(self.min_hashtags)})
            WHERE len(tags) >= {int(self.min_hashtags)}
        """

    def describe_key(self) -> str:
        return "hashtag sequence"
