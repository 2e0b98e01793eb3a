"""Platform export adapters: X/Twitter v2 and v1.1, the IO archive's quotes, Reddit, YouTube,
TikTok, Telegram, CrowdTangle, Meta Content Library and TOML mappings.

Every fixture in ``fixtures/adapters`` is hand-written from the platform's documented layout
(see ``fixtures/README.md``) and holds good records, records missing optional fields, and
broken records that must be reported with ``file:line:field`` and kept aside while the good
ones load.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cibwatch import BadRecordError, ConfigError, FormatError, Store, ingest_files
from cibwatch.ingest import FORMATS, detect_format, jsonio
from cibwatch.ingest.detect import get_format
from cibwatch.ingest.readers import open_tabular

from .conftest import FIXTURES

AD = FIXTURES / "adapters"


def _ingest(store: Store, path: Path, fmt: str = "auto", **kw: Any) -> Any:
    return ingest_files(store, [path], fmt, **kw)


def _posts(store: Store) -> dict[str, dict[str, Any]]:
    cols = ("post_id", "platform", "account_id", "created_at", "text", "urls", "hashtags",
            "mentions", "media", "reshare_of", "reply_to", "lang", "source_line")
    rows = store.fetchall(f"SELECT {', '.join(cols)} FROM posts ORDER BY post_id")
    return {r[0]: dict(zip(cols, r, strict=True)) for r in rows}


def _accounts(store: Store) -> dict[str, dict[str, Any]]:
    cols = ("account_id", "platform", "handle", "display_name", "created_at", "followers",
            "following", "bio", "lang", "location", "derived")
    rows = store.fetchall(f"SELECT {', '.join(cols)} FROM accounts ORDER BY account_id")
    return {r[0]: dict(zip(cols, r, strict=True)) for r in rows}


def _rejects(store: Store, kind: str | None = None) -> list[tuple[int, str | None, str]]:
    where = f"WHERE record_kind = '{kind}'" if kind else ""
    return [(int(r[0]), r[1], r[2]) for r in store.fetchall(
        f"SELECT line, field, error FROM rejects {where} ORDER BY line, field")]


# -- recognition --------------------------------------------------------------------------------

AUTO = [
    ("twitter_v2_pages.jsonl", "twitter-v2"),
    ("twitter_v1_tweets.jsonl", "twitter-v1"),
    ("reddit_pushshift.ndjson", "reddit"),
    ("youtube_api.jsonl", "youtube"),
    ("tiktok_research.jsonl", "tiktok"),
    ("telegram_result.json", "telegram"),
    ("crowdtangle_pages.csv", "crowdtangle"),
    ("meta_content_library_posts.csv", "meta-content-library"),
    ("meta_content_library_comments.csv", "meta-content-library"),
    ("io_tweets_quotes.csv", "twitter-io"),
]


@pytest.mark.parametrize("name, fmt", AUTO)
def test_auto_detection_tells_the_exports_apart(name: str, fmt: str) -> None:
    tf = open_tabular(AD / name)
    assert detect_format(tf.header, name).name == fmt


@pytest.mark.parametrize("name, fmt", AUTO)
def test_format_option_selects_the_adapter(store: Store, name: str, fmt: str) -> None:
    report = _ingest(store, AD / name, fmt)
    assert report.files[0].format == fmt and report.posts_loaded > 0


def test_every_adapter_is_registered_with_a_doc_url() -> None:
    for name in ("twitter-v2", "twitter-v1", "reddit", "youtube", "tiktok", "telegram",
                 "crowdtangle", "meta-content-library"):
        assert FORMATS[name].reference.startswith("http"), name


def test_a_json_layout_given_a_csv_file_says_so(store: Store) -> None:
    with pytest.raises(FormatError, match="layout is JSON"):
        _ingest(store, AD / "crowdtangle_pages.csv", "telegram")


def test_unknown_format_names_the_mapping_option() -> None:
    with pytest.raises(FormatError, match="mapping:FILE.toml"):
        get_format("mastodon")


# -- X/Twitter API v2 ---------------------------------------------------------------------------

def test_twitter_v2_pages_map_reshares_replies_quotes_entities_and_users(store: Store) -> None:
    report = _ingest(store, AD / "twitter_v2_pages.jsonl")
    f = report.files[0]
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (9, 6, 3)
    p = _posts(store)
    orig = p["1690000000000000001"]
    assert orig["account_id"] == "2244994945" and orig["lang"] == "en"
    assert str(orig["created_at"]) == "2023-08-11 02:15:00"
    assert orig["text"].startswith("香港 is calm today 🌸")
    # expanded URL kept with its tracking parameter (the URL trace canonicalises); the
    # attached photo's link is media, not a URL
    assert orig["urls"] == ["https://www.example-news.cn/article/1?utm_source=twitter"]
    assert orig["hashtags"] == ["HongKong"] and orig["mentions"] == ["783214"]
    assert orig["media"] == ["3_1690000000000000099"]
    assert p["1690000000000000002"]["reshare_of"] == "1690000000000000001"
    assert p["1690000000000000003"]["reply_to"] == "1690000000000000001"
    assert p["1690000000000000003"]["text"] == "@wuming11xia 说得好！这才是真相 👍"
    # the quote: one canonical permalink replaces the link to the same status
    assert p["1690000000000000004"]["urls"] == [
        "https://twitter.com/i/web/status/1680000000000000000"]
    assert p["1690000000000000005"]["text"].endswith("as X Premium allows.")  # note_tweet
    plain = p["1690000000000000009"]  # nothing optional
    assert plain["urls"] == [] and plain["lang"] is None and plain["reshare_of"] is None
    assert (orig["source_line"], plain["source_line"]) == (1, 4)
    acc = _accounts(store)
    assert acc["2244994945"]["handle"] == "wuming11xia"
    assert acc["2244994945"]["display_name"] == "无名小侠"
    assert acc["2244994945"]["followers"] == 12 and acc["2244994945"]["following"] == 340
    assert str(acc["2244994945"]["created_at"]) == "2017-10-16 00:00:00"
    assert acc["1111111111"]["followers"] == 3  # the latest page wins
    assert acc["1111111111"]["derived"] is True


def test_twitter_v2_broken_records_are_named_and_kept_aside(store: Store) -> None:
    _ingest(store, AD / "twitter_v2_pages.jsonl")
    rej = _rejects(store, "post")
    assert [(r[0], r[1]) for r in rej] == [(2, "account_id"), (2, "created_at"), (3, None)]
    assert "yesterday" in rej[1][2] and "ISO 8601" in rej[1][2]
    assert "invalid JSON" in rej[2][2]
    record = store.scalar("SELECT record FROM rejects WHERE field = 'created_at'")
    assert json.loads(record)["id"] == "1690000000000000006"  # the tweet, not the page


def test_twitter_v2_strict_mode_stops_at_the_first_bad_record(store: Store) -> None:
    with pytest.raises(BadRecordError) as err:
        _ingest(store, AD / "twitter_v2_pages.jsonl", strict=True)
    assert err.value.line == 2 and err.value.field in ("account_id", "created_at")


def test_twitter_v2_response_document_and_flattened_tweets(store: Store, tmp_path: Path) -> None:
    lines = (AD / "twitter_v2_pages.jsonl").read_text(encoding="utf-8").splitlines()
    page = json.loads(lines[0])
    doc = tmp_path / "response.json"
    doc.write_text(json.dumps(page, indent=2, ensure_ascii=False), encoding="utf-8")
    report = _ingest(store, doc)
    assert report.files[0].format == "twitter-v2" and report.posts_loaded == 3
    lines_of = {r[0]: r[1] for r in store.fetchall("SELECT post_id, source_line FROM posts")}
    text = doc.read_text(encoding="utf-8").splitlines()
    for pid, line in lines_of.items():  # each tweet's own line in the pretty-printed file
        assert pid in text[line]
    assert _accounts(store)["2244994945"]["handle"] == "wuming11xia"
    # twarc2 flatten: one tweet per line with its author inlined
    flat = tmp_path / "flat.jsonl"
    tweet = dict(page["data"][0], author=page["includes"]["users"][0])
    flat.write_text(json.dumps(tweet, ensure_ascii=False) + "\n", encoding="utf-8")
    with Store(None) as s2:
        assert _ingest(s2, flat).files[0].format == "twitter-v2"
        assert _posts(s2)["1690000000000000001"]["hashtags"] == ["HongKong"]
        assert _accounts(s2)["2244994945"]["followers"] == 12


def test_twitter_v2_gzip_bom_and_bytes_that_are_not_utf8(store: Store, tmp_path: Path) -> None:
    good = json.dumps({"data": [{"id": "1", "author_id": "a", "text": "héllo 👋",
                                 "created_at": "2023-01-01T00:00:00Z"}]}).encode()
    bad = (b'{"data": [{"id": "2", "author_id": "b", "text": "caf\xe9", '
           b'"created_at": "2023-01-01T00:00:01Z"}]}')
    path = tmp_path / "pages.jsonl.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(b"\xef\xbb\xbf" + good + b"\n" + bad + b"\n" + good.replace(b'"1"', b'"3"'))
    report = _ingest(store, path)
    assert report.files[0].format == "twitter-v2" and report.posts_loaded == 2
    assert _posts(store)["1"]["text"] == "héllo 👋"
    assert _rejects(store) == [(2, "data[0].text", "bytes that are not valid UTF-8")]


# -- X/Twitter API v1.1 -------------------------------------------------------------------------

def test_twitter_v1_tweets(store: Store) -> None:
    report = _ingest(store, AD / "twitter_v1_tweets.jsonl")
    assert report.posts_loaded == 6 and report.rejected == 2
    p = _posts(store)
    orig = p["1162179374154870784"]
    assert str(orig["created_at"]) == "2019-08-16 02:15:00"
    assert orig["urls"] == ["http://www.example-news.cn/hk/2019/08/16?utm_medium=social"]
    assert orig["hashtags"] == ["HongKong", "香港"] and orig["mentions"] == ["29567214"]
    assert orig["media"] == ["1162179360000000001", "1162179360000000002"]  # extended_entities
    assert p["1162179462000000001"]["reshare_of"] == "1162179374154870784"
    assert p["1162191000000000002"]["reply_to"] == "1162179374154870784"
    assert p["1162191000000000002"]["text"] == "@wuming11xia 说得对 👍👍"  # full_text
    assert p["1162205000000000003"]["urls"] == [
        "https://twitter.com/i/web/status/1161000000000000000"]
    long = p["1162207500000000004"]  # extended_tweet: full text and its own entities
    assert long["text"].endswith("#Xinjiang") and long["hashtags"] == ["Xinjiang"]
    assert long["urls"] == []
    assert [(r[0], r[1]) for r in _rejects(store, "post")] == [(6, "account_id"),
                                                               (7, "created_at")]
    acc = _accounts(store)
    assert acc["919755217121316864"]["handle"] == "wuming11xia"
    assert str(acc["919755217121316864"]["created_at"]) == "2017-10-16 09:02:11"
    assert acc["1147000000000000002"]["display_name"] == "张敏"  # kept from earlier lines
    assert acc["1147000000000000001"]["followers"] == 4


# -- IO archive: quotes -------------------------------------------------------------------------

def test_io_archive_quotes_become_one_permalink(store: Store) -> None:
    _ingest(store, AD / "io_tweets_quotes.csv")
    urls = {k: v["urls"] for k, v in _posts(store).items()}
    quote = "https://twitter.com/i/web/status/1169000000000000000"
    assert urls["1170000000000000001"] == [quote]
    assert urls["1170000000000000002"] == ["https://www.example-news.cn/hk", quote]
    assert urls["1170000000000000003"] == ["https://twitter.com/i/web/status/1168000000000000000"]
    assert urls["1170000000000000004"] == ["https://www.example-news.cn/hk"]


# -- Reddit -------------------------------------------------------------------------------------

def test_reddit_submissions_and_comments(store: Store) -> None:
    report = _ingest(store, AD / "reddit_pushshift.ndjson")
    assert report.posts_loaded == 6 and report.rejected == 2
    p = _posts(store)
    link = p["t3_cqd1ab"]
    assert link["platform"] == "reddit" and link["account_id"] == "throwaway_hk_2019"
    assert link["urls"] == ["https://www.example-news.cn/hk/2019/08/16?utm_source=reddit"]
    assert str(link["created_at"]) == "2019-08-16 02:15:00"
    self_post = p["t3_cqd2xy"]  # string created_utc; its own permalink is not a URL shared
    assert self_post["text"].startswith("The truth about the protests\n\nRead this")
    assert self_post["urls"] == ["https://www.example-news.cn/hk/truth"]
    assert self_post["mentions"] == ["critic_journo"]
    assert p["t3_cqd3zz"]["reshare_of"] == "t3_cqd1ab" and p["t3_cqd3zz"]["urls"] == []
    assert p["t1_ewq1a2"]["reply_to"] == "t3_cqd1ab"
    assert p["t1_ewq1b3"]["reply_to"] == "t1_ewq1a2"
    assert p["t1_ewq1b3"]["mentions"] == ["LiWei_52381907"]
    assert p["t3_cqd9mm"]["text"] == ""  # nothing optional
    assert _rejects(store, "post") == [
        (6, "account_id", "author [deleted]: the post cannot be attributed"),
        (7, "created_at", "missing")]
    acc = _accounts(store)
    assert str(acc["throwaway_hk_2019"]["created_at"]) == "2019-07-13 06:40:00"
    assert "[deleted]" not in acc


# -- YouTube ------------------------------------------------------------------------------------

def test_youtube_resources(store: Store) -> None:
    report = _ingest(store, AD / "youtube_api.jsonl")
    assert report.posts_loaded == 7 and report.accounts_loaded == 2 and report.rejected == 2
    p = _posts(store)
    v = p["dQw4w9WgXc1"]
    assert v["account_id"] == "UCaaaaaaaaaaaaaaaaaaaaa1" and v["lang"] == "zh-Hans"
    assert v["hashtags"] == ["Xinjiang", "新疆"] and v["mentions"] == ["TruthChannel"]
    assert v["urls"] == ["https://www.example-news.cn/xj/2023?utm_source=youtube"]
    assert p["dQw4w9WgXc3"]["account_id"] == "UCbbbbbbbbbbbbbbbbbbbbb2"  # a search result
    assert p["UgyThread1"]["reply_to"] == "dQw4w9WgXc1"  # top-level comment: the video
    assert p["UgyThread1.9xReply1"]["reply_to"] == "UgyThread1"
    assert p["UgyThread1.9xReply2"]["urls"] == ["https://www.example-watchdog.org/report"]
    assert p["UgzBareComment"]["account_id"] == "UCccccccccccccccccccccc3"
    assert {r[1] for r in store.fetchall("SELECT post_id, source_line FROM posts "
                                         "WHERE post_id LIKE 'UgyThread1%'")} == {3}
    acc = _accounts(store)
    ch = acc["UCaaaaaaaaaaaaaaaaaaaaa1"]
    assert (ch["handle"], ch["followers"], ch["location"], ch["derived"]) == (
        "chinatruth8812", 152, "HK", False)
    assert acc["UCbbbbbbbbbbbbbbbbbbbbb2"]["followers"] is None  # hidden subscriber count
    assert acc["UCccccccccccccccccccccc3"]["handle"] == "lucy_travel_0921"
    assert _rejects(store, "post") == [
        (6, "kind", "youtube#playlist is not a video, comment or channel"),
        (7, "created_at", "missing")]


# -- TikTok -------------------------------------------------------------------------------------

def test_tiktok_research_api(store: Store) -> None:
    report = _ingest(store, AD / "tiktok_research.jsonl")
    assert report.posts_loaded == 4 and report.accounts_loaded == 1
    p = _posts(store)
    v = p["7272261398756541701"]
    assert v["account_id"] == "xj_daily_life" and str(v["created_at"]) == "2023-08-29 10:00:05"
    assert v["hashtags"] == ["xinjiang", "china"] and v["mentions"] == ["happy.travels"]
    assert v["media"] == ["music:7272261398756500000"]
    assert v["urls"] == ["https://www.example-news.cn/xj"]
    assert p["7272261398756541702"]["media"] == v["media"]  # the same sound
    assert p["7272261398756541704"]["hashtags"] == ["新疆"]  # from the text
    assert p["7272262000000000001"]["reply_to"] == "7272261398756541701"
    rej = _rejects(store)
    assert (2, "account_id") in [(r[0], r[1]) for r in rej]
    assert any("does not name comment authors" in r[2] for r in rej)
    assert any(r[1] == "error" and "daily_quota_limit_exceeded" in r[2] for r in rej)
    assert any(r[0] == 6 and r[1] == "created_at" for r in rej)
    acc = _accounts(store)
    assert acc["xj_daily_life"]["display_name"] == "XJ Daily Life 新疆日常"
    assert acc["xj_daily_life"]["followers"] == 152 and not acc["xj_daily_life"]["derived"]
    assert acc["happy.travels"]["location"] == "SG"


# -- Telegram -----------------------------------------------------------------------------------

def test_telegram_channel_export(store: Store) -> None:
    report = _ingest(store, AD / "telegram_result.json")
    f = report.files[0]
    assert f.format == "telegram" and (f.rows_read, f.rows_rejected) == (5, 1)
    p = _posts(store)
    assert set(p) == {"1500000001/2", "1500000001/3", "1500000001/4", "1500000001/5"}
    m = p["1500000001/2"]
    assert m["account_id"] == "channel1500000001" and m["platform"] == "telegram"
    assert m["text"].startswith("新疆的真实生活 #Xinjiang 请看 https://")
    assert m["urls"] == ["https://www.example-news.cn/xj/2023?utm_source=telegram",
                         "https://www.example-news.cn/report"]
    assert m["hashtags"] == ["Xinjiang"] and m["mentions"] == ["chinatruth"]
    assert m["source_line"] == 18  # where the message object starts
    assert p["1500000001/3"]["reshare_of"].startswith("forward:")
    assert p["1500000001/4"]["reply_to"] == "1500000001/2"
    assert p["1500000001/4"]["mentions"] == ["user700000002"]  # mention_name
    assert str(p["1500000001/5"]["created_at"]) == "2023-08-29 10:06:00"  # date, no unixtime
    assert [(r[0], r[1]) for r in _rejects(store, "post")] == [(129, "created_at")]
    assert _accounts(store)["user700000001"]["display_name"] == "Lucy"


def test_telegram_full_export_and_forwards_share_a_key(store: Store, tmp_path: Path) -> None:
    chat = json.loads((AD / "telegram_result.json").read_text(encoding="utf-8"))
    other = dict(chat, name="Mirror", id=1500000002,
                 messages=[dict(chat["messages"][2], id=77, from_id="channel1500000002")])
    full = {"about": "Here is the data you requested.", "personal_information": {"user_id": 1},
            "chats": {"about": "This page lists all chats from this export.",
                      "list": [chat, other]}}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(full, ensure_ascii=False), encoding="utf-8")  # minified
    report = _ingest(store, path)
    assert report.files[0].format == "telegram" and report.posts_loaded == 5
    p = _posts(store)
    assert p["1500000002/77"]["reshare_of"] == p["1500000001/3"]["reshare_of"]
    assert p["1500000002/77"]["source_line"] == 1  # one line: every record starts on it


def test_telegram_broken_document_keeps_what_came_before(store: Store, tmp_path: Path) -> None:
    text = (AD / "telegram_result.json").read_text(encoding="utf-8")
    cut = text.index('   "id": 4')
    path = tmp_path / "result.json"
    path.write_text(text[:cut] + "   oops\n" + text[cut:], encoding="utf-8")
    report = _ingest(store, path)
    assert report.posts_loaded == 2  # messages 2 and 3
    rej = _rejects(store)
    assert len(rej) == 1 and "invalid JSON" in rej[0][2] and "rest of the file" in rej[0][2]


def test_telegram_bytes_that_are_not_utf8_name_the_message(store: Store,
                                                           tmp_path: Path) -> None:
    raw = (AD / "telegram_result.json").read_bytes()
    raw = raw.replace("Beautiful Xinjiang 🌄".encode(), b"Beautiful caf\xe9", 1)
    path = tmp_path / "result.json"
    path.write_bytes(raw)
    report = _ingest(store, path)
    assert report.posts_loaded == 3
    rej = [r for r in _rejects(store) if "UTF-8" in r[2]]
    assert rej == [(85, "text", "bytes that are not valid UTF-8")]


# -- CrowdTangle and Meta Content Library -------------------------------------------------------

def test_crowdtangle_csv(store: Store) -> None:
    report = _ingest(store, AD / "crowdtangle_pages.csv")
    assert report.posts_loaded == 3 and report.rejected == 2
    p = _posts(store)
    first = p["pfbid0abc"]
    assert first["platform"] == "facebook" and first["account_id"] == "100064000000001"
    assert str(first["created_at"]) == "2023-08-29 10:00:05"  # 06:00:05 EDT
    assert first["urls"][0] == "https://www.example-news.cn/xj/2023?utm_source=facebook"
    assert first["hashtags"] == ["Xinjiang"] and first["mentions"] == ["ChinaDaily"]
    assert "123456789012345" in p and "987654321098765" in p  # photo and post URLs
    rej = _rejects(store, "post")
    assert [(r[0], r[1]) for r in rej] == [(5, "created_at"), (6, "created_at")]
    assert "unknown time zone IST" in rej[0][2]
    acc = _accounts(store)["100064000000001"]
    assert (acc["handle"], acc["display_name"], acc["followers"]) == (
        "voiceofxj", "Voice of Xinjiang 新疆之声", 1740)
    assert str(acc["created_at"]) == "2019-02-11 13:00:00"


def test_crowdtangle_instagram_export(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "ig.csv"
    path.write_text(
        "Account,User Name,Followers at Posting,Post Created,Post Created Date,"
        "Post Created Time,Type,Likes,Comments,Views,URL,Link,Photo,Title,Description\n"
        "XJ Daily,xj_daily_life,152,2023-08-29 12:00:05 CEST,2023-08-29,12:00:05,Photo,3,0,,"
        "https://www.instagram.com/p/CwXyZ123/,,,,新疆 #xinjiang @happy.travels\n",
        encoding="utf-8")
    _ingest(store, path)
    post = _posts(store)["CwXyZ123"]
    assert post["platform"] == "instagram" and post["account_id"] == "xj_daily_life"
    assert str(post["created_at"]) == "2023-08-29 10:00:05"
    assert post["text"] == "新疆 #xinjiang @happy.travels" and post["hashtags"] == ["xinjiang"]


def test_meta_content_library_posts_and_comments(store: Store) -> None:
    ingest_files(store, [AD / "meta_content_library_posts.csv",
                         AD / "meta_content_library_comments.csv"])
    p = _posts(store)
    post = p["817000000000001"]
    assert post["platform"] == "facebook" and post["account_id"] == "100064000000001"
    assert post["urls"] == ["https://www.example-news.cn/xj/2023?utm_source=facebook",
                            "https://www.example-news.cn/xj"]
    assert post["media"] == ["900000000000001"] and post["lang"] == "zh"
    assert p["817000000000002"]["reshare_of"] == "817000000000001"
    assert p["930000000000001"]["reply_to"] == "817000000000001"
    assert p["930000000000002"]["reply_to"] == "930000000000001"
    rej = _rejects(store, "post")
    assert [(r[0], r[1]) for r in rej] == [(4, "account_id"), (4, "created_at")]
    assert _accounts(store)["300000000000001"]["handle"] == "lucy.li.921"


# -- TOML mappings ------------------------------------------------------------------------------

def test_mapping_file_for_nested_json(store: Store) -> None:
    report = _ingest(store, AD / "mastodon_statuses.jsonl",
                     f"mapping:{AD / 'mastodon.toml'}")
    assert report.files[0].format == "mapping:mastodon.toml"
    assert report.posts_loaded == 3 and report.rejected == 1
    p = _posts(store)
    s1 = p["110000000000000001"]
    assert s1["platform"] == "mastodon" and s1["hashtags"] == ["xinjiang"]
    assert s1["urls"] == ["https://www.example-news.cn/xj"] and s1["lang"] == "zh"
    assert s1["media"] == ["UBL_:rOpGG-oBUNG,qRj2so|=eE1w^n4S5NH"]
    assert p["110000000000000002"]["reshare_of"] == "110000000000000001"
    assert p["110000000000000003"]["reply_to"] == "110000000000000001"
    assert p["110000000000000003"]["mentions"] == ["109000000000000001"]
    assert _rejects(store, "post") == [(4, "created_at", "missing")]
    acc = _accounts(store)
    assert acc["109000000000000002"]["followers"] == 3  # "3" as text is read
    assert acc["109000000000000001"]["handle"] == "xjdaily"


def test_mapping_file_for_csv_with_time_format_and_separator(store: Store) -> None:
    _ingest(store, AD / "forum_posts.csv", f"mapping:{AD / 'forum.toml'}")
    p = _posts(store)
    assert str(p["5001"]["created_at"]) == "2023-08-29 10:00:00"
    assert p["5001"]["urls"] == ["https://www.example-news.cn/xj",
                                 "https://www.example-news.cn/xj2"]
    assert p["5001"]["hashtags"] == ["xinjiang", "travel"] and p["5002"]["reply_to"] == "5001"
    assert p["5001"]["platform"] == "forum.example"
    assert [(r[0], r[1]) for r in _rejects(store)] == [(4, "created_at")]


def test_mapping_is_never_chosen_automatically() -> None:
    with pytest.raises(FormatError):
        detect_format(["msg_no", "member", "posted"], "forum.csv")


@pytest.mark.parametrize("text, message", [
    ("[fields]\npost_id = 'id'\n", "must map account_id, created_at"),
    ("[fields]\npost_id = 'id'\naccount_id = 'a'\ncreated_at = 't'\nfollowers = 'f'\n",
     "names no canonical field followers"),
    ("[format]\nkind = 'things'\n", "kind"),
    ("[fields\n", "not valid TOML"),
    ("[colums]\n", "unknown section"),
    ("[fields]\npost_id = 3\n", "must map field names"),
])
def test_bad_mapping_files_say_what_is_wrong(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "m.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        get_format(f"mapping:{path}")
    with pytest.raises(ConfigError, match="not found"):
        get_format(f"mapping:{tmp_path / 'nope.toml'}")


# -- streaming ----------------------------------------------------------------------------------

def test_json_lines_stream_in_bounded_batches(store: Store, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Small blocks and batches: lines cut across blocks still get their own numbers, every
    record loads once, and many batches are staged (memory bounded by the batch size)."""
    monkeypatch.setattr(jsonio, "BLOCK_BYTES", 97)
    monkeypatch.setattr(jsonio, "BATCH_RECORDS", 3)
    path = tmp_path / "v1.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(40):
            fh.write(json.dumps({"id_str": str(i), "created_at": "Fri Aug 16 02:15:00 +0000 2019",
                                 "text": "香港 " * (i % 7), "user": {"id_str": f"u{i % 5}"}},
                                ensure_ascii=False) + "\n")
            if i % 9 == 0:
                fh.write("\n")
    batches = list(jsonio.JsonRecords(path, "jsonl").batches())
    assert len(batches) >= 13
    report = _ingest(store, path)
    assert report.posts_loaded == 40 and report.rejected == 0
    lines = dict(store.fetchall("SELECT post_id, source_line FROM posts"))
    assert lines["0"] == 1 and lines["1"] == 3 and lines["39"] == 45


@settings(max_examples=40, deadline=None)
@given(records=st.lists(st.dictionaries(st.sampled_from(["a", "b", "文"]),
                                        st.text(max_size=12), max_size=3), max_size=12),
       block=st.integers(min_value=1, max_value=64), indent=st.sampled_from([None, 1, 2]))
def test_readers_find_every_record_and_its_line(tmp_path_factory: pytest.TempPathFactory,
                                                records: list[dict[str, str]], block: int,
                                                indent: int | None) -> None:
    """Property: JSON Lines cut into blocks of any size, and documents in any layout, give
    back every record (as JSON text) with the line it starts on."""
    d = tmp_path_factory.mktemp("p")
    jl = d / "r.jsonl"
    jl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                  encoding="utf-8")
    old = jsonio.BLOCK_BYTES
    jsonio.BLOCK_BYTES = block
    try:
        got = [(ln, json.loads(t)) for b in jsonio.JsonRecords(jl, "jsonl").batches()
               for ln, t in zip(b.lines, b.texts, strict=True)]
    finally:
        jsonio.BLOCK_BYTES = old
    assert got == [(i + 1, r) for i, r in enumerate(records)]
    doc = d / "r.json"
    text = json.dumps({"meta": {"n": len(records)}, "items": records}, indent=indent,
                      ensure_ascii=False)
    doc.write_text(text, encoding="utf-8")
    out = [(ln, json.loads(t)) for b in jsonio.JsonRecords(doc, "json", [("items",)]).batches()
           for ln, t in zip(b.lines, b.texts, strict=True)]
    assert [r for _, r in out] == records
    lines = text.split("\n")
    for ln, _ in out:
        assert "{" in lines[ln - 1]


def test_saved_api_responses_as_json_documents(store: Store, tmp_path: Path) -> None:
    """One response saved pretty-printed (json.dump(indent=2)): recognised by its top-level
    keys and streamed record by record."""
    yt = json.loads((AD / "youtube_api.jsonl").read_text(encoding="utf-8").splitlines()[2])
    (tmp_path / "threads.json").write_text(json.dumps(yt, indent=2), encoding="utf-8")
    tt = json.loads((AD / "tiktok_research.jsonl").read_text(encoding="utf-8").splitlines()[0])
    (tmp_path / "videos.json").write_text(json.dumps(tt, indent=2), encoding="utf-8")
    user = {"data": {"display_name": "XJ", "follower_count": 5, "username": "xj_daily_life"},
            "error": {"code": "ok", "message": ""}}
    (tmp_path / "user.json").write_text(json.dumps(user, indent=2), encoding="utf-8")
    report = ingest_files(store, sorted(tmp_path.glob("*.json")))
    assert [f.format for f in report.files] == ["youtube", "tiktok", "tiktok"]
    p = _posts(store)
    assert p["UgyThread1.9xReply2"]["reply_to"] == "UgyThread1"
    assert p["7272261398756541701"]["media"] == ["music:7272261398756500000"]
    assert _accounts(store)["xj_daily_life"]["followers"] == 5
    assert report.rejected == 0
