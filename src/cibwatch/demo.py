"""``make demo``: detection on the data bundled in ``demo/`` with the embedded store."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from .errors import InputError

__all__ = ["run_demo", "DEMO_DIR"]

#: The bundled data: in the repository next to src/, see demo/README.md for sources and licences.
DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"


def run_demo(out: Path, err: Console, console: Console) -> None:
    from .ingest import ingest_files
    from .pipeline import detect
    from .progress import RichReporter
    from .report.outputs import write_outputs
    from .store import Store

    files = sorted(p for p in DEMO_DIR.glob("data/*") if p.is_file())
    if not files:
        raise InputError(f"no demo data in {DEMO_DIR / 'data'}",
                         remedy="running from a clone of the repository")
    out = Path(out)
    store_path = out / "store.duckdb"
    out.mkdir(parents=True, exist_ok=True)
    for p in (store_path, Path(str(store_path) + ".wal")):
        if p.exists():
            p.unlink()
    reporter = RichReporter(err)
    with Store(store_path) as store:
        ingest_files(store, files, reporter=reporter)
        result = detect(store, reporter=reporter)
        paths = write_outputs(store, result, out, graphml=True, inputs=[str(f) for f in files])
        from .cli import _print_networks

        _print_networks(store)
    console.print(
        f"\n{result.n_networks} network(s) found among {result.n_posts:,} posts.\n"
        f"Results are in {paths.out.resolve()}/ :\n"
        f"  summary.md      what was found and why (start here)\n"
        f"  networks.csv    one row per network\n"
        f"  accounts.csv    one row per member account\n"
        f"  edges.parquet   account pairs per trace, with evidence\n"
        f"  network.graphml the account graph\n"
        f"  store.duckdb    the investigation store (cibwatch evidence --db ...)"
    )
