"""Ingest benchmark: throughput and peak memory of ``ingest_files`` against input size.

Generates, per size, an X/Twitter API v2 export (JSON Lines, one response page of 100 tweets
per line, with ``includes.users``: the layout of twarc2 and most collectors), a canonical
Parquet file (``posts.parquet`` columns, row groups of 1 M posts) and, with ``--formats csv``,
a canonical CSV, then ingests each into a
fresh DuckDB store in its own subprocess, and prints one row per run: format, file size,
posts loaded, seconds (wall, whole ``ingest_files`` call: reading, conversion, merge into the
store), posts per second and the child's peak RSS (``ru_maxrss`` from ``os.wait4``).
Memory that does not grow with the file size is the point: the readers stream in bounded
batches and DuckDB works within ``--memory-limit``, spilling to disk past it.

    .venv/bin/python benchmarks/ingest.py                      # quick: 20MB of each
    .venv/bin/python benchmarks/ingest.py --sizes 200MB,1GB    # the figures in docs/ADAPTERS.md
    .venv/bin/python benchmarks/ingest.py --sizes 5GB --formats parquet
    .venv/bin/python benchmarks/ingest.py --formats csv --src OLD/src --src src --repeat 3

Data goes to ``benchmarks/data/ingest/`` (git-ignored) and is reused by later runs of the same
size and seed. The generated posts are synthetic (seeded, deterministic): realistic shapes
(30 % retweets, 10 % replies, 5 % quotes, URLs with tracking parameters, hashtags, mentions,
media, Chinese and emoji text), not real data.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data" / "ingest"
TWEETS_PER_PAGE = 100
START = 1_690_000_000  # 2023-07-22, epoch seconds
_UNITS = {"": 1, "B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9}

_WORDS = (
    "香港 新疆 truth media lies west police riot peace happy life beautiful travel China "
    "people government report news watch today share 真相 生活 美丽 和平 中国 人民 🌸 👍 🙏 "
    "democracy freedom economy growth future village farmers cotton school family"
).split()
_TAGS = ["Xinjiang", "HongKong", "China", "新疆", "香港", "truth", "travel", "news"]
_DOMAINS = ["www.example-news.cn", "example-watchdog.org", "blog.example.com", "video.example.net"]

CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[5])
from cibwatch import Store, ingest_files
path, fmt, db, limit = sys.argv[1:5]
t = time.perf_counter()
with Store(db, memory_limit=limit) as store:
    report = ingest_files(store, [path], fmt)
    secs = time.perf_counter() - t
    print(json.dumps({"posts": report.posts_loaded, "rejected": report.rejected,
                      "seconds": secs}))
"""


def parse_size(text: str) -> int:
    """``200MB`` -> 200000000 (decimal units: KB, MB, GB)."""
    m = re.fullmatch(r"\s*([0-9.]+)\s*([KMG]?B?)\s*", text.upper())
    if not m:
        raise SystemExit(f"cannot read the size {text!r} (e.g. 200MB, 1GB)")
    unit = m.group(2) if m.group(2) in _UNITS else m.group(2) + "B"
    return int(float(m.group(1)) * _UNITS[unit])


def _text(rng: np.random.Generator) -> str:
    return " ".join(_WORDS[i] for i in rng.integers(0, len(_WORDS), int(rng.integers(6, 24))))


def _user(uid: int, rng: np.random.Generator) -> dict[str, object]:
    return {
        "id": str(10**9 + uid), "username": f"user{uid:07d}", "name": f"User {uid} 用户",
        "created_at": f"20{int(rng.integers(10, 24)):02d}-0{int(rng.integers(1, 10))}-1"
                      f"{int(rng.integers(0, 10))}T08:00:00.000Z",
        "description": _text(rng), "location": "Earth",
        "public_metrics": {"followers_count": int(rng.integers(0, 5000)),
                           "following_count": int(rng.integers(0, 900)),
                           "tweet_count": int(rng.integers(1, 90000)), "listed_count": 0},
    }


def write_twitter_v2(path: Path, size: int, seed: int) -> int:
    """JSONL of v2 response pages until ``size`` bytes; returns the number of tweets."""
    import orjson

    rng = np.random.default_rng(seed)
    n_users = 50_000
    tid = 1_690_000_000_000_000_000
    written = tweets = 0
    t = START
    with open(path, "wb") as fh:
        while written < size:
            data, users = [], {}
            for _ in range(TWEETS_PER_PAGE):
                tid += int(rng.integers(1, 1000))
                t += int(rng.integers(0, 3))
                uid = int(rng.zipf(1.6)) % n_users
                users[uid] = None
                text = _text(rng)
                tw: dict[str, object] = {
                    "id": str(tid), "text": text, "author_id": str(10**9 + uid),
                    "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(t)),
                    "lang": "zh" if "中国" in text else "en",
                    "conversation_id": str(tid), "edit_history_tweet_ids": [str(tid)],
                    "public_metrics": {"retweet_count": 0, "reply_count": 0, "like_count": 0,
                                       "quote_count": 0},
                }
                r = rng.random()
                ent: dict[str, object] = {}
                if r < 0.30:
                    tw["referenced_tweets"] = [{"type": "retweeted",
                                                "id": str(tid - int(rng.integers(1, 10**7)))}]
                elif r < 0.40:
                    tw["referenced_tweets"] = [{"type": "replied_to",
                                                "id": str(tid - int(rng.integers(1, 10**7)))}]
                    tw["in_reply_to_user_id"] = str(10**9 + int(rng.integers(0, n_users)))
                elif r < 0.45:
                    q = str(tid - int(rng.integers(1, 10**7)))
                    tw["referenced_tweets"] = [{"type": "quoted", "id": q}]
                    ent["urls"] = [{"start": 0, "end": 23, "url": "https://t.co/q",
                                    "expanded_url": f"https://twitter.com/u/status/{q}"}]
                if rng.random() < 0.35:
                    dom = _DOMAINS[int(rng.integers(0, len(_DOMAINS)))]
                    urls = list(ent.get("urls", []))  # type: ignore[call-overload]
                    urls.append({"start": 0, "end": 23, "url": "https://t.co/abc",
                                 "expanded_url": f"https://{dom}/a/{int(rng.integers(0, 5000))}"
                                                 "?utm_source=twitter",
                                 "display_url": dom})
                    ent["urls"] = urls
                if rng.random() < 0.4:
                    ent["hashtags"] = [{"start": 0, "end": 5, "tag": _TAGS[int(i)]}
                                       for i in rng.integers(0, len(_TAGS), int(rng.integers(1, 4)))]
                if rng.random() < 0.2:
                    m = int(rng.integers(0, n_users))
                    ent["mentions"] = [{"start": 0, "end": 9, "username": f"user{m:07d}",
                                        "id": str(10**9 + m)}]
                if ent:
                    tw["entities"] = ent
                if rng.random() < 0.1:
                    tw["attachments"] = {"media_keys": [f"3_{int(rng.integers(0, 10**6))}"]}
                data.append(tw)
            page = {"data": data,
                    "includes": {"users": [_user(u, rng) for u in users]},
                    "meta": {"result_count": len(data), "newest_id": data[-1]["id"],
                             "oldest_id": data[0]["id"], "next_token": f"t{tid}"}}
            line = orjson.dumps(page) + b"\n"
            fh.write(line)
            written += len(line)
            tweets += len(data)
    return tweets


def write_parquet(path: Path, size: int, seed: int) -> int:
    """Canonical posts Parquet until ``size`` bytes; returns the number of posts."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    sys.path.insert(0, str(ROOT / "src"))
    from cibwatch.model import POSTS_SCHEMA

    rng = np.random.default_rng(seed)
    pool = 20_000
    texts = pa.array([_text(rng) for _ in range(pool)], pa.string())
    urls = pa.array([[f"https://{_DOMAINS[i % 4]}/a/{i}?utm_source=x"] if i % 3 == 0 else []
                     for i in range(pool)], pa.list_(pa.string()))
    tags = pa.array([[_TAGS[i % 8], _TAGS[(i // 8) % 8]] if i % 2 == 0 else []
                     for i in range(pool)], pa.list_(pa.string()))
    empty = pa.array([[]] * pool, pa.list_(pa.string()))
    group = 1_000_000
    n = 0
    with pq.ParquetWriter(path, POSTS_SCHEMA, compression="zstd") as writer:
        while True:
            ids = np.arange(n, n + group, dtype=np.int64)
            accounts = rng.zipf(1.6, group) % 500_000
            ts = START + ids // 30 + rng.integers(0, 60, group)
            pick = rng.integers(0, pool, group)
            reshare = np.where(rng.random(group) < 0.4, rng.integers(0, n + group, group), -1)
            table = pa.table({
                "platform": pa.array(["twitter"] * group, pa.string()),
                "post_id": pa.array(ids).cast(pa.string()),
                "account_id": pa.array(accounts).cast(pa.string()),
                "created_at": pa.array(ts * 1_000_000, pa.timestamp("us")),
                "text": texts.take(pick),
                "urls": urls.take(pick),
                "hashtags": tags.take(pick),
                "mentions": empty.take(pick),
                "media": empty.take(pick),
                "reshare_of": pc.if_else(pa.array(reshare >= 0),
                                         pa.array(reshare).cast(pa.string()), None),
                "reply_to": pa.nulls(group, pa.string()),
                "lang": pa.array(["en"] * group, pa.string()),
            }, schema=POSTS_SCHEMA)
            writer.write_table(table, row_group_size=group)
            n += group
            if path.stat().st_size >= size:
                break
    return n


def write_csv(path: Path, size: int, seed: int) -> int:
    """Canonical posts CSV (lists as JSON) until ``size`` bytes; returns the number of posts.
    Texts hold commas, quotes and new lines now and then, as exports do."""
    import csv

    rng = np.random.default_rng(seed)
    n = 0
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["platform", "post_id", "account_id", "created_at", "text", "urls",
                    "hashtags", "reshare_of", "lang"])
        while fh.tell() < size:
            for _ in range(10_000):
                text = _text(rng)
                r = rng.random()
                if r < 0.05:
                    text += ', "quoted", and\na second line'
                urls = (f'["https://{_DOMAINS[n % 4]}/a/{n % 5000}?utm_source=x"]'
                        if n % 3 == 0 else "[]")
                w.writerow(["twitter", n, int(rng.zipf(1.6)) % 500_000,
                            START + n // 30 + int(rng.integers(0, 60)), text, urls,
                            f'["{_TAGS[n % 8]}"]' if n % 2 == 0 else "[]",
                            int(rng.integers(0, n + 1)) if rng.random() < 0.4 else "", "en"])
                n += 1
    return n


def write_jsonl(path: Path, size: int, seed: int) -> int:
    """Canonical posts as JSON Lines (the Parquet generator's posts, one object per line, times
    in ISO 8601) until about ``size`` bytes; returns the number of posts."""
    import duckdb

    tmp = path.with_suffix(".tmp.parquet")
    write_parquet(tmp, max(size // 7, 1), seed)  # JSON Lines are about 7 times larger
    try:
        duckdb.sql(f"COPY (SELECT * REPLACE (strftime(created_at, '%Y-%m-%dT%H:%M:%SZ') "
                   f"AS created_at) FROM '{tmp}') TO '{path}' (FORMAT json)")
        return int(duckdb.sql(f"SELECT count(*) FROM '{tmp}'").fetchall()[0][0])
    finally:
        tmp.unlink(missing_ok=True)


GENERATORS = {"twitter-v2": (write_twitter_v2, "jsonl"), "parquet": (write_parquet, "parquet"),
              "csv": (write_csv, "csv"), "jsonl": (write_jsonl, "jsonl")}


def dataset(fmt: str, size: int, seed: int) -> tuple[Path, int]:
    """The generated file for (format, size, seed), made when missing; and its post count."""
    write, ext = GENERATORS[fmt]
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"{fmt}-{size}-s{seed}.{ext}"
    meta = path.with_suffix(path.suffix + ".json")
    if path.exists() and meta.exists():
        return path, int(json.loads(meta.read_text())["posts"])
    t = time.perf_counter()
    print(f"generating {path.name} ...", file=sys.stderr, flush=True)
    posts = write(path, size, seed)
    meta.write_text(json.dumps({"posts": posts, "bytes": path.stat().st_size}))
    print(f"  {posts:,} posts, {path.stat().st_size / 1e6:,.0f} MB in "
          f"{time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
    return path, posts


def run_child(path: Path, fmt: str, memory_limit: str, src: Path = ROOT / "src"
              ) -> dict[str, float]:
    """Ingest ``path`` in a fresh process and store, with the cibwatch of ``src``; its
    result and peak RSS (bytes)."""
    db = DATA / "bench.duckdb"
    for p in (db, db.with_suffix(".duckdb.wal")):
        p.unlink(missing_ok=True)
    layout = "canonical" if fmt in ("parquet", "csv", "jsonl") else fmt
    cmd = [sys.executable, "-c", CHILD, str(path), layout, str(db), memory_limit, str(src)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    for p in (db, db.with_suffix(".duckdb.wal")):
        p.unlink(missing_ok=True)
    if proc.returncode != 0:
        raise SystemExit(f"ingest of {path} failed:\n{err.decode(errors='replace')}")
    result = json.loads(out.decode().strip().splitlines()[-1])
    result["peak_rss"] = usage.ru_maxrss * 1024  # kilobytes on Linux
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="20MB", help="comma-separated file sizes (default 20MB)")
    ap.add_argument("--formats", default="twitter-v2,parquet",
                    help="comma-separated: twitter-v2, parquet, csv, jsonl (canonical JSON "
                    "Lines)")
    ap.add_argument("--src", action="append", type=Path,
                    help="the src/ directory of the cibwatch to run (repeat it to compare two "
                    "versions on the same run, one after the other for each file) [default: "
                    "this checkout's]")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each (file, src)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--memory-limit", default="4GB",
                    help="DuckDB memory limit of the ingesting process (default 4GB)")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON to this file")
    args = ap.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    for f in formats:
        if f not in GENERATORS:
            raise SystemExit(f"unknown format {f!r}: choose from {', '.join(GENERATORS)}")
    rows = []
    print(f"# {platform.node() or 'host'}: {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, memory limit {args.memory_limit}", flush=True)
    srcs = args.src or [ROOT / "src"]
    print(f"| {'format':<10} | {'size':>9} | {'posts':>11} | {'seconds':>8} | {'posts/s':>9} "
          f"| {'peak RSS':>9} |" + (" src |" if len(srcs) > 1 else ""), flush=True)
    print(f"|{'-' * 12}|{'-' * 11}:|{'-' * 13}:|{'-' * 10}:|{'-' * 11}:|{'-' * 11}:|"
          + ("---|" if len(srcs) > 1 else ""), flush=True)
    for size_text in args.sizes.split(","):
        size = parse_size(size_text)
        for fmt in formats:
            path, _ = dataset(fmt, size, args.seed)
            for _ in range(args.repeat):
                for src in srcs:
                    res = run_child(path, fmt, args.memory_limit, src)
                    row = {"format": fmt, "bytes": path.stat().st_size,
                           "posts": int(res["posts"]), "seconds": res["seconds"],
                           "posts_per_s": res["posts"] / res["seconds"],
                           "peak_rss": res["peak_rss"], "src": str(src)}
                    rows.append(row)
                    print(f"| {fmt:<10} | {row['bytes'] / 1e6:>6,.0f} MB | {row['posts']:>11,} | "
                          f"{row['seconds']:>8.1f} | {row['posts_per_s']:>9,.0f} | "
                          f"{row['peak_rss'] / 1e9:>6.2f} GB |"
                          + (f" {src} |" if len(srcs) > 1 else ""), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
