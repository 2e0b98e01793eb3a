"""Simulated worlds: reproducible, with the tactics they claim."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from cibwatch import ConfigError
from cibwatch.evaluate import group_type
from cibwatch.simulate import (
    FAMILY,
    RANGES,
    draw_scenario,
    load_config,
    simulate,
    simulate_scenario,
)
from cibwatch.simulate.phrases import LANGUAGES
from cibwatch.simulate.scenario import OP_STYLES, PLATFORMS, REGIONS

SCALE = 0.05


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    simulate(out, seed=3, scale=SCALE)
    return out


def test_same_seed_same_bytes(world: Path, tmp_path: Path) -> None:
    simulate(tmp_path / "again", seed=3, scale=SCALE)
    for f in ("posts.parquet", "accounts.parquet", "truth.csv", "world.json"):
        assert (world / f).read_bytes() == (tmp_path / "again" / f).read_bytes(), f
    simulate(tmp_path / "other", seed=4, scale=SCALE)
    assert (world / "truth.csv").read_bytes() != (tmp_path / "other" / "truth.csv").read_bytes()


def _truth(world: Path) -> dict[tuple[str, str], str]:
    lines = (world / "truth.csv").read_text().splitlines()[1:]
    return {(p, a): g for p, a, g in (line.split(",") for line in lines)}


def test_groups_and_platforms(world: Path) -> None:
    truth = _truth(world)
    groups = set(truth.values())
    assert groups >= {"organic", "breaking_news", "fandom", "activists", "news_aggregators",
                      "spam", "op_spamouflage", "op_stealth"}
    op_platforms = {p for (p, _), g in truth.items() if g == "op_spamouflage"}
    assert op_platforms >= {"twitter", "facebook", "youtube", "medium"}
    posts = pq.read_table(world / "posts.parquet").to_pylist()
    authors = {(p["platform"], p["account_id"]) for p in posts}
    assert authors <= set(truth)
    assert len({p["post_id"] for p in posts}) == len(posts)


def test_operation_works_beijing_office_hours(world: Path) -> None:
    truth = _truth(world)
    start = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    n = 0
    for p in pq.read_table(world / "posts.parquet").to_pylist():
        if truth[(p["platform"], p["account_id"])] != "op_spamouflage":
            continue
        t = p["created_at"].replace(tzinfo=dt.UTC)
        if t < start:
            continue  # a repurposed account's past life
        if p["reply_to"] is not None:
            continue  # reply floods follow the critic's post
        local = t + dt.timedelta(hours=8)
        h = local.hour + local.minute / 60
        assert local.weekday() < 5, p
        assert 9 <= h < 12.5 or 13.5 <= h < 18.5, p  # a burst may end a few minutes late
        n += 1
    assert n > 50


def test_config_is_checked(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[organic]\nacounts = 5\n")
    with pytest.raises(ConfigError, match="unknown setting organic.acounts"):
        load_config(bad)
    good = tmp_path / "good.toml"
    good.write_text('[[operations]]\nname = "tiny"\ntactics = ["copypasta"]\n'
                    'accounts = { twitter = 40 }\n')
    cfg = load_config(good)
    assert [o["name"] for o in cfg["operations"]] == ["tiny"]
    res = simulate(tmp_path / "w", seed=1, scale=SCALE, config=good)
    assert res.counts["groups"]["op_tiny"] == 2
    with pytest.raises(ConfigError):
        simulate(tmp_path / "x", scale=0)


# -- the scenario family ------------------------------------------------------------------------
def small_scenario(seed: int) -> dict[str, Any]:
    """Scenario ``seed``'s drawn structure, shrunk to a world of a few thousand posts (tests
    build this, not the full world)."""
    p = copy.deepcopy(draw_scenario(seed))
    p["days"] = 14
    p["organic"]["accounts"] = 300
    for i, op in enumerate(p["operations"]):
        plats = sorted(op["accounts"])
        # one seeds file (the first operation's first platform): the harness test stays short
        op["accounts"] = {pl: ((10 if i == 0 else 7) if j == 0 else 3)
                          for j, pl in enumerate(plats)}
        op["posts_per_member_median"] = min(op["posts_per_member_median"], 8.0)
        if i == 0:
            op["organic_resharers"], op["hijacked"] = 5, 1 if op["style"] != "ring" else 0
    for key, most in (("fandoms", 25), ("activists", 15), ("niche", 8)):
        for c in p[key]:
            c["accounts"] = min(c["accounts"], most)
    if p["spam"]:
        p["spam"]["accounts"] = min(p["spam"]["accounts"], 10)
    if p["news_bots"]:
        p["news_bots"]["headlines_per_day"] = 5
    b = p["breaking_news"]
    b["events"], b["sharers_min"], b["sharers_max"] = 2, 10, 30
    return p


#: A seed whose structure has every style of group worth checking (asserted below).
SMALL = 23


@pytest.fixture(scope="module")
def scenario_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scenario")
    simulate_scenario(out, SMALL, params=small_scenario(SMALL))
    return out


def test_scenario_same_seed_same_bytes(scenario_world: Path, tmp_path: Path) -> None:
    assert draw_scenario(7) == draw_scenario(7) != draw_scenario(8)
    simulate_scenario(tmp_path / "again", SMALL, params=small_scenario(SMALL))
    names = ["posts.parquet", "accounts.parquet", "truth.csv", "scenario.json",
             *(f"seeds/{f.name}" for f in (scenario_world / "seeds").glob("*.csv"))]
    assert len(names) > 4
    for f in names:
        assert (scenario_world / f).read_bytes() == (tmp_path / "again" / f).read_bytes(), f
    other = small_scenario(SMALL)
    other["seed"] = SMALL + 1  # the world's own random stream follows the seed
    simulate_scenario(tmp_path / "other", SMALL, params=other)
    assert (tmp_path / "other" / "posts.parquet").read_bytes() != \
        (scenario_world / "posts.parquet").read_bytes()


def test_scenario_ranges_over_many_seeds() -> None:
    """The drawn structure stays in RANGES and spans them (structure only: no world built)."""
    styles, clocks, languages, spread, crew, sizes, medians = (set(), set(), set(), [], [], [],
                                                              [])
    no_spam = 0
    for seed in range(400):
        p = draw_scenario(seed)
        assert p["family"] == FAMILY and p["seed"] == seed
        assert RANGES["days"][0] <= p["days"] <= RANGES["days"][1]
        assert RANGES["posts_target"][0] <= p["posts_target"] <= RANGES["posts_target"][1]
        assert RANGES["operations"][0] <= len(p["operations"]) <= RANGES["operations"][1]
        lo, hi = RANGES["organic_accounts"]
        assert lo <= p["organic"]["accounts"] <= hi
        for lang in LANGUAGES:  # every family language is spoken in every world
            assert sum(w for r, w in p["regions"].items() if REGIONS[r][1] == lang) >= 0.025
        assert abs(sum(p["regions"].values()) - 1) < 1e-3
        no_spam += p["spam"] is None
        names = [op["name"] for op in p["operations"]]
        assert len(set(names)) == len(names)
        for op in p["operations"]:
            n = sum(op["accounts"].values())
            assert RANGES["operation_accounts"][0] <= n <= RANGES["operation_accounts"][1]
            assert set(op["accounts"]) <= set(PLATFORMS) and min(op["accounts"].values()) >= 1
            m = op["posts_per_member_median"]
            assert RANGES["posts_per_member_median"][0] <= m <= RANGES["posts_per_member_median"][1]
            assert RANGES["crew_share"][0] <= op["crew_share"] <= RANGES["crew_share"][1]
            key = "paraphrase_spread_s" if op["style"] == "paraphrase" else "spread_s"
            assert RANGES[key][0] <= op["spread_s"] <= RANGES[key][1]
            assert abs(sum(op["mix"].values()) - 1) < 1e-3
            assert set(op["languages"]) <= set(LANGUAGES)
            if op["clock"]["kind"] == "leaky":
                lo, hi = RANGES["off_shift_share"]
                assert lo <= op["clock"]["off_shift_share"] <= hi
            styles.add(op["style"])
            clocks.add(op["clock"]["kind"])
            languages.update(op["languages"])
            spread.append(op["spread_s"])
            crew.append(op["crew_share"])
            sizes.append(n)
            medians.append(m)
        for f in p["fandoms"]:
            assert f["accounts"] <= RANGES["fandom_accounts"][1]
    # the ranges are spanned, not just respected
    assert styles == set(OP_STYLES) and clocks == {"shift", "leaky", "none"}
    assert languages == set(LANGUAGES)
    assert min(spread) < 60 and max(spread) > 2 * 86400
    assert min(crew) < 0.03 and max(crew) > 0.4
    assert min(sizes) < 15 and max(sizes) > 700
    assert min(medians) < 3 and max(medians) > 80
    assert 0 < no_spam < 400


def _scenario_truth(world: Path) -> dict[tuple[str, str], str]:
    with open(world / "truth.csv", newline="", encoding="utf-8") as fh:
        return {(r["platform"], r["account_id"]): r["group"] for r in csv.DictReader(fh)}


def test_scenario_world_truth_and_seeds(scenario_world: Path) -> None:
    truth = _scenario_truth(scenario_world)
    accounts = pq.read_table(scenario_world / "accounts.parquet")
    keys = set(zip(accounts.column("platform").to_pylist(),
                   accounts.column("account_id").to_pylist(), strict=True))
    assert keys == set(truth)  # truth covers every account, and only them
    posts = pq.read_table(scenario_world / "posts.parquet")
    authors = set(zip(posts.column("platform").to_pylist(),
                      posts.column("account_id").to_pylist(), strict=True))
    assert authors <= set(truth)
    assert len(set(posts.column("post_id").to_pylist())) == posts.num_rows
    info = json.loads((scenario_world / "scenario.json").read_text())
    p = info["parameters"]
    groups = set(truth.values())
    assert {f"op_{op['name']}" for op in p["operations"]} <= groups
    assert {"organic", "breaking_news", "resharers", "hijacked"} <= groups
    assert {f"fandom_{i}" for i in range(1, len(p["fandoms"]) + 1)} <= groups
    assert ("spam" in groups) == (p["spam"] is not None)
    assert {group_type(g) for g in groups} >= {"operation", "organic", "breaking_news"}
    assert info["counts"]["groups"] == dict(sorted(Counter(truth.values()).items()))
    seed_files = sorted((scenario_world / "seeds").glob("*_four.csv"))
    assert [f.stem for f in seed_files] == info["seed_files"]
    for f in seed_files:
        group, _, rest = f.stem.removesuffix("_four").rpartition("_")
        rows = list(csv.DictReader(f.open(newline="", encoding="utf-8")))
        assert len(rows) == 4 and set(rows[0]) == {"platform", "account_id"}
        assert all(truth[(r["platform"], r["account_id"])] == group and r["platform"] == rest
                   for r in rows)


def test_scenario_operations_keep_budgets_and_clocks(scenario_world: Path) -> None:
    truth = _scenario_truth(scenario_world)
    p = json.loads((scenario_world / "scenario.json").read_text())["parameters"]
    start = dt.datetime.fromisoformat(p["start"].replace("Z", "+00:00")).replace(tzinfo=None)
    rows = pq.read_table(scenario_world / "posts.parquet").to_pylist()
    lo, hi = RANGES["posts_per_member"]
    for op in p["operations"]:
        group = f"op_{op['name']}"
        mine = [r for r in rows if truth[(r["platform"], r["account_id"])] == group
                and r["created_at"] >= start]
        per = Counter((r["platform"], r["account_id"]) for r in mine)
        if op["style"] != "ring":  # ring leaders post what their crews reshare
            assert len(per) == sum(op["accounts"].values())
            assert lo <= min(per.values()) and max(per.values()) <= hi
        if op["clock"]["kind"] == "none":
            continue
        on = 0
        timed = [r for r in mine if r["reply_to"] is None]  # reply floods follow the critic
        for r in timed:
            local = r["created_at"] + dt.timedelta(hours=op["clock"]["utc_offset"])
            h = local.hour + local.minute / 60 + local.second / 3600
            on += local.weekday() < 5 and (9 <= h < 12 or 13.5 <= h < 18)
        share = on / len(timed)
        if op["clock"]["kind"] == "shift":
            assert share == 1.0, (group, share)
        else:
            assert share >= 1 - op["clock"]["off_shift_share"] - 0.1, (group, share)


def test_scenario_cli_checks_its_options(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cibwatch.cli import app

    res = CliRunner().invoke(app, ["simulate", "--scenario", "3", "--seed", "2", "--out",
                                   str(tmp_path / "x")])
    assert res.exit_code == 2 and "--scenario" in res.output
    with pytest.raises(ConfigError):
        simulate_scenario(tmp_path / "y", -1)
