"""``make demo``: three jobs with the embedded store, on data that ships with the repository.

1. detection on the real data in ``demo/data`` (IRA tweets, CooRTweet's Russian retweets),
   written to ``OUT/real``;
2. a small simulated world (seed 1, scale 0.2: about 55,000 posts), detected and scored against
   its ground truth, written to ``OUT/simulated``;
3. in that world, expansion from four Twitter accounts of the planted operation
   (``OUT/simulated/expand``, with the network's STIX bundle);
4. threat reports (``cibwatch report threat``) of the top networks: the three largest of the
   real data (``OUT/real/threat``) and the three largest inauthentic ones of the simulated
   world (``OUT/simulated/threat``);
5. in that world's case store (made anew), a four-eyes takedown of its influence operations,
   and the periodic report of the day (``cibwatch report period``, ``OUT/simulated/period``);
6. a researcher data release of that world's largest inauthentic network (``cibwatch
   release``, ``OUT/simulated/release``) with a new secret key (``OUT/release.key``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from .errors import InputError
from .progress import Reporter

if TYPE_CHECKING:
    from .store import Store

__all__ = ["run_demo", "DEMO_DIR"]

#: The bundled data: in the repository next to src/, see demo/README.md for sources and licences.
DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
#: The simulated world of the demo.
DEMO_SEED, DEMO_SCALE = 1, 0.2


def _fresh_store(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    store_path = out / "store.duckdb"
    for p in (store_path, Path(str(store_path) + ".wal")):
        if p.exists():
            p.unlink()
    return store_path


def run_demo(out: Path, err: Console, console: Console) -> None:
    from .api import DetectRequest, Inputs, run_detection
    from .evaluate import evaluate, write_evaluation
    from .progress import RichReporter
    from .report.console import networks_table
    from .simulate import simulate
    from .store import Store

    files = sorted(p for p in DEMO_DIR.glob("data/*") if p.is_file())
    if not files:
        raise InputError(f"no demo data in {DEMO_DIR / 'data'}",
                         remedy="running from a clone of the repository")
    out = Path(out)
    reporter = RichReporter(err)
    real = out / "real"
    res = run_detection(DetectRequest(real, Inputs(files), store_path=_fresh_store(real),
                                      graphml=True, overwrite=True), reporter)
    result = res.result
    console.print(networks_table(res.networks))
    with Store(res.store_path) as store:
        real_report = _threat_demo(store, result.run_id, real / "threat", None)

    sim = out / "simulated"
    world = sim / "world"
    with reporter.task(f"Simulating a world (seed {DEMO_SEED}, scale {DEMO_SCALE})"):
        simulate(world, seed=DEMO_SEED, scale=DEMO_SCALE)
    inputs = [world / "posts.parquet", world / "accounts.parquet"]
    sim_res = run_detection(DetectRequest(sim, Inputs(inputs), store_path=_fresh_store(sim),
                                          overwrite=True), reporter)
    sim_result = sim_res.result
    with Store(sim_res.store_path) as store:
        sim_report = _threat_demo(store, sim_result.run_id, sim / "threat", "inauthentic")
        release = _release_demo(store, sim_result.run_id, sim / "release", out / "release.key")
    rep = evaluate(world / "truth.csv", sim)
    write_evaluation(rep, sim / "evaluation.json")
    expansion = _expand_demo(sim, world, reporter)
    period = _period_demo(sim, sim_result.run_id)
    s = rep["summary"]
    ops = ", ".join(f"{g} {e['recall']:.2f}" for g, e in rep["groups"].items()
                    if g.startswith("op_"))
    console.print(
        f"\nReal data: {result.n_networks} network(s) among {result.n_posts:,} posts.\n"
        f"Simulated world: {sim_result.n_networks} network(s) among {sim_result.n_posts:,} "
        f"posts; planted operations found (recall): {ops}; authentic accounts in networks: "
        f"{s['authentic_rate_in_networks']:.4f}; network purity {s['purity_weighted']}.\n"
        f"Results are in {out.resolve()}/ :\n"
        f"  real/summary.md         what was found in the real data and why (start here)\n"
        f"  real/networks.csv       one row per network; real/accounts.csv one row per member\n"
        f"  real/edges.parquet      account pairs per trace, with evidence\n"
        f"  real/network.graphml    the account graph\n"
        f"  real/store.duckdb       the investigation store (cibwatch evidence --db ...)\n"
        f"  real/threat/            {real_report}\n"
        f"  simulated/              the same for the simulated world, with evaluation.json\n"
        f"                          (scores against the ground truth in simulated/world/truth.csv)\n"
        f"  simulated/threat/       {sim_report}\n"
        f"  simulated/expand/       {expansion}\n"
        f"  simulated/period/       {period}\n"
        f"  simulated/release/      {release}"
    )
    tokens = _workspace_users(out)
    console.print(
        f"\nThe investigator's workspace on these results (log in with a token from "
        f"{tokens}):\n"
        f"  {WORKSPACE_COMMAND.format(out=_shown(out))}\n"
        f"  then open http://127.0.0.1:8000/",
        soft_wrap=True,  # the command on one line, to copy
    )


#: The command that serves the workspace on the demo's results (``make demo`` prints it).
WORKSPACE_COMMAND = ("cibwatch serve --case-db {out}/cases.sqlite --db {out}/simulated/store.duckdb"
                     " --results {out}/simulated --results {out}/simulated/expand"
                     " --results {out}/real")
#: The demo's users of the workspace: one per role of the review, and a second approver for
#: appeals (who decides an appeal must have taken no part in the decision).
DEMO_USERS = (("analyst", "analyst"), ("approver", "approver"), ("reviewer", "approver"),
              ("admin", "admin"), ("viewer", "viewer"))


def _shown(out: Path) -> str:
    try:
        return str(out.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(out.resolve())


def _workspace_users(out: Path) -> Path:
    """A fresh case store for the demo (OUT/cases.sqlite) with :data:`DEMO_USERS`; their API
    tokens go to OUT/workspace-tokens.txt (readable by the owner only)."""
    import os

    from .cases import CaseService, CaseStore

    db = out / "cases.sqlite"
    for p in (db, Path(str(db) + "-wal"), Path(str(db) + "-shm")):
        if p.exists():
            p.unlink()
    store = CaseStore.open(f"sqlite:///{db}")
    try:
        svc = CaseService(store)
        lines = [f"{name} ({role}): {svc.add_user(None, name, role)[1]}"
                 for name, role in DEMO_USERS]
    finally:
        store.close()
    path = out / "workspace-tokens.txt"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("# API tokens of the demo's workspace users (cibwatch serve: log in with one)\n")
        fh.write("\n".join(lines) + "\n")
    return path


#: Networks in each demo threat report (the largest first).
DEMO_REPORT_NETWORKS = 3


def _threat_demo(store: Store, run_id: str | None, out: Path,
                 assessment: str | None) -> str:
    """The threat report (``report.md``, ``.html``, ``.pdf``) of the run's largest networks
    (of those assessed ``assessment`` when given)."""
    from .api import list_networks
    from .report.threat import write_threat_report

    nets = list_networks(store, run_id, assessment=assessment,
                         limit=DEMO_REPORT_NETWORKS).items
    if not nets:
        return "no network to report"
    write_threat_report(store, [n.network_id for n in nets], out, run_id=run_id)
    return ("report.pdf, report.html, report.md: threat report of "
            + ", ".join(n.label for n in nets))


def _release_demo(store: Store, run_id: str | None, out: Path, key_file: Path) -> str:
    """The researcher data release of the run's largest inauthentic network, hashed with a new
    random key (written to ``key_file``, readable by the owner only: the same key links later
    releases to this one)."""
    import os
    import secrets
    import shutil

    from .api import list_networks
    from .report.release import read_key, write_release

    nets = list_networks(store, run_id, assessment="inauthentic", limit=1).items
    if not nets:
        return "no inauthentic network to release"
    key_file.unlink(missing_ok=True)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(secrets.token_bytes(32))
    if out.exists():  # the demo's own directory from an earlier demo
        shutil.rmtree(out)
    r = write_release(store, [nets[0].network_id], out, read_key(key_file), run_id=run_id)
    return (f"data release of {nets[0].label}: {r.accounts} accounts ({r.hashed_accounts} "
            f"hashed), {r.posts} posts; key in {key_file.name}")


def _period_demo(sim: Path, run_id: str | None) -> str:
    """Take the simulated world's influence operations of the detect run down (an analyst
    proposes, an approver approves, in a case store made anew beside the store), then write
    the periodic report of today (UTC)."""
    import datetime as dt

    from .api import list_networks
    from .cases import CaseService, CaseStore, DecisionInput, StoreSource
    from .report.period import period_report, write_period_report
    from .store import Store

    db = sim / "store.duckdb"
    case_db = sim / "store.cases.sqlite"
    for p in (case_db, Path(f"{case_db}-wal"), Path(f"{case_db}-shm")):
        if p.exists():
            p.unlink()
    with Store(db, create=False, read_only=True) as store:
        nets = [n for n in list_networks(store, run_id, assessment="inauthentic").items
                if n.kind == "influence_operation"]
    cases = CaseStore.open(str(case_db))
    try:
        svc = CaseService(cases, StoreSource(db))
        analyst = svc.authenticate(svc.add_user(None, "demo-analyst", "analyst", "human")[1])
        approver = svc.authenticate(svc.add_user(None, "demo-approver", "approver",
                                                 "human")[1])
        for n in nets:
            case = svc.open_case(analyst, n.network_id, run_id)
            svc.transition(analyst, case["id"], "in_review")
            d = svc.propose_decision(analyst, case["id"], DecisionInput(
                "terminate", "Demo policy 1.1: coordinated inauthentic behaviour",
                facts=f"A network of {n.size} accounts on {', '.join(n.platforms)} acting "
                "together, assessed inauthentic by cibwatch.", run_id=run_id))
            svc.approve(approver, d["id"])
        today = dt.datetime.now(dt.UTC).date()
        with Store(db, create=False, read_only=True) as store:
            rep = period_report(store, cases, today, today)
    finally:
        cases.close()
    write_period_report(rep, sim / "period")
    return (f"period.pdf, .html, .csv: {len(rep.rows)} network(s) taken down today "
            "(store.cases.sqlite holds the cases)")


def _expand_demo(sim: Path, world: Path, reporter: Reporter) -> str:
    """Four accounts of the simulated Spamouflage-like operation on Twitter in, the network
    out: ``cibwatch expand`` on the simulated world's store, and its STIX bundle."""
    import csv

    from .api import ExpandRequest, network_summary, run_expansion
    from .intel.stix_export import network_bundle, write_bundle
    from .store import Store

    with open(world / "truth.csv", newline="", encoding="utf-8") as fh:
        truth = {(r["platform"], r["account_id"]): r["group"] for r in csv.DictReader(fh)}
    op = sorted(k for k, g in truth.items() if g == "op_spamouflage")
    out = sim / "expand"
    out.mkdir(parents=True, exist_ok=True)
    seeds_csv = out / "seeds.csv"
    seeds_csv.write_text("platform,account_id\n" + "".join(
        f"{p},{a}\n" for p, a in [k for k in op if k[0] == "twitter"][:4]), encoding="utf-8")
    res = run_expansion(ExpandRequest(out, seeds=seeds_csv, store_path=sim / "store.duckdb",
                                      overwrite=True), reporter)
    with Store(res.store_path) as store:
        write_bundle(network_bundle(store, "E0001"), out / "E0001.stix.json")
        found = {(m.platform, m.account_id)
                 for m in network_summary(store, "E0001", res.expansion.run.run_id).members}
    hit = found & set(op)
    return (f"from 4 seed accounts, {len(found)} found ({len(hit)} of the operation's "
            f"{len(op)} accounts, precision {len(hit) / max(len(found), 1):.2f}); "
            f"seeds.csv, accounts.csv ranked, E0001.stix.json")

