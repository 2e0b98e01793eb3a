"""CrowdTangle CSV exports (historical data and saved searches) of Facebook Pages, Groups and
Instagram accounts.

Layout, from the CrowdTangle codebook (https://help.crowdtangle.com/en/articles/3213537-
crowdtangle-codebook) and the columns of its CSV downloads: ``Page Name`` (``Group Name`` for
Groups, ``Account`` for Instagram), ``User Name``, ``Facebook Id``, ``Page Category``, ``Page
Admin Top Country``, ``Page Description``, ``Page Created``, ``Likes at Posting``,
``Followers at Posting``, ``Post Created`` (``2021-03-01 12:34:56 EST``: the dashboard's time
zone, by abbreviation), ``Post Created Date``, ``Post Created Time``, ``Type``, the
interaction counts, ``URL`` (the post), ``Message`` (the post text; ``Description`` holds an
Instagram caption), ``Link`` and ``Final Link`` (the link shared, and where it leads),
``Image Text``, ``Link Text``, ``Description``, ``Sponsor Id``/``Name``. CrowdTangle closed in
August 2024; its exports remain the largest archive of Facebook and Instagram page activity.

Mapping: the last path segment of ``URL`` (the Facebook post or video id, the Instagram
shortcode) -> post_id; ``Facebook Id`` (else ``User Name``) -> account_id; ``Post Created`` ->
created_at (its zone abbreviation read from a fixed table of offsets, see
:data:`ZONE_OFFSETS`; an abbreviation not in it is reported, never guessed: ``IST`` or ``BST``
mean different zones to different libraries); ``Message`` (else ``Description``) -> text;
``Final Link`` (else ``Link``) and the URLs written in the text -> urls; ``#hashtags`` and
``@handles`` in the text -> hashtags, mentions. Platform: ``instagram`` when the post URL is
on instagram.com, else ``facebook`` (``--platform`` overrides). The page, group or account ->
derived account: ``User Name`` -> handle, ``Page Name``/``Group Name``/``Account`` ->
display_name, ``Page Created`` -> created_at, ``Followers at Posting`` -> followers, ``Page
Description`` -> bio.

Not available from CrowdTangle: reshares as such (a shared Facebook post is a ``Link`` to
it, kept in urls), replies and comments, language, media ids (``Type`` only), following
counts. Not mapped: interaction counts, ``Page Admin Top Country`` (where the admins are, not
a self-reported location), ``Image Text``, ``Link Text``, sponsors.
"""

from __future__ import annotations

from dataclasses import dataclass

from .base import Format
from .convert import Col, Const, Expr, Source, quote_ident, sql_str
from .jsonformat import URL_RE

__all__ = ["CROWDTANGLE", "ZONE_OFFSETS", "zone_time_sql"]

#: UTC offsets of the zone abbreviations dashboards print (North America, Europe, Asia-Pacific).
ZONE_OFFSETS: dict[str, str] = {
    "UTC": "+00:00", "GMT": "+00:00", "Z": "+00:00", "WET": "+00:00", "WEST": "+01:00",
    "BST": "+01:00", "CET": "+01:00", "CEST": "+02:00", "EET": "+02:00", "EEST": "+03:00",
    "MSK": "+03:00", "EST": "-05:00", "EDT": "-04:00", "CST": "-06:00", "CDT": "-05:00",
    "MST": "-07:00", "MDT": "-06:00", "PST": "-08:00", "PDT": "-07:00", "AKST": "-09:00",
    "AKDT": "-08:00", "HST": "-10:00", "AEST": "+10:00", "AEDT": "+11:00", "ACST": "+09:30",
    "ACDT": "+10:30", "AWST": "+08:00", "NZST": "+12:00", "NZDT": "+13:00", "JST": "+09:00",
    "KST": "+09:00", "HKT": "+08:00", "SGT": "+08:00", "PHT": "+08:00", "WIB": "+07:00",
    "ICT": "+07:00", "PKT": "+05:00", "SAST": "+02:00", "WAT": "+01:00", "EAT": "+03:00",
    "BRT": "-03:00", "ART": "-03:00",
}


def zone_time_sql(col: str) -> str:
    """SQL: a time ending in a zone abbreviation, with the abbreviation replaced by its offset
    (text the converter reads); an unknown abbreviation gives text naming it (reported)."""
    v = f"trim(CAST({quote_ident(col)} AS VARCHAR))"
    abbr = f"regexp_extract({v}, '\\s([A-Za-z]{{1,5}})$', 1)"
    cases = " ".join(f"WHEN {sql_str(k)} THEN {sql_str(o)}" for k, o in ZONE_OFFSETS.items())
    offset = f"CASE upper({abbr}) {cases} END"
    return (f"CASE WHEN {abbr} = '' THEN {v} "
            f"WHEN ({offset}) IS NULL THEN 'unknown time zone ' || {abbr} || ' in ' || {v} "
            f"ELSE regexp_replace({v}, '\\s[A-Za-z]{{1,5}}$', '') || ({offset}) END")


def _first(header: set[str], *cols: str) -> str | None:
    return next((c for c in cols if c in header), None)


@dataclass(frozen=True)
class _CrowdTangle(Format):
    def matches(self, header: set[str]) -> bool:
        return self.signature <= header and bool({"Facebook Id", "User Name"} & header)

    def _account(self, header: set[str]) -> str:
        return _first(header, "Facebook Id", "User Name") or "User Name"

    def _platform(self, platform: str | None) -> Source:
        if platform:
            return Const(platform)
        url = quote_ident("URL")
        return Expr(f"CASE WHEN {url} ILIKE '%instagram.com/%' THEN 'instagram' "
                    "ELSE 'facebook' END")

    def mapping(self, header: set[str], platform: str | None) -> dict[str, Source]:
        url = quote_ident("URL")
        text_col = _first(header, "Message", "Description")
        text = f"coalesce(CAST({quote_ident(text_col)} AS VARCHAR), '')" if text_col else "''"
        link_col = [quote_ident(c) for c in ("Final Link", "Link") if c in header]
        cells = ", ".join(f"nullif(trim(CAST({c} AS VARCHAR)), '')" for c in link_col)
        link = f"coalesce({cells})" if link_col else "NULL"
        urls = (f"list_filter(list_prepend({link}, regexp_extract_all({text}, {sql_str(URL_RE)})), "
                "lambda x: x IS NOT NULL)")
        m: dict[str, Source] = {
            "platform": self._platform(platform),
            "post_id": Expr(f"nullif(regexp_extract(trim({url}), '([^/?#]+)/*(?:[?#].*)?$', 1), '')"),
            "account_id": Col(self._account(header)),
            "created_at": Expr(zone_time_sql("Post Created")),
            "urls": Expr(f"list_filter({urls}, lambda x, i: list_position({urls}, x) = i)",
                         kind="list"),
            "hashtags": Expr(
                rf"regexp_extract_all({text}, '(?:^|[^\p{{L}}\p{{N}}_&/#])#([\p{{L}}\p{{N}}_]+)', 1)",
                kind="list"),
            "mentions": Expr(
                rf"regexp_extract_all({text}, '(?:^|[^\p{{L}}\p{{N}}_.@])@([\p{{L}}\p{{N}}_.]*[\p{{L}}\p{{N}}_])', 1)",
                kind="list"),
        }
        if text_col:
            m["text"] = Col(text_col)
        return m

    def account_mapping(self, header: set[str], platform: str | None) -> dict[str, Source] | None:
        m: dict[str, Source] = {"platform": self._platform(platform),
                                "account_id": Col(self._account(header))}
        name = _first(header, "Page Name", "Group Name", "Account")
        for field, col in (("handle", "User Name"), ("display_name", name),
                           ("followers", "Followers at Posting"), ("bio", "Page Description")):
            if col and col in header:
                m[field] = Col(col)
        if "Page Created" in header:
            m["created_at"] = Expr(zone_time_sql("Page Created"))
        return m


CROWDTANGLE = _CrowdTangle(
    name="crowdtangle",
    kind="posts",
    description="CrowdTangle CSV export (Facebook Pages and Groups, Instagram): Page Name, "
    "User Name, Facebook Id, Post Created, Type, URL, Message, Link, Final Link, ...",
    signature=frozenset({"Post Created", "URL", "Type"}),
    reference="https://help.crowdtangle.com/en/articles/3213537-crowdtangle-codebook",
    priority=30,
)
