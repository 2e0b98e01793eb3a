"""Writing the canonical files."""
from __future__ import annotations

import csv
import json
import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .timeutil import iso

POST_SCHEMA = pa.schema([
    ("platform", pa.string()), ("post_id", pa.string()), ("account_id", pa.string()),
    ("created_at", pa.timestamp("us", tz="UTC")), ("text", pa.string()),
    ("urls", pa.list_(pa.string())), ("hashtags", pa.list_(pa.string())),
    ("mentions", pa.list_(pa.string())), ("media", pa.list_(pa.string())),
    ("reshare_of", pa.string()), ("reply_to", pa.string()), ("lang", pa.string())])
ACCOUNT_SCHEMA = pa.schema([
    ("platform", pa.string()), ("account_id", pa.string()), ("handle", pa.string()),
    ("display_name", pa.string()), ("created_at", pa.timestamp("us", tz="UTC")),
    ("followers", pa.int64()), ("following", pa.int64()), ("bio", pa.string()), ("lang", pa.string()),
    ("location", pa.string()), ("profile_image_hash", pa.string())])


def post_order(w):
    n = len(w.p_t)
    keys = sorted(range(n), key=lambda i: (w.p_t[i], w.p_plat[i], w.p_id[i]))
    return keys


def post_columns(w, order):
    acc = w.accounts
    ids = w.p_id
    cols = {
        "platform": [w.p_plat[i] for i in order],
        "post_id": [ids[i] for i in order],
        "account_id": [acc[w.p_acct[i]].account_id for i in order],
        "created_at": [w.p_t[i] for i in order],
        "text": [w.p_text[i] for i in order],
        "urls": [w.p_urls[i] for i in order],
        "hashtags": [w.p_tags[i] for i in order],
        "mentions": [w.p_mentions[i] for i in order],
        "media": [w.p_media[i] for i in order],
        "reshare_of": [ids[w.p_reshare[i]] if w.p_reshare[i] >= 0 else None for i in order],
        "reply_to": [ids[w.p_reply[i]] if w.p_reply[i] >= 0 else None for i in order],
        "lang": [w.p_lang[i] for i in order],
    }
    return cols


def account_order(w):
    return sorted(range(len(w.accounts)), key=lambda i: (w.accounts[i].platform, w.accounts[i].account_id))


def account_columns(w, order):
    A = [w.accounts[i] for i in order]
    return {
        "platform": [a.platform for a in A], "account_id": [a.account_id for a in A],
        "handle": [a.handle for a in A], "display_name": [a.display_name for a in A],
        "created_at": [a.created_at for a in A], "followers": [a.followers for a in A],
        "following": [a.following for a in A], "bio": [a.bio for a in A], "lang": [a.lang for a in A],
        "location": [a.location for a in A], "profile_image_hash": [a.profile_image_hash for a in A],
    }


def _table(cols, schema):
    arrays = []
    for f in schema:
        v = cols[f.name]
        if pa.types.is_timestamp(f.type):
            arr = pa.array(np.asarray(v, dtype=np.int64) * 1_000_000, type=pa.int64()).cast(f.type)
        else:
            arr = pa.array(v, type=f.type)
        arrays.append(arr)
    return pa.Table.from_arrays(arrays, schema=schema)


def write_parquet(path, cols, schema):
    t = _table(cols, schema)
    pq.write_table(t, path, compression="zstd", row_group_size=1 << 17, write_statistics=True,
                   use_dictionary=True)


def write_jsonl(path, cols, schema):
    names = [f.name for f in schema]
    n = len(cols[names[0]])
    ts = {f.name for f in schema if pa.types.is_timestamp(f.type)}
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for i in range(n):
            rec = {}
            for k in names:
                v = cols[k][i]
                if k in ts:
                    v = iso(v)
                rec[k] = v
            fh.write(json.dumps(rec, ensure_ascii=False, separators=(",", ":")))
            fh.write("\n")


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(header)
        for row in rows:
            wr.writerow(row)


def write_json(path, obj):
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        json.dump(obj, fh, ensure_ascii=False, indent=2, sort_keys=False)
        fh.write("\n")


def ensure_dir(p):
    os.makedirs(p, exist_ok=True)
