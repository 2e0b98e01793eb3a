"""Co-domain: accounts linking to the same web site (not the same page) within the window.

Off by default: big sites (youtube.com, nytimes.com) are shared by everyone all the time, so
the trace is only useful on small or operation-owned domains (DOMAIN.md's "cross-platform
seeding" of an operation's own articles). Pairs sharing the very same URL are left to the URL
trace (``variant`` = the canonical URL), so the two traces count disjoint evidence. Key: the
host of the canonical URL, without ``www.``. Cost: one action per distinct host per post.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..normalize import canonical_url_sql, url_host_sql
from .base import TS_SQL, Trace

__all__ = ["CoDomain"]


@dataclass(frozen=True)
class CoDomain(Trace):
    """Same web host, different URL, by different accounts within the window."""

    name: ClassVar[str] = "domain"
    summary: ClassVar[str] = "linked to the same web site"
    default: ClassVar[bool] = False
    cross_platform: ClassVar[bool] = True

    def actions_sql(self) -> str:
        raw = f"(SELECT unnest(urls) AS u, aid, pid, {TS_SQL} AS ts FROM posts WHERE len(urls) > 0)"
        return f"""
            SELECT host AS key, aid, pid, ts, canonical AS variant
            FROM (SELECT DISTINCT {url_host_sql('canonical')} AS host, canonical, aid, pid, ts
                  FROM ({canonical_url_sql(raw, keep=("u", "aid", "pid", "ts"))}) AS c WHERE canonical IS NOT NULL) AS h
            WHERE host <> ''
            QUALIFY row_number() OVER (PARTITION BY host, pid ORDER BY canonical) = 1
        """

    def describe_key(self) -> str:
        return "web site"
