"""FiveThirtyEight's Russian troll tweets (Clemson University; Linvill and Warren, 2018).

The original CSV has ``external_author_id, author, content, region, language, publish_date,
harvested_date, following, followers, updates, post_type, account_type, retweet,
account_category, ..., tweet_id``; the by-author Parquet split kept in ``../shared/data/ira``
has ``author_id`` and no ``tweet_id``. See
https://github.com/fivethirtyeight/russian-troll-tweets.

Mapping: author (or author_id) -> account_id, publish_date -> created_at (the source does not
document its time zone; taken as UTC; the original CSV writes it month/day/year,
``10/1/2017 19:58``, read as such: :data:`US_DATE_FORMATS`), content -> text, language -> lang. The layout has no
post id when ``tweet_id`` is missing: post_id is then ``<author>#<row>``, the row number in the
file (stable for a given file). Retweets (``post_type`` RETWEET or R) carry the original
tweet's text but not its id: ``reshare_of`` is then ``text:`` + the MD5 of that text, so that
retweets of the same tweet share a target. URLs, hashtags and @mentions are not columns of the
layout and are taken from the text (``https?://...``, ``#word``, ``@word``); the URLs are t.co
links only. Quote tweets are posts of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from .base import Format
from .convert import Col, Const, Expr, Source, quote_ident, sql_str

__all__ = ["IRA"]

#: The original CSV's dates: month/day/year, 24-hour clock (``10/1/2017 19:58``).
US_DATE_FORMATS = ("%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S")


def _us_date(col: str) -> str:
    """SQL: a ``M/D/YYYY H:MM`` date as ISO 8601 text; any other value as it is (ISO 8601
    text, a Parquet timestamp), for the converter to read."""
    v = f"trim(CAST({col} AS VARCHAR))"
    fmts = "[" + ", ".join(sql_str(f) for f in US_DATE_FORMATS) + "]"
    return (f"CASE WHEN regexp_matches({v}, '^[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]{{4}}') THEN "
            f"coalesce(strftime(try_strptime({v}, {fmts}), '%Y-%m-%dT%H:%M:%S'), {v}) "
            f"ELSE {v} END")


#: A URL in tweet text: up to white space or a quote, without trailing punctuation.
_URL_RE = r"""https?://[^\s'"<>]*[^\s'"<>.,;:!?)]"""


@dataclass(frozen=True)
class _Ira(Format):
    def _author(self, header: set[str]) -> str:
        return "author_id" if "author_id" in header else "author"

    def mapping(self, header: set[str], platform: str | None) -> dict[str, Source]:
        author = quote_ident(self._author(header))
        content = quote_ident("content")
        m: dict[str, Source] = {
            "platform": Const(platform or self.default_platform),
            "account_id": Col(self._author(header)),
            "created_at": Expr(_us_date(quote_ident("publish_date"))),
            "text": Col("content"),
            "urls": Expr(
                f"array_to_string(regexp_extract_all({content}, {sql_str(_URL_RE)}), ' ')"
            ),
            "hashtags": Expr(
                rf"array_to_string(regexp_extract_all({content}, '#([\p{{L}}\p{{N}}_]+)', 1), ' ')"
            ),
            "mentions": Expr(
                rf"array_to_string(regexp_extract_all({content}, '@([A-Za-z0-9_]+)', 1), ' ')"
            ),
        }
        if "tweet_id" in header:
            m["post_id"] = Col("tweet_id")
        else:
            m["post_id"] = Expr(f"{author} || '#' || CAST(_line AS VARCHAR)")
        if "language" in header:
            m["lang"] = Col("language")
        if "post_type" in header:
            pt = f"upper(trim(CAST({quote_ident('post_type')} AS VARCHAR)))"
            m["reshare_of"] = Expr(
                f"CASE WHEN {pt} IN ('RETWEET', 'R') THEN 'text:' || md5({content}) END"
            )
        return m

    def account_mapping(self, header: set[str], platform: str | None) -> dict[str, Source] | None:
        m: dict[str, Source] = {
            "platform": Const(platform or self.default_platform),
            "account_id": Col(self._author(header)),
            "handle": Col(self._author(header)),
        }
        for field, col in (("followers", "followers"), ("following", "following"),
                           ("location", "region")):
            if col in header:
                m[field] = Col(col)
        return m


IRA = _Ira(
    name="ira",
    kind="posts",
    description="FiveThirtyEight IRA troll tweets: author, content, publish_date, language, "
    "post_type, followers, following, region (CSV or the by-author Parquet split)",
    signature=frozenset({"content", "publish_date", "harvested_date"}),
    default_platform="twitter",
    reference="https://github.com/fivethirtyeight/russian-troll-tweets",
    priority=20,
)
