"""World settings: the documented defaults (``default_world.toml``) and a user's changes."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

from ..errors import ConfigError

__all__ = ["DEFAULT_CONFIG_PATH", "load_config", "TACTICS"]

DEFAULT_CONFIG_PATH = Path(__file__).with_name("default_world.toml")

#: Operation tactics the simulator knows (see default_world.toml and world.py).
TACTICS = frozenset({
    "repurposed", "bulk_created", "shift_clock", "copypasta", "chinese", "camouflage",
    "reply_flooding", "cross_platform", "inward_amplification", "stealthy",
})

_OPERATION_KEYS = {
    "name", "tactics", "accounts", "utc_offset", "posts_per_day", "repurposed_share",
    "team_size", "burst_s", "spread_s",
}
_OPERATION_DEFAULTS: dict[str, Any] = {
    "tactics": [], "accounts": {}, "utc_offset": 8, "posts_per_day": 3.0,
    "repurposed_share": 0.0, "team_size": [4, 12], "burst_s": 600, "spread_s": 172800,
}


def _merge(base: dict[str, Any], over: dict[str, Any], where: str) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if k == "operations" and where == "":
            continue
        if k not in base:
            raise ConfigError(f"unknown setting {where}{k}",
                              remedy="checking the name against default_world.toml")
        if isinstance(base[k], dict) and not _free_table(where + k):
            if not isinstance(v, dict):
                raise ConfigError(f"setting {where}{k} must be a table")
            out[k] = _merge(base[k], v, f"{where}{k}.")
        else:
            out[k] = v
    return out


def _free_table(path: str) -> bool:
    """Tables whose keys are data (platform names, time zones), not settings."""
    return path in ("organic.platform_share", "organic.timezones")


def load_config(path: str | Path | None = None) -> dict[str, Any]:
    """The default world, with the settings of ``path`` (a TOML file) laid over it."""
    with open(DEFAULT_CONFIG_PATH, "rb") as fh:
        cfg = tomllib.load(fh)
    if path is not None:
        try:
            with open(path, "rb") as fh:
                user = tomllib.load(fh)
        except FileNotFoundError:
            raise ConfigError(f"no world config {path}", remedy="checking the path") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
        cfg = {**_merge(cfg, user, ""), "operations": user.get("operations",
                                                               cfg["operations"])}
    ops = []
    for i, op in enumerate(cfg["operations"]):
        unknown = set(op) - _OPERATION_KEYS
        if unknown:
            raise ConfigError(f"operations[{i}]: unknown setting(s) {sorted(unknown)}",
                              remedy="using: " + ", ".join(sorted(_OPERATION_KEYS)))
        if "name" not in op:
            raise ConfigError(f"operations[{i}] has no name")
        bad = set(op.get("tactics", [])) - TACTICS
        if bad:
            raise ConfigError(f"operation {op['name']}: unknown tactic(s) {sorted(bad)}",
                              remedy="choosing from: " + ", ".join(sorted(TACTICS)))
        ops.append({**_OPERATION_DEFAULTS, **op})
    cfg["operations"] = ops
    return cfg
