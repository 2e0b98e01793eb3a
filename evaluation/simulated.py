"""Detection quality on simulated worlds: simulate, detect, evaluate, for several seeds.

    .venv/bin/python evaluation/simulated.py --seeds 1,2,3 [--scale 1] [--out DIR]
        [-- detect options, e.g. --trace-window url=60s,1d]

Prints one row per seed and the mean, and writes ``DIR/simulated.json`` (per seed: the
evaluation report of ``cibwatch evaluate`` and the detection run's counts). Everything goes
through the command line, as a user would run it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "cibwatch.cli"]

AUTHENTIC = ("organic", "breaking_news", "fandom", "activists", "news_aggregators")


def run(cmd: list[str]) -> float:
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr[-3000:]}")
    return time.perf_counter() - t


def one_seed(seed: int, scale: float, out: Path, detect_args: list[str]) -> dict[str, Any]:
    world = out / f"world-{seed}"
    res = out / f"detect-{seed}"
    t_sim = run([*CLI, "simulate", "--out", str(world), "--seed", str(seed),
                 "--scale", str(scale)])
    t_det = run([*CLI, "detect", str(world / "posts.parquet"), "--accounts",
                 str(world / "accounts.parquet"), "--out", str(res), *detect_args])
    run([*CLI, "evaluate", str(res), "--truth", str(world / "truth.csv")])
    rep = json.loads((res / "evaluation.json").read_text())
    runinfo = json.loads((res / "run.json").read_text())
    return {"seed": seed, "simulate_s": round(t_sim, 1), "detect_s": round(t_det, 1),
            "posts": runinfo["counts"]["posts"], "evaluation": rep}


def row(r: dict[str, Any]) -> dict[str, Any]:
    g = r["evaluation"]["groups"]
    s = r["evaluation"]["summary"]
    out: dict[str, Any] = {"seed": r["seed"], "posts": r["posts"]}
    for name, e in sorted(g.items()):
        if name.startswith("op_"):
            out[f"{name} recall"] = e["recall"]
            out[f"{name} precision"] = e["precision_attributed"]
            out[f"{name} completeness"] = e["completeness"]
    for name in AUTHENTIC:
        if name in g:
            out[f"{name} FPR"] = g[name]["rate_in_networks"]
    if "spam" in g:
        out["spam in networks"] = g["spam"]["rate_in_networks"]
    out["networks"] = s["networks"]
    out["purity"] = s["purity_weighted"]
    out["purity min"] = s["purity_min"]
    out["detect s"] = r["detect_s"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--out", type=Path, default=ROOT / "evaluation" / "results" / "simulated")
    ap.add_argument("detect_args", nargs="*", help="extra options for cibwatch detect")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results = [one_seed(int(s), args.scale, args.out, args.detect_args)
               for s in args.seeds.split(",")]
    rows = [row(r) for r in results]
    keys = list(rows[0])
    mean = {k: (round(sum(r[k] for r in rows) / len(rows), 4)
                if all(isinstance(r.get(k), int | float) for r in rows) else "")
            for k in keys}
    mean["seed"] = "mean"
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for r in [*rows, mean]:
        print("| " + " | ".join(str(r.get(k, "")) for k in keys) + " |")
    (args.out / "simulated.json").write_text(json.dumps(
        {"scale": args.scale, "detect_args": args.detect_args, "rows": rows, "mean": mean,
         "runs": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
