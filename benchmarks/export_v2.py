"""The benchmark's posts as a platform export: X/Twitter API v2 response pages, one per line.

``generate.py`` writes canonical Parquet; a platform gives researchers JSON. This turns
``posts.parquet`` into the layout twarc2 and most collectors write (JSON Lines, one page of up
to 100 tweets per line: ``data`` with ``id``, ``author_id``, ``created_at``, ``text``,
``lang``, ``referenced_tweets``, ``entities``; ``includes.users``), which both cibwatch
(layout ``twitter-v2``) and the QUT toolkit (``preprocess --format twitter_json``) read, so that
the two tools are timed on one file.

Tweet ids are snowflakes: the QUT toolkit takes a tweet's time from its id (``id >> 22`` is
milliseconds since the Twitter epoch), as X's ids encode it; the post's number fills the low
22 bits, so ids are unique and ordered by time within a millisecond. Account ``u123`` becomes
author id ``123``, username ``user123``.

    python benchmarks/export_v2.py benchmarks/data/1m/posts.parquet   # -> posts_v2.jsonl
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import orjson
import pyarrow.parquet as pq

TWITTER_EPOCH_MS = 1_288_834_974_657
PAGE = 100


def snowflake(ts_us: int, seq: int) -> int:
    return ((ts_us // 1000 - TWITTER_EPOCH_MS) << 22) | (seq & 0x3FFFFF)


def export(src: Path, dst: Path) -> int:
    pf = pq.ParquetFile(src)
    ids: dict[str, str] = {}
    # ids first (a reshare may point at a post of a later batch)
    seq = 0
    for rb in pf.iter_batches(columns=["post_id", "created_at"], batch_size=200_000):
        ts = rb.column(1).cast("int64").to_pylist()
        for pid, t in zip(rb.column(0).to_pylist(), ts, strict=True):
            ids[pid] = str(snowflake(t, seq))
            seq += 1
    n = 0
    with open(dst, "wb") as out:
        page: list[dict[str, object]] = []
        users: dict[str, dict[str, str]] = {}

        def flush() -> None:
            if page:
                out.write(orjson.dumps({"data": page,
                                        "includes": {"users": list(users.values())}}) + b"\n")
                page.clear()
                users.clear()

        for rb in pf.iter_batches(batch_size=200_000):
            for p in rb.to_pylist():
                aid = str(p["account_id"]).lstrip("u")
                refs = []
                if p.get("reshare_of"):
                    refs.append({"type": "retweeted",
                                 "id": ids.get(p["reshare_of"], p["reshare_of"])})
                if p.get("reply_to"):
                    refs.append({"type": "replied_to",
                                 "id": ids.get(p["reply_to"], p["reply_to"])})
                tw: dict[str, object] = {
                    "id": ids[p["post_id"]], "author_id": aid,
                    "created_at": p["created_at"].strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    "text": p["text"] or "", "lang": p.get("lang") or "und",
                    "entities": {
                        "urls": [{"url": u, "expanded_url": u} for u in p.get("urls") or []],
                        "hashtags": [{"tag": h} for h in p.get("hashtags") or []],
                        "mentions": [{"username": m} for m in p.get("mentions") or []]},
                }
                if refs:
                    tw["referenced_tweets"] = refs
                page.append(tw)
                users.setdefault(aid, {"id": aid, "username": f"user{aid}", "name": f"User {aid}"})
                n += 1
                if len(page) == PAGE:
                    flush()
        flush()
    return n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("posts", type=Path, help="posts.parquet from generate.py")
    ap.add_argument("--out", type=Path, default=None,
                    help="default: posts_v2.jsonl beside the input")
    a = ap.parse_args()
    dst = a.out or a.posts.with_name("posts_v2.jsonl")
    t = time.perf_counter()
    n = export(a.posts, dst)
    print(f"{n:,} tweets -> {dst} ({dst.stat().st_size / 1e6:.0f} MB) in "
          f"{time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
