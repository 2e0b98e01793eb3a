"""Pictures per network, for a person to look at rather than read: the posting clock (hour of
day x day of week, in the network's inferred time zone), the activity timeline and the account
graph. PNG files in ``OUT/networks/``, linked from ``summary.md``.

Drawn with matplotlib's Agg backend (no screen needed), seeded layouts: the same run gives the
same pictures.
"""

from __future__ import annotations

import functools
import random
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..engine import dialect

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["network_pictures", "clock_picture", "timeline_picture", "graph_picture",
           "platform_picture", "MAX_NETWORKS"]

#: Networks drawn (the largest first); the others are in the CSV files only.
MAX_NETWORKS = 10
_PLATFORM_COLOURS = {"twitter": "#1d9bf0", "facebook": "#1877f2", "reddit": "#ff4500",
                     "youtube": "#cc0000", "medium": "#222222", "tiktok": "#69c9d0",
                     "telegram": "#2aabee", "instagram": "#c13584"}
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _plt():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "cibwatch"
    return plt


def network_pictures(store: Store, out: Path, max_networks: int = MAX_NETWORKS,
                     seed: int = 0) -> dict[str, dict[str, str]]:
    """Draw the pictures of the largest networks (the statistics tables of
    :mod:`cibwatch.report.outputs` must be made); returns network id -> {kind: relative path}.
    The files are named by the network's display label (``N0001_clock.png``)."""
    from ..assess.clock import PostingClock
    from ..summaries import assessments_table as assessments_sql

    folder = out / "networks"
    folder.mkdir(parents=True, exist_ok=True)
    draw = _Remembered(store, folder)
    nets = store.fetchall(
        f"SELECT n.network_id, n.label, a.utc_offset, coalesce(a.assessment, 'coordinated'), "
        f"coalesce(a.kind, '') FROM net_stats n LEFT JOIN {assessments_sql(store)} a "
        f"USING (network_id) ORDER BY n.label LIMIT {int(max_networks)}")
    paths: dict[str, dict[str, str]] = {}
    for nid, name, offset, assessment, kind in nets:
        rel: dict[str, str] = {}
        times = store.arrow(
            f"SELECT {dialect.epoch_s('p.created_at')} AS t FROM members m JOIN posts p USING (aid) "
            "WHERE m.network_id = ? ORDER BY t", [nid]).column("t").to_numpy()
        label = f"{name} ({assessment}{', ' + kind if kind else ''})"
        off = offset if offset is not None else PostingClock(min_posts=1).fit(times).offset_
        rel["clock"] = draw(clock_picture, times, off, label, file=f"{name}_clock.png")
        if times.shape[0]:
            rel["timeline"] = draw(timeline_picture, times, label, file=f"{name}_timeline.png")
        nodes, edges = _graph_data(store, nid)
        rel["graph"] = draw(graph_picture, nodes, edges, label, file=f"{name}_graph.png",
                            seed=seed)
        paths[nid] = rel
    draw.keep()
    return paths


class _Remembered:
    """Draws pictures into ``folder``, or writes the bytes of the same picture drawn by an
    earlier run (:mod:`cibwatch.memo`: the digest of the drawing function, its inputs, this
    module's source and the versions of matplotlib and igraph); :meth:`keep` remembers the
    pictures of this run in the store."""

    def __init__(self, store: Store, folder: Path) -> None:
        from .. import memo

        self.store, self.folder = store, folder
        self.earlier = memo.recall_blobs(store, "pictures")
        self.now: dict[str, bytes] = {}

    def __call__(self, how: Any, *args: Any, file: str, **kw: Any) -> str:
        from .. import memo

        key = memo.digest(how.__name__, _versions(), file, *args, kw)
        path = self.folder / file
        if key in self.earlier:
            path.write_bytes(self.earlier[key])
            rel = f"{self.folder.name}/{file}"
        else:
            rel = how(*args, self.folder, file, **kw)
        self.now[key] = path.read_bytes()
        return str(rel)

    def keep(self) -> None:
        from .. import memo

        memo.remember_blobs(self.store, "pictures", self.now)


@functools.cache
def _versions() -> tuple[str, ...]:
    import igraph
    import matplotlib

    from .. import memo

    return (memo.source_digest(sys.modules[__name__]), matplotlib.__version__,
            igraph.__version__)


def clock_picture(times: np.ndarray, offset: float, label: str, folder: Path,
                  file: str) -> str:
    """The posting clock: posts by hour of day x day of week at UTC``offset`` (``times`` in
    epoch seconds); returns the picture's path relative to ``folder``'s parent."""
    plt = _plt()
    local = times + offset * 3600
    days = np.floor(local / 86400.0)
    prof = np.zeros((7, 24))
    np.add.at(prof, (((days + 3) % 7).astype(int),
                     ((local - days * 86400) // 3600).astype(int)), 1)
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.imshow(prof, aspect="auto", cmap="viridis")
    ax.set_yticks(range(7), _WEEKDAYS)
    ax.set_xticks(range(0, 24, 3), [f"{h:02d}" for h in range(0, 24, 3)])
    ax.set_xlabel(f"hour of day, UTC{offset:+g}")
    ax.set_title(f"{label}: posting clock, {times.shape[0]:,} posts")
    return _save(plt, fig, folder, file)


def timeline_picture(times: np.ndarray, label: str, folder: Path, file: str,
                     platforms: np.ndarray | None = None) -> str:
    """Posts per day (``times`` in epoch seconds, not empty); with ``platforms`` (one name per
    post) stacked by platform, in the platforms' colours."""
    plt = _plt()
    d0 = np.floor(times.min() / 86400.0)
    day = (np.floor(times / 86400.0) - d0).astype(int)
    n_days = int(day.max()) + 1
    fig, ax = plt.subplots(figsize=(8, 2.5))
    if platforms is None:
        ax.stairs(np.bincount(day), np.arange(n_days + 1), fill=True, color="#4c72b0")
    else:
        base = np.zeros(n_days)
        for p in sorted(set(platforms.tolist())):
            counts = np.bincount(day[platforms == p], minlength=n_days).astype(float)
            ax.stairs(base + counts, np.arange(n_days + 1), baseline=base, fill=True,
                      color=_PLATFORM_COLOURS.get(p, "#7f7f7f"), label=p)
            base = base + counts
        ax.legend(loc="best", fontsize=8, frameon=False)
    ax.set_xlabel(f"days since {np.datetime64(int(d0), 'D')}")
    ax.set_ylabel("posts")
    ax.set_title(f"{label}: activity of its accounts")
    return _save(plt, fig, folder, file)


def platform_picture(counts: list[tuple[str, int, int]], label: str, folder: Path,
                     file: str) -> str:
    """Accounts and posts per platform (``(platform, accounts, posts)``), as bars."""
    plt = _plt()
    names = [c[0] for c in counts]
    fig, axes = plt.subplots(1, 2, figsize=(8, 0.6 + 0.45 * max(len(names), 1)))
    for ax, col, what in ((axes[0], 1, "accounts"), (axes[1], 2, "posts")):
        values = [c[col] for c in counts]
        ax.barh(range(len(names)), values,
                color=[_PLATFORM_COLOURS.get(n, "#7f7f7f") for n in names])
        ax.set_yticks(range(len(names)), names)
        ax.invert_yaxis()
        ax.set_xlabel(what)
        for i, v in enumerate(values):
            ax.text(v, i, f" {v:,}", va="center", fontsize=8)
    fig.suptitle(f"{label}: platforms", fontsize=10)
    return _save(plt, fig, folder, file)


def _graph_data(store: Store, nid: str) -> tuple[list[tuple[int, str, bool]],
                                                 list[tuple[int, int, float]]]:
    nodes = store.fetchall(
        "SELECT m.aid, ai.platform, m.attached FROM members m JOIN account_index ai USING (aid) "
        "WHERE m.network_id = ? ORDER BY m.aid", [nid])
    group = ("UNION ALL SELECT aid_a, aid_b, CAST(sum(n_items) AS DOUBLE) FROM group_links "
             "WHERE network_id = ? GROUP BY aid_a, aid_b" if store.table_exists("group_links")
             else "")
    edges = store.fetchall(
        "SELECT aid_a, aid_b, max(w) FROM ("
        "SELECT e.aid_a, e.aid_b, coalesce(e.evidence, e.weight) AS w FROM edges e "
        "JOIN members a ON a.aid = e.aid_a JOIN members b ON b.aid = e.aid_b "
        "WHERE a.network_id = ? AND b.network_id = ? AND e.aid_a <> e.aid_b "
        f"{group}) x GROUP BY aid_a, aid_b ORDER BY aid_a, aid_b",
        [nid, nid] + ([nid] if group else []))
    return nodes, edges


def graph_picture(nodes: list[tuple[int, str, bool]], edges: list[tuple[int, int, float]],
                  label: str, folder: Path, file: str, seed: int = 0) -> str:
    """The account graph: ``nodes`` ``(aid, platform, attached)`` coloured by platform
    (attached accounts outlined), ``edges`` ``(aid_a, aid_b, weight)``; a seeded
    Fruchterman-Reingold layout."""
    import igraph as ig

    plt = _plt()
    index = {n[0]: i for i, n in enumerate(nodes)}
    edges = [e for e in edges if e[0] in index and e[1] in index]
    g = ig.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b, _ in edges])
    previous = ig.set_random_number_generator(random.Random(seed))
    try:
        xy = np.array(g.layout_fruchterman_reingold(niter=300).coords) if len(nodes) > 1 else \
            np.zeros((len(nodes), 2))
    finally:
        ig.set_random_number_generator(previous if previous is not None else random)
    fig, ax = plt.subplots(figsize=(6, 6))
    w = np.array([e[2] for e in edges], float) if edges else np.zeros(0)
    if edges:
        from matplotlib.collections import LineCollection

        ends = np.array([(index[a], index[b]) for a, b, _ in edges])
        lw = w / w.max() * 2 if w.max() > 0 else w
        ax.add_collection(LineCollection(xy[ends], colors="#999999", linewidths=0.2 + lw,
                                         alpha=0.5, zorder=1))
    colours = [_PLATFORM_COLOURS.get(n[1], "#7f7f7f") for n in nodes]
    ax.scatter(xy[:, 0], xy[:, 1], c=colours, s=25, zorder=2,
               edgecolors=["black" if n[2] else "none" for n in nodes])
    platforms = sorted({n[1] for n in nodes})
    for p in platforms:
        ax.scatter([], [], c=_PLATFORM_COLOURS.get(p, "#7f7f7f"), label=p, s=25)
    ax.legend(loc="upper right", fontsize=8, frameon=False)
    ax.set_axis_off()
    ax.set_title(f"{label}: {len(nodes)} accounts, {len(edges)} links")
    return _save(plt, fig, folder, file)


def _save(plt, fig, folder: Path, name: str) -> str:  # type: ignore[no-untyped-def]
    """Write ``fig`` as ``folder/name`` without a timestamp; returns its path in the output."""
    fig.tight_layout()
    fig.savefig(folder / name, dpi=100, metadata={"Software": None})
    plt.close(fig)
    return f"{folder.name}/{name}"
