"""Co-reply: accounts replying to the same post within the window.

QUT's co_reply; DOMAIN.md's "reply flooding" under a critic's post. Key: the platform and the
``reply_to`` post id. Cost: one action per reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from .base import TS_SQL, Trace

__all__ = ["CoReply"]


@dataclass(frozen=True)
class CoReply(Trace):
    """Same ``reply_to`` by different accounts within the window."""

    name: ClassVar[str] = "reply"
    summary: ClassVar[str] = "replied to the same post"

    def actions_sql(self) -> str:
        return f"""
            SELECT platform || ':' || reply_to AS key, aid, pid, {TS_SQL} AS ts,
                   NULL::VARCHAR AS variant
            FROM posts WHERE reply_to IS NOT NULL
        """

    def describe_key(self) -> str:
        return "replied-to post"
