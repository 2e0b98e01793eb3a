"""Rich tables for the terminal, shared by the command line and the demo: they only format what
:mod:`cibwatch.api` returns (no SQL here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.table import Table

from ..api import NetworkPage
from ..escape import terminal
from ..runs import RunRecord

__all__ = ["networks_table", "runs_table", "settings_text", "increment_text"]


def networks_table(page: NetworkPage, title: str = "Networks found") -> Table:
    """The networks of a page: label, id (its first 8 digits), assessment, kind, score,
    accounts, platforms, linked pairs and co-actions per trace."""
    t = Table(title=title)
    for c in ("network", "id", "assessment", "kind", "score", "accounts", "platforms", "pairs",
              "co-actions by trace"):
        t.add_column(c, justify="right" if c in ("score", "accounts", "pairs") else "left",
                     no_wrap=c in ("network", "id"))
    for r in page.items:
        t.add_row(terminal(r.label), r.network_id[:8], r.assessment, terminal(r.kind),
                  f"{r.score:g}", f"{r.size:,}", terminal(";".join(r.platforms)),
                  f"{r.n_pairs:,}", terminal(r.traces_text))
    if page.total > len(page.items):
        t.caption = f"{len(page.items)} of {page.total:,} networks (networks.csv has them all)"
    return t


def runs_table(runs: list[RunRecord], title: str) -> Table:
    """Every run: id, kind, status (and error), times, counts, version, inputs, settings."""
    t = Table(title=title)
    for c in ("run", "kind", "status", "started (UTC)", "finished (UTC)", "networks",
              "accounts", "cibwatch", "inputs", "settings"):
        t.add_column(c, justify="right" if c in ("networks", "accounts") else "left",
                     no_wrap=c == "run")
    for r in runs:
        t.add_row(r.run_id, r.kind + increment_text(r.increment), r.status + (f" ({terminal(r.error)})" if r.error else ""),
                  str(r.started or ""), str(r.finished or ""),
                  "" if r.n_networks is None else f"{r.n_networks:,}",
                  "" if r.n_members is None else f"{r.n_members:,}", r.cibwatch_version,
                  terminal(", ".join(Path(s["path"]).name for s in r.sources)),
                  terminal(settings_text(r.kind, r.config)))
    return t


def increment_text(increment: dict[str, Any] | None) -> str:
    """What an incremental run did, in short ('' for other runs)."""
    if increment is None:
        return ""
    if increment["mode"] != "update":
        return f" (incremental, made in full: {increment['reason']})"
    return (f" (update: +{increment['posts_added']:,} posts, +{increment['actions_added']:,} "
            f"-{increment['actions_removed']:,} actions, {increment['keys_changed']:,} keys "
            f"joined again)")


def settings_text(kind: str, config: dict[str, Any]) -> str:
    """The settings of a run that differ from the defaults, in short."""
    from ..pipeline import DetectConfig

    cfg = config.get("detect", config) if kind == "expand" else config
    default = DetectConfig().as_dict()
    diff = [f"{k}={cfg[k]}" for k in sorted(cfg) if k in default and cfg[k] != default[k]
            and k not in ("traces", "groups")]
    if cfg.get("traces") is not None and sorted(cfg["traces"]) != sorted(default["traces"]):
        diff.insert(0, "traces=" + ",".join(cfg["traces"]))
    if kind == "expand":
        diff.insert(0, f"{len(config.get('seeds', []))} seed(s)")
    return "; ".join(diff) or "defaults"
