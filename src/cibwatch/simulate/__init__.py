"""``cibwatch simulate``: simulated multi-platform worlds with ground truth.

A world is organic users, authentic coordination (breaking-news bursts, a fandom's voting push,
activists with a campaign toolkit, disclosed news aggregators), commercial spam and planted
operations whose tactics come from the config (``default_world.toml``, documented key by key;
the defaults model the Spamouflage case). See :mod:`.world` for what each scenario does.

Output directory: ``posts.parquet`` and ``accounts.parquet`` (canonical), ``truth.csv``
(platform, account_id, group; groups ``organic``, ``breaking_news``, ``fandom``,
``activists``, ``news_aggregators``, ``spam`` and ``op_<name>`` per operation) and
``world.json`` (the settings used, seed and scale). The same seed, scale and config give the
same files, byte for byte.

:func:`simulate_scenario` builds one world of the **scenario family** instead: its structure
(sizes, activity, crews, timing, clocks, languages, tactics, hard negatives) drawn at random
from the scenario seed (:mod:`.scenario`, ranges in :data:`.scenario.RANGES`; the builder in
:mod:`.family`). It writes ``posts.parquet``, ``accounts.parquet``, ``truth.csv`` (groups
``op_<name>``, ``spam`` and one name per authentic group: ``organic``, ``breaking_news``,
``fandom_<k>``, ``activists_<k>``, ``niche_<k>``, ``news_bots``, ``resharers``,
``hijacked``), ``scenario.json`` (the drawn parameters and the counts) and
``seeds/<op>_<platform>_four.csv`` (four random members of an operation on each platform where
it has at least 8; header ``platform,account_id``).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from .config import DEFAULT_CONFIG_PATH, load_config
from .scenario import FAMILY, RANGES, draw_scenario, group_type
from .world import GROUPS_AUTHENTIC, World, build_world

__all__ = ["simulate", "simulate_scenario", "SimulationResult", "load_config", "build_world",
           "draw_scenario", "group_type", "DEFAULT_CONFIG_PATH", "GROUPS_AUTHENTIC", "FAMILY",
           "RANGES"]


@dataclass(frozen=True)
class SimulationResult:
    out: Path
    posts: Path
    accounts: Path
    truth: Path
    counts: dict[str, Any]


def simulate(out: str | Path, *, seed: int = 0, scale: float = 1.0,
             config: str | Path | None = None) -> SimulationResult:
    """Build a world and write it to ``out`` (see the module docstring)."""
    from ..errors import ConfigError

    if scale <= 0:
        raise ConfigError("the scale must be positive", remedy="giving e.g. --scale 0.2")
    cfg = load_config(config)
    world: World = build_world(cfg, seed=seed, scale=scale)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    posts, accounts, truth = out / "posts.parquet", out / "accounts.parquet", out / "truth.csv"
    _write_world(world, posts, accounts, truth)
    info = {"seed": seed, "scale": scale, "config": cfg, "counts": world.counts}
    (out / "world.json").write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
    return SimulationResult(out, posts, accounts, truth, world.counts)


def _write_world(world: World, posts: Path, accounts: Path, truth: Path) -> None:
    pq.write_table(world.posts, posts, compression="zstd")
    pq.write_table(world.accounts, accounts, compression="zstd")
    rows = sorted(zip(world.truth.column("platform").to_pylist(),
                      world.truth.column("account_id").to_pylist(),
                      world.truth.column("group").to_pylist(), strict=True))
    with open(truth, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["platform", "account_id", "group"])
        w.writerows(rows)


def simulate_scenario(out: str | Path, scenario: int,
                      params: dict[str, Any] | None = None) -> SimulationResult:
    """Build scenario ``scenario`` of the family and write it to ``out`` (see the module
    docstring). ``params`` replaces the drawn structure (a changed copy of
    :func:`draw_scenario`'s result: how tests build a small world)."""
    from ..errors import ConfigError
    from .family import build_scenario_world

    if scenario < 0:
        raise ConfigError("the scenario seed must be a non-negative integer",
                          remedy="giving e.g. --scenario 7")
    params = draw_scenario(scenario) if params is None else params
    world, seeds = build_scenario_world(params)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    posts, accounts, truth = out / "posts.parquet", out / "accounts.parquet", out / "truth.csv"
    _write_world(world, posts, accounts, truth)
    seed_dir = out / "seeds"
    if seed_dir.exists():
        for old in seed_dir.glob("*_four.csv"):
            old.unlink()
    seed_dir.mkdir(exist_ok=True)
    for name, rows in sorted(seeds.items()):
        with open(seed_dir / f"{name}.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["platform", "account_id"])
            w.writerows(rows)
    info = {"parameters": params, "counts": world.counts, "seed_files": sorted(seeds)}
    (out / "scenario.json").write_text(json.dumps(info, indent=2, sort_keys=True,
                                                  ensure_ascii=False) + "\n")
    return SimulationResult(out, posts, accounts, truth, world.counts)
