"""Platforms: canonical platform names and the account a profile or post URL belongs to.

:func:`canonical_platform` maps the names and hosts a file may use (``X``, ``x.com``,
``twitter.com``; ``fb``; ``t.me`` ...) to one lower-case name per platform.
:func:`account_from_url` (and :func:`parse_account`, which also says whether the URL is the
profile itself or a post inside it) reads the platform and handle from a URL, one handler per
platform host: the URL shapes of X/Twitter, TikTok, Medium, Reddit, Quora, YouTube, Facebook,
Instagram, Vimeo, Pinterest, SoundCloud, VK, Telegram, Tumblr, LiveJournal, GitHub, Flickr,
LinkedIn, Blogger, Disqus, Scoop.it, Dzen, Livedoor and more; the blog hosts whose subdomain is
the account (``NAME.blogspot.com``, ``NAME.wordpress.com`` ...); the hosts whose profile is
the first path segment; the profile paths of forum software (Discuz!, vBulletin, MyBB,
Mastodon-style ``/@NAME``); and the reserved words and profile tabs of each platform.
:func:`account_from_url` lists the shapes; ``tests/test_indicators.py`` tests them on URLs
from Meta's files. Cost: one ``urlsplit`` and a dictionary look-up per URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from .refang import refang

__all__ = ["KNOWN_PLATFORMS", "PROFILE_URLS", "Account", "account_from_url", "canonical_platform",
           "profile_url",
           "parse_account"]

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


class Account(NamedTuple):
    """The account a URL belongs to (:func:`parse_account`)."""

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


def parse_account(url: str) -> Account | None:
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


def _dispatch(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
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
        return Account("blogspot", sub, not segs)
    if base == "medium.com" and sub not in _MEDIUM_SUB_RESERVED:
        return Account("medium", sub, _rest_is_root(segs, _MEDIUM_TABS))
    if base == "tumblr.com" and sub not in _TUMBLR_SUB_RESERVED:
        return Account("tumblr", sub, not segs)
    if base == "wordpress.com" and sub not in _WP_SUB_RESERVED:
        return Account("wordpress", sub, not segs)
    if base in _SUBDOMAIN_HOSTS and sub not in ("www", "m", "blog"):
        return Account(_SUBDOMAIN_HOSTS[base], sub, _rest_is_root(segs, _GENERIC_TABS))
    if host in _SINGLE_SEGMENT_HOSTS:
        return _single_segment(_SINGLE_SEGMENT_HOSTS[host], segs, _SINGLE_SEGMENT_RESERVED)
    return _generic(host, segs, query)


def _single_segment(platform: str, segs: list[str], reserved: frozenset[str],
                    tabs: frozenset[str] = _GENERIC_TABS) -> Account | None:
    if not segs or segs[0].lower() in reserved or segs[0].isdigit():
        return None
    return Account(platform, segs[0], _rest_is_root(segs[1:], tabs))


# File hosts and link shorteners: their /u/ and User- paths are not profiles.
_NOT_PROFILE_HOSTS: tuple[str, ...] = (
    "google.com", "1drv.ms", "onedrive.live.com", "dropbox.com", "dropboxusercontent.com",
    "bit.ly", "rebrand.ly", "tinyurl.com", "cutt.ly", "t.co", "goo.gl", "ow.ly", "is.gd",
    "buff.ly", "chng.it", "shorturl.at", "rb.gy", "mega.nz", "mediafire.com", "tiny.cc",
    "lnkd.in", "grabify.link", "archive.org", "archive.ph", "archive.today",
)


def _generic(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    """Profile shapes shared by forum software and small sites; platform = host."""
    if any(host == h or host.endswith("." + h) for h in _NOT_PROFILE_HOSTS):
        return None
    q = {k.lower(): v[0] for k, v in query.items() if v}
    last = segs[-1].lower() if segs else ""
    # Discuz! (home.php?mod=space&uid=N, space-uid-N.html) and vBulletin (member.php?u=N).
    if last == "home.php" and q.get("mod") == "space" and q.get("uid", "").isdigit():
        return Account(host, q["uid"], True)
    if last == "member.php" and q.get("u", "").isdigit():
        return Account(host, q["u"], True)
    if last == "profile.php" and q.get("id"):
        return Account(host, q["id"], True)
    for i, seg in enumerate(segs[:3]):
        m = re.fullmatch(r"space-uid-(\d+)\.html", seg)
        if m:
            return Account(host, m.group(1), True)
        # MyBB "User-name" profile segment.
        if seg.startswith("User-") and len(seg) > 5:
            return Account(host, seg[5:], _rest_is_root(segs[i + 1:], _GENERIC_TABS))
    for i, seg in enumerate(segs[:2]):
        if seg.startswith("@") and len(seg) > 1:  # Mastodon, Steemit, Truth Social, cont.ws
            return Account(host, seg[1:], _rest_is_root(segs[i + 1:], _GENERIC_TABS))
    for i, seg in enumerate(segs[:3]):
        if seg.lower() in _GENERIC_PROFILE_SEGMENTS and i + 1 < len(segs):
            handle = segs[i + 1]
            if handle.lower() in ("me", "login", "edit", "settings"):
                return None
            return Account(host, handle.rstrip("-"), _generic_root(segs[i + 2:]))
    return None


def _generic_root(rest: list[str]) -> bool:
    if _rest_is_root(rest, _GENERIC_TABS):
        return True
    # fanfiction.net/u/ID/name-slug: the slug is the profile's name.
    return len(rest) == 1 and not rest[0].isdigit() and "." not in rest[0]


def _twitter(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    if not segs:
        return None
    head = segs[0].lower()
    if head == "intent" and len(segs) >= 2 and segs[1] in ("user", "follow"):
        for key in ("user_id", "screen_name"):
            if query.get(key):
                return Account("twitter", query[key][0].lstrip("@"), True)
        return None
    if head == "i" and len(segs) >= 3 and segs[1] == "user" and segs[2].isdigit():
        return Account("twitter", segs[2], True)
    if head in _TW_RESERVED:
        return None
    handle = segs[0].lstrip("@")
    if not re.fullmatch(r"\w{1,50}", handle, re.ASCII):
        return None
    rest = segs[1:]
    return Account("twitter", handle, _rest_is_root(rest, _TW_TABS))


def _tiktok(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    if host in ("vm.tiktok.com", "vt.tiktok.com") or not segs or not segs[0].startswith("@"):
        return None
    handle = segs[0][1:]
    if not handle:
        return None
    return Account("tiktok", handle, _rest_is_root(segs[1:], frozenset()))


def _medium(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    if segs and segs[0].startswith("@") and len(segs[0]) > 1:
        return Account("medium", segs[0][1:], _rest_is_root(segs[1:], _MEDIUM_TABS))
    if len(segs) >= 2 and segs[0] == "u":
        return Account("medium", segs[1], len(segs) == 2)
    return None  # publications, /p/ articles, tags


def _reddit(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    if len(segs) >= 2 and segs[0].lower() in ("user", "u"):
        return Account("reddit", segs[1], _rest_is_root(segs[2:], _REDDIT_TABS))
    return None  # subreddits (/r/...) are communities, not accounts


def _quora(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    sub = host.split(".", 1)[0] if host.count(".") >= 2 else ""
    if sub and not _LANG_SUB.fullmatch(sub):
        return None  # NAME.quora.com is a Quora Space (a community), not a profile
    if len(segs) >= 2 and segs[0].lower() == "profile":
        return Account("quora", segs[1], _rest_is_root(segs[2:], _QUORA_TABS))
    return None


def _youtube(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    if host == "youtu.be" or not segs:
        return None
    if segs[0].startswith("@") and len(segs[0]) > 1:
        return Account("youtube", segs[0][1:], _rest_is_root(segs[1:], _YT_TABS))
    if segs[0] in ("channel", "c", "user") and len(segs) >= 2:
        return Account("youtube", segs[1], _rest_is_root(segs[2:], _YT_TABS))
    return None  # /watch, /shorts/ID, /playlist, /embed


def _facebook(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    if host == "fb.me":
        return Account("facebook", segs[0], len(segs) == 1) if segs else None
    if not segs:
        return None
    head = segs[0].lower()
    if head == "profile.php":
        ids = query.get("id")
        return Account("facebook", ids[0], True) if ids else None
    if head == "people" and len(segs) >= 3:
        return Account("facebook", segs[2], _rest_is_root(segs[3:], _FB_TABS))
    if head == "pages" and len(segs) >= 3 and segs[2].isdigit():
        return Account("facebook", segs[2], _rest_is_root(segs[3:], _FB_TABS))
    if head in _FB_RESERVED or head == "pages":
        return None
    if not re.fullmatch(r"[\w.\-]+", segs[0]):
        return None
    return Account("facebook", segs[0], _rest_is_root(segs[1:], _FB_TABS))


def _instagram(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    if not segs:
        return None
    if segs[0] == "stories" and len(segs) >= 2 and segs[1] != "highlights":
        return Account("instagram", segs[1], len(segs) == 2)
    if segs[0].lower() in _IG_RESERVED or not re.fullmatch(r"[\w.]{1,30}", segs[0]):
        return None
    return Account("instagram", segs[0], _rest_is_root(segs[1:], _IG_TABS))


def _vimeo(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    if not segs or segs[0].isdigit() or segs[0].lower() in _VIMEO_RESERVED:
        return None
    return Account("vimeo", segs[0], _rest_is_root(segs[1:], _VIMEO_TABS))


def _pinterest(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    if not segs or segs[0].lower() in _PIN_RESERVED:
        return None
    return Account("pinterest", segs[0], _rest_is_root(segs[1:], _PIN_TABS))


def _soundcloud(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    if host != "soundcloud.com" or not segs or segs[0].lower() in _SC_RESERVED:
        return None
    return Account("soundcloud", segs[0], _rest_is_root(segs[1:], _SC_TABS))


def _vk(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    if not segs or segs[0].lower() in _VK_RESERVED or not _SIMPLE_HANDLE.fullmatch(segs[0]):
        return None
    if re.match(r"(?:wall|photo|video|clip|topic|album)-?\d", segs[0]):
        return None
    return Account("vk", segs[0], len(segs) == 1)


def _telegram(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    if segs and segs[0] == "s":
        segs = segs[1:]
    if not segs or segs[0].lower() in _TG_RESERVED or segs[0].startswith("+"):
        return None
    if not re.fullmatch(r"\w{3,64}", segs[0], re.ASCII):
        return None
    return Account("telegram", segs[0], len(segs) == 1)


def _tumblr(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    if len(segs) >= 3 and segs[0] == "blog" and segs[1] == "view":
        return Account("tumblr", segs[2], len(segs) == 3)
    if not segs or segs[0].lower() in _TUMBLR_RESERVED:
        return None
    return Account("tumblr", segs[0], len(segs) == 1)


def _livejournal(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    if len(segs) >= 2 and segs[0] == "users":
        return Account("livejournal", segs[1], _rest_is_root(segs[2:], _GENERIC_TABS))
    return None


def _github(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    if len(segs) >= 2 and segs[0] == "orgs":
        return Account("github", segs[1], _rest_is_root(segs[2:], _GENERIC_TABS))
    return _single_segment("github", segs, _GH_RESERVED)


def _flickr(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    if len(segs) >= 2 and segs[0] in ("photos", "people"):
        tabs = frozenset({"albums", "favorites", "galleries", "with", "page1"})
        return Account("flickr", segs[1], _rest_is_root(segs[2:], tabs))
    return None


def _linkedin(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    if len(segs) >= 2 and segs[0] in ("in", "company", "school", "showcase"):
        return Account("linkedin", segs[1], _rest_is_root(segs[2:], _GENERIC_TABS))
    return None


def _blogger(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    if len(segs) >= 2 and segs[0] == "profile":
        return Account("blogspot", segs[1], True)
    return None


_Handler = Callable[[str, list[str], dict[str, list[str]]], "Account | None"]


def _path_prefix(platform: str, prefix: tuple[str, ...],
                 tabs: frozenset[str] = _GENERIC_TABS) -> _Handler:
    """Handler for profiles at ``/<prefix...>/NAME``."""

    def handler(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
        n = len(prefix)
        if len(segs) > n and tuple(s.lower() for s in segs[:n]) == prefix:
            return Account(platform, segs[n], _generic_root(segs[n + 1:]))
        if prefix == ("users",) and len(segs) > 2 and segs[1].lower() == "users":
            return Account(platform, segs[2], _rest_is_root(segs[3:], tabs))  # /en/users/N
        return None

    return handler


def _disqus(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    if len(segs) >= 2 and segs[0] == "by":
        return Account("disqus", segs[1], _rest_is_root(segs[2:], _GENERIC_TABS))
    return None


def _scoopit(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    # A Scoop.it topic is a curation page run by one account, like a blog.
    if len(segs) >= 2 and segs[0] in ("u", "topic"):
        return Account("scoop.it", segs[1], len(segs) == 2)
    return None


def _dzen(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    if len(segs) >= 2 and segs[0] == "id":
        return Account("dzen", segs[1], len(segs) == 2)
    return None


def _livedoor_jp(host: str, segs: list[str], query: dict[str, list[str]]) -> Account | None:
    return Account("livedoor", segs[0], len(segs) == 1) if segs else None


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


KNOWN_PLATFORMS: frozenset[str] = frozenset(_PLATFORM_ALIASES.values()) | frozenset({
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
    acc = parse_account(url)
    return (acc.platform, acc.handle) if acc else None



#: Profile URL of a handle, per platform (the forms :func:`parse_account` reads back).
PROFILE_URLS: dict[str, str] = {
    "twitter": "https://x.com/{}", "tiktok": "https://www.tiktok.com/@{}",
    "youtube": "https://www.youtube.com/@{}", "reddit": "https://www.reddit.com/user/{}",
    "medium": "https://medium.com/@{}", "facebook": "https://www.facebook.com/{}",
    "instagram": "https://www.instagram.com/{}", "telegram": "https://t.me/{}",
}


def profile_url(platform: str, handle: str) -> str | None:
    """The profile URL of ``handle`` on ``platform`` (the handle percent-encoded), or None
    for a platform without one in :data:`PROFILE_URLS`."""
    from urllib.parse import quote

    form = PROFILE_URLS.get(platform)
    return None if form is None else form.format(quote(handle.lstrip("@"), safe="._-"))
