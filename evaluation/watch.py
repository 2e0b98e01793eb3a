"""The recidivism watch on a simulated comeback (issue 16, item 4).

    .venv/bin/python evaluation/watch.py --seeds 1,2 [--scale 0.3] [--out DIR]
        [--threshold X] [--world-dir DIR ...]

Per seed: the independent generator writes a world with a takedown and a comeback
(``--comeback``: 88 % of the Spamouflage-like operation removed at the end of the main
period, then new accounts, some wearing removed personas, drops with the survivors). Then, as
a platform would live it:

1. the posts and accounts before the takedown are ingested and detection runs
   (``cibwatch ingest``, ``cibwatch detect --db``);
2. in a case store (service API), an analyst opens a case on each detected network that is
   mostly the operation, proposes a ``terminate`` decision and another person approves it (four
   eyes); the members the generator did not remove (its survivors, and the authentic accounts
   detection put in the network) are exceptions ``exclude``, so that the case store removes
   exactly who the world removed; they are the "remaining members";
3. the rest of the data is ingested, detection runs again on the whole store, and the watch
   runs (``cibwatch watch --db --case-db``, as a service user's token).

Measured from the alerts against ``truth.csv``: recall of the comeback accounts
(``op_spamouflage_comeback``), and precision: alerts on comeback accounts or on operation
accounts no decision touched (survivors detection missed: they are the operation too), over
all alerts; ``strict precision`` counts only the comeback accounts as right. Also per signal,
how many comeback accounts and others it fired on (what the weights were set from), and a
threshold sweep (each a dry run of the watch at that threshold). Writes ``DIR/watch.json``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from common import CLI, ROOT, run

SRC = ROOT / "src"


def split(world: Path) -> dt.datetime:
    """``posts_pre/post.parquet`` and ``accounts_pre/post.parquet`` around the takedown."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    t = dt.datetime.fromisoformat(json.loads((world / "takedown.json").read_text())
                                  ["takedown_at"].replace("Z", "+00:00"))
    for name in ("posts", "accounts"):
        tab = pq.read_table(world / f"{name}.parquet")
        pre = pc.fill_null(pc.less(tab.column("created_at"), t), True)
        pq.write_table(tab.filter(pre), world / f"{name}_pre.parquet")
        pq.write_table(tab.filter(pc.invert(pre)), world / f"{name}_post.parquet")
    return t


def take_down(db: Path, case_db: Path, truth: dict[tuple[str, str], str],
              removed: set[tuple[str, str]]) -> dict[str, Any]:
    """Cases and approved terminate decisions on the detected networks that are mostly the
    operation; returns the service user's token and what was taken down."""
    from cibwatch.cases import CaseService, CaseStore, DecisionInput, StoreSource

    svc = CaseService(CaseStore.open(str(case_db)), StoreSource(db))
    tokens = {}
    for name, role, kind in (("ana", "analyst", "human"), ("apo", "approver", "human"),
                             ("watcher", "analyst", "service")):
        _, tokens[name] = svc.add_user(None, name, role, kind)
    ana, apo = svc.authenticate(tokens["ana"]), svc.authenticate(tokens["apo"])
    nets = svc.networks(ana, limit=1000)["items"]
    out: dict[str, Any] = {"networks": [], "taken_down": 0, "excepted": 0}
    for n in nets:
        members = svc.members(ana, n["network_id"], limit=1000)["items"]
        groups = Counter(truth.get((m["platform"], m["account_id"]), "?") for m in members)
        if groups["op_spamouflage"] * 2 <= len(members):
            continue
        case = svc.open_case(ana, n["network_id"])
        svc.transition(ana, case["id"], "in_review")
        # the review: members the generator did not remove (its survivors, and the authentic
        # accounts detection put in the network) are left alone, so that the case store and
        # the world agree on who was removed
        exc = [{"account": f"{m['platform']}:{m['account_id']}", "action": "exclude",
                "reason": "survivor" if truth.get((m["platform"], m["account_id"])) ==
                "op_spamouflage" else "reviewed: not the operation"}
               for m in members if (m["platform"], m["account_id"]) not in removed]
        d = svc.propose_decision(ana, case["id"], DecisionInput(
            action="terminate", policy_clause="Community Guidelines: deceptive behaviour",
            exceptions=exc))
        svc.approve(apo, d["id"])
        out["networks"].append({"network_id": n["network_id"], "size": len(members),
                                "groups": dict(groups)})
        out["taken_down"] += len(members) - len(exc)
        out["excepted"] += len(exc)
        out["authentic_excepted"] = out.get("authentic_excepted", 0) + sum(
            v for g, v in groups.items() if not g.startswith("op_"))
    svc.store.close()
    out["token"] = tokens["watcher"]
    return out


def measure(alerts: list[dict[str, Any]], truth: dict[tuple[str, str], str],
            touched: set[str], threshold: float) -> dict[str, Any]:
    comeback = {k for k, g in truth.items() if g == "op_spamouflage_comeback"}
    hits = [a for a in alerts if a["score"] >= threshold]
    right = strict = 0
    wrong: Counter[str] = Counter()
    found = set()
    for a in hits:
        p, _, i = a["account"].partition(":")
        g = truth.get((p, i), "?")
        if g == "op_spamouflage_comeback":
            right += 1
            strict += 1
            found.add((p, i))
        elif g == "op_spamouflage" and a["account"] not in touched:
            right += 1
        else:
            wrong[g] += 1
    return {"threshold": threshold, "alerts": len(hits), "comeback_accounts": len(comeback),
            "comeback_found": len(found),
            "recall": round(len(found) / len(comeback), 4) if comeback else None,
            "precision": round(right / len(hits), 4) if hits else None,
            "strict_precision": round(strict / len(hits), 4) if hits else None,
            "survivors_alerted": right - strict, "false_alerts_by_group": dict(wrong)}


def dry_alerts(db: Path, case_db: Path, token: str, threshold: float) -> list[dict[str, Any]]:
    """The alerts a watch at ``threshold`` would write (nothing written): the group evidence
    links through the accounts alerted at that threshold, so a sweep reruns the watch."""
    from cibwatch.cases import CaseService, CaseStore
    from cibwatch.store import Store
    from cibwatch.watch import WatchConfig, watch

    svc = CaseService(CaseStore.open(str(case_db)))
    with Store(db) as store:
        res = watch(store, svc, svc.authenticate(token), config=WatchConfig(threshold),
                    write=False)
    svc.store.close()
    return [{"account": a["account"], "score": a["score"]} for a in res.alerts]


def one_seed(seed: int, scale: float, out: Path, threshold: float | None,
             world: Path | None) -> dict[str, Any]:
    if world is None:
        world = out / f"world-{seed}"
        if not (world / "takedown.json").is_file():
            run([sys.executable, str(ROOT / "evaluation/independent/generate.py"), "--out",
                 str(world), "--seed", str(seed), "--scale", str(scale), "--comeback"])
    t_down = split(world)
    db = out / f"store-{seed}.duckdb"
    case_db = out / f"cases-{seed}.sqlite"
    for p in (db, case_db, Path(str(db) + ".wal"), Path(str(case_db) + "-wal")):
        p.unlink(missing_ok=True)
    run([*CLI, "ingest", str(world / "posts_pre.parquet"), str(world / "accounts_pre.parquet"),
         "--db", str(db)])
    t_pre = run([*CLI, "detect", "--db", str(db), "--out", str(out / f"detect-pre-{seed}"),
                 "--pictures", "0", "--overwrite"])
    with open(world / "truth.csv", newline="", encoding="utf-8") as fh:
        truth = {(r["platform"], r["account_id"]): r["group"] for r in csv.DictReader(fh)}
    with open(world / "removed.csv", newline="", encoding="utf-8") as fh:
        removed = {(r["platform"], r["account_id"]) for r in csv.DictReader(fh)}
    down = take_down(db, case_db, truth, removed)
    token = down.pop("token")
    (out / f"token-{seed}.txt").write_text(token + "\n")
    run([*CLI, "ingest", str(world / "posts_post.parquet"),
         str(world / "accounts_post.parquet"), "--db", str(db)])
    t_all = run([*CLI, "detect", "--db", str(db), "--out", str(out / f"detect-all-{seed}"),
                 "--pictures", "0", "--overwrite"])
    env = dict(os.environ, CIBWATCH_TOKEN=token)
    from cibwatch.watch import THRESHOLD

    thr = THRESHOLD if threshold is None else threshold
    args = [*CLI, "watch", "--db", str(db), "--case-db", str(case_db), "--threshold", str(thr)]
    p = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{p.stderr[-3000:]}")
    summary = json.loads(p.stdout)
    from cibwatch.cases import CaseStore
    from cibwatch.cases.models import AffectedAccount, Alert, DecisionException

    store = CaseStore.open(str(case_db))
    with store.read() as s:
        alerts = [{"account": f"{a.platform}:{a.account_id}", "score": a.score,
                   "signals": sorted({e["signal"] for e in a.evidence})}
                  for a in s.query(Alert).all()]
        touched = {f"{a.platform}:{a.account_id}" for a in s.query(AffectedAccount).all()}
        touched |= {f"{a.platform}:{a.account_id}" for a in s.query(DecisionException).all()}
    store.close()
    sweep = [measure(dry_alerts(db, case_db, token, x / 20), truth, touched, x / 20)
             for x in range(4, 20)]
    signals: dict[str, Counter[str]] = {}
    for a in alerts:
        p_, _, i = a["account"].partition(":")
        g = truth.get((p_, i), "?")
        kind = ("comeback" if g == "op_spamouflage_comeback" else
                "survivor" if g == "op_spamouflage" else "other")
        for sig in a["signals"]:
            signals.setdefault(sig, Counter())[kind] += 1
    return {"seed": seed, "scale": scale, "takedown": t_down.isoformat(),
            "detect_pre_s": round(t_pre, 1), "detect_all_s": round(t_all, 1),
            "takedown_cases": down, "watch": summary,
            "at_threshold": measure(alerts, truth, touched, thr),
            "sweep": sweep,
            "signals": {k: dict(v) for k, v in sorted(signals.items())}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", default="1,2")
    ap.add_argument("--scale", type=float, default=0.3)
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--world-dir", type=Path, action="append", default=None,
                    help="an existing --comeback world per seed, in the order of --seeds")
    ap.add_argument("--out", type=Path, default=ROOT / "evaluation" / "results" / "watch")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(SRC))
    seeds = [int(s) for s in args.seeds.split(",")]
    worlds = args.world_dir or [None] * len(seeds)
    results = [one_seed(s, args.scale, args.out, args.threshold, w)
               for s, w in zip(seeds, worlds, strict=True)]
    for r in results:
        m = r["at_threshold"]
        print(f"seed {r['seed']}: {m['comeback_found']}/{m['comeback_accounts']} comeback "
              f"accounts (recall {m['recall']}), precision {m['precision']} (strict "
              f"{m['strict_precision']}), {m['alerts']} alerts at {m['threshold']}; false "
              f"alerts {m['false_alerts_by_group']}")
    (args.out / "watch.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
