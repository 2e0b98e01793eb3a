"""Simulated worlds: reproducible, with the tactics they claim."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cibwatch import ConfigError
from cibwatch.simulate import load_config, simulate

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
