"""Read published indicator files into typed, refanged indicators.

This is the parsing half of ``cibwatch indicators import FILE``: it turns a takedown's
published indicators into :class:`Indicator` records (accounts with their platform, URLs,
domains, hashtags, texts, IPs, e-mail addresses) and keeps the report's facts ("7,704
Facebook accounts") apart, so that they are never used as seeds. Nothing is dropped silently:
a row that cannot be understood becomes a reject ``(line, field, message)``; a row that by
design carries no indicator (a kill-chain procedure without an indicator, a STIX report or
relationship object) is listed in :attr:`IndicatorSet.skipped`.

Layouts (``fmt``)
-----------------
``meta-csv``
    Meta's 2020-22 CSV ``indicator_type,indicator_value,comment,ds``. Types ``domain_name``,
    ``url``, ``cib_url``, ``phishing_url``, ``telegram_url`` and ``ip`` are imported; file
    hashes (``md5``, ``sha256``) and app ids (``android_package_name``, ``ios_app_id``) are
    not social-media indicators and become rejects naming the type.
``meta-ttp``
    Meta's 2023- CSV ``Tactic,Technique,Procedure,Indicator[,Note|Notes|Comments]`` coded to
    the Online Operations Kill Chain. Header names are matched after trimming (Meta writes
    ``"Tactic "``) and any fifth column is the note. The Indicator cell holds anything: a
    profile URL, an article URL, a domain, an IP, a hashtag, an article title, a persona name,
    a count ("7,704 Facebook accounts") or a sentence describing the network; the kind is
    read from the value itself (see *Classification*).
``meta-md``
    Meta's 2025- Markdown pages with a table ``| Indicator Type | Indicator Value |``; the
    value is in back-ticks. Types ``Domain``, ``Proxy IP``, ``URL`` and ``Social Media
    Account`` steer the classification; prose outside the table is ignored.
``stix``
    A STIX 2.1 bundle (or a bare list of objects). Indicators with STIX patterns
    (``[domain-name:value = '...']``, ``[url:value = '...']``,
    ``[user-account:account_login = '...' AND user-account:account_type = 'twitter']``,
    ``ipv4-addr``, ``ipv6-addr``, ``email-addr``) are parsed with the ``stix2`` library's
    pattern parser; observables ``user-account`` (``account_login`` or ``user_id``, platform
    from ``x_cibwatch_platform`` or ``account_type``), ``domain-name``, ``url``,
    ``ipv4-addr``, ``ipv6-addr``, ``email-addr`` are read directly, as are OpenCTI's
    ``channel`` (an account named like ``x.com/handle``) and ``media-content`` (a post URL)
    used in Graphika's bundles. Other domain objects (reports, identities, relationships,
    attack patterns ...) are skipped; other observables (files, processes ...) are rejected.
``list``
    One value per line: ``@handle``, ``platform:handle`` (e.g. ``twitter:@foo``), profile or
    post URLs, other URLs, domains, ``#hashtags``, IPs, e-mail addresses; anything else is
    text. A line is a comment only when it is ``#`` alone or starts with ``#`` followed by
    white space (``# like this``): ``#word`` is a hashtag. Blank lines are ignored.
``seeds``
    The seeds CSV this module writes (:meth:`IndicatorSet.seeds_rows`): ``type,value,platform``.

Classification
--------------
Every value is refanged first (:func:`refang`). A profile URL becomes an account
(:func:`account_from_url`); a URL that points *into* an account (a post, a video, a blog entry,
``x.com/h/status/1``) yields both the account and the URL; other URLs stay URLs (subreddits and
Quora Spaces are communities, not accounts, so they stay URLs too); bare hosts are domains
(lower case, without ``www.``), and a blog host such as ``name.blogspot.com`` is both the
domain and the blog's account. A site root (``http://jgtm[.]org/``) is a domain when the file
says it is one (Markdown type ``Domain``, 2020-22 ``domain_name``, a kill-chain procedure about
domains). Meta's cells carry asides, which go to the note: ``jiraboom[.]pro (Hosted a spoof
...)``, ``URL [comment]``, ``info[at]x[.]com, hosted with ...``, ``URL\nredirects to: ...``;
a URL broken by a space (``.../status/1562640310273 921025``) is joined and the note says so;
a cell of several one-word lines gives one value per line. File hashes are rejected.

Free text is a fact or a text. Counts ("954 Facebook Pages", "About 3,800 accounts followed
...", "About $77,000 in spending for ads") are facts everywhere. In kill-chain files, sentences
about the network ("The network often used accounts ...", "they posted ...") are facts too;
under procedures about posting content (tactics 6 and 7, e.g. "6.1.3 Posting original content
on blogs") the rest is text (article titles), elsewhere sentences opening like Meta's TTP prose
("Posing as journalists", "Some of these Pages ...") or longer than eight words are facts and
short names (personas, brands, outlets) are text. In lists, Markdown and STIX only counts are
facts. The split is a heuristic: it only ever moves a value between fact and text, never to
or from an account, URL or domain; it was checked on every Meta file of 2020-2026 (all 273
article titles of the Spamouflage file stay text). Wholly blank CSV rows and blank lines are ignored.

Every indicator keeps its source file, its 1-based line (the CSV row's first line, the
Markdown table line, the list line, or the STIX object's 1-based index in ``objects``) and a
note (the kill-chain procedure and note, the 2020-22 comment, the Markdown type, or the STIX
object id). Order is file order; :attr:`IndicatorSet.indicators` keeps every occurrence while
:meth:`IndicatorSet.counts`, :meth:`IndicatorSet.by_platform` and
:meth:`IndicatorSet.seeds_rows` count or list distinct values.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from ..errors import FormatError, InputError

__all__ = [
    "FORMATS",
    "TYPES",
    "Indicator",
    "IndicatorSet",
    "account_from_url",
    "canonical_platform",
    "detect_format",
    "read_indicators",
    "refang",
]

TYPES: tuple[str, ...] = ("account", "url", "domain", "text", "hashtag", "ip", "email", "fact")
"""Indicator types, in the order :meth:`IndicatorSet.counts` reports them."""

FORMATS: tuple[str, ...] = ("auto", "meta-csv", "meta-ttp", "meta-md", "stix", "list", "seeds")
"""Values accepted by ``read_indicators(fmt=...)``."""

SEED_TYPES: frozenset[str] = frozenset(TYPES) - {"fact"}


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator (or one report fact) read from an indicator file.

    Attributes
    ----------
    type : str
        ``account``, ``url``, ``domain``, ``text``, ``hashtag``, ``ip``, ``email`` or ``fact``.
    value : str
        account: the handle or numeric id as published, without ``@`` (percent-escapes
        decoded); url: the refanged URL as published (scheme kept when there is one);
        domain: the lower-case host without ``www.``; hashtag: lower case without ``#``;
        text: as given; fact: the sentence, e.g. ``"7,704 Facebook accounts"``.
    platform : str or None
        For accounts, the canonical platform name (:func:`canonical_platform`), e.g.
        ``twitter`` for both twitter.com and x.com; for sites without a short name, the host
        without ``www.`` (``nairaland.com``). ``None`` for other types and for bare
        ``@handles`` whose platform the file does not say.
    source : str
        File name the indicator came from.
    line : int or None
        1-based line of the CSV row, Markdown table row or list line; for STIX, the 1-based
        index of the object in the bundle's ``objects``.
    note : str
        Comment, kill-chain procedure / note or Markdown type from the file; the STIX object
        id for STIX.
    """

    type: str
    value: str
    platform: str | None = None
    source: str = ""
    line: int | None = None
    note: str = ""


@dataclass
class IndicatorSet:
    """What one indicator file holds.

    Attributes
    ----------
    indicators : list of Indicator
        Seeds-to-be, in file order, every occurrence (a handle listed twice appears twice).
    facts : list of Indicator
        Report facts (``type == "fact"``): counts and descriptions. Never seeds.
    rejects : list of (int, str, str)
        ``(line, field, message)`` for every row or value that could not be understood or is
        of a kind cibwatch does not import (file hashes, app ids). ``line`` is 0 when the
        problem concerns the whole file.
    fmt : str
        The layout read (one of :data:`FORMATS` other than ``auto``).
    skipped : list of (int, str)
        ``(line, reason)`` for rows that carry no indicator by design: kill-chain procedures
        with an empty Indicator cell, STIX objects such as reports or relationships.
    """

    indicators: list[Indicator] = field(default_factory=list)
    facts: list[Indicator] = field(default_factory=list)
    rejects: list[tuple[int, str, str]] = field(default_factory=list)
    fmt: str = ""
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def distinct(self, type: str | None = None) -> list[Indicator]:
        """First occurrence of each distinct indicator, in file order.

        Accounts are the same when platform and case-folded handle are; other types when
        type, platform and value are.

        Parameters
        ----------
        type : str, optional
            Keep only this type (``"fact"`` reads :attr:`facts`).
        """
        pool = self.facts if type == "fact" else self.indicators
        seen: set[tuple[str, str, str]] = set()
        out: list[Indicator] = []
        for ind in pool:
            if type is not None and ind.type != type:
                continue
            key = _identity(ind)
            if key not in seen:
                seen.add(key)
                out.append(ind)
        return out

    def counts(self) -> dict[str, int]:
        """Number of distinct values per type (facts under ``"fact"``), types in :data:`TYPES`
        order, types without values left out."""
        tally: dict[str, int] = {}
        for ind in self.distinct():
            tally[ind.type] = tally.get(ind.type, 0) + 1
        n_facts = len(self.distinct("fact"))
        if n_facts:
            tally["fact"] = n_facts
        return {t: tally[t] for t in TYPES if t in tally}

    def by_platform(self) -> dict[str, int]:
        """Number of distinct accounts per platform (``"unknown"`` for bare handles), in
        order of first appearance."""
        tally: dict[str, int] = {}
        for ind in self.distinct("account"):
            key = ind.platform or "unknown"
            tally[key] = tally.get(key, 0) + 1
        return tally

    def seeds_rows(self) -> list[dict[str, str]]:
        """Rows for a seeds CSV with header ``type,value,platform``.

        One row per distinct indicator (facts never), in file order; accounts as
        ``type=account, value=handle, platform=...``; ``platform`` is empty for other types
        and for accounts of unknown platform.
        """
        return [{"type": i.type, "value": i.value, "platform": i.platform or ""}
                for i in self.distinct()]


def _identity(ind: Indicator) -> tuple[str, str, str]:
    value = ind.value.casefold() if ind.type in ("account", "email") else ind.value
    return ind.type, ind.platform or "", value


# --------------------------------------------------------------------------------------------
# Refanging and platform names
# --------------------------------------------------------------------------------------------

_FANGS: tuple[tuple[str, str], ...] = (
    (r"\[\s*\.\s*\]|\(\s*\.\s*\)|\{\s*\.\s*\}|\[dot\]|\(dot\)|\{dot\}", "."),
    (r"\[\s*:\s*\]|\(\s*:\s*\)|\{\s*:\s*\}", ":"),
    (r"\[://\]", "://"),
    (r"\[/\]", "/"),
    (r"\[at\]|\(at\)|\{at\}|\[@\]|\(@\)", "@"),
)
_FANG_RES = [(re.compile(p, re.IGNORECASE), r) for p, r in _FANGS]
_SCHEME_FANG = re.compile(r"\bh(?:xx|\[xx\]|\*\*|__)p(s?)(?=:)", re.IGNORECASE)
_FTP_FANG = re.compile(r"\bfxp(?=s?:)", re.IGNORECASE)
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def refang(s: str) -> str:
    """Undo the usual defanging of URLs, domains, IPs and e-mail addresses.

    ``[.]``, ``(.)``, ``{.}``, ``[dot]`` -> ``.``; ``[:]``, ``(:)``, ``{:}`` -> ``:``;
    ``[://]`` -> ``://``;
    ``[/]`` -> ``/``; ``[at]``, ``[@]`` -> ``@``; ``hxxp``, ``hXXp``, ``h[xx]p`` -> ``http``
    (only as a scheme, before ``:``); ``fxp`` -> ``ftp``. Zero-width characters are removed.
    Meta's files use ``[.]`` and ``hxxp`` (see the module docstring).

    Examples
    --------
    >>> refang("hxxps://twitter[.]com/foo")
    'https://twitter.com/foo'
    >>> refang("info[at]amc239[.]com")
    'info@amc239.com'
    """
    out = _INVISIBLE.sub("", s)
    for pattern, repl in _FANG_RES:
        out = pattern.sub(repl, out)
    out = _SCHEME_FANG.sub(lambda m: "http" + m.group(1).lower(), out)
    return _FTP_FANG.sub("ftp", out)


_PLATFORM_ALIASES: dict[str, str] = {
    "x": "twitter", "x.com": "twitter", "twitter.com": "twitter", "x / twitter": "twitter",
    "x/twitter": "twitter", "x (twitter)": "twitter", "twitter/x": "twitter",
    "fb": "facebook", "facebook.com": "facebook", "fb.com": "facebook", "meta": "facebook",
    "ig": "instagram", "insta": "instagram", "instagram.com": "instagram",
    "yt": "youtube", "youtube.com": "youtube", "youtu.be": "youtube",
    "tg": "telegram", "t.me": "telegram", "telegram.me": "telegram",
    "vk.com": "vk", "vkontakte": "vk", "vkontakte.ru": "vk",
    "tiktok.com": "tiktok", "reddit.com": "reddit", "medium.com": "medium",
    "quora.com": "quora", "pinterest.com": "pinterest", "blogger": "blogspot",
    "blogspot.com": "blogspot", "blogger.com": "blogspot", "tumblr.com": "tumblr",
    "vimeo.com": "vimeo", "soundcloud.com": "soundcloud", "livejournal.com": "livejournal",
    "lj": "livejournal", "wordpress.com": "wordpress", "github.com": "github",
    "flickr.com": "flickr", "linkedin.com": "linkedin", "weibo.com": "weibo",
    "threads.net": "threads", "truthsocial.com": "truthsocial", "truth social": "truthsocial",
    "gab.com": "gab", "gettr.com": "gettr", "rumble.com": "rumble", "dzen.ru": "dzen",
    "ok.ru": "ok", "odnoklassniki": "ok", "substack.com": "substack",
}


def canonical_platform(name: str | None) -> str | None:
    """Canonical lower-case platform name.

    ``X``, ``x.com``, ``twitter.com`` -> ``twitter``; ``fb`` -> ``facebook``; ``t.me`` ->
    ``telegram`` ...; a leading ``www.`` is dropped; unknown names are returned lower-cased.
    ``None`` or blank gives ``None``.
    """
    if name is None:
        return None
    key = " ".join(name.strip().lower().split())
    if not key:
        return None
    key = key.removeprefix("www.")
    return _PLATFORM_ALIASES.get(key, key)


# --------------------------------------------------------------------------------------------
# Profile URLs
# --------------------------------------------------------------------------------------------


class _Account(NamedTuple):
    platform: str
    handle: str
    root: bool  # True: the URL is the profile itself; False: a post/page inside the account


_HOST_RE = re.compile(r"(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\.)+[a-z][a-z0-9-]{1,62}", re.I)
_LANG_SUB = re.compile(r"[a-z]{2}(?:-[a-z]{2})?")
_SIMPLE_HANDLE = re.compile(r"[\w.\-]+")

_TW_RESERVED = frozenset({
    "i", "intent", "share", "home", "search", "hashtag", "explore", "settings", "messages",
    "notifications", "login", "logout", "signup", "tos", "privacy", "compose", "account",
    "download", "jobs", "about", "help", "rules", "lists", "topics", "communities", "web",
})
_TW_TABS = frozenset({"with_replies", "media", "likes", "followers", "following", "lists",
                      "highlights", "articles", "verified_followers", "superfollows"})
_FB_RESERVED = frozenset({
    "share", "sharer", "sharer.php", "watch", "groups", "events", "photo.php", "photo",
    "story.php", "permalink.php", "login", "login.php", "help", "hashtag", "marketplace",
    "gaming", "reel", "reels", "ads", "business", "policies", "privacy", "settings", "plugins",
    "dialog", "l.php", "media", "notes", "search", "home.php", "messages", "friends",
    "bookmarks", "pg", "stories", "video.php", "live", "fundraisers", "places", "legal",
    "terms", "about", "careers", "policy.php", "tr", "ajax", "hashtags", "recover",
    "checkpoint", "r.php", "photos",
})
_FB_TABS = frozenset({"about", "photos", "videos", "friends", "followers", "following",
                      "reviews", "community", "events", "mentions", "reels", "timeline", "info",
                      "about_contact_and_basic_info", "photos_by", "likes"})
_IG_RESERVED = frozenset({"p", "reel", "reels", "tv", "explore", "accounts", "stories", "direct",
                          "about", "developer", "legal", "web", "tags", "locations", "challenge"})
_IG_TABS = frozenset({"tagged", "reels", "saved", "followers", "following", "guides", "channel",
                      "feed"})
_YT_TABS = frozenset({"videos", "shorts", "streams", "playlists", "community", "featured", "about",
                      "channels", "live", "podcasts", "releases", "store", "search", "posts"})
_REDDIT_TABS = frozenset({"submitted", "comments", "overview", "posts", "about", "upvoted",
                          "gilded", "saved", "hidden", "downvoted"})
_QUORA_TABS = frozenset({"answers", "questions", "posts", "followers", "following", "edits",
                         "activity", "log", "spaces", "about", "shares"})
_MEDIUM_TABS = frozenset({"about", "followers", "following", "lists", "has-recommended"})
_MEDIUM_SUB_RESERVED = frozenset({"www", "help", "policy", "blog", "m", "cdn-images-1",
                                  "miro", "link", "api", "uxdesign", "story"})
_VIMEO_RESERVED = frozenset({
    "channels", "groups", "album", "showcase", "categories", "ondemand", "watch", "blog",
    "features", "upload", "search", "log_in", "join", "about", "help", "manage", "settings",
    "stock", "live", "create", "solutions", "enterprise", "pricing", "user", "video",
})
_VIMEO_TABS = frozenset({"videos", "likes", "followers", "following", "albums", "channels",
                         "groups", "about", "collections", "showcases"})
_PIN_RESERVED = frozenset({"pin", "search", "ideas", "today", "business", "categories", "_",
                           "settings", "login", "explore", "topics", "resource", "news_hub"})
_PIN_TABS = frozenset({"_created", "_saved", "pins", "boards", "followers", "following"})
_SC_RESERVED = frozenset({
    "discover", "stream", "search", "upload", "you", "charts", "pages", "terms-of-use",
    "mobile", "jobs", "tags", "messages", "notifications", "settings", "signin", "people",
    "imprint", "popular", "creators", "premium", "artists", "feed",
})
_SC_TABS = frozenset({"tracks", "albums", "sets", "reposts", "popular-tracks", "likes",
                      "followers", "following", "comments", "spotlight"})
_VK_RESERVED = frozenset({"wall", "video", "photo", "feed", "im", "search", "groups", "friends",
                          "audio", "login", "settings", "away.php", "share.php", "doc", "app",
                          "apps", "music", "clips", "clip", "market", "topic", "board", "note",
                          "album", "event", "id0", "join", "support", "dev", "about"})
_TG_RESERVED = frozenset({"joinchat", "addstickers", "share", "proxy", "socks", "iv", "login",
                          "setlanguage", "addemoji", "c", "addlist", "addtheme", "contact",
                          "boost", "invoice"})
_TUMBLR_RESERVED = frozenset({
    "dashboard", "explore", "tagged", "search", "login", "register", "settings", "likes",
    "following", "inbox", "new", "policy", "privacy", "help", "about", "docs", "apps", "jobs",
    "tips", "communities", "reblog", "blog", "tag", "post",
})
_TUMBLR_SUB_RESERVED = frozenset({"www", "api", "assets", "media", "static", "64", "help"})
_WP_SUB_RESERVED = frozenset({"www", "en", "public-api", "developer", "wordpress", "s",
                              "subscribe", "apps", "jetpack", "support", "learn", "botd"})
_GH_RESERVED = frozenset({
    "features", "topics", "about", "pricing", "login", "join", "marketplace", "explore",
    "settings", "sponsors", "collections", "trending", "search", "enterprise", "security",
    "site", "contact", "customer-stories", "readme", "events", "apps", "notifications", "new",
    "orgs", "organizations", "codespaces", "issues", "pulls",
})
_ARTSTATION_RESERVED = frozenset({"artwork", "learning", "marketplace", "jobs", "blogs",
                                  "search", "prints", "about", "contests", "challenges",
                                  "channels", "community"})
_NAIRALAND_RESERVED = frozenset({
    "search", "recent", "trending", "links", "register", "login", "politics", "romance",
    "jobs", "career", "business", "investment", "nysc", "education", "autos", "car-talk",
    "properties", "health", "travel", "family", "culture", "religion", "food", "diaries",
    "nairaland-ads", "pets", "agriculture", "entertainment", "jokes", "tv-movies",
    "music-radio", "celebrities", "fashion", "events", "sports", "gaming", "forum-games",
    "literature", "science", "technology", "programming", "webmasters", "computers", "phones",
    "art-graphics-video", "technology-market", "crime", "foreign-affairs", "feeds",
})
_SINGLE_SEGMENT_RESERVED = frozenset({
    "about", "help", "login", "signup", "register", "search", "settings", "terms", "privacy",
    "explore", "home", "index.html", "index.php", "contact", "faq", "blog", "news", "tags",
})
_GENERIC_TABS = frozenset({"posts", "forum-posts", "profile", "about", "activity", "answers",
                           "comments", "topics", "followers", "following", "overview",
                           "submitted", "videos", "photos", "likes", "reviews", "threads"})
_GENERIC_PROFILE_SEGMENTS = frozenset({"u", "user", "users", "member", "members", "profile",
                                       "profiles", "author", "authors"})
# Hosts whose profile is the first path segment (host.tld/NAME), by canonical platform name.
_SINGLE_SEGMENT_HOSTS: dict[str, str] = {
    "nairaland.com": "nairaland", "artstation.com": "artstation", "github.com": "github",
    "ameblo.jp": "ameblo", "cracked.io": "cracked.io", "gab.com": "gab",
    "linktr.ee": "linktree", "ok.ru": "ok", "weibo.com": "weibo", "rumble.com": "rumble",
}
# Blog hosts whose subdomain is the account (NAME.host).
_SUBDOMAIN_HOSTS: dict[str, str] = {
    "livejournal.com": "livejournal", "skyrock.com": "skyrock", "livedoor.blog": "livedoor",
    "substack.com": "substack", "over-blog.com": "overblog", "typepad.com": "typepad",
    "hatenablog.com": "hatena", "blog.jp": "livedoor", "weebly.com": "weebly",
}


def _strip_host(host: str) -> str:
    for prefix in ("www.", "m.", "mobile.", "web.", "mbasic.", "touch."):
        if host.startswith(prefix) and host.count(".") >= 2:
            return host[len(prefix):]
    return host


def _rest_is_root(rest: list[str], tabs: frozenset[str]) -> bool:
    return not rest or (len(rest) == 1 and rest[0].lower() in tabs)


def _parse_account(url: str) -> _Account | None:
    """Platform, handle and whether ``url`` is the profile itself; None when not a profile."""
    s = refang(url).strip()
    if not s or any(c.isspace() for c in s):
        return None
    if not re.match(r"[a-z][a-z0-9+.\-]*://", s, re.I):
        if not _HOST_RE.match(s.split("/", 1)[0].split("?", 1)[0]):
            return None
        s = "https://" + s
    try:
        parts = urlsplit(s)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if not host:
        return None
    segs = [unquote(p) for p in parts.path.split("/") if p]
    query = parse_qs(parts.query)
    return _dispatch(_strip_host(host), segs, query)


def _dispatch(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    handler = _HANDLERS.get(host)
    if handler is not None:
        return handler(host, segs, query)
    if re.fullmatch(r"(?:[a-z]{2}\.)?pinterest\.(?:com|[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})",
                    host):
        return _pinterest(host, segs, query)
    if re.fullmatch(r"[a-z]{2}\.quora\.com", host):
        return _quora(host, segs, query)
    base = host.split(".", 1)[1] if "." in host else ""
    sub = host.split(".", 1)[0]
    if re.fullmatch(r"blogspot\.(?:com|[a-z]{2}|co\.[a-z]{2}|com\.[a-z]{2})", base):
        return _Account("blogspot", sub, not segs)
    if base == "medium.com" and sub not in _MEDIUM_SUB_RESERVED:
        return _Account("medium", sub, _rest_is_root(segs, _MEDIUM_TABS))
    if base == "tumblr.com" and sub not in _TUMBLR_SUB_RESERVED:
        return _Account("tumblr", sub, not segs)
    if base == "wordpress.com" and sub not in _WP_SUB_RESERVED:
        return _Account("wordpress", sub, not segs)
    if base in _SUBDOMAIN_HOSTS and sub not in ("www", "m", "blog"):
        return _Account(_SUBDOMAIN_HOSTS[base], sub, _rest_is_root(segs, _GENERIC_TABS))
    if host in _SINGLE_SEGMENT_HOSTS:
        return _single_segment(_SINGLE_SEGMENT_HOSTS[host], segs, _SINGLE_SEGMENT_RESERVED)
    return _generic(host, segs, query)


def _single_segment(platform: str, segs: list[str], reserved: frozenset[str],
                    tabs: frozenset[str] = _GENERIC_TABS) -> _Account | None:
    if not segs or segs[0].lower() in reserved or segs[0].isdigit():
        return None
    return _Account(platform, segs[0], _rest_is_root(segs[1:], tabs))


# File hosts and link shorteners: their /u/ and User- paths are not profiles.
_NOT_PROFILE_HOSTS: tuple[str, ...] = (
    "google.com", "1drv.ms", "onedrive.live.com", "dropbox.com", "dropboxusercontent.com",
    "bit.ly", "rebrand.ly", "tinyurl.com", "cutt.ly", "t.co", "goo.gl", "ow.ly", "is.gd",
    "buff.ly", "chng.it", "shorturl.at", "rb.gy", "mega.nz", "mediafire.com", "tiny.cc",
    "lnkd.in", "grabify.link", "archive.org", "archive.ph", "archive.today",
)


def _generic(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    """Profile shapes shared by forum software and small sites; platform = host."""
    if any(host == h or host.endswith("." + h) for h in _NOT_PROFILE_HOSTS):
        return None
    q = {k.lower(): v[0] for k, v in query.items() if v}
    last = segs[-1].lower() if segs else ""
    # Discuz! (home.php?mod=space&uid=N, space-uid-N.html) and vBulletin (member.php?u=N).
    if last == "home.php" and q.get("mod") == "space" and q.get("uid", "").isdigit():
        return _Account(host, q["uid"], True)
    if last == "member.php" and q.get("u", "").isdigit():
        return _Account(host, q["u"], True)
    if last == "profile.php" and q.get("id"):
        return _Account(host, q["id"], True)
    for i, seg in enumerate(segs[:3]):
        m = re.fullmatch(r"space-uid-(\d+)\.html", seg)
        if m:
            return _Account(host, m.group(1), True)
        # MyBB "User-name" profile segment.
        if seg.startswith("User-") and len(seg) > 5:
            return _Account(host, seg[5:], _rest_is_root(segs[i + 1:], _GENERIC_TABS))
    for i, seg in enumerate(segs[:2]):
        if seg.startswith("@") and len(seg) > 1:  # Mastodon, Steemit, Truth Social, cont.ws
            return _Account(host, seg[1:], _rest_is_root(segs[i + 1:], _GENERIC_TABS))
    for i, seg in enumerate(segs[:3]):
        if seg.lower() in _GENERIC_PROFILE_SEGMENTS and i + 1 < len(segs):
            handle = segs[i + 1]
            if handle.lower() in ("me", "login", "edit", "settings"):
                return None
            return _Account(host, handle.rstrip("-"), _generic_root(segs[i + 2:]))
    return None


def _generic_root(rest: list[str]) -> bool:
    if _rest_is_root(rest, _GENERIC_TABS):
        return True
    # fanfiction.net/u/ID/name-slug: the slug is the profile's name.
    return len(rest) == 1 and not rest[0].isdigit() and "." not in rest[0]


def _twitter(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    if not segs:
        return None
    head = segs[0].lower()
    if head == "intent" and len(segs) >= 2 and segs[1] in ("user", "follow"):
        for key in ("user_id", "screen_name"):
            if query.get(key):
                return _Account("twitter", query[key][0].lstrip("@"), True)
        return None
    if head == "i" and len(segs) >= 3 and segs[1] == "user" and segs[2].isdigit():
        return _Account("twitter", segs[2], True)
    if head in _TW_RESERVED:
        return None
    handle = segs[0].lstrip("@")
    if not re.fullmatch(r"\w{1,50}", handle, re.ASCII):
        return None
    rest = segs[1:]
    return _Account("twitter", handle, _rest_is_root(rest, _TW_TABS))


def _tiktok(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    if host in ("vm.tiktok.com", "vt.tiktok.com") or not segs or not segs[0].startswith("@"):
        return None
    handle = segs[0][1:]
    if not handle:
        return None
    return _Account("tiktok", handle, _rest_is_root(segs[1:], frozenset()))


def _medium(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    if segs and segs[0].startswith("@") and len(segs[0]) > 1:
        return _Account("medium", segs[0][1:], _rest_is_root(segs[1:], _MEDIUM_TABS))
    if len(segs) >= 2 and segs[0] == "u":
        return _Account("medium", segs[1], len(segs) == 2)
    return None  # publications, /p/ articles, tags


def _reddit(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    if len(segs) >= 2 and segs[0].lower() in ("user", "u"):
        return _Account("reddit", segs[1], _rest_is_root(segs[2:], _REDDIT_TABS))
    return None  # subreddits (/r/...) are communities, not accounts


def _quora(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    sub = host.split(".", 1)[0] if host.count(".") >= 2 else ""
    if sub and not _LANG_SUB.fullmatch(sub):
        return None  # NAME.quora.com is a Quora Space (a community), not a profile
    if len(segs) >= 2 and segs[0].lower() == "profile":
        return _Account("quora", segs[1], _rest_is_root(segs[2:], _QUORA_TABS))
    return None


def _youtube(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    if host == "youtu.be" or not segs:
        return None
    if segs[0].startswith("@") and len(segs[0]) > 1:
        return _Account("youtube", segs[0][1:], _rest_is_root(segs[1:], _YT_TABS))
    if segs[0] in ("channel", "c", "user") and len(segs) >= 2:
        return _Account("youtube", segs[1], _rest_is_root(segs[2:], _YT_TABS))
    return None  # /watch, /shorts/ID, /playlist, /embed


def _facebook(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    if host == "fb.me":
        return _Account("facebook", segs[0], len(segs) == 1) if segs else None
    if not segs:
        return None
    head = segs[0].lower()
    if head == "profile.php":
        ids = query.get("id")
        return _Account("facebook", ids[0], True) if ids else None
    if head == "people" and len(segs) >= 3:
        return _Account("facebook", segs[2], _rest_is_root(segs[3:], _FB_TABS))
    if head == "pages" and len(segs) >= 3 and segs[2].isdigit():
        return _Account("facebook", segs[2], _rest_is_root(segs[3:], _FB_TABS))
    if head in _FB_RESERVED or head == "pages":
        return None
    if not re.fullmatch(r"[\w.\-]+", segs[0]):
        return None
    return _Account("facebook", segs[0], _rest_is_root(segs[1:], _FB_TABS))


def _instagram(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    if not segs:
        return None
    if segs[0] == "stories" and len(segs) >= 2 and segs[1] != "highlights":
        return _Account("instagram", segs[1], len(segs) == 2)
    if segs[0].lower() in _IG_RESERVED or not re.fullmatch(r"[\w.]{1,30}", segs[0]):
        return None
    return _Account("instagram", segs[0], _rest_is_root(segs[1:], _IG_TABS))


def _vimeo(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    if not segs or segs[0].isdigit() or segs[0].lower() in _VIMEO_RESERVED:
        return None
    return _Account("vimeo", segs[0], _rest_is_root(segs[1:], _VIMEO_TABS))


def _pinterest(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    if not segs or segs[0].lower() in _PIN_RESERVED:
        return None
    return _Account("pinterest", segs[0], _rest_is_root(segs[1:], _PIN_TABS))


def _soundcloud(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    if host != "soundcloud.com" or not segs or segs[0].lower() in _SC_RESERVED:
        return None
    return _Account("soundcloud", segs[0], _rest_is_root(segs[1:], _SC_TABS))


def _vk(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    if not segs or segs[0].lower() in _VK_RESERVED or not _SIMPLE_HANDLE.fullmatch(segs[0]):
        return None
    if re.match(r"(?:wall|photo|video|clip|topic|album)-?\d", segs[0]):
        return None
    return _Account("vk", segs[0], len(segs) == 1)


def _telegram(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    if segs and segs[0] == "s":
        segs = segs[1:]
    if not segs or segs[0].lower() in _TG_RESERVED or segs[0].startswith("+"):
        return None
    if not re.fullmatch(r"\w{3,64}", segs[0], re.ASCII):
        return None
    return _Account("telegram", segs[0], len(segs) == 1)


def _tumblr(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    if len(segs) >= 3 and segs[0] == "blog" and segs[1] == "view":
        return _Account("tumblr", segs[2], len(segs) == 3)
    if not segs or segs[0].lower() in _TUMBLR_RESERVED:
        return None
    return _Account("tumblr", segs[0], len(segs) == 1)


def _livejournal(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    if len(segs) >= 2 and segs[0] == "users":
        return _Account("livejournal", segs[1], _rest_is_root(segs[2:], _GENERIC_TABS))
    return None


def _github(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    if len(segs) >= 2 and segs[0] == "orgs":
        return _Account("github", segs[1], _rest_is_root(segs[2:], _GENERIC_TABS))
    return _single_segment("github", segs, _GH_RESERVED)


def _flickr(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    if len(segs) >= 2 and segs[0] in ("photos", "people"):
        tabs = frozenset({"albums", "favorites", "galleries", "with", "page1"})
        return _Account("flickr", segs[1], _rest_is_root(segs[2:], tabs))
    return None


def _linkedin(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    if len(segs) >= 2 and segs[0] in ("in", "company", "school", "showcase"):
        return _Account("linkedin", segs[1], _rest_is_root(segs[2:], _GENERIC_TABS))
    return None


def _blogger(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    if len(segs) >= 2 and segs[0] == "profile":
        return _Account("blogspot", segs[1], True)
    return None


_Handler = Callable[[str, list[str], dict[str, list[str]]], "_Account | None"]


def _path_prefix(platform: str, prefix: tuple[str, ...],
                 tabs: frozenset[str] = _GENERIC_TABS) -> _Handler:
    """Handler for profiles at ``/<prefix...>/NAME``."""

    def handler(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
        n = len(prefix)
        if len(segs) > n and tuple(s.lower() for s in segs[:n]) == prefix:
            return _Account(platform, segs[n], _generic_root(segs[n + 1:]))
        if prefix == ("users",) and len(segs) > 2 and segs[1].lower() == "users":
            return _Account(platform, segs[2], _rest_is_root(segs[3:], tabs))  # /en/users/N
        return None

    return handler


def _disqus(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    if len(segs) >= 2 and segs[0] == "by":
        return _Account("disqus", segs[1], _rest_is_root(segs[2:], _GENERIC_TABS))
    return None


def _scoopit(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    # A Scoop.it topic is a curation page run by one account, like a blog.
    if len(segs) >= 2 and segs[0] in ("u", "topic"):
        return _Account("scoop.it", segs[1], len(segs) == 2)
    return None


def _dzen(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    if len(segs) >= 2 and segs[0] == "id":
        return _Account("dzen", segs[1], len(segs) == 2)
    return None


def _livedoor_jp(host: str, segs: list[str], query: dict[str, list[str]]) -> _Account | None:
    return _Account("livedoor", segs[0], len(segs) == 1) if segs else None


_HANDLERS: dict[str, _Handler] = {
    "twitter.com": _twitter, "x.com": _twitter, "mobile.twitter.com": _twitter,
    "tiktok.com": _tiktok, "vm.tiktok.com": _tiktok, "vt.tiktok.com": _tiktok,
    "medium.com": _medium,
    "reddit.com": _reddit, "old.reddit.com": _reddit, "new.reddit.com": _reddit,
    "np.reddit.com": _reddit,
    "quora.com": _quora,
    "youtube.com": _youtube, "youtu.be": _youtube, "music.youtube.com": _youtube,
    "facebook.com": _facebook, "fb.com": _facebook, "fb.me": _facebook,
    "instagram.com": _instagram, "instagr.am": _instagram,
    "vimeo.com": _vimeo,
    "soundcloud.com": _soundcloud, "on.soundcloud.com": _soundcloud,
    "vk.com": _vk, "vkontakte.ru": _vk, "vk.ru": _vk,
    "t.me": _telegram, "telegram.me": _telegram, "telegram.dog": _telegram,
    "tumblr.com": _tumblr, "livejournal.com": _livejournal, "github.com": _github,
    "flickr.com": _flickr, "linkedin.com": _linkedin, "blogger.com": _blogger,
    "disqus.com": _disqus, "scoop.it": _scoopit, "dzen.ru": _dzen, "zen.yandex.ru": _dzen,
    "blog.livedoor.jp": _livedoor_jp,
    "pixiv.net": _path_prefix("pixiv", ("users",)),
    "wattpad.com": _path_prefix("wattpad", ("user",)),
    "9gag.com": _path_prefix("9gag", ("u",)),
    "fanfiction.net": _path_prefix("fanfiction", ("u",)),
    "liveinternet.ru": _path_prefix("liveinternet", ("users",)),
    "steemit.com": lambda h, s, q: _generic("steemit", s, q),
    "gettr.com": _path_prefix("gettr", ("user",)),
    "truthsocial.com": lambda h, s, q: _generic("truthsocial", s, q),
    "threads.net": lambda h, s, q: _generic("threads", s, q),
}


_KNOWN_PLATFORMS: frozenset[str] = frozenset(_PLATFORM_ALIASES.values()) | frozenset({
    "twitter", "facebook", "instagram", "tiktok", "youtube", "reddit", "medium", "quora",
    "telegram", "vk", "pinterest", "blogspot", "tumblr", "vimeo", "soundcloud", "livejournal",
    "wordpress", "github", "flickr", "linkedin", "disqus", "pixiv", "wattpad", "9gag",
    "fanfiction", "liveinternet", "steemit", "gettr", "truthsocial", "threads", "dzen",
    "ameblo", "nairaland", "artstation", "skyrock", "livedoor", "substack", "mastodon",
    "bluesky", "weibo", "wechat", "douyin", "bilibili", "line", "snapchat", "twitch",
    "discord", "whatsapp", "kuaishou", "zhihu", "naver", "kakao",
})
"""Platform names accepted in ``platform:handle`` list lines."""


def account_from_url(url: str) -> tuple[str, str] | None:
    """Platform and handle (or numeric id) of the account a URL belongs to.

    Handles profile URLs and URLs that point into an account (a post, a video, a blog
    entry): ``x.com/h/status/1`` gives ``("twitter", "h")``. The URL may be defanged and may
    lack its scheme. Returns None for URLs that belong to no account: articles on news sites,
    subreddits, Quora Spaces, Facebook share links, YouTube watch links, short links.

    Shapes: twitter.com/x.com ``/NAME``; ``tiktok.com/@NAME``; ``medium.com/@NAME`` and
    ``NAME.medium.com``; ``reddit.com/user/NAME`` and ``/u/NAME``;
    ``quora.com/profile/NAME`` (also ``jp.``/``es.`` language hosts); ``youtube.com/@NAME``,
    ``/channel/ID``, ``/c/NAME``, ``/user/NAME``; ``facebook.com/profile.php?id=N``,
    ``/people/NAME/N``, ``/NAME``; ``instagram.com/NAME``; ``vimeo.com/NAME`` (not numeric
    video ids); ``pinterest.*/NAME``; ``soundcloud.com/NAME``; ``vk.com/NAME``;
    ``t.me/NAME``; ``NAME.blogspot.*``, ``NAME.tumblr.com`` and ``tumblr.com/NAME``,
    ``NAME.wordpress.com``, ``NAME.livejournal.com``, and for forums and small sites
    ``/@NAME``, ``/user/NAME``, ``/u/NAME``, ``/members/NAME``, ``/profile/NAME``,
    ``/author/NAME``, ``User-NAME``, ``home.php?mod=space&uid=N``, ``member.php?u=N`` (the
    platform is then the host). Percent-escapes in handles are decoded.

    Examples
    --------
    >>> account_from_url("https://twitter[.]com/GarciaJasmyn1/")
    ('twitter', 'GarciaJasmyn1')
    >>> account_from_url("https://www.facebook.com/profile.php?id=61553686025208")
    ('facebook', '61553686025208')
    >>> account_from_url("https://www.reddit.com/r/meiguominzhu/") is None
    True
    """
    acc = _parse_account(url)
    return (acc.platform, acc.handle) if acc else None


# --------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------

_SCHEME_RE = re.compile(r"[a-z][a-z0-9+.\-]*://", re.I)
_HOSTPATH_RE = re.compile(
    r"(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\.)+[a-z][a-z0-9-]{1,62}\.?(?::\d{1,5})?"
    r"(?:[/?#]\S*)?", re.I)
_DOMAIN_RE = re.compile(r"(?:[\w](?:[\w-]*[\w])?\.)+[^\W\d_][\w-]{1,62}\.?")
_EMAIL_RE = re.compile(r"[^@\s/:]+@(?:[\w-]+\.)+[^\W\d_][\w-]+")
_HANDLE_RE = re.compile(r"@([\w.\-]{1,100})")
_PLATFORM_HANDLE_RE = re.compile(r"([a-z][a-z0-9.\-]{0,30}):@?([\w.\-]{1,100})", re.I)
_HASHTAG_RE = re.compile(r"#(\w+)")
_HASH_RE = re.compile(r"[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64}", re.I)
_COUNT_RE = re.compile(
    r"(?:(?:about|around|approximately|approx\.|roughly|nearly|almost|over|more than|"
    r"less than|fewer than|under|up to|at least|some|~|>|<)\s*)?[$€£¥]?\d[\d,.]*\s*"
    r"(?:k|m|million|thousand|hundred)?\+?\s+\S", re.I)
_COUNT_NOUN_RE = re.compile(
    r"\b(?:ac+ounts?|pages?|groups?|followers?|channels?|users?|members?|profiles?|"
    r"subscribers?|events?|ads?|videos?|posts?|domains?|websites?|sites?|personas?|"
    r"spending|spend|spent|views?|likes?|comments?|dollars?|usd|eur|euros?|rubles?)\b", re.I)
# First words of Meta's kill-chain prose ("Posing as journalists", "Some of these Pages ...").
_DESCRIPTION_START = frozenset({
    "used", "posted", "share", "shared", "registered", "created", "copied", "amplified",
    "commented", "configure", "automated", "privacy", "route", "purchased", "writes", "wrote",
    "inferred", "according", "contacted", "about", "around", "approximately", "roughly",
    "nearly", "some", "most", "many", "several", "no", "we", "they", "it", "its", "socially",
})
# Openings of kill-chain prose that no article title in Meta's files shares.
_CONTENT_DESCRIPTION_START = frozenset({
    "posting", "posted", "sharing", "shared", "share", "socially", "amplifying", "commenting",
    "directing", "some", "around", "about", "approximately", "these", "network",
})
# "the network", "The ‘Zeus’ campaign", "they posted": the nouns are matched in lower case
# only, so that a title naming "Operation Telescreen" is not taken for a description.
_DESCRIPTION_RE = re.compile(
    r"\b(?i:the|this|these|those|its|their|our)\s+(?:[\w‘’'\-]+\s+){0,2}(?:network|networks|"
    r"operation|operations|campaign|campaigns|operators?|individuals|fake accounts|accounts|"
    r"personas?|activity|cluster|clusters|actors?|threat actors?|people behind|efforts?|"
    r"brands?|website|websites)\b"
    r"|\b(?i:they|we)\s+(?:posted|criticized|criticised|used|ran|created|shared|operated|"
    r"amplified|targeted|claimed|posed|supported|promoted|engaged|also|found|observed|"
    r"assess|identified|removed|disrupted)\b")
_COMMENT_TAIL_RE = re.compile(r"(\S+)\s*(?:\[([^\]]*)\]|\(([^)]*)\))$")

_NOTE_SEP = "; "


class _Val(NamedTuple):
    type: str
    value: str
    platform: str | None


class _Outcome(NamedTuple):
    values: list[_Val]
    note: str  # annotation found inside the cell ("hosted with ...", "[comment]")
    error: str  # non-empty: reject with this message


def _prose_kind(text: str, prose: str) -> str:
    """``fact`` or ``text`` for free text, by ``prose`` mode.

    ``plain`` (lists, Markdown, STIX, seeds): counts are facts, the rest is text.
    ``content`` (kill-chain procedures about posting content, e.g. "6.1.3 Posting original
    content on blogs"): counts and sentences about the network ("the operation criticized
    ...") are facts, the rest (article titles) is text. ``kill-chain`` (any other procedure):
    counts, sentences about the network, sentences opening like Meta's TTP prose ("Posing as
    ...", "Some of these Pages ...") and anything longer than eight words or ending in a full
    stop are facts; short names (personas, brands, outlets) are text.
    """
    flat = " ".join(text.split())
    if _COUNT_RE.match(flat) and _COUNT_NOUN_RE.search(flat):
        return "fact"
    if prose == "plain":
        return "text"
    if _DESCRIPTION_RE.search(flat):
        return "fact"
    words = [w for w in flat.split() if re.search(r"\w", w)]
    first = words[0].strip("\"'“”‘’.,:;!?()").lower() if words else ""
    if prose == "content":
        return "fact" if len(words) > 1 and first in _CONTENT_DESCRIPTION_START else "text"
    if len(words) > 1 and (first in _DESCRIPTION_START or first.endswith("ing")):
        return "fact"
    if len(words) <= 8 and not flat.endswith((".", "!", "?", ":")):
        return "text"
    return "fact"


def _norm_domain(host: str) -> str:
    h = host.strip().rstrip(".").lower()
    h = h.split(":", 1)[0] if re.search(r":\d+$", h) else h
    return h.removeprefix("www.")


def _url_root_host(url: str) -> str | None:
    """The host when ``url`` is only a host (``https://host/``), else None."""
    s = url if _SCHEME_RE.match(url) else "https://" + url
    try:
        parts = urlsplit(s)
        host = parts.hostname
    except ValueError:
        return None
    if host and parts.path in ("", "/") and not parts.query and not parts.fragment:
        return host
    return None


def _url_values(url: str, hint: str | None, root_as_domain: bool) -> list[_Val]:
    if hint == "domain" or root_as_domain:
        host = _url_root_host(url)
        if host:
            return [_Val("domain", _norm_domain(host), None)]
    acc = _parse_account(url)
    if acc is None:
        return [_Val("url", url, None)]
    account = _Val("account", acc.handle, acc.platform)
    return [account] if acc.root else [account, _Val("url", url, None)]


def _token_values(token: str, hint: str | None, platform_hint: str | None,
                  allow_platform_prefix: bool, root_as_domain: bool = False) -> list[_Val] | None:
    """Values of one token without white space; None when it is not a locator."""
    r = refang(token).strip()
    if r.lower().startswith("mailto:"):
        r = r[7:]
    if hint == "hashtag" or _HASHTAG_RE.fullmatch(r):
        tag = r.lstrip("#")
        return [_Val("hashtag", tag.lower(), None)] if re.fullmatch(r"\w+", tag) else None
    m = _HANDLE_RE.fullmatch(r)
    if m:
        return [_Val("account", m.group(1), canonical_platform(platform_hint))]
    if allow_platform_prefix and not _SCHEME_RE.match(r):
        m = _PLATFORM_HANDLE_RE.fullmatch(r)
        platform = canonical_platform(m.group(1)) if m else None
        if m and platform in _KNOWN_PLATFORMS:
            return [_Val("account", m.group(2), platform)]
    if _EMAIL_RE.fullmatch(r):
        local, _, dom = r.rpartition("@")
        return [_Val("email", f"{local}@{dom.lower()}", None)]
    try:
        return [_Val("ip", str(ipaddress.ip_address(r)), None)]
    except ValueError:
        pass
    if _SCHEME_RE.match(r):
        return _url_values(r, hint, root_as_domain)
    if _HOSTPATH_RE.fullmatch(r):
        if re.search(r"[/?#]", r):
            return _url_values(r, hint, root_as_domain)
        dom = _norm_domain(r)
        out = [_Val("domain", dom, None)]
        acc = _parse_account(r)
        if acc is not None and acc.root:  # securemessagingapps.blogspot.com: also the blog
            out.append(_Val("account", acc.handle, acc.platform))
        return out
    if _DOMAIN_RE.fullmatch(r) and hint == "domain":  # internationalised names
        return [_Val("domain", _norm_domain(r), None)]
    if hint == "account" and re.fullmatch(r"[\w.\-]+", r):
        return [_Val("account", r, canonical_platform(platform_hint))]
    return None


def _is_locator(token: str) -> bool:
    return _token_values(token, None, None, False) is not None


def _classify(raw: str, *, hint: str | None = None, platform_hint: str | None = None,
              allow_platform_prefix: bool = False, root_as_domain: bool = False,
              prose: str = "plain") -> _Outcome:
    """Turn one cell into indicator values (see the module docstring, *Classification*)."""
    text = _INVISIBLE.sub("", raw).strip()
    if not text:
        return _Outcome([], "", "empty value")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    note = ""
    # Several one-token lines ("yerli-media\nluremedia"): one value each.
    if len(lines) > 1 and all(len(ln.split()) == 1 for ln in lines):
        vals: list[_Val] = []
        errors: list[str] = []
        for ln in lines:
            part = _classify(ln, hint=hint, platform_hint=platform_hint,
                             allow_platform_prefix=allow_platform_prefix,
                             root_as_domain=root_as_domain, prose=prose)
            vals.extend(part.values)
            if part.error:
                errors.append(f"{ln!r}: {part.error}")
        return _Outcome(vals, "", _NOTE_SEP.join(errors))
    # "URL\nredirects to: ...": the value, then an annotation.
    if len(lines) > 1 and len(lines[0].split()) == 1 and _is_locator(lines[0]):
        text, note = lines[0], " ".join(" ".join(lines[1:]).split())
    value = text
    if len(value.split()) > 1:
        first, _, rest = value.partition(" ")
        m = _COMMENT_TAIL_RE.fullmatch(value)
        if m and _is_locator(m.group(1)):  # "jiraboom[.]pro (Hosted a spoof ...)", "[comment]"
            value, note = m.group(1), (m.group(2) or m.group(3) or "").strip()
        elif "," in first and _is_locator(first.rstrip(",")):  # "info[at]x[.]com, hosted ..."
            value, note = first.rstrip(","), rest.strip()
        elif _SCHEME_RE.match(refang(first)) and len(value.split()) <= 3:
            # "https://twitter[.]com/h/status/1562640310273 921025": a URL broken by spaces.
            joined = "".join(value.split())
            if _is_locator(joined):
                value, note = joined, "white space inside the URL removed"
    if len(value.split()) == 1:
        if _HASH_RE.fullmatch(value):
            return _Outcome([], note, "file hash: not a social-media indicator, not imported")
        vals_or_none = _token_values(value, hint, platform_hint, allow_platform_prefix,
                                     root_as_domain)
        if vals_or_none is not None:
            return _Outcome(vals_or_none, note, "")
        if hint in ("url", "domain", "ip", "email", "hashtag"):
            return _Outcome([], note, f"not a valid {hint}: {value!r}")
    return _Outcome([_Val(_prose_kind(text, prose), text, None)], "", "")


# --------------------------------------------------------------------------------------------
# Readers
# --------------------------------------------------------------------------------------------


class _Builder:
    """Collects indicators, facts, rejects and skipped rows for one file."""

    def __init__(self, source: str, fmt: str) -> None:
        self.source = source
        self.out = IndicatorSet(fmt=fmt)

    def add(self, line: int, field_name: str, outcome: _Outcome, note: str) -> None:
        full_note = _NOTE_SEP.join(p for p in (note, outcome.note) if p)
        if outcome.error:
            self.reject(line, field_name, outcome.error)
        for v in outcome.values:
            ind = Indicator(v.type, v.value, v.platform, self.source, line, full_note)
            (self.out.facts if v.type == "fact" else self.out.indicators).append(ind)

    def reject(self, line: int, field_name: str, message: str) -> None:
        self.out.rejects.append((line, field_name, message))

    def skip(self, line: int, reason: str) -> None:
        self.out.skipped.append((line, reason))


def _csv_rows(text: str, build: _Builder) -> Iterator[tuple[int, list[str]]]:
    """CSV rows with the 1-based line each starts on. A broken record (a stray quote) is a
    reject, and reading goes on at the next line (:func:`cibwatch.ingest.readers.csv_records`):
    one quote never costs the rest of the file."""
    from ..ingest.readers import csv_records

    for start, _end, row, taken, why in csv_records(io.StringIO(text, newline="")):
        if row is None:
            build.reject(start, "", f"malformed CSV ({why}): "
                         f"{taken[0].rstrip(chr(13) + chr(10))[:200]!r}; the record is set "
                         "aside and reading goes on at the next line")
        else:
            yield start, row


def _header_key(name: str) -> str:
    return " ".join(name.strip().lower().replace("_", " ").split())


_META_CSV_HINTS: dict[str, tuple[str | None, str | None]] = {
    "domain_name": ("domain", None), "domain": ("domain", None), "url": ("url", None),
    "cib_url": ("url", None), "phishing_url": ("url", None),
    "telegram_url": ("url", "telegram"), "ip": ("ip", None), "ip_address": ("ip", None),
    "ipv4": ("ip", None), "ipv6": ("ip", None), "email": ("email", None),
    "email_address": ("email", None), "hashtag": ("hashtag", None),
    "account": ("account", None), "handle": ("account", None),
}
_META_CSV_UNSUPPORTED: dict[str, str] = {
    "md5": "file hash", "sha1": "file hash", "sha256": "file hash",
    "android_package_name": "mobile app id", "ios_app_id": "mobile app id",
}


def _csv_header(rows: Iterator[tuple[int, list[str]]], build: _Builder,
                required: tuple[str, ...], layout: str, remedy: str) -> list[str]:
    """The normalised column names of the header row of ``rows``; :class:`FormatError` when
    one of ``required`` is missing (the file is not ``layout``)."""
    header = next(rows, None)
    cols = [_header_key(h) for h in header[1]] if header else []
    if any(c not in cols for c in required):
        raise FormatError(f"{build.source}: not {layout} (header {cols})", remedy=remedy)
    return cols


def _read_meta_csv(text: str, build: _Builder) -> None:
    """``indicator_type,indicator_value,comment,ds`` (Meta 2020-22)."""
    rows = _csv_rows(text, build)
    cols = _csv_header(rows, build, ("indicator type", "indicator value"),
                       "Meta's 2020-22 CSV layout",
                       "checking the file, or naming its format with --format")
    it, iv = cols.index("indicator type"), cols.index("indicator value")
    ic = cols.index("comment") if "comment" in cols else None
    ids = cols.index("ds") if "ds" in cols else None
    for line, row in rows:
        if not any(c.strip() for c in row):
            continue
        cell = row + [""] * (len(cols) - len(row))
        itype = cell[it].strip().lower()
        value = cell[iv]
        note = cell[ic].strip() if ic is not None else ""
        if ids is not None and cell[ids].strip():
            note = _NOTE_SEP.join(p for p in (note, f"ds={cell[ids].strip()}") if p)
        if itype in _META_CSV_UNSUPPORTED:
            build.reject(line, "indicator_type", f"indicator_type {itype!r} "
                         f"({_META_CSV_UNSUPPORTED[itype]}) is not a social-media indicator: "
                         "not imported")
            continue
        if itype in _META_CSV_HINTS:
            hint, platform = _META_CSV_HINTS[itype]
        elif itype.endswith("_url"):
            hint, platform = "url", None
        else:
            build.reject(line, "indicator_type", f"unknown indicator_type {itype!r}")
            continue
        if not value.strip():
            build.reject(line, "indicator_value", "empty indicator_value")
            continue
        outcome = _classify(value, hint=hint, platform_hint=platform)
        build.add(line, "indicator_value", outcome, note)


_PLATFORM_IN_PROCEDURE: tuple[tuple[str, str], ...] = (
    (r"\bx\b|twitter", "twitter"), (r"tiktok", "tiktok"), (r"instagram", "instagram"),
    (r"youtube", "youtube"), (r"telegram", "telegram"), (r"facebook", "facebook"),
    (r"reddit", "reddit"), (r"\bvk\b|vkontakte", "vk"), (r"linkedin", "linkedin"),
)


def _platform_of(procedure: str) -> str | None:
    low = procedure.lower()
    if "acquiring" not in low:
        return None
    for pattern, name in _PLATFORM_IN_PROCEDURE:
        if re.search(pattern, low):
            return name
    return None


def _read_meta_ttp(text: str, build: _Builder) -> None:
    """``Tactic,Technique,Procedure,Indicator[,Note]`` (Meta 2023-, Online Operations Kill
    Chain)."""
    rows = _csv_rows(text, build)
    cols = _csv_header(rows, build, ("indicator", "tactic"), "Meta's kill-chain CSV layout",
                       "checking the file, or naming its format with --format")
    ii = cols.index("indicator")
    code_cols = [cols.index(c) for c in ("procedure", "technique", "tactic") if c in cols]
    note_cols = [i for i, c in enumerate(cols) if i != ii and i not in code_cols]
    for line, row in rows:
        if not any(c.strip() for c in row):
            continue
        cell = row + [""] * (len(cols) - len(row))
        if len(row) > len(cols) and any(c.strip() for c in row[len(cols):]):
            note_cols_row = note_cols + list(range(len(cols), len(row)))
        else:
            note_cols_row = note_cols
        code = next((" ".join(cell[i].split()) for i in code_cols if cell[i].strip()), "")
        notes = [" ".join(cell[i].split()) for i in note_cols_row if cell[i].strip()]
        note = _NOTE_SEP.join([code, *notes]) if code else _NOTE_SEP.join(notes)
        value = cell[ii]
        if not value.strip():
            build.skip(line, f"no indicator for {code or 'this row'}")
            continue
        procedure = " ".join(cell[i] for i in code_cols)
        low = procedure.lower()
        content = re.match(r"\s*[67]\b", cell[code_cols[-1]] if code_cols else "") and (
            re.search(r"posting|hashtag|content", low) is not None)
        outcome = _classify(value, platform_hint=_platform_of(procedure),
                            root_as_domain="domain" in low,
                            prose="content" if content else "kill-chain")
        build.add(line, "Indicator", outcome, note)


_MD_HINTS: dict[str, str] = {
    "domain": "domain", "domains": "domain", "proxy ip": "ip", "ip": "ip", "ip address": "ip",
    "ipv4": "ip", "ipv6": "ip", "url": "url", "urls": "url", "social media account": "account",
    "account": "account", "email": "email", "email address": "email", "hashtag": "hashtag",
}


def _md_cells(line: str) -> list[str]:
    """Cells of a Markdown table row; ``|`` inside back-ticks does not split."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    cells: list[str] = []
    cur: list[str] = []
    in_code = False
    for ch in body:
        if ch == "`":
            in_code = not in_code
        if ch == "|" and not in_code:
            cells.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    cells.append("".join(cur))
    return [c.strip() for c in cells]


def _unticked(cell: str) -> str:
    c = cell.strip()
    if len(c) >= 2 and c.startswith("`") and c.endswith("`"):
        return c.strip("`").strip()
    return c.replace("\\|", "|")


def _read_meta_md(text: str, build: _Builder) -> None:
    """Markdown tables ``| Indicator Type | Indicator Value |`` (Meta 2025-)."""
    in_table = False
    found = False
    ncols = 0
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.lstrip().startswith("|"):
            in_table = False
            continue
        cells = _md_cells(line)
        keys = [_header_key(c) for c in cells]
        if keys[:2] == ["indicator type", "indicator value"]:
            in_table, found, ncols = True, True, len(cells)
            continue
        if not in_table or all(re.fullmatch(r":?-{3,}:?", c) for c in cells if c):
            continue
        if len(cells) < 2:
            build.reject(line_no, "Indicator Value", f"table row has {len(cells)} cell(s)")
            continue
        itype, value = cells[0], _unticked(cells[1])
        extra = [c for c in cells[2:ncols + 2] if c]
        note = _NOTE_SEP.join([itype, *extra]) if itype else _NOTE_SEP.join(extra)
        if not value:
            build.reject(line_no, "Indicator Value", "empty Indicator Value")
            continue
        hint = _MD_HINTS.get(_header_key(itype))
        outcome = _classify(value, hint=hint)
        if hint == "account" and not outcome.error and not any(
                v.type == "account" for v in outcome.values):
            outcome = outcome._replace(note=_NOTE_SEP.join(
                p for p in (outcome.note, "not recognised as a profile URL") if p))
        build.add(line_no, "Indicator Value", outcome, note)
    if not found:
        if re.search(r"no (?:iocs|indicators)", text, re.IGNORECASE):
            build.skip(0, "the page says it lists no indicators")
        else:
            build.reject(0, "", "no '| Indicator Type | Indicator Value |' table in the page")


_STIX_OBSERVABLES = frozenset({
    "artifact", "autonomous-system", "directory", "domain-name", "email-addr",
    "email-message", "file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex", "network-traffic",
    "process", "software", "url", "user-account", "windows-registry-key", "x509-certificate",
})


def _stix_pattern_leaves(pattern: str) -> tuple[list[list[tuple[str, str, str]]], list[str]]:
    """Per observation, ``(object_type, property, value)`` of its equality tests; problems."""
    from stix2 import patterns as sp  # imported here: stix2 loads slowly
    from stix2.pattern_visitor import create_pattern_object

    tree = create_pattern_object(pattern)
    observations: list[list[tuple[str, str, str]]] = []
    problems: list[str] = []

    def comparisons(node: Any, acc: list[tuple[str, str, str]]) -> None:
        if isinstance(node, sp._BooleanExpression):
            for operand in node.operands:
                comparisons(operand, acc)
        elif isinstance(node, sp.ParentheticalExpression):
            comparisons(node.expression, acc)
        elif isinstance(node, sp._ComparisonExpression):
            obj = node.lhs.object_type_name
            prop = ".".join(str(getattr(c, "property_name", "")) for c in node.lhs.property_path)
            if node.negated:
                problems.append(f"negated comparison on {obj}:{prop} not imported")
            elif isinstance(node, sp.EqualityComparisonExpression):
                acc.append((obj, prop, str(node.rhs.value)))
            elif isinstance(node, sp.InComparisonExpression):
                acc.extend((obj, prop, str(c.value)) for c in node.rhs.value)
            else:
                problems.append(f"{node.operator} comparison on {obj}:{prop} not imported")

    def walk(node: Any) -> None:
        if isinstance(node, sp.ObservationExpression):
            acc: list[tuple[str, str, str]] = []
            comparisons(node.operand, acc)
            observations.append(acc)
        elif isinstance(node, sp._CompoundObservationExpression):
            for operand in node.operands:
                walk(operand)
        elif isinstance(node, sp.ParentheticalExpression):
            walk(node.expression)
        elif isinstance(node, sp.QualifiedObservationExpression):
            walk(node.observation_expression)

    walk(tree)
    return observations, problems


_PATTERN_TYPES: dict[tuple[str, str], str] = {
    ("domain-name", "value"): "domain", ("url", "value"): "url", ("ipv4-addr", "value"): "ip",
    ("ipv6-addr", "value"): "ip", ("email-addr", "value"): "email",
}


def _stix_account(build: _Builder, idx: int, field_name: str, login: str | None,
                  user_id: str | None, platform: str | None, note: str) -> None:
    handle = (login or user_id or "").strip()
    if not handle:
        build.reject(idx, field_name, "user-account without account_login or user_id")
        return
    plat = canonical_platform(platform)
    if _SCHEME_RE.match(refang(handle)) or "/" in handle:
        acc = _parse_account(handle)
        if acc is not None:
            handle, plat = acc.handle, plat or acc.platform
    build.add(idx, field_name, _Outcome([_Val("account", handle.lstrip("@"), plat)], "", ""),
              note)


def _read_stix_indicator(obj: dict[str, Any], idx: int, build: _Builder) -> None:
    note = str(obj.get("id", ""))
    pattern_type = str(obj.get("pattern_type", "stix")).lower()
    pattern = obj.get("pattern")
    if pattern_type != "stix" or not isinstance(pattern, str):
        build.reject(idx, "pattern", f"pattern_type {pattern_type!r} / missing pattern: only "
                     "STIX patterns are imported")
        return
    try:
        observations, problems = _stix_pattern_leaves(pattern)
    except Exception as exc:  # the pattern grammar raises several exception types
        build.reject(idx, "pattern", f"STIX pattern cannot be parsed: {exc}")
        return
    for problem in problems:
        build.reject(idx, "pattern", problem)
    for leaves in observations:
        account: dict[str, list[str]] = {}
        for obj_type, prop, value in leaves:
            kind = _PATTERN_TYPES.get((obj_type, prop))
            if kind is not None:
                build.add(idx, "pattern", _classify(value, hint=kind), note)
            elif obj_type == "user-account":
                account.setdefault(prop, []).append(value)
            elif obj_type in ("hashtag", "x-opencti-hashtag") and prop == "value":
                build.add(idx, "pattern", _classify(value, hint="hashtag"), note)
            else:
                build.reject(idx, "pattern", f"{obj_type}:{prop} is not imported")
        if account:
            types = account.get("x_cibwatch_platform") or account.get("account_type") or []
            platform = types[0] if len(set(types)) == 1 else None
            logins = account.get("account_login") or []
            ids = account.get("user_id") or []
            if not logins and not ids:
                build.reject(idx, "pattern", "user-account test without account_login or "
                             "user_id")
            for login in logins:
                _stix_account(build, idx, "pattern", login, None, platform, note)
            if not logins:
                for uid in ids:
                    _stix_account(build, idx, "pattern", None, uid, platform, note)


def _read_stix(text: str, build: _Builder) -> None:
    """STIX 2.1 bundle (or list of objects): indicators with patterns, observables, OpenCTI
    channel / media-content."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{build.source}: not JSON ({exc})",
                          remedy="checking that the file is a STIX 2.1 bundle") from exc
    if isinstance(data, dict) and data.get("type") == "bundle":
        objects = data.get("objects") or []
    elif isinstance(data, dict) and "type" in data:
        objects = [data]
    elif isinstance(data, list):
        objects = data
    else:
        raise FormatError(f"{build.source}: JSON but not a STIX bundle",
                          remedy="checking that the file is a STIX 2.1 bundle")
    for idx, obj in enumerate(objects, start=1):
        if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
            build.reject(idx, "type", "not a STIX object (no 'type')")
            continue
        _read_stix_object(obj, idx, build)


def _read_stix_object(obj: dict[str, Any], idx: int, build: _Builder) -> None:
    otype = obj["type"]
    note = str(obj.get("id", ""))
    value = obj.get("value")
    if otype == "indicator":
        _read_stix_indicator(obj, idx, build)
    elif otype in ("domain-name", "hostname", "x-opencti-hostname"):
        build.add(idx, "value", _classify(str(value or ""), hint="domain"), note)
    elif otype == "url":
        build.add(idx, "value", _classify(str(value or ""), hint="url"), note)
    elif otype in ("ipv4-addr", "ipv6-addr"):
        build.add(idx, "value", _classify(str(value or ""), hint="ip"), note)
    elif otype == "email-addr":
        build.add(idx, "value", _classify(str(value or ""), hint="email"), note)
    elif otype in ("hashtag", "x-opencti-hashtag"):
        build.add(idx, "value", _classify(str(value or ""), hint="hashtag"), note)
    elif otype in ("text", "x-opencti-text"):
        if value:
            build.add(idx, "value", _Outcome([_Val("text", str(value), None)], "", ""), note)
        else:
            build.reject(idx, "value", "text object without value")
    elif otype == "user-account":
        platform = obj.get("x_cibwatch_platform") or obj.get("account_type")
        _stix_account(build, idx, "account_login", obj.get("account_login"),
                      obj.get("user_id"), platform, note)
    elif otype == "channel":
        _read_stix_channel(obj, idx, build, note)
    elif otype == "media-content":
        url = obj.get("url")
        if isinstance(url, str) and url.strip():
            build.add(idx, "url", _classify(url, hint="url"), note)
        else:
            build.reject(idx, "url", "media-content without url")
    elif otype in _STIX_OBSERVABLES:
        build.reject(idx, "type", f"STIX observable {otype!r} is not a social-media indicator: "
                     "not imported")
    else:
        build.skip(idx, f"STIX {otype} carries no indicator")


def _read_stix_channel(obj: dict[str, Any], idx: int, build: _Builder, note: str) -> None:
    name = str(obj.get("name") or "").strip()
    kinds = obj.get("channel_types") or []
    platform = canonical_platform(kinds[0]) if len(kinds) == 1 else None
    if not name:
        build.reject(idx, "name", "channel without name")
        return
    acc = _parse_account(name)
    if acc is not None:
        vals = [_Val("account", acc.handle, acc.platform)]
        if not acc.root:
            vals.append(_Val("url", refang(name), None))
        build.add(idx, "name", _Outcome(vals, "", ""), note)
    elif platform and re.fullmatch(r"@?[\w.\-]+", name):
        build.add(idx, "name", _Outcome([_Val("account", name.lstrip("@"), platform)], "", ""),
                  note)
    else:
        build.reject(idx, "name", f"channel name {name!r} is not a recognised account")


def _read_list(text: str, build: _Builder) -> None:
    """One value per line; ``#`` alone or ``# ...`` is a comment, ``#word`` a hashtag."""
    for line_no, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        if not s or s == "#" or re.match(r"#\s", s):
            continue
        outcome = _classify(s, allow_platform_prefix=True)
        build.add(line_no, "value", outcome, "")


def _read_seeds(text: str, build: _Builder) -> None:
    """The seeds CSV written from :meth:`IndicatorSet.seeds_rows`: ``type,value,platform``."""
    rows = _csv_rows(text, build)
    cols = _csv_header(rows, build, ("type", "value"), "a seeds CSV",
                       "writing the header type,value,platform")
    it, iv = cols.index("type"), cols.index("value")
    ip = cols.index("platform") if "platform" in cols else None
    for line, row in rows:
        if not any(c.strip() for c in row):
            continue
        cell = row + [""] * (len(cols) - len(row))
        itype, value = cell[it].strip().lower(), cell[iv].strip()
        platform = canonical_platform(cell[ip]) if ip is not None else None
        if itype not in SEED_TYPES:
            build.reject(line, "type", f"unknown type {itype!r} (expected one of "
                         f"{', '.join(sorted(SEED_TYPES))})")
        elif not value:
            build.reject(line, "value", "empty value")
        elif itype == "account":
            handle = value.lstrip("@")
            build.add(line, "value", _Outcome([_Val("account", handle, platform)], "", ""), "")
        elif itype == "text":
            build.add(line, "value", _Outcome([_Val("text", value, None)], "", ""), "")
        else:
            outcome = _classify(value, hint=itype)
            wrong = [v for v in outcome.values if v.type != itype and v.type != "account"]
            if wrong and not outcome.error:
                build.reject(line, "value", f"{value!r} is not a valid {itype}")
            else:
                kept = [v for v in outcome.values if v.type == itype]
                build.add(line, "value", outcome._replace(values=kept or outcome.values), "")


_READERS = {
    "meta-csv": _read_meta_csv, "meta-ttp": _read_meta_ttp, "meta-md": _read_meta_md,
    "stix": _read_stix, "list": _read_list, "seeds": _read_seeds,
}


def detect_format(path: str | Path, text: str | None = None) -> str:
    """Guess the layout of an indicator file from its name and content.

    JSON (``.json`` or text starting with ``{``/``[``) -> ``stix``; ``.md`` or a Markdown
    table header ``| Indicator Type | Indicator Value |`` -> ``meta-md``; a CSV header with
    ``indicator_type`` and ``indicator_value`` -> ``meta-csv``; with ``Tactic`` and
    ``Indicator`` -> ``meta-ttp``; with ``type`` and ``value`` -> ``seeds``; else ``list``.
    """
    p = Path(path)
    if text is None:
        text = _read_text(p)
    head = text.lstrip()
    if p.suffix.lower() == ".json" or head.startswith(("{", "[")):
        return "stix"
    if p.suffix.lower() in (".md", ".markdown") or re.search(r"^\s*\|\s*Indicator Type\s*\|\s*Indicator Value\s*\|", text,
                 re.IGNORECASE | re.MULTILINE):
        return "meta-md"
    first = head.splitlines()[0] if head else ""
    try:
        cols = {_header_key(c) for c in next(csv.reader([first]))} if first else set()
    except csv.Error:
        cols = set()
    if {"indicator type", "indicator value"} <= cols:
        return "meta-csv"
    if {"tactic", "indicator"} <= cols:
        return "meta-ttp"
    if {"type", "value"} <= cols:
        return "seeds"
    return "list"


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file", remedy="checking the path") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})",
                         remedy="checking the path and its permissions") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path}: not UTF-8 text (byte {exc.start})",
                          remedy="saving the file as UTF-8") from exc


def read_indicators(path: str | Path, fmt: str = "auto") -> IndicatorSet:
    """Read an indicator file.

    Parameters
    ----------
    path : str or Path
        The file: a Meta CSV (2020-22 or kill-chain layout), a Meta Markdown page, a STIX 2.1
        bundle, a plain list or a seeds CSV (see the module docstring for each layout).
    fmt : str
        ``auto`` (default: :func:`detect_format`), ``meta-csv``, ``meta-ttp``, ``meta-md``,
        ``stix``, ``list`` or ``seeds``.

    Returns
    -------
    IndicatorSet
        Indicators and facts in file order, rejects, skipped rows and the layout read.

    Raises
    ------
    InputError
        The file is missing or unreadable.
    FormatError
        ``fmt`` is unknown, the file is not UTF-8, or it does not have the layout asked for.
    """
    if fmt not in FORMATS:
        raise FormatError(f"unknown indicator format {fmt!r}",
                          remedy=f"using one of {', '.join(FORMATS)}")
    p = Path(path)
    text = _read_text(p)
    chosen = detect_format(p, text) if fmt == "auto" else fmt
    build = _Builder(p.name, chosen)
    if text.strip():
        _READERS[chosen](text, build)
    else:
        build.reject(0, "", "the file is empty")
    return build.out


