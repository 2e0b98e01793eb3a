"""What the evaluation scripts share: the repository root and running the command line."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: ``cibwatch`` as a module of the running interpreter.
CLI = [sys.executable, "-m", "cibwatch.cli"]


def run(cmd: list[str]) -> float:
    """Run ``cmd`` from the repository root; exit with its error output if it fails. Returns
    the wall time in seconds."""
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr[-3000:]}")
    return time.perf_counter() - t
