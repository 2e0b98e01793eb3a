"""Seed expansion on simulated worlds: from 4 accounts of an operation on one platform.

    .venv/bin/python evaluation/expansion.py [--seeds 1,2,3] [--scale 1] [--out DIR]

For each world seed: simulate the world (or reuse ``DIR/world-N``), run ``detect`` once to
prepare the store (or reuse ``DIR/prepared-N``; the worlds are those of
``evaluation/simulated.py`` with the same ``--out``), then for each planted operation and each
platform where it has at least 8 accounts, draw 4 of its accounts on that platform at random
(seeded) and run ``cibwatch expand`` from them on a copy of the store. Measured against
``truth.csv``:

- recall on the seed platform: share of the operation's accounts on that platform found;
- precision: share of the accounts found (seeds included) that belong to the operation;
- other platforms: the operation's accounts found on them, and how many were found in all;
- the wall time of ``expand`` on the prepared store (the co-action tables reused).

Writes ``DIR/expansion.json`` and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

from common import CLI, ROOT, run


def prepare(seed: int, scale: float, out: Path) -> tuple[Path, Path]:
    world, res = out / f"world-{seed}", out / f"prepared-{seed}"
    if not (world / "truth.csv").exists():
        run([*CLI, "simulate", "--out", str(world), "--seed", str(seed), "--scale", str(scale)])
    if not (res / "store.duckdb").exists():
        run([*CLI, "detect", str(world / "posts.parquet"), "--accounts",
             str(world / "accounts.parquet"), "--out", str(res), "--pictures", "0"])
    return world, res


def one_world(seed: int, scale: float, out: Path) -> list[dict[str, Any]]:
    world, res = prepare(seed, scale, out)
    with open(world / "truth.csv", newline="", encoding="utf-8") as fh:
        truth = {(r["platform"], r["account_id"]): r["group"] for r in csv.DictReader(fh)}
    rows = []
    ops = sorted({g for g in truth.values() if g.startswith("op_")})
    for op in ops:
        members = sorted(k for k, g in truth.items() if g == op)
        per_platform = Counter(p for p, _ in members)
        for platform, n in sorted(per_platform.items()):
            if n < 8:
                continue
            rng = random.Random(f"{seed}:{op}:{platform}")
            seeds = rng.sample([k for k in members if k[0] == platform], 4)
            work = out / f"expand-{seed}-{op}-{platform}"
            work.mkdir(parents=True, exist_ok=True)
            seeds_csv = work / "seeds.csv"
            with open(seeds_csv, "w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh)
                w.writerow(["platform", "account_id"])
                w.writerows(seeds)
            db = work / "store.duckdb"
            shutil.copy(res / "store.duckdb", db)
            # the first expansion on a store copied from a detect run of the same settings
            # reuses its co-action tables: this is the time an analyst waits per expansion
            secs = run([*CLI, "expand", "--seeds", str(seeds_csv), "--db", str(db), "--out",
                        str(work / "out"), "--pictures", "0"])
            with open(work / "out" / "accounts.csv", newline="", encoding="utf-8") as fh:
                found = {(r["platform"], r["account_id"]): int(r["hop"])
                         for r in csv.DictReader(fh)}
            db.unlink()
            mine = set(members)
            on_platform = {k for k in mine if k[0] == platform}
            hit = set(found) & mine
            others = Counter(p for p, _ in hit if p != platform)
            rows.append({
                "seed": seed, "operation": op, "platform": platform,
                "accounts_on_platform": len(on_platform),
                "recall_on_platform": round(len(hit & on_platform) / len(on_platform), 4),
                "found": len(found),
                "precision": round(len(hit) / len(found), 4) if found else 0.0,
                "recall_all_platforms": round(len(hit) / len(mine), 4),
                "other_platforms_found": dict(sorted(others.items())),
                "other_platforms_total": dict(sorted(Counter(
                    p for p, _ in mine if p != platform).items())),
                "false_positives_by_group": dict(Counter(
                    truth.get(k, "?") for k in found if k not in mine)),
                "hops": max(found.values()) if found else 0,
                "expand_s": round(secs, 2),
            })
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--out", type=Path, default=ROOT / "evaluation" / "results" / "simulated")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = [r for s in args.seeds.split(",") for r in one_world(int(s), args.scale, args.out)]
    keys = ["seed", "operation", "platform", "accounts_on_platform", "recall_on_platform",
            "precision", "found", "recall_all_platforms", "other_platforms_found",
            "false_positives_by_group", "hops", "expand_s"]
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for r in rows:
        print("| " + " | ".join(str(r[k]) for k in keys) + " |")
    (args.out / "expansion.json").write_text(json.dumps(
        {"scale": args.scale, "rows": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
