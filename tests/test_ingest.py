"""Ingest: every layout, every kind of bad record, nothing lost."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cibwatch import BadRecordError, FormatError, InputError, Store, ingest_files
from cibwatch.ingest import detect_format

from .conftest import DEMO, FIXTURES, post, write_posts_csv


def _rejects(store: Store) -> list[tuple]:
    return store.fetchall("SELECT line, field, error FROM rejects ORDER BY line, field")


def test_canonical_csv_good_rows_load_with_types(store: Store, tmp_path: Path) -> None:
    path = write_posts_csv(tmp_path / "p.csv", [
        post("1", "a", "2021-06-16T22:04:51+02:00", text="hello", urls=["https://x.com/a"],
             hashtags=["#One", "two"]),
        post("2", "b", 1623881091, reshare_of="1"),
        post("3", "c", "2021-06-16 20:04:51", reply_to="1", lang="en"),
    ])
    report = ingest_files(store, [path])
    assert report.posts_loaded == 3 and report.rejected == 0
    rows = store.fetchall(
        "SELECT post_id, created_at, urls, hashtags, reshare_of, reply_to, lang FROM posts "
        "ORDER BY post_id")
    assert str(rows[0][1]) == "2021-06-16 20:04:51"  # +02:00 converted to UTC
    assert rows[0][2] == ["https://x.com/a"] and rows[0][3] == ["#One", "two"]
    assert str(rows[1][1]) == "2021-06-16 22:04:51" and rows[1][4] == "1"
    assert rows[2][5] == "1" and rows[2][6] == "en"
    assert rows[1][5] is None and rows[0][4] is None  # empty cells are absent, not ""


def test_empty_list_cell_is_an_empty_list_not_an_empty_url(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("platform,post_id,account_id,created_at,urls\n"
                    "twitter,1,a,10,\n"
                    "twitter,2,b,12,\n"
                    "twitter,3,c,14,https://a.org/x https://b.org/y\n")
    ingest_files(store, [path])
    assert [r[0] for r in store.fetchall("SELECT urls FROM posts ORDER BY pid")] == [
        [], [], ["https://a.org/x", "https://b.org/y"]]


def test_bad_rows_are_named_kept_aside_and_counted(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "platform,post_id,account_id,created_at,text,urls\n"
        "twitter,1,a,2021-01-01T00:00:00Z,fine,[]\n"            # line 2: good
        "twitter,2,a,yesterday,bad time,[]\n"                   # line 3: created_at
        "twitter,,a,2021-01-01T00:00:00Z,no id,[]\n"            # line 4: post_id missing
        "twitter,4,a,2021-01-01T00:00:00Z,bad list,\"[\"\"x\"\n"  # line 5: urls not JSON
        "twitter,5,a,2021-01-01T00:00:00Z,too,many,fields\n"    # line 6: field count
        "twitter,6,b,2021-01-01T00:00:10Z,fine too,[]\n"        # line 7: good
    )
    report = ingest_files(store, [path])
    assert report.posts_loaded == 2
    assert report.rejected == 4
    assert report.files[0].rows_read == 6
    rej = _rejects(store)
    assert [(r[0], r[1]) for r in rej] == [(3, "created_at"), (4, "post_id"), (5, "urls"),
                                           (6, None)]
    assert "yesterday" in rej[0][2] and "ISO 8601" in rej[0][2]
    assert "expected 6 fields" in rej[3][2]
    out = tmp_path / "rejects.csv"
    assert store.export_rejects(out) == 4
    text = out.read_text()
    assert str(path) in text and "bad time" in text  # file named, raw record kept


def test_strict_mode_stops_at_the_first_bad_record(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("platform,post_id,account_id,created_at\n"
                    "twitter,1,a,10\n"
                    "twitter,2,a,not-a-time\n")
    with pytest.raises(BadRecordError) as err:
        ingest_files(store, [path], strict=True)
    assert err.value.line == 3 and err.value.field == "created_at"
    assert f"{path}:3" in str(err.value)


def test_line_numbers_count_multiline_fields_and_bom(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "multi.csv"
    path.write_bytes(
        "\ufeffplatform,post_id,account_id,created_at,text\n"
        'twitter,1,a,10,"two\nlines"\n'
        "twitter,2,a,bad,x\n".encode()
    )
    ingest_files(store, [path])
    assert store.scalar("SELECT text FROM posts") == "two\nlines"
    assert _rejects(store)[0][:2] == (4, "created_at")


def test_invalid_utf8_is_reported_with_its_field(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "enc.csv"
    path.write_bytes(b"platform,post_id,account_id,created_at,text\n"
                     b"twitter,1,a,10,caf\xe9\n"
                     b"twitter,2,a,11,ok\n")
    report = ingest_files(store, [path])
    assert report.posts_loaded == 1
    assert _rejects(store)[0][:2] == (2, "text")


def test_gzip_and_jsonl(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl.gz"
    lines = [
        json.dumps({"platform": "x", "post_id": 1, "account_id": "a", "created_at": 1.5,
                    "urls": ["https://a.org"], "hashtags": "one two", "text": None}),
        "{not json",
        "[1, 2]",
        "",
        json.dumps({"platform": "x", "post_id": "2", "account_id": "b",
                    "created_at": "2020-01-01T00:00:00Z", "mentions": [123, "bob"]}),
    ]
    with gzip.open(path, "wt") as fh:
        fh.write("\n".join(lines) + "\n")
    report = ingest_files(store, [path])
    assert report.posts_loaded == 2
    rows = store.fetchall("SELECT post_id, created_at, urls, hashtags, mentions, text FROM posts "
                          "ORDER BY post_id")
    assert rows[0][0] == "1" and str(rows[0][1]) == "1970-01-01 00:00:01.500000"
    assert rows[0][2] == ["https://a.org"] and rows[0][3] == ["one", "two"] and rows[0][5] == ""
    assert rows[1][4] == ["123", "bob"]
    rej = _rejects(store)
    assert [r[0] for r in rej] == [2, 3]
    assert "invalid JSON" in rej[0][2] and "expected a JSON object" in rej[1][2]


def test_parquet_with_native_types(store: Store, tmp_path: Path) -> None:
    t = pa.table({
        "platform": ["tiktok", "tiktok"],
        "post_id": [1, 2],
        "account_id": ["u1", "u2"],
        "created_at": pa.array([1_600_000_000_000_000, 1_600_000_010_000_000],
                               pa.timestamp("us", tz="UTC")),
        "hashtags": pa.array([["a", "b"], []], pa.list_(pa.string())),
    })
    path = tmp_path / "p.parquet"
    pq.write_table(t, path)
    ingest_files(store, [path])
    rows = store.fetchall("SELECT post_id, created_at, hashtags, source_line FROM posts ORDER BY 1")
    assert rows[0] == ("1", rows[0][1], ["a", "b"], 1)
    assert str(rows[1][1]) == "2020-09-13 12:26:50" and rows[1][2] == [] and rows[1][3] == 2


def test_duplicates_within_and_across_files(tmp_path: Path) -> None:
    a = write_posts_csv(tmp_path / "a.csv", [post("1", "u", 10, text="first"),
                                              post("1", "u", 10, text="first")])
    b = write_posts_csv(tmp_path / "b.csv", [post("1", "v", 20, text="other"),
                                              post("2", "v", 20)])
    with Store(tmp_path / "s.duckdb") as store:
        ingest_files(store, [a])
        assert store.count_posts() == 1
        rej = _rejects(store)
        assert rej[0][0] == 3 and "identical record" in rej[0][2] and f"{a}:2" in rej[0][2]
        report = ingest_files(store, [b])
        assert report.posts_loaded == 1
        assert store.scalar("SELECT count(*) FROM rejects WHERE error LIKE '%already in the store%'"
                            ) == 1
        again = ingest_files(store, [a])  # the same file twice: skipped, not duplicated
        assert again.skipped == [str(a)] and store.count_posts() == 2


def test_missing_platform_needs_the_option(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("post_id,account_id,created_at\n1,a,10\n")
    with pytest.raises(FormatError) as err:
        ingest_files(store, [path])
    assert "--platform" in str(err.value)
    ingest_files(store, [path], platform="reddit")
    assert store.scalar("SELECT platform FROM posts") == "reddit"


def test_unrecognised_layout_names_the_columns(tmp_path: Path) -> None:
    with pytest.raises(FormatError) as err:
        detect_format(["foo", "bar"], "x.csv")
    assert "foo, bar" in str(err.value) and "--format" in str(err.value)


def test_missing_and_empty_files(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        ingest_files(store, [tmp_path / "nope.csv"])
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(InputError, match="empty"):
        ingest_files(store, [tmp_path / "empty.csv"])


def test_qut_layout(store: Store) -> None:
    report = ingest_files(store, [FIXTURES / "qut" / "tiny_all_networks.csv"])
    assert report.files[0].format == "qut" and report.posts_loaded == 14
    assert store.fetchall("SELECT handle FROM accounts WHERE account_id = 'A'") == [("alice",)]
    assert store.scalar("SELECT count(*) FROM posts WHERE len(urls) > 0") == 5
    assert store.scalar("SELECT reshare_of FROM posts WHERE post_id = 'm4'") == "r1"


def test_coortweet_layout_merges_rows_and_sets_aside_second_objects(store: Store) -> None:
    report = ingest_files(store, [DEMO / "russian_coord_tweets.csv.gz"])
    f = report.files[0]
    assert f.format == "coortweet" and f.rows_read == 35125
    assert report.posts_loaded == 35085  # 35,085 distinct content ids
    assert f.rows_rejected == 39  # posts naming a second reshare target
    assert store.scalar("SELECT count(*) FROM posts WHERE reshare_of IS NULL") == 0
    msg = store.scalar("SELECT error FROM rejects LIMIT 1")
    assert "one value of reshare_of" in msg


def test_coortweet_objects_as_hashtags_become_lists(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("object_id,account_id,content_id,timestamp_share\n"
                    "tagA,a,c1,100\ntagB,a,c1,100\ntagA,b,c2,105\n")
    ingest_files(store, [path], object_as="hashtag")
    assert store.fetchall("SELECT post_id, hashtags FROM posts ORDER BY 1") == [
        ("c1", ["tagA", "tagB"]), ("c2", ["tagA"])]


def test_twitter_io_users_file_with_multiline_bios(store: Store) -> None:
    report = ingest_files(store, [FIXTURES / "twitter_io" / "china_082019_1_users_csv_hashed.csv"])
    assert report.files[0].format == "twitter-io-users"
    assert report.accounts_loaded == 744 and report.rejected == 0
    row = store.fetchone("SELECT handle, followers, created_at, lang FROM accounts "
                         "WHERE account_id = '919755217121316864'")
    assert row is not None and row[0] == "wuming11xia" and row[1] == 0
    assert str(row[2]) == "2017-10-16 00:00:00" and row[3] == "zh-cn"


def test_twitter_io_tweets_file(store: Store) -> None:
    report = ingest_files(store, [FIXTURES / "twitter_io" / "io_tweets_sample.csv"])
    assert report.files[0].format == "twitter-io"
    assert report.posts_loaded == 7 and report.rejected == 1
    assert _rejects(store)[0][:2] == (8, "created_at")
    rows = {r[0]: r[1:] for r in store.fetchall(
        "SELECT post_id, reshare_of, reply_to, hashtags, urls, mentions FROM posts")}
    assert rows["1160000000000000003"][0] == "1159999999999999999"  # retweet
    assert rows["1160000000000000001"][0] is None
    assert rows["1160000000000000005"][1] == "1159999999999999000"  # reply
    assert rows["1160000000000000001"][2] == ["香港", "HongKong"]
    assert rows["1160000000000000008"][2] == ["police", "HongKong"]  # quoted style
    assert rows["1160000000000000005"][3] == [
        "https://www.example-news.cn/article/1?utm_source=twitter"]
    assert rows["1160000000000000005"][4] == ["3333333333"]
    assert store.scalar("SELECT handle FROM accounts WHERE account_id = '919755217121316864'") \
        == "wuming11xia"


def test_ira_layout(store: Store) -> None:
    report = ingest_files(store, [DEMO / "ira_tweets_2016-10.parquet"])
    assert report.files[0].format == "ira"
    assert report.posts_loaded == 131893 and report.rejected == 0
    n_rt = store.scalar("SELECT count(*) FROM posts WHERE reshare_of LIKE 'text:%'")
    assert n_rt > 50000
    # retweets of the same text share a target
    assert store.scalar(
        "SELECT max(c) FROM (SELECT count(*) c FROM posts WHERE reshare_of IS NOT NULL "
        "GROUP BY reshare_of)") > 10
    assert store.scalar("SELECT count(*) FROM posts WHERE len(hashtags) > 0") > 10000
    assert store.scalar("SELECT count(DISTINCT account_id) FROM accounts") == \
        store.scalar("SELECT count(DISTINCT account_id) FROM posts")


def test_accounts_file_wins_over_derived_accounts(store: Store, tmp_path: Path) -> None:
    acc = tmp_path / "accounts.csv"
    acc.write_text("platform,account_id,handle,followers,created_at\n"
                   "twitter,A,alice_real,10,2015-01-01\n"
                   "twitter,B,bob,-3,2015-01-01\n"
                   "twitter,A,dup,1,2015-01-01\n")
    report = ingest_files(store, [FIXTURES / "qut" / "tiny_all_networks.csv", acc])
    assert store.fetchall("SELECT handle, derived FROM accounts WHERE account_id = 'A'") == [
        ("alice_real", False)]
    assert store.fetchall("SELECT handle, derived FROM accounts WHERE account_id = 'B'") == [
        ("bob", True)]  # the explicit row was bad: the derived one stays
    fields = [r[1] for r in _rejects(store)]
    assert "followers" in fields and "account_id" in fields
    assert report.rejected == 2


def test_coortweet_wide_layout(store: Store, tmp_path: Path) -> None:
    """CooRTweet's multimodal layout (german_elections): one row per post and object."""
    path = tmp_path / "g.csv"
    path.write_text("account_id,post_id,url_id,hashtag_id,domain_id,phash_id,timestamp\n"
                    "fb_1,10,23678,,3498,,1629589836.0\n"
                    "fb_1,10,,77,,,1629589836.0\n"
                    "fb_1,10,,78,,,1629589836.0\n"
                    "tw_2,11,,,6756,,1629589069.0\n"
                    "tw_2,12,,,,9280,1629589022.0\n"
                    "tw_2,12,,,,9280,1629589022.0\n")
    report = ingest_files(store, [path])
    assert report.files[0].format == "coortweet-wide"
    assert report.posts_loaded == 3 and report.rejected == 0
    rows = {r[0]: r[1:] for r in store.fetchall(
        "SELECT post_id, platform, urls, hashtags, media FROM posts")}
    assert rows["10"] == ("facebook", ["https://d3498.anon/23678"], ["h77", "h78"], [])
    assert rows["11"] == ("twitter", ["https://d6756.anon/"], [], [])
    assert rows["12"] == ("twitter", [], [], ["phash:9280"])
