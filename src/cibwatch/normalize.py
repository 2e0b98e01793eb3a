"""Text and URL normalisation, as SQL expressions shared by every trace that needs them.

One definition per idea: the exact-text trace, the near-duplicate trace and the URL and domain
traces all call these functions; nothing else normalises.

Text (``normalize_text_sql``): lower case; URLs and @mentions removed; every character that is
not a letter, a digit or white space removed (punctuation, symbols, emoji; a hashtag keeps its
word); runs of white space collapsed to one space; trimmed. Letters of every script are kept
(``\\p{L}``), so Chinese, Cyrillic or Arabic copypasta normalises like English.

URL (``canonical_url_sql``): trimmed; scheme (``http``/``https``) and a leading ``www.`` removed;
host lower-cased, default ports dropped; fragment removed; tracking parameters removed (see
:data:`TRACKING_PARAMS`: ``utm_*``, ``fbclid``, ``gclid`` ...), the remaining query parameters
sorted; a trailing slash removed. Paths keep their case. Shortened links (bit.ly, t.co ...) are
canonicalised like any URL and not expanded: the tool never goes on line. Strings that are
empty after trimming are not URLs (NULL): an empty cell never becomes a shared "URL".
"""

from __future__ import annotations

from typing import Final

from .engine import dialect

__all__ = [
    "TRACKING_PARAMS",
    "normalize_text_sql",
    "canonical_url_sql",
    "url_host_sql",
    "hashtag_sql",
]

#: Query parameters that identify a click, a campaign or a sharer, not the page. Removed by
#: URL canonicalisation. Sources: Google Analytics campaign parameters (utm_*), the click ids
#: of Facebook (fbclid), Google Ads (gclid, dclid, gbraid, wbraid), Microsoft (msclkid),
#: Mailchimp (mc_cid, mc_eid), Instagram (igshid), Yandex (yclid), HubSpot (_hsenc, _hsmi),
#: Marketo (mkt_tok), Twitter share links (ref_src) and YouTube/Spotify share ids (si).
#: Generic short names such as ``s`` or ``t`` are kept: on many sites they are the page
#: (a search query, a video time).
TRACKING_PARAMS: Final = (
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "igshid",
    "yclid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "ref_src", "si",
)
_TRACKING_RE: Final = "^(utm_[a-z0-9_]*|" + "|".join(TRACKING_PARAMS) + ")$"


def normalize_text_sql(col: str) -> str:
    """SQL expression: the normalised form of the text in ``col`` (see the module docstring)."""
    s = f"lower({col})"
    s = dialect.regexp_replace_all(s, r"'(https?://|www\.)[^\s]+'", "' '")
    s = dialect.regexp_replace_all(s, r"'@[\p{L}\p{N}_.]+'", "' '")
    s = dialect.regexp_replace_all(s, r"'[^\p{L}\p{N}\s]+'", "''")
    s = "trim(" + dialect.regexp_replace_all(s, r"'\s+'", "' '") + ")"
    return s


def canonical_url_sql(relation: str, col: str = "u", keep: tuple[str, ...] | None = None) -> str:
    """SQL: every row of ``relation`` with its columns ``keep`` (default: ``col`` alone) plus
    ``canonical``, the canonical form of its URL column ``col`` (NULL when blank); see the
    module docstring. The columns are named (no ``* EXCLUDE``) so that the SELECT is plain SQL
    on every engine.

    A relational helper rather than an expression so that the URL is parsed by one regular
    expression once per row, whatever the engine's common-subexpression rules.
    """
    pattern = r"^(?:[a-zA-Z][a-zA-Z0-9+.\-]*://)?([^/?#]*)([^?#]*)(?:\?([^#]*))?"
    params = (
        "list_sort(" + dialect.list_filter(
            "string_split(parts.query, '&')", "p",
            f"p <> '' AND NOT regexp_matches(lower(split_part(p, '=', 1)), '{_TRACKING_RE}')")
        + ")"
    )
    cols = "".join(f'"{c}", ' for c in (keep or (col,)))
    return rf"""
        SELECT {cols}
               CASE WHEN host = '' AND path = '' THEN NULL ELSE host || path || q END AS canonical
        FROM (
          SELECT *,
                 regexp_replace(regexp_replace(lower(parts.host), '^www\.', ''), ':(80|443)$', '')
                   AS host,
                 CASE WHEN parts.path = '/' THEN '' ELSE regexp_replace(parts.path, '/+$', '') END
                   AS path,
                 CASE WHEN coalesce(parts.query, '') = '' THEN ''
                      ELSE coalesce('?' || nullif(array_to_string({params}, '&'), ''), '') END AS q
          FROM (SELECT *, regexp_extract(trim({col}), '{pattern}', ['host', 'path', 'query'])
                            AS parts
                FROM {relation}) AS r1
        ) AS r2
    """


def url_host_sql(canonical: str) -> str:
    """SQL expression: the host of a canonical URL (no scheme, no ``www.``, lower case)."""
    return rf"regexp_extract({canonical}, '^([^/?#]*)', 1)"


def hashtag_sql(col: str) -> str:
    """SQL expression: a hashtag without its '#', in lower case."""
    return f"lower(ltrim(trim({col}), '#＃'))"
