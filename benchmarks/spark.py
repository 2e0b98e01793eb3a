"""The co-action stage on DuckDB and on Spark local mode, on the same store, in one run.

For each size: posts from ``benchmarks/generate.py`` are ingested into a store and the
actions extracted once; then the co-action stage (:func:`cibwatch.stage.coaction_tables`:
window join, pairs, significance, edges) is timed on DuckDB, on Spark ``local[2]`` and on
Spark ``local[1]``, and the edges of each are checked to be the same. Ratios are quoted
against DuckDB and between the two Spark runs (the machine is shared: ratios, not times).

    .venv/bin/python benchmarks/spark.py --sizes 100k,1m
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

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


def _edges(store: Store) -> list[tuple]:
    return store.fetchall("SELECT aid_a, aid_b, weight, evidence FROM edges ORDER BY 1, 2")


def run(label: str, n: int, work: Path) -> dict[str, object]:
    posts = _posts(n)
    cfg = DetectConfig()
    store = Store(work / f"{label}.duckdb", threads=2)
    ingest_files(store, [posts])
    _coactions(store, cfg, SilentReporter())
    row: dict[str, object] = {"size": label, "posts": n,
                              "actions": int(store.scalar("SELECT count(*) FROM actions"))}

    def clear() -> None:
        for t in COACTION_OUTPUTS:
            store.execute(f"DROP TABLE IF EXISTS {t}")

    clear()
    t = time.perf_counter()
    coaction_tables(DuckDBBackend(store), cfg, SilentReporter())
    row["duckdb_s"] = round(time.perf_counter() - t, 2)
    want = _edges(store)
    row["edges"] = len(want)
    for master in ("local[2]", "local[1]"):
        session = spark_session(master)
        engine = SparkEngine(session=session, warehouse=work / f"{label}-{master[6]}.wh")
        clear()
        t = time.perf_counter()
        with engine.open(store) as backend:
            coaction_tables(backend, cfg, SilentReporter())
            engine.bring_back(store, backend, COACTION_OUTPUTS)
        row[f"spark_{master}_s"] = round(time.perf_counter() - t, 2)
        row[f"same_edges_{master}"] = _edges(store) == want
        session.stop()
    row["spark2_vs_duckdb"] = round(float(row["spark_local[2]_s"]) / float(row["duckdb_s"]), 2)
    row["local1_vs_local2"] = round(float(row["spark_local[1]_s"])
                                    / float(row["spark_local[2]_s"]), 2)
    store.close()
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100k")
    ap.add_argument("--work", type=Path, default=HERE / "data" / "spark-work")
    ap.add_argument("--json", type=Path, help="also write the rows here")
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    rows = [run(s, SIZES[s], a.work) for s in a.sizes.split(",")]
    cols = list(rows[0])
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(str(r[c]) for c in cols) + " |")
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
