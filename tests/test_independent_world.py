"""Tests for the independent simulated world (evaluation/independent/generate.py).

Small worlds only (--scale 0.06, two weeks), so the whole file runs in well under a minute.
"""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

ROOT = Path(__file__).resolve().parents[1]
GEN = ROOT / "evaluation" / "independent" / "generate.py"
SMALL = ["--scale", "0.06", "--days", "14"]

POST_COLUMNS = ["platform", "post_id", "account_id", "created_at", "text", "urls", "hashtags", "mentions",
                "media", "reshare_of", "reply_to", "lang"]
ACCOUNT_COLUMNS = ["platform", "account_id", "handle", "display_name", "created_at", "followers", "following",
                   "bio", "lang", "location", "profile_image_hash"]


def _run(out: Path, *args: str) -> Path:
    subprocess.run([sys.executable, str(GEN), "--out", str(out), *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return out


def _files(d: Path):
    return sorted(str(p.relative_to(d)) for p in d.rglob("*") if p.is_file())


def _truth(d: Path):
    with open(d / "truth.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("w1"), *SMALL, "--seed", "7", "--format", "both")


@pytest.fixture(scope="module")
def world_again(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("w2"), *SMALL, "--seed", "7", "--format", "both")


@pytest.fixture(scope="module")
def comeback_world(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("cb"), *SMALL, "--seed", "3", "--comeback", "--comeback-days", "10")


@pytest.fixture(scope="module")
def posts(world):
    return pq.read_table(world / "posts.parquet")


@pytest.fixture(scope="module")
def accounts(world):
    return pq.read_table(world / "accounts.parquet")


# ------------------------------------------------------------------ determinism
def test_same_seed_gives_identical_bytes(world, world_again):
    fa, fb = _files(world), _files(world_again)
    assert fa == fb
    for name in fa:
        assert (world / name).read_bytes() == (world_again / name).read_bytes(), name


def test_other_seed_gives_other_world(world, tmp_path):
    other = _run(tmp_path / "o", *SMALL, "--seed", "8")
    assert (other / "truth.csv").read_bytes() != (world / "truth.csv").read_bytes()


def test_expected_files(world):
    names = set(_files(world))
    for f in ["posts.parquet", "posts.jsonl", "accounts.parquet", "accounts.jsonl", "truth.csv", "groups.json",
              "world.json"]:
        assert f in names
    assert any(n.startswith("seeds/") for n in names)


# ------------------------------------------------------------------ schema
def test_posts_schema_exact(posts):
    s = posts.schema
    assert s.names == POST_COLUMNS
    assert s.field("created_at").type == pa.timestamp("us", tz="UTC")
    for c in ["platform", "post_id", "account_id", "text", "reshare_of", "reply_to", "lang"]:
        assert s.field(c).type == pa.string(), c
    for c in ["urls", "hashtags", "mentions", "media"]:
        assert s.field(c).type == pa.list_(pa.string()), c


def test_accounts_schema_exact(accounts):
    s = accounts.schema
    assert s.names == ACCOUNT_COLUMNS
    assert s.field("created_at").type == pa.timestamp("us", tz="UTC")
    assert s.field("followers").type == pa.int64()
    assert s.field("following").type == pa.int64()
    for c in ["platform", "account_id", "handle", "display_name", "bio", "lang", "location", "profile_image_hash"]:
        assert s.field(c).type == pa.string(), c


def test_jsonl_matches_parquet(world, posts):
    with open(world / "posts.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    assert len(rows) == posts.num_rows
    assert list(rows[0].keys()) == POST_COLUMNS
    assert all(r["created_at"].endswith("Z") and "T" in r["created_at"] for r in rows[:500])
    assert [r["post_id"] for r in rows] == posts.column("post_id").to_pylist()
    with open(world / "accounts.jsonl", encoding="utf-8") as fh:
        arows = [json.loads(line) for line in fh]
    assert list(arows[0].keys()) == ACCOUNT_COLUMNS


def test_rows_sorted_and_ids_unique(posts):
    d = posts.to_pydict()
    keys = list(zip(d["created_at"], d["platform"], d["post_id"], strict=False))
    assert keys == sorted(keys)
    assert len(set(zip(d["platform"], d["post_id"], strict=False))) == posts.num_rows
    assert set(d["platform"]) <= {"twitter", "facebook", "tiktok", "youtube", "reddit"}
    assert all(not any(h.startswith("#") for h in tags) for tags in d["hashtags"])


def test_reshare_and_reply_targets_exist_on_same_platform(posts):
    d = posts.to_pydict()
    ids = set(zip(d["platform"], d["post_id"], strict=False))
    when = {(p, i): t for p, i, t in zip(d["platform"], d["post_id"], d["created_at"], strict=False)}
    n_ref = 0
    for p, rs, rp, t in zip(d["platform"], d["reshare_of"], d["reply_to"], d["created_at"], strict=False):
        assert rs is None or rp is None
        for ref in (rs, rp):
            if ref is not None:
                n_ref += 1
                assert (p, ref) in ids
                assert when[(p, ref)] < t
    assert n_ref > 100


def test_posts_by_known_accounts(posts, accounts):
    acc = set(zip(accounts.column("platform").to_pylist(), accounts.column("account_id").to_pylist(), strict=False))
    d = posts.to_pydict()
    assert set(zip(d["platform"], d["account_id"], strict=False)) <= acc


# ------------------------------------------------------------------ truth, groups, seeds
def test_truth_covers_every_account_exactly_once(world, accounts):
    truth = _truth(world)
    keys = [(r["platform"], r["account_id"]) for r in truth]
    acc = list(zip(accounts.column("platform").to_pylist(), accounts.column("account_id").to_pylist(), strict=False))
    assert len(keys) == len(set(keys))
    assert sorted(keys) == sorted(acc)


def test_group_names_and_kinds(world):
    truth = _truth(world)
    groups = json.loads((world / "groups.json").read_text(encoding="utf-8"))
    names = {r["group"] for r in truth}
    assert names == set(groups)
    for g, info in groups.items():
        assert info["kind"] in ("operation", "spam", "authentic")
        if info["kind"] == "operation":
            assert g.startswith("op_")
        elif info["kind"] == "spam":
            assert g == "spam"
        else:
            assert not g.startswith("op_") and g != "spam"
        assert info["accounts"] == sum(1 for r in truth if r["group"] == g)
        assert info["description"]
    for g in ["op_spamouflage", "op_stealth", "op_ring", "spam", "organic", "breaking_news", "fandom",
              "activists", "news_aggregators"]:
        assert g in groups


def test_seed_files_are_members(world):
    truth = {(r["platform"], r["account_id"]): r["group"] for r in _truth(world)}
    groups = json.loads((world / "groups.json").read_text(encoding="utf-8"))
    files = sorted((world / "seeds").glob("*_four.csv"))
    assert files
    seen_ops = set()
    for f in files:
        with open(f, newline="", encoding="utf-8") as fh:
            rd = csv.reader(fh)
            assert next(rd) == ["platform", "account_id"]
            rows = [tuple(r) for r in rd]
        assert len(rows) == 4 and len(set(rows)) == 4
        op, plat = f.name[:-len("_four.csv")].rsplit("_", 1)
        assert groups[op]["kind"] == "operation"
        assert groups[op]["platforms"][plat] >= 8
        for p, a in rows:
            assert p == plat
            assert truth[(p, a)] == op
        seen_ops.add(op)
    assert "op_spamouflage" in seen_ops
    # every operation-platform pair with >= 8 accounts has a seeds file
    for g, info in groups.items():
        if info["kind"] == "operation":
            for p, n in info["platforms"].items():
                if n >= 8:
                    assert (world / "seeds" / f"{g}_{p}_four.csv").exists()


def test_world_json(world, posts, accounts):
    w = json.loads((world / "world.json").read_text(encoding="utf-8"))
    assert w["seed"] == 7 and w["scale"] == 0.06 and w["days"] == 14
    assert w["counts"]["posts"] == posts.num_rows
    assert w["counts"]["accounts"] == accounts.num_rows
    assert w["generator_version"]


# ------------------------------------------------------------------ comeback
def test_comeback_files_and_timing(comeback_world):
    d = comeback_world
    assert (d / "removed.csv").exists() and (d / "takedown.json").exists()
    td = json.loads((d / "takedown.json").read_text(encoding="utf-8"))
    import datetime as dt
    t_down = dt.datetime.fromisoformat(td["takedown_at"].replace("Z", "+00:00"))
    truth = {(r["platform"], r["account_id"]): r["group"] for r in _truth(d)}
    with open(d / "removed.csv", newline="", encoding="utf-8") as fh:
        rd = csv.reader(fh)
        assert next(rd) == ["platform", "account_id"]
        removed = {tuple(r) for r in rd}
    assert removed
    assert all(truth[k] == "op_spamouflage" for k in removed)
    acc = pq.read_table(d / "accounts.parquet").to_pydict()
    cb = [(p, a, c) for p, a, c in zip(acc["platform"], acc["account_id"], acc["created_at"], strict=False)
          if truth[(p, a)] == "op_spamouflage_comeback"]
    assert cb
    assert all(c > t_down for _, _, c in cb)
    posts = pq.read_table(d / "posts.parquet").to_pydict()
    n_cb_posts = 0
    for p, a, t in zip(posts["platform"], posts["account_id"], posts["created_at"], strict=False):
        if (p, a) in removed:
            assert t < t_down
        if truth[(p, a)] == "op_spamouflage_comeback":
            n_cb_posts += 1
            assert t > t_down
    assert n_cb_posts > 0
    assert max(posts["created_at"]) > t_down  # organic life continues
    w = json.loads((d / "world.json").read_text(encoding="utf-8"))
    assert w["comeback"] is True and w["comeback_days"] == 10
