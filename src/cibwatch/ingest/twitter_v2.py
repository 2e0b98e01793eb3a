"""X/Twitter API v2: response pages (``data`` + ``includes``) or single tweet objects.

Layout, from the X API v2 data dictionary
(https://developer.x.com/en/docs/x-api/data-dictionary/object-model/tweet and
.../object-model/user; fields and expansions:
https://developer.x.com/en/docs/x-api/data-dictionary/using-fields-and-expansions): a
response page is ``{"data": [tweet, ...], "includes": {"users": [...], "tweets": [...],
"media": [...]}, "meta": {...}}``; what twarc2 and most collectors write is one page per line.
Lines holding a single tweet object (``twarc2 flatten``, with the author inlined as
``author``) are read too, and so is one response saved as a (pretty-printed) JSON document.

Mapping (tweet -> post): ``id`` -> post_id, ``author_id`` -> account_id, ``created_at``
(ISO 8601, UTC) -> created_at, ``note_tweet.text`` (posts longer than 280 characters) or
``text`` -> text, ``lang`` -> lang; ``referenced_tweets`` of type ``retweeted`` ->
reshare_of, ``replied_to`` -> reply_to; ``entities.urls`` -> urls (``unwound_url`` when the
API gave it, else ``expanded_url``, else the t.co ``url``; the links of attached media are
media, not URLs); ``entities.hashtags[].tag`` -> hashtags; ``entities.mentions`` -> mentions
(the account id when given, else the username); ``attachments.media_keys`` -> media. A
``quoted`` reference has no canonical field: the quoted tweet's permalink
``https://twitter.com/i/web/status/<id>`` joins urls (replacing links in the text to the same
status), so that accounts quoting one tweet share a URL.

Users (``includes.users``, or a flattened tweet's ``author``) -> derived accounts: ``id``,
``username`` -> handle, ``name`` -> display_name, ``created_at``, ``description`` -> bio,
``location``, ``public_metrics.followers_count`` / ``following_count``.

Not mapped: ``includes.tweets`` (the referenced tweets, context rather than the collection:
their ids are what reshare_of, reply_to and the quote permalink point to), ``includes.media``
(its ``media_key`` is what media holds), ``includes.places``/``polls``, metrics, context
annotations, ``conversation_id``, edit history. Not available from v2: the account's
language; a profile image hash (only its URL). A ``data`` holding one object (the single-tweet
lookup) is not a page: put it in a list.
"""

from __future__ import annotations

from dataclasses import dataclass

from .jsonformat import JsonFormat, Part, permalink_quote

__all__ = ["TWITTER_V2", "TWEET_V2", "USER_V2"]

#: The user object fields read (json_transform structure).
USER_V2 = (
    '{"id": "VARCHAR", "username": "VARCHAR", "name": "VARCHAR", "created_at": "VARCHAR", '
    '"description": "VARCHAR", "location": "VARCHAR", '
    '"public_metrics": {"followers_count": "VARCHAR", "following_count": "VARCHAR"}}'
)
_TWEET_FIELDS = (
    '"id": "VARCHAR", "text": "VARCHAR", "author_id": "VARCHAR", "created_at": "VARCHAR", '
    '"lang": "VARCHAR", "referenced_tweets": [{"type": "VARCHAR", "id": "VARCHAR"}], '
    '"entities": {"urls": [{"url": "VARCHAR", "expanded_url": "VARCHAR", '
    '"unwound_url": "VARCHAR", "media_key": "VARCHAR"}], "hashtags": [{"tag": "VARCHAR"}], '
    '"mentions": [{"username": "VARCHAR", "id": "VARCHAR"}]}, '
    '"attachments": {"media_keys": ["VARCHAR"]}, "note_tweet": {"text": "VARCHAR"}, '
    f'"author": {USER_V2}'
)
#: The tweet object fields read (json_transform structure).
TWEET_V2 = "{" + _TWEET_FIELDS + "}"
#: A record: a page, a tweet, or (in a document's ``includes.users``) a user.
_RECORD = (
    "{" + _TWEET_FIELDS + ', "username": "VARCHAR", "name": "VARCHAR", '
    '"description": "VARCHAR", "location": "VARCHAR", '
    '"public_metrics": {"followers_count": "VARCHAR", "following_count": "VARCHAR"}, '
    f'"data": [{TWEET_V2}], "includes": {{"users": [{USER_V2}]}}}}'
)


def _ref(x: str, kind: str) -> str:
    return f"list_filter({x}.referenced_tweets, lambda r: r.type = '{kind}')[1].id"


def tweet_cols(x: str) -> str:
    """Select list: the post columns of the v2 tweet struct ``x``."""
    urls = (f"list_transform(list_filter({x}.entities.urls, lambda e: e.media_key IS NULL), "
            "lambda e: coalesce(e.unwound_url, e.expanded_url, e.url))")
    return f"""
        {x}.id AS post_id, {x}.author_id AS account_id, {x}.created_at AS created_at,
        coalesce({x}.note_tweet.text, {x}.text) AS text, {x}.lang AS lang,
        {_ref(x, 'retweeted')} AS reshare_of, {_ref(x, 'replied_to')} AS reply_to,
        {permalink_quote(urls, _ref(x, 'quoted'))} AS urls,
        list_transform({x}.entities.hashtags, lambda h: h.tag) AS hashtags,
        list_transform({x}.entities.mentions, lambda m: coalesce(m.id, m.username)) AS mentions,
        {x}.attachments.media_keys AS media, to_json({x}) AS _raw"""


def user_cols(u: str) -> str:
    """Select list: the account columns of the v2 user struct ``u``."""
    return f"""
        {u}.id AS account_id, {u}.username AS handle, {u}.name AS display_name,
        {u}.created_at AS created_at, {u}.description AS bio, {u}.location AS location,
        {u}.public_metrics.followers_count AS followers,
        {u}.public_metrics.following_count AS following, to_json({u}) AS _raw"""


@dataclass(frozen=True)
class _TwitterV2(JsonFormat):
    def structure(self) -> str:
        return _RECORD

    def items_sql(self, docs: str) -> str:
        return f"""
            SELECT _idx, _line, _sub, 'tweet' AS kind, x AS t, NULL::{_u_type()} AS u
            FROM (SELECT _idx, _line, unnest(j.data) AS x, generate_subscripts(j.data, 1) AS _sub
                  FROM {docs} WHERE j.data IS NOT NULL)
            UNION ALL
            SELECT _idx, _line, 1000000 + _sub, 'user', NULL, x
            FROM (SELECT _idx, _line, unnest(j.includes.users) AS x,
                         generate_subscripts(j.includes.users, 1) AS _sub
                  FROM {docs} WHERE j.includes.users IS NOT NULL)
            UNION ALL
            SELECT _idx, _line, 0, 'tweet', {_as_tweet('j')}, NULL
            FROM {docs} WHERE j.data IS NULL AND j.includes IS NULL AND _path <> 'includes.users'
            UNION ALL
            SELECT _idx, _line, 0, 'user', NULL, {_as_user('j')}
            FROM {docs} WHERE _path = 'includes.users'
        """

    def parts(self, items: str, platform: str | None) -> list[Part]:
        plat = self.platform_sql(platform)
        return [
            Part("posts", f"SELECT _idx, _line, _sub, {plat} AS platform, {tweet_cols('t')} "
                          f"FROM {items} WHERE kind = 'tweet'"),
            Part("derived", f"SELECT _idx, _line, _sub, {plat} AS platform, {user_cols('u')} "
                            f"FROM {items} WHERE kind = 'user'"),
            Part("derived", f"SELECT _idx, _line, _sub, {plat} AS platform, "
                            f"{user_cols('t.author')} "
                            f"FROM {items} WHERE kind = 'tweet' AND t.author.id IS NOT NULL"),
        ]


def _u_type() -> str:
    return ("STRUCT(id VARCHAR, username VARCHAR, name VARCHAR, created_at VARCHAR, "
            "description VARCHAR, location VARCHAR, "
            "public_metrics STRUCT(followers_count VARCHAR, following_count VARCHAR))")


def _as_tweet(j: str) -> str:
    """The tweet fields of the record struct ``j`` as a tweet struct (the type of data[])."""
    return ("struct_pack(" + ", ".join(
        f"{k} := {j}.{k}" for k in ("id", "text", "author_id", "created_at", "lang",
                                    "referenced_tweets", "entities", "attachments",
                                    "note_tweet", "author")) + ")")


def _as_user(j: str) -> str:
    return ("struct_pack(" + ", ".join(
        f"{k} := {j}.{k}" for k in ("id", "username", "name", "created_at", "description",
                                    "location", "public_metrics")) + ")")


TWITTER_V2 = _TwitterV2(
    name="twitter-v2",
    kind="posts",
    description="X/Twitter API v2 JSON: response pages (data, includes.users) one per line, "
    "single tweet objects (twarc2 flatten), or one response document",
    signature=frozenset({"data"}),
    signatures=(frozenset({"author_id", "text", "id"}),),
    excludes=frozenset({"error", "kind"}),
    default_platform="twitter",
    reference="https://developer.x.com/en/docs/x-api/data-dictionary/object-model/tweet",
    priority=30,
    doc_paths=(("data",), ("includes", "users")),
)
