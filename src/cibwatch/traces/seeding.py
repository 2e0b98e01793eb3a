"""Link seeding: accounts sharing a link that another account had posted first.

DOMAIN.md's cross-platform seeding: an operation publishes a video or an article on one
platform (its YouTube channel, its Medium blog, its own site) and its accounts elsewhere push
the link in the following hours or days. The first post of a link in the data is its *seed*; an
action of this trace pairs the seed with each later share within the window (three days by
default: an operation keeps pushing its content for days), and
never two later shares with each other (``variant``: that is the URL trace's business). Links
shared by more than ``max_accounts`` accounts are left out: a viral article's first sharer is
not its publisher, and its crowd says nothing about anyone in particular. Key: the canonical URL
(comparable across platforms). Cost: the URL trace's, on the links shared by few accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..normalize import canonical_url_sql
from .base import TS_SQL, Trace

__all__ = ["LinkSeeding"]


@dataclass(frozen=True)
class LinkSeeding(Trace):
    """A link's first poster and its later sharers, within the window.

    Parameters
    ----------
    max_accounts:
        Links shared by more accounts than this are left out (default 50).
    """

    name: ClassVar[str] = "url_seed"
    summary: ClassVar[str] = "shared a link the other account had posted first"
    cross_platform: ClassVar[bool] = True
    windows: ClassVar[tuple[float, ...]] = (3 * 86400.0,)
    max_accounts: int = 50

    def actions_sql(self) -> str:
        raw = f"(SELECT unnest(urls) AS u, aid, pid, {TS_SQL} AS ts FROM posts WHERE len(urls) > 0)"
        return f"""
            WITH s AS (
              SELECT DISTINCT canonical AS key, aid, pid, ts
              FROM ({canonical_url_sql(raw, keep=("u", "aid", "pid", "ts"))}) AS c WHERE canonical IS NOT NULL),
            k AS (
              SELECT key FROM s GROUP BY key
              HAVING COUNT(DISTINCT aid) BETWEEN 2 AND {int(self.max_accounts)})
            SELECT s.key, s.aid, s.pid, s.ts,
                   CASE WHEN ROW_NUMBER() OVER (PARTITION BY s.key ORDER BY s.ts, s.pid) = 1
                        THEN 'seed' ELSE 'share' END AS variant
            FROM s SEMI JOIN k USING (key)
        """

    def describe_key(self) -> str:
        return "seeded link"
