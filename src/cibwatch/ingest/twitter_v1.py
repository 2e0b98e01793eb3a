"""X/Twitter API v1.1 tweet JSON: one tweet per line (the streaming and REST APIs, twarc 1).

Layout, from the v1.1 data dictionary
(https://developer.x.com/en/docs/x-api/v1/data-dictionary/object-model/tweet, with
.../object-model/entities, .../object-model/user and the extended-tweet notes in
.../overview/extended-entities): ``created_at`` (``"Wed Oct 10 20:19:24 +0000 2018"``),
``id_str``, ``text`` (or ``full_text`` in extended mode), ``extended_tweet.full_text`` (the
streaming API's long tweets), ``entities``, ``extended_entities``, ``retweeted_status``,
``quoted_status_id_str``, ``in_reply_to_status_id_str``, ``lang``, ``user``. A line holding
a search response (``{"statuses": [...], "search_metadata": ...}``) is read as a page.

Mapping: ``id_str`` (else ``id``) -> post_id, ``user.id_str`` -> account_id, ``created_at``
-> created_at, ``extended_tweet.full_text`` / ``full_text`` / ``text`` -> text, ``lang``;
``retweeted_status.id_str`` -> reshare_of; ``in_reply_to_status_id_str`` -> reply_to;
``entities.urls[].expanded_url`` (else ``url``) -> urls, ``entities.hashtags[].text`` ->
hashtags, ``entities.user_mentions[].id_str`` -> mentions, ``extended_entities.media[].id_str``
(else ``entities.media``) -> media; the entities of ``extended_tweet`` when it is there. A
quote (``quoted_status_id_str``) joins urls as the quoted tweet's permalink, as in
:mod:`.twitter_v2`.

``user`` -> derived account: ``id_str``, ``screen_name`` -> handle, ``name`` ->
display_name, ``created_at``, ``description`` -> bio, ``location``, ``lang`` (null since
2019), ``followers_count``, ``friends_count`` -> following.

Not mapped: counts, ``place``/``coordinates``, ``source``, the embedded ``retweeted_status``
and ``quoted_status`` objects (their ids are what reshare_of and the quote permalink hold).
Not available: a profile image hash (only its URL).
"""

from __future__ import annotations

from dataclasses import dataclass

from .jsonformat import JsonFormat, Part, permalink_quote

__all__ = ["TWITTER_V1"]

_TIME_FMT = "%a %b %d %H:%M:%S %z %Y"
_USER = (
    '{"id_str": "VARCHAR", "id": "VARCHAR", "screen_name": "VARCHAR", "name": "VARCHAR", '
    '"created_at": "VARCHAR", "description": "VARCHAR", "location": "VARCHAR", '
    '"lang": "VARCHAR", "followers_count": "VARCHAR", "friends_count": "VARCHAR"}'
)
_ENTITIES = (
    '{"hashtags": [{"text": "VARCHAR"}], "urls": [{"url": "VARCHAR", "expanded_url": "VARCHAR"}], '
    '"user_mentions": [{"id_str": "VARCHAR", "screen_name": "VARCHAR"}], '
    '"media": [{"id_str": "VARCHAR"}]}'
)
_TWEET_FIELDS = (
    '"id_str": "VARCHAR", "id": "VARCHAR", "created_at": "VARCHAR", "text": "VARCHAR", '
    '"full_text": "VARCHAR", "lang": "VARCHAR", "in_reply_to_status_id_str": "VARCHAR", '
    '"quoted_status_id_str": "VARCHAR", "retweeted_status": {"id_str": "VARCHAR", "id": "VARCHAR"}, '
    f'"entities": {_ENTITIES}, "extended_entities": {{"media": [{{"id_str": "VARCHAR"}}]}}, '
    f'"extended_tweet": {{"full_text": "VARCHAR", "entities": {_ENTITIES}, '
    '"extended_entities": {"media": [{"id_str": "VARCHAR"}]}}, '
    f'"user": {_USER}'
)
_TWEET = "{" + _TWEET_FIELDS + "}"
_RECORD = "{" + _TWEET_FIELDS + f', "statuses": [{_TWEET}]}}'


def _time(expr: str) -> str:
    """v1.1 times (``Wed Oct 10 20:19:24 +0000 2018``) as ISO text; other text unchanged."""
    return f"coalesce(CAST(try_strptime({expr}, '{_TIME_FMT}') AS VARCHAR), {expr})"


@dataclass(frozen=True)
class _TwitterV1(JsonFormat):
    def structure(self) -> str:
        return _RECORD

    def items_sql(self, docs: str) -> str:
        fields = ("id_str", "id", "created_at", "text", "full_text", "lang",
                  "in_reply_to_status_id_str", "quoted_status_id_str", "retweeted_status",
                  "entities", "extended_entities", "extended_tweet", "user")
        as_tweet = "struct_pack(" + ", ".join(f"{k} := j.{k}" for k in fields) + ")"
        return f"""
            SELECT _idx, _line, _sub, x AS t
            FROM (SELECT _idx, _line, unnest(j.statuses) AS x,
                         generate_subscripts(j.statuses, 1) AS _sub
                  FROM {docs} WHERE j.statuses IS NOT NULL)
            UNION ALL
            SELECT _idx, _line, 0, {as_tweet} FROM {docs} WHERE j.statuses IS NULL
        """

    def parts(self, items: str, platform: str | None) -> list[Part]:
        plat = self.platform_sql(platform)
        ent = "coalesce(t.extended_tweet.entities, t.entities)"
        urls = f"list_transform({ent}.urls, lambda e: coalesce(e.expanded_url, e.url))"
        media = ("list_transform(coalesce(t.extended_tweet.extended_entities.media, "
                 "t.extended_entities.media, t.entities.media), lambda m: m.id_str)")
        posts = f"""
            SELECT _idx, _line, _sub, {plat} AS platform,
                   coalesce(t.id_str, t.id) AS post_id,
                   coalesce(t.user.id_str, t.user.id) AS account_id,
                   {_time('t.created_at')} AS created_at,
                   coalesce(t.extended_tweet.full_text, t.full_text, t.text) AS text,
                   t.lang AS lang,
                   coalesce(t.retweeted_status.id_str, t.retweeted_status.id) AS reshare_of,
                   t.in_reply_to_status_id_str AS reply_to,
                   {permalink_quote(urls, 't.quoted_status_id_str')} AS urls,
                   list_transform({ent}.hashtags, lambda h: h.text) AS hashtags,
                   list_transform({ent}.user_mentions, lambda m: coalesce(m.id_str, m.screen_name))
                     AS mentions,
                   {media} AS media, to_json(t) AS _raw
            FROM {items}"""
        users = f"""
            SELECT _idx, _line, _sub, {plat} AS platform,
                   coalesce(t.user.id_str, t.user.id) AS account_id, t.user.screen_name AS handle,
                   t.user.name AS display_name, {_time('t.user.created_at')} AS created_at,
                   t.user.description AS bio, t.user.location AS location, t.user.lang AS lang,
                   t.user.followers_count AS followers, t.user.friends_count AS following,
                   to_json(t.user) AS _raw
            FROM {items} WHERE t.user IS NOT NULL"""
        return [Part("posts", posts), Part("derived", users)]


TWITTER_V1 = _TwitterV1(
    name="twitter-v1",
    kind="posts",
    description="X/Twitter API v1.1 tweet JSON, one tweet per line (id_str, created_at, "
    "text/full_text, entities, retweeted_status, user), or search pages (statuses)",
    signature=frozenset({"id_str", "user", "created_at"}),
    signatures=(frozenset({"statuses", "search_metadata"}),),
    default_platform="twitter",
    reference="https://developer.x.com/en/docs/x-api/v1/data-dictionary/object-model/tweet",
    priority=30,
    doc_paths=(("statuses",),),
)
