"""Telegram Desktop's JSON export (``result.json``) of channels and groups.

Layout, from Telegram Desktop's JSON writer
(https://github.com/telegramdesktop/tdesktop/blob/dev/Telegram/SourceFiles/export/output/export_output_json.cpp):
a single-chat export is ``{"name", "type", "id", "messages": [...]}``; a full export keeps the
chats under ``"chats": {"list": [...]}`` (and ``"left_chats"``). A message has ``id``,
``type`` (``message``; ``service`` for joins, pins and the like), ``date`` (the exporting
computer's local time, no offset) and ``date_unixtime`` (epoch seconds, in exports since
2022), ``from``/``from_id`` (``user123``, ``channel123``), ``author`` (a channel post's
signature), ``forwarded_from`` (the original sender's *name*), ``reply_to_message_id`` (and
``reply_to_peer_id`` when the reply is to another chat), ``text`` (a string, or a list of
strings and entity objects) and ``text_entities`` (always a list of ``{"type", "text"}``
objects, with ``href`` for ``text_link`` and ``user_id`` for ``mention_name``), ``photo`` /
``file`` (paths inside the export). The file is read as a stream, message by message.

Mapping (one message -> one post): ``<chat id>/<id>`` -> post_id (message ids are per chat);
``from_id`` -> account_id (for a channel post without ``from_id``, ``channel<chat id>``);
``date_unixtime`` (else ``date``, taken as UTC) -> created_at; the plain text of ``text`` ->
text; entities ``link`` (text) and ``text_link`` (``href``) -> urls, ``hashtag`` -> hashtags,
``mention`` (without ``@``) and ``mention_name`` (``user<id>``) -> mentions;
``reply_to_message_id`` -> reply_to (``<chat>/<id>``, the chat of ``reply_to_peer_id`` when
given). A forward has no id of the original message in the export: ``forwarded_from`` +
text is hashed into ``forward:<md5>``, the reshare_of key shared by every forward of the same
message (as for the IRA layout's retweets). The sender -> derived account (``from`` ->
display_name).

Service and unsupported messages are not posts and are not read (nor counted). Not
available: language, followers, the original message of a forward, media content (the export
has file paths only; hash the files upstream to compare them).
"""

from __future__ import annotations

from dataclasses import dataclass

from .jsonformat import JsonFormat, Part

__all__ = ["TELEGRAM"]

_ENTITY = '{"type": "VARCHAR", "text": "VARCHAR", "href": "VARCHAR", "user_id": "VARCHAR"}'
_STR = "{} ->> '$'"
_RECORD = (
    '{"id": "VARCHAR", "type": "VARCHAR", "date": "VARCHAR", "date_unixtime": "VARCHAR", '
    '"from": "VARCHAR", "from_id": "VARCHAR", "author": "VARCHAR", "forwarded_from": "VARCHAR", '
    '"reply_to_message_id": "VARCHAR", "reply_to_peer_id": "VARCHAR", "text": "JSON", '
    f'"text_entities": [{_ENTITY}]}}'
)


@dataclass(frozen=True)
class _Telegram(JsonFormat):
    def structure(self) -> str:
        return _RECORD

    def items_sql(self, docs: str) -> str:
        ctx = ("json_transform(_ctx, "
               "'{\"name\": \"VARCHAR\", \"type\": \"VARCHAR\", \"id\": \"VARCHAR\"}')")
        return f"""
            SELECT _idx, _line, 0 AS _sub, {ctx} AS chat, j FROM {docs}
            WHERE coalesce(j.type, 'message') = 'message'
        """

    def parts(self, items: str, platform: str | None) -> list[Part]:
        plat = self.platform_sql(platform)
        # text: a string, or a list of strings and {"type", "text"} objects
        def plain(v: str) -> str:
            return (f"struct_pack(type := 'plain', text := {v}, href := NULL::VARCHAR, "
                    "user_id := NULL::VARCHAR)")

        ents = (f"coalesce(j.text_entities, list_transform(try_cast(j.text AS JSON[]), "
                f"lambda e: CASE WHEN json_type(e) = 'VARCHAR' THEN {plain(_STR.format('e'))} "
                f"ELSE try(json_transform(e, '{_ENTITY}')) END), "
                f"CASE WHEN json_type(j.text) = 'VARCHAR' "
                f"THEN [{plain(_STR.format('j.text'))}] END)")
        text = "array_to_string(list_transform(e, lambda x: coalesce(x.text, '')), '')"

        def of(kinds: str, value: str) -> str:
            return (f"list_transform(list_filter(e, lambda x: x.type IN ({kinds})), "
                    f"lambda x: {value})")

        urls = of("'link', 'text_link'", "CASE WHEN x.type = 'text_link' THEN x.href ELSE x.text END")
        hashtags = of("'hashtag'", "ltrim(x.text, '#')")
        mentions = of("'mention', 'mention_name'",
                      "CASE WHEN x.type = 'mention_name' THEN 'user' || x.user_id "
                      "ELSE ltrim(x.text, '@') END")
        chat_id = "coalesce(chat.id, '0')"
        reply_chat = (f"coalesce(nullif(regexp_extract(j.reply_to_peer_id, '([0-9]+)$', 1), ''), "
                      f"{chat_id})")
        sender = (f"coalesce(j.from_id, CASE WHEN chat.type LIKE '%channel%' "
                  f"THEN 'channel' || {chat_id} END)")
        posts = f"""
            SELECT _idx, _line, _sub, {plat} AS platform,
                   {chat_id} || '/' || j.id AS post_id, {sender} AS account_id,
                   coalesce(j.date_unixtime, j.date) AS created_at, {text} AS text,
                   {urls} AS urls, {hashtags} AS hashtags,
                   {mentions} AS mentions,
                   CASE WHEN j.forwarded_from IS NOT NULL THEN 'forward:'
                        || md5(j.forwarded_from || chr(10) || {text}) END AS reshare_of,
                   CASE WHEN j.reply_to_message_id IS NOT NULL
                        THEN {reply_chat} || '/' || j.reply_to_message_id END AS reply_to,
                   to_json(j) AS _raw
            FROM (SELECT *, {ents} AS e FROM {items})"""
        senders = f"""
            SELECT _idx, _line, _sub, {plat} AS platform, {sender} AS account_id,
                   j."from" AS display_name, to_json(j) AS _raw
            FROM {items} WHERE {sender} IS NOT NULL"""
        return [Part("posts", posts), Part("derived", senders)]


TELEGRAM = _Telegram(
    name="telegram",
    kind="posts",
    description="Telegram Desktop JSON export (result.json) of a channel or group, or a full "
    "export (chats.list[].messages)",
    signature=frozenset({"messages", "type", "id"}),
    signatures=(frozenset({"chats", "about"}), frozenset({"chats", "personal_information"})),
    default_platform="telegram",
    reference="https://github.com/telegramdesktop/tdesktop/blob/dev/Telegram/SourceFiles/"
    "export/output/export_output_json.cpp",
    priority=30,
    document=True,
    doc_paths=(("messages",), ("chats", "list", "*", "messages"),
               ("left_chats", "list", "*", "messages")),
)
