"""The co-action stage on DuckDB and on Spark local mode, on the same store, in one run.

For each size: posts from ``benchmarks/generate.py`` are ingested into a store and the
actions extracted once; then the co-action stage (:func:`cibwatch.stage.coaction_tables`:
window join, pairs, significance, edges) is timed on DuckDB, on Spark ``local[2]`` and on
Spark ``local[1]``, and the edges of each are checked to be the same. Ratios are quoted
against DuckDB and between the two Spark runs (the machine is shared: ratios, not times).
Each Spark run is a process of its own (a fresh JVM), so the second master does not run on
the first one's warmed-up JIT.

    .venv/bin/python benchmarks/spark.py --sizes 100k,1m
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from bench_table import print_table  # noqa: E402
from cibwatch import DetectConfig, Store, ingest_files  # noqa: E402
from cibwatch.engine import DuckDBBackend  # noqa: E402
from cibwatch.engine.spark import SparkEngine, spark_session  # noqa: E402
from cibwatch.pipeline import COACTION_OUTPUTS, _coactions, coaction_tables  # noqa: E402
from cibwatch.progress import SilentReporter  # noqa: E402

SIZES = {"100k": 100_000, "300k": 300_000, "1m": 1_000_000, "10m": 10_000_000}


def _posts(n: int) -> Path:
    out = HERE / "data" / f"spark-{n}"
    if not (out / "posts.parquet").exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--posts", str(n),
                        "--out", str(out)], check=True)
    return out / "posts.parquet"


def _edges(store: Store) -> str:
    """A digest of the edges, every column, in order."""
    rows = store.fetchall("SELECT * FROM edges ORDER BY aid_a, aid_b")
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _clear(store: Store) -> None:
    for t in COACTION_OUTPUTS:
        store.execute(f"DROP TABLE IF EXISTS {t}")


def one_spark_run(store_path: Path, master: str, warehouse: Path) -> dict[str, object]:
    """The stage on Spark ``master`` in this process (a fresh JVM: the runs of two masters
    do not share a warmed-up JIT), from the store's actions; its time and edges."""
    with Store(store_path, threads=2) as store:
        session = spark_session(master)
        engine = SparkEngine(session=session, warehouse=warehouse)
        _clear(store)
        t = time.perf_counter()
        with engine.open(store) as backend:
            coaction_tables(backend, DetectConfig(), SilentReporter())
            engine.bring_back(store, backend, COACTION_OUTPUTS)
        took = round(time.perf_counter() - t, 2)
        session.stop()
        return {"s": took, "edges": _edges(store)}


def run(label: str, n: int, work: Path, masters: list[str]) -> dict[str, object]:
    posts = _posts(n)
    cfg = DetectConfig()
    path = work / f"{label}.duckdb"
    path.unlink(missing_ok=True)
    with Store(path, threads=2) as store:
        ingest_files(store, [posts])
        _coactions(store, cfg, SilentReporter())
        row: dict[str, object] = {"size": label, "posts": n,
                                  "actions": int(store.scalar("SELECT count(*) FROM actions"))}
        _clear(store)
        t = time.perf_counter()
        coaction_tables(DuckDBBackend(store), cfg, SilentReporter())
        row["duckdb_s"] = round(time.perf_counter() - t, 2)
        want = _edges(store)
        row["edges"] = int(store.scalar("SELECT count(*) FROM edges"))
    for master in masters:
        out = subprocess.run([sys.executable, __file__, "--one", master, "--store", str(path),
                              "--warehouse", str(work / f"{label}-{master[6:-1]}.wh")],
                             check=True, capture_output=True, text=True).stdout
        got = json.loads(out.strip().splitlines()[-1])
        row[f"spark_{master}_s"] = got["s"]
        row[f"same_edges_{master}"] = got["edges"] == want
    if "local[2]" in masters:
        row["spark2_vs_duckdb"] = round(float(row["spark_local[2]_s"]) / float(row["duckdb_s"]), 2)
    if "local[1]" in masters and "local[2]" in masters:
        row["local1_vs_local2"] = round(float(row["spark_local[1]_s"])
                                        / float(row["spark_local[2]_s"]), 2)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100k")
    ap.add_argument("--work", type=Path, default=HERE / "data" / "spark-work")
    ap.add_argument("--json", type=Path, help="also write the rows here")
    ap.add_argument("--masters", default="local[2],local[1]",
                    help="Spark masters, each run in a process of its own, in this order")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # internal: one Spark run (a master)
    ap.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--warehouse", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(one_spark_run(a.store, a.one, a.warehouse)))
        return
    a.work.mkdir(parents=True, exist_ok=True)
    rows = [run(s, SIZES[s], a.work, a.masters.split(",")) for s in a.sizes.split(",")]
    print_table(rows)
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
