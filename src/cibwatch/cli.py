"""The command line: a thin Typer layer over the library.

Each command parses its options, calls one library function (the workflows are the use cases
of :mod:`cibwatch.api`: ``ingest``, ``run_detection``, ``run_expansion``, ...) and prints with
Rich. Domain errors (:class:`cibwatch.errors.CibwatchError`), and the system's (a full disk, a
file that cannot be written, a store another program holds), are printed with their remedy,
without a traceback, and exit with status 2 (:mod:`cibwatch.cli_errors`: the library names
parameters, ``min_size``; the message names the flag, ``--min-size``); numeric options are
checked (no NaN, no infinity, no negative count) before any work is done. Text from the data
is printed escaped (:func:`cibwatch.escape.terminal`). An unexpected error prints one line
asking for a report and exits with status 3 (``CIBWATCH_DEBUG=1`` shows the traceback).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ._version import __version__
from .api import (
    DetectOptions,
    DetectRequest,
    EngineOptions,
    ExpandRequest,
    Inputs,
    check_numbers,
)
from .api import parse_duration as _parse_duration
from .cli_cases import CaseDbOpt, FromOpt, ToOpt
from .cli_errors import USER_ERRORS as _USER_ERRORS
from .cli_errors import err_console, fail, out_console
from .errors import ConfigError
from .escape import csv_cell, terminal
from .ingest import FORMATS, OBJECT_FIELDS, IngestReport
from .pipeline import PRESETS
from .progress import RichReporter
from .report.console import networks_table
from .store import Store
from .traces import DEFAULT_TRACES, TRACES

__all__ = ["app", "main", "parse_duration"]

app = typer.Typer(
    name="cibwatch",
    help="Find coordinated inauthentic behaviour (covert influence operations) in "
    "social-media data: ingest posts, detect coordinated account networks, keep the evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
export_app = typer.Typer(help="Export what the store holds.", no_args_is_help=True)
app.add_typer(export_app, name="export")
indicators_app = typer.Typer(help="Published indicators: import, match against the store.",
                             no_args_is_help=True)
app.add_typer(indicators_app, name="indicators")
report_app = typer.Typer(help="Disclose: threat reports per network, periodic reports.",
                         no_args_is_help=True)
app.add_typer(report_app, name="report")



def parse_duration(text: str) -> float:
    """'60s', '10', '5m', '1.5h', '250ms' -> seconds (:func:`cibwatch.api.parse_duration`)."""
    return _parse_duration(text, "window")


def _fail(exc: BaseException) -> None:
    """Print the error with its remedy, parameters named by their flags, and exit with status 2
    (:func:`cibwatch.cli_errors.fail`)."""
    fail(exc)


def _print_ingest(report: IngestReport) -> None:
    t = Table(title="Ingested", show_lines=False)
    for c in ("file", "format", "read", "loaded", "rejected"):
        t.add_column(c, justify="right" if c in ("read", "loaded", "rejected") else "left")
    for f in report.files:
        t.add_row(terminal(Path(f.path).name), terminal(f.format), f"{f.rows_read:,}",
                  f"{f.rows_loaded:,}", f"{f.rows_rejected:,}")
    err_console.print(t)
    for s in report.skipped:
        err_console.print(f"skipped (already in the store): {terminal(s)}")
    for what, n in sorted(report.conversions.items()):
        err_console.print(f"converted: {n:,} value(s) of {terminal(what)} (docs/ADAPTERS.md, "
                          "Times)")
    if report.account_field_problems:
        err_console.print(
            f"{report.account_field_problems} record(s) had an unreadable account field; their "
            "posts were loaded, the field was not (see the rejects file)."
        )


FormatOpt = Annotated[
    str,
    typer.Option("--format", "-f", help="Input layout: auto (recognise by header), "
                 + ", ".join(FORMATS) + ", or mapping:FILE.toml (docs/ADAPTERS.md)."),
]
PlatformOpt = Annotated[
    str | None,
    typer.Option("--platform", help="Platform of layouts without a platform column "
                 "(default per layout, e.g. twitter for QUT, CooRTweet, IO archive)."),
]
StrictOpt = Annotated[
    bool, typer.Option("--strict", help="Stop at the first bad record instead of setting it aside.")
]
ObjectOpt = Annotated[
    str,
    typer.Option("--object-as", help="CooRTweet layout: what object_id is ("
                 + ", ".join(OBJECT_FIELDS) + ")."),
]
MaxNeighboursOpt = Annotated[int | None, typer.Option(
    "--max-neighbours", help="Hot-key bound of the window join; 0 for none \\[default: 200].")]

FilesArg = Annotated[list[str] | None, typer.Argument(
    help="Input files; none to use what --db already holds. With --engine spark, Parquet "
    "files or directories, local or URLs.")]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Output directory.")]
AccountsOpt = Annotated[list[str] | None, typer.Option(
    "--accounts", help="Account files (canonical accounts or IO-archive users).")]
TracesOpt = Annotated[str | None, typer.Option(
    "--traces", help="Comma-separated traces (default: " + ",".join(DEFAULT_TRACES)
    + "; also: " + ",".join(t for t in TRACES if t not in DEFAULT_TRACES) + ").")]
WindowOpt = Annotated[str | None, typer.Option(
    "--window", help="One co-action window for every trace, e.g. 60s, 10, 5m, or 'auto' to "
    "estimate it per trace from the data (CooRnet's rule) \\[default: each trace's windows, "
    "1 min and 10 min for most].")]
TraceWindowOpt = Annotated[list[str] | None, typer.Option(
    "--trace-window", help="Per-trace windows, TRACE=DURATION[,DURATION...] (repeatable; "
    "several windows are each tested), e.g. url=60s,1d.")]
FdrOpt = Annotated[float | None, typer.Option(
    "--fdr", help="False discovery rate of the significance test \\[default: 0.01].")]
CrowdOpt = Annotated[int | None, typer.Option(
    "--crowd-accounts", help="Items acted on by more accounts than this are crowds: not "
    "counted by the significance test \\[default: 2 % of the accounts with actions, at "
    "least 50].")]
AssessOpt = Annotated[bool | None, typer.Option(
    "--assess/--no-assess", help="Assess each network inauthentic or coordinated from the "
    "accounts' fingerprints \\[default: on].")]
GroupOpt = Annotated[bool | None, typer.Option(
    "--group-evidence/--no-group-evidence", help="Also find networks whose accounts are each "
    "weakly linked but, as a group, post on the same rare items far beyond chance, tested on "
    "held-out items; every account joins by its own evidence with the group \\[default: on].")]
GraphmlOpt = Annotated[bool, typer.Option("--graphml", help="Also write network.graphml.")]
OverwriteOpt = Annotated[bool, typer.Option(
    "--overwrite", help="Replace the results of an earlier run in OUT. Without it, an OUT "
    "holding them (or an OUT/store.duckdb, when input files are given) is refused: nothing is "
    "deleted or mixed. With it, only the files that run listed in its run.json, and its "
    "store.duckdb, are removed. The store of an unfinished run (interrupted, or stopped by a "
    "bad file) of the same input files is gone on with: the same command resumes.")]
ThreadsOpt = Annotated[int | None, typer.Option("--threads", help="DuckDB threads.")]
DriverLinksOpt = Annotated[int | None, typer.Option(
    "--driver-max-links", help="Most links of a graph (the fused edges, each weak graph of "
    "the group-evidence search) whose communities Leiden finds in this process; a larger "
    "one is split by label propagation where the graph is (the store, or Spark), in SQL (a little less modularity, "
    "docs/EVALUATION.md) \\[default: 50,000,000].")]
EngineOpt = Annotated[str, typer.Option(
    "--engine", help="Where the co-action stage (window join, pairs, significance, edges) "
    "and the group-evidence search (items, weak graphs, group tests) run: duckdb (in the "
    "store) or spark (Apache Spark on Parquet tables in --warehouse; the same results). "
    "With spark, Parquet input files and directories are read by Spark too. The rest of the "
    "run stays on the store.")]
SparkMasterOpt = Annotated[str | None, typer.Option(
    "--spark-master", help="With --engine spark: the Spark master URL (local[*] by default; "
    "spark://host:7077, yarn, ...) or a Spark Connect URL (sc://host:15002).")]
WarehouseOpt = Annotated[Path | None, typer.Option(
    "--warehouse", help="With --engine spark: the directory of the Parquet stage tables "
    "(default: STORE.warehouse beside the store; on a cluster, a path every node reads).")]


IngestEngineOpt = Annotated[str, typer.Option(
    "--engine", help="Who reads the files: duckdb (the store's readers) or spark (Apache "
    "Spark reads every FILE that is Parquet, a directory of Parquet part files or a URL it "
    "reads, e.g. hdfs://, s3a://; the rows are then checked and merged in the store as with "
    "duckdb, each part file a source of its own; CSV and JSON files are read by the "
    "store).")]


@app.command()
def ingest(
    files: Annotated[list[str], typer.Argument(
        help="Input files (CSV, JSONL, Parquet; .gz ok); with --engine spark, Parquet files "
        "or directories, local or URLs.")],
    db: Annotated[Path, typer.Option("--db", help="The investigation store (DuckDB file).")] = Path(
        "cibwatch.duckdb"),
    fmt: FormatOpt = "auto",
    platform: PlatformOpt = None,
    strict: StrictOpt = False,
    object_as: ObjectOpt = "reshare",
    rejects: Annotated[Path | None, typer.Option(
        "--rejects", help="Where to write rejected records (default: next to the store).")] = None,
    engine: IngestEngineOpt = "duckdb",
    spark_master: SparkMasterOpt = None,
) -> None:
    """Load posts and accounts into the store, recognising each file's layout."""
    from .api import EngineOptions
    from .api import ingest as run

    try:
        res = run(db, files, fmt=fmt, platform=platform, strict=strict, object_as=object_as,
                  rejects=rejects, reporter=RichReporter(err_console),
                  engine=EngineOptions(engine, spark_master))
        _print_ingest(res.report)
        if res.rejects_path is not None:
            err_console.print(f"{res.report.rejected:,} record(s) rejected; details in "
                              f"{res.rejects_path}")
        err_console.print(f"store {db}: {res.n_posts:,} posts, {res.n_accounts:,} accounts")
    except _USER_ERRORS as exc:
        _fail(exc)


@app.command("detect")
def detect_cmd(
    files: FilesArg = None,
    out: OutOpt = Path("out"),
    accounts: AccountsOpt = None,
    db: Annotated[Path | None, typer.Option(
        "--db", help="Store to use and keep (default: a fresh OUT/store.duckdb).")] = None,
    fmt: FormatOpt = "auto",
    platform: PlatformOpt = None,
    strict: StrictOpt = False,
    object_as: ObjectOpt = "reshare",
    preset: Annotated[str | None, typer.Option(
        "--preset", help="Peer semantics: " + ", ".join(PRESETS)
        + " (explicit options override it).")] = None,
    traces: TracesOpt = None,
    window: WindowOpt = None,
    trace_window: TraceWindowOpt = None,
    significance: Annotated[bool | None, typer.Option(
        "--significance/--no-significance", help="Test each pair against chance co-action "
        "and control the false discovery rate \\[default: on; presets: off].")] = None,
    fdr: FdrOpt = None,
    crowd_accounts: CrowdOpt = None,
    attach: Annotated[bool | None, typer.Option(
        "--attach/--no-attach", help="Attach accounts whose co-actions with a network as a "
        "whole are beyond chance \\[default: on].")] = None,
    weight: Annotated[str | None, typer.Option(
        "--weight", help="Edge weight: events, keys, coactions, posts \\[default: events].")] = None,
    min_weight: Annotated[float | None, typer.Option(
        "--min-weight", help="Least edge weight kept \\[default: 1 with the significance test, "
        "2 without].")] = None,
    min_participation: Annotated[int | None, typer.Option(
        "--min-participation", help="CooRTweet's min_participation \\[default: 1, off].")] = None,
    min_size: Annotated[int | None, typer.Option(
        "--min-size", help="Least accounts in a reported network \\[default: 3].")] = None,
    max_neighbours: MaxNeighboursOpt = None,
    self_loops: Annotated[bool | None, typer.Option(
        "--self-loops/--no-self-loops", help="Also pair an account's own actions (QUT parity).")
    ] = None,
    resolution: Annotated[float | None, typer.Option(
        "--resolution", help="Leiden modularity resolution \\[default: 1].")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed \\[default: 0].")] = None,
    group_evidence: GroupOpt = None,
    assess: AssessOpt = None,
    driver_max_links: DriverLinksOpt = None,
    pictures: Annotated[int, typer.Option(
        "--pictures", help="Draw the posting clock, timeline and graph of this many of the "
        "largest networks (0: none).")] = 10,
    graphml: GraphmlOpt = False,
    overwrite: OverwriteOpt = False,
    threads: ThreadsOpt = None,
    engine: EngineOpt = "duckdb",
    spark_master: SparkMasterOpt = None,
    warehouse: WarehouseOpt = None,
    incremental: Annotated[bool, typer.Option(
        "--incremental", help="With --db: update the co-action tables of the store's last run "
        "with what FILES add (only the keys whose actions changed are joined again), then "
        "find networks on the whole graph: the same results as a full run. A run with other "
        "co-action settings is made in full (the run says why). 'cibwatch runs' shows what "
        "each incremental run added.")] = False,
) -> None:
    """Detect coordinated account networks, assess them and write their evidence to OUT.

    OUT must not hold an earlier run's results unless --overwrite is given."""
    from .api import run_detection

    try:
        req = DetectRequest(
            out=out, store_path=db, pictures=pictures, graphml=graphml, overwrite=overwrite,
            threads=threads, engine=EngineOptions(engine, spark_master, warehouse),
            incremental=incremental,
            inputs=Inputs(files or [], accounts or [], fmt, platform, strict, object_as),
            options=DetectOptions(
                preset=preset, traces=traces, window=window, trace_windows=trace_window,
                significance=significance, fdr=fdr, crowd_accounts=crowd_accounts,
                attach=attach, weight=weight, min_weight=min_weight,
                min_participation=min_participation, min_size=min_size,
                max_neighbours=max_neighbours, self_loops=self_loops, resolution=resolution,
                seed=seed, group_evidence=group_evidence, assess=assess,
                driver_max_links=driver_max_links))
        res = run_detection(req, RichReporter(err_console), on_ingest=_print_ingest)
        result = res.result
        out_console.print(networks_table(res.networks))
        err_console.print(
            f"\n[bold]{result.n_networks} network(s)[/], {result.n_members} accounts, from "
            f"{result.n_posts:,} posts. Results in [bold]{res.paths.out}[/]: summary.md, "
            "networks.csv, accounts.csv, edges.parquet" + (
                ", rejects.csv" if res.paths.rejects else "") + f"; store {res.store_path}, "
            f"run {result.run_id} ('cibwatch runs --db {res.store_path}' lists every run)"
        )
    except _USER_ERRORS as exc:
        _fail(exc)


@app.command("expand")
def expand_cmd(
    seeds: Annotated[Path, typer.Option(
        "--seeds", help="Seeds CSV with a header: platform,account_id | platform,handle | url | "
        "type,value[,platform] (type: account, url, domain, text, hashtag); e.g. the seeds.csv "
        "written by 'cibwatch indicators import'.")],
    files: FilesArg = None,
    out: OutOpt = Path("out"),
    accounts: AccountsOpt = None,
    db: Annotated[Path | None, typer.Option(
        "--db", help="Store to use and keep (default: a fresh OUT/store.duckdb). A store a "
        "detect or expand run already prepared with the same settings is reused as it is.")
    ] = None,
    fmt: FormatOpt = "auto",
    platform: PlatformOpt = None,
    strict: StrictOpt = False,
    object_as: ObjectOpt = "reshare",
    max_hops: Annotated[int, typer.Option(
        "--max-hops", help="Most rounds of expansion; it stops earlier when a round adds "
        "nobody.")] = 5,
    traces: TracesOpt = None,
    window: WindowOpt = None,
    trace_window: TraceWindowOpt = None,
    fdr: FdrOpt = None,
    crowd_accounts: CrowdOpt = None,
    max_neighbours: MaxNeighboursOpt = None,
    group_evidence: GroupOpt = None,
    assess: AssessOpt = None,
    driver_max_links: DriverLinksOpt = None,
    pictures: Annotated[int, typer.Option(
        "--pictures", help="Draw the network's posting clock, timeline and graph (0: no)."
    )] = 1,
    graphml: GraphmlOpt = False,
    overwrite: OverwriteOpt = False,
    threads: ThreadsOpt = None,
    engine: EngineOpt = "duckdb",
    spark_master: SparkMasterOpt = None,
    warehouse: WarehouseOpt = None,
) -> None:
    """Grow a network from seed accounts or indicators, hop by hop, with evidence; write it to
    OUT as detect does (accounts.csv adds rank, confidence, hop, proximity, seed). OUT must not
    hold an earlier run's results unless --overwrite is given."""
    from .api import run_expansion

    try:
        req = ExpandRequest(
            out=out, seeds=seeds, store_path=db, max_hops=max_hops, pictures=pictures,
            graphml=graphml, overwrite=overwrite, threads=threads,
            engine=EngineOptions(engine, spark_master, warehouse),
            inputs=Inputs(files or [], accounts or [], fmt, platform, strict, object_as),
            options=DetectOptions(
                traces=traces, window=window, trace_windows=trace_window, fdr=fdr,
                crowd_accounts=crowd_accounts, max_neighbours=max_neighbours,
                group_evidence=group_evidence, assess=assess,
                driver_max_links=driver_max_links))
        res = run_expansion(req, RichReporter(err_console), on_ingest=_print_ingest)
        x = res.expansion
        for msg in res.seed_problems:
            err_console.print(f"[yellow]seed skipped[/]: {terminal(msg)}")
        out_console.print(networks_table(res.networks))
        for s in x.unresolved:
            err_console.print(f"[yellow]seed not found[/] in the store: "
                              f"{terminal(seeds)}:{s.line} {terminal(s.type)} "
                              f"{terminal(repr(s.value))}")
        hops = ", ".join(f"hop {k}: {v}" for k, v in sorted(x.per_hop.items()))
        err_console.print(
            f"\n[bold]{len(x.resolved)} seed account(s)[/] from {len(res.seeds)} seed(s); "
            f"{sum(x.per_hop.values())} accounts in the network ({hops}). Results in "
            f"[bold]{res.paths.out}[/]: accounts.csv (ranked), summary.md, networks.csv, "
            f"edges.parquet; store {res.store_path}, run {x.run.run_id}")
    except _USER_ERRORS as exc:
        _fail(exc)


@app.command("runs")
def runs_cmd(
    db: Annotated[Path, typer.Option("--db", help="The investigation store.")] = Path(
        "cibwatch.duckdb"),
) -> None:
    """List every detect and expand run kept in the store: id, kind, status, times, counts,
    version and inputs (their networks stay queryable; ids are stable across runs)."""
    from .api import list_runs
    from .report.console import runs_table

    try:
        with Store(db, create=False, read_only=True) as store:
            runs = list_runs(store)
        out_console.print(runs_table(runs, f"Runs in {terminal(str(db))}"))
        if not runs:
            err_console.print(f"no run in {db} yet: 'cibwatch detect --db {db}' makes one")
    except _USER_ERRORS as exc:
        _fail(exc)


@app.command()
def evidence(
    account_a: Annotated[str, typer.Argument(help="PLATFORM:ACCOUNT_ID")],
    account_b: Annotated[str, typer.Argument(help="PLATFORM:ACCOUNT_ID")],
    db: Annotated[Path, typer.Option("--db", help="The store of the detection run.")],
    window: Annotated[str | None, typer.Option(
        "--window", help="Window \\[default: the windows of the last detection run].")] = None,
    output: Annotated[Path | None, typer.Option("--output", help="Write CSV here.")] = None,
) -> None:
    """List every co-action of two accounts (all traces run), with both posts."""
    from .api import coaction_evidence

    try:
        t = coaction_evidence(db, account_a, account_b, window)
        if output:
            import pyarrow as pa
            import pyarrow.csv as pacsv

            for i, name in enumerate(t.column_names):  # text cells: no spreadsheet formula
                if pa.types.is_string(t.schema.field(i).type):
                    t = t.set_column(i, name, pa.array(
                        [csv_cell(v) for v in t.column(i).to_pylist()], pa.string()))
            pacsv.write_csv(t, output)
            err_console.print(f"{t.num_rows} co-action(s) written to {output}")
            return
        table = Table(title=f"{t.num_rows} co-action(s)")
        for c in ("trace", "post_id_a", "created_at_a", "post_id_b", "created_at_b", "dt_s"):
            table.add_column(c)
        for r in t.to_pylist():
            table.add_row(terminal(r["trace"]), terminal(r["post_id_a"]),
                          str(r["created_at_a"]), terminal(r["post_id_b"]),
                          str(r["created_at_b"]), f"{r['dt_s']:g}")
        out_console.print(table)
    except _USER_ERRORS as exc:
        _fail(exc)


@export_app.command("canonical")
def export_canonical(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")],
    db: Annotated[Path, typer.Option("--db", help="The store.")] = Path("cibwatch.duckdb"),
) -> None:
    """Write posts.parquet and accounts.parquet: what ingest made of the input."""
    from .export import export_canonical as run

    try:
        with Store(db, create=False) as store:
            store.require_posts()
            posts, accs = run(store, out)
            err_console.print(f"wrote {posts} and {accs}")
    except _USER_ERRORS as exc:
        _fail(exc)


@export_app.command("stix")
def export_stix(
    network: Annotated[str, typer.Argument(
        help="Network id (stable), or its label in the latest run, e.g. N0001 or E0001.")],
    db: Annotated[Path, typer.Option("--db", help="The store of the detect or expand run.")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Bundle file \\[default: NETWORK.stix.json].")] = None,
    tlp: Annotated[str, typer.Option(
        "--tlp", help="TLP marking: clear, green, amber, red.")] = "amber",
    min_accounts: Annotated[int, typer.Option(
        "--min-accounts", help="Least members that pushed a URL for it to be an indicator.")
    ] = 2,
) -> None:
    """Write a STIX 2.1 bundle of one network: intrusion set, accounts, URL and domain
    indicators, DISARM attack patterns, relationships, a TLP marking."""
    from .intel.stix_export import network_bundle, write_bundle

    try:
        check_numbers(min_accounts=min_accounts)
        with Store(db, create=False) as store:
            bundle = network_bundle(store, network, tlp=tlp, min_accounts=min_accounts)
            path = write_bundle(bundle, out or Path(f"{network}.stix.json"))
        kinds: dict[str, int] = {}
        for o in bundle.objects:
            kinds[o.type] = kinds.get(o.type, 0) + 1
        err_console.print(f"wrote {path}: " + ", ".join(f"{v} {k}" for k, v in kinds.items()))
    except _USER_ERRORS as exc:
        _fail(exc)


@app.command("release")
def release_cmd(
    networks: Annotated[list[str], typer.Argument(help="Network ids (networks.csv).")],
    db: Annotated[Path, typer.Option("--db", help="The store of the detect or expand run.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="A new directory for the release.")],
    key_file: Annotated[Path, typer.Option(
        "--key-file", help="Secret HMAC key (at least 32 bytes; the same key links releases, "
        "a new one unlinks them).")],
    follower_threshold: Annotated[int, typer.Option(
        "--follower-threshold", help="Accounts with fewer followers (or an unknown count) are "
        "hashed.")] = 5000,
    name: Annotated[str, typer.Option("--name", help="Prefix of the file names.")] = "cibwatch",
    run: Annotated[str | None, typer.Option(
        "--run", help="The run whose networks these are \\[default: the latest that has them]."
    )] = None,
) -> None:
    """Write a researcher data release of networks in the Twitter information-operations
    archive layout: identifiers of accounts under the follower threshold hashed in every
    column and inside texts and URLs; refused if any raw identifier is left."""
    from .report.release import read_key, write_release

    try:
        key = read_key(key_file)
        with Store(db, create=False, read_only=True) as store:
            r = write_release(store, networks, out, key, follower_threshold=follower_threshold,
                              name=name, run_id=run)
        err_console.print(
            f"wrote {terminal(str(r.out))}: {r.accounts} accounts ({r.hashed_accounts} "
            f"hashed), {r.posts} posts on {len(r.platforms)} platform(s); the re-identification "
            "check found no raw identifier")
    except _USER_ERRORS as exc:
        _fail(exc)


@report_app.command("threat")
def report_threat(
    networks: Annotated[list[str], typer.Argument(
        help="Network ids (stable, networks.csv), or labels of the latest run (N0001).")],
    db: Annotated[Path, typer.Option("--db", help="The store of the detect or expand run.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")],
    run: Annotated[str | None, typer.Option(
        "--run", help="The run to report from \\[default: the latest finished run that has "
        "each network].")] = None,
    evidence: Annotated[Path | None, typer.Option(
        "--evidence", help="JSON file of analyst evidence per network id (media, "
        "high_profile, policy_response, call_to_violence: lists of sources, for the Breakout "
        "Scale; detection: a sentence on the detection source).")] = None,
) -> None:
    """Write a threat report in the layout of Meta's adversarial threat reports: report.md,
    report.html and report.pdf, one entry per network, with its pictures and its Breakout
    Scale level."""
    from .report.threat import read_evidence, write_threat_report

    try:
        ev = read_evidence(evidence)
        with Store(db, create=False, read_only=True) as store:
            entries = write_threat_report(store, networks, out, run_id=run, evidence=ev)
        err_console.print(f"wrote {terminal(str(out))}/report.md, report.html, report.pdf: "
                          + "; ".join(f"{e.label} breakout level {e.breakout.level}"
                                      for e in entries))
    except _USER_ERRORS as exc:
        _fail(exc)


@report_app.command("period")
def report_period(
    start: FromOpt, end: ToOpt,
    db: Annotated[Path, typer.Option("--db", help="The investigation store.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")],
    case_db: CaseDbOpt = None,
) -> None:
    """Write the periodic report of disrupted networks in the layout of TikTok's covert
    influence operations reports: period.csv, period.md, period.html, period.pdf."""
    from .cases.db import CaseStore
    from .report.period import parse_day, period_report, write_period_report

    try:
        first, last = parse_day(start, "--from"), parse_day(end, "--to")
        with Store(db, create=False, read_only=True) as store:
            cases = CaseStore.open(case_db, store=db)
            try:
                rep = period_report(store, cases, first, last)
            finally:
                cases.close()
        write_period_report(rep, out)
        err_console.print(f"wrote {terminal(str(out))}/period.csv, period.md, period.html, "
                          f"period.pdf: {len(rep.rows)} network(s), "
                          f"{rep.reestablished_accounts} re-establishment account(s)")
    except _USER_ERRORS as exc:
        _fail(exc)


@indicators_app.command("import")
def indicators_import(
    file: Annotated[Path, typer.Argument(help="Meta threat-research CSV or Markdown, STIX 2.1 "
                                         "bundle (JSON), or a plain list.")],
    fmt: Annotated[str, typer.Option(
        "--format", help="auto, meta-csv, meta-ttp, meta-md, stix, list, seeds.")] = "auto",
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Write indicators.csv, facts.csv, rejects.csv and seeds.csv (for "
        "expand --seeds) here.")] = None,
    db: Annotated[Path | None, typer.Option(
        "--db", help="Match the indicators against this store: accounts by id or handle, "
        "posts by URL, domain, text or hashtag (matches.csv with --out).")] = None,
) -> None:
    """Read published indicators; show what they hold; write seeds for expand."""
    from .intel.workflow import import_indicators

    try:
        rep = import_indicators(file, fmt, out=out, db=db)
        t = Table(title=f"{file.name} ({rep.fmt})")
        t.add_column("indicator type")
        t.add_column("distinct", justify="right")
        t.add_column("matched in the store", justify="right")
        for k, v in rep.counts.items():
            t.add_row(k, str(v), "" if rep.matched is None else str(rep.matched.get(k, 0)))
        out_console.print(t)
        if rep.by_platform:
            p = Table(title="accounts per platform")
            p.add_column("platform")
            p.add_column("accounts", justify="right")
            for k, v in rep.by_platform.items():
                p.add_row(k, str(v))
            out_console.print(p)
        err_console.print(
            f"{rep.n_facts} report fact(s) (never seeds), {rep.n_rejects} rejected value(s)"
            + (f"; files in {out}" if out else "") + ".")
    except _USER_ERRORS as exc:
        _fail(exc)


@app.command()
def simulate(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same world).")] = 0,
    scale: Annotated[float, typer.Option(
        "--scale", help="Multiplies every account count (1 = about 6,700 accounts, 300 k posts)."
    )] = 1.0,
    config: Annotated[Path | None, typer.Option(
        "--config", help="World settings (TOML) laid over the documented defaults "
        "(src/cibwatch/simulate/default_world.toml).")] = None,
    scenario: Annotated[int | None, typer.Option(
        "--scenario", help="Build scenario N of the scenario family instead: the world's "
        "structure (sizes, activity, crews, timing, clocks, languages, tactics, hard "
        "negatives) drawn at random from N (src/cibwatch/simulate/scenario.py); also writes "
        "scenario.json and seeds/*_four.csv. Not with --seed, --scale or --config.")] = None,
) -> None:
    """Make a simulated world with ground truth: organic users, authentic coordination, spam
    and planted operations (posts.parquet, accounts.parquet, truth.csv, world.json)."""
    from .simulate import simulate as run
    from .simulate import simulate_scenario

    try:
        check_numbers(scale=scale, seed=seed)
        if scenario is not None and (config is not None or seed != 0 or scale != 1.0):
            raise ConfigError("--scenario draws the whole world from its number",
                              remedy="leaving out --seed, --scale and --config")
        with RichReporter(err_console).task("Simulating", total=None):
            res = (simulate_scenario(out, scenario) if scenario is not None
                   else run(out, seed=seed, scale=scale, config=config))
        t = Table(title=f"World in {res.out}")
        t.add_column("group")
        t.add_column("accounts", justify="right")
        for g, n in sorted(res.counts["groups"].items()):
            t.add_row(g, f"{n:,}")
        out_console.print(t)
        err_console.print(f"{res.counts['posts']:,} posts, {res.counts['accounts']:,} accounts: "
                          f"{res.posts}, {res.accounts}, truth in {res.truth}"
                          + ("; parameters in scenario.json" if scenario is not None else ""))
    except _USER_ERRORS as exc:
        _fail(exc)


@app.command("evaluate")
def evaluate_cmd(
    results: Annotated[Path, typer.Argument(help="A detect (or expand) output directory.")],
    truth: Annotated[Path, typer.Option("--truth", help="Ground truth CSV: platform, "
                                        "account_id, group (cibwatch simulate writes one).")],
    output: Annotated[Path | None, typer.Option(
        "--output", help="Write the metrics as JSON here \\[default: RESULTS/evaluation.json].")
    ] = None,
    posts: Annotated[Path | None, typer.Option(
        "--posts", help="The world's posts (Parquet): count each operation's posts per member "
        "and mark it eligible (>= 10 accounts, median member >= 3 posts).")] = None,
    since: Annotated[str | None, typer.Option(
        "--since", help="Count only posts at or after this ISO time (the period's start).")
    ] = None,
    seeds: Annotated[Path | None, typer.Option(
        "--seeds", help="RESULTS is an expand run from these seeds (platform,account_id): "
        "also its recall on the seeds' platform and overall, and its precision.")] = None,
) -> None:
    """Precision, recall and F1 for planted operations, false-positive rates of authentic
    groups, network purity and completeness, with Wilson 95 % intervals."""
    from .evaluate import evaluate, write_evaluation

    try:
        rep = evaluate(truth, results, posts=posts, since=since, seeds=seeds)
        path = output or results / "evaluation.json"
        write_evaluation(rep, path)
        t = Table(title="Accounts by ground-truth group")
        for c in ("group", "kind", "accounts", "in a network", "rate", "assessed inauthentic",
                  "rate", "as kind", "completeness"):
            t.add_column(c, justify="left" if c in ("group", "kind", "as kind") else "right")
        for g, e in rep["groups"].items():
            t.add_row(g, e["kind"], f"{e['accounts']:,}", f"{e['in_networks']:,}",
                      f"{e['rate_in_networks']:.4f}", f"{e['assessed_inauthentic']:,}",
                      f"{e['rate_inauthentic']:.4f}",
                      ", ".join(f"{k} {n}" for k, n in e["assessed_kinds"].items()),
                      f"{e['completeness']:.3f}" if "completeness" in e else "")
        out_console.print(t)
        s = rep["summary"]
        out_console.print(
            f"operations: recall {s['operation_recall']}, precision of attributed networks "
            f"{s['operation_precision_attributed']}; authentic accounts in networks: "
            f"{s['authentic_rate_in_networks']}; networks {s['networks']}, purity (weighted) "
            f"{s['purity_weighted']}, least {s['purity_min']}" + (
                f"; assessed inauthentic: precision {s['inauthentic_precision']}, recall "
                f"{s['inauthentic_recall']}" if s["inauthentic_precision"] is not None else ""))
        if "expansion" in rep:
            e = rep["expansion"]
            out_console.print(
                f"expansion ({e['operation']} on {e['platform']}): recall there "
                f"{e['recall_on_platform']}, overall {e['recall']}, precision {e['precision']}")
        err_console.print(f"metrics written to {path}")
    except _USER_ERRORS as exc:
        _fail(exc)


@app.command()
def formats() -> None:
    """List the input layouts ingest recognises, and the columns that identify them."""
    t = Table(title="Input layouts")
    for c in ("format", "kind", "identified by", "description"):
        t.add_column(c)
    for f in FORMATS.values():
        t.add_row(f.name, f.kind, ", ".join(sorted(f.signature)), f.description)
    out_console.print(t)


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory.")] = Path("demo-out"),
) -> None:
    """Run detection on the data bundled with the repository (what `make demo` runs)."""
    from .demo import run_demo

    try:
        run_demo(out, err_console, out_console)
    except _USER_ERRORS as exc:
        _fail(exc)


from .cli_cases import register as _register_cases  # noqa: E402  (serve, user, audit, case)

_register_cases(app)
__import__("cibwatch.cli_watch").cli_watch.register(app)  # watch (issue 16)


def _version(value: bool) -> None:
    if value:
        out_console.print(f"cibwatch {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool | None, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = None,
) -> None:
    """cibwatch command line."""


def main() -> None:
    """The ``cibwatch`` command. A user never sees a traceback: an error that is not one of
    the expected kinds is printed on one line, with a request to report it (exit status 3);
    ``CIBWATCH_DEBUG=1`` re-raises it."""
    try:
        app()
    except Exception as exc:  # the last resort: every expected error is handled in app()
        if os.environ.get("CIBWATCH_DEBUG"):
            raise
        err_console.print(f"[bold red]error:[/] unexpected {type(exc).__name__}: "
                          f"{terminal(str(exc).splitlines()[0] if str(exc) else '')}",
                          highlight=False)
        err_console.print("  This is a bug in cibwatch: please report it with the command "
                          "line (CIBWATCH_DEBUG=1 shows the traceback).", highlight=False)
        sys.exit(3)


if __name__ == "__main__":  # pragma: no cover
    main()

