"""Faults and bad input (issue 11): each defect found by trying cibwatch as a careless or
hostile user would, as a test. Nothing a user gave is lost or silently changed; every bad
input is a message naming the file, line and field; nothing from the data is rendered as
markup; a failed or interrupted ingest leaves the store as before the file."""

from __future__ import annotations

import csv
import errno
import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cibwatch import BadRecordError, DetectConfig, FormatError, InputError, Store, detect
from cibwatch import ingest_files as ingest
from cibwatch.cli import app
from cibwatch.errors import CibwatchError, StoreError
from cibwatch.escape import csv_cell, csv_cell_sql, markdown
from cibwatch.report.outputs import write_outputs

from .conftest import FIXTURES, post, write_posts_csv

CLI = [sys.executable, "-m", "cibwatch.cli"]
runner = CliRunner()
T0 = 1_600_000_000  # 2020-09-13, epoch seconds


def _rejects(store: Store) -> list[tuple[Any, ...]]:
    return store.fetchall("SELECT line, field, error, record FROM rejects ORDER BY line, field")


def _no_traceback(args: list[str], code: int = 2, cwd: Path | None = None) -> str:
    p = subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd)
    assert "Traceback" not in p.stderr and "Aborted" not in p.stderr, p.stderr
    assert p.returncode == code, (args, p.returncode, p.stderr)
    return p.stderr


# -- 1. an interrupted or failed ingest never skips a file -------------------------------------

def _dup_csv(path: Path, n: int = 50) -> Path:
    rows = [post(str(i), f"a{i % 5}", T0 + i) for i in range(n)]
    rows.insert(n // 2, post("3", "a3", T0 + 3))  # a duplicate post id: --strict stops there
    return write_posts_csv(path, rows)


def test_strict_stop_then_the_recommended_rerun_loads_the_file(tmp_path: Path) -> None:
    path = _dup_csv(tmp_path / "p.csv")
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(BadRecordError):
            ingest(store, [path], strict=True)
        assert store.count_posts() == 0 and store.sources() == []
        report = ingest(store, [path])  # what the error message recommends
        assert report.skipped == [] and report.posts_loaded == 50 and report.rejected == 1
        assert store.count_posts() == 50


def test_a_failing_file_leaves_the_store_as_before_it(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import cibwatch.ingest as ing

    a = write_posts_csv(tmp_path / "a.csv", [post(str(i), "u", T0 + i) for i in range(10)])
    b = write_posts_csv(tmp_path / "b.csv", [post(f"b{i}", "v", T0 + i) for i in range(10)])
    real = ing._merge
    calls = {"n": 0}

    def failing(store: Store, strict: bool) -> tuple[int, int]:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        return real(store, strict)

    with Store(tmp_path / "s.duckdb") as store:
        monkeypatch.setattr(ing, "_merge", failing)
        with pytest.raises(RuntimeError):
            ingest(store, [a, b])
        assert store.count_posts() == 10  # the first file stays
        assert [s.path for s in store.sources()] == [str(a)]
        assert store.scalar("SELECT count(*) FROM rejects") == 0
        monkeypatch.setattr(ing, "_merge", real)
        report = ingest(store, [a, b])
        assert report.skipped == [str(a)] and report.posts_loaded == 10
        assert store.count_posts() == 20


def test_the_rows_and_numbering_do_not_depend_on_how_the_files_were_read(tmp_path: Path) -> None:
    """Files one call at a time (as after an interruption) or all in one call: same store."""
    a = write_posts_csv(tmp_path / "a.csv", [post(str(i), f"z{i}", T0 + i) for i in range(5)])
    b = write_posts_csv(tmp_path / "b.csv", [post(f"b{i}", f"m{i}", T0 + i) for i in range(5)])
    acc = tmp_path / "acc.csv"
    acc.write_text("platform,account_id,handle\ntwitter,c1,x\ntwitter,z1,y\n")
    tables = ("SELECT * FROM posts ORDER BY pid", "SELECT * FROM account_index ORDER BY aid",
              "SELECT * FROM accounts ORDER BY aid")
    with Store(None) as one, Store(None) as killed:
        ingest(one, [a, b, acc])
        # the first file committed, then the call was killed (its mark stays); then rerun
        import cibwatch.ingest as ing

        ingest(killed, [a])
        killed.execute("INSERT INTO meta VALUES (?, '0')", [ing._AID_MARK])
        report = ingest(killed, [a, b, acc])
        assert report.skipped == [str(a)]
        for t in tables:
            assert killed.fetchall(t) == one.fetchall(t), t
        # one call's accounts are numbered in (platform, account_id) order
        assert [r[0] for r in one.fetchall("SELECT account_id FROM account_index ORDER BY aid")
                ] == sorted(r[0] for r in one.fetchall("SELECT account_id FROM account_index"))


def test_long_layout_rows_of_one_post_in_two_files_are_merged(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("object_id,account_id,content_id,timestamp_share\ntagA,u,c1,100\n")
    b.write_text("object_id,account_id,content_id,timestamp_share\ntagB,u,c1,100\n"
                 "tagC,u,c1,101\n")
    with Store(None) as store:
        ingest(store, [a, b], object_as="hashtag")
        assert store.fetchall("SELECT post_id, hashtags FROM posts") == [("c1", ["tagA", "tagB"])]
        assert [r[1] for r in _rejects(store)] == ["created_at"]  # another time: kept aside


# -- 2. one stray quote in a CSV loses nothing but its record ----------------------------------

N_GOOD = 300


def _layouts() -> dict[str, tuple[str, Any, str]]:
    """layout -> (header, row(i) -> cells, the bad line); the mapping layout uses forum.toml."""
    def canonical(i: int) -> list[Any]:
        return ["twitter", f"p{i}", f"a{i % 7}", T0 + i, f"text {i}, with a comma"]

    return {
        "canonical": ("platform,post_id,account_id,created_at,text", canonical,
                      f'twitter,"pbad,a1,{T0},text'),
        "qut": ("message_id,user_id,username,repost_id,reply_id,message,timestamp,urls",
                lambda i: [f"m{i}", f"u{i % 7}", f"name{i % 7}", "", "", f"msg {i}", T0 + i, ""],
                f'mbad,u1,name1,,,"an unclosed message,{T0},'),
        "twitter-io": ("tweetid,userid,tweet_time,tweet_text,hashtags,urls,user_mentions",
                       lambda i: [1000 + i, f"u{i % 7}", "2019-08-13 02:14", f"t {i}", "[]",
                                  "[]", "[]"],
                       '999,u1,2019-08-13 02:14,"broken,[],[],[]'),
        "twitter-io-users": ("userid,user_screen_name,follower_count",
                             lambda i: [f"u{i}", f"n{i}", i], 'ubad,"nbad,3'),
        "crowdtangle": ("Page Name,User Name,Facebook Id,Post Created,Type,URL,Message",
                        lambda i: ["Page", f"user{i % 5}", 100 + i % 5, "2023-08-29 06:00:05 EDT",
                                   "Link", f"https://www.facebook.com/x/posts/{i}", f"msg {i}"],
                        'Page,user1,101,2023-08-29 06:00:05 EDT,Link,'
                        'https://www.facebook.com/x/posts/bad,"unclosed'),
        "meta-content-library": ("id,creation_time,text,post_owner.id",
                                 lambda i: [i, "2023-08-29T10:00:05+0000", f"t {i}", i % 5],
                                 '99999,2023-08-29T10:00:05+0000,"oops,3'),
        "coortweet": ("object_id,account_id,content_id,timestamp_share",
                      lambda i: [f"o{i}", f"a{i % 7}", f"c{i}", T0 + i],
                      f'obad,"a1,cbad,{T0}'),
        "coortweet-wide": ("account_id,post_id,url_id,hashtag_id,domain_id,phash_id,timestamp",
                           lambda i: [f"tw_{i % 7}", i, i, "", 3, "", T0 + i],
                           f'tw_1,"99999,1,,3,,{T0}'),
        "mapping": ("msg_no,member,posted,body,links,tags,quoting",
                    lambda i: [i, f"m{i % 7}", "29/08/2023 10:00", f"body {i}", "", "", ""],
                    '99999,m1,29/08/2023 10:00,"no end,,,'),
    }


def _write_with_bad_line(path: Path, header: str, row: Any, bad: str, at: int) -> int:
    """N_GOOD rows with ``bad`` inserted after ``at`` of them; returns the bad line's number."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        fh.write(header + "\r\n")
        w = csv.writer(fh)
        for i in range(N_GOOD):
            if i == at:
                fh.write(bad + "\r\n")
            w.writerow(row(i))
    return at + 2


@pytest.mark.parametrize("layout", list(_layouts()))
@pytest.mark.parametrize("at", [0, 150, N_GOOD - 1])
def test_a_stray_quote_costs_one_record_in_every_csv_layout(tmp_path: Path, layout: str,
                                                            at: int) -> None:
    header, row, bad = _layouts()[layout]
    path = tmp_path / f"{layout}.csv"
    line = _write_with_bad_line(path, header, row, bad, at)
    fmt = f"mapping:{FIXTURES / 'adapters' / 'forum.toml'}" if layout == "mapping" else "auto"
    with Store(None) as store:
        report = ingest(store, [path], fmt)
        f = report.files[0]
        assert f.format == layout or layout == "mapping"
        loaded = report.accounts_loaded if layout == "twitter-io-users" else report.posts_loaded
        assert loaded == N_GOOD, (loaded, _rejects(store)[:3])
        assert f.rows_read == N_GOOD + 1 and f.rows_rejected == 1
        rej = _rejects(store)
        assert len(rej) == 1 and rej[0][0] == line
        assert bad in rej[0][3] and "quote" in rej[0][2]  # the raw text of the bad record


def test_a_record_with_too_many_fields_keeps_its_raw_text(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("platform,post_id,account_id,created_at\ntwitter,1,a,10\n"
                    "twitter,2,b,11,extra\ntwitter,3,c,12\n")
    with Store(None) as store:
        ingest(store, [path])
        assert store.count_posts() == 2
        assert _rejects(store)[0][0] == 3 and _rejects(store)[0][3] == "twitter,2,b,11,extra"


def test_a_legitimate_multiline_field_is_one_record(tmp_path: Path) -> None:
    path = write_posts_csv(tmp_path / "p.csv", [
        post("1", "a", T0, text='line one\nline "two", and\r\nthree'),
        post("2", "b", T0 + 1, text="x\ntwitter,9,z,10,,[],[],[],[],,,\ny")])
    with Store(None) as store:
        ingest(store, [path])
        assert store.fetchall("SELECT post_id, text FROM posts ORDER BY 1") == [
            ("1", 'line one\nline "two", and\r\nthree'),
            ("2", "x\ntwitter,9,z,10,,[],[],[],[],,,\ny")]
        assert _rejects(store) == []


# -- 3 and 4. times: a documented rule, never a traceback, never a silent change ---------------

LATEST = 1_800_000_000 * 1_000_000  # 2027-01-15: the window's end, fixed for the tests


@pytest.mark.parametrize("value,expected,conversion", [
    ("1600000000", "2020-09-13 12:26:40", None),
    ("1600000000.5", "2020-09-13 12:26:40.500000", None),
    ("1600000000123", "2020-09-13 12:26:40.123000", "epoch milliseconds"),
    ("1600000000123456", "2020-09-13 12:26:40.123456", "epoch microseconds"),
    ("1600000000123456789", "2020-09-13 12:26:40.123457", "epoch nanoseconds"),
    ("2021-06-16T22:04:51+02:00", "2021-06-16 20:04:51", None),
    ("10", "1970-01-01 00:00:10", None),  # small epochs stay seconds (1970)
])
def test_time_rule_reads(tmp_path: Path, value: str, expected: str,
                         conversion: str | None) -> None:
    path = tmp_path / "p.csv"
    path.write_text(f"platform,post_id,account_id,created_at\ntwitter,1,a,{value}\n")
    with Store(None) as store:
        report = ingest(store, [path], latest_us=LATEST)
        assert str(store.scalar("SELECT created_at FROM posts")) == expected
        want = {f"created_at: {conversion}": 1} if conversion else {}
        assert report.conversions == want and dict(report.files[0].conversions) == want


@pytest.mark.parametrize("value,why", [
    ("99999999999999999999", "too large"),
    ("9300000000000", "outside the accepted times"),      # epoch ms in 2264
    ("1e300", "too large"),
    ("infinity", "cannot read"), ("-infinity", "cannot read"), ("epoch", "cannot read"),
    ("20240101", "ambiguous"),
    ("-5", "before 1970"),
    ("1800000000000000000", "outside"),                  # ns: the window's end exactly
    ("2099-01-01", "outside the accepted times"),
    ("0001-01-01", "outside the accepted times"),
    ("202401011230", "outside the accepted times"),      # YYYYMMDDhhmm as ms would be 1976
    ("nan", "cannot read"),
])
def test_time_rule_rejects(tmp_path: Path, value: str, why: str) -> None:
    path = tmp_path / "p.csv"
    path.write_text(f"platform,post_id,account_id,created_at\ntwitter,0,a,{T0}\n"
                    f"twitter,1,a,{value}\ntwitter,2,a,{T0}\n")
    with Store(None) as store:
        report = ingest(store, [path], latest_us=LATEST)
        assert report.posts_loaded == 2
        (line, field, error, _), = _rejects(store)
        assert (line, field) == (3, "created_at") and why in error, error
        with pytest.raises(BadRecordError) as err:
            ingest(Store(None), [path], strict=True, latest_us=LATEST)
        assert err.value.line == 3 and err.value.field == "created_at"


def test_huge_numeric_times_in_every_container_are_rejects(tmp_path: Path) -> None:
    rows = [{"platform": "x", "post_id": "1", "account_id": "a", "created_at": T0},
            {"platform": "x", "post_id": "2", "account_id": "a", "created_at": 9.3e12},
            {"platform": "x", "post_id": "3", "account_id": "a", "created_at": 99999999999999999999},
            {"platform": "x", "post_id": "4", "account_id": "a", "created_at": T0}]
    jl = tmp_path / "p.jsonl"
    jl.write_text("".join(json.dumps(r) + "\n" for r in rows))
    pqf = tmp_path / "p.parquet"
    pq.write_table(pa.table({"platform": ["x"] * 4, "post_id": ["1", "2", "3", "4"],
                             "account_id": ["a"] * 4,
                             "created_at": pa.array([T0, 9.3e12, 1e20, T0], pa.float64())}), pqf)
    pqi = tmp_path / "pi.parquet"
    pq.write_table(pa.table({"platform": ["x"] * 3, "post_id": ["1", "2", "3"],
                             "account_id": ["a"] * 3,
                             "created_at": pa.array([T0, 9_300_000_000_000, 2**62], pa.int64())}),
                   pqi)
    acc = tmp_path / "acc.csv"
    acc.write_text(f"platform,account_id,created_at\nx,a,{T0}\nx,b,99999999999999999999\n")
    for path, good, bad in ((jl, 2, [2, 3]), (pqf, 2, [2, 3]), (pqi, 1, [2, 3]), (acc, 1, [3])):
        with Store(None) as store:
            report = ingest(store, [path])
            loaded = report.accounts_loaded if path == acc else report.posts_loaded
            assert loaded == good, path
            assert [r[0] for r in _rejects(store)] == bad
            assert {r[1] for r in _rejects(store)} == {"created_at"}


def test_the_ira_csv_dates_are_month_day_year(tmp_path: Path) -> None:
    path = tmp_path / "ira.csv"
    path.write_text("external_author_id,author,content,region,language,publish_date,"
                    "harvested_date,following,followers,updates,post_type,account_type,tweet_id\n"
                    "1,ALLTHINGSDEE,hello,United States,English,10/1/2017 19:58,"
                    "10/1/2017 19:59,1052,9636,253,,Right,911744468356452352\n"
                    "1,ALLTHINGSDEE,again,United States,English,2017-10-02 01:02:03,"
                    "10/1/2017 19:59,1052,9636,253,,Right,911744468356452353\n")
    with Store(None) as store:
        report = ingest(store, [path])
        assert report.files[0].format == "ira" and report.rejected == 0
        assert [str(r[0]) for r in store.fetchall("SELECT created_at FROM posts ORDER BY 1")] == [
            "2017-10-01 19:58:00", "2017-10-02 01:02:03"]


# -- 5. damaged gzip and Parquet -----------------------------------------------------------------

def _gz_posts(path: Path, n: int) -> bytes:
    lines = ["platform,post_id,account_id,created_at,text"]
    lines += [f"twitter,{i},a{i % 9},{T0 + i},some text number {i} {'x' * (i % 50)}"
              for i in range(n)]
    data = gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0)
    path.write_bytes(data)
    return data


def test_a_truncated_gzip_keeps_the_rows_before_the_damage(tmp_path: Path) -> None:
    path = tmp_path / "p.csv.gz"
    data = _gz_posts(path, 20_000)
    path.write_bytes(data[: len(data) // 2])
    with Store(None) as store:
        report = ingest(store, [path])
        n = report.posts_loaded
        assert 5_000 < n < 20_000
        ids = [r[0] for r in store.fetchall("SELECT CAST(post_id AS INT) FROM posts ORDER BY 1")]
        assert ids == list(range(n))  # every row before the damage, unaltered
        assert store.fetchall("SELECT count(*) FROM posts WHERE text <> 'some text number ' "
                              "|| post_id || ' ' || repeat('x', CAST(post_id AS INT) % 50)"
                              ) == [(0,)]
        (line, field, error, _), = _rejects(store)
        assert "truncated" in error and f"byte {len(data) // 2:,}" in error
        assert line == n + 2  # the line where it broke
    stderr = _no_traceback(["ingest", str(path), "--db", str(tmp_path / "s.duckdb")], code=0)
    assert "1 record(s) rejected" in stderr


def test_a_corrupt_gzip_keeps_the_rows_before_the_damage(tmp_path: Path) -> None:
    """Damage zlib notices (here an invalid block type): the rows decoded well before it load,
    those decoded just before it are rejected as not trusted, with their raw text."""
    import zlib

    path = tmp_path / "p.csv.gz"
    data = _gz_posts(path, 60_000)
    for k in range(0, 40_000, 500):  # find a place where the damage is seen by zlib
        bad = bytearray(data)
        bad[len(data) // 2 + k:len(data) // 2 + k + 256] = b"\xff" * 256
        try:
            zlib.decompress(bytes(bad), 31)
        except zlib.error as exc:
            if "check" not in str(exc):
                break
    else:  # pragma: no cover
        pytest.fail("no damage that zlib notices")
    path.write_bytes(bytes(bad))
    with Store(None) as store:
        report = ingest(store, [path])
        n = report.posts_loaded
        assert 10_000 < n < 60_000
        ids = [r[0] for r in store.fetchall("SELECT CAST(post_id AS INT) FROM posts ORDER BY 1")]
        assert ids == list(range(n))
        rej = _rejects(store)
        assert rej[0][0] == n + 2 and all("corrupt at byte" in r[2] for r in rej)
        assert report.files[0].rows_read == n + len(rej)
    _no_traceback(["ingest", str(path), "--db", str(tmp_path / "s.duckdb")], code=0)


def test_a_gzip_whose_data_check_fails_is_refused(tmp_path: Path) -> None:
    """Damage only the CRC finds may be anywhere: nothing of the file is trusted."""
    path = tmp_path / "p.csv.gz"
    data = bytearray(_gz_posts(path, 20_000))
    mid = len(data) // 2
    data[mid:mid + 64] = b"\x00" * 64
    path.write_bytes(bytes(data))
    ok = write_posts_csv(tmp_path / "ok.csv", [post("a", "u", T0)])
    with Store(None) as store:
        with pytest.raises(InputError) as err:
            ingest(store, [ok, path])
        assert "data check failed" in str(err.value) and str(path) in str(err.value)
        assert store.count_posts() == 1 and [s.path for s in store.sources()] == [str(ok)]
    stderr = _no_traceback(["ingest", str(path), "--db", str(tmp_path / "s.duckdb")])
    assert "data check failed" in stderr and "gzip -t" in stderr


def test_a_damaged_gzip_jsonl_keeps_the_records_before(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl.gz"
    rows = [json.dumps({"platform": "x", "post_id": str(i), "account_id": "a",
                        "created_at": T0 + i, "text": "t" * (i % 97)}) for i in range(20_000)]
    data = gzip.compress(("\n".join(rows) + "\n").encode(), mtime=0)
    path.write_bytes(data[: len(data) * 2 // 3])
    with Store(None) as store:
        report = ingest(store, [path])
        assert 5_000 < report.posts_loaded < 20_000
        assert "truncated" in _rejects(store)[-1][2]


def test_a_truncated_parquet_is_a_message(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"platform": ["x"] * 1000, "post_id": [str(i) for i in range(1000)],
                             "account_id": ["a"] * 1000, "created_at": [T0] * 1000}), path,
                   row_group_size=100)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as err:
        ingest(Store(None), [path])
    assert str(path) in str(err.value) and "Parquet" in str(err.value)
    stderr = _no_traceback(["ingest", str(path), "--db", str(tmp_path / "s.duckdb")])
    assert "truncated or damaged" in stderr


def test_a_damaged_parquet_row_group_costs_only_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"platform": ["x"] * 1000, "post_id": [str(i) for i in range(1000)],
                             "account_id": ["a"] * 1000, "created_at": [T0] * 1000,
                             "text": [f"text {i} " * 20 for i in range(1000)]}), path,
                   row_group_size=100, compression="snappy")
    meta = pq.ParquetFile(path).metadata
    col = meta.row_group(5).column(4)  # the text column chunk of row group 6
    start = col.data_page_offset
    data = bytearray(path.read_bytes())
    data[start + 20:start + 200] = os.urandom(180)
    path.write_bytes(bytes(data))
    with Store(None) as store:
        report = ingest(store, [path])
        assert report.posts_loaded == 900
        (line, _, error, _), = _rejects(store)
        assert line == 501 and "row group 6" in error


# -- 6. text from the data is never markup ---------------------------------------------------

HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>",
           "![i](http://attacker.example/p.png)", "evil\r# injected heading\x01",
           "=HYPERLINK(\"x\")",
           "[click](javascript:alert(3))"]


def _hostile_world(tmp_path: Path) -> list[Path]:
    """Three hostile accounts retweeting the same posts within seconds, many times."""
    rows = []
    n = 0
    for k in range(30):
        t = T0 + k * 3600
        rows.append(post(f"o{k}", f"author{k % 11}", t, text=f"original {k}"))
        for j, acc in enumerate(HOSTILE[:4]):
            n += 1
            rows.append(post(f"r{n}", acc, t + 5 + j, reshare_of=f"o{k}", text=f"RT {k}",
                             urls=[f"http://evil.example/{k}"]))
    for b in range(40):  # background
        rows.append(post(f"b{b}", f"bg{b}", T0 + b * 7919, text=f"hello {b}"))
    posts = write_posts_csv(tmp_path / "posts.csv", rows)
    acc = tmp_path / "accounts.csv"
    with open(acc, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["platform", "account_id", "handle", "display_name", "bio"])
        for a in HOSTILE[:4]:
            w.writerow(["twitter", a, HOSTILE[5], HOSTILE[4], HOSTILE[2]])
    return [posts, acc]


def test_summary_and_csv_cells_escape_the_data(tmp_path: Path) -> None:
    files = _hostile_world(tmp_path)
    out = tmp_path / "out"
    with Store(None) as store:
        ingest(store, files)
        result = detect(store, DetectConfig(significance=False, min_size=3, min_weight=2))
        assert result.n_networks >= 1
        write_outputs(store, result, out, pictures=0, graphml=True)
    md = (out / "summary.md").read_text()
    import xml.dom.minidom

    xml.dom.minidom.parse(str(out / "network.graphml"))  # valid XML: no control character
    for bad in ("<script", "<img", "\r", "http://"):
        assert bad not in md, bad
    assert not re.search(r"(?<!\\)\]\(", md)  # no link or image: every ']' is escaped
    assert not [ln for ln in md.splitlines() if ln.startswith("# injected")]
    assert "&lt;script&gt;" in md  # shown, as text
    with open(out / "accounts.csv", newline="") as fh:
        accs = list(csv.DictReader(fh))
    cells = [v for r in accs for v in r.values()]
    assert not [c for c in cells if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not
                                                                 re.fullmatch(r"-[0-9.]+", c))]
    assert "'=HYPERLINK(\"x\")" in {r["display_name"] for r in accs}


def test_the_escapes_of_csv_cells_agree_in_python_and_sql() -> None:
    values = ["=1+1", "+a", "-a", "@SUM(1)", "\tx", "\rx", "'=x", "-12", "+3.5", "1e5", "-",
              "safe", "", "＝1", "a=b"]
    with Store(None) as store:
        got = [store.scalar(f"SELECT {csv_cell_sql('v')} FROM (SELECT ?::VARCHAR AS v)", [v])
               for v in values]
    assert got == [csv_cell(v) for v in values]
    assert csv_cell("=1+1") == "'=1+1" and csv_cell("-12") == "-12" and csv_cell("-") == "'-"
    assert markdown("a|b") == "a\\|b" and "<" not in markdown("<b>")


def test_expand_summary_escapes_unmatched_seeds(tmp_path: Path) -> None:
    from cibwatch.report.summary import _expansion_lines

    lines = _expansion_lines({"seeds_given": 1, "seed_accounts": 0, "accounts": 0,
                              "found_per_hop": {}, "seed_rows_rejected": ["x <b>y</b>"],
                              "seeds_unresolved": [{"line": 2, "type": "url", "platform": None,
                                                    "value": "`![i](http://a.example/x.png)`"}]})
    text = "\n".join(lines)
    assert not re.search(r"(?<!\\)\]\(", text) and "<b>" not in text
    assert "\\`!\\[i\\]" in text  # the value's own backquote cannot close a code span


# -- 7. --out never deletes or mixes -----------------------------------------------------------

def test_detect_out_refuses_to_delete_an_earlier_store_or_mix_runs(tmp_path: Path) -> None:
    data = FIXTURES / "qut" / "tiny_all_networks.csv"
    out = tmp_path / "out"
    args = ["detect", str(data), "--out", str(out), "--min-size", "2", "--min-weight", "1",
            "--no-significance", "--pictures", "0"]
    _no_traceback([*args, "--graphml"], code=0)
    store_bytes = (out / "store.duckdb").read_bytes()
    (out / "notes.txt").write_text("mine")
    stderr = _no_traceback(args)
    assert "--overwrite" in stderr and (out / "store.duckdb").read_bytes() == store_bytes
    assert (out / "network.graphml").exists()
    _no_traceback([*args, "--overwrite"], code=0)
    assert not (out / "network.graphml").exists()  # the earlier run's file is gone
    assert (out / "notes.txt").read_text() == "mine"  # the user's file is kept
    run = json.loads((out / "run.json").read_text())
    assert "network.graphml" not in run["outputs"] and "summary.md" in run["outputs"]


def test_detect_out_that_is_a_file_or_unwritable(tmp_path: Path) -> None:
    data = FIXTURES / "qut" / "tiny_all_networks.csv"
    f = tmp_path / "file"
    f.write_text("x")
    stderr = _no_traceback(["detect", str(data), "--out", str(f)])
    assert "is a file" in stderr
    stderr = _no_traceback(["detect", str(data), "--out", str(f / "sub")])
    assert "error:" in stderr
    stderr = _no_traceback(["detect", str(data), "--out", "/proc/cibwatch-out"])
    assert "error:" in stderr


# -- 8. messages, not tracebacks -----------------------------------------------------------------

@pytest.mark.parametrize("option,value", [
    ("--min-weight", "nan"), ("--min-weight", "inf"), ("--min-weight", "-1"),
    ("--fdr", "nan"), ("--fdr", "2"), ("--fdr", "-0.1"),
    ("--resolution", "nan"), ("--resolution", "-1"), ("--resolution", "inf"),
    ("--crowd-accounts", "-5"), ("--min-participation", "-1"), ("--min-size", "-3"),
    ("--max-neighbours", "-1"), ("--seed", "-1"), ("--pictures", "-1"), ("--threads", "-2"),
    ("--threads", "0"), ("--window", "nan"), ("--window", "1e999"), ("--window", "-5s"),
    ("--window", "9" * 400), ("--trace-window", "url=nan"), ("--trace-window", "url=-1"),
])
def test_bad_numeric_options_are_messages(tmp_path: Path, option: str, value: str) -> None:
    data = FIXTURES / "qut" / "tiny_all_networks.csv"
    r = runner.invoke(app, ["detect", str(data), "--out", str(tmp_path / "o"), option, value])
    assert r.exit_code == 2, (r.exit_code, r.output, r.exception)
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output
    assert not (tmp_path / "o" / "store.duckdb").exists()  # checked before anything is done


@pytest.mark.parametrize("args", [
    ["simulate", "--out", "{tmp}/w", "--scale", "nan"],
    ["simulate", "--out", "{tmp}/w", "--scale", "-1"],
    ["simulate", "--out", "{tmp}/w", "--seed", "-1"],
    ["expand", "--seeds", "{seeds}", "--out", "{tmp}/x", "--max-hops", "-1"],
    ["expand", "--seeds", "{seeds}", "--out", "{tmp}/x", "--fdr", "nan"],
    ["export", "stix", "N0001", "--db", "{tmp}/s.duckdb", "--min-accounts", "-1"],
])
def test_bad_numeric_options_of_other_commands(tmp_path: Path, args: list[str]) -> None:
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("platform,account_id\ntwitter,A\n")
    argv = [a.format(tmp=tmp_path, seeds=seeds) for a in args]
    r = runner.invoke(app, argv)
    assert r.exit_code == 2, (r.exit_code, r.output, r.exception)
    assert r.exception is None or isinstance(r.exception, SystemExit), repr(r.exception)


def test_disk_full_while_ingesting_is_a_message_and_leaves_the_store(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb

    import cibwatch.ingest as ing

    a = write_posts_csv(tmp_path / "a.csv", [post(str(i), "u", T0 + i) for i in range(10)])
    b = write_posts_csv(tmp_path / "b.csv", [post(f"b{i}", "v", T0 + i) for i in range(10)])
    real = ing._merge

    def full(store: Store, strict: bool) -> tuple[int, int]:
        if store.scalar("SELECT count(*) FROM posts"):
            raise duckdb.IOException("IO Error: Could not write file: No space left on device")
        return real(store, strict)

    monkeypatch.setattr(ing, "_merge", full)
    with Store(tmp_path / "s.duckdb") as store:
        with pytest.raises(StoreError) as err:
            ingest(store, [a, b])
        assert "no space left" in str(err.value) and str(b) in str(err.value)
        assert store.count_posts() == 10
    r = runner.invoke(app, ["ingest", str(b), "--db", str(tmp_path / "s.duckdb")])
    assert r.exit_code == 2 and "no space left" in r.output, r.output


def test_disk_full_while_writing_outputs_is_a_message(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import cibwatch.report.outputs as outputs

    def full(*a: Any, **k: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outputs, "_write_edges", full)
    data = FIXTURES / "qut" / "tiny_all_networks.csv"
    out = tmp_path / "o"
    r = runner.invoke(app, ["detect", str(data), "--out", str(out), "--no-significance",
                            "--min-size", "2", "--pictures", "0"])
    assert r.exit_code == 2 and "no space left" in r.output.lower(), (r.output, r.exception)
    assert not (out / "summary.md").exists()  # no half-written run left


def test_json_nested_100000_deep(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    good = json.dumps({"platform": "x", "post_id": "1", "account_id": "a", "created_at": T0})
    jl = tmp_path / "p.jsonl"
    jl.write_text(good + "\n" + '{"platform": "x", "post_id": "2", "account_id": "a", '
                  f'"created_at": {T0}, "urls": {deep}}}\n' + good.replace('"1"', '"3"') + "\n")
    doc = tmp_path / "d.json"
    doc.write_text("[" + good + ", " + deep + ", " + good.replace('"1"', '"3"') + "]")
    v2 = tmp_path / "v2.jsonl"
    v2.write_text('{"data": [{"id": "1", "author_id": "a", "created_at": "2021-01-01T00:00:00Z",'
                  ' "text": "x"}]}\n{"data": ' + deep + "}\n")
    for path in (jl, doc, v2):
        with Store(None) as store:
            try:
                report = ingest(store, [path])
            except CibwatchError:
                continue  # a message is fine too
            assert report.posts_loaded >= 1 and report.rejected >= 1, path
    for path in (jl, doc, v2):
        p = subprocess.run([*CLI, "ingest", str(path), "--db", str(tmp_path / "s.duckdb")],
                           capture_output=True, text=True)
        assert "Traceback" not in p.stderr and p.returncode in (0, 2), p.stderr[-2000:]


# -- 9. no silent alterations ----------------------------------------------------------------------

def test_json_integer_ids_beyond_64_bits_keep_their_digits(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"platform": "x", "post_id": 12345678901234567890123, "account_id": '
                    '18446744073709551617, "created_at": 1600000000, "mentions": '
                    '[99999999999999999999999, -9223372036854775809]}\n')
    with Store(None) as store:
        ingest(store, [path])
        assert store.fetchone("SELECT post_id, account_id, mentions FROM posts") == (
            "12345678901234567890123", "18446744073709551617",
            ["99999999999999999999999", "-9223372036854775809"])


def test_counts_with_a_fraction_are_rejected_not_rounded(tmp_path: Path) -> None:
    path = tmp_path / "acc.csv"
    path.write_text("platform,account_id,followers,following\nx,a,1.5,3\nx,b,12.0,1e2\n"
                    "x,c,12,-1\n")
    jl = tmp_path / "acc.jsonl"
    jl.write_text('{"platform": "x", "account_id": "a", "followers": 1.5}\n'
                  '{"platform": "x", "account_id": "b", "followers": 7}\n')
    pqf = tmp_path / "acc.parquet"
    pq.write_table(pa.table({"platform": ["x", "x"], "account_id": ["a", "b"],
                             "followers": pa.array([1.5, 7.0])}), pqf)
    with Store(None) as store:
        ingest(store, [path])
        assert store.fetchall("SELECT account_id, followers, following FROM accounts") == [
            ("b", 12, 100)]
        assert [(r[0], r[1]) for r in _rejects(store)] == [(2, "followers"), (4, "following")]
    for p in (jl, pqf):
        with Store(None) as store:
            ingest(store, [p])
            assert store.fetchall("SELECT account_id, followers FROM accounts") == [("b", 7)]
            assert [(r[0], r[1]) for r in _rejects(store)] == [(1 if p == jl else 1,
                                                                 "followers")]


def test_a_duplicated_header_column_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("platform,post_id,account_id,created_at,text,text\nx,1,a,10,one,two\n")
    with pytest.raises(FormatError) as err:
        ingest(Store(None), [path])
    assert "'text'" in str(err.value) and "5 and 6" in str(err.value)


def test_a_null_in_a_list_is_a_reject_not_dropped(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"platform": "x", "post_id": "1", "account_id": "a", "created_at": 10, '
                    '"urls": [null, "a"]}\n'
                    '{"platform": "x", "post_id": "2", "account_id": "a", "created_at": 10, '
                    '"urls": ["b"]}\n')
    csvf = write_posts_csv(tmp_path / "p.csv", [post("1", "a", 10, hashtags='[null,"a"]'),
                                                post("2", "a", 10, hashtags='["b"]')])
    pqf = tmp_path / "p.parquet"
    pq.write_table(pa.table({"platform": ["x", "x"], "post_id": ["1", "2"],
                             "account_id": ["a", "a"], "created_at": [10, 10],
                             "media": pa.array([[None, "a"], ["b"]], pa.list_(pa.string()))}), pqf)
    for p, fld in ((path, "urls"), (csvf, "hashtags"), (pqf, "media")):
        with Store(None) as store:
            ingest(store, [p])
            assert store.fetchall("SELECT post_id FROM posts") == [("2",)]
            assert [r[1] for r in _rejects(store)] == [fld] and "null" in _rejects(store)[0][2]


# -- 10. exact counts ------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["jsonl", "csv"])
def test_records_read_are_counted_once(tmp_path: Path, kind: str) -> None:
    rows = [post(str(i), f"a{i % 3}", T0 + i) for i in range(1_050)]
    if kind == "csv":
        path = write_posts_csv(tmp_path / "p.csv", rows)
    else:
        path = tmp_path / "p.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows) + "{bad\n")
    with Store(None) as store:
        report = ingest(store, [path], batch_rows=100)
        f = report.files[0]
        assert f.rows_read == 1_050 + (kind == "jsonl") and f.rows_loaded == 1_050
        assert store.count_posts() == 1_050


def test_detect_rerun_after_a_failed_file_resumes_and_other_inputs_are_refused(
        tmp_path: Path) -> None:
    a = write_posts_csv(tmp_path / "a.csv", [post(str(i), f"u{i % 3}", T0 + i) for i in range(9)])
    b = tmp_path / "b.csv"
    b.write_text("platform,post_id,account_id,created_at\ntwitter,b1,x,later\n")
    out = tmp_path / "out"
    args = ["detect", str(a), str(b), "--out", str(out), "--strict", "--pictures", "0"]
    stderr = _no_traceback(args)
    assert f"{b}:2" in stderr and (out / "store.duckdb").exists()
    b.write_text(f"platform,post_id,account_id,created_at\ntwitter,b1,x,{T0}\n")
    stderr = _no_traceback(args, code=0)  # the same command, the file fixed: it goes on
    assert "skipped (already in the store)" in stderr
    with Store(out / "store.duckdb") as store:
        assert store.count_posts() == 10
    other = tmp_path / "other"
    other.mkdir()
    (other / "store.duckdb").write_bytes((out / "store.duckdb").read_bytes())
    c = write_posts_csv(tmp_path / "c.csv", [post("c", "u", T0)])
    stderr = _no_traceback(["detect", str(c), "--out", str(other)])
    assert "--overwrite" in stderr


def test_two_writers_get_a_clear_lock_message(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    path = write_posts_csv(tmp_path / "p.csv", [post("1", "a", T0)])
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from cibwatch import "
                               "Store; s = Store(sys.argv[1]); print('open', flush=True); "
                               "time.sleep(60)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        stderr = _no_traceback(["ingest", str(path), "--db", str(db)])
        assert "cannot open the store" in stderr and "other program" in stderr
        out = tmp_path / "out"
        out.mkdir()
        os.link(db, out / "store.duckdb")  # the same locked file, as OUT's store
        stderr = _no_traceback(["detect", str(path), "--out", str(out)])
        assert "in use by another program" in stderr
    finally:
        holder.kill()
        holder.wait()


def test_a_stray_quote_in_an_indicator_csv_costs_one_row(tmp_path: Path) -> None:
    from cibwatch.intel.indicators import read_indicators

    f = tmp_path / "iocs.csv"
    rows = [f"domain_name,site{i}.example,ok,2022-01-01" for i in range(50)]
    rows.insert(10, 'domain_name,"broken.example,unclosed,2022-01-01')
    f.write_text("indicator_type,indicator_value,comment,ds\n" + "\n".join(rows) + "\n",
                 encoding="utf-8")
    s = read_indicators(f)
    assert [i.value for i in s.indicators] == [f"site{i}.example" for i in range(50)]
    assert [(line, "quote" in msg or "malformed" in msg) for line, _, msg in s.rejects] == [
        (12, True)]


def test_an_unclosed_quote_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A quote never closed stops being a field at MAX_RECORD_CHARS: memory stays bounded and
    the lines it swallowed are read again as records."""
    import cibwatch.ingest.readers as readers

    monkeypatch.setattr(readers, "MAX_RECORD_CHARS", 1_000)
    path = tmp_path / "p.csv"
    rows = [f"twitter,{i},a,{T0 + i},text {i}" for i in range(2_000)]
    rows.insert(5, f'twitter,"open,a,{T0},text')
    path.write_text("platform,post_id,account_id,created_at,text\n" + "\n".join(rows) + "\n")
    with Store(None) as store:
        report = ingest(store, [path])
        assert report.posts_loaded == 2_000 and [r[0] for r in _rejects(store)] == [7]
