"""What the workspace shows beyond the :class:`~cibwatch.cases.source.InvestigationSource`:
the graph of a network, its posting clock, its activity timeline, its top items, the posts
behind a pair's evidence, and an account's posts and fingerprints.

Read-only, from where detection left them:

* a run's output directory (``networks.csv``, ``accounts.csv``, ``edges.parquet``), found
  through the source's :class:`~cibwatch.cases.source.RunInfo` (``description`` is the
  directory for :class:`~cibwatch.cases.source.DetectDirSource`);
* the DuckDB store of the run (``DIR/store.duckdb``) or the one ``cibwatch serve --db`` names,
  opened read-only for each read and closed at once (a detection run may need it next).

Everything degrades: without a store there are no posts (the graph still shows), without an
output directory there is no graph (the members still show). Results are deterministic: the
layout is seeded, communities come from a deterministic algorithm (greedy modularity, Clauset,
Newman & Moore 2004), ties are broken by account.

Cost: a network's graph reads its run's ``edges.parquet`` once (kept, filtered per network);
a clock, timeline or top-items read scans the members' posts in the store (one indexed join).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import random
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cases.source import AccountRef, InvestigationSource, Member, NetworkSnapshot

__all__ = ["WorkspaceData", "text_diff", "GRAPH_LAYOUT_SEED"]

#: Seed of the graph layout (positions are computed here, so a page shows the same picture
#: every time).
GRAPH_LAYOUT_SEED = 14
#: Iterations of the Fruchterman-Reingold layout (igraph); 500 settles 2,000 nodes in < 1 s.
LAYOUT_ITERATIONS = 500
#: Graphs kept (a network's graph is computed once: its layout is the costly part).
GRAPH_CACHE = 16
#: Top items shown per kind (texts, URLs, hashtags).
TOP_ITEMS = 10
#: Posts shown on an account page.
ACCOUNT_POSTS = 50
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_LAYOUT_LOCK = threading.Lock()
_STRENGTH = re.compile(r"\((very strong|strong|moderate|weak)(?:,\s*([0-9.]+))?")


def strength_of(text: str) -> tuple[str | None, float | None]:
    """The strength word and figure an assessment reason states, e.g. ``(strong, 7.5: ...)``."""
    m = _STRENGTH.search(text)
    if not m:
        return None, None
    return m.group(1), (float(m.group(2)) if m.group(2) else None)


_TAG = re.compile(r"\s*\[([^\]]+)\]\s*\.?\s*$")
_DISARM_ID = re.compile(r"^T\d{4}(?:\.\d{3})?$")


def reason_items(snap: NetworkSnapshot, row: dict[str, str]) -> list[dict[str, Any]]:
    """The network's reasons, one per finding: networks.csv's ``reasons`` text (when the run
    has a directory) split into its clauses, each with its tag (a DISARM id such as
    ``T0150.008``, or a finding's code such as ``shift_clock``) and its stated strength; else
    the source's :class:`~cibwatch.cases.source.Reason` objects as they are."""
    raw = (row.get("reasons") or "").strip()
    if not raw:
        return [{"family": r.family, "text": r.text, "disarm_id": r.disarm_id, "tag": None,
                 "word": strength_of(r.text)[0], "figure": strength_of(r.text)[1],
                 "strength": r.strength} for r in snap.reasons]
    head, sep, coord = raw.partition("Coordination:")
    out: list[dict[str, Any]] = []
    for clause in re.split(r"(?<=\])\s*;\s*", head.strip()):
        clause = clause.strip().rstrip(".").strip()
        if not clause:
            continue
        m = _TAG.search(clause)
        tag = m.group(1) if m else None
        text = clause[:m.start()] if m else clause
        word, figure = strength_of(text)
        out.append({"family": snap.kind or "assessment", "text": text,
                    "disarm_id": tag if tag and _DISARM_ID.match(tag) else None,
                    "tag": tag if tag and not _DISARM_ID.match(tag) else None,
                    "word": word, "figure": figure, "strength": None})
    if sep:
        out.append({"family": "coordination", "text": "Coordination:" + coord.rstrip("."),
                    "disarm_id": None, "tag": None, "word": None, "figure": None,
                    "strength": None})
    return out


#: Diff tokens: runs of spaces, single CJK characters (those scripts have no spaces between
#: words), and other runs of non-space characters.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN = re.compile(rf"\s+|[{_CJK}]|[^\s{_CJK}]+")


def text_diff(a: str, b: str) -> tuple[list[tuple[bool, str]], list[tuple[bool, str]], float]:
    """Word-level differences of two texts (character-level in CJK scripts): for each side, ``(changed, chunk)`` pieces, and the
    similarity ratio (difflib's, in [0, 1]). Whitespace is kept, so the pieces joined give the
    texts back."""
    ta, tb = _TOKEN.findall(a or ""), _TOKEN.findall(b or "")
    sm = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    out_a: list[tuple[bool, str]] = []
    out_b: list[tuple[bool, str]] = []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        same = op == "equal"
        if i2 > i1:
            out_a.append((not same, "".join(ta[i1:i2])))
        if j2 > j1:
            out_b.append((not same, "".join(tb[j1:j2])))
    return out_a, out_b, round(sm.ratio(), 3)


@dataclass
class _RunFiles:
    directory: Path | None
    store: Path | None
    networks: dict[str, dict[str, str]] = field(default_factory=dict)
    accounts: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    edges: Any = None  # pyarrow.Table, read on first use


class WorkspaceData:
    """The workspace's reads over a source's runs (see the module's docstring).

    ``stores``: DuckDB stores to read posts from when a run's directory has none (the first
    that exists is used)."""

    def __init__(self, source: InvestigationSource, stores: Sequence[str | Path] = ()) -> None:
        self.source = source
        self.stores = [Path(s) for s in stores]
        self._runs: dict[str, _RunFiles] = {}
        self._graphs: dict[tuple[str, str], dict[str, Any]] = {}
        self._lock = threading.Lock()

    # ---- where a run's files are -------------------------------------------------------------

    def _files(self, run_id: str) -> _RunFiles:
        with self._lock:
            hit = self._runs.get(run_id)
            if hit is not None:
                return hit
            directory: Path | None = None
            for r in self.source.runs():
                if r.run_id == run_id and r.description:
                    p = Path(r.description)
                    if (p / "networks.csv").is_file():
                        directory = p
                    break
            store = None
            if directory is not None and (directory / "store.duckdb").is_file():
                store = directory / "store.duckdb"
            else:
                store = next((s for s in self.stores if s.is_file()), None)
            rf = _RunFiles(directory, store)
            if directory is not None:
                with open(directory / "networks.csv", newline="", encoding="utf-8") as fh:
                    rf.networks = {row["network_id"]: row for row in csv.DictReader(fh)}
                acc = directory / "accounts.csv"
                if acc.is_file():
                    with open(acc, newline="", encoding="utf-8") as fh:
                        for row in csv.DictReader(fh):
                            rf.accounts[(row["platform"], row["account_id"])] = row
            self._runs[run_id] = rf
            return rf

    def has_posts(self, run_id: str) -> bool:
        return self._files(run_id).store is not None

    def network_row(self, snap: NetworkSnapshot) -> dict[str, str]:
        """networks.csv's row of the network (empty when the run has no directory)."""
        return self._files(snap.run_id).networks.get(snap.network_id, {})

    def member_rows(self, snap: NetworkSnapshot) -> list[dict[str, Any]]:
        """Every member with its fingerprints from accounts.csv (when there)."""
        acc = self._files(snap.run_id).accounts
        out = []
        for m in snap.members:
            r = acc.get((m.platform, m.account_id), {})
            out.append({
                "platform": m.platform, "account_id": m.account_id, "ref": str(m.ref),
                "handle": m.handle or r.get("handle") or "",
                "display_name": r.get("display_name", ""),
                "followers": m.followers,
                "n_posts": _num(r.get("n_posts")), "degree": _num(r.get("degree")),
                "strength": _num(r.get("strength")),
                "coaction_share": _num(r.get("coaction_share")),
                "repurposed": r.get("repurposed") == "true",
                "attached": r.get("attached") == "true",
                "traces": r.get("traces", ""), "reasons": r.get("reasons", ""),
                "q_value": _num(r.get("q_value")),
            })
        return out

    def lineage(self, snap: NetworkSnapshot) -> list[dict[str, Any]]:
        """The networks of the other runs served that share members with this one: run,
        network, members shared, and the Jaccard index of the two member sets (largest first).
        By members, not by id: a run's labels (N0001, ...) say nothing across runs."""
        mine = {(m.platform, m.account_id) for m in snap.members}
        out: list[dict[str, Any]] = []
        for run in self.source.runs():
            if run.run_id == snap.run_id:
                continue
            rf = self._files(run.run_id)
            shared: dict[str, int] = {}
            for key in mine:
                row = rf.accounts.get(key)
                if row is not None and row.get("network_id"):
                    shared[row["network_id"]] = shared.get(row["network_id"], 0) + 1
            sizes: dict[str, int] = {}
            for row in rf.accounts.values():
                if row.get("network_id") in shared:
                    sizes[row["network_id"]] = sizes.get(row["network_id"], 0) + 1
            for nid, k in shared.items():
                union = len(mine) + sizes.get(nid, k) - k
                out.append({"run_id": run.run_id, "kind": run.kind, "network_id": nid,
                            "shared": k, "size": sizes.get(nid, k),
                            "jaccard": round(k / union, 3) if union else 0.0})
        out.sort(key=lambda r: (-r["jaccard"], -r["shared"], r["run_id"], r["network_id"]))
        return out

    # ---- the graph ---------------------------------------------------------------------------

    def _edges(self, rf: _RunFiles) -> Any:
        if rf.edges is None and rf.directory is not None:
            path = rf.directory / "edges.parquet"
            if path.is_file():
                import pyarrow.parquet as pq

                rf.edges = pq.read_table(path, columns=[
                    "platform_a", "account_id_a", "platform_b", "account_id_b", "trace",
                    "n_coactions", "weight", "network_id"])
        return rf.edges

    def graph(self, snap: NetworkSnapshot) -> dict[str, Any]:
        """Nodes (every member: platform, activity, community, position) and edges (member
        pairs, traces summed), for Cytoscape. Communities: greedy modularity on the weighted
        pairs; positions: Fruchterman-Reingold from a seeded start, scaled to 1000 x 1000."""
        key_ = (snap.run_id, snap.network_id)
        with self._lock:
            hit = self._graphs.get(key_)
        if hit is not None:
            return hit
        out = self._graph(snap)
        with self._lock:
            if len(self._graphs) >= GRAPH_CACHE:
                self._graphs.pop(next(iter(self._graphs)))
            self._graphs[key_] = out
        return out

    def _graph(self, snap: NetworkSnapshot) -> dict[str, Any]:
        import igraph as ig
        import pyarrow.compute as pc

        rf = self._files(snap.run_id)
        members = self.member_rows(snap)
        index = {m["ref"]: i for i, m in enumerate(members)}
        pairs: dict[tuple[int, int], dict[str, Any]] = {}
        t = self._edges(rf)
        rows = (t.filter(pc.equal(t["network_id"], snap.network_id)).to_pylist()
                if t is not None else self._store_edges(snap))
        if rows:
            for r in rows:
                a = index.get(f"{r['platform_a']}:{r['account_id_a']}")
                b = index.get(f"{r['platform_b']}:{r['account_id_b']}")
                if a is None or b is None or a == b:
                    continue
                key = (min(a, b), max(a, b))
                e = pairs.setdefault(key, {"weight": 0.0, "n": 0, "traces": {}})
                e["weight"] += float(r["weight"] or 0.0)
                e["n"] += int(r["n_coactions"] or 0)
                e["traces"][r["trace"]] = e["traces"].get(r["trace"], 0) + int(
                    r["n_coactions"] or 0)
        keys = sorted(pairs)
        g = ig.Graph(n=len(members), edges=keys)
        weights = [max(pairs[k]["weight"], 1e-9) for k in keys]
        if keys:
            comm = g.community_fastgreedy(weights=weights).as_clustering()
            membership = list(comm.membership)
        else:
            membership = [0] * len(members)
        # communities numbered by size, largest first, ties by their first member
        sizes: dict[int, int] = {}
        for c in membership:
            sizes[c] = sizes.get(c, 0) + 1
        order = sorted(sizes, key=lambda c: (-sizes[c], membership.index(c)))
        renum = {c: i for i, c in enumerate(order)}
        n = len(members)
        if n:
            import math

            seed = [[math.cos(2 * math.pi * i / n + GRAPH_LAYOUT_SEED),
                     math.sin(2 * math.pi * i / n + GRAPH_LAYOUT_SEED)] for i in range(n)]
            with _LAYOUT_LOCK:  # igraph's layout draws from one process-wide generator
                ig.set_random_number_generator(random.Random(GRAPH_LAYOUT_SEED))
                try:
                    layout = g.layout_fruchterman_reingold(seed=seed, niter=LAYOUT_ITERATIONS,
                                                           weights=weights if keys else None)
                finally:
                    ig.set_random_number_generator(random)
            xs = [p[0] for p in layout.coords]
            ys = [p[1] for p in layout.coords]
            span = max(max(xs) - min(xs), max(ys) - min(ys), 1e-9)
            pos = [((x - min(xs)) / span * 1000, (y - min(ys)) / span * 1000)
                   for x, y in zip(xs, ys, strict=True)]
        else:
            pos = []
        nodes = [{"id": m["ref"], "label": m["handle"] or m["account_id"],
                  "platform": m["platform"], "activity": m["n_posts"] or 0,
                  "community": renum[membership[i]], "x": round(pos[i][0], 2),
                  "y": round(pos[i][1], 2)} for i, m in enumerate(members)]
        edges = [{"id": f"e{j}", "source": members[a]["ref"], "target": members[b]["ref"],
                  "weight": round(pairs[(a, b)]["weight"], 3), "n": pairs[(a, b)]["n"],
                  "traces": dict(sorted(pairs[(a, b)]["traces"].items()))}
                 for j, (a, b) in enumerate(keys)]
        return {"network_id": snap.network_id, "run_id": snap.run_id, "nodes": nodes,
                "edges": edges, "communities": len(order)}

    def _store_edges(self, snap: NetworkSnapshot) -> list[dict[str, Any]]:
        """Without an output directory: the edges the store kept for the snapshot's run
        (``run_edges``; a store without runs: its ``edges``) between two members, one row per
        pair with its traces (no per-trace counts there). Empty when the store has no such
        table or it is in use."""
        con = self._connect(snap.run_id)
        if con is None:
            return []
        import duckdb

        try:
            kept = bool(con.execute("SELECT 1 FROM information_schema.tables "
                                    "WHERE table_name = 'run_edges'").fetchall())
            con.register("m", self._members_table(snap.members))
            source = ("(SELECT * FROM run_edges WHERE run_id = $run)" if kept else "edges")
            got = con.execute(
                "SELECT ia.platform, ia.account_id, ib.platform, ib.account_id, e.weight,"
                f" e.traces FROM {source} e"
                " JOIN account_index ia ON e.aid_a = ia.aid"
                " JOIN account_index ib ON e.aid_b = ib.aid"
                " JOIN m ma ON ma.platform = ia.platform AND ma.account_id = ia.account_id"
                " JOIN m mb ON mb.platform = ib.platform AND mb.account_id = ib.account_id"
                " ORDER BY 1, 2, 3, 4", {"run": snap.run_id} if kept else {}).fetchall()
        except duckdb.Error:
            return []
        finally:
            con.close()
        out: list[dict[str, Any]] = []
        for pa_, aa, pb, ab, w, traces in got:
            for i, tr in enumerate(traces or ["link"]):
                out.append({"platform_a": pa_, "account_id_a": aa, "platform_b": pb,
                            "account_id_b": ab, "trace": tr, "n_coactions": 0,
                            "weight": (w or 0.0) if i == 0 else 0.0})
        return out

    # ---- posts ---------------------------------------------------------------------------------

    def _connect(self, run_id: str) -> Any:
        store = self._files(run_id).store
        if store is None:
            return None
        import duckdb

        try:
            return duckdb.connect(str(store), read_only=True)
        except duckdb.Error:  # in use by a writer: no posts this time
            return None

    @staticmethod
    def _members_table(members: Iterable[Member]) -> Any:
        import pyarrow as pa

        ms = list(members)
        return pa.table({"platform": [m.platform for m in ms],
                         "account_id": [m.account_id for m in ms]})

    def activity(self, snap: NetworkSnapshot, utc_offset: float | None = None) -> dict[str, Any]:
        """The members' posting clock (posts per weekday and hour, in UTC+``utc_offset``, the
        inferred zone when known) and their daily posts per platform."""
        con = self._connect(snap.run_id)
        offset = utc_offset or 0.0
        if con is None:
            return {"available": False, "offset": offset}
        try:
            con.register("m", self._members_table(snap.members))
            shift = int(round(offset * 3600))
            clock_rows = con.execute(
                "SELECT isodow(t) - 1 AS d, hour(t) AS h, count(*) FROM ("
                " SELECT p.created_at + to_seconds(?) AS t FROM posts p"
                " JOIN m ON p.platform = m.platform AND p.account_id = m.account_id"
                " WHERE p.created_at IS NOT NULL) GROUP BY 1, 2 ORDER BY 1, 2",
                [shift]).fetchall()
            day_rows = con.execute(
                "SELECT p.platform, CAST(date_trunc('day', p.created_at) AS DATE) AS day,"
                " count(*) FROM posts p"
                " JOIN m ON p.platform = m.platform AND p.account_id = m.account_id"
                " WHERE p.created_at IS NOT NULL GROUP BY 1, 2 ORDER BY 2, 1").fetchall()
        finally:
            con.close()
        grid = [[0] * 24 for _ in range(7)]
        for d, h, c in clock_rows:
            grid[int(d)][int(h)] = int(c)
        days = sorted({r[1] for r in day_rows})
        platforms = sorted({r[0] for r in day_rows})
        series = {p: [0] * len(days) for p in platforms}
        pos = {d: i for i, d in enumerate(days)}
        for p, d, c in day_rows:
            series[p][pos[d]] = int(c)
        return {"available": True, "offset": offset, "clock": grid,
                "clock_max": max((max(r) for r in grid), default=0),
                "days": [d.isoformat() for d in days], "series": series,
                "total": sum(sum(r) for r in grid)}

    def top_items(self, snap: NetworkSnapshot, limit: int = TOP_ITEMS) -> dict[str, Any]:
        """The texts, URLs and hashtags most members posted (accounts, then posts)."""
        con = self._connect(snap.run_id)
        if con is None:
            return {"available": False}
        out: dict[str, Any] = {"available": True}
        try:
            con.register("m", self._members_table(snap.members))
            base = ("FROM posts p JOIN m ON p.platform = m.platform"
                    " AND p.account_id = m.account_id")
            q = ("SELECT item, count(DISTINCT p.platform || ':' || p.account_id) AS accounts,"
                 " count(*) AS posts {base} {extra} GROUP BY item"
                 " ORDER BY accounts DESC, posts DESC, item LIMIT ?")
            out["texts"] = con.execute(
                q.format(base="FROM (SELECT p.*, p.text AS item " + base + ") p", extra=
                         "WHERE item IS NOT NULL AND length(trim(item)) > 0"
                         " AND p.reshare_of IS NULL"), [limit]).fetchall()
            out["urls"] = con.execute(
                q.format(base="FROM (SELECT p.*, unnest(p.urls) AS item " + base + ") p",
                         extra=""), [limit]).fetchall()
            out["hashtags"] = con.execute(
                q.format(base="FROM (SELECT p.*, lower(unnest(p.hashtags)) AS item " + base
                         + ") p", extra=""), [limit]).fetchall()
        finally:
            con.close()
        return out

    def item_posts(self, snap: NetworkSnapshot, kind: str, value: str,
                   limit: int = 200) -> list[dict[str, Any]]:
        """The members' posts of one item (``kind`` text, url or hashtag), oldest first, each
        with its differences from the first text and the seconds since the first post."""
        if kind not in ("text", "url", "hashtag"):
            from ..cases.errors import ValidationFailed

            raise ValidationFailed(f"unknown item kind {kind!r}", remedy="text, url or hashtag")
        con = self._connect(snap.run_id)
        if con is None:
            return []
        cond = {"text": "p.text = ?", "url": "list_contains(p.urls, ?)",
                "hashtag": "list_contains(list_transform(p.hashtags, lambda x: lower(x)), lower(?))"
                }[kind]
        try:
            con.register("m", self._members_table(snap.members))
            rows = con.execute(
                "SELECT p.platform, p.post_id, p.account_id, p.created_at, p.text, p.urls,"
                " p.hashtags, p.reshare_of, p.reply_to, p.lang FROM posts p JOIN m"
                " ON p.platform = m.platform AND p.account_id = m.account_id"
                f" WHERE {cond} ORDER BY p.created_at, p.platform, p.post_id LIMIT ?",
                [value, limit]).fetchall()
        finally:
            con.close()
        cols = ("platform", "post_id", "account_id", "created_at", "text", "urls", "hashtags",
                "reshare_of", "reply_to", "lang")
        out: list[dict[str, Any]] = []
        first_text, first_t = None, None
        for r in rows:
            d = dict(zip(cols, r, strict=True))
            t = d["created_at"]
            if first_t is None:
                first_t, first_text = t, d["text"] or ""
            d["after_s"] = (t - first_t).total_seconds() if t is not None and first_t else None
            d["created_at"] = _iso(t)
            d["diff"] = text_diff(first_text or "", d["text"] or "")[1]
            d["ref"] = f"{d['platform']}:{d['account_id']}"
            out.append(d)
        return out

    def posts(self, run_id: str, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str],
                                                                         dict[str, Any]]:
        """Posts by (platform, post_id)."""
        import pyarrow as pa

        ks = sorted(set(keys))
        con = self._connect(run_id)
        if con is None or not ks:
            if con is not None:
                con.close()
            return {}
        try:
            con.register("k", pa.table({"platform": [k[0] for k in ks],
                                        "post_id": [k[1] for k in ks]}))
            rows = con.execute(
                "SELECT p.platform, p.post_id, p.account_id, p.created_at, p.text, p.urls,"
                " p.hashtags, p.reshare_of, p.reply_to, p.lang FROM posts p"
                " JOIN k ON p.platform = k.platform AND p.post_id = k.post_id").fetchall()
        finally:
            con.close()
        cols = ("platform", "post_id", "account_id", "created_at", "text", "urls", "hashtags",
                "reshare_of", "reply_to", "lang")
        out = {}
        for r in rows:
            d = dict(zip(cols, r, strict=True))
            d["created_at"] = _iso(d["created_at"])
            out[(d["platform"], d["post_id"])] = d
        return out

    def pair(self, snap: NetworkSnapshot, a: AccountRef, b: AccountRef) -> list[dict[str, Any]]:
        """The pair's co-actions, trace by trace, with both posts and their differences."""
        evidence = self.source.pair_evidence(snap.network_id, a, b, snap.run_id)
        keys: list[tuple[str, str]] = []
        for e in evidence:
            for it in e.items:
                keys.append((e.a.platform, str(it.get("post_id_a"))))
                keys.append((e.b.platform, str(it.get("post_id_b"))))
        posts = self.posts(snap.run_id, keys)
        out = []
        for e in sorted(evidence, key=lambda e: (e.trace, str(e.a))):
            rows = []
            for it in e.items:
                pa_ = posts.get((e.a.platform, str(it.get("post_id_a"))))
                pb_ = posts.get((e.b.platform, str(it.get("post_id_b"))))
                da, db, ratio = text_diff((pa_ or {}).get("text") or "",
                                          (pb_ or {}).get("text") or "")
                rows.append({"key": it.get("key"), "dt_s": it.get("dt_s"),
                             "post_id_a": it.get("post_id_a"), "post_id_b": it.get("post_id_b"),
                             "a": pa_, "b": pb_, "diff_a": da, "diff_b": db,
                             "similarity": ratio})
            out.append({"a": str(e.a), "b": str(e.b), "trace": e.trace,
                        "window_s": e.window_s, "n_coactions": e.n_coactions, "coactions": rows})
        return out

    # ---- accounts ------------------------------------------------------------------------------

    def account(self, ref: AccountRef, limit: int = ACCOUNT_POSTS) -> dict[str, Any]:
        """An account's profile (the store's accounts table), daily posts, latest posts, and
        the networks it is a member of, run by run, with its fingerprints there."""
        networks: list[dict[str, Any]] = []
        profile: dict[str, Any] | None = None
        days: list[tuple[str, int]] = []
        posts: list[dict[str, Any]] = []
        n_posts = 0
        seen_store: set[Path] = set()
        for run in self.source.runs():
            rf = self._files(run.run_id)
            row = rf.accounts.get((ref.platform, ref.account_id))
            if row is not None and row.get("network_id"):
                networks.append({"run_id": run.run_id, "run_created_at": run.created_at,
                                 "network_id": row["network_id"],
                                 "assessment": row.get("assessment", ""), "row": row})
            if profile is None and rf.store is not None and rf.store not in seen_store:
                seen_store.add(rf.store)
                got = self._account_posts(run.run_id, ref, limit)
                if got is not None:
                    profile, days, posts, n_posts = got
        return {"ref": str(ref), "platform": ref.platform, "account_id": ref.account_id,
                "profile": profile, "days": days, "posts": posts, "n_posts": n_posts,
                "networks": networks}

    def _account_posts(self, run_id: str, ref: AccountRef, limit: int) -> tuple[
            dict[str, Any], list[tuple[str, int]], list[dict[str, Any]], int] | None:
        con = self._connect(run_id)
        if con is None:
            return None
        try:
            cur = con.execute(
                "SELECT handle, display_name, created_at, followers, following, bio, lang,"
                " location, profile_image_hash FROM accounts WHERE platform = ? AND account_id = ?"
                " LIMIT 1", [ref.platform, ref.account_id])
            prow = cur.fetchone()
            cols = [c[0] for c in cur.description or []]
            days = con.execute(
                "SELECT CAST(date_trunc('day', created_at) AS DATE), count(*) FROM posts"
                " WHERE platform = ? AND account_id = ? AND created_at IS NOT NULL"
                " GROUP BY 1 ORDER BY 1", [ref.platform, ref.account_id]).fetchall()
            rows = con.execute(
                "SELECT post_id, created_at, text, urls, hashtags, reshare_of, reply_to, lang"
                " FROM posts WHERE platform = ? AND account_id = ?"
                " ORDER BY created_at DESC NULLS LAST, post_id LIMIT ?",
                [ref.platform, ref.account_id, limit]).fetchall()
        finally:
            con.close()
        if prow is None and not days:
            return None
        profile = dict(zip(cols, prow, strict=True)) if prow else {}
        if profile.get("created_at") is not None:
            profile["created_at"] = _iso(profile["created_at"])
        pcols = ("post_id", "created_at", "text", "urls", "hashtags", "reshare_of", "reply_to",
                 "lang")
        posts = [dict(zip(pcols, r, strict=True)) for r in rows]
        for p in posts:
            p["created_at"] = _iso(p["created_at"])
        return (profile, [(d.isoformat(), int(c)) for d, c in days], posts,
                sum(int(c) for _, c in days))


def _num(v: str | None) -> float | None:
    if v in (None, ""):
        return None
    try:
        return float(v)
    except ValueError:
        return None


def _iso(t: Any) -> str | None:
    if t is None:
        return None
    if isinstance(t, dt.datetime):
        if t.tzinfo is None:
            t = t.replace(tzinfo=dt.UTC)
        return t.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(t)
