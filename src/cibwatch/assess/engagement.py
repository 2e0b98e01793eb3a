"""Engagement from inside: who reshares and replies to a network's posts.

DOMAIN.md: "likes, replies and reshares come almost only from other members; followers mostly
fake"; Meta and Graphika on Spamouflage: "very low authentic engagement" ("failed to break
out"). Per network: the reshares and replies its members' posts received in the store, and the
share of them made by the network's own members; the members' median follower count.

Cost: one join of the posts on their reshare and reply targets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["InwardEngagement"]


@dataclass
class InwardEngagement:
    """Inward engagement per network.

    Parameters
    ----------
    min_received:
        Least reshares and replies received before the share means anything (default 10).
    min_inward:
        Share of them from members that counts as inward (default 0.8).
    """

    min_received: int = 10
    min_inward: float = 0.8
    results_: dict[str, dict[str, Any]] = field(default_factory=dict, init=False)

    def fit(self, store: Store) -> InwardEngagement:
        rows = store.fetchall(
            """
            WITH mp AS (
              SELECT m.network_id, p.platform, p.post_id FROM members m JOIN posts p USING (aid)),
            got AS (
              SELECT mp.network_id, r.aid AS from_aid FROM posts r
              JOIN mp ON mp.platform = r.platform AND r.reshare_of = mp.post_id
              UNION ALL
              SELECT mp.network_id, r.aid AS from_aid FROM posts r
              JOIN mp ON mp.platform = r.platform AND r.reply_to = mp.post_id
              WHERE r.reshare_of IS DISTINCT FROM r.reply_to)
            SELECT g.network_id, count(*) AS received,
                   count(*) FILTER (WHERE m2.network_id = g.network_id) AS inward
            FROM got g LEFT JOIN members m2 ON m2.aid = g.from_aid
            GROUP BY g.network_id
            """
        )
        got = {r[0]: (int(r[1]), int(r[2])) for r in rows}
        followers = dict(store.fetchall(
            "SELECT m.network_id, median(a.followers) FROM members m JOIN accounts a USING (aid) "
            "WHERE a.followers IS NOT NULL GROUP BY 1"))
        self.results_ = {}
        for (nid,) in store.fetchall("SELECT network_id FROM networks ORDER BY 1"):
            received, inward = got.get(nid, (0, 0))
            share = inward / received if received else 0.0
            self.results_[nid] = {
                "received": received,
                "inward": inward,
                "inward_share": round(share, 3),
                "inward_flag": received >= self.min_received and share >= self.min_inward,
                "median_followers": followers.get(nid),
            }
        return self
