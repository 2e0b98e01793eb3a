"""What one fold's Leiden costs in the group-evidence candidate search (issue 17).

On a store that a default ``detect`` has run on (it holds ``items`` and ``item_sizes``), the
weak account graph of one fold is built by the candidate search's own SQL
(:func:`cibwatch.groups.projection_sql`, with the default :class:`cibwatch.groups.GroupParams`),
made into an igraph graph, and Leiden is run one iteration at a time as the search runs it,
first with the seeded Python random number generator cibwatch uses, then with igraph's own C
generator (which cannot be seeded), to show what the random numbers cost. Prints a table.

    .venv/bin/python benchmarks/leiden_fold.py --db /tmp/r10m/store.duckdb --fold 0
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, required=True, help="a store a detect has run on")
    ap.add_argument("--fold", type=int, default=0, choices=(0, 1))
    ap.add_argument("--iterations", type=int, default=3)
    ap.add_argument("--json", type=Path, help="also write the figures here")
    a = ap.parse_args(argv)
    if not a.db.exists():
        print(f"skipped: no store {a.db} (run a default detect first)")
        return 0

    import igraph as ig
    import numpy as np

    from cibwatch import Store
    from cibwatch.groups import GroupParams, projection_sql

    p = GroupParams()
    with Store(a.db, read_only=True) as store:
        if not store.table_exists("item_sizes"):
            print(f"skipped: {a.db} holds no group-evidence items")
            return 0
        t = time.perf_counter()
        e = store.arrow(projection_sql(a.fold, p.max_partners, p.top_links)
                        + " ORDER BY aid_a, aid_b")
        t_sql = time.perf_counter() - t
    x, y = e.column("aid_a").to_numpy(), e.column("aid_b").to_numpy()
    aids = np.unique(np.concatenate([x, y]))
    t = time.perf_counter()
    g = ig.Graph(n=int(aids.shape[0]), directed=False,
                 edges=np.column_stack([np.searchsorted(aids, x),
                                        np.searchsorted(aids, y)]).tolist())
    g.es["weight"] = e.column("weight").to_numpy().tolist()
    t_graph = time.perf_counter() - t
    opts = dict(objective_function="modularity", weights="weight", resolution=p.resolution,
                beta=0.01)
    rows = []
    for name, rng in (("seeded Python (cibwatch)", random.Random(0)),
                      ("igraph's C PCG32", None)):
        ig.set_random_number_generator(rng)
        start = None
        for i in range(a.iterations):
            t = time.perf_counter()
            part = g.community_leiden(n_iterations=1, initial_membership=start, **opts)
            rows.append({"generator": name, "iteration": i + 1,
                         "seconds": round(time.perf_counter() - t, 1),
                         "modularity": round(part.modularity, 4)})
            start = part.membership
    ig.set_random_number_generator(random)
    print(f"fold {a.fold}: {g.vcount():,} accounts, {g.ecount():,} links; "
          f"weak-graph SQL {t_sql:.1f} s, igraph graph {t_graph:.1f} s")
    print("| generator | iteration | seconds | modularity |\n|---|---:|---:|---:|")
    for r in rows:
        print(f"| {r['generator']} | {r['iteration']} | {r['seconds']} | {r['modularity']} |")
    if a.json:
        a.json.write_text(json.dumps({"fold": a.fold, "accounts": g.vcount(),
                                      "links": g.ecount(), "sql_s": round(t_sql, 1),
                                      "graph_s": round(t_graph, 1), "iterations": rows},
                                     indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
