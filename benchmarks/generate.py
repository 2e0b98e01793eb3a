"""Synthetic posts for the speed benchmarks: the same input for cibwatch and for the peers.

Not the evaluation worlds (``cibwatch simulate`` makes those, with ground truth): this is a
load generator with the shapes that make coordination detection expensive, so that timings
mean something:

* heavy-tailed account activity (log-normal) and item popularity (Zipf): a few keys are shared
  by thousands of accounts (the viral URL, the retweeted celebrity), which is what makes a
  naive window join quadratic;
* 45 % reshares of earlier posts, 8 % replies, the rest original texts drawn from a Zipf
  vocabulary of pseudo-words (8-30 words), 25 % with a URL (with tracking parameters
  sometimes), 30 % with 1-3 hashtags;
* planted groups (1 % of accounts, 20-40 accounts each) that post edited copies of the same
  text, reshare the same posts and share the same URLs within seconds to minutes.

Writes canonical Parquet (``posts.parquet``) and, for the QUT toolkit, its CSV layout
(``qut.csv``: message_id, user_id, username, repost_id, reply_id, message, timestamp, urls).

    python benchmarks/generate.py --posts 1000000 --out benchmarks/data/1m
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

#: Default span of the posts: 30 days (33 k posts a day at 1 M posts: a topic collection).
#: ``--days 3`` gives the density of a trending-topic collection (about 4 posts a second at
#: 1 M), where every tool that compares posts within the window pays more.
DAYS = 30
START = 1_600_000_000


def _vocab(rng: np.random.Generator, n: int) -> np.ndarray:
    letters = np.array(list("etaoinshrdlcumwfgypbvkjxqz"))
    p = 1 / np.arange(1, 27) ** 0.9
    p /= p.sum()
    lens = rng.integers(2, 10, n)
    chars = rng.choice(letters, size=int(lens.sum()), p=p)
    out, i = [], 0
    for ln in lens:
        out.append("".join(chars[i : i + ln]))
        i += ln
    return np.array(out, dtype=object)


def _zipf_index(rng: np.random.Generator, n: int, size: int, a: float = 1.1) -> np.ndarray:
    """Indices in [0, n) with Zipf-like popularity (rank r has weight 1 / r^a)."""
    w = 1.0 / np.arange(1, n + 1) ** a
    w /= w.sum()
    return rng.choice(n, size=size, p=w)


def generate(n_posts: int, seed: int = 0, days: float = DAYS) -> tuple[pa.Table, dict[str, int]]:
    rng = np.random.default_rng(seed)
    span_s = int(days * 86400)
    n_acc = max(100, n_posts // 10)
    vocab = _vocab(rng, 50_000)
    tags = np.array([f"tag{i}" for i in range(10_000)], dtype=object)
    domains = np.array([f"site{i}.example.com" for i in range(5_000)], dtype=object)

    # accounts and their activity
    act = rng.lognormal(0, 1.3, n_acc)
    act /= act.sum()
    n_groups = max(1, n_acc // 100 // 30)
    group_of = np.full(n_acc, -1)
    planted = rng.choice(n_acc, size=n_groups * 30, replace=False)
    group_of[planted] = np.repeat(np.arange(n_groups), 30)

    n_planted_posts = int(n_posts * 0.03)
    n_org = n_posts - n_planted_posts
    acc = rng.choice(n_acc, size=n_org, p=act)
    ts = np.sort(rng.integers(0, span_s, n_org)) + START
    kind = rng.random(n_org)
    is_rs = kind < 0.45
    is_rp = (kind >= 0.45) & (kind < 0.53)
    # reshare/reply targets: earlier posts, popular ones more often (Zipf over post index)
    tgt = _zipf_index(rng, max(1, n_org // 20), n_org, 1.05) * 20
    tgt = np.minimum(tgt, np.arange(n_org))
    n_words = rng.integers(8, 31, n_org)
    words = vocab[_zipf_index(rng, len(vocab), int(n_words.sum()), 1.0)]
    has_url = rng.random(n_org) < 0.25
    url_pick = _zipf_index(rng, 200_000, n_org, 1.0)
    has_tags = rng.random(n_org) < 0.30
    n_tags = rng.integers(1, 4, n_org)
    tag_pick = _zipf_index(rng, len(tags), int(n_tags.sum()), 1.0)

    texts, urls, hts, reshare, reply = [], [], [], [], []
    wi = ti = 0
    for i in range(n_org):
        k = n_words[i]
        t = " ".join(words[wi : wi + k])
        wi += k
        u = []
        if has_url[i]:
            up = url_pick[i]
            u = [f"https://{domains[up % len(domains)]}/a/{up}"
                 + ("?utm_source=tw" if up % 3 == 0 else "")]
        h = []
        if has_tags[i]:
            h = list(tags[tag_pick[ti : ti + n_tags[i]]])
            ti += n_tags[i]
        if is_rs[i]:
            reshare.append(f"p{tgt[i]}")
            reply.append(None)
            texts.append("")
            u, h = [], []
        else:
            reshare.append(None)
            reply.append(f"p{tgt[i]}" if is_rp[i] else None)
            texts.append(t + ("" if not h else " " + " ".join("#" + x for x in h)))
        urls.append(u)
        hts.append(h)

    # planted groups: bursts of edited copies, co-reshares and co-URLs
    p_acc, p_ts, p_text, p_urls, p_rs = [], [], [], [], []
    members = [np.nonzero(group_of == g)[0] for g in range(n_groups)]
    per_group = max(1, n_planted_posts // n_groups)
    for g in range(n_groups):
        made = 0
        while made < per_group:
            t0 = START + int(rng.integers(0, span_s))
            who = rng.choice(members[g], size=int(rng.integers(8, 20)), replace=False)
            base = list(vocab[_zipf_index(rng, len(vocab), 20, 1.0)])
            mode = rng.integers(0, 3)
            target = f"p{int(rng.integers(0, n_org))}"
            url = f"https://op{g}.example.org/story/{int(rng.integers(0, 10**6))}"
            for a in who:
                p_acc.append(int(a))
                p_ts.append(t0 + int(rng.integers(0, 45)))
                if mode == 0:  # copypasta with an edit
                    w = list(base)
                    w[int(rng.integers(0, len(w)))] = str(vocab[int(rng.integers(0, 5000))])
                    p_text.append(" ".join(w))
                    p_urls.append([])
                    p_rs.append(None)
                elif mode == 1:  # co-reshare
                    p_text.append("")
                    p_urls.append([])
                    p_rs.append(target)
                else:  # co-URL with a comment
                    p_text.append(" ".join(base[:8]))
                    p_urls.append([url])
                    p_rs.append(None)
                made += 1
    n_p = len(p_acc)
    all_acc = np.concatenate([acc, np.array(p_acc, np.int64)])
    all_ts = np.concatenate([ts, np.array(p_ts, np.int64)])
    table = pa.table(
        {
            "platform": pa.array(["twitter"] * (n_org + n_p)),
            "post_id": pa.array([f"p{i}" for i in range(n_org + n_p)]),
            "account_id": pa.array([f"u{a}" for a in all_acc]),
            "created_at": pa.array(all_ts * 1_000_000, pa.timestamp("us")),
            "text": pa.array(texts + p_text),
            "urls": pa.array(urls + p_urls, pa.list_(pa.string())),
            "hashtags": pa.array(hts + [[] for _ in range(n_p)], pa.list_(pa.string())),
            "mentions": pa.array([[] for _ in range(n_org + n_p)], pa.list_(pa.string())),
            "reshare_of": pa.array(reshare + p_rs),
            "reply_to": pa.array(reply + [None] * n_p),
            "lang": pa.array(["en"] * (n_org + n_p)),
        }
    )
    return table, {"accounts": n_acc, "planted_groups": n_groups, "planted_posts": n_p}


def write_qut_csv(table: pa.Table, path: Path) -> None:
    """The same posts in the QUT toolkit's CSV layout."""
    cols = {c: table.column(c).to_pylist() for c in
            ("post_id", "account_id", "reshare_of", "reply_to", "text", "urls")}
    ts = (table.column("created_at").cast(pa.int64()).to_numpy() // 1_000_000).tolist()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["message_id", "user_id", "username", "repost_id", "reply_id", "message",
                    "timestamp", "urls"])
        for i in range(table.num_rows):
            w.writerow([cols["post_id"][i], cols["account_id"][i], cols["account_id"][i],
                        cols["reshare_of"][i] or "", cols["reply_to"][i] or "",
                        cols["text"][i], ts[i], " ".join(cols["urls"][i])])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--days", type=float, default=DAYS, help="time span of the posts (days)")
    ap.add_argument("--qut", action="store_true", help="also write qut.csv")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    t = time.time()
    table, info = generate(args.posts, args.seed, args.days)
    pq.write_table(table, args.out / "posts.parquet", compression="zstd")
    if args.qut:
        write_qut_csv(table, args.out / "qut.csv")
    print(f"{table.num_rows} posts, {info} in {time.time() - t:.1f} s -> {args.out}")


if __name__ == "__main__":
    main()
