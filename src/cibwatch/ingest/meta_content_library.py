"""Meta Content Library CSV exports: Facebook and Instagram posts, and comments.

Layout, from the Meta Content Library data dictionary
(https://developers.facebook.com/docs/content-library-and-api/appendix/data-dictionary): the
CSV a researcher downloads (and the API's flattened results) name nested fields with dots.
Posts: ``id``, ``creation_time``, ``text``, ``lang``, ``post_owner.id``,
``post_owner.name``, ``post_owner.username``, ``post_owner.type`` (page, group, event,
profile on Facebook; business, creator, personal on Instagram), ``surface.id``/``.name``/
``.type`` (where a Facebook post was made), ``shared_post_id`` (the original of a reshare),
``link_attachment.link``, ``multimedia``, ``hashtags`` (Instagram), ``mcl_url``,
``statistics.*``. Comments: ``id``, ``post_id``, ``parent_comment_id`` (a reply),
``creation_time``, ``text``, ``lang``, ``owner.id``/``.name``/``.username``,
``link_attachment.link``.

Mapping (posts): ``id`` -> post_id, ``post_owner.id`` -> account_id, ``creation_time`` ->
created_at, ``text``, ``lang``; ``shared_post_id`` -> reshare_of; ``link_attachment.link`` and
the URLs written in the text -> urls; ``hashtags`` (else the ``#words`` of the text) ->
hashtags; ``@handles`` in the text -> mentions; the ``id`` values in ``multimedia`` (when the
export gives them; media URLs are ephemeral and are not ids) -> media. Comments: ``id``,
``owner.id`` -> account_id, ``parent_comment_id`` (else ``post_id``) -> reply_to. The owner ->
derived account (``username`` -> handle, ``name`` -> display_name).

Platform: ``--platform``, else ``instagram`` when ``mcl_url`` points to Instagram or the owner
type is an Instagram one, else ``facebook``.

Not available from the Content Library: the original account of a reshare (only its post
id), followers at posting time, account creation time (a separate producer lookup), a
profile image hash. Not mapped: ``surface.*`` (the group or page a post was made in; there is
no canonical field for it), statistics, ``is_branded_content``, ``match_type``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .base import Format
from .convert import Col, Const, Expr, Source, quote_ident, sql_str
from .jsonformat import URL_RE

__all__ = ["META_CONTENT_LIBRARY"]

_IG_OWNER_TYPES = "('business', 'creator', 'personal')"


def _txt(col: str) -> str:
    return f"coalesce(CAST({quote_ident(col)} AS VARCHAR), '')"


def _words(col: str) -> str:
    """SQL: a list cell (``[a, 'b']``, ``["a"]`` or ``a b``) as a list, '#' removed."""
    v = f"trim({_txt(col)})"
    parts = (f"CASE WHEN starts_with({v}, '[') THEN string_split({v}[2:-2], ',') "
             f"ELSE string_split_regex({v}, '[\\s,]+') END")
    return (f"list_filter(list_transform({parts}, lambda x: ltrim(trim(trim(x), '''\" '), '#')), "
            "lambda x: x <> '')")


def _distinct(expr: str) -> str:
    clean = f"list_filter({expr}, lambda x: x IS NOT NULL AND trim(x) <> '')"
    return f"list_filter({clean}, lambda x, i: list_position({clean}, x) = i)"


@dataclass(frozen=True)
class _MetaContentLibrary(Format):
    def matches(self, header: set[str]) -> bool:
        return {"id", "creation_time"} <= header and bool({"post_owner.id", "owner.id"} & header)

    @staticmethod
    def _owner(header: set[str]) -> str:
        return "post_owner" if "post_owner.id" in header else "owner"

    def _platform(self, header: set[str], platform: str | None) -> Source:
        if platform:
            return Const(platform)
        tests = []
        if "mcl_url" in header:
            tests.append(f"{quote_ident('mcl_url')} ILIKE '%instagram%'")
        otype = f"{self._owner(header)}.type"
        if otype in header:
            tests.append(f"lower({quote_ident(otype)}) IN {_IG_OWNER_TYPES}")
        if not tests:
            return Const("facebook")
        return Expr(f"CASE WHEN {' OR '.join(tests)} THEN 'instagram' ELSE 'facebook' END")

    def mapping(self, header: set[str], platform: str | None) -> dict[str, Source]:
        owner = self._owner(header)
        text = _txt("text") if "text" in header else "''"
        link = (f"nullif(trim({_txt('link_attachment.link')}), '')"
                if "link_attachment.link" in header else "NULL")
        urls = f"list_prepend({link}, regexp_extract_all({text}, {sql_str(URL_RE)}))"
        hashtags = (_words("hashtags") if "hashtags" in header else
                    rf"regexp_extract_all({text}, '(?:^|[^\p{{L}}\p{{N}}_&/#])#([\p{{L}}\p{{N}}_]+)', 1)")
        m: dict[str, Source] = {
            "platform": self._platform(header, platform),
            "post_id": Col("id"),
            "account_id": Col(f"{owner}.id"),
            "created_at": Col("creation_time"),
            "urls": Expr(_distinct(urls), kind="list"),
            "hashtags": Expr(_distinct(hashtags), kind="list"),
            "mentions": Expr(_distinct(
                rf"regexp_extract_all({text}, '(?:^|[^\p{{L}}\p{{N}}_.@])@([\p{{L}}\p{{N}}_.]*[\p{{L}}\p{{N}}_])', 1)"),
                kind="list"),
        }
        for field, col in (("text", "text"), ("lang", "lang"), ("reshare_of", "shared_post_id")):
            if col in header:
                m[field] = Col(col)
        if "multimedia" in header:
            m["media"] = Expr(_distinct(
                f"regexp_extract_all({_txt('multimedia')}, "
                "'[''\"]id[''\"]\\s*:\\s*[''\"]?([A-Za-z0-9_.:-]+)', 1)"), kind="list")
        if owner == "owner":  # comments
            parent = [quote_ident(c) for c in ("parent_comment_id", "post_id") if c in header]
            if parent:
                m["reply_to"] = Expr(
                    "coalesce(" + ", ".join(f"nullif(trim(CAST({p} AS VARCHAR)), '')"
                                             for p in parent) + ")")
        return m

    def account_mapping(self, header: set[str], platform: str | None) -> dict[str, Source] | None:
        owner = self._owner(header)
        m: dict[str, Source] = {"platform": self._platform(header, platform),
                                "account_id": Col(f"{owner}.id")}
        for field, col in (("handle", f"{owner}.username"), ("display_name", f"{owner}.name")):
            if col in header:
                m[field] = Col(col)
        return m


META_CONTENT_LIBRARY = _MetaContentLibrary(
    name="meta-content-library",
    kind="posts",
    description="Meta Content Library CSV (Facebook and Instagram posts: id, creation_time, "
    "text, post_owner.id, shared_post_id, link_attachment.link, ...; or comments: owner.id, "
    "post_id, parent_comment_id)",
    signature=frozenset({"id", "creation_time"}),
    reference="https://developers.facebook.com/docs/content-library-and-api/appendix/"
    "data-dictionary",
    priority=30,
)
