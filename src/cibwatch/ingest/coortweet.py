"""CooRTweet's input layout: ``object_id, account_id, content_id, timestamp_share``.

One row per (post, shared object); see CooRTweet's ``detect_groups`` documentation. The object
is what accounts co-share; CooRTweet does not say what kind of thing it is, so the adapter
takes it as the post's reshare target (``reshare_of``) by default, as in CooRTweet's bundled
``russian_coord_tweets`` ("ID of retweeted content"). ``--object-as url|hashtag|media`` reads
it as a URL, hashtag or media id instead (several rows of one post then make one list).

Rows of the same ``content_id`` are merged into one post. A post can have only one reshare
target: a second row of a post naming another object is written to the rejects file (CooRTweet
itself would count it as a second share of the same post).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConfigError
from .base import Format
from .convert import Col, Const, Source

__all__ = ["COORTWEET", "OBJECT_FIELDS"]

#: What ``--object-as`` may name, and the canonical field each maps to.
OBJECT_FIELDS = {"reshare": "reshare_of", "url": "urls", "hashtag": "hashtags", "media": "media"}


@dataclass(frozen=True)
class _CooRTweet(Format):
    object_as: str = "reshare"

    def mapping(self, header: set[str], platform: str | None) -> dict[str, Source]:
        if self.object_as not in OBJECT_FIELDS:
            raise ConfigError(
                f"unknown object kind {self.object_as!r}",
                remedy="choosing one of " + ", ".join(OBJECT_FIELDS),
            )
        return {
            "platform": Const(platform or self.default_platform),
            "post_id": Col("content_id"),
            "account_id": Col("account_id"),
            "created_at": Col("timestamp_share"),
            OBJECT_FIELDS[self.object_as]: Col("object_id"),
        }


COORTWEET = _CooRTweet(
    name="coortweet",
    kind="posts",
    description="CooRTweet: object_id, account_id, content_id, timestamp_share "
    "(one row per post and shared object)",
    signature=frozenset({"object_id", "account_id", "content_id", "timestamp_share"}),
    default_platform="twitter",
    merge_rows=True,
    reference="https://github.com/nicolarighetti/CooRTweet (R/detect_groups.R)",
    priority=20,
)
