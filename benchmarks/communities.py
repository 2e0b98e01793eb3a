"""The two community methods side by side on one weak graph (issue 16): Leiden on the driver
against label propagation as SQL on the engine (:func:`cibwatch.network.label_propagation`).

On a store that a default ``detect`` has run on (it holds ``items`` and ``item_sizes``), the
weak account graph of one fold of the group-evidence candidate search is made by the search's
own SQL (:func:`cibwatch.groups.projection_sql`, default :class:`cibwatch.groups.GroupParams`)
and split by both methods: Leiden as the search runs it (at most ``leiden_iterations``
iterations, seeded), label propagation in the store (DuckDB) and, with ``--spark MASTER``,
on Spark (the graph written to the warehouse first; the time is the method's). Prints a
table: links, time, the time as a multiple of Leiden's, communities, communities of three
or more accounts, the largest, modularity (igraph's, on the same graph) and the NMI of each
partition against Leiden's.

    .venv/bin/python benchmarks/communities.py --db /tmp/r1m/store.duckdb [--fold 0]
        [--spark 'local[2]'] [--json FILE]

Skips cleanly (exit 0) when the store is missing or holds no items.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_table import print_table


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True, help="a store a detect has run on")
    ap.add_argument("--fold", type=int, default=0, choices=(0, 1))
    ap.add_argument("--spark", default=None, help="also on Spark, with this master")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    a = ap.parse_args(argv)
    if not a.db.exists():
        print(f"skipped: no store {a.db} (run a default detect first)")
        return 0

    import igraph as ig
    import numpy as np

    from cibwatch import Store
    from cibwatch.engine import DuckDBBackend
    from cibwatch.groups import GroupParams, projection_sql
    from cibwatch.network import label_propagation, leiden_membership

    p = GroupParams()
    results: dict[str, Any] = {}
    with Store(a.db) as store:
        if not store.table_exists("item_sizes"):
            print(f"skipped: {a.db} holds no group-evidence items")
            return 0
        backend = DuckDBBackend(store)
        backend.scratch("bench_graph", projection_sql(a.fold, p.max_partners, p.top_links))
        graph = backend.arrow("SELECT aid_a, aid_b, weight FROM bench_graph "
                              "ORDER BY aid_a, aid_b")
        t = time.perf_counter()
        results["Leiden, driver"] = (*leiden_membership(
            graph, resolution=p.resolution, seed=0, max_iterations=p.leiden_iterations),
            time.perf_counter() - t)
        t = time.perf_counter()
        aids, labels, rounds = label_propagation(backend, "bench_graph",
                                                 resolution=p.resolution)
        results["label propagation, DuckDB"] = (aids, labels, time.perf_counter() - t)
        backend.drop("bench_graph")
    if a.spark:
        from cibwatch.engine.spark import SparkBackend, spark_session

        session = spark_session(a.spark)
        with tempfile.TemporaryDirectory() as wh:
            sb = SparkBackend(session, wh)
            with sb.register("bench_rows", graph):
                sb.scratch("bench_graph", "SELECT * FROM bench_rows")
            t = time.perf_counter()
            s_aids, s_labels, _ = label_propagation(sb, "bench_graph", resolution=p.resolution)
            results[f"label propagation, Spark {a.spark}"] = (
                s_aids, s_labels, time.perf_counter() - t)
        session.stop()
        if not (np.array_equal(s_aids, aids) and np.array_equal(s_labels, labels)):
            print("Spark and DuckDB communities differ", file=sys.stderr)
            return 1

    x, y = graph.column("aid_a").to_numpy(), graph.column("aid_b").to_numpy()
    nodes = np.unique(np.concatenate([x, y]))
    g = ig.Graph(n=int(nodes.shape[0]), edges=np.column_stack(
        [np.searchsorted(nodes, x), np.searchsorted(nodes, y)]))
    weights = graph.column("weight").to_numpy().astype(float).tolist()
    base_aids, base_labels, base_t = results["Leiden, driver"]
    rows = []
    for name, (r_aids, r_labels, secs) in results.items():
        assert np.array_equal(r_aids, nodes)
        sizes = np.bincount(r_labels)
        rows.append({
            "method": name, "links": graph.num_rows, "accounts": int(nodes.shape[0]),
            "seconds": round(secs, 2), "x_leiden": round(secs / base_t, 2),
            "communities": int(sizes.shape[0]), "of_3_or_more": int((sizes >= 3).sum()),
            "largest": int(sizes.max()),
            "modularity": round(float(g.modularity(r_labels.tolist(), weights=weights)), 4),
            "nmi_leiden": round(float(ig.compare_communities(
                base_labels.tolist(), r_labels.tolist(), method="nmi")), 3),
        })
    print(f"\nfold {a.fold} of {a.db}: {graph.num_rows:,} links, {nodes.shape[0]:,} accounts; "
          f"label propagation rounds per level {rounds}\n")
    print_table(rows)
    if a.json:
        a.json.write_text(json.dumps({"store": str(a.db), "fold": a.fold, "rounds": rounds,
                                      "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
