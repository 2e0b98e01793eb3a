"""Digests of a run's ``networks.csv``, ``accounts.csv`` and ``edges.parquet`` that do not
depend on how networks are named: the before/after identity test (``tests/test_runs.py``).

A digest replaces every network id (and every per-run label such as ``N0003`` or ``E0001``
inside a text cell) by a key of the network's member set (``M`` + the first 12 hex digits of
the SHA-256 of its sorted ``platform:account_id`` keys), drops the columns that name the run
or its display label (:data:`NEW_COLUMNS`), sorts the rows and hashes them. Two runs that find
the same networks with the same members and the same evidence have the same digest, whatever
their ids.

``tests/fixtures/identity/digest.json`` was made with the code *before* issue 12 (commit
164b21b, network ids ``N0001``...), by::

    .venv/bin/python -m tests.output_digest tests/fixtures/identity/digest.json

which runs :func:`reference_runs` (the demo data; a simulated world, seed 1, scale 0.1; an
expansion from four of its operation's Twitter accounts) and writes their digests.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "demo" / "data"

#: Columns the run model added (issue 12): left out of a digest.
NEW_COLUMNS = ("run_id", "label")
#: A per-run network label inside a text cell.
_LABEL = re.compile(r"\b[NE]\d{4}\b")
FILES = ("networks.csv", "accounts.csv", "edges.parquet")


def _rows(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".csv":
        return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


def _member_keys(accounts: list[dict[str, Any]]) -> dict[str, str]:
    """Every network id and label of ``accounts.csv`` -> the key of its member set."""
    members: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for r in accounts:
        members.setdefault(r["network_id"], []).append(f"{r['platform']}:{r['account_id']}")
        if r.get("label"):
            labels[r["label"]] = r["network_id"]
    keys = {nid: "M" + hashlib.sha256("\n".join(sorted(m)).encode()).hexdigest()[:12]
            for nid, m in members.items()}
    keys.update({label: keys[nid] for label, nid in labels.items()})
    return keys


def _canonical(row: dict[str, Any], keys: dict[str, str]) -> str:
    out: dict[str, Any] = {}
    for k, v in row.items():
        if k in NEW_COLUMNS:
            continue
        if k == "network_id" and v:
            v = keys.get(v, v)
        elif isinstance(v, str):
            v = _LABEL.sub(lambda m: keys.get(m.group(), m.group()), v)
        out[k] = v
    return json.dumps(out, sort_keys=True, default=str)


def digest(out: Path) -> dict[str, dict[str, Any]]:
    """``{file: {rows, columns, sha256}}`` of the three files in ``out``."""
    accounts = _rows(out / "accounts.csv")
    keys = _member_keys(accounts)
    result: dict[str, dict[str, Any]] = {}
    for name in FILES:
        rows = _rows(out / name)
        lines = sorted(_canonical(r, keys) for r in rows)
        cols = [c for c in (rows[0] if rows else {}) if c not in NEW_COLUMNS]
        result[name] = {"rows": len(rows), "columns": cols,
                        "sha256": hashlib.sha256("\n".join(lines).encode()).hexdigest()}
    return result


def reference_runs(tmp: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """Run the reference workflows in ``tmp``; their digests by name."""
    from cibwatch import Store, detect, ingest_files
    from cibwatch.expand import expand, read_seeds
    from cibwatch.report.outputs import write_outputs
    from cibwatch.simulate import simulate

    digests: dict[str, dict[str, dict[str, Any]]] = {}
    files = sorted(p for p in DEMO.glob("*") if p.is_file())
    with Store(tmp / "demo.duckdb") as store:
        ingest_files(store, files)
        res = detect(store)
        write_outputs(store, res, tmp / "demo", pictures=0)
    digests["demo"] = digest(tmp / "demo")

    world = tmp / "world"
    simulate(world, seed=1, scale=0.1)
    with Store(tmp / "world.duckdb") as store:
        ingest_files(store, [world / "posts.parquet", world / "accounts.parquet"])
        res = detect(store)
        write_outputs(store, res, tmp / "world-detect", pictures=0)
        digests["world-detect"] = digest(tmp / "world-detect")
        with open(world / "truth.csv", newline="", encoding="utf-8") as fh:
            op = sorted((r["platform"], r["account_id"]) for r in csv.DictReader(fh)
                        if r["group"] == "op_spamouflage" and r["platform"] == "twitter")
        seeds_csv = tmp / "seeds.csv"
        seeds_csv.write_text("platform,account_id\n" + "".join(f"{p},{a}\n" for p, a in op[:4]),
                             encoding="utf-8")
        seeds, problems = read_seeds(seeds_csv)
        ex = expand(store, seeds, problems=problems)
        write_outputs(store, ex.run, tmp / "world-expand", pictures=0, expansion=ex.as_dict())
    digests["world-expand"] = digest(tmp / "world-expand")
    return digests


def main(argv: list[str]) -> None:  # pragma: no cover - makes the fixture
    import tempfile

    target = Path(argv[0])
    with tempfile.TemporaryDirectory() as tmp:
        digests = reference_runs(Path(tmp))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(digests, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
