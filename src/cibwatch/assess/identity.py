"""Identity reuse: the same profile image, bio or display name across a network's accounts.

DISARM T0145.001 Copy Account Imagery; DOMAIN.md: "reused, stock, animal or AI-generated
profile pictures; formulaic names". Per network: members whose profile image hash is also
another member's (an image shared by more than ``max_common`` accounts in the whole store is a
platform default, not a reuse), members sharing a non-empty bio word for word with at least
two others, and claimed locations (for the clock's mismatch test, in :mod:`.clock`).

Cost: group-bys over the members' account rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["IdentityReuse"]


@dataclass
class IdentityReuse:
    """Image and bio reuse per network.

    Parameters
    ----------
    min_reused:
        Least members with a reused image (or a repeated bio) that counts (default 3).
    min_bio_copies:
        A bio is repeated when at least this many members have it word for word (default 3;
        an image is reused as soon as two members share it).
    max_common:
        An image used by more accounts than this in the store is a default avatar (default 50).
    """

    min_reused: int = 3
    max_common: int = 50
    min_bio_copies: int = 3
    results_: dict[str, dict[str, Any]] = field(default_factory=dict, init=False)

    def fit(self, store: Store) -> IdentityReuse:
        images = dict(store.fetchall(
            f"""
            WITH img AS (
              SELECT profile_image_hash AS h FROM accounts
              WHERE coalesce(profile_image_hash, '') <> ''
              GROUP BY 1 HAVING count(*) <= {int(self.max_common)}),
            mi AS (
              SELECT m.network_id, m.aid, a.profile_image_hash AS h
              FROM members m JOIN accounts a USING (aid)
              SEMI JOIN img ON img.h = a.profile_image_hash),
            shared AS (SELECT network_id, h FROM mi GROUP BY 1, 2 HAVING count(*) >= 2)
            SELECT mi.network_id, count(*) FROM mi SEMI JOIN shared USING (network_id, h)
            GROUP BY 1
            """
        ))
        bios = dict(store.fetchall(
            f"""
            SELECT network_id, sum(n) FROM (
              SELECT m.network_id, a.bio, count(*) AS n FROM members m JOIN accounts a USING (aid)
              WHERE coalesce(trim(a.bio), '') <> '' GROUP BY 1, 2
              HAVING count(*) >= {int(self.min_bio_copies)})
            GROUP BY network_id
            """
        ))
        self.results_ = {}
        for (nid,) in store.fetchall("SELECT network_id FROM networks ORDER BY 1"):
            img = int(images.get(nid, 0))
            bio = int(bios.get(nid, 0))
            self.results_[nid] = {
                "image_reused": img,
                "images": img >= self.min_reused,
                "bio_repeated": bio,
                "bios": bio >= self.min_reused,
            }
        return self
