"""The command line: help, errors without tracebacks, and the README's commands, run."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cibwatch
from cibwatch.cli import app, parse_duration
from cibwatch.errors import ConfigError

from .conftest import DEMO, FIXTURES, ROOT

runner = CliRunner()
CLI = [sys.executable, "-m", "cibwatch.cli"]


@pytest.mark.parametrize("cmd", [[], ["ingest"], ["detect"], ["evidence"], ["export", "canonical"],
                                 ["formats"], ["demo"], ["expand"], ["export", "stix"],
                                 ["indicators", "import"]])
def test_help(cmd: list[str]) -> None:
    r = runner.invoke(app, [*cmd, "--help"])
    assert r.exit_code == 0, r.output
    assert "Usage" in r.output


def test_detect_help_lists_traces_and_defaults() -> None:
    r = runner.invoke(app, ["detect", "--help"], env={"COLUMNS": "250", "TERMINAL_WIDTH": "250"})
    for word in ("text_near", "hashtag_seq", "domain", "--preset", "coortweet", "--window",
                 "--min-weight", "--max-neighbours", "--strict"):
        assert word in r.output, word


def test_version() -> None:
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and cibwatch.__version__ in r.output


def test_duration_parsing() -> None:
    assert parse_duration("60s") == 60 and parse_duration("10") == 10
    assert parse_duration("5m") == 300 and parse_duration("1.5h") == 5400
    assert parse_duration("250ms") == 0.25
    with pytest.raises(ConfigError):
        parse_duration("a minute")


def test_user_errors_are_messages_not_tracebacks(tmp_path: Path) -> None:
    bad = tmp_path / "x.csv"
    bad.write_text("foo,bar\n1,2\n")
    for args in (
        ["detect", str(bad), "--out", str(tmp_path / "o")],
        ["detect", str(tmp_path / "missing.csv"), "--out", str(tmp_path / "o")],
        ["detect", str(FIXTURES / "qut" / "tiny_all_networks.csv"), "--out",
         str(tmp_path / "o"), "--traces", "retweet"],
        ["detect", str(FIXTURES / "qut" / "tiny_all_networks.csv"), "--out",
         str(tmp_path / "o"), "--window", "soon"],
        ["detect", "--db", str(tmp_path / "empty.duckdb"), "--out", str(tmp_path / "o")],
    ):
        p = subprocess.run([*CLI, *args], capture_output=True, text=True)
        assert p.returncode == 2, (args, p.stderr)
        assert "Traceback" not in p.stderr
        assert "error:" in p.stderr and "You can fix this by" in p.stderr


def test_strict_flag_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("platform,post_id,account_id,created_at\ntwitter,1,a,10\ntwitter,2,b,later\n")
    p = subprocess.run([*CLI, "ingest", str(path), "--db", str(tmp_path / "s.duckdb"), "--strict"],
                       capture_output=True, text=True)
    assert p.returncode == 2 and f"{path}:3" in p.stderr and "created_at" in p.stderr
    p = subprocess.run([*CLI, "ingest", str(path), "--db", str(tmp_path / "s2.duckdb")],
                       capture_output=True, text=True)
    assert p.returncode == 0
    assert "1 record(s) rejected" in p.stderr
    lines = (tmp_path / "s2.rejects.csv").read_text().splitlines()
    assert len(lines) == 2 and f"{path},3,created_at," in lines[1] and "later" in lines[1]


def test_ingest_then_detect_on_the_store_and_evidence(tmp_path: Path) -> None:
    db = tmp_path / "inv.duckdb"
    r = runner.invoke(app, ["ingest", str(FIXTURES / "qut" / "tiny_all_networks.csv"),
                            "--db", str(db)])
    assert r.exit_code == 0, r.output
    out = tmp_path / "out"
    r = runner.invoke(app, ["detect", "--db", str(db), "--out", str(out), "--min-weight", "1",
                            "--min-size", "2", "--graphml"])
    assert r.exit_code == 0, r.output
    assert (out / "network.graphml").exists() and (out / "summary.md").exists()
    r = runner.invoke(app, ["evidence", "--db", str(db), "twitter:A", "twitter:B",
                            "--output", str(tmp_path / "ev.csv")])
    assert r.exit_code == 0, r.output
    import csv
    from collections import Counter

    with open(tmp_path / "ev.csv") as fh:
        ev = Counter((r["trace"], float(r["window_s"])) for r in csv.DictReader(fh))
    # each co-action once per window that holds it; A published ex.com/a first, B shared it twice
    assert ev == {("reshare", 60): 2, ("reshare", 600): 2, ("text_exact", 60): 2,
                  ("text_exact", 600): 2, ("url", 60): 2, ("url", 600): 2,
                  ("url_seed", 259200): 2}
    r = runner.invoke(app, ["export", "canonical", "--db", str(db), "--out", str(tmp_path / "c")])
    assert r.exit_code == 0 and (tmp_path / "c" / "posts.parquet").exists()


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    cmds = []
    for b in blocks:
        for line in b.splitlines():
            line = line.split("#")[0].strip()
            if line.startswith("cibwatch ") and "ACCOUNT_A" not in line:
                cmds.append(line)
    return cmds


def test_readme_commands_run(tmp_path: Path) -> None:
    """Docs that run: every cibwatch command of the README, in order, from a scratch dir."""
    (tmp_path / "demo").symlink_to(DEMO.parent)
    cmds = _readme_commands()
    assert len(cmds) >= 6
    env = {**os.environ, "COLUMNS": "200"}
    for cmd in cmds:
        args = shlex.split(cmd)[1:]
        p = subprocess.run([*CLI, *args], cwd=tmp_path, capture_output=True, text=True, env=env)
        assert p.returncode == 0, (cmd, p.stderr[-2000:])
    assert (tmp_path / "out" / "coortweet" / "edges.parquet").exists()
    assert (tmp_path / "out" / "canonical" / "accounts.parquet").exists()
    ranked = (tmp_path / "out" / "ira-expand" / "accounts.csv").read_text().splitlines()
    assert ranked[0].startswith("platform,account_id,network_id,label,rank,confidence,hop")
    assert len(ranked) > 1 + 4  # more than the four seeds
    seeds = (tmp_path / "out" / "indicators" / "seeds.csv").read_text().splitlines()
    assert len(seeds) >= len(ranked)  # every account of the bundle is a seed again


def test_readme_lists_every_format_and_trace() -> None:
    from cibwatch.ingest import FORMATS
    from cibwatch.traces import TRACES

    text = (ROOT / "README.md").read_text()
    for name in [*FORMATS, *TRACES]:
        assert f"`{name}`" in text or name in text, name
