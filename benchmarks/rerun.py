"""Reruns on a prepared store, for one or two versions of cibwatch side by side (issue 17).

An investigator tries other settings on the same data: another resolution of the communities
(network settings only), another co-action window (the co-action stage is made again). For
each ``--src`` (the ``src/`` directory of a cibwatch; repeat the flag to compare two), on its
own copy of a store holding the posts of ``benchmarks/generate.py`` (ingested once):

1. ``detect --db STORE`` (the first run),
2. ``detect --db STORE --resolution 1.5`` (other network settings),
3. ``detect --db STORE --window 300s`` (other co-action settings),

each in its own process, timed, with its peak RSS. The outputs of steps 2 and 3 are compared
between the versions byte for byte, run ids left out.

    .venv/bin/python benchmarks/rerun.py --posts 1000000 --src /tmp/OLD/src --src src
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
STEPS = {"first": [], "resolution 1.5": ["--resolution", "1.5"],
         "window 300s": ["--window", "300s"]}
_RUN = re.compile(rb"\d{4}-[0-9a-f]{8}")


def _cibwatch(src: Path, args: list[str]) -> tuple[float, float]:
    """Run ``cibwatch ARGS`` with the package of ``src``: seconds and peak RSS (GB)."""
    env = dict(os.environ, PYTHONPATH=str(src.resolve()))
    code = "import sys; from cibwatch.cli import main; sys.argv[0] = 'cibwatch'; main()"
    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    if status != 0:
        raise SystemExit(f"cibwatch {' '.join(args)} failed: {proc.stderr.read().decode()[-2000:]}"
                         if proc.stderr else "failed")
    return round(seconds, 2), round(usage.ru_maxrss / 1e6, 2)


def _prepared(n: int, work: Path, src: Path) -> Path:
    data = HERE / "data" / ("1m" if n == 1_000_000 else f"posts-{n}")
    if not (data / "posts.parquet").exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--posts", str(n),
                        "--out", str(data)], check=True)
    store = work / "ingested.duckdb"
    if not store.exists():
        _cibwatch(src, ["ingest", "--db", str(store), str(data / "posts.parquet")])
    return store


def _outputs(out: Path) -> dict[str, Any]:
    import pyarrow.parquet as pq

    files = {name: _RUN.sub(b"RUN", (out / name).read_bytes())
             for name in ("accounts.csv", "networks.csv")}
    files["edges.parquet"] = pq.read_table(out / "edges.parquet").drop(["run_id"])
    return files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=1_000_000)
    ap.add_argument("--src", action="append", type=Path,
                    help="the src/ directory of a cibwatch (repeat to compare two)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/cibwatch-rerun"))
    ap.add_argument("--json", type=Path, help="write the results here")
    a = ap.parse_args()
    srcs = a.src or [HERE.parent / "src"]
    a.work.mkdir(parents=True, exist_ok=True)
    base = _prepared(a.posts, a.work, srcs[-1])
    rows: list[dict[str, Any]] = []
    outs: dict[str, dict[str, dict[str, Any]]] = {}
    print("| src | step | seconds | peak RSS |\n|---|---|---:|---:|")
    for src in srcs:
        tag = str(src)
        store = a.work / f"store-{len(outs)}.duckdb"
        shutil.copy(base, store)
        outs[tag] = {}
        for step, extra in STEPS.items():
            out = a.work / f"out-{len(outs)}-{step.replace(' ', '-')}"
            shutil.rmtree(out, ignore_errors=True)
            sec, rss = _cibwatch(src, ["detect", "--db", str(store), "--out", str(out), *extra])
            rows.append({"src": tag, "step": step, "seconds": sec, "peak_rss_gb": rss})
            print(f"| {tag} | {step} | {sec} | {rss} GB |", flush=True)
            outs[tag][step] = _outputs(out)
    if len(srcs) == 2:
        first, second = (outs[str(s)] for s in srcs)
        for step in STEPS:
            same = all(first[step][k] == second[step][k] if k != "edges.parquet"
                       else first[step][k].equals(second[step][k]) for k in first[step])
            print(f"{step}: same outputs in both versions: {same}")
            rows.append({"step": step, "same_outputs": same})
    if a.json:
        a.json.write_text(json.dumps({"posts": a.posts, "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
