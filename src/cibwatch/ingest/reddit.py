"""Reddit submissions and comments as Pushshift-style NDJSON (one object per line).

Layout: the objects of Reddit's API as archived by Pushshift (Baumgartner et al., "The
Pushshift Reddit Dataset", ICWSM 2020, https://arxiv.org/abs/2001.08435, dumps
``RS_*``/``RC_*``) and by its successors (Arctic Shift,
https://github.com/ArthurHeitmann/arctic_shift, ``file_content_explanations.md``); names and
fullnames as in Reddit's API (https://www.reddit.com/dev/api, "fullnames": ``t1_`` comment,
``t2_`` account, ``t3_`` submission). A submission has ``id``, ``name``, ``author``,
``created_utc``, ``subreddit``, ``title``, ``selftext``, ``url``, ``is_self``,
``crosspost_parent``; a comment has ``id``, ``author``, ``created_utc``, ``subreddit``,
``body``, ``link_id`` (its submission) and ``parent_id`` (what it answers).

Mapping: the fullname -> post_id (``name``, else ``t1_``/``t3_`` + ``id``: comment ids and
submission ids are separate spaces, and ``parent_id`` names fullnames); ``author`` (the
username, unique and permanent on Reddit) -> account_id; ``created_utc`` (epoch seconds) ->
created_at; ``title`` + blank line + ``selftext`` (submissions) or ``body`` (comments) -> text;
``url`` of a link submission (not a self post's own permalink) plus the URLs written in the
text -> urls; ``u/name`` written in the text -> mentions; ``crosspost_parent`` -> reshare_of;
a comment's ``parent_id`` -> reply_to. A crosspost's ``url`` (the original's permalink) is
the reshare, not a URL shared. Authors -> derived accounts (``author`` as handle,
``author_created_utc`` when the dump has it).

Posts by ``[deleted]`` authors cannot be attributed and are rejected (with that reason), as is
anything without an author. Not available from Reddit: hashtags, language, media ids,
followers. Not mapped: the subreddit (no canonical field; it is in the rejects-file record and
the source), scores, flairs, awards.
"""

from __future__ import annotations

from dataclasses import dataclass

from .jsonformat import JsonFormat, Part, text_urls

__all__ = ["REDDIT"]

_RECORD = (
    '{"id": "VARCHAR", "name": "VARCHAR", "author": "VARCHAR", "author_fullname": "VARCHAR", '
    '"author_created_utc": "VARCHAR", "created_utc": "VARCHAR", "subreddit": "VARCHAR", '
    '"title": "VARCHAR", "selftext": "VARCHAR", "body": "VARCHAR", "url": "VARCHAR", '
    '"is_self": "BOOLEAN", "permalink": "VARCHAR", "crosspost_parent": "VARCHAR", '
    '"link_id": "VARCHAR", "parent_id": "VARCHAR"}'
)


def _user_mentions(text: str) -> str:
    """SQL: the ``u/name`` (or ``/u/name``) mentions written in ``text``, without ``u/``."""
    return rf"regexp_extract_all(coalesce({text}, ''), '(?:^|[^\w/])/?u/([A-Za-z0-9_-]{{3,20}})', 1)"


@dataclass(frozen=True)
class _Reddit(JsonFormat):
    def structure(self) -> str:
        return _RECORD

    def parts(self, items: str, platform: str | None) -> list[Part]:
        plat = self.platform_sql(platform)
        comment = "(j.link_id IS NOT NULL OR j.body IS NOT NULL)"
        text = (f"CASE WHEN {comment} THEN j.body "
                "ELSE concat_ws(chr(10) || chr(10), j.title, nullif(j.selftext, '')) END")
        link = (f"CASE WHEN NOT {comment} AND NOT coalesce(j.is_self, false) "
                "AND j.crosspost_parent IS NULL AND j.url LIKE 'http%' "
                "AND NOT j.url LIKE '%/comments/' || j.id || '/%' THEN j.url END")
        deleted = "j.author IN ('[deleted]', '[removed]')"
        posts = f"""
            SELECT _idx, _line, _sub, {plat} AS platform,
                   coalesce(j.name, CASE WHEN {comment} THEN 't1_' ELSE 't3_' END || j.id)
                     AS post_id,
                   j.author AS account_id,
                   j.created_utc AS created_at, {text} AS text,
                   {f"list_prepend({link}, {text_urls(text)})"} AS urls,
                   {_user_mentions(text)}
                     AS mentions,
                   j.crosspost_parent AS reshare_of,
                   CASE WHEN {comment} THEN j.parent_id END AS reply_to,
                   CASE WHEN {deleted} THEN 'account_id' || chr(9)
                        || 'author ' || j.author || ': the post cannot be attributed' END
                     AS _error,
                   to_json(j) AS _raw
            FROM {items}"""
        accounts = f"""
            SELECT _idx, _line, _sub, {plat} AS platform, j.author AS account_id,
                   j.author AS handle, j.author_created_utc AS created_at, to_json(j) AS _raw
            FROM {items} WHERE j.author IS NOT NULL AND NOT {deleted}"""
        return [Part("posts", posts), Part("derived", accounts)]


REDDIT = _Reddit(
    name="reddit",
    kind="posts",
    description="Reddit submissions and comments, Pushshift-style NDJSON (id/name, author, "
    "created_utc, subreddit, title, selftext, url, body, link_id, parent_id)",
    signature=frozenset({"author", "created_utc", "subreddit"}),
    default_platform="reddit",
    reference="https://arxiv.org/abs/2001.08435 (Pushshift); https://www.reddit.com/dev/api",
    priority=30,
)
