"""The co-action stage (or the group-evidence search) on DuckDB and on Spark local mode, on
the same store, in one run.

For each size: posts from ``benchmarks/generate.py`` are ingested into a store and the
actions extracted once; then the co-action stage (:func:`cibwatch.stage.coaction_tables`:
window join, pairs, significance, edges) is timed on DuckDB, on Spark ``local[2]`` and on
Spark ``local[1]``, and the edges of each are checked to be the same. Ratios are quoted
against DuckDB and between the two Spark runs (the machine is shared: ratios, not times).
Each Spark run is a process of its own (a fresh JVM), so the second master does not run on
the first one's warmed-up JIT.

With ``--stage groups`` the group-evidence search is timed instead (:func:`cibwatch.groups.
build_items` and :func:`cibwatch.groups.find_groups`: items, both folds' weak graphs, their
communities, the group tests), from the same store's co-action tables, and its tested
candidates (``group_tests``, ``group_candidates``) are checked to be the same.
``--driver-max-links 0`` makes the communities label propagation on the engine.

With ``--stage ingest`` the posts are cut into 8 Parquet part files in one directory, and
``ingest`` is timed: the store reading the part files, against Spark reading the directory
(:meth:`cibwatch.engine.spark.SparkEngine.input_files`; the rows then checked and merged in
the store); the posts tables are checked to be the same.

    .venv/bin/python benchmarks/spark.py --sizes 100k,1m
    .venv/bin/python benchmarks/spark.py --sizes 100k --stage groups
    .venv/bin/python benchmarks/spark.py --sizes 1m --stage ingest
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
from cibwatch import (  # noqa: E402
    DetectConfig,
    Store,
    groups,  # noqa: E402
    ingest_files,
)
from cibwatch.engine import DuckDBBackend  # noqa: E402
from cibwatch.engine.spark import SparkEngine, spark_session  # noqa: E402
from cibwatch.pipeline import COACTION_OUTPUTS, _coactions, coaction_tables  # noqa: E402
from cibwatch.progress import SilentReporter  # noqa: E402

SIZES = {"100k": 100_000, "300k": 300_000, "1m": 1_000_000, "3m": 3_000_000,
         "10m": 10_000_000}


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


#: The group search's tables (:func:`cibwatch.groups.find_groups`).
GROUP_OUTPUTS = ("items", "item_sizes", "group_tests", "group_candidates")


def _groups(store: Store) -> str:
    """A digest of the tested candidates, every column, in order."""
    rows = [store.fetchall("SELECT * FROM group_tests ORDER BY fold, gid"),
            store.fetchall("SELECT * FROM group_candidates ORDER BY fold, gid, aid")]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def _clear(store: Store, stage: str) -> None:
    for t in COACTION_OUTPUTS if stage == "coaction" else GROUP_OUTPUTS:
        store.execute(f"DROP TABLE IF EXISTS {t}")


def _run_stage(where: object, stage: str, links: int) -> None:
    """The stage timed, on the store's backend or on a Spark backend."""
    if stage == "coaction":
        coaction_tables(where, DetectConfig(), SilentReporter())  # type: ignore[arg-type]
        return
    cfg = DetectConfig(driver_max_links=links)
    groups.build_items(where, cfg.groups)  # type: ignore[arg-type]
    groups.find_groups(where, cfg.groups, min_size=cfg.min_size,  # type: ignore[arg-type]
                       fdr=cfg.fdr, seed=cfg.seed, driver_max_links=links)


def _digest(store: Store, stage: str) -> str:
    return _edges(store) if stage == "coaction" else _groups(store)


def one_spark_run(store_path: Path, master: str, warehouse: Path, stage: str,
                  links: int) -> dict[str, object]:
    """The stage on Spark ``master`` in this process (a fresh JVM: the runs of two masters
    do not share a warmed-up JIT), from the store's tables; its time and output digest."""
    with Store(store_path, threads=2) as store:
        session = spark_session(master)
        engine = SparkEngine(session=session, warehouse=warehouse)
        _clear(store, stage)
        inputs = None if stage == "coaction" else groups.search_inputs(store)
        t = time.perf_counter()
        with engine.open(store, None, inputs) as backend:
            _run_stage(backend, stage, links)
            engine.bring_back(store, backend,
                              COACTION_OUTPUTS if stage == "coaction" else GROUP_OUTPUTS)
        took = round(time.perf_counter() - t, 2)
        session.stop()
        return {"s": took, "digest": _digest(store, stage)}


#: Part files of the ingest benchmark's directory.
PARTS = 8


def _parts(n: int) -> Path:
    """The posts of size ``n`` cut into :data:`PARTS` Parquet files in one directory."""
    import pyarrow.parquet as pq

    out = HERE / "data" / f"spark-{n}" / "parts"
    if not out.is_dir():
        t = pq.read_table(_posts(n))
        step = -(-t.num_rows // PARTS)
        out.mkdir(parents=True)
        for i in range(PARTS):
            pq.write_table(t.slice(i * step, step), out / f"part-{i:05d}.parquet")
    return out


def _posts_digest(store: Store) -> str:
    return str(store.fetchall("SELECT count(*), bit_xor(hash(p)) FROM (SELECT * EXCLUDE "
                              "(source_id) FROM posts) AS p"))


def one_spark_ingest(store_path: Path, master: str, parts: Path) -> dict[str, object]:
    """Spark ``master`` reads ``parts`` into a fresh store (the session started first)."""
    store_path.unlink(missing_ok=True)
    with Store(store_path, threads=2) as store:
        session = spark_session(master)
        t = time.perf_counter()
        ingest_files(store, [str(parts)], engine=SparkEngine(session=session))
        took = round(time.perf_counter() - t, 2)
        session.stop()
        return {"s": took, "digest": _posts_digest(store)}


def run_ingest(label: str, n: int, work: Path, masters: list[str]) -> dict[str, object]:
    parts = _parts(n)
    files = sorted(parts.glob("*.parquet"))
    path = work / f"{label}-ingest.duckdb"
    path.unlink(missing_ok=True)
    with Store(path, threads=2) as store:
        t = time.perf_counter()
        ingest_files(store, files)
        row: dict[str, object] = {"size": label, "posts": n, "stage": "ingest",
                                  "files": len(files),
                                  "duckdb_s": round(time.perf_counter() - t, 2)}
        want = _posts_digest(store)
    for master in masters:
        out = subprocess.run([sys.executable, __file__, "--one", master, "--store",
                              str(work / f"{label}-ingest-spark.duckdb"), "--warehouse",
                              str(parts), "--stage", "ingest"],
                             check=True, capture_output=True, text=True).stdout
        got = json.loads(out.strip().splitlines()[-1])
        row[f"spark_{master}_s"] = got["s"]
        row[f"same_{master}"] = got["digest"] == want
    return row


def run(label: str, n: int, work: Path, masters: list[str], stage: str = "coaction",
        links: int = DetectConfig().driver_max_links) -> dict[str, object]:
    if stage == "ingest":
        return _ratios(run_ingest(label, n, work, masters), masters)
    posts = _posts(n)
    cfg = DetectConfig()
    path = work / f"{label}.duckdb"
    path.unlink(missing_ok=True)
    with Store(path, threads=2) as store:
        ingest_files(store, [posts])
        _coactions(store, cfg, SilentReporter())
        row: dict[str, object] = {"size": label, "posts": n, "stage": stage,
                                  "actions": int(store.scalar("SELECT count(*) FROM actions"))}
        if stage == "groups":  # (the co-action tables stay: the search reads the actions)
            row["driver_max_links"] = links
        _clear(store, stage)
        t = time.perf_counter()
        _run_stage(DuckDBBackend(store), stage, links)
        row["duckdb_s"] = round(time.perf_counter() - t, 2)
        want = _digest(store, stage)
        if stage == "coaction":
            row["edges"] = int(store.scalar("SELECT count(*) FROM edges"))
        else:
            row["items"] = int(store.scalar("SELECT count(*) FROM items"))
            row["tested"] = int(store.scalar("SELECT count(*) FROM group_tests"))
            row["passed"] = int(store.scalar("SELECT count(*) FROM group_tests WHERE passed"))
    for master in masters:
        out = subprocess.run([sys.executable, __file__, "--one", master, "--store", str(path),
                              "--warehouse", str(work / f"{label}-{master[6:-1]}.wh"),
                              "--stage", stage, "--driver-max-links", str(links)],
                             check=True, capture_output=True, text=True).stdout
        got = json.loads(out.strip().splitlines()[-1])
        row[f"spark_{master}_s"] = got["s"]
        row[f"same_{master}"] = got["digest"] == want
    return _ratios(row, masters)


def _ratios(row: dict[str, object], masters: list[str]) -> dict[str, object]:
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
    ap.add_argument("--stage", choices=("coaction", "groups", "ingest"), default="coaction",
                    help="what is timed: the co-action stage, the group-evidence search, or "
                    "the ingest of a directory of part files")
    ap.add_argument("--driver-max-links", type=int, default=DetectConfig().driver_max_links,
                    help="with --stage groups: the driver limit (0: label propagation)")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # internal: one Spark run (a master)
    ap.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--warehouse", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one and a.stage == "ingest":
        print(json.dumps(one_spark_ingest(a.store, a.one, a.warehouse)))
        return
    if a.one:
        print(json.dumps(one_spark_run(a.store, a.one, a.warehouse, a.stage,
                                       a.driver_max_links)))
        return
    a.work.mkdir(parents=True, exist_ok=True)
    rows = [run(s, SIZES[s], a.work, a.masters.split(","), a.stage, a.driver_max_links)
            for s in a.sizes.split(",")]
    print_table(rows)
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
