"""The vectorised JSON Lines path (Arrow's reader) gives what the line-by-line reader gives.

Every batch is read by Arrow when all its lines fit the columns the layout reads, and line by
line otherwise; these tests ingest the same files both ways (the Arrow path switched off by
monkeypatching) and compare every table of the store."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from cibwatch import Store, ingest_files
from cibwatch.ingest import readers

_TABLES = {
    "posts": "platform, post_id, account_id, created_at, text, urls, hashtags, mentions, media, "
             "reshare_of, reply_to, lang, source_line",
    "accounts": "platform, account_id, handle, display_name, created_at, followers, following, "
                "bio, lang, location, profile_image_hash, derived",
    "rejects": "line, record_kind, field, error, raw",
    "sources": "format, kind, rows_read, rows_loaded, rows_rejected",
}


def _tables(db: Path) -> dict[str, list[tuple]]:
    with Store(db, read_only=True) as s:
        out = {}
        for t, cols in _TABLES.items():
            have = {r[0] for r in s.fetchall(f"DESCRIBE {t}")}
            use = ", ".join(c.strip() for c in cols.split(",") if c.strip() in have)
            out[t] = s.fetchall(f"SELECT {use} FROM {t} ORDER BY ALL")
        return out


def _both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: list[Path],
          batch_rows: int = 7, block_bytes: int = 1200) -> tuple[dict[str, list[tuple]], dict[str, list[tuple]], int]:
    calls = {"fast": 0}
    real = readers._arrow_jsonl

    def counting(*a: object) -> object:
        t = real(*a)  # type: ignore[arg-type]
        calls["fast"] += t is not None
        return t

    monkeypatch.setattr(readers, "_arrow_jsonl", counting)
    monkeypatch.setattr(readers, "JSONL_BLOCK_BYTES", block_bytes)  # blocks of a few lines
    with Store(tmp_path / "fast.duckdb") as s:
        ingest_files(s, files, batch_rows=batch_rows)
    monkeypatch.setattr(readers, "_arrow_jsonl", lambda *a: None)
    with Store(tmp_path / "slow.duckdb") as s:
        ingest_files(s, files, batch_rows=batch_rows)
    return _tables(tmp_path / "fast.duckdb"), _tables(tmp_path / "slow.duckdb"), calls["fast"]


def _post(i: int, rng: random.Random) -> dict[str, object]:
    p: dict[str, object] = {
        "platform": rng.choice(["twitter", "telegram", " twitter "]),
        "post_id": f"p{i % 40}" if rng.random() < 0.1 else f"p{i}",
        "account_id": rng.choice(["a1", "a2", "", " a3", "账号"]),
        "created_at": rng.choice(["2024-01-02T03:04:05Z", "2024-01-02 03:04:05+08:00",
                                  "2024-01-02", "not a time", "", "2999-01-01T00:00:00Z"]),
        "text": rng.choice(["hello", "", "🌸 真相\n多行", "a\u0000b", "x" * 300, None]),
        "urls": rng.choice([[], ["https://ex.com/a?utm_source=x"], ["", "  "], None,
                            [None, "http://b.org"], ["dup", "dup"]]),
        "hashtags": rng.choice([["Tag", "tag"], [], None]),
        "reshare_of": rng.choice([None, "p1", ""]),
        "lang": rng.choice(["en", None, "zh"]),
    }
    for k in list(p):
        if rng.random() < 0.1:
            del p[k]  # absent fields
    return p


def _write(path: Path, records: list[object], extra_lines: dict[int, str] | None = None,
           newline: str = "\n") -> Path:
    lines = [json.dumps(r, ensure_ascii=bool(i % 2)) for i, r in enumerate(records)]
    for at, text in sorted((extra_lines or {}).items(), reverse=True):
        lines.insert(at, text)
    path.write_text(newline.join(lines) + newline, encoding="utf-8")
    return path


def test_good_posts_read_by_arrow_equal_the_line_by_line_reading(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    f = _write(tmp_path / "posts.jsonl", [_post(i, rng) for i in range(300)])
    fast, slow, n_fast = _both(tmp_path, monkeypatch, [f])
    assert n_fast >= 10  # many blocks went through Arrow, others not
    assert fast == slow
    assert len(fast["posts"]) > 30 and fast["rejects"]  # bad times, blank ids are rejected


def test_batches_with_bad_lines_fall_back_and_keep_their_line_numbers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(11)
    bad = {5: '{"post_id": "x", broken', 20: "", 31: "[1, 2]", 40: '{"post_id": 17, '
           '"account_id": "a", "platform": "t", "created_at": "2024-01-01"}',
           50: '{"post_id": "q", "account_id": "a", "platform": "t", "created_at": '
               '"2024-01-01", "urls": "https://not-a-list.org"}', 60: "   "}
    f = _write(tmp_path / "posts.jsonl", [_post(i, rng) for i in range(100)], bad)
    fast, slow, n_fast = _both(tmp_path, monkeypatch, [f])
    assert n_fast > 0
    assert fast == slow
    lines = {r[0] for r in fast["rejects"]}
    assert {6, 32} <= lines  # the broken line and the array, 1-based, blank lines counted


def test_crlf_accounts_with_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    accs = [{"platform": "twitter", "account_id": f"a{i}", "handle": f"h{i}",
             "followers": [12, -3, 0, None][i % 4], "following": 5,
             "created_at": "2020-05-01T00:00:00Z", "bio": "b\r\nc"} for i in range(40)]
    accs[9]["followers"] = "120"  # a count as text: that batch is read line by line
    f = _write(tmp_path / "accounts.jsonl", accs, newline="\r\n")
    fast, slow, n_fast = _both(tmp_path, monkeypatch, [f])
    assert n_fast > 0
    assert fast == slow
    assert any(r[2] == "followers" for r in fast["rejects"])  # -3 is rejected, named


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_a_field_of_the_first_records_only_is_null_in_later_batches(
        tmp_path: Path, suffix: str) -> None:
    """A batch none of whose records has a field the header has (JSON Lines and documents
    read line by line, batches of 5 records) loads with that field null."""
    recs = [{"platform": "t", "post_id": f"p{i}", "account_id": "a",
             "created_at": "2024-01-01T00:00:00Z", "text": "x", "lang": "en", "media": ["m"],
             "urls": ["https://e.org/"]} for i in range(3)]
    recs += [{"platform": "t", "post_id": f"q{i}", "account_id": "a", "text": "y",
              "created_at": "2024-01-01T00:00:00Z"} for i in range(12)]
    f = tmp_path / f"posts{suffix}"
    f.write_text("\n".join(map(json.dumps, recs)) + "\n" if suffix == ".jsonl"
                 else json.dumps(recs, indent=1))
    with Store() as s:
        report = ingest_files(s, [f], batch_rows=5)
        assert report.posts_loaded == 15 and report.rejected == 0
        assert s.fetchall("SELECT count(*) FILTER (WHERE lang IS NULL), "
                          "count(*) FILTER (WHERE len(urls) = 0) FROM posts") == [(12, 12)]


def test_blocks_parsed_ahead_keep_their_order_and_their_errors() -> None:
    """``readers._ahead`` (the next block parsed in a second thread) gives each block with its
    own result, in order, and raises what the work raised."""
    out = list(readers._ahead(iter([b"a", b"bb", b"ccc"]), len))  # type: ignore[arg-type]
    assert out == [(b"a", 1), (b"bb", 2), (b"ccc", 3)]
    assert list(readers._ahead(iter([]), len)) == []  # type: ignore[arg-type]

    def boom(body: bytes) -> None:
        raise ValueError(body)

    with pytest.raises(ValueError, match="x"):
        list(readers._ahead(iter([b"x"]), boom))
