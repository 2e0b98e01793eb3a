"""Property-based fuzz of every reader (issue 11): each input row is either loaded unchanged,
or (when the documented rules make it bad) rejected with its line and field, whatever the
text holds (quotes, commas, new lines, carriage returns, NUL, any Unicode), whatever junk or
broken lines surround it, in CSV (plain and gzip, truncated anywhere), JSON Lines, JSON
documents, Parquet and every CSV layout."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import unicodedata
import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cibwatch import Store, ingest_files

from .conftest import FIXTURES

LATEST = 1_800_000_000 * 1_000_000
#: Examples per reader: 25 in the suite (a fixed, reproducible set); CIBWATCH_FUZZ_EXAMPLES=N
#: explores N new ones.
_N = int(os.environ.get("CIBWATCH_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=_N or 25, deadline=None, derandomize=not _N,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

CHARS = st.characters(blacklist_categories=("Cs",))
TEXT = st.text(CHARS, max_size=30) | st.sampled_from(
    ['"', '""', '","', '"\n"', "\r", "\r\n", ",", "\n,\n", "a\"b", "\x00", "[", "{", "\\"])
ID = st.text(CHARS, max_size=8) | st.sampled_from(["", " ", "\t", '"', ",", "\n", "0", "-1"])
EPOCH = st.integers(0, 1_790_000_000)
ISO = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2026, 12, 31),
                   timezones=st.just(UTC)).map(lambda d: d.isoformat())
TIME = EPOCH | ISO | st.sampled_from(["20240101", "infinity", "", "9" * 25, "1e400"])
ROW = st.fixed_dictionaries({"post_id": ID, "account_id": ID, "created_at": TIME,
                             "text": TEXT, "urls": st.lists(TEXT, max_size=3)})
ROWS = st.lists(ROW, min_size=1, max_size=20, unique_by=lambda r: r["post_id"])


def _time(v: Any) -> datetime | None:
    """The documented time rule (docs/ADAPTERS.md, Times), for the values generated here."""
    if isinstance(v, int):
        s = str(v)
        if len(s) == 8 and 19000101 <= v <= 20991231:
            try:
                datetime.strptime(s, "%Y%m%d")
                return None  # ambiguous
            except ValueError:
                pass
        return datetime(1970, 1, 1) + timedelta(seconds=v)
    if not isinstance(v, str) or not v[:4].isdigit() or "-" not in v:
        return None
    return datetime.fromisoformat(v).astimezone(UTC).replace(tzinfo=None)


def _blank(v: str) -> bool:
    """An absent value: empty or only space separators (what DuckDB's trim removes)."""
    return all(unicodedata.category(c) == "Zs" for c in v)


def _good(r: dict[str, Any]) -> bool:
    return (not _blank(r["post_id"]) and not _blank(r["account_id"])
            and _time(r["created_at"]) is not None)


def _check(store: Store, rows: list[dict[str, Any]], lines: list[int],
           kept: set[int] | None = None) -> None:
    """Each row loaded unchanged when good (and ``kept``: not lost to damage), else rejected
    at its line; nothing loaded that is not a row."""
    got = {r[0]: r[1:] for r in store.fetchall(
        "SELECT post_id, account_id, created_at, text, urls, source_line FROM posts")}
    rejected = {r[0] for r in store.fetchall("SELECT line FROM rejects")}
    for i, (r, line) in enumerate(zip(rows, lines, strict=True)):
        if _good(r) and (kept is None or i in kept):
            assert r["post_id"] in got, (r, store.fetchall("SELECT * FROM rejects"))
            account, created, text, urls, src_line = got.pop(r["post_id"])
            assert (account, created, text, urls, src_line) == (
                r["account_id"], _time(r["created_at"]), r["text"], r["urls"], line), r
        else:
            assert r["post_id"] not in got or _blank(r["post_id"]), r
            assert kept is not None and i not in kept or line in rejected, (r, line)
    assert not got, got  # nothing loaded that was not a good row


def _csv_text(rows: list[dict[str, Any]], junk: list[tuple[int, str]]
              ) -> tuple[str, list[int], list[int]]:
    """CSV text of ``rows`` with the ``junk`` lines inserted (before row i); the line of each
    row, and the offset (in UTF-8 bytes) where each row ends."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(["platform", "post_id", "account_id", "created_at", "text", "urls"])
    line, lines, ends, size = 2, [], [], len(buf.getvalue().encode())
    where = dict(junk)
    for i, r in enumerate(rows):
        if i in where:
            buf.write(where[i] + "\r\n")
            size += len((where[i] + "\r\n").encode())
            line += 1
        start = buf.tell()
        w.writerow(["twitter", r["post_id"], r["account_id"], r["created_at"], r["text"],
                    json.dumps(r["urls"])])
        lines.append(line)
        rec = buf.getvalue()[start:]
        size += len(rec.encode())
        ends.append(size)
        line += rec.count("\n") + rec.replace("\r\n", "").count("\r")
    return buf.getvalue(), lines, ends


#: Lines that are not records: junk, and records broken by a stray quote.
JUNK = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n,"),
               min_size=1, max_size=20).filter(lambda s: not _blank(s)) | st.sampled_from(
    ['twitter,"broken,u,10,text,[]', '"', 'a,"b"c,d', "twitter,x,u,10,t", '"open\tquote'])


@given(rows=ROWS, junk=st.lists(st.tuples(st.integers(0, 19), JUNK), max_size=3,
                                unique_by=lambda j: j[0]))
@FUZZ
def test_csv(tmp_path_factory: Any, rows: list[dict[str, Any]],
             junk: list[tuple[int, str]]) -> None:
    path = tmp_path_factory.mktemp("csv") / "p.csv"
    text, lines, _ = _csv_text(rows, [j for j in junk if j[0] < len(rows)])
    path.write_bytes(text.encode("utf-8"))
    with Store(None) as store:
        ingest_files(store, [path], latest_us=LATEST)
        _check(store, rows, lines)


@given(rows=ROWS, cut=st.floats(0.05, 1.0))
@FUZZ
def test_gzip_csv_truncated_anywhere(tmp_path_factory: Any, rows: list[dict[str, Any]],
                                     cut: float) -> None:
    path = tmp_path_factory.mktemp("gz") / "p.csv.gz"
    text, lines, ends = _csv_text(rows, [])
    plain = text.encode("utf-8")
    data = gzip.compress(plain, mtime=0)
    data = data[: max(12, int(len(data) * cut))] if cut < 1 else data
    path.write_bytes(data)
    decoded = zlib.decompressobj(31).decompress(data)  # what can be decoded before the cut
    kept = {i for i, e in enumerate(ends) if e <= len(decoded)}
    with Store(None) as store:
        try:
            ingest_files(store, [path], latest_us=LATEST)
        except Exception as exc:  # only a file cut inside the header may fail, with a message
            from cibwatch.errors import CibwatchError

            assert isinstance(exc, CibwatchError) and not kept, exc
            return
        _check(store, rows, lines, kept)


@given(rows=ROWS, junk=st.lists(st.tuples(st.integers(0, 19), JUNK), max_size=3,
                                unique_by=lambda j: j[0]))
@FUZZ
def test_jsonl(tmp_path_factory: Any, rows: list[dict[str, Any]],
               junk: list[tuple[int, str]]) -> None:
    path = tmp_path_factory.mktemp("jsonl") / "p.jsonl"
    out, lines, where = [], [], dict(junk)
    for i, r in enumerate(rows):
        if i in where and not where[i].lstrip().startswith(("{", "[")):
            out.append(where[i])
        out.append(json.dumps({"platform": "twitter", **r}))
        lines.append(len(out))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    with Store(None) as store:
        ingest_files(store, [path], latest_us=LATEST)
        _check(store, rows, lines)


@given(rows=ROWS)
@FUZZ
def test_json_document(tmp_path_factory: Any, rows: list[dict[str, Any]]) -> None:
    path = tmp_path_factory.mktemp("json") / "p.json"
    parts = [json.dumps({"platform": "twitter", **r}) for r in rows]
    path.write_text("[\n" + ",\n".join(parts) + "\n]\n", encoding="utf-8")
    with Store(None) as store:
        ingest_files(store, [path], latest_us=LATEST)
        _check(store, rows, [i + 2 for i in range(len(rows))])


@given(rows=ROWS, native=st.booleans())
@FUZZ
def test_parquet(tmp_path_factory: Any, rows: list[dict[str, Any]], native: bool) -> None:
    path = tmp_path_factory.mktemp("pq") / "p.parquet"
    if native:  # a timestamp column: only the values the rule accepts can be written
        rows = [r for r in rows if _time(r["created_at"]) is not None]
        created = pa.array([_time(r["created_at"]) for r in rows], pa.timestamp("us"))
    else:
        created = pa.array([str(r["created_at"]) for r in rows], pa.string())
    pq.write_table(pa.table({
        "platform": ["twitter"] * len(rows), "post_id": [r["post_id"] for r in rows],
        "account_id": [r["account_id"] for r in rows], "created_at": created,
        "text": [r["text"] for r in rows],
        "urls": pa.array([r["urls"] for r in rows], pa.list_(pa.string()))}), path)
    with Store(None) as store:
        ingest_files(store, [path], latest_us=LATEST)
        _check(store, rows, [i + 1 for i in range(len(rows))])


# -- the CSV layouts: ids and texts of any kind, broken lines between them ------------------

SAFE_ID = st.text(st.characters(whitelist_categories=("Ll", "Lu", "Nd")), min_size=1,
                  max_size=8)


def _layouts() -> dict[str, tuple[list[str], Any, str, str]]:
    """layout -> (header, cells(i, id, text), field read back as the text, --format)."""
    t = 1_600_000_000
    forum = f"mapping:{FIXTURES / 'adapters' / 'forum.toml'}"
    return {
        "qut": (["message_id", "user_id", "username", "repost_id", "reply_id", "message",
                 "timestamp", "urls"],
                lambda i, pid, text: [pid, "u", "n", "", "", text, t + i, ""], "text", "auto"),
        "twitter-io": (["tweetid", "userid", "tweet_time", "tweet_text", "hashtags", "urls",
                        "user_mentions"],
                       lambda i, pid, text: [pid, "u", "2019-08-13 02:14", text, "[]", "[]",
                                             "[]"], "text", "auto"),
        "coortweet": (["object_id", "account_id", "content_id", "timestamp_share"],
                      lambda i, pid, text: [text, "u", pid, t + i], "reshare_of", "auto"),
        "crowdtangle": (["Page Name", "User Name", "Facebook Id", "Post Created", "Type", "URL",
                         "Message"],
                        lambda i, pid, text: ["P", "user", "100", "2023-08-29 06:00:05 EDT",
                                              "Link", f"https://www.facebook.com/x/posts/{pid}",
                                              text], "text", "auto"),
        "meta-content-library": (["id", "creation_time", "text", "post_owner.id"],
                                 lambda i, pid, text: [pid, "2023-08-29T10:00:05+0000", text,
                                                       "7"], "text", "auto"),
        "mapping": (["msg_no", "member", "posted", "body", "links", "tags", "quoting"],
                    lambda i, pid, text: [pid, "m", "29/08/2023 10:00", text, "", "", ""],
                    "text", forum),
    }


@given(layout=st.sampled_from(sorted(_layouts())),
       rows=st.lists(st.tuples(SAFE_ID, TEXT), min_size=1, max_size=20, unique_by=lambda r: r[0]),
       junk=st.lists(st.tuples(st.integers(0, 19), JUNK), max_size=3, unique_by=lambda j: j[0]))
@FUZZ
def test_csv_layouts(tmp_path_factory: Any, layout: str, rows: list[tuple[str, str]],
                     junk: list[tuple[int, str]]) -> None:
    header, cells, text_field, fmt = _layouts()[layout]
    path = tmp_path_factory.mktemp("layout") / "p.csv"
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(header)
    where = dict(junk)
    for i, (pid, text) in enumerate(rows):
        if i in where:
            buf.write(where[i] + "\r\n")
        w.writerow(cells(i, pid, text))
    path.write_bytes(buf.getvalue().encode("utf-8"))
    with Store(None) as store:
        ingest_files(store, [path], fmt, latest_us=LATEST)
        got = dict(store.fetchall(f"SELECT post_id, {text_field} FROM posts"))
        for pid, text in rows:
            want = text if text_field == "text" else (None if _blank(text) else text)
            assert got.pop(pid) == want, (pid, text, store.fetchall("SELECT * FROM rejects"))
        assert not got, got  # nothing else loaded
