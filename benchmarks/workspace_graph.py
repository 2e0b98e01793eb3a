"""Benchmark: the workspace draws a 2,000-account network's graph and answers a click (issue 14).

Runs the browser test ``test_graph_of_2000_accounts_renders_and_answers_clicks`` (Debian's
Chromium through Playwright, the workspace served by uvicorn on localhost) ``--repeat`` times
and prints, per repeat, the time from the request of the page to the answer to a click on a
node, against the issue's target of 2 s, with the machine's load per core: on a machine whose
cores are held by other jobs the wall-clock time measures them too.

    .venv/bin/python benchmarks/workspace_graph.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 2.0
TEST = "tests/test_workspace_browser.py::test_graph_of_2000_accounts_renders_and_answers_clicks"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows = []
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory() as d:
            out = Path(d) / "times.json"
            env = dict(os.environ, CIBWATCH_BENCH_OUT=str(out))
            r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                                TEST], cwd=ROOT, env=env, capture_output=True, text=True)
            if r.returncode != 0 or not out.exists():
                print(r.stdout[-2000:], r.stderr[-2000:], file=sys.stderr)
                print(f"repeat {i + 1}: the browser test failed or was skipped", file=sys.stderr)
                return 1
            data = json.loads(out.read_text())
            for run in data["runs"]:
                rows.append((i + 1, run["page_s"], run["drawn_s"], run["click_s"], run["total_s"],
                             data["load_per_core"]))
    print("| repeat | page s | graph drawn s | click answered s | total s | load per core |")
    print("|---|---|---|---|---|---|")
    for rep, p, d, c, t, load in rows:
        print(f"| {rep} | {p:.2f} | {d:.2f} | {c:.2f} | {t:.2f} | {load:.1f} |")
    best = min(t for *_, t, _ in rows)
    print(f"\nbest {best:.2f} s; target {TARGET_S} s: {'met' if best <= TARGET_S else 'not met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
