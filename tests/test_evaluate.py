"""Metrics against a ground truth, on hand-made results with known answers."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cibwatch import InputError
from cibwatch.evaluate import evaluate, group_type, wilson
from cibwatch.model import POSTS_SCHEMA
from cibwatch.simulate import simulate_scenario

from .conftest import ROOT


def _write(path: Path, header: str, rows: list[str]) -> None:
    path.write_text("\n".join([header, *rows]) + "\n")


def test_metrics(tmp_path: Path) -> None:
    truth = tmp_path / "truth.csv"
    _write(truth, "platform,account_id,group",
           [f"x,o{i},op_red" for i in range(10)] + [f"x,f{i},fandom" for i in range(20)]
           + [f"x,u{i},organic" for i in range(100)])
    res = tmp_path / "res"
    res.mkdir()
    members = ([f"x,o{i},N0001" for i in range(8)] + ["x,u0,N0001", "x,u1,N0001"]
               + [f"x,f{i},N0002" for i in range(5)] + ["x,o8,N0003", "x,u2,N0003", "x,u3,N0003"])
    _write(res / "accounts.csv", "platform,account_id,network_id", members)
    _write(res / "networks.csv", "network_id,assessment",
           ["N0001,inauthentic", "N0002,coordinated", "N0003,coordinated"])
    rep = evaluate(truth, res)
    op = rep["groups"]["op_red"]
    assert op["recall"] == 0.9                      # 9 of 10 in some network
    assert op["attributed_networks"] == ["N0001"]   # N0003's majority is organic
    assert op["precision_attributed"] == 0.8        # 8 of N0001's 10
    assert op["recall_attributed"] == 0.8
    assert op["completeness"] == 0.8 and op["networks_touched"] == 2
    assert rep["groups"]["organic"]["rate_in_networks"] == 0.04
    assert rep["groups"]["fandom"]["rate_in_networks"] == 0.25
    s = rep["summary"]
    assert s["purity_min"] == round(2 / 3, 4)
    assert s["purity_weighted"] == round((8 + 5 + 2) / 18, 4)
    assert s["inauthentic_precision"] == 0.8 and s["inauthentic_recall"] == 0.8
    assert rep["groups"]["organic"]["rate_inauthentic"] == 0.02


def test_missing_files(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        evaluate(tmp_path / "nope.csv", tmp_path)


def test_wilson_interval_known_values() -> None:
    assert wilson(0, 0) is None
    assert wilson(0, 10) == [0.0, 0.2775]       # z^2 / (n + z^2)
    assert wilson(5, 10) == [0.2366, 0.7634]
    assert wilson(10, 10) == [0.7225, 1.0]
    assert wilson(81, 263) == [0.2553, 0.3662]
    lo, hi = wilson(1, 1000) or [0.0, 0.0]
    assert 0.0 < lo < 0.001 < hi < 0.006


def test_group_types() -> None:
    assert group_type("op_red") == "operation"
    assert group_type("fandom_2") == "fandom"
    assert group_type("breaking_news") == "breaking_news"
    assert group_type("news_bots") == "news_bots"


def _posts(path: Path, counts: dict[tuple[str, str], tuple[int, int]]) -> Path:
    """A posts file: per account, (posts before 2026-03-02, posts after)."""
    rows: dict[str, list[Any]] = {c: [] for c in POSTS_SCHEMA.names}
    i = 0
    for (platform, aid), (before, after) in counts.items():
        for k in range(before + after):
            when = dt.datetime(2026, 2, 1) if k < before else dt.datetime(2026, 3, 5)
            i += 1
            for c, v in (("platform", platform), ("post_id", str(i)), ("account_id", aid),
                         ("created_at", when), ("text", "x"), ("urls", []), ("hashtags", []),
                         ("mentions", []), ("media", []), ("reshare_of", None),
                         ("reply_to", None), ("lang", "en")):
                rows[c].append(v)
    pq.write_table(pa.table(rows, schema=POSTS_SCHEMA), path)
    return path


def test_eligibility_inauthentic_precision_and_expansion(tmp_path: Path) -> None:
    truth = tmp_path / "truth.csv"
    red = [f"x,o{i},op_red" for i in range(8)] + ["y,o8,op_red", "y,o9,op_red"]
    _write(truth, "platform,account_id,group",
           red + [f"x,t{i},op_tiny" for i in range(5)] + [f"x,q{i},op_quiet" for i in range(12)]
           + [f"x,s{i},spam" for i in range(4)] + [f"x,u{i},organic" for i in range(100)]
           + [f"x,f{i},fandom_1" for i in range(20)] + [f"x,g{i},fandom_2" for i in range(10)])
    counts = {("x", f"o{i}"): (0, 3 + i % 3) for i in range(8)}
    counts.update({("y", "o8"): (0, 4), ("y", "o9"): (0, 1)})
    counts.update({("x", f"t{i}"): (0, 50) for i in range(5)})
    # op_quiet: a past life of 20 posts, then 2 each (1 of them silent in the period)
    counts.update({("x", f"q{i}"): (20, 2 if i else 0) for i in range(12)})
    posts = _posts(tmp_path / "posts.parquet", counts)
    res = tmp_path / "res"
    res.mkdir()
    _write(res / "accounts.csv", "platform,account_id,network_id",
           [f"x,o{i},N0001" for i in range(8)] + ["y,o8,N0001", "x,u0,N0001"]
           + [f"x,q{i},N0002" for i in range(6)] + [f"x,s{i},N0003" for i in range(4)]
           + [f"x,f{i},N0004" for i in range(5)] + ["x,u1,N0003"])
    _write(res / "networks.csv", "network_id,assessment,kind",
           ["N0001,inauthentic,influence_operation", "N0002,coordinated,coordination",
            "N0003,inauthentic,spam", "N0004,coordinated,coordination"])
    rep = evaluate(truth, res, posts=posts, since="2026-03-02T00:00:00Z")
    g, s = rep["groups"], rep["summary"]
    assert g["op_red"]["median_posts"] == 4.0 and g["op_red"]["eligible"]
    assert g["op_tiny"]["eligible"] is False                 # 5 accounts
    assert g["op_quiet"]["median_posts"] == 2.0                # the past life is not counted
    assert g["op_quiet"]["eligible"] is False
    assert evaluate(truth, res, posts=posts)["groups"]["op_quiet"]["eligible"]  # all posts
    assert s["eligible_operations"] == ["op_red"]
    assert s["eligible_recall"] == 0.9 and s["eligible_recall_ci"] == wilson(9, 10)
    assert "at least 10 accounts" in s["eligibility_rule"]
    assert g["op_red"]["inauthentic_recall"] == 0.9 and g["op_quiet"]["inauthentic_recall"] == 0
    # inauthentic: N0001 (9 red + u0) and N0003 (4 spam + u1): 13 of 15
    assert s["inauthentic_accounts"] == 15 and s["inauthentic_correct"] == 13
    assert s["inauthentic_precision"] == round(13 / 15, 4)
    assert s["inauthentic_precision_ci"] == wilson(13, 15)
    assert s["authentic_rate_inauthentic"] == round(2 / 130, 4)
    assert g["organic"]["rate_inauthentic"] == 0.02
    assert g["organic"]["rate_inauthentic_ci"] == wilson(2, 100)
    assert g["fandom_1"]["rate_in_networks"] == 0.25 and g["fandom_1"]["type"] == "fandom"
    assert g["fandom_1"]["rate_in_networks_ci"] == wilson(5, 20)
    assert g["fandom_2"]["rate_in_networks"] == 0.0
    with pytest.raises(InputError, match="cannot read the time"):
        evaluate(truth, res, posts=posts, since="March")

    # an expansion from four of op_red's accounts on x
    seeds = tmp_path / "seeds.csv"
    _write(seeds, "platform,account_id", [f"x,o{i}" for i in range(4)])
    exp = tmp_path / "exp"
    exp.mkdir()
    _write(exp / "accounts.csv", "platform,account_id,network_id",
           [f"x,o{i},E0001" for i in range(6)] + ["y,o8,E0001", "x,u0,E0001"])
    e = evaluate(truth, exp, seeds=seeds)["expansion"]
    assert (e["operation"], e["platform"]) == ("op_red", "x")
    assert e["accounts_on_platform"] == 8 and e["found"] == 8
    assert e["recall_on_platform"] == 0.75 and e["recall_on_platform_ci"] == wilson(6, 8)
    assert e["recall_beyond_seeds"] == 0.5
    assert e["recall"] == 0.7 and e["precision"] == 0.875
    assert e["others_found"] == {"organic": 1}


@pytest.mark.slow
def test_scenario_harness_end_to_end(tmp_path: Path) -> None:
    """evaluation/scenarios.py on one tiny scenario (its world prepared beforehand, so
    reused; ``--world-dir`` worlds take the same path and are pooled apart)."""
    from .test_simulate import SMALL, small_scenario

    world = tmp_path / f"s{SMALL}" / "world"
    simulate_scenario(world, SMALL, params=small_scenario(SMALL))
    p = subprocess.run([sys.executable, str(ROOT / "evaluation" / "scenarios.py"),
                        "--scenarios", str(SMALL), "--out", str(tmp_path)],
                       capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 0, p.stderr[-3000:]
    res = json.loads((tmp_path / "scenarios.json").read_text())
    assert [r["name"] for r in res["rows"]] == [f"s{SMALL}"] and "pooled_worlds" not in res
    assert not any("error" in r for r in res["rows"])
    row = res["rows"][0]
    n_seeds = len(list((world / "seeds").glob("*.csv")))
    assert n_seeds and len(row["expansions"]) == n_seeds
    assert "simulate_s" not in row  # the prepared world was reused
    pooled = res["pooled"]
    assert pooled["scenarios"] == 1 and pooled["operations"] == len(
        json.loads((world / "scenario.json").read_text())["parameters"]["operations"])
    assert len(pooled["expansion_rows"]) == n_seeds
    statuses = {t["status"] for t in pooled["targets"]}
    assert statuses <= {"**met**", "**not met**", "n/a",
                        "**not met** (nothing assessed inauthentic)"}
    md = (tmp_path / "scenarios.md").read_text()
    assert "## Targets (issue 10), pooled" in md and "## Per operation" in md
    assert not (tmp_path / f"s{SMALL}" / "detect" / "store.duckdb").exists()
