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
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from .config import DEFAULT_CONFIG_PATH, load_config
from .world import GROUPS_AUTHENTIC, World, build_world

__all__ = ["simulate", "SimulationResult", "load_config", "build_world", "DEFAULT_CONFIG_PATH",
           "GROUPS_AUTHENTIC"]


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
    pq.write_table(world.posts, posts, compression="zstd")
    pq.write_table(world.accounts, accounts, compression="zstd")
    rows = sorted(zip(world.truth.column("platform").to_pylist(),
                      world.truth.column("account_id").to_pylist(),
                      world.truth.column("group").to_pylist(), strict=True))
    with open(truth, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["platform", "account_id", "group"])
        w.writerows(rows)
    info = {"seed": seed, "scale": scale, "config": cfg, "counts": world.counts}
    (out / "world.json").write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
    return SimulationResult(out, posts, accounts, truth, world.counts)
