"""TikTok Research API: videos, video comments and user info.

Layout, from TikTok's Research API reference: query videos
(https://developers.tiktok.com/doc/research-api-specs-query-videos), query video comments
(https://developers.tiktok.com/doc/research-api-specs-query-video-comments), query user info
(https://developers.tiktok.com/doc/research-api-specs-query-user-info) and the codebook
(https://developers.tiktok.com/doc/research-api-codebook). A response is ``{"data":
{"videos": [...], "cursor": ..., "has_more": ..., "search_id": ...}, "error": {"code",
"message", "log_id"}}`` (``"comments"`` for comments; the user info object itself for user
info). Read as JSON Lines (one response, or one video, comment or user object per line) or as
one saved response (a JSON document).

Mapping:

* video -> post: ``id`` -> post_id, ``username`` -> account_id, ``create_time`` (epoch
  seconds) -> created_at, ``video_description`` -> text, ``hashtag_names`` -> hashtags (else
  the ``#words`` of the description), ``video_mention_list`` -> mentions (else the ``@names``
  of the description), URLs written in the description -> urls, ``music_id`` -> media as
  ``music:<id>`` (the sound: reusing one sound across accounts is a media reuse; trending
  sounds are discounted like any crowd key by the significance test). The author ->
  derived account, ``region_code`` (the country the account registered in) -> location.
* comment -> post: ``id``, ``create_time``, ``text``; ``parent_comment_id`` when it names
  another comment, else ``video_id`` -> reply_to. **The API does not name a comment's
  author**: a comment is loaded only when the collector added ``username`` (to the comment);
  otherwise it is rejected with that reason.
* user info -> account: ``username`` (not in the API's answer, which is keyed by the
  request: the collector must add it, to the object or to the response, else the record is
  rejected with that reason) ->
  account_id and handle, ``display_name``, ``bio_description`` -> bio, ``follower_count``,
  ``following_count``.

An error response (``error.code`` other than ``ok``) is rejected with its code and message.
Not available from the Research API: reshares (reposts are a separate per-user endpoint),
language, account creation time, a profile image hash (only ``avatar_url``). Not mapped:
counts, ``effect_ids``, ``playlist_id``, ``voice_to_text``, labels and stickers.
"""

from __future__ import annotations

from dataclasses import dataclass

from .jsonformat import (
    JsonFormat,
    Part,
    text_hashtags,
    text_mentions,
    text_urls,
)

__all__ = ["TIKTOK"]

_ITEM_FIELDS = (
    '"id": "VARCHAR", "username": "VARCHAR", "create_time": "VARCHAR", '
    '"video_description": "VARCHAR", "region_code": "VARCHAR", "music_id": "VARCHAR", '
    '"hashtag_names": ["VARCHAR"], "video_mention_list": ["VARCHAR"], '
    '"video_id": "VARCHAR", "text": "VARCHAR", "parent_comment_id": "VARCHAR", '
    '"display_name": "VARCHAR", "bio_description": "VARCHAR", "avatar_url": "VARCHAR", '
    '"follower_count": "VARCHAR", "following_count": "VARCHAR"'
)
_ITEM = "{" + _ITEM_FIELDS + "}"
_RECORD = (
    "{" + _ITEM_FIELDS + ', "data": {' + _ITEM_FIELDS
    + f', "videos": [{_ITEM}], "comments": [{_ITEM}]}}, '
    '"error": {"code": "VARCHAR", "message": "VARCHAR"}}'
)
_NAMES = ("id", "username", "create_time", "video_description", "region_code", "music_id",
          "hashtag_names", "video_mention_list", "video_id", "text", "parent_comment_id",
          "display_name", "bio_description", "avatar_url", "follower_count", "following_count")


def _pack(x: str, username: str | None = None) -> str:
    return "struct_pack(" + ", ".join(
        f"{k} := {username if k == 'username' and username else f'{x}.{k}'}" for k in _NAMES) + ")"


def _is_user(x: str) -> str:
    return (f"({x}.create_time IS NULL AND ({x}.display_name IS NOT NULL OR "
            f"{x}.bio_description IS NOT NULL OR {x}.follower_count IS NOT NULL OR "
            f"{x}.avatar_url IS NOT NULL))")


@dataclass(frozen=True)
class _TikTok(JsonFormat):
    def structure(self) -> str:
        return _RECORD

    def items_sql(self, docs: str) -> str:
        kind_of = (f"CASE WHEN x.video_id IS NOT NULL THEN 'comment' "
                   f"WHEN {_is_user('x')} THEN 'user' ELSE 'video' END")
        err = "NULL::STRUCT(code VARCHAR, message VARCHAR)"
        return f"""
            SELECT _idx, _line, _sub, 'video' AS kind, x, {err} AS err
            FROM (SELECT _idx, _line, unnest(j.data.videos) AS x,
                         generate_subscripts(j.data.videos, 1) AS _sub
                  FROM {docs} WHERE j.data.videos IS NOT NULL)
            UNION ALL
            SELECT _idx, _line, _sub, 'comment', x, {err}
            FROM (SELECT _idx, _line, unnest(j.data.comments) AS x,
                         generate_subscripts(j.data.comments, 1) AS _sub
                  FROM {docs} WHERE j.data.comments IS NOT NULL)
            UNION ALL
            SELECT _idx, _line, 0, 'user', {_pack('j.data', 'coalesce(j.data.username, j.username)')},
                   {err} FROM {docs}
            WHERE j.data IS NOT NULL AND {_is_user('j.data')}
            UNION ALL
            SELECT _idx, _line, 0, 'error', {_pack('j')}, j.error FROM {docs}
            WHERE j.data.videos IS NULL AND j.data.comments IS NULL
              AND NOT coalesce({_is_user('j.data')}, false)
              AND coalesce(j.error.code, 'ok') <> 'ok'
            UNION ALL
            SELECT _idx, _line, 0, {kind_of}, x, {err}
            FROM (SELECT _idx, _line, _path, {_pack('j')} AS x FROM {docs}
                  WHERE j.data IS NULL AND j.error IS NULL)
        """

    def parts(self, items: str, platform: str | None) -> list[Part]:
        plat = self.platform_sql(platform)
        desc = "x.video_description"
        text = f"CASE WHEN kind = 'video' THEN {desc} ELSE x.text END"
        mentions = (f"CASE WHEN kind = 'video' AND len(x.video_mention_list) > 0 "
                    "THEN list_transform(x.video_mention_list, lambda m: ltrim(m, '@')) "
                    f"ELSE {text_mentions(text)} END")
        hashtags = (f"CASE WHEN kind = 'video' AND len(x.hashtag_names) > 0 "
                    f"THEN x.hashtag_names ELSE {text_hashtags(text)} END")
        reply_to = ("CASE WHEN kind = 'comment' THEN CASE WHEN x.parent_comment_id IS NOT NULL "
                    "AND x.parent_comment_id IS DISTINCT FROM x.video_id "
                    "THEN x.parent_comment_id ELSE x.video_id END END")
        error = ("CASE WHEN kind = 'error' THEN 'error' || chr(9) || 'TikTok API error ' "
                 "|| err.code || ': ' || coalesce(err.message, '') "
                 "WHEN kind = 'comment' AND x.username IS NULL THEN 'account_id' || chr(9) "
                 "|| 'the Research API does not name comment authors: add a username to "
                 "each comment to load it' END")
        posts = f"""
            SELECT _idx, _line, _sub, {plat} AS platform,
                   CASE WHEN kind = 'error' THEN '?' ELSE x.id END AS post_id,
                   CASE WHEN kind = 'error' OR (kind = 'comment' AND x.username IS NULL)
                        THEN '?' ELSE x.username END AS account_id,
                   CASE WHEN kind = 'error' THEN '0' ELSE x.create_time END AS created_at,
                   {text} AS text, {text_urls(text)} AS urls,
                   {hashtags} AS hashtags, {mentions} AS mentions,
                   CASE WHEN kind = 'video' AND x.music_id IS NOT NULL
                        THEN ['music:' || x.music_id] END AS media,
                   {reply_to} AS reply_to, {error} AS _error, to_json(x) AS _raw
            FROM {items} WHERE kind IN ('video', 'comment', 'error')"""
        users = f"""
            SELECT _idx, _line, _sub, {plat} AS platform,
                   coalesce(x.username, '?') AS account_id, x.username AS handle,
                   x.display_name AS display_name, x.bio_description AS bio,
                   x.follower_count AS followers, x.following_count AS following,
                   CASE WHEN x.username IS NULL THEN 'account_id' || chr(9) || 'the user info '
                        || 'response does not repeat the username: add it to each record' END
                     AS _error,
                   to_json(x) AS _raw
            FROM {items} WHERE kind = 'user'"""
        authors = f"""
            SELECT _idx, _line, _sub, {plat} AS platform, x.username AS account_id,
                   x.username AS handle, x.region_code AS location, to_json(x) AS _raw
            FROM {items} WHERE kind IN ('video', 'comment') AND x.username IS NOT NULL"""
        return [Part("posts", posts), Part("accounts", users), Part("derived", authors)]


TIKTOK = _TikTok(
    name="tiktok",
    kind="posts",
    description="TikTok Research API JSON: query-videos, video-comments and user-info "
    "responses (or their objects) one per line, or one response document",
    signature=frozenset({"data", "error"}),
    signatures=(frozenset({"id", "create_time", "username"}),
                frozenset({"id", "video_id", "create_time", "text"})),
    default_platform="tiktok",
    reference="https://developers.tiktok.com/doc/research-api-codebook",
    priority=30,
    doc_paths=(("data", "videos"), ("data", "comments")),
)
