"""An incremental run against a full rerun, on the same store, in one run (issue 16, item 3).

For each size: posts from ``benchmarks/generate.py`` (30 days) are cut in two, the first 29
days and the last day (1/30 of the posts). The first part is ingested and detected in full;
the store is copied; then on one copy ``detect --incremental`` reads the last day, on the
other a full ``detect`` reads it (both through :func:`cibwatch.api.run_detection`, ingest of
the day included). Both are timed per phase (the progress steps), their outputs compared byte
for byte, and the ratio incremental / full quoted, with and without group evidence (the
group search is always made again on the whole graph).

    .venv/bin/python benchmarks/incremental.py --sizes 1m
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from cibwatch.api import DetectOptions, DetectRequest, Inputs, run_detection  # noqa: E402
from cibwatch.progress import SilentReporter  # noqa: E402

SIZES = {"100k": 100_000, "1m": 1_000_000, "3m": 3_000_000, "10m": 10_000_000}
SAME = ("edges.parquet", "networks.csv", "accounts.csv")


class Timings(SilentReporter):
    """Seconds per progress step."""

    def __init__(self) -> None:
        self.steps: dict[str, float] = {}

    @contextmanager
    def task(self, description: str, total: float | None = None) -> Iterator[Any]:
        t = time.perf_counter()
        with super().task(description, total) as task:
            yield task
        self.steps[description] = round(self.steps.get(description, 0.0)
                                        + time.perf_counter() - t, 2)


def _split(n: int, work: Path) -> tuple[Path, Path, int]:
    data = HERE / "data" / f"inc-{n}"
    if not (data / "posts.parquet").exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--posts", str(n),
                        "--out", str(data)], check=True)
    posts = pq.read_table(data / "posts.parquet")
    ts = pc.cast(posts.column("created_at"), pa.int64())
    cut = pc.max(ts).as_py() - 86_400 * 1_000_000  # the last day
    early, late = work / "early.parquet", work / "late.parquet"
    pq.write_table(posts.filter(pc.less(ts, cut)), early)
    pq.write_table(posts.filter(pc.greater_equal(ts, cut)), late)
    return early, late, pq.read_metadata(late).num_rows


def _detect(store: Path, out: Path, files: list[Path], options: DetectOptions,
            incremental: bool = False) -> tuple[float, dict[str, float], Any]:
    rep = Timings()
    t = time.perf_counter()
    res = run_detection(DetectRequest(out=out, store_path=store, inputs=Inputs(files),
                                      options=options, pictures=0, incremental=incremental,
                                      threads=2), rep)
    return round(time.perf_counter() - t, 2), rep.steps, res.result


def run(label: str, n: int, work: Path, group_evidence: bool) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    early, late, n_late = _split(n, work)
    options = DetectOptions(group_evidence=group_evidence)
    base = work / "base.duckdb"
    first_s, _, _ = _detect(base, work / "o0", [early], options)
    shutil.copy(base, work / "inc.duckdb")
    shutil.copy(base, work / "full.duckdb")
    full_s, full_steps, _ = _detect(work / "full.duckdb", work / "full", [late], options)
    inc_s, inc_steps, result = _detect(work / "inc.duckdb", work / "inc", [late], options,
                                       incremental=True)
    same = all((work / "inc" / f).read_bytes() == (work / "full" / f).read_bytes()
               for f in SAME)
    return {"size": label, "posts": n, "posts_added": n_late,
            "group_evidence": group_evidence, "first_run_s": first_s,
            "full_rerun_s": full_s, "incremental_s": inc_s,
            "incremental_vs_full": round(inc_s / full_s, 3), "same_outputs": same,
            "increment": result.increment, "full_steps": full_steps,
            "incremental_steps": inc_steps}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1m", help="Comma-separated: " + ", ".join(SIZES))
    ap.add_argument("--work", type=Path, default=Path("/tmp/cibwatch-incremental"))
    ap.add_argument("--save", type=Path, help="Write the rows as JSON here.")
    args = ap.parse_args()
    rows = []
    for label in args.sizes.split(","):
        for groups in (True, False):
            work = args.work / f"{label}-{'groups' if groups else 'pairs'}"
            shutil.rmtree(work, ignore_errors=True)
            row = run(label, SIZES[label], work, groups)
            rows.append(row)
            print(json.dumps(row), flush=True)
            shutil.rmtree(work, ignore_errors=True)
    print(f"\n{'size':>5} {'groups':>6} {'added':>8} {'full s':>7} {'incr s':>7} "
          f"{'ratio':>6} {'same':>5}  keys joined again / actions rejoined")
    for r in rows:
        inc = r["increment"] or {}
        print(f"{r['size']:>5} {str(r['group_evidence']):>6} {r['posts_added']:>8,} "
              f"{r['full_rerun_s']:>7} {r['incremental_s']:>7} {r['incremental_vs_full']:>6} "
              f"{str(r['same_outputs']):>5}  {inc.get('keys_changed', 0):,} / "
              f"{inc.get('actions_rejoined', 0):,}")
    if args.save:
        args.save.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
