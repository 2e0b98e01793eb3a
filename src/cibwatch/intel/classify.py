"""Classification: what one published value is (account, URL, domain, hashtag, IP, e-mail,
text or report fact).

:func:`classify` turns one cell of an indicator file into typed :class:`Value`\\ s, with the
aside it found in the cell and, when the value cannot be understood, the error; the layout
readers (:mod:`.layouts`) say what the file tells about the cell (``hint``: a Markdown type
``Domain``, a 2020-22 ``domain_name``; the platform of a kill-chain procedure; the ``prose``
mode) and collect the results.

Every value is refanged first (:func:`.refang.refang`). A profile URL becomes an account
(:func:`.platforms.account_from_url`); a URL that points *into* an account (a post, a video, a blog entry,
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
article titles of the Spamouflage file stay text).

Cost: a handful of regular expressions and at most one URL parse per value.
"""

from __future__ import annotations

import ipaddress
import re
from typing import NamedTuple
from urllib.parse import urlsplit

from .platforms import KNOWN_PLATFORMS, canonical_platform, parse_account
from .refang import INVISIBLE, refang

__all__ = ["NOTE_SEP", "SCHEME_RE", "Outcome", "Value", "classify"]

SCHEME_RE = re.compile(r"[a-z][a-z0-9+.\-]*://", re.I)
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

NOTE_SEP = "; "


class Value(NamedTuple):
    """One typed value (:attr:`cibwatch.intel.Indicator.type`, ``value``, ``platform``)."""

    type: str
    value: str
    platform: str | None


class Outcome(NamedTuple):
    """What :func:`classify` made of one cell."""

    values: list[Value]
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
    s = url if SCHEME_RE.match(url) else "https://" + url
    try:
        parts = urlsplit(s)
        host = parts.hostname
    except ValueError:
        return None
    if host and parts.path in ("", "/") and not parts.query and not parts.fragment:
        return host
    return None


def _url_values(url: str, hint: str | None, root_as_domain: bool) -> list[Value]:
    if hint == "domain" or root_as_domain:
        host = _url_root_host(url)
        if host:
            return [Value("domain", _norm_domain(host), None)]
    acc = parse_account(url)
    if acc is None:
        return [Value("url", url, None)]
    account = Value("account", acc.handle, acc.platform)
    return [account] if acc.root else [account, Value("url", url, None)]


def _token_values(token: str, hint: str | None, platform_hint: str | None,
                  allow_platform_prefix: bool, root_as_domain: bool = False) -> list[Value] | None:
    """Values of one token without white space; None when it is not a locator."""
    r = refang(token).strip()
    if r.lower().startswith("mailto:"):
        r = r[7:]
    if hint == "hashtag" or _HASHTAG_RE.fullmatch(r):
        tag = r.lstrip("#")
        return [Value("hashtag", tag.lower(), None)] if re.fullmatch(r"\w+", tag) else None
    m = _HANDLE_RE.fullmatch(r)
    if m:
        return [Value("account", m.group(1), canonical_platform(platform_hint))]
    if allow_platform_prefix and not SCHEME_RE.match(r):
        m = _PLATFORM_HANDLE_RE.fullmatch(r)
        platform = canonical_platform(m.group(1)) if m else None
        if m and platform in KNOWN_PLATFORMS:
            return [Value("account", m.group(2), platform)]
    if _EMAIL_RE.fullmatch(r):
        local, _, dom = r.rpartition("@")
        return [Value("email", f"{local}@{dom.lower()}", None)]
    try:
        return [Value("ip", str(ipaddress.ip_address(r)), None)]
    except ValueError:
        pass
    if SCHEME_RE.match(r):
        return _url_values(r, hint, root_as_domain)
    if _HOSTPATH_RE.fullmatch(r):
        if re.search(r"[/?#]", r):
            return _url_values(r, hint, root_as_domain)
        dom = _norm_domain(r)
        out = [Value("domain", dom, None)]
        acc = parse_account(r)
        if acc is not None and acc.root:  # securemessagingapps.blogspot.com: also the blog
            out.append(Value("account", acc.handle, acc.platform))
        return out
    if _DOMAIN_RE.fullmatch(r) and hint == "domain":  # internationalised names
        return [Value("domain", _norm_domain(r), None)]
    if hint == "account" and re.fullmatch(r"[\w.\-]+", r):
        return [Value("account", r, canonical_platform(platform_hint))]
    return None


def _is_locator(token: str) -> bool:
    return _token_values(token, None, None, False) is not None


def classify(raw: str, *, hint: str | None = None, platform_hint: str | None = None,
              allow_platform_prefix: bool = False, root_as_domain: bool = False,
              prose: str = "plain") -> Outcome:
    """Turn one cell into indicator values (see the module docstring)."""
    text = INVISIBLE.sub("", raw).strip()
    if not text:
        return Outcome([], "", "empty value")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    note = ""
    # Several one-token lines ("yerli-media\nluremedia"): one value each.
    if len(lines) > 1 and all(len(ln.split()) == 1 for ln in lines):
        vals: list[Value] = []
        errors: list[str] = []
        for ln in lines:
            part = classify(ln, hint=hint, platform_hint=platform_hint,
                             allow_platform_prefix=allow_platform_prefix,
                             root_as_domain=root_as_domain, prose=prose)
            vals.extend(part.values)
            if part.error:
                errors.append(f"{ln!r}: {part.error}")
        return Outcome(vals, "", NOTE_SEP.join(errors))
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
        elif SCHEME_RE.match(refang(first)) and len(value.split()) <= 3:
            # "https://twitter[.]com/h/status/1562640310273 921025": a URL broken by spaces.
            joined = "".join(value.split())
            if _is_locator(joined):
                value, note = joined, "white space inside the URL removed"
    if len(value.split()) == 1:
        if _HASH_RE.fullmatch(value):
            return Outcome([], note, "file hash: not a social-media indicator, not imported")
        vals_or_none = _token_values(value, hint, platform_hint, allow_platform_prefix,
                                     root_as_domain)
        if vals_or_none is not None:
            return Outcome(vals_or_none, note, "")
        if hint in ("url", "domain", "ip", "email", "hashtag"):
            return Outcome([], note, f"not a valid {hint}: {value!r}")
    return Outcome([Value(_prose_kind(text, prose), text, None)], "", "")

