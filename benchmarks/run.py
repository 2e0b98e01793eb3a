"""Speed benchmarks: ``cibwatch detect`` against the QUT coordination-network-toolkit.

Both tools get the same synthetic posts (``benchmarks/generate.py``): cibwatch reads
``posts.parquet``, the toolkit reads the same posts as ``qut.csv``. Every measured step is a
separate subprocess; wall time is ``time.perf_counter`` around it, peak memory is the child's
``ru_maxrss`` (from ``os.wait4``: the largest single process of the step) and, sampled every
0.5 s from /proc, the summed resident memory of all the processes of the step (the toolkit runs
worker processes). The two tools run alternately, so that machine noise affects both alike.

    .venv/bin/python benchmarks/run.py                      # 100k and 1m, with the QUT toolkit
    .venv/bin/python benchmarks/run.py --sizes 100k         # the quick check
    .venv/bin/python benchmarks/run.py --big 10m --ira      # also 10 M posts and the IRA set
    .venv/bin/python benchmarks/run.py --render benchmarks/results/FILE.json  # docs only

Results: ``benchmarks/results/<UTC date>-<sizes>.json`` (raw) and ``docs/BENCHMARKS.md``
(rewritten from them). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data"
RESULTS = BENCH / "results"
PEERS_VENV = BENCH / ".venv-peers"
DOC = ROOT / "docs" / "BENCHMARKS.md"
DEFAULT_IRA = ROOT.parent / "shared" / "data" / "ira" / "tweets.parquet"

#: The peer, pinned so that runs compare like with like (1.5.2 is the newest release on PyPI).
QUT_REQUIREMENT = "coordination-network-toolkit==1.5.2"
QUT_PACKAGE = "coordination-network-toolkit"
#: The toolkit's networks, in the order they run, and the cibwatch trace each compares with.
QUT_NETWORKS = ("co_retweet", "co_tweet", "co_link", "co_similar_tweet")
PAIRS = {"co_retweet": "reshare", "co_tweet": "text_exact", "co_link": "url",
         "co_similar_tweet": "text_near"}
LABELS = {"co_retweet": "co-retweet / reshare", "co_tweet": "co-tweet / text_exact",
          "co_link": "co-link / url", "co_similar_tweet": "co-similar-tweet / text_near"}
#: cibwatch's default traces, should ``cibwatch.traces`` not import (kept in sync by hand).
FALLBACK_TRACES = ("reshare", "reply", "text_exact", "text_near", "url", "hashtag_seq", "media")
WARMUP_POSTS = 5_000
#: What generate.py needs per post, measured (0.3 GB at 200k, 0.96 GB at 1 M posts, no CSV).
GEN_BYTES_PER_POST = 1_000
GEN_BYTES_BASE = 300_000_000

#: What the two tools read (``--input``): ``parquet``: cibwatch ``posts.parquet``, the toolkit
#: ``qut.csv`` (the same posts); ``v2``: both read one X/Twitter API v2 export,
#: ``posts_v2.jsonl`` (``export_v2.py``), as a platform gives it.
INPUTS = {"parquet": ("posts.parquet", "qut.csv"), "v2": ("posts_v2.jsonl", "posts_v2.jsonl")}
INPUT = "parquet"


def cib_input(d: Path) -> Path:
    return d / INPUTS[INPUT][0]


def qut_input(d: Path) -> Path:
    return d / INPUTS[INPUT][1]


TARGETS = {
    "t1m_time_s": 30.0,
    "t1m_ratio": 20.0,
    "t10m_time_s": 300.0,
    "t10m_rss_bytes": 16e9,
    "ira_time_s": 60.0,
    "ira_rows": 2_400_000,
}


# --------------------------------------------------------------------------- small helpers


def parse_days(label: str) -> float:
    """'1m@3d' -> 3.0 (the span of the posts in days); no suffix: generate.py's 30 days."""
    _, _, span = label.partition("@")
    if not span:
        return 30.0
    m = re.fullmatch(r"(\d+(?:\.\d+)?)d", span.strip().lower())
    if not m:
        raise argparse.ArgumentTypeError(f"cannot read the span {span!r} (write e.g. 1m@3d)")
    return float(m.group(1))


def parse_size(text: str) -> int:
    """'100k' -> 100000, '1m' -> 1000000, '2.5m', '50000'; a '@Nd' span suffix is ignored."""
    text = text.partition("@")[0]
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([km]?)", text.strip().lower())
    if not m:
        raise argparse.ArgumentTypeError(f"cannot read the size {text!r} (write 100k, 1m, 50000)")
    n = int(float(m.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2)])
    if n < 1_000:
        raise argparse.ArgumentTypeError(f"size {text!r}: use at least 1000 posts")
    return n


def rel(p: Path | str) -> str:
    """A path relative to the repository root when it is inside it (for commands and docs)."""
    p = Path(p)
    if not p.is_absolute():
        return str(p)
    try:
        return str(Path(os.path.abspath(p)).relative_to(ROOT))
    except ValueError:
        return str(p)


def fmt_bytes(b: float | None) -> str:
    if b is None:
        return "-"
    return f"{b / 1e9:.2f} GB" if b >= 1e9 else f"{b / 1e6:.0f} MB"


def fmt_s(s: float) -> str:
    return f"{s:.1f} s" if s < 100 else f"{s:.0f} s"


def log(msg: str) -> None:
    print(msg, flush=True)


def meminfo() -> dict[str, int]:
    out: dict[str, int] = {}
    with contextlib.suppress(OSError), open("/proc/meminfo") as fh:
        for line in fh:
            k, _, v = line.partition(":")
            out[k] = int(v.split()[0]) * 1024
    return out


def _ask(code: str) -> str | None:
    """Run ``code`` in a child Python: the harness imports neither cibwatch nor pyarrow, so it
    stays small (a forked child's ``ru_maxrss`` starts from its parent's size)."""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else None


def default_traces() -> tuple[str, ...]:
    out = _ask("from cibwatch.traces import DEFAULT_TRACES; print(','.join(DEFAULT_TRACES))")
    return tuple(out.split(",")) if out else FALLBACK_TRACES


def parquet_rows(path: Path) -> int | None:
    out = _ask(f"import pyarrow.parquet as pq; print(pq.read_metadata({str(path)!r}).num_rows)")
    return int(out) if out else None


def cibwatch_exe() -> str:
    exe = Path(sys.executable).parent / "cibwatch"
    if exe.exists():
        return str(exe)
    found = shutil.which("cibwatch")
    if not found:
        sys.exit("cibwatch is not installed in this Python; run with .venv/bin/python "
                 "(make setup creates it)")
    return found


def prewarm(paths: list[Path]) -> None:
    """Read the inputs once so that both tools start with them in the page cache."""
    for p in paths:
        with open(p, "rb") as fh:
            while fh.read(1 << 23):
                pass


# --------------------------------------------------------------------------- measuring


class _TreeRss(threading.Thread):
    """Samples the summed RSS of every process in one session (the step and its workers)."""

    def __init__(self, sid: int, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.sid = sid
        self.interval = interval
        self.peak: int | None = None
        self._done = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")

    def _sample(self) -> int | None:
        total, seen = 0, False
        try:
            entries = os.listdir("/proc")
        except OSError:
            return None
        for name in entries:
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as fh:
                    raw = fh.read()
            except OSError:
                continue
            rest = raw[raw.rfind(b")") + 2:].split()
            if len(rest) > 21 and int(rest[3]) == self.sid:
                total += int(rest[21]) * self._page
                seen = True
        return total if seen else None

    def run(self) -> None:
        t0 = time.monotonic()
        while True:
            s = self._sample()
            if s is not None:
                self.peak = s if self.peak is None else max(self.peak, s)
            # short steps matter too: sample often during the first seconds
            if self._done.wait(0.1 if time.monotonic() - t0 < 5 else self.interval):
                return

    def stop(self) -> int | None:
        self._done.set()
        self.join()
        return self.peak


GNU_TIME = "/usr/bin/time"


def run_timed(cmd: list[str], log_path: Path, timeout: float | None,
              env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``cmd`` in its own session; wall time, exit status, peak RSS; kill it at ``timeout``.

    Peak RSS comes from GNU time when it is installed (``%M``: the largest process among the
    command and its waited-for children), else from ``os.wait4`` on the child, which can also
    count the harness's own size for a small child (exec keeps the forked copy's peak).
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    rss_file = log_path.with_suffix(".rss")
    rss_file.unlink(missing_ok=True)
    use_time = os.access(GNU_TIME, os.X_OK)
    full = [GNU_TIME, "-f", "%M", "-o", str(rss_file), *cmd] if use_time else cmd
    with open(log_path, "wb") as fh:
        fh.write(("$ " + shlex.join(cmd) + "\n").encode())
        fh.flush()
        timed_out = threading.Event()
        t0 = time.perf_counter()
        proc = subprocess.Popen(full, stdout=fh, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=ROOT, env=env,
                                start_new_session=True)

        def kill() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        sampler = _TreeRss(proc.pid)
        sampler.start()
        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except KeyboardInterrupt:
            kill()
            os.wait4(proc.pid, 0)
            proc.returncode = -9
            raise
        finally:
            if timer:
                timer.cancel()
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        tree_peak = sampler.stop()
    text = log_path.read_text(errors="replace")
    code = proc.returncode
    peak: int | None = usage.ru_maxrss * 1024
    if use_time:
        peak = None
        with contextlib.suppress(OSError, ValueError, IndexError):
            peak = int(rss_file.read_text().split()[-1]) * 1024
        rss_file.unlink(missing_ok=True)
    if tree_peak is not None and peak is not None:
        tree_peak = max(tree_peak, peak)  # sampling can miss a short peak; the sum is never less
    if timed_out.is_set():
        state = "timeout"
    elif code != 0:
        state = "failed"
    else:
        state = "ok"
    return {
        "cmd": shlex.join(cmd),
        "status": state,
        "exit_code": code,
        "wall_s": round(wall, 3),
        "timeout_s": timeout,
        "peak_rss_bytes": peak,
        "peak_rss_source": "GNU time %M" if use_time else "os.wait4 ru_maxrss",
        "peak_tree_rss_bytes": tree_peak,
        "user_s": round(usage.ru_utime, 2),
        "sys_s": round(usage.ru_stime, 2),
        "log": rel(log_path),
        "traceback_in_log": "Traceback (most recent call last)" in text,
    }


# --------------------------------------------------------------------------- setup and data


def ensure_peers() -> tuple[Path, str]:
    """benchmarks/.venv-peers with the QUT toolkit; returns (compute_networks, version)."""
    py = PEERS_VENV / "bin" / "python"
    exe = PEERS_VENV / "bin" / "compute_networks"
    want = QUT_REQUIREMENT.split("==")[1]

    def version() -> str | None:
        if not py.exists():
            return None
        r = subprocess.run([str(py), "-c", "import importlib.metadata as m; "
                            f"print(m.version({QUT_PACKAGE!r}))"],
                           capture_output=True, text=True)
        return r.stdout.strip() if r.returncode == 0 else None

    have = version()
    if have != want or not exe.exists():
        if not py.exists():
            log(f"creating {rel(PEERS_VENV)}")
            subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
        log(f"installing {QUT_REQUIREMENT} into {rel(PEERS_VENV)}")
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        QUT_REQUIREMENT], check=True)
        have = version()
    if have is None or not exe.exists():
        sys.exit(f"could not install {QUT_REQUIREMENT} into {PEERS_VENV}")
    return exe, have


def ensure_data(label: str, n_posts: int, seed: int, qut: bool) -> dict[str, Any]:
    """benchmarks/data/<label>/posts.parquet (and qut.csv), generated if absent."""
    d = DATA / label
    posts, csv_path, meta_path = d / "posts.parquet", d / "qut.csv", d / "meta.json"
    meta: dict[str, Any] = {}
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
    days = parse_days(label)
    if meta:
        stale = (meta.get("posts_requested") != n_posts or meta.get("seed") != seed
                 or float(meta.get("days", 30.0)) != days)
    else:  # data made before meta.json existed: generate.py's default seed is 0
        stale = seed != 0
    missing = not posts.exists() or (qut and not csv_path.exists())
    if stale or missing:
        if not qut:  # the big set: check that generation fits in memory first
            need = GEN_BYTES_BASE + GEN_BYTES_PER_POST * n_posts
            avail = meminfo().get("MemAvailable")
            if avail is not None and need > 0.9 * avail:
                sys.exit(f"generating {n_posts:,} posts needs about {fmt_bytes(need)}, only "
                         f"{fmt_bytes(avail)} available; free memory or choose a smaller --big")
        log(f"[{label}] generating {n_posts:,} posts (seed {seed}{', with qut.csv' if qut else ''})"
            f" into {rel(d)}")
        cmd = [sys.executable, str(BENCH / "generate.py"), "--posts", str(n_posts),
               "--out", str(d), "--seed", str(seed), "--days", str(days)] + (
                   ["--qut"] if qut else [])
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT)
        meta = {"posts_requested": n_posts, "seed": seed, "days": days, "qut_csv": qut,
                "generated_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "generation_s": round(time.perf_counter() - t0, 1)}
        meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    info = {
        "dir": rel(d),
        "posts": parquet_rows(posts),
        "days": days,
        "seed": meta.get("seed", f"unknown (pre-existing data; the harness uses {seed})"),
        "posts_parquet_bytes": posts.stat().st_size,
    }
    if csv_path.exists():
        info["qut_csv_bytes"] = csv_path.stat().st_size
    if INPUT == "v2":
        v2 = d / "posts_v2.jsonl"
        if stale or missing or not v2.exists():
            log(f"[{label}] writing {rel(v2)}")
            subprocess.run([sys.executable, str(BENCH / "export_v2.py"), str(posts)], check=True,
                           cwd=ROOT)
        info["posts_v2_bytes"] = v2.stat().st_size
    return info


# --------------------------------------------------------------------------- the two tools


class Qut:
    def __init__(self, exe: Path, db: Path, threads: int, window: int, timeout: float,
                 logs: Path) -> None:
        self.exe, self.db, self.threads, self.window = exe, db, threads, window
        self.timeout, self.logs = timeout, logs

    def command(self, step: str, csv_path: Path) -> list[str]:
        if step == "preprocess":
            fmt = "twitter_json" if csv_path.suffix == ".jsonl" else "csv"
            return [rel(self.exe), rel(self.db), "preprocess", "--format", fmt, rel(csv_path)]
        cmd = [rel(self.exe), rel(self.db), "compute", step, "--time_window", str(self.window),
               "--n_cpus", str(self.threads), "--min_edge_weight", "2"]
        if step == "co_similar_tweet":
            cmd += ["--similarity_threshold", "0.8"]
        return cmd

    def run(self, step: str, csv_path: Path) -> dict[str, Any]:
        if step == "preprocess":
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(str(self.db) + suffix).unlink(missing_ok=True)
        r = run_timed(self.command(step, csv_path), self.logs / f"qut-{step}.log", self.timeout)
        r.update(tool="qut", step=step, output=self.output(step))
        return r

    def output(self, step: str) -> dict[str, Any] | None:
        """What the step left in the toolkit's database (read after timing)."""
        if not self.db.exists():
            return None
        table = "edge" if step == "preprocess" else f"{step}_network"
        try:
            with contextlib.closing(sqlite3.connect(self.db, timeout=30)) as con:
                if step == "preprocess":
                    (n,) = con.execute("SELECT count(*) FROM edge").fetchone()
                    return {"messages": n}
                n, loops = con.execute(
                    f"SELECT count(*), coalesce(sum(user_1 = user_2), 0) FROM {table}"
                ).fetchone()
                return {"rows": n, "self_loops": loops}
        except sqlite3.Error as exc:
            return {"error": str(exc)}


class Cib:
    def __init__(self, exe: str, threads: int, window: int, timeout: float, logs: Path,
                 keep: bool) -> None:
        self.exe, self.threads, self.window = exe, threads, window
        self.timeout, self.logs, self.keep = timeout, logs, keep
        self.env = dict(os.environ, NUMBA_NUM_THREADS=str(threads))

    def command(self, inp: Path, out: Path, trace: str | None) -> list[str]:
        cmd = [rel(self.exe), "detect", rel(inp), "--out", rel(out), "--window",
               f"{self.window}s", "--threads", str(self.threads)]
        return cmd + (["--traces", trace] if trace else [])

    def run(self, inp: Path, out: Path, trace: str | None, step: str) -> dict[str, Any]:
        if out.exists():
            shutil.rmtree(out)
        r = run_timed(self.command(inp, out, trace), self.logs / f"cibwatch-{step}.log",
                      self.timeout, self.env)
        r.update(tool="cibwatch", step=step, output=self.output(out, trace))
        if not self.keep and out.exists():
            shutil.rmtree(out)
        return r

    @staticmethod
    def output(out: Path, trace: str | None) -> dict[str, Any] | None:
        try:
            counts = json.loads((out / "run.json").read_text())["counts"]
        except (OSError, ValueError, KeyError):
            return None
        res = {k: counts.get(k) for k in ("posts", "pairs", "edges", "networks", "members",
                                          "bounded_keys")}
        if trace:
            res["trace"] = counts.get("traces", {}).get(trace)
        return res


# --------------------------------------------------------------------------- one size


def bench_size(label: str, qut: Qut | None, cib: Cib,
               traces: tuple[str, ...]) -> list[dict[str, Any]]:
    d = DATA / label
    inputs = [cib_input(d)] + ([qut_input(d)] if qut else [])
    prewarm(inputs)
    q_steps = ["preprocess", *QUT_NETWORKS] if qut else []
    # cibwatch: all default traces first (paired with the toolkit's preprocess), then the traces
    # the toolkit has a network for (each paired with that network), then the other traces.
    c_steps: list[str | None] = [None, *(PAIRS[n] for n in QUT_NETWORKS)]
    c_steps += [t for t in traces if t not in c_steps]
    runs: list[dict[str, Any]] = []
    qut_broken = False

    def do_qut(step: str) -> None:
        nonlocal qut_broken
        assert qut is not None
        if qut_broken:
            r = {"tool": "qut", "step": step, "status": "skipped",
                 "cmd": shlex.join(qut.command(step, qut_input(d))),
                 "note": "the preprocess did not finish"}
        else:
            r = qut.run(step, qut_input(d))
            if step == "preprocess" and r["status"] != "ok":
                qut_broken = True
        report(label, r)
        runs.append(r)

    def do_cib(trace: str | None) -> None:
        step = trace or "all"
        r = cib.run(cib_input(d), d / "runs" / f"cibwatch-{step}", trace, step)
        report(label, r)
        runs.append(r)

    for i in range(max(len(q_steps), len(c_steps))):
        if i < len(q_steps):
            do_qut(q_steps[i])
        if i < len(c_steps):
            do_cib(c_steps[i])
    if qut and not cib.keep:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(str(qut.db) + suffix).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        (d / "runs").rmdir()
    return runs


def report(label: str, r: dict[str, Any]) -> None:
    what = f"{r['tool']} {r['step']}"
    if r["status"] == "skipped":
        log(f"[{label}] {what:<26} skipped ({r.get('note', '')})")
        return
    extra = ""
    if r["status"] == "timeout":
        extra = f"  TIMEOUT after {r['timeout_s']:.0f} s, killed"
    elif r["status"] == "failed":
        extra = f"  FAILED (exit {r['exit_code']}), see {r['log']}"
    elif r.get("traceback_in_log"):
        extra = f"  (exit 0, but a traceback in {r['log']})"
    log(f"[{label}] {what:<26} {fmt_s(r['wall_s']):>9}  peak RSS {fmt_bytes(r['peak_rss_bytes'])}"
        f" (all processes {fmt_bytes(r['peak_tree_rss_bytes'])}){extra}")


# --------------------------------------------------------------------------- tables


def _find(runs: list[dict[str, Any]], tool: str, step: str) -> dict[str, Any] | None:
    return next((r for r in runs if r["tool"] == tool and r["step"] == step), None)


def _cell(r: dict[str, Any] | None) -> str:
    if r is None:
        return "-"
    if r["status"] == "ok":
        return fmt_s(r["wall_s"])
    if r["status"] == "timeout":
        return f"> {r['timeout_s']:g} s (timeout)"
    if r["status"] == "failed":
        return f"failed (exit {r['exit_code']})"
    return "skipped"


def _ratio(q: dict[str, Any] | None, c: dict[str, Any] | None) -> str:
    if not q or not c or c["status"] != "ok" or q["status"] not in ("ok", "timeout"):
        return "-"
    x = q["wall_s"] / c["wall_s"]
    return f"{x:.1f}x" if q["status"] == "ok" else f"> {x:.1f}x"


def qut_total(runs: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The toolkit's preprocess + 4 networks as one pseudo-run (a lower bound on a timeout)."""
    steps = [_find(runs, "qut", s) for s in ("preprocess", *QUT_NETWORKS)]
    if any(s is None for s in steps):
        return None
    states = {s["status"] for s in steps if s}
    if states - {"ok", "timeout"}:
        return {"status": "failed", "exit_code": "see the rows above", "wall_s": None}
    wall = sum(s["wall_s"] for s in steps if s)
    status = "timeout" if "timeout" in states else "ok"
    return {"status": status, "wall_s": wall, "timeout_s": wall}


HEAD_CIB = ("cibwatch run (end to end)", "cibwatch time", "peak RSS")


def size_rows(runs: list[dict[str, Any]], traces: tuple[str, ...]) -> list[tuple[str, ...]]:
    if not any(r["tool"] == "qut" for r in runs):  # --skip-peers
        out = []
        for step in ("all", *traces):
            c = _find(runs, "cibwatch", step)
            name = "all default traces" if step == "all" else f"--traces {step}"
            out.append((name, _cell(c), fmt_bytes(c["peak_rss_bytes"]) if c else "-"))
        return out
    rows = []
    for net in QUT_NETWORKS:
        q, c = _find(runs, "qut", net), _find(runs, "cibwatch", PAIRS[net])
        rows.append((LABELS[net], _cell(q), _cell(c), _ratio(q, c)))
    q, c = qut_total(runs), _find(runs, "cibwatch", "all")
    if q is not None and q["status"] == "failed":
        qcell = "failed (see the runs)"
    elif q is not None and q["status"] == "timeout":
        qcell = f"> {fmt_s(q['wall_s'])} (a step timed out)"
    else:
        qcell = _cell(q)
    rows.append(("QUT preprocess + 4 networks / cibwatch all default traces (end to end)",
                 qcell, _cell(c), _ratio(q, c)))
    rows.append(("QUT preprocess alone (CSV -> SQLite)", _cell(_find(runs, "qut", "preprocess")),
                 "-", "-"))
    for t in traces:
        if t not in PAIRS.values():
            rows.append((f"cibwatch {t} alone (no QUT network run)", "-",
                         _cell(_find(runs, "cibwatch", t)), "-"))
    return rows


HEAD = ("comparison (QUT network / cibwatch trace)", "QUT time", "cibwatch time",
        "ratio QUT / cibwatch")

NOTES = [
    "A cibwatch time is always end to end: `cibwatch detect posts.parquet` ingests the Parquet "
    "file into a fresh DuckDB store, extracts the trace(s), runs the window join, builds the "
    "networks and writes its output files; a per-trace row runs `--traces TRACE`.",
    "A QUT per-network time excludes its preprocess (CSV -> SQLite, its own row), which it runs "
    "once for all networks; it includes the indexes and text columns the network builds in the "
    "database the first time. The per-trace rows therefore count cibwatch's ingest but not the "
    "toolkit's.",
    "The last comparison is like for like: everything each tool does from its input file to "
    "its networks (the toolkit: preprocess + co-retweet + co-tweet + co-link + co-similar-tweet; "
    "cibwatch: all 7 default traces, so it does more).",
    "`> N s (timeout)`: the step was killed after N s (`--qut-timeout`); its ratio is a lower "
    "bound.",
]


def print_tables(res: dict[str, Any]) -> None:
    traces = tuple(res["settings"]["cibwatch_traces"])
    try:
        from rich.console import Console
        from rich.table import Table
    except ImportError:
        Console = None
    for label, sz in res["sizes"].items():
        title = (f"{label}: {sz['data']['posts']:,} posts over {sz['data'].get('days', 30):g} days, "
                 f"window {res['settings']['window_s']} s")
        rows = size_rows(sz["runs"], traces)
        head = HEAD if len(rows[0]) == len(HEAD) else HEAD_CIB
        if Console is None:
            print("\n" + title)
            print(md_table(head, rows))
            continue
        caption = "cibwatch times are end to end (incl. its ingest)" + (
            "; QUT per-network times exclude its preprocess" if head is HEAD else "")
        t = Table(title=title, caption=caption, show_lines=False)
        for i, h in enumerate(head):
            t.add_column(h, justify="left" if i == 0 else "right")
        for r in rows:
            t.add_row(*r)
        console = Console()
        console.width = max(console.width, 130)
        console.print(t)
    for key, title in (("big", "cibwatch alone, big set"), ("ira", "cibwatch alone, IRA")):
        b = res.get(key)
        if b and b.get("run"):
            r = b["run"]
            log(f"{title}: {b['posts']:,} posts: {_cell(r)}, peak RSS "
                f"{fmt_bytes(r.get('peak_rss_bytes'))}")


#: Why the speed ratio depends on the input's density (shown under the targets).
DENSITY_NOTE = [
    "**Density decides the ratio.** The toolkit's co-link and co-similar-tweet compare every "
    "pair of messages that fall within the window of each other (co-similar runs a Python "
    "similarity function on each), so their time grows with the number of posts per window; "
    "cibwatch's joins are equality joins on keys and time buckets, and its near-duplicate "
    "search is MinHash LSH over distinct texts, so its time hardly depends on density. The "
    "same 1 M posts are therefore run twice: spread over 30 days (`1m`, about 33,000 posts a "
    "day, a slow topic collection) and over 3 days (`1m@3d`, about 4 posts a second, a "
    "trending-topic collection; PEERS.md's figure for the toolkit's co-similar-tweet at 1 M "
    "posts, 480 s, is of the dense set's order, not the sparse one's). Compare the two rows of "
    "each target: the 20x target is a property of dense inputs.",
    "",
]


def md_table(head: tuple[str, ...], rows: list[tuple[str, ...]], left: int = 1) -> str:
    """A Markdown table; the first ``left`` columns are left-aligned, the others right."""
    out = ["| " + " | ".join(head) + " |",
           "|" + "|".join("---" if i < left else "---:" for i in range(len(head))) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


# --------------------------------------------------------------------------- targets


def _sizes_near(res: dict[str, Any], n: int) -> list[tuple[str, dict[str, Any]]]:
    return [(label, sz) for label, sz in res["sizes"].items()
            if n <= sz["data"]["posts"] < n * 1.1]


def targets(res: dict[str, Any]) -> list[dict[str, str]]:
    out = []

    def add(name: str, measured: str, state: str) -> None:
        out.append({"target": name, "measured": measured, "status": state})

    ones = _sizes_near(res, 1_000_000)
    base1 = (f"1 M posts, all default traces incl. near-duplicate text, end to end from Parquet "
             f"<= {TARGETS['t1m_time_s']:.0f} s")
    base2 = (f"1 M posts: >= {TARGETS['t1m_ratio']:.0f}x faster than QUT's preprocess + "
             "co-retweet + co-tweet + co-link + co-similar-tweet, same run")
    if not ones:
        add(base1, "-", "not measured in this run (no 1m size)")
        add(base2, "-", "not measured in this run (no 1m size)")
    for label, sz in ones:
        span = f" [{label}: posts over {sz['data'].get('days', 30):g} days]"
        name1, name2 = base1 + span, base2 + span
        c = _find(sz["runs"], "cibwatch", "all")
        if c is None or c["status"] != "ok":
            add(name1, _cell(c), "not met")
        else:
            add(name1, fmt_s(c["wall_s"]),
                "met" if c["wall_s"] <= TARGETS["t1m_time_s"] else "not met")
        q = qut_total(sz["runs"])
        ratio = _ratio(q, c)
        if q is None:
            add(name2, "-", "not measured in this run (--skip-peers)")
        elif ratio == "-":
            add(name2, "-", "not measured (a step failed)")
        else:
            x = q["wall_s"] / c["wall_s"]  # type: ignore[index]
            if x >= TARGETS["t1m_ratio"]:
                state = "met"
            elif q["status"] == "timeout":
                state = "undetermined (a QUT step timed out; raise --qut-timeout)"
            else:
                state = "not met"
            shown = ("> " if q["status"] == "timeout" else "") + fmt_s(q["wall_s"])
            add(name2, f"{ratio} (QUT {shown} / cibwatch {fmt_s(c['wall_s'])})", state)  # type: ignore[index]

    name3 = (f"10 M posts, all default traces, end to end <= {TARGETS['t10m_time_s']:.0f} s with "
             f"peak memory < {TARGETS['t10m_rss_bytes'] / 1e9:.0f} GB")
    big = res.get("big")
    if not big:
        add(name3, "-", "not measured in this run (no --big)")
    elif big["posts"] < 9_900_000:
        r = big["run"]
        add(name3, f"{big['posts']:,} posts only: {_cell(r)}, "
            f"{fmt_bytes(r.get('peak_rss_bytes'))}", "not measured (run --big 10m)")
    else:
        r = big["run"]
        ok = (r["status"] == "ok" and r["wall_s"] <= TARGETS["t10m_time_s"]
              and r["peak_rss_bytes"] is not None
              and r["peak_rss_bytes"] < TARGETS["t10m_rss_bytes"])
        add(name3, f"{_cell(r)}, peak RSS {fmt_bytes(r.get('peak_rss_bytes'))}",
            "met" if ok else "not met")

    name4 = f"full IRA set (2.46 M tweets) end to end <= {TARGETS['ira_time_s']:.0f} s"
    ira = res.get("ira")
    if not ira:
        add(name4, "-", "not measured in this run (no --ira)")
    elif not ira.get("run"):
        add(name4, "-", f"not measured: {ira.get('note', 'file absent')}")
    elif ira["posts"] < TARGETS["ira_rows"]:
        add(name4, f"{ira['posts']:,} rows only: {_cell(ira['run'])}",
            "not measured (not the full set)")
    else:
        r = ira["run"]
        ok = r["status"] == "ok" and r["wall_s"] <= TARGETS["ira_time_s"]
        add(name4, f"{_cell(r)}, peak RSS {fmt_bytes(r.get('peak_rss_bytes'))}",
            "met" if ok else "not met")
    return out


# --------------------------------------------------------------------------- docs


def _output_cell(r: dict[str, Any]) -> str:
    o = r.get("output")
    if not o:
        return "-"
    if "error" in o:
        return f"({o['error']})"
    if r["tool"] == "qut":
        if "messages" in o:
            return f"{o['messages']:,} messages"
        return f"{o['rows']:,} directed rows ({o['self_loops']:,} self-loops)"
    t = o.get("trace")
    if t:
        return f"{t['pairs']:,} pairs; {o['networks']} networks"
    return f"{o['pairs']:,} pairs; {o['networks']} networks"


def _runs_table(runs: list[dict[str, Any]]) -> str:
    rows = []
    for i, r in enumerate(runs, 1):
        if r["status"] == "skipped":
            rows.append((str(i), r["tool"], r["step"], "skipped", "-", "-", "-", "-"))
            continue
        flag = " (traceback in log)" if r.get("traceback_in_log") and r["status"] == "ok" else ""
        rows.append((str(i), r["tool"], r["step"], _cell(r) + flag,
                     fmt_s(r["user_s"] + r["sys_s"]), fmt_bytes(r["peak_rss_bytes"]),
                     fmt_bytes(r["peak_tree_rss_bytes"]), _output_cell(r)))
    return md_table(("#", "tool", "step", "wall", "CPU (user+sys)", "peak RSS, largest process",
                     "peak RSS, all processes (sampled)", "output"), rows, left=3)


def _cibwatch_version() -> str:
    """The version of the cibwatch being measured (the package's own, not the install's
    metadata, which an editable install leaves at the version it was installed with)."""
    import cibwatch

    return str(cibwatch.__version__)


#: Text of docs/BENCHMARKS.md from this marker on is kept when the file is rewritten (the
#: ingest figures of benchmarks/ingest.py, written by hand from its table).
KEEP_MARKER = "<!-- kept by run.py:"


def kept_tail() -> str:
    """The part of the current docs/BENCHMARKS.md that a rewrite keeps (see KEEP_MARKER)."""
    if not DOC.exists():
        return ""
    text = DOC.read_text()
    i = text.find(KEEP_MARKER)
    return "\n" + text[i:] if i >= 0 else ""


def render_markdown(res: dict[str, Any]) -> str:
    s, m = res["settings"], res["machine"]
    traces = tuple(s["cibwatch_traces"])
    lines: list[str] = []
    lines += [
        "# Benchmarks",
        "",
        "<!-- Written by benchmarks/run.py from "
        f"{res['results_file']}; rerun it (or `--render` that file) instead of editing. -->",
        "",
        "Speed of `cibwatch detect` against the QUT coordination-network-toolkit "
        f"(`{s['qut_requirement'] or QUT_REQUIREMENT}`) on the same synthetic posts, in the same "
        "run" + ("" if s["qut_requirement"] else " (this run: cibwatch alone, `--skip-peers`)")
        + ". "
        "How the data is made and what each step measures: `benchmarks/README.md`.",
        "",
        f"Run {res['started_utc']} to {res['finished_utc']} (UTC) with:",
        "",
        "```bash",
        res["command"],
        "```",
        "",
        f"Raw results: `{res['results_file']}`.",
        "",
        "## Machine",
        "",
        md_table(("", ""), left=2, rows=[
            ("CPU", f"{m['cpu_model']}, {m['nproc']} cores available (nproc)"),
            ("RAM", fmt_bytes(m["ram_bytes"])),
            ("OS", m["os"]),
            ("Python", m["python"]),
            ("cibwatch", f"{m['cibwatch_version']} (commit {m['git_commit']})"),
            ("DuckDB / numba", f"{m['duckdb_version']} / {m['numba_version']}"),
            ("QUT toolkit", f"{m.get('qut_version') or 'not run'} "
             f"(SQLite {m.get('qut_sqlite_version') or '-'}), in benchmarks/.venv-peers"),
            ("load average at start / end",
             f"{m['loadavg_start']} / {res.get('loadavg_end', '-')}"),
        ]),
        "",
        f"Both tools get {s['threads']} threads (QUT `--n_cpus {s['threads']}`, cibwatch "
        f"`--threads {s['threads']}` and `NUMBA_NUM_THREADS={s['threads']}`), window "
        f"{s['window_s']} s, minimum edge weight 2. QUT steps are killed after "
        f"{s['qut_timeout_s']:.0f} s.",
        "",
        "## Targets",
        "",
        md_table(("target", "measured", "status"),
                 [(t["target"], t["measured"], f"**{t['status']}**") for t in res["targets"]],
                 left=3),
        "",
        *DENSITY_NOTE,
    ]
    for label, sz in res["sizes"].items():
        dd = sz["data"]
        qut_ran = any(r["tool"] == "qut" for r in sz["runs"])
        lines += [
            f"## {label}: {dd['posts']:,} posts",
            "",
            f"Data: `{dd['dir']}` (seed {dd['seed']}): posts.parquet "
            f"{fmt_bytes(dd['posts_parquet_bytes'])}"
            + (f", qut.csv {fmt_bytes(dd['qut_csv_bytes'])}" if "qut_csv_bytes" in dd else "")
            + ".",
            "",
            md_table(HEAD if qut_ran else HEAD_CIB, size_rows(sz["runs"], traces)),
            "",
            *(f"- {n}" for n in (NOTES if qut_ran else NOTES[:1])),
            "",
            "Every run, in the order it ran (the two tools alternate):",
            "",
            _runs_table(sz["runs"]),
            "",
        ]
        if any(r.get("traceback_in_log") and r["status"] == "ok" for r in sz["runs"]):
            lines += [
                "(traceback in log): the step exited with status 0 and its network table is "
                "complete, but its log holds a Python traceback. For the toolkit this is "
                "`Exception ignored in: <module 'threading'> ... concurrent/futures/process.py "
                "... OSError: [Errno 9] Bad file descriptor` at interpreter exit: it never shuts "
                "its process pool down. The logs are in `benchmarks/data/logs/`.",
                "",
            ]
    for key, title in (("big", "cibwatch alone, big set"), ("ira", "cibwatch alone, IRA")):
        b = res.get(key)
        if not b:
            continue
        lines += [f"## {title}", ""]
        if not b.get("run"):
            lines += [b.get("note", "not run"), ""]
            continue
        r = b["run"]
        lines += [
            f"`{r['cmd']}` ({b['posts']:,} posts, all default traces):",
            "",
            md_table(("wall", "CPU (user+sys)", "peak RSS", "output"),
                     [(_cell(r), fmt_s(r["user_s"] + r["sys_s"]),
                       fmt_bytes(r["peak_rss_bytes"]), _output_cell(r))]),
            "",
        ]
    q = s.get("qut_commands")
    lines += ["## How each tool is run", ""]
    if q:
        lines += ["The QUT toolkit, through its own command line, one process per step (a fresh "
              "database for each size):", "", "```bash", *q, "```", ""]
    lines += ["cibwatch, one process per run (a fresh store in OUT each time):", "", "```bash",
          *s["cibwatch_commands"], "```", "",
          "Before timing, both tools run once on a 5,000-post set (untimed), so that "
          "cibwatch's compiled kernels are in numba's cache and both start warm; each size's "
          "input files are read once so that both start with them in the page cache.",
          "",
          "Differences that matter when reading the numbers (details in `docs/PARITY.md`):",
          "",
          "- cibwatch bounds very popular keys (`--max-neighbours 200` by default: an action "
          "is joined with at most 200 neighbours in the window); the toolkit joins every pair. "
          "The synthetic data has Zipf-popular posts and URLs, so this matters for co-retweet "
          "and co-link.",
          "- near-duplicate text: the toolkit compares every pair of non-repost messages in "
          "the window with an exact Jaccard similarity over word sets (>= 0.8, in Python); "
          "cibwatch uses MinHash/LSH over character 4-grams (Jaccard >= 0.5) and leaves "
          "identical texts to `text_exact`.",
          "- outputs: the toolkit leaves its networks in its SQLite database (no output file "
          "is written: `--output_file` is not given); cibwatch writes summary.md, "
          "networks.csv, accounts.csv, edges.parquet and run.json.",
          "- `coordination-network-toolkit` 1.5.2 (the newest on PyPI) predates the "
          "upstream commit that stops a message being compared with itself "
          "(`message_id != message_id`, unreleased), so its network tables hold self-loops "
          "(counted in the runs table); that is one extra match per message, which should "
          "change its times little. Its tables hold both directions of each pair.",
          ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- machine


def machine_info() -> dict[str, Any]:
    import importlib.metadata as md

    def version(pkg: str) -> str:
        try:
            return md.version(pkg)
        except md.PackageNotFoundError:
            return "-"

    cpu = "-"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "-"
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src"],
                           capture_output=True, text=True).stdout.strip()
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": cpu,
        "ram_bytes": meminfo().get("MemTotal"),
        "os": platform.platform(),
        "python": platform.python_version(),
        "cibwatch_version": _cibwatch_version(),
        "git_commit": commit + (" + uncommitted changes in src/" if dirty else ""),
        "duckdb_version": version("duckdb"),
        "numba_version": version("numba"),
        "loadavg_start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


# --------------------------------------------------------------------------- main


def write_results(res: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(res, indent=2) + "\n")
    tmp.replace(path)


def warm_up(qut: Qut | None, cib: Cib, seed: int) -> None:
    label = "warmup"
    ensure_data(label, WARMUP_POSTS, seed, qut is not None)
    d = DATA / label
    log(f"warm-up on {WARMUP_POSTS:,} posts (untimed)")
    cib.logs = cib.logs / label
    r = cib.run(cib_input(d), d / "runs" / "cibwatch", None, "warmup")
    if r["status"] != "ok":
        sys.exit(f"cibwatch failed on the warm-up set; see {r['log']}")
    if qut is not None:
        warm = Qut(qut.exe, d / "qut.db", qut.threads, qut.window, qut.timeout, cib.logs)
        for step in ("preprocess", *QUT_NETWORKS):
            r = warm.run(step, qut_input(d))
            if r["status"] != "ok":
                sys.exit(f"the QUT toolkit failed on the warm-up set; see {r['log']}")
        Path(str(warm.db)).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100k,1m",
                    help="comma-separated sizes compared with the QUT toolkit (default 100k,1m)")
    ap.add_argument("--big", default=None, metavar="SIZE",
                    help="also time cibwatch alone on this many posts (the target is 10m)")
    ap.add_argument("--ira", nargs="?", const=str(DEFAULT_IRA), default=None, metavar="PATH",
                    help="also time cibwatch alone on the IRA tweets (default path: "
                    "../shared/data/ira/tweets.parquet from the repository root)")
    ap.add_argument("--skip-peers", action="store_true", help="time cibwatch only")
    ap.add_argument("--qut-timeout", type=float, default=1800.0, metavar="SECONDS",
                    help="kill a QUT step after this long (default 1800)")
    ap.add_argument("--cib-timeout", type=float, default=3600.0, metavar="SECONDS",
                    help="kill a cibwatch run after this long (default 3600)")
    ap.add_argument("--threads", type=int, default=len(os.sched_getaffinity(0)),
                    help="threads for both tools (QUT --n_cpus, cibwatch --threads); "
                    "default: the cores available")
    ap.add_argument("--seed", type=int, default=0, help="generate.py seed (default 0)")
    ap.add_argument("--keep-outputs", action="store_true",
                    help="keep each run's output directory and the QUT database")
    ap.add_argument("--no-docs", action="store_true", help="do not rewrite docs/BENCHMARKS.md")
    ap.add_argument("--input", choices=sorted(INPUTS), default="parquet",
                    help="parquet (default): cibwatch reads posts.parquet, the toolkit qut.csv; "
                    "v2: both read the same X API v2 export posts_v2.jsonl (docs/BENCHMARKS.md "
                    "is then left alone: its tables are the Parquet runs')")
    ap.add_argument("--render", type=Path, metavar="RESULTS_JSON",
                    help="only print the tables and rewrite docs/BENCHMARKS.md from a results "
                    "file")
    args = ap.parse_args(argv)
    global INPUT
    INPUT = args.input
    if INPUT != "parquet":
        args.no_docs = True

    if args.render:
        res = json.loads(args.render.read_text())
        res["targets"] = targets(res)
        print_tables(res)
        DOC.write_text(render_markdown(res) + kept_tail())
        log(f"wrote {rel(DOC)}")
        return 0

    window = 60
    labels = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    sizes = {lab: parse_size(lab) for lab in labels}
    big = (args.big.strip().lower(), parse_size(args.big)) if args.big else None
    started = dt.datetime.now(dt.UTC)
    parts = [started.strftime("%Y-%m-%d"), *labels] + ([INPUT] if INPUT != "parquet" else [])
    parts += ([f"big{big[0]}"] if big else []) + (["ira"] if args.ira else [])
    name = "-".join(parts)
    out_json = RESULTS / f"{name}.json"
    logs = DATA / "logs"
    if logs.exists():
        shutil.rmtree(logs)

    traces = default_traces()
    cib = Cib(cibwatch_exe(), args.threads, window, args.cib_timeout, logs, args.keep_outputs)
    qut: Qut | None = None
    machine = machine_info()
    if not args.skip_peers:
        exe, qver = ensure_peers()
        machine["qut_version"] = qver
        machine["qut_sqlite_version"] = subprocess.run(
            [str(PEERS_VENV / "bin" / "python"), "-c", "import sqlite3; print(sqlite3.sqlite_version)"],
            capture_output=True, text=True).stdout.strip()
        qut = Qut(exe, DATA / "qut.db", args.threads, window, args.qut_timeout, logs)

    argv_shown = sys.argv[1:] if argv is None else argv
    res: dict[str, Any] = {
        "schema": 1,
        "command": ".venv/bin/python benchmarks/run.py " + shlex.join(argv_shown),
        "results_file": rel(out_json),
        "started_utc": started.isoformat(timespec="seconds"),
        "finished_utc": None,
        "machine": machine,
        "settings": {
            "window_s": window,
            "threads": args.threads,
            "qut_timeout_s": args.qut_timeout,
            "cib_timeout_s": args.cib_timeout,
            "seed": args.seed,
            "input": INPUT,
            "qut_requirement": None if qut is None else QUT_REQUIREMENT,
            "cibwatch_traces": list(traces),
            "qut_commands": None if qut is None else [
                shlex.join(Qut(Path("benchmarks/.venv-peers/bin/compute_networks"),
                               Path("benchmarks/data/SIZE/qut.db"), args.threads, window, 0,
                               logs).command(s, Path("benchmarks/data/SIZE") / INPUTS[INPUT][1]))
                for s in ("preprocess", *QUT_NETWORKS)],
            "cibwatch_commands": [
                cib.command(Path("benchmarks/data/SIZE") / INPUTS[INPUT][0],
                            Path("benchmarks/data/SIZE/runs/cibwatch-STEP"), t)
                for t in (None, "TRACE")],
        },
        "sizes": {},
        "big": None,
        "ira": None,
    }
    cmds = res["settings"]["cibwatch_commands"]
    res["settings"]["cibwatch_commands"] = [
        shlex.join(c) + ("    # all default traces" if i == 0 else "    # one trace")
        for i, c in enumerate(cmds)]

    warm_up(qut, cib, args.seed)
    for label, n in sizes.items():
        info = ensure_data(label, n, args.seed, qut is not None)
        log(f"[{label}] {info['posts']:,} posts")
        cib.logs = logs / label
        if qut is not None:
            qut.db, qut.logs = DATA / label / "qut.db", logs / label
        runs = bench_size(label, qut, cib, traces)
        res["sizes"][label] = {"data": info, "runs": runs}
        write_results(res, out_json)

    if big:
        label, n = big
        info = ensure_data(label, n, args.seed, qut=False)
        log(f"[{label}] {info['posts']:,} posts, cibwatch alone")
        cib.logs = logs / label
        prewarm([DATA / label / "posts.parquet"])
        r = cib.run(DATA / label / "posts.parquet", DATA / label / "runs" / "cibwatch-all",
                    None, f"big-{label}")
        report(label, r)
        res["big"] = {"label": label, "posts": info["posts"], "data": info, "run": r}
        write_results(res, out_json)

    if args.ira:
        path = Path(args.ira)
        if not path.is_absolute():
            path = (Path.cwd() / path).resolve()
        if not path.exists():
            note = f"skipped: {path} is absent"
            log(f"[ira] {note}")
            res["ira"] = {"path": str(path), "note": note, "run": None}
        else:
            rows = parquet_rows(path) if path.suffix == ".parquet" else None
            prewarm([path])
            cib.logs = logs / "ira"
            r = cib.run(path, DATA / "ira" / "runs" / "cibwatch-all", None, "ira")
            report("ira", r)
            posts = rows if rows is not None else ((r.get("output") or {}).get("posts") or 0)
            res["ira"] = {"path": rel(path), "posts": posts, "run": r}
        write_results(res, out_json)

    res["finished_utc"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    res["loadavg_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    res["targets"] = targets(res)
    write_results(res, out_json)
    print_tables(res)
    log("\ntargets:")
    for t in res["targets"]:
        log(f"- {t['target']}\n    measured: {t['measured']}\n    -> {t['status']}")
    log(f"\nraw results: {rel(out_json)}")
    if not args.no_docs:
        DOC.write_text(render_markdown(res) + kept_tail())
        log(f"rewrote {rel(DOC)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
