"""YouTube Data API v3 resources: videos, search results, comment threads, comments, channels.

Layout, from the API reference (https://developers.google.com/youtube/v3/docs/videos#resource,
.../docs/search#resource, .../docs/commentThreads#resource, .../docs/comments#resource,
.../docs/channels#resource): every resource has ``kind`` (``youtube#video`` ...), ``etag``,
``id`` and ``snippet``; a list response is ``{"kind": "youtube#videoListResponse", "items":
[...], "nextPageToken": ...}``. Read as JSON Lines (one resource or one list response per
line, kinds mixed freely) or as one saved response (a JSON document).

Mapping:

* video (or a search result for a video, ``id.videoId``) -> post: ``id`` -> post_id,
  ``snippet.channelId`` -> account_id, ``snippet.publishedAt`` -> created_at, ``title`` +
  newline + ``description`` -> text, the URLs, ``#hashtags`` and ``@handles`` written there
  -> urls, hashtags, mentions (YouTube makes hashtags of ``#words`` in titles and
  descriptions; ``snippet.tags`` are hidden keywords, not hashtags, and are not mapped),
  ``snippet.defaultLanguage`` (else ``defaultAudioLanguage``) -> lang. The channel
  (``channelId``, ``channelTitle``) -> derived account.
* comment (a comment thread's ``topLevelComment`` and its ``replies.comments``, or a
  ``youtube#comment``) -> post: ``id``, ``snippet.authorChannelId.value`` -> account_id,
  ``publishedAt``, ``textOriginal`` (else ``textDisplay``) -> text, ``parentId`` (a reply) or
  else ``videoId`` (a top-level comment answers the video) -> reply_to; URLs, hashtags and
  handles in the text. The author (``authorDisplayName``, an ``@handle`` since 2023) ->
  derived account.
* channel -> account: ``id``, ``snippet.customUrl`` (the ``@handle``) -> handle, ``title`` ->
  display_name, ``publishedAt`` -> created_at, ``description`` -> bio, ``country`` ->
  location, ``defaultLanguage`` -> lang, ``statistics.subscriberCount`` -> followers (absent
  when hidden).

Other kinds (playlists, playlist items, captions ...) are rejected, naming the kind. Not
available from YouTube: reshares (there are none), following counts, media ids (a re-upload
is a new video; compare thumbnails or hashes upstream).
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

__all__ = ["YOUTUBE"]

_COMMENT_SNIPPET = (
    '"authorDisplayName": "VARCHAR", "authorChannelId": {"value": "VARCHAR"}, '
    '"videoId": "VARCHAR", "textOriginal": "VARCHAR", "textDisplay": "VARCHAR", '
    '"parentId": "VARCHAR", "publishedAt": "VARCHAR"'
)
_COMMENT = '{"id": "VARCHAR", "snippet": {' + _COMMENT_SNIPPET + "}}"
_RESOURCE_FIELDS = (
    '"kind": "VARCHAR", "id": "VARCHAR", "snippet": {"channelId": "VARCHAR", '
    '"title": "VARCHAR", "description": "VARCHAR", "channelTitle": "VARCHAR", '
    '"defaultLanguage": "VARCHAR", "defaultAudioLanguage": "VARCHAR", "customUrl": "VARCHAR", '
    f'"country": "VARCHAR", "topLevelComment": {_COMMENT}, {_COMMENT_SNIPPET}}}, '
    '"statistics": {"subscriberCount": "VARCHAR"}, '
    f'"replies": {{"comments": [{_COMMENT}]}}'
)
_RESOURCE = "{" + _RESOURCE_FIELDS + "}"
_RECORD = "{" + _RESOURCE_FIELDS + f', "items": [{_RESOURCE}]}}'
_COMMENT_TYPE = (
    "STRUCT(id VARCHAR, snippet STRUCT(authorDisplayName VARCHAR, "
    "authorChannelId STRUCT(\"value\" VARCHAR), videoId VARCHAR, textOriginal VARCHAR, "
    "textDisplay VARCHAR, parentId VARCHAR, publishedAt VARCHAR))"
)
_SUPPORTED = ("youtube#video", "youtube#searchResult", "youtube#comment", "youtube#channel")


@dataclass(frozen=True)
class _YouTube(JsonFormat):
    def structure(self) -> str:
        return _RECORD

    def items_sql(self, docs: str) -> str:
        res = ("struct_pack(kind := j.kind, id := j.id, snippet := j.snippet, "
               "statistics := j.statistics, replies := j.replies)")
        return f"""
            WITH res AS (
              SELECT _idx, _line, r, _sub * 100000 AS _sub
              FROM (SELECT _idx, _line, unnest(j.items) AS r, generate_subscripts(j.items, 1) AS _sub
                    FROM {docs} WHERE j.items IS NOT NULL)
              UNION ALL
              SELECT _idx, _line, {res}, 0 FROM {docs} WHERE j.items IS NULL
            )
            SELECT _idx, _line, _sub, r.kind AS kind, r, NULL::{_COMMENT_TYPE} AS c
            FROM res WHERE r.kind IS DISTINCT FROM 'youtube#commentThread'
            UNION ALL
            SELECT _idx, _line, _sub, 'youtube#comment', r, r.snippet.topLevelComment
            FROM res WHERE r.kind = 'youtube#commentThread'
            UNION ALL
            SELECT _idx, _line, _sub + i, 'youtube#comment', r, c
            FROM (SELECT _idx, _line, _sub, r, unnest(r.replies.comments) AS c,
                         generate_subscripts(r.replies.comments, 1) AS i
                  FROM res WHERE r.kind = 'youtube#commentThread')
        """

    def parts(self, items: str, platform: str | None) -> list[Part]:
        plat = self.platform_sql(platform)
        vid = ("CASE WHEN starts_with(r.id, '{') "
               "THEN nullif(regexp_extract(r.id, '\"videoId\"\\s*:\\s*\"([^\"]+)\"', 1), '') "
               "ELSE r.id END")
        text_v = "concat_ws(chr(10), r.snippet.title, nullif(r.snippet.description, ''))"
        snip = "coalesce(c.snippet, struct_pack(authorDisplayName := r.snippet.authorDisplayName, " \
               "authorChannelId := r.snippet.authorChannelId, videoId := r.snippet.videoId, " \
               "textOriginal := r.snippet.textOriginal, textDisplay := r.snippet.textDisplay, " \
               "parentId := r.snippet.parentId, publishedAt := r.snippet.publishedAt))"
        video = (f"(kind = 'youtube#video' OR (kind = 'youtube#searchResult' "
                 f"AND ({vid}) IS NOT NULL))")
        known = f"({video} OR kind = 'youtube#comment')"
        posts = f"""
            SELECT _idx, _line, _sub, {plat} AS platform,
              CASE WHEN {video} THEN {vid} WHEN kind = 'youtube#comment' THEN coalesce(c.id, r.id)
                   ELSE coalesce(r.id, '?') END AS post_id,
              CASE WHEN {video} THEN r.snippet.channelId
                   WHEN kind = 'youtube#comment' THEN s.authorChannelId.value ELSE '?' END
                AS account_id,
              CASE WHEN {video} THEN r.snippet.publishedAt
                   WHEN kind = 'youtube#comment' THEN s.publishedAt ELSE '0' END AS created_at,
              CASE WHEN {video} THEN {text_v} ELSE coalesce(s.textOriginal, s.textDisplay) END
                AS text,
              {text_urls('x.t')} AS urls,
              {text_hashtags('x.t')} AS hashtags,
              {text_mentions('x.t')} AS mentions,
              CASE WHEN kind = 'youtube#comment' THEN coalesce(s.parentId, s.videoId) END
                AS reply_to,
              CASE WHEN {video} THEN coalesce(r.snippet.defaultLanguage,
                                               r.snippet.defaultAudioLanguage) END AS lang,
              CASE WHEN NOT {known} THEN 'kind' || chr(9) || coalesce(kind, 'a resource without kind')
                   || ' is not a video, comment or channel' END AS _error,
              to_json(coalesce(c, r)) AS _raw
            FROM (SELECT *, {snip} AS s,
                         struct_pack(t := CASE WHEN {video} THEN {text_v}
                                               ELSE coalesce({snip}.textOriginal,
                                                             {snip}.textDisplay) END) AS x
                  FROM {items} WHERE kind IS DISTINCT FROM 'youtube#channel')"""
        channels = f"""
            SELECT _idx, _line, _sub, {plat} AS platform, r.id AS account_id,
                   ltrim(r.snippet.customUrl, '@') AS handle, r.snippet.title AS display_name,
                   r.snippet.publishedAt AS created_at, r.snippet.description AS bio,
                   r.snippet.country AS location, r.snippet.defaultLanguage AS lang,
                   r.statistics.subscriberCount AS followers, to_json(r) AS _raw
            FROM {items} WHERE kind = 'youtube#channel'"""
        video_channels = f"""
            SELECT _idx, _line, _sub, {plat} AS platform, r.snippet.channelId AS account_id,
                   r.snippet.channelTitle AS display_name, to_json(r) AS _raw
            FROM {items} WHERE {video} AND r.snippet.channelId IS NOT NULL"""
        authors = f"""
            SELECT _idx, _line, _sub, {plat} AS platform, s.authorChannelId.value AS account_id,
                   CASE WHEN starts_with(s.authorDisplayName, '@')
                        THEN s.authorDisplayName[2:] END AS handle,
                   s.authorDisplayName AS display_name, to_json(s) AS _raw
            FROM (SELECT *, {snip} AS s FROM {items} WHERE kind = 'youtube#comment')
            WHERE s.authorChannelId.value IS NOT NULL"""
        return [Part("posts", posts), Part("accounts", channels),
                Part("derived", video_channels), Part("derived", authors)]


YOUTUBE = _YouTube(
    name="youtube",
    kind="posts",
    description="YouTube Data API v3 JSON: videos, search results, commentThreads, comments "
    "and channels (resources or list responses, one per line, or one response document)",
    signature=frozenset({"kind", "etag"}),
    default_platform="youtube",
    reference="https://developers.google.com/youtube/v3/docs",
    priority=30,
    doc_paths=(("items",),),
)
