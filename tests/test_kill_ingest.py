"""kill -9 during an ingest, then the same ingest again: the store holds exactly what an
uninterrupted ingest gives, each good row once (issue 11).

A subprocess ingests two CSV files (with bad rows and a duplicate, so that rejects are
written too, and an accounts file, so that the account numbering is settled at the end) and
is killed with SIGKILL at several moments spread over the length of an uninterrupted run: while
reading, merging or committing the first or the second file, or numbering the accounts. The
same command is then run to its end and every table is compared with the uninterrupted run.
"""

from __future__ import annotations

import csv
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cibwatch import Store

pytestmark = pytest.mark.slow

ROWS = 30_000
TABLES = {
    "posts": "SELECT * FROM posts ORDER BY pid",
    "accounts": "SELECT * FROM accounts ORDER BY aid, derived",
    "account_index": "SELECT * FROM account_index ORDER BY aid",
    "rejects": "SELECT * FROM rejects ORDER BY source_id, line, field",
    "sources": "SELECT * FROM sources ORDER BY source_id",
    "conversions": "SELECT * FROM conversions ORDER BY ALL",
}
#: The ingest, with a reporter that says on stderr when each step starts: the test can then
#: kill at a step (after the first file was committed: "Reading b.csv" has started), not only
#: at a guessed moment, whatever the machine's load.
SCRIPT = """
import contextlib, sys
from cibwatch import Store, ingest_files

class Task:
    def advance(self, amount=1): pass
    def update(self, *, completed=None, total=None): pass

class Steps:
    @contextlib.contextmanager
    def task(self, description, total=None):
        print("step:", description, file=sys.stderr, flush=True)
        yield Task()
    def log(self, message): pass

s = Store(sys.argv[1])
ingest_files(s, sys.argv[2:], reporter=Steps(), latest_us=1_800_000_000_000_000)
s.close()
"""


def _inputs(tmp: Path) -> list[Path]:
    rng = random.Random(7)
    files = []
    for f, prefix in enumerate(("a", "b")):
        path = tmp / f"{prefix}.csv"
        with open(path, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["platform", "post_id", "account_id", "created_at", "text", "urls"])
            for i in range(ROWS):
                t: object = 1_600_000_000 + i if i % 3 else (1_600_000_000 + i) * 1000  # ms
                if i % 997 == 0:
                    t = "not a time"
                pid = f"{prefix}{i}" if i % 1_499 else f"{prefix}{i - 1}"  # a duplicate
                w.writerow(["twitter", pid, f"u{rng.randrange(20_000)}", t,
                            f"post {i} of file {f} " + "x" * rng.randrange(60),
                            f'["https://e.example/{i % 501}"]'])
        files.append(path)
    acc = tmp / "accounts.csv"
    with open(acc, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["platform", "account_id", "handle", "followers"])
        for i in range(0, 25_000, 3):
            w.writerow(["twitter", f"u{i}", f"h{i}", i])
    return [*files, acc]


def _ingest(db: Path, files: list[Path]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", SCRIPT, str(db), *map(str, files)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_for_step(p: subprocess.Popen[bytes], step: str) -> bool:
    """Read ``p``'s stderr until a line announces ``step``; False if it ended first."""
    assert p.stderr is not None
    return any(step in line.decode("utf-8", "replace")
               for line in iter(p.stderr.readline, b""))


def _tables(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with Store(db) as store:
        return {k: store.fetchall(q) for k, q in TABLES.items()}


def test_kill_9_at_any_point_then_rerun_gives_the_uninterrupted_store(tmp_path: Path) -> None:
    files = _inputs(tmp_path)
    ref = tmp_path / "ref.duckdb"
    t0 = time.monotonic()
    p = _ingest(ref, files)
    assert p.wait() == 0, p.stderr.read() if p.stderr else ""
    length = time.monotonic() - t0
    want = _tables(ref)
    good = len(want["posts"])
    assert good == 2 * ROWS - 2 * len(range(0, ROWS, 997)) - 2 * len(range(1_499, ROWS, 1_499))
    interrupted, after_first = 0, 0
    # moments: shares of an uninterrupted run's length, and steps (then a share of the length)
    moments: list[tuple[str | None, float]] = [
        (None, 0.2), (None, 0.3), (None, 0.38), (None, 0.46), (None, 0.54),
        ("Reading b.csv", 0.0), ("Reading b.csv", 0.1), ("Reading accounts.csv", 0.0)]
    for k, (step, share) in enumerate(moments):
        db = tmp_path / f"killed{k}.duckdb"
        p = _ingest(db, files)
        if step is not None:
            _wait_for_step(p, step)
        time.sleep(length * share)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            interrupted += 1
        p.wait()
        if db.exists():
            with Store(db) as store:  # the store opens: nothing half-written in it
                n_sources = len(store.sources())
                n_posts = store.count_posts()
                assert n_posts in {0, *(len([r for r in want["posts"] if r[-2] <= s])
                                        for s in (1, 2, 3))}, (step, share, n_posts)
            after_first += n_sources >= 1
            print(f"killed at {step or 'start'} + {share:.0%}: {n_sources} file(s) committed, "
                  f"{n_posts} posts")
        p = _ingest(db, files)  # the same command again, to its end
        assert p.wait() == 0, p.stderr.read() if p.stderr else ""
        got = _tables(db)
        for name in TABLES:
            assert got[name] == want[name], (step, share, name)
        ids = [(r[2], r[3]) for r in got["posts"]]
        assert len(ids) == len(set(ids)) == good  # each good row exactly once
    assert interrupted >= 4  # most kills landed during the ingest
    assert after_first >= 1  # some after the first file was committed
