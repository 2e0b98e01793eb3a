"""``summary.md``: what a detection run found and why, for a person to read first.

Every value that comes from the data or the user (ids, handles, keys, file names, reasons that
quote them, seed values) goes through :func:`cibwatch.escape.markdown`: it is shown as the
characters it holds, never rendered as Markdown or HTML (no link, image, heading or script).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..escape import markdown
from ..traces import TRACES

if TYPE_CHECKING:
    from ..pipeline import DetectResult
    from ..store import Store
    from ..summaries import NetworkFindings
    from .outputs import OutputPaths

__all__ = ["write_summary"]

#: Networks described one by one in the summary (all are in networks.csv).
DETAILED_NETWORKS = 10


def _md(v: Any) -> str:
    """A value in Markdown: numbers as they are, text escaped."""
    if v is None:
        return ""
    if isinstance(v, int | float):
        return str(v)
    return markdown(v)


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g} {unit}"
    return f"{seconds:g} s"


def _table(header: list[str], rows: list[list[Any]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_md(v) for v in r) + " |" for r in rows]
    return "\n".join(out)


def write_summary(store: Store, result: DetectResult, run: dict[str, Any],
                  paths: OutputPaths, findings: list[NetworkFindings] | None = None) -> None:
    """Write ``summary.md`` of the run in the stage tables; its networks are ``findings``
    (default: :func:`cibwatch.summaries.network_findings`), formatted here, not computed."""
    from ..summaries import network_findings, top_items_text, trace_text, traces_text

    nets = network_findings(store) if findings is None else findings
    cfg = result.config
    lines: list[str] = ["# cibwatch: detection summary", ""]
    if cfg.significance:
        rule = (f"more often than chance would make them: each pair is tested against a null "
                f"model of chance co-action (given how popular each item was at the time and "
                f"how active each account is), and kept when its Benjamini-Hochberg q-value "
                f"is at most {cfg.fdr:g} ({result.n_significant:,} pairs)")
    else:
        rule = f"with weight >= {cfg.min_weight_used:g} ({cfg.weight}), with no significance test"
    grouping = (f"networks are Leiden communities of at least {cfg.min_size} accounts"
                if run.get("expansion") is None else
                "the network is grown from the seeds (see *Seeds and expansion*)")
    lines.append(
        f"**{result.n_networks} network(s)** of coordinated accounts "
        f"({result.n_members} accounts) among {result.n_posts:,} posts by "
        f"{result.n_accounts:,} accounts. An account pair is linked when the two acted "
        f"together (same item, within the window) {rule}; {grouping}."
    )
    lines.append("")
    if cfg.assess:
        lines.append(
            f"**{result.n_inauthentic} network(s) assessed `inauthentic`**: coordinated, and "
            "with evidence of fake or concealed identity from at least two independent "
            "families (an office-shift posting clock or machine regularity; repurposed, "
            "bulk-created or generated-handle accounts; reused profile images or bios, or "
            "claimed homes far from the clock's time zone; engagement from inside only). "
            "These are takedown candidates, for review. `coordinated` means coordinated "
            "behaviour without such evidence: authentic groups (fandoms, activists, news "
            "aggregators) coordinate too. Each reason carries a DISARM technique id where one "
            "fits."
        )
    else:
        lines.append(
            "Networks were not assessed (`--no-assess`): `coordinated` means coordinated "
            "behaviour only. Review the evidence before acting."
        )
    if run.get("expansion") is not None:
        lines[0] = "# cibwatch: expansion summary"
        lines += [""] + _expansion_lines(run["expansion"])
    if run.get("run_id"):
        lines += ["", f"Run `{run['run_id']}` of the store (`cibwatch runs --db STORE` lists "
                  "every run; networks keep their ids across runs)."]
    lines += ["", "## Inputs", ""]
    lines.append(
        _table(
            ["file", "format", "records read", "loaded", "rejected"],
            [[s["path"], s["format"], s["rows_read"], s["rows_loaded"], s["rows_rejected"]]
             for s in run["sources"]],
        )
    )
    converted = [(s["path"], k, n) for s in run["sources"]
                 for k, n in sorted(s.get("conversions", {}).items())]
    if converted:
        lines += ["", "Values converted while reading (the time rule, docs/ADAPTERS.md): "
                  + "; ".join(f"{_md(p)}: {n:,} value(s) ({_md(k)})" for p, k, n in converted) + "."]
    rejected = run["counts"]["rejected_records"]
    if rejected:
        lines += ["", f"{rejected} record(s) could not be loaded: `rejects.csv` lists each with "
                      "its file, line, field and the reason. The good records were kept."]
    lines += ["", "## Traces", ""]
    rows = []
    for t in cfg.traces:
        c = result.trace_counts.get(t.name, {})
        wins = ", ".join(_duration(w) for w in c.get("windows_s", []))
        if c.get("window_estimated"):
            wins += " (estimated)"
        rows.append([t.name, TRACES[t.name].summary, wins,
                     c.get("actions", 0), c.get("coactions", 0), c.get("pairs", 0),
                     c.get("bounded_keys", 0)])
    lines.append(_table(["trace", "accounts that ...", "window", "actions", "co-actions",
                         "account pairs", "bounded keys"], rows))
    lines += ["", f"Account pairs kept after fusion and filters: {result.n_edges:,}."]
    lines += ["", "## Networks", ""]
    if not nets:
        lines.append("No network passed the filters.")
    else:
        lines.append(
            _table(["network", "id", "assessment", "kind", "score", "accounts", "platforms",
                    "linked pairs", "co-actions", "median time apart (s)", "clock", "traces"],
                   [[n.label, n.network_id, n.assessment, n.kind, n.score, n.size,
                     n.platforms_text, n.n_edges, n.n_coactions, n.median_dt_s,
                     "" if n.utc_offset is None else f"UTC{n.utc_offset:+g}",
                     traces_text(n.traces)] for n in nets[:50]])
        )
        if len(nets) > 50:
            lines.append(f"\n... and {len(nets) - 50} more in `networks.csv`.")
    for n in nets[:DETAILED_NETWORKS]:
        nid = n.network_id
        lines += ["", f"### {n.label}: {n.size} accounts, {n.assessment}"
                  + (f" ({n.kind.replace('_', ' ')}, score {n.score:g})" if cfg.assess else ""),
                  "", f"Network id `{nid}` (the same in every run that finds these members).",
                  ""]
        if n.assessment_reasons:
            lines += ["Why: " + _md(n.assessment_reasons) + ".", ""]
        if n.clock:
            lines += [f"Posting clock: {_md(n.clock)}.", ""]
        pics = paths.pictures.get(nid, {})
        if pics:
            lines += [" ".join(f"![{k}]({v})" for k, v in pics.items()), ""]
        lines.append(f"Acting together: {_md(trace_text(n.traces))}. Median time apart "
                     f"{n.median_dt_s} s.")
        top = top_items_text(n.top_items)
        if top:
            lines += ["", "Most shared items: " + _md(top)]
        members = store.fetchall(
            """
            SELECT platform || ':' || account_id || coalesce(' (@' || handle || ')', ''),
                   degree, n_coacting_posts
            FROM member_stats WHERE network_id = ?
            ORDER BY degree DESC, n_coacting_posts DESC, platform, account_id LIMIT 10
            """,
            [nid],
        )
        lines += ["", "Most linked members: " + ", ".join(
            f"{_md(m[0])} ({m[1]} partners)" for m in members)]
        ev = store.fetchall(
            """
            SELECT c.trace, pa.platform || ':' || pa.account_id, pa.post_id,
                   strftime(pa.created_at, '%Y-%m-%d %H:%M:%S'),
                   pb.platform || ':' || pb.account_id, pb.post_id,
                   strftime(pb.created_at, '%Y-%m-%d %H:%M:%S'), c.dt / 1e6
            FROM net_co c JOIN posts pa ON pa.pid = c.pid_a JOIN posts pb ON pb.pid = c.pid_b
            WHERE c.network_id = ?
            ORDER BY c.dt, c.pid_a, c.pid_b, c.trace, c.key LIMIT 3
            """,
            [nid],
        )
        if ev:
            lines += ["", _table(["trace", "account", "post", "at (UTC)", "account", "post",
                                  "at (UTC)", "apart (s)"], [list(e) for e in ev])]
    bounded = store.fetchall(
        "SELECT trace, key, n_actions, n_accounts, n_bounded_actions FROM bounded_keys "
        "ORDER BY n_bounded_actions DESC, trace, key, win LIMIT 10"
    )
    lines += ["", "## Hot keys bounded by the window join", ""]
    if cfg.max_neighbours is None:
        lines.append("No bound was set: every pair of actions within the window was compared.")
    elif not bounded:
        lines.append(f"None: no key had more than {cfg.max_neighbours + 1} actions within one "
                     "window, so every co-action was counted.")
    else:
        lines.append(
            f"On {result.n_bounded_keys} key(s) more than {cfg.max_neighbours + 1} actions fell "
            f"within one window; there each action was paired with its {cfg.max_neighbours} "
            "closest predecessors only (`bounded_keys.csv` lists them all):"
        )
        lines += ["", _table(["trace", "key", "actions", "accounts", "actions bounded"],
                             [[b[0], str(b[1])[:80], b[2], b[3], b[4]] for b in bounded])]
    lines += [
        "",
        "## Files",
        "",
        "- `networks.csv`: one row per network, with its scores and reasons",
        "- `accounts.csv`: one row per member, with its scores and reasons",
        "- `edges.parquet`: one row per account pair and trace, with counts and example "
        "evidence (post ids)",
        "- `bounded_keys.csv`: keys where the hot-key bound took effect",
        "- `run.json`: parameters and counts",
    ]
    if paths.pictures:
        lines.append(f"- `networks/`: posting clock, activity timeline and graph of the "
                     f"{len(paths.pictures)} largest network(s) (PNG)")
    if paths.rejects is not None:
        lines.append("- `rejects.csv`: input records that could not be loaded")
    if paths.graphml is not None:
        lines.append("- `network.graphml`: the fused account graph")
    lines += [
        "",
        "Every co-action behind a pair can be listed from the store: "
        "`cibwatch evidence --db STORE PLATFORM:ACCOUNT PLATFORM:ACCOUNT`.",
        "",
        "## Parameters",
        "",
        ("windows estimated from the data per trace" if cfg.auto_window
         else "each trace's own windows (table above)" if cfg.window_s is None
         else f"window {cfg.window_s:g} s")
        + (f" (per trace: { {k: list(v) for k, v in cfg.trace_windows.items()} })"
           if cfg.trace_windows else "")
        + (f"; significance test on, FDR {cfg.fdr:g}" if cfg.significance
           else "; no significance test")
        + f"; weight {cfg.weight} >= {cfg.min_weight_used:g}; min network size {cfg.min_size}; "
        f"min participation {cfg.min_participation}; hot-key bound "
        f"{cfg.max_neighbours if cfg.max_neighbours is not None else 'none'}; self-loops "
        f"{'on' if cfg.self_loops else 'off'}; Leiden resolution {cfg.resolution:g}, "
        f"seed {cfg.seed}.",
        "",
    ]
    paths.summary.write_text("\n".join(lines))


def _expansion_lines(x: dict[str, Any]) -> list[str]:
    """The seeds and hops of an expansion (``cibwatch expand``)."""
    lines = ["## Seeds and expansion", ""]
    lines.append(
        f"{x['seeds_given']} seed(s) matched {x['seed_accounts']} account(s) in the store; "
        "the network grew hop by hop. At each hop an outside account joined when its pair "
        "with a member passed the significance test, when its co-actions with the network "
        "as a whole were beyond chance (Benjamini-Hochberg over all outside accounts), or "
        "when it belongs to a community of linked accounts whose co-actions with the network "
        "were beyond chance (Benjamini-Hochberg over the communities). Expansion stopped "
        f"when a hop added nobody or at the hop limit: {x['accounts']} accounts in all. "
        "`accounts.csv` ranks them (seeds first, then by hop and p-value) with a "
        "confidence (1 - q; seeds 1), the hop and the proximity to the seeds (personalised "
        "PageRank, largest = 1).")
    lines += ["", _table(["hop", "accounts"], [[k, v] for k, v in x["found_per_hop"].items()])]
    if x["seeds_unresolved"]:
        lines += ["", f"{len(x['seeds_unresolved'])} seed(s) matched nothing in the store:", ""]
        lines += [f"- line {_md(u['line'])}: {_md(u['type'])} \u201c{_md(u['value'])}\u201d"
                  + (f" ({_md(u['platform'])})" if u["platform"] else "")
                  for u in x["seeds_unresolved"][:50]]
    if x.get("seed_rows_rejected"):
        lines += ["", f"{len(x['seed_rows_rejected'])} seed row(s) could not be read:", ""]
        lines += [f"- {_md(m)}" for m in x["seed_rows_rejected"][:50]]
    return lines
