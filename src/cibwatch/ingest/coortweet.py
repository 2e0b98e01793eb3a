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
from .convert import Col, Const, Expr, Source, quote_ident, sql_str

__all__ = ["COORTWEET", "COORTWEET_WIDE", "OBJECT_FIELDS"]

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


@dataclass(frozen=True)
class _CooRTweetWide(Format):
    def mapping(self, header: set[str], platform: str | None) -> dict[str, Source]:
        acc = quote_ident("account_id")

        def cell(col: str) -> str:  # an empty cell is no value
            return f"nullif(trim(CAST({quote_ident(col)} AS VARCHAR)), '')"

        dom, url = cell("domain_id"), cell("url_id")
        plat = (sql_str(platform) if platform else
                f"CASE WHEN starts_with({acc}, 'fb_') THEN 'facebook' "
                f"WHEN starts_with({acc}, 'tw_') THEN 'twitter' ELSE 'unknown' END")
        m: dict[str, Source] = {
            "platform": Expr(plat),
            "post_id": Col("post_id"),
            "account_id": Col("account_id"),
            "created_at": Col("timestamp"),
        }
        if "url_id" in header or "domain_id" in header:
            d = dom if "domain_id" in header else "NULL"
            u = url if "url_id" in header else "NULL"
            m["urls"] = Expr(
                f"CASE WHEN {d} IS NULL AND {u} IS NULL THEN NULL "
                f"ELSE 'https://d' || coalesce({d}, 'x') || '.anon/' || coalesce({u}, '') END")
        if "hashtag_id" in header:
            m["hashtags"] = Expr(f"'h' || {cell('hashtag_id')}")
        if "phash_id" in header:
            m["media"] = Expr(f"'phash:' || {cell('phash_id')}")
        return m


#: CooRTweet's multimodal example layout (``german_elections``): one row per post and object,
#: with anonymised ids of the URL, hashtag, domain and image hash; account ids carry the
#: platform (``fb_``, ``tw_``). URLs become ``https://d<domain_id>.anon/<url_id>`` so that the
#: URL trace compares URL ids and the domain trace domain ids; a row with a domain and no URL
#: becomes the domain's front page (``https://d<domain_id>.anon/``); hashtags ``h<id>``, image
#: hashes ``phash:<id>``. Rows of a post are merged (its hashtags in row order).
COORTWEET_WIDE = _CooRTweetWide(
    name="coortweet-wide",
    kind="posts",
    description="CooRTweet multimodal layout: account_id, post_id, url_id, hashtag_id, "
    "domain_id, phash_id, timestamp (one row per post and object)",
    signature=frozenset({"account_id", "post_id", "timestamp"}),
    excludes=frozenset({"created_at"}),
    merge_rows=True,
    reference="https://github.com/nicolarighetti/CooRTweet (R/data.R, german_elections)",
    priority=15,
)
