"""Detection quality over the scenario family (issue 10): simulate, detect, evaluate, expand.

    .venv/bin/python evaluation/scenarios.py --split tune|heldout|all [--scenarios 3,7]
        [--world-dir DIR ...] [--jobs 1] [--out DIR] [--keep-stores] [--extra=--OPTION ...]

For each scenario seed of the split: ``cibwatch simulate --scenario N`` (a world already in
``OUT/sN/world`` is reused: the same seed gives the same bytes), ``cibwatch detect`` with its
defaults (``--pictures 0``: no drawings, the same detection), ``cibwatch evaluate`` (with the
posts and the period's start, for the operations' eligibility), and for each seeds file of
the world (``seeds/<op>_<platform>_four.csv``) ``cibwatch expand --seeds FILE --db
OUT/.../detect/store.duckdb`` and its evaluation. ``--world-dir DIR`` evaluates a world
prepared elsewhere the same way (``posts.parquet``, ``accounts.parquet``, ``truth.csv``;
``seeds/*.csv`` when present; the period's start from ``scenario.json`` or ``world.json`` when
present): the independent generator's worlds are given this way, and reported apart.

**Splits** (fixed; the held-out seeds are never used to tune the detector or the family):

- ``tune``: scenarios 1-20 (:data:`TUNE`), for development;
- ``heldout``: scenarios 101-140 (:data:`HELDOUT`), reported only;
- ``all``: both.

**Pooled figures**, over the scenarios run, each with a Wilson 95 % interval
(:func:`cibwatch.evaluate.wilson`), against issue 10's targets:

- eligible operations (>= 10 accounts, median member >= 3 posts in the period): recall pooled
  over their accounts, and the share of them with recall >= 0.9 (the target: every one);
- ``inauthentic`` precision: accounts in networks assessed ``inauthentic`` that belong to an
  operation or to spam, pooled (target >= 0.98);
- per authentic group type (``fandom_2`` counts as ``fandom``): share of its accounts in a
  network (<= 0.5 %) and assessed ``inauthentic`` (<= 0.2 %);
- expansion from four seeds of an eligible operation: recall on the seeds' platform (>= 0.9)
  and precision (>= 0.95), pooled over the cases and as the share of cases meeting both.

Writes ``OUT/scenarios.json`` (every row and the pooled figures) and ``OUT/scenarios.md`` (the
tables), and prints the Markdown. Each scenario's store is deleted after its expansions
unless ``--keep-stores`` (a store is about as large as the world).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from common import CLI, ROOT, run

from cibwatch.evaluate import group_type, wilson

#: Scenario seeds to tune on.
TUNE = tuple(range(1, 21))
#: Scenario seeds nobody tunes on.
HELDOUT = tuple(range(101, 141))
SPLITS = {"tune": TUNE, "heldout": HELDOUT, "all": TUNE + HELDOUT}

#: Issue 10's targets.
RECALL_MIN = 0.9
INAUTHENTIC_PRECISION_MIN = 0.98
AUTHENTIC_IN_NETWORKS_MAX = 0.005
AUTHENTIC_INAUTHENTIC_MAX = 0.002
EXPAND_RECALL_MIN = 0.9
EXPAND_PRECISION_MIN = 0.95


def _timed(cmd: list[str]) -> float:
    return round(run(cmd), 1)


def _since(world: Path) -> str | None:
    """The period's start of a prepared world, when it says."""
    for name, path in (("scenario.json", ("parameters", "start")),
                       ("world.json", ("config", "world", "start"))):
        f = world / name
        if f.exists():
            value: Any = json.loads(f.read_text())
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            if isinstance(value, str):
                return value
    return None


#: Options added to every detect and expand command (``--extra``).
EXTRA: list[str] = []


def one(name: str, world: Path, work: Path, scenario: int | None,
        keep_store: bool) -> dict[str, Any]:
    """Run and evaluate one world; returns its row (or its error)."""
    try:
        return _one(name, world, work, scenario, keep_store)
    except SystemExit as exc:  # common.run exits with the failed command's error output
        return {"name": name, "scenario": scenario, "error": str(exc)[-2000:]}


def _one(name: str, world: Path, work: Path, scenario: int | None,
         keep_store: bool) -> dict[str, Any]:
    row: dict[str, Any] = {"name": name, "scenario": scenario, "world": str(world)}
    if scenario is not None and not (world / "scenario.json").exists():
        row["simulate_s"] = _timed([*CLI, "simulate", "--scenario", str(scenario), "--out",
                                    str(world)])
    det = work / "detect"
    row["detect_s"] = _timed([*CLI, "detect", str(world / "posts.parquet"), "--accounts",
                              str(world / "accounts.parquet"), "--out", str(det),
                              "--pictures", "0", *EXTRA])
    since = _since(world)
    ev = [*CLI, "evaluate", str(det), "--truth", str(world / "truth.csv"), "--posts",
          str(world / "posts.parquet"), *(["--since", since] if since else [])]
    run(ev)
    rep = json.loads((det / "evaluation.json").read_text())
    runinfo = json.loads((det / "run.json").read_text())
    row["posts"] = runinfo["counts"]["posts"]
    row["summary"] = rep["summary"]
    row["groups"] = {g: {k: v for k, v in e.items() if k not in ("attributed_networks",)}
                     for g, e in rep["groups"].items()}
    if (world / "scenario.json").exists():
        params = json.loads((world / "scenario.json").read_text())["parameters"]
        row["operations"] = {f"op_{o['name']}": {
            k: o[k] for k in ("style", "accounts", "posts_per_member_median", "crew_share",
                              "spread_s", "clock", "languages", "mix", "edit_share")}
            for o in params["operations"]}
    expansions = []
    for seeds in sorted((world / "seeds").glob("*.csv")) if (world / "seeds").exists() else []:
        label = seeds.stem.removesuffix("_four")
        out = work / f"expand_{label}"
        secs = _timed([*CLI, "expand", "--seeds", str(seeds), "--db", str(det / "store.duckdb"),
                       "--out", str(out), "--pictures", "0", *EXTRA])
        run([*CLI, "evaluate", str(out), "--truth", str(world / "truth.csv"), "--seeds",
             str(seeds)])
        e = json.loads((out / "evaluation.json").read_text())["expansion"]
        expansions.append({"case": label, "expand_s": secs, **e})
    row["expansions"] = expansions
    if not keep_store:
        for p in (det / "store.duckdb", det / "store.duckdb.wal"):
            if p.exists():
                p.unlink()
    return row


# -- pooling ----------------------------------------------------------------------------------
def _rate(k: int, n: int) -> dict[str, Any]:
    return {"k": k, "n": n, "rate": round(k / n, 4) if n else None, "ci": wilson(k, n)}


def pool(rows: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in rows if "error" not in r]
    ops = []
    for r in ok:
        for g, e in r["groups"].items():
            if e["kind"] == "operation":
                ops.append({"name": r["name"], "operation": g, "accounts": e["accounts"],
                            "found": e["in_networks"], "inauthentic": e["assessed_inauthentic"],
                            "recall": e["recall"], "inauthentic_recall": e["inauthentic_recall"],
                            "eligible": bool(e.get("eligible")),
                            "median_posts": e.get("median_posts"),
                            **{k: v for k, v in r.get("operations", {}).get(g, {}).items()
                               if k != "accounts"}})
    elig = [o for o in ops if o["eligible"]]
    eligible_names = {(o["name"], o["operation"]) for o in elig}
    out: dict[str, Any] = {
        "scenarios": len(ok), "failed": [r["name"] for r in rows if "error" in r],
        "operations": len(ops), "eligible_operations": len(elig),
        "eligible_recall": _rate(sum(o["found"] for o in elig), sum(o["accounts"] for o in elig)),
        "eligible_recall_ge_0.9": _rate(sum(o["recall"] >= RECALL_MIN for o in elig), len(elig)),
        "eligible_inauthentic_recall": _rate(sum(o["inauthentic"] for o in elig),
                                             sum(o["accounts"] for o in elig)),
        "inauthentic_precision": _rate(sum(r["summary"]["inauthentic_correct"] for r in ok),
                                       sum(r["summary"]["inauthentic_accounts"] for r in ok)),
        "operation_rows": ops,
    }
    spam = [r["groups"]["spam"] for r in ok if "spam" in r["groups"]]
    out["spam_in_networks"] = _rate(sum(e["in_networks"] for e in spam),
                                    sum(e["accounts"] for e in spam))
    out["spam_inauthentic"] = _rate(sum(e["assessed_inauthentic"] for e in spam),
                                    sum(e["accounts"] for e in spam))
    types: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for r in ok:
        for g, e in r["groups"].items():
            if e["kind"] != "authentic":
                continue
            t = types[group_type(g)]
            t[0] += e["accounts"]
            t[1] += e["in_networks"]
            t[2] += e["assessed_inauthentic"]
            t[3] += 1
    out["authentic"] = {t: {"groups": v[3], "in_networks": _rate(v[1], v[0]),
                            "inauthentic": _rate(v[2], v[0])} for t, v in sorted(types.items())}
    cases = [dict(e, name=r["name"]) for r in ok for e in r["expansions"]]
    ecases = [c for c in cases if (c["name"], c["operation"]) in eligible_names]
    out["expansion_cases"] = len(cases)
    out["expansion_eligible_cases"] = len(ecases)
    out["expansion_recall_on_platform"] = _rate(sum(c["found_on_platform"] for c in ecases),
                                                sum(c["accounts_on_platform"] for c in ecases))
    out["expansion_precision"] = _rate(sum(c["found_of_operation"] for c in ecases),
                                       sum(c["found"] for c in ecases))
    out["expansion_cases_meeting_both"] = _rate(
        sum((c["recall_on_platform"] or 0) >= EXPAND_RECALL_MIN
            and (c["precision"] or 0) >= EXPAND_PRECISION_MIN for c in ecases), len(ecases))
    out["expansion_rows"] = cases
    out["targets"] = targets(out)
    return out


def _met(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**met**" if ok else "**not met**")


def _ci_side(r: dict[str, Any], limit: float, at_least: bool) -> str:
    """Whether the whole 95 % interval is on the target's side of the limit."""
    if not r["ci"]:
        return ""
    lo, hi = r["ci"]
    return "yes" if (lo >= limit if at_least else hi <= limit) else "no"


def targets(p: dict[str, Any]) -> list[dict[str, Any]]:
    def fmt(r: dict[str, Any]) -> str:
        if r["rate"] is None:
            return "- (0 of 0)"
        lo, hi = r["ci"]
        return f"{r['rate']:.4f} [{lo:.4f}, {hi:.4f}] ({r['k']:,} of {r['n']:,})"

    rows = []

    def add(target: str, r: dict[str, Any], limit: float, at_least: bool,
            status: str | None = None) -> None:
        ok = None if not r["n"] else (r["rate"] >= limit if at_least else r["rate"] <= limit)
        rows.append({"target": target, "measured": fmt(r), "status": status or _met(ok),
                     "95 % CI on the target's side": _ci_side(r, limit, at_least)})

    share = p["eligible_recall_ge_0.9"]
    add("every eligible operation: recall >= 0.9 (share of them reaching it)", share, 1.0,
        True)
    add("eligible operations' accounts in a network >= 0.9 (pooled)", p["eligible_recall"],
        RECALL_MIN, True)
    ip = p["inauthentic_precision"]
    add("`inauthentic` precision >= 0.98 (pooled)", ip, INAUTHENTIC_PRECISION_MIN, True,
        None if ip["n"] else "**not met** (nothing assessed inauthentic)")
    for t, v in p["authentic"].items():
        add(f"{t}: <= 0.5 % in networks", v["in_networks"], AUTHENTIC_IN_NETWORKS_MAX, False)
        add(f"{t}: <= 0.2 % assessed inauthentic", v["inauthentic"], AUTHENTIC_INAUTHENTIC_MAX,
            False)
    add("expansion: recall on the seeds' platform >= 0.9 (pooled)",
        p["expansion_recall_on_platform"], EXPAND_RECALL_MIN, True)
    add("expansion: precision >= 0.95 (pooled)", p["expansion_precision"],
        EXPAND_PRECISION_MIN, True)
    add("expansion: share of cases meeting both", p["expansion_cases_meeting_both"], 1.0, True)
    return rows


# -- tables -----------------------------------------------------------------------------------
def _md(keys: list[str], rows: list[dict[str, Any]]) -> list[str]:
    out = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    out += ["| " + " | ".join(str(r.get(k, "")) for k in keys) + " |" for r in rows]
    return [*out, ""]


def _fmt_s(x: float) -> str:
    return f"{x / 3600:.1f} h" if x >= 3600 else (f"{x / 60:.0f} min" if x >= 60 else f"{x:.0f} s")


def markdown(title: str, rows: list[dict[str, Any]], p: dict[str, Any]) -> str:
    lines = [f"# Evaluation: {title}", "",
             f"{p['scenarios']} scenario(s) evaluated" + (
                 f"; failed: {', '.join(p['failed'])}" if p["failed"] else "") + ".", "",
             "## Targets (issue 10), pooled", ""]
    lines += _md(["target", "measured", "status", "95 % CI on the target's side"], p["targets"])
    lines += ["## Per scenario", ""]
    srows = []
    for r in rows:
        if "error" in r:
            srows.append({"scenario": r["name"], "posts": "failed"})
            continue
        s = r["summary"]
        auth = [e for e in r["groups"].values() if e["kind"] == "authentic"]
        n_auth = sum(e["accounts"] for e in auth)
        srows.append({
            "scenario": r["name"], "posts": f"{r['posts']:,}",
            "detect s": r["detect_s"],
            "operations (eligible)": f"{len([g for g, e in r['groups'].items() if e['kind'] == 'operation'])}"
                                     f" ({len(s.get('eligible_operations', []))})",
            "eligible recall": s.get("eligible_recall"),
            "inauthentic precision": s["inauthentic_precision"],
            "authentic in networks": round(sum(e["in_networks"] for e in auth) / n_auth, 4)
            if n_auth else None,
            "authentic inauthentic": s["authentic_rate_inauthentic"],
            "spam in networks": r["groups"].get("spam", {}).get("rate_in_networks", "-"),
            "networks": s["networks"],
        })
    lines += _md(list(srows[0]) if srows else ["scenario"], srows)
    lines += ["## Per operation", ""]
    orows = [{"scenario": o["name"], "operation": o["operation"], "style": o.get("style", ""),
              "accounts": o["accounts"], "median posts": o["median_posts"],
              "crew share": o.get("crew_share", ""),
              "spread": _fmt_s(o["spread_s"]) if "spread_s" in o else "",
              "clock": (f"{o['clock']['kind']} UTC{o['clock']['utc_offset']:+g}"
                        if "clock" in o else ""),
              "eligible": "yes" if o["eligible"] else "no", "recall": o["recall"],
              "inauthentic": o["inauthentic_recall"]} for o in p["operation_rows"]]
    lines += _md(list(orows[0]) if orows else ["operation"], orows)
    lines += ["## Authentic groups by type (pooled)", ""]
    arows = [{"type": t, "groups": v["groups"], "accounts": v["in_networks"]["n"],
              "in networks": v["in_networks"]["rate"], "CI": v["in_networks"]["ci"],
              "assessed inauthentic": v["inauthentic"]["rate"], "CI ": v["inauthentic"]["ci"]}
             for t, v in p["authentic"].items()]
    lines += _md(list(arows[0]) if arows else ["type"], arows)
    lines += ["## Expansion from four seeds", ""]
    xrows = [{"scenario": c["name"], "case": c["case"], "accounts there": c["accounts_on_platform"],
              "recall there": c["recall_on_platform"], "overall": c["recall"],
              "precision": c["precision"], "found": c["found"],
              "others": ", ".join(f"{k} {v}" for k, v in c["others_found"].items()) or "-",
              "expand s": c["expand_s"]} for c in p["expansion_rows"]]
    lines += _md(list(xrows[0]) if xrows else ["case"], xrows)
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=sorted(SPLITS), default=None,
                    help="fixed scenario seeds: tune (1-20), heldout (101-140) or all")
    ap.add_argument("--scenarios", default=None,
                    help="comma-separated scenario seeds instead of a split (e.g. 3,7)")
    ap.add_argument("--world-dir", type=Path, action="append", default=[],
                    help="a prepared world (posts.parquet, accounts.parquet, truth.csv); "
                    "repeatable")
    ap.add_argument("--jobs", type=int, default=1, help="scenarios run at once [1]")
    ap.add_argument("--out", type=Path, default=None,
                    help="work and results [evaluation/results/scenarios-SPLIT]")
    ap.add_argument("--keep-stores", action="store_true",
                    help="keep each detection run's store.duckdb")
    ap.add_argument("--extra", action="append", default=[],
                    help="an option for every detect and expand command, e.g. "
                    "--extra=--driver-max-links=0 (repeatable)")
    args = ap.parse_args()
    EXTRA.extend(args.extra)
    seeds: tuple[int, ...] = ()
    if args.scenarios:
        seeds = tuple(int(s) for s in args.scenarios.split(","))
    elif args.split:
        seeds = SPLITS[args.split]
    if not seeds and not args.world_dir:
        ap.error("give --split, --scenarios or --world-dir")
    label = args.split or ("custom" if seeds else "worlds")
    out: Path = args.out or ROOT / "evaluation" / "results" / f"scenarios-{label}"
    out.mkdir(parents=True, exist_ok=True)
    jobs = [(f"s{s}", out / f"s{s}" / "world", out / f"s{s}", s) for s in seeds]
    jobs += [(d.name, d, out / f"world-{d.name}", None) for d in args.world_dir]
    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool_:
        futures = [pool_.submit(one, name, world, work, scen, args.keep_stores)
                   for name, world, work, scen in jobs]
        rows = []
        for f in futures:
            r = f.result()
            rows.append(r)
            status = r.get("error", "").splitlines()[0] if "error" in r else (
                f"{r['posts']:,} posts, detect {r['detect_s']} s, eligible recall "
                f"{r['summary'].get('eligible_recall')}")
            print(f"{r['name']}: {status}", file=sys.stderr, flush=True)
    # the family's scenarios and prepared worlds (the independent generator) are pooled apart
    scen_rows = [r for r in rows if r["scenario"] is not None]
    world_rows = [r for r in rows if r["scenario"] is None]
    result: dict[str, Any] = {"split": label, "seeds": list(seeds),
                              "worlds": [str(d) for d in args.world_dir],
                              "wall_s": round(time.perf_counter() - t0, 1)}
    parts = []
    if scen_rows:
        result["pooled"] = pool(scen_rows)
        parts.append(markdown(f"scenario family, split `{label}`", scen_rows, result["pooled"]))
    if world_rows:
        result["pooled_worlds"] = pool(world_rows)
        parts.append(markdown("prepared worlds (" + ", ".join(
            r["name"] for r in world_rows) + ")", world_rows, result["pooled_worlds"]))
    result["rows"] = rows
    md = "\n".join(parts)
    (out / "scenarios.md").write_text(md + "\n")
    (out / "scenarios.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(md)


if __name__ == "__main__":
    main()
