"""Use cases over the investigation store: what the command line, the demo and the case API ask
of a store's runs, in one place (no SQL against the store in ``cli.py`` or ``demo.py``).

* :func:`list_runs`: every run of the store (:mod:`cibwatch.runs`);
* :func:`list_networks`: the networks of a finished run, or each network once, in the latest
  finished run that has it; with assessment, size, platforms, linked pairs and co-actions per
  trace; filtered and paged;
* :func:`network_summary`: one network of a run, with its members, its reasons and the pairs
  behind it;
* :func:`pair_evidence`: what two of its members did together (the kept examples).

Everything is read from the kept results (``run_*``), so it works on any finished run, on a
store opened read-only.

And the workflows that make runs, which the command line (``cibwatch ingest``, ``detect``,
``expand``) and the demo only call:

* :func:`ingest`: load files into a store (:class:`IngestOutcome`);
* :func:`run_detection`: a :class:`DetectRequest` (output directory, store, input files,
  :class:`DetectOptions`) -> the store chosen, inputs ingested, detection run, the output
  directory written (:class:`DetectOutcome`);
* :func:`run_expansion`: the same from seeds (:class:`ExpandRequest`, :class:`ExpandOutcome`);
* :func:`detect_config`: the :class:`~cibwatch.pipeline.DetectConfig` of :class:`DetectOptions`
  (plain values: ``window="60s"`` or ``60``, ``traces="url,reshare"``, ...).

Bad arguments raise :class:`~cibwatch.errors.ConfigError` (and the store and output checks
:class:`~cibwatch.errors.StoreError`, :class:`~cibwatch.errors.OutputError`) naming the
*parameter* (``run_id``, ``network_id``, ``limit``, ``min_size``, ``window``, ``out``, ...:
:attr:`~cibwatch.errors.CibwatchError.parameters`); the command line and the case API map them
to their own terms (:mod:`cibwatch.cli_errors`).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from .engine import dialect
from .errors import ConfigError, NotInStoreError, ParameterError, StoreError
from .runs import list_runs
from .store import Store

if TYPE_CHECKING:
    from .expand import ExpandResult
    from .ingest import IngestReport
    from .pipeline import DetectConfig, DetectResult
    from .progress import Reporter
    from .report.outputs import OutputPaths
    from .seeds import Seed

__all__ = ["NetworkSummary", "NetworkRow", "NetworkPage", "NetworkMember", "NetworkDetail",
           "PairRows",
           "list_runs", "list_networks", "locate_network", "network_summary", "pair_evidence",
           "Inputs", "DetectOptions", "DetectRequest", "DetectOutcome", "ExpandRequest",
           "ExpandOutcome", "IngestOutcome", "ingest", "run_detection", "run_expansion",
           "detect_config", "check_numbers", "parse_duration", "store_path_for",
           "coaction_evidence", "EngineOptions", "ENGINES", "engine_for"]


@dataclass(frozen=True)
class NetworkSummary:
    """One network of one run, as the case API lists it
    (:class:`cibwatch.cases.InvestigationSource`)."""

    network_id: str
    run_id: str
    label: str
    assessment: str
    kind: str
    score: float
    size: int
    platforms: tuple[str, ...]


@dataclass(frozen=True)
class NetworkRow(NetworkSummary):
    """A :class:`NetworkSummary` with its linked pairs and, per trace, the co-actions of those
    pairs at the trace's shortest window, most first (``traces``)."""

    n_pairs: int
    traces: tuple[tuple[str, int], ...]

    @property
    def traces_text(self) -> str:
        """``reshare=24;url=4``."""
        return ";".join(f"{t}={n}" for t, n in self.traces)


@dataclass(frozen=True)
class NetworkPage:
    items: list[NetworkRow]
    total: int


@dataclass(frozen=True)
class NetworkMember:
    platform: str
    account_id: str
    handle: str | None
    followers: int | None
    lang: str | None
    source: str | None


@dataclass(frozen=True)
class NetworkDetail:
    """One network of one run: its row, members (by platform and account id), the
    assessment's reasons and DISARM codes, the linked pairs (``(platform_a, account_id_a,
    platform_b, account_id_b)``, by pairs and by group evidence) and the first and last
    co-action (ISO 8601, UTC)."""

    row: NetworkRow
    members: tuple[NetworkMember, ...]
    reasons: str
    disarm: str
    pairs: tuple[tuple[str, str, str, str], ...]
    first_activity: str | None
    last_activity: str | None


def _finished(store: Store) -> list[str]:
    return [r.run_id for r in list_runs(store) if r.status == "finished"]


def _check_run(store: Store, run_id: str | None) -> None:
    if run_id is not None and run_id not in _finished(store):
        raise NotInStoreError(f"no finished run {run_id!r} in the store (run_id)",
                          remedy="choosing one that 'cibwatch runs --db STORE' lists")


def _assessments(store: Store) -> str:
    if store.table_exists("run_assessments"):
        return "run_assessments"
    return ("(SELECT NULL::VARCHAR AS run_id, NULL::VARCHAR AS network_id, "
            "NULL::VARCHAR AS assessment, NULL::VARCHAR AS kind, NULL::DOUBLE AS score, "
            "NULL::VARCHAR AS reasons, NULL::VARCHAR AS disarm WHERE FALSE)")


def list_networks(store: Store, run_id: str | None = None, *, assessment: str | None = None,
                  min_size: int | None = None, limit: int = 100,
                  offset: int = 0) -> NetworkPage:
    """The networks of the finished run ``run_id`` by label, or (``None``) every network once,
    in the latest finished run that has it (latest run first, then by label); only those
    assessed ``assessment`` and of ``min_size`` accounts or more when given."""
    for name, value, least in (("limit", limit, 0), ("offset", offset, 0),
                               ("min_size", min_size, 0)):
        if value is not None and value < least:
            raise ConfigError(f"{name} {value} cannot be used: it must be at least {least}",
                              remedy=f"giving {name} a value of {least} or more")
    _check_run(store, run_id)
    if not store.table_exists("run_networks"):
        return NetworkPage([], 0)
    sql = f"""
        WITH n AS (
          SELECT n.run_id, n.network_id, n.label, n.size, r.seq
          FROM run_networks n JOIN runs r USING (run_id)
          WHERE r.status = 'finished' AND ($run IS NULL OR n.run_id = $run)
          QUALIFY $run IS NOT NULL OR row_number() OVER (
            PARTITION BY n.network_id ORDER BY r.seq DESC) = 1)
        SELECT n.network_id, n.run_id, n.label, coalesce(a.assessment, 'coordinated'),
               coalesce(a.kind, 'coordination'), coalesce(a.score, 0.0), n.size,
               count(*) OVER () AS total, n.seq
        FROM n LEFT JOIN {_assessments(store)} a USING (run_id, network_id)
        WHERE ($assessment IS NULL OR coalesce(a.assessment, 'coordinated') = $assessment)
          AND ($min_size IS NULL OR n.size >= $min_size)
        ORDER BY n.seq DESC, n.label LIMIT $limit OFFSET $offset
        """
    params = {"run": run_id, "assessment": assessment, "min_size": min_size,
              "limit": int(limit), "offset": int(offset)}
    rows = store.con.execute(sql, params).fetchall()
    if rows:
        total = int(rows[0][7])
    else:  # past the end: count what there is
        params["limit"], params["offset"] = 1 << 62, 0
        total = len(store.con.execute(sql, params).fetchall())
    stats = _stats(store, [(str(r[1]), str(r[0])) for r in rows])
    items = []
    for nid, run, label, assess, kind, score, size, _, _ in rows:
        platforms, n_pairs, traces = stats.get((str(run), str(nid)), ((), 0, ()))
        items.append(NetworkRow(str(nid), str(run), str(label), str(assess), str(kind),
                                float(score), int(size), platforms, n_pairs, traces))
    return NetworkPage(items, total)


def _stats(store: Store, keys: list[tuple[str, str]]
           ) -> dict[tuple[str, str], tuple[tuple[str, ...], int, tuple[tuple[str, int], ...]]]:
    """Platforms, linked pairs and co-actions per trace of the networks ``(run_id,
    network_id)``."""
    if not keys:
        return {}
    page = pa.table({"run_id": [k[0] for k in keys], "network_id": [k[1] for k in keys]})
    pairs = store.table_exists("run_pairs")
    out: dict[tuple[str, str], tuple[tuple[str, ...], int, tuple[tuple[str, int], ...]]] = {}
    with store.registered("api_page", page):
        for run, nid, platforms in store.fetchall(
                "SELECT m.run_id, m.network_id, string_agg(DISTINCT ai.platform, ';' "
                "ORDER BY ai.platform) FROM run_members m SEMI JOIN api_page "
                "USING (run_id, network_id) JOIN account_index ai USING (aid) GROUP BY 1, 2"):
            out[(str(run), str(nid))] = (tuple(str(platforms).split(";")), 0, ())
        if not pairs:
            return out
        rows = store.fetchall(
            """
            WITH m AS (SELECT run_id, network_id, aid FROM run_members
                       SEMI JOIN api_page USING (run_id, network_id)),
            p AS (
              SELECT p.run_id, ma.network_id, p.aid_a, p.aid_b, p.trace, p.win, p.n_coactions
              FROM run_pairs p
              JOIN m ma ON ma.run_id = p.run_id AND ma.aid = p.aid_a
              JOIN m mb ON mb.run_id = p.run_id AND mb.aid = p.aid_b
                       AND mb.network_id = ma.network_id
              WHERE p.aid_a <> p.aid_b),
            shortest AS (SELECT run_id, network_id, trace, min(win) AS win FROM p
                         GROUP BY 1, 2, 3),
            t AS (SELECT p.run_id, p.network_id, p.trace, sum(p.n_coactions) AS n
                  FROM p JOIN shortest USING (run_id, network_id, trace, win) GROUP BY 1, 2, 3)
            SELECT run_id, network_id,
                   (SELECT count(DISTINCT (aid_a, aid_b)) FROM p
                    WHERE p.run_id = t.run_id AND p.network_id = t.network_id),
                   list({'trace': trace, 'n': n} ORDER BY n DESC, trace)
            FROM t GROUP BY run_id, network_id
            """)
    for run, nid, n_pairs, traces in rows:
        key = (str(run), str(nid))
        platforms = out.get(key, ((), 0, ()))[0]
        out[key] = (platforms, int(n_pairs),
                    tuple((str(x["trace"]), int(x["n"])) for x in traces))
    return out


def locate_network(store: Store, network_id: str,
                   run_id: str | None = None) -> tuple[str, str]:
    """``(run_id, network_id)``: the network in ``run_id``, else in the latest finished run
    that has it; a label (``N0003``) is taken in ``run_id``, else in the latest run."""
    _check_run(store, run_id)
    finished = _finished(store)
    if store.table_exists("run_networks") and finished:
        row = store.con.execute(
            "SELECT n.run_id, n.network_id FROM run_networks n JOIN runs r USING (run_id) "
            "WHERE r.status = 'finished' AND (n.network_id = $id OR (n.label = $id AND "
            "n.run_id = coalesce($run, $latest))) AND ($run IS NULL OR n.run_id = $run) "
            "ORDER BY (n.network_id = $id) DESC, r.seq DESC LIMIT 1",
            {"id": network_id, "run": run_id, "latest": finished[-1]}).fetchone()
        if row is not None:
            return str(row[0]), str(row[1])
    where = f" in run {run_id}" if run_id else ""
    raise NotInStoreError(f"no network {network_id!r}{where} (network_id)",
                      remedy="choosing one that list_networks gives (GET /api/v1/networks)")


def network_summary(store: Store, network_id: str, run_id: str | None = None) -> NetworkDetail:
    """The network ``network_id`` (its stable id, or its label) of the finished run ``run_id``,
    else of the latest finished run that has it."""
    run, nid = locate_network(store, network_id, run_id)
    label, size = store.fetchone("SELECT label, size FROM run_networks WHERE run_id = ? AND "
                                 "network_id = ?", [run, nid]) or ("", 0)
    a = store.fetchone(f"SELECT assessment, kind, score, reasons, disarm FROM "
                       f"{_assessments(store)} WHERE run_id = ? AND network_id = ?", [run, nid])
    assessment, kind, score, reasons, disarm = a or ("coordinated", "coordination", 0.0, "", "")
    stats = _stats(store, [(run, nid)]).get((run, nid), ((), 0, ()))
    members = tuple(NetworkMember(str(p), str(i), h, None if f is None else int(f), lang, src)
                    for p, i, h, f, lang, src in store.fetchall(
        """
        SELECT ai.platform, ai.account_id, acc.handle, acc.followers, acc.lang, m.source
        FROM run_members m JOIN account_index ai USING (aid)
        LEFT JOIN (SELECT aid, min(nullif(handle, '')) AS handle, max(followers) AS followers,
                          min(nullif(lang, '')) AS lang FROM accounts GROUP BY aid) acc
          USING (aid)
        WHERE m.run_id = ? AND m.network_id = ? ORDER BY ai.platform, ai.account_id
        """, [run, nid]))
    group = ("UNION SELECT aid_a, aid_b FROM run_group_links WHERE run_id = $run "
             "AND network_id = $nid" if store.table_exists("run_group_links") else "")
    pairs = store.con.execute(
        f"""
        WITH m AS (SELECT aid FROM run_members WHERE run_id = $run AND network_id = $nid),
        e AS (SELECT aid_a, aid_b FROM run_edges WHERE run_id = $run AND aid_a <> aid_b
                AND aid_a IN (SELECT aid FROM m) AND aid_b IN (SELECT aid FROM m)
              {group})
        SELECT DISTINCT aa.platform, aa.account_id, ab.platform, ab.account_id
        FROM e JOIN account_index aa ON aa.aid = e.aid_a
        JOIN account_index ab ON ab.aid = e.aid_b ORDER BY 1, 2, 3, 4
        """, {"run": run, "nid": nid}).fetchall() if store.table_exists("run_edges") else []
    first = last = None
    if store.table_exists("run_pairs"):
        first, last = store.con.execute(
            f"""
            WITH m AS (SELECT aid FROM run_members WHERE run_id = $run AND network_id = $nid)
            SELECT {dialect.iso_time_us('min(first_ts)')},
                   {dialect.iso_time_us('max(last_ts)')}
            FROM run_pairs WHERE run_id = $run AND aid_a <> aid_b
              AND aid_a IN (SELECT aid FROM m) AND aid_b IN (SELECT aid FROM m)
            """, {"run": run, "nid": nid}).fetchone() or (None, None)
    row = NetworkRow(nid, run, str(label), str(assessment), str(kind), float(score or 0.0),
                     int(size), stats[0], stats[1], stats[2])
    return NetworkDetail(row, members, str(reasons or ""), str(disarm or ""),
                          tuple((str(a), str(b), str(c), str(d)) for a, b, c, d in pairs),
                          first, last)



@dataclass(frozen=True)
class PairRows:
    """What two members of a network did together in one trace and window (``window_s`` 0
    for group evidence, ``items:<family>``): the co-actions counted and the examples kept, as
    ``edges.parquet`` lists them. ``a`` is the first account of the stored pair."""

    a: tuple[str, str]
    b: tuple[str, str]
    trace: str
    window_s: float
    n_coactions: int
    evidence: tuple[dict[str, Any], ...]


def pair_evidence(store: Store, network_id: str, a: tuple[str, str], b: tuple[str, str],
                  run_id: str | None = None) -> list[PairRows]:
    """The kept evidence of the pair ``a``, ``b`` (``(platform, account_id)``) in the network
    ``network_id`` of the run ``run_id`` (else the latest that has it); empty when they are
    not a pair of it."""
    run, nid = locate_network(store, network_id, run_id)
    aids: dict[int, tuple[str, str]] = {}
    for ref in (a, b):
        aid = store.aid_of(*ref)
        if aid is None:
            return []
        aids[aid] = ref
    lo, hi = min(aids), max(aids)
    rows: list[tuple[str, float, int, list[dict[str, Any]]]] = []
    if store.table_exists("run_pairs"):
        rows += [(str(t), float(w), int(n), ev or []) for t, w, n, ev in store.fetchall(
            "SELECT trace, win, n_coactions, evidence FROM run_pairs WHERE run_id = ? "
            "AND aid_a = ? AND aid_b = ? ORDER BY trace, win", [run, lo, hi])]
    if store.table_exists("run_group_links"):
        rows += [(f"items:{f}", 0.0, int(n), ev or []) for f, n, ev in store.fetchall(
            "SELECT fam, n_items, evidence FROM run_group_links WHERE run_id = ? "
            "AND network_id = ? AND aid_a = ? AND aid_b = ? ORDER BY fam", [run, nid, lo, hi])]
    pids = sorted({int(e[k]) for r in rows for e in r[3] for k in ("pid_a", "pid_b")})
    post_ids = {int(p): str(i) for p, i in store.fetchall(
        "SELECT pid, post_id FROM posts WHERE pid IN (SELECT unnest(?::BIGINT[]))",
        [pids])} if pids else {}
    return [PairRows(aids[lo], aids[hi], trace, win, n, tuple(
        {"post_id_a": post_ids.get(int(e["pid_a"])), "post_id_b": post_ids.get(int(e["pid_b"])),
         "key": e["key"], "dt_s": round(float(e["dt_s"]), 6)} for e in ev))
        for trace, win, n, ev in rows]


# -- the workflows that make runs: ingest, detection, expansion --------------------------------

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)?\s*$")
_UNITS = {None: 1.0, "ms": 0.001, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "d": 86400.0}


def parse_duration(text: str, parameter: str = "window") -> float:
    """'60s', '10', '5m', '1.5h', '250ms' -> seconds; a :class:`ParameterError` naming
    ``parameter`` when it cannot be read."""
    m = _DURATION.match(text)
    value = float(m.group(1)) * _UNITS[m.group(2)] if m else math.nan
    if not math.isfinite(value):
        raise ParameterError(parameter, f"{{{parameter}}}: cannot read the duration {text!r}",
                             remedy="writing it like 60s, 10, 5m, 1h or 250ms")
    return value


#: The range of each numeric parameter (checked before any work is done).
_RANGES: dict[str, dict[str, Any]] = {
    "min_weight": {}, "fdr": {"strictly": True, "most": 1.0},
    "resolution": {"strictly": True}, "crowd_accounts": {"least": 2},
    "min_participation": {"least": 1}, "min_size": {"least": 1},
    "max_neighbours": {}, "seed": {"most": 2.0**63}, "pictures": {},
    "threads": {"least": 1}, "max_hops": {}, "scale": {"strictly": True},
    "min_accounts": {"least": 1}, "top": {}, "driver_max_links": {},
}


def check_numbers(**values: Any) -> None:
    """Each numeric parameter given (``min_size=3``, ...) must be a finite number in its range
    (:data:`_RANGES`); a :class:`ParameterError` naming the first that is not."""
    for name, value in values.items():
        if (name not in _RANGES or value is None or not isinstance(value, int | float)
                or isinstance(value, bool)):
            continue
        least, strictly = float(_RANGES[name].get("least", 0.0)), bool(
            _RANGES[name].get("strictly", False))
        most = _RANGES[name].get("most")
        v = float(value)
        ok = math.isfinite(v) and (v > least if strictly else v >= least)
        if ok and most is not None:
            ok = v < most
        if not ok:
            bound = (f"{'above' if strictly else 'at least'} {least:g}"
                     + (f" and below {most:g}" if most is not None else ""))
            raise ParameterError(
                name, f"{{{name}}} {v:g} cannot be used: it must be a number {bound}",
                remedy=f"giving {{{name}}} a value {bound}")


@dataclass(frozen=True)
class Inputs:
    """Files to load before a run: posts (``files``) and accounts (``accounts``), read as
    ``fmt`` (``auto``: recognised by header; see :data:`cibwatch.ingest.FORMATS`)."""

    files: Sequence[str | Path] = ()
    accounts: Sequence[str | Path] = ()
    fmt: str = "auto"
    platform: str | None = None
    strict: bool = False
    object_as: str = "reshare"

    @property
    def paths(self) -> list[str | Path]:
        """The files, local paths as :class:`~pathlib.Path`; a URL (``hdfs://``, ``s3a://``,
        read by the Spark engine) stays as given, since a path would fold its ``//``."""
        return [p if isinstance(p, str) and "://" in p else Path(p)
                for p in (*self.files, *self.accounts)]


@dataclass(frozen=True)
class DetectOptions:
    """The parameters of detection, as plain values; ``None`` is the default (of the
    ``preset`` when one is given). ``traces``: names, or comma-separated; ``window``: seconds,
    a duration (``"60s"``, ``"5m"``) or ``"auto"``; ``trace_windows``: ``{trace: [duration,
    ...]}`` or ``["TRACE=DURATION[,DURATION...]", ...]``; ``max_neighbours`` 0: no bound."""

    preset: str | None = None
    traces: str | Sequence[str] | None = None
    window: str | float | None = None
    trace_windows: Mapping[str, Sequence[str | float]] | Sequence[str] | None = None
    significance: bool | None = None
    fdr: float | None = None
    crowd_accounts: int | None = None
    attach: bool | None = None
    weight: str | None = None
    min_weight: float | None = None
    min_participation: int | None = None
    min_size: int | None = None
    max_neighbours: int | None = None
    self_loops: bool | None = None
    resolution: float | None = None
    seed: int | None = None
    group_evidence: bool | None = None
    assess: bool | None = None
    driver_max_links: int | None = None


def _seconds(value: str | float, parameter: str) -> float:
    if isinstance(value, str):
        return parse_duration(value, parameter)
    if not math.isfinite(float(value)) or float(value) < 0:
        raise ParameterError(parameter, f"{{{parameter}}} {value!r} cannot be used: it must "
                             "be a duration of 0 s or more", remedy="giving e.g. 60 (seconds)")
    return float(value)


def detect_config(options: DetectOptions) -> DetectConfig:
    """The detection config of ``options`` (see :class:`DetectOptions`)."""
    from .pipeline import config_from

    o = options
    numbers = {f.name: getattr(o, f.name) for f in dataclasses.fields(o)}
    check_numbers(**numbers)
    windows: dict[str, tuple[float, ...]] = {}
    if isinstance(o.trace_windows, Mapping):
        for name, durs in o.trace_windows.items():
            windows[str(name).strip()] = tuple(_seconds(d, "trace_windows") for d in durs)
    else:
        for tw in o.trace_windows or []:
            name, sep, text = tw.partition("=")
            if not sep:
                raise ParameterError("trace_windows", f"cannot read {{trace_windows}} {tw!r}",
                                     remedy="writing it as TRACE=DURATION, e.g. text_near=1h")
            windows[name.strip()] = tuple(parse_duration(d, "trace_windows")
                                          for d in text.split(","))
    auto = isinstance(o.window, str) and o.window.strip().lower() == "auto"
    traces = ([t.strip() for t in o.traces.split(",")] if isinstance(o.traces, str)
              else [str(t).strip() for t in o.traces] if o.traces is not None else None)
    cfg = config_from(
        o.preset,
        traces=tuple(t for t in traces if t) or None if traces is not None else None,
        window_s=_seconds(o.window, "window") if o.window is not None and not auto else None,
        auto_window=auto or None,
        trace_windows=windows or None,
        max_neighbours=None if o.max_neighbours == 0 else o.max_neighbours,
        significance=o.significance, fdr=o.fdr, crowd_accounts=o.crowd_accounts,
        attach=o.attach, weight=o.weight, min_weight=o.min_weight,
        min_participation=o.min_participation, min_size=o.min_size,
        self_loops=o.self_loops, resolution=o.resolution, seed=o.seed,
        group_evidence=o.group_evidence, assess=o.assess, driver_max_links=o.driver_max_links,
    )
    if o.max_neighbours == 0:  # 0: no bound
        cfg = dataclasses.replace(cfg, max_neighbours=None)
    return cfg


def store_path_for(store_path: Path | None, out: Path, inputs: Sequence[str | Path],
                   overwrite: bool) -> Path:
    """The store of a run writing to ``out``: ``store_path``, else ``out/store.duckdb`` (a new
    one when ``inputs`` are given). ``out`` is checked first
    (:func:`cibwatch.report.outputs.prepare_out`): an earlier run's files in it, its store
    included, are never deleted or mixed with the new ones without ``overwrite``; the store of
    an unfinished run of the same inputs is gone on with (a rerun resumes)."""
    from .report.outputs import DEFAULT_STORE, prepare_out

    path = store_path or Path(out) / DEFAULT_STORE
    fresh = store_path is None and bool(inputs)
    prepare_out(out, overwrite=overwrite, fresh_store=fresh,
                keep=None if fresh else path, inputs=list(inputs))
    if store_path is None and not fresh and not path.exists():
        raise StoreError(f"no input files, and no store {path} to detect on",
                         remedy="passing input files, or {store_path} with a store made by "
                         "'cibwatch ingest'", parameters=("store_path",))
    return path


def _load(store: Store, inputs: Inputs, reporter: Reporter | None,
          on_ingest: Callable[[IngestReport], None] | None, engine: Any = None
          ) -> tuple[list[str], IngestReport | None]:
    """Ingest the run's input files (if any; their Parquet files read by ``engine`` when
    given); their names, and the ingest's report."""
    from .ingest import ingest_files, settle_accounts

    paths = inputs.paths
    if not paths:
        settle_accounts(store)  # an ingest interrupted before it numbered its accounts
        return [], None
    report = ingest_files(store, paths, inputs.fmt, platform=inputs.platform,
                          strict=inputs.strict, object_as=inputs.object_as, reporter=reporter,
                          engine=engine)
    if on_ingest is not None:
        on_ingest(report)
    return [str(p) for p in paths], report


@dataclass(frozen=True)
class IngestOutcome:
    """What :func:`ingest` loaded: the report per file, where the rejected records were
    written (None: none), and what the store holds now."""

    report: IngestReport
    store_path: Path
    rejects_path: Path | None
    n_posts: int
    n_accounts: int


def ingest(store_path: Path, files: Sequence[str | Path], *, fmt: str = "auto",
           platform: str | None = None, strict: bool = False, object_as: str = "reshare",
           rejects: Path | None = None, reporter: Reporter | None = None,
           engine: EngineOptions | None = None) -> IngestOutcome:
    """Load ``files`` into the store ``store_path`` (made when missing), each file's layout
    recognised (``fmt="auto"``) or as ``fmt``; rejected records are written to ``rejects``
    (default: ``STORE.rejects.csv`` beside the store). With ``engine`` spark, each of
    ``files`` is Parquet (a file or a directory, a local path or a URL Spark reads), read by
    Spark (:func:`cibwatch.ingest.ingest_files`)."""
    from .ingest import ingest_files

    options = engine or EngineOptions()
    if options.warehouse is not None:
        raise ConfigError("{warehouse} is not used by an ingest: Spark reads the files, the "
                          "store keeps their rows", remedy="leaving {warehouse} out",
                          parameters=("warehouse",))
    reader = engine_for(options)
    with Store(store_path) as store:
        report = ingest_files(store, list(files), fmt, platform=platform, strict=strict,
                              object_as=object_as, reporter=reporter, engine=reader)
        path = None
        if store.scalar("SELECT count(*) FROM rejects"):
            path = rejects or Path(store_path).with_suffix(".rejects.csv")
            store.export_rejects(path)
        return IngestOutcome(report, Path(store_path), path, store.count_posts(),
                             store.count_accounts())


#: The engines the co-action stage runs on.
ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class EngineOptions:
    """Where the co-action stage of a detection runs: ``engine`` ``"duckdb"`` (the store
    itself, the default) or ``"spark"`` (:mod:`cibwatch.engine.spark`), with ``spark_master``
    (a Spark master URL or a Spark Connect ``sc://`` URL; ``local[*]`` by default) and
    ``warehouse`` (the directory of its Parquet tables; default beside the store)."""

    engine: str = "duckdb"
    spark_master: str | None = None
    warehouse: Path | None = None


def engine_for(options: EngineOptions) -> Any:
    """The engine object :func:`cibwatch.pipeline.detect` takes (None: the store's own);
    a :class:`ParameterError` for an unknown engine or Spark settings without Spark."""
    if options.engine not in ENGINES:
        raise ParameterError("engine", f"{{engine}} {options.engine!r} is not one of "
                             f"{', '.join(ENGINES)}", remedy="choosing duckdb or spark")
    if options.engine == "duckdb":
        for name in ("spark_master", "warehouse"):
            if getattr(options, name) is not None:
                raise ConfigError(f"{{{name}}} is only used by the Spark engine",
                                  remedy="adding {engine} spark, or leaving it out",
                                  parameters=(name, "engine"))
        return None
    from .engine.spark import SparkEngine

    return SparkEngine(master=options.spark_master, warehouse=options.warehouse)


@dataclass(frozen=True)
class DetectRequest:
    """A detection run: read ``inputs`` into the store (``store_path``, default
    ``out/store.duckdb``), detect with ``options``, write the output directory ``out``
    (``pictures`` of the largest networks; ``graphml``). ``overwrite``: replace an earlier
    run's results in ``out`` (:func:`store_path_for`). ``top``: networks listed in the
    outcome."""

    out: Path
    inputs: Inputs = field(default_factory=Inputs)
    store_path: Path | None = None
    options: DetectOptions = field(default_factory=DetectOptions)
    pictures: int = 10
    graphml: bool = False
    overwrite: bool = False
    threads: int | None = None
    top: int = 15
    engine: EngineOptions = field(default_factory=EngineOptions)
    #: Update the co-action tables of the store's last run with what ``inputs`` add
    #: (:func:`cibwatch.pipeline.detect`); needs ``store_path``.
    incremental: bool = False


@dataclass(frozen=True)
class DetectOutcome:
    """What a run found and wrote: the result, the files, the store, the ingest's report (None
    without input files) and the run's largest networks (:func:`list_networks`)."""

    result: DetectResult
    paths: OutputPaths
    store_path: Path
    ingest: IngestReport | None
    networks: NetworkPage


def run_detection(request: DetectRequest, reporter: Reporter | None = None, *,
                  on_ingest: Callable[[IngestReport], None] | None = None) -> DetectOutcome:
    """Run detection as ``request`` asks (see :class:`DetectRequest`); ``on_ingest`` is shown
    the ingest's report before detection starts. A store given with no new files reuses an
    earlier run's co-action tables made with the same settings on the same data."""
    from .pipeline import detect
    from .report.outputs import write_outputs

    r = request
    check_numbers(pictures=r.pictures, threads=r.threads, top=r.top)
    cfg = detect_config(r.options)
    engine = engine_for(r.engine)
    if r.incremental and r.store_path is None:
        raise ConfigError("{incremental} updates the co-action tables of a store kept "
                          "between runs", remedy="giving that store with {store_path}",
                          parameters=("incremental", "store_path"))
    if r.incremental and engine is not None:
        raise ConfigError("{incremental} runs on the store's own engine (DuckDB)",
                          remedy="leaving out {engine} spark",
                          parameters=("incremental", "engine"))
    store_path = store_path_for(r.store_path, r.out, r.inputs.paths, r.overwrite)
    with Store(store_path, threads=r.threads) as store:
        names, report = _load(store, r.inputs, reporter, on_ingest, engine)
        result = detect(store, cfg, reporter, reuse=r.store_path is not None and not names,
                        engine=engine, incremental=r.incremental)
        paths = write_outputs(store, result, r.out, graphml=r.graphml, inputs=names,
                              pictures=r.pictures)
        top = list_networks(store, result.run_id, limit=r.top)
    return DetectOutcome(result, paths, store_path, report, top)


@dataclass(frozen=True)
class ExpandRequest:
    """An expansion run from the seeds file ``seeds`` (or the seeds ``seed_list``): as
    :class:`DetectRequest`, with at most ``max_hops`` rounds; of ``options`` the co-action
    settings are used (traces, windows, fdr, crowd_accounts, max_neighbours, group_evidence,
    assess, driver_max_links); ``engine``: where the co-action stage runs (:class:`EngineOptions`)."""

    out: Path
    seeds: Path | None = None
    seed_list: Sequence[Seed] | None = None
    inputs: Inputs = field(default_factory=Inputs)
    store_path: Path | None = None
    options: DetectOptions = field(default_factory=DetectOptions)
    max_hops: int = 5
    pictures: int = 1
    graphml: bool = False
    overwrite: bool = False
    threads: int | None = None
    top: int = 15
    engine: EngineOptions = field(default_factory=EngineOptions)


@dataclass(frozen=True)
class ExpandOutcome:
    """What an expansion found and wrote; ``seeds`` are the seeds read, ``seed_problems`` the
    seed rows that could not be read."""

    expansion: ExpandResult
    paths: OutputPaths
    store_path: Path
    ingest: IngestReport | None
    networks: NetworkPage
    seeds: tuple[Seed, ...]
    seed_problems: tuple[str, ...]


#: The parameters of :class:`DetectOptions` an expansion uses.
_EXPAND_OPTIONS = ("traces", "window", "trace_windows", "fdr", "crowd_accounts",
                   "max_neighbours", "group_evidence", "assess", "driver_max_links")


def run_expansion(request: ExpandRequest, reporter: Reporter | None = None, *,
                  on_ingest: Callable[[IngestReport], None] | None = None) -> ExpandOutcome:
    """Grow a network from seeds as ``request`` asks (see :class:`ExpandRequest`)."""
    from .expand import ExpandConfig, expand, read_seeds
    from .report.outputs import write_outputs

    r = request
    check_numbers(pictures=r.pictures, threads=r.threads, max_hops=r.max_hops, top=r.top)
    o = r.options
    cfg = detect_config(DetectOptions(**{k: getattr(o, k) for k in _EXPAND_OPTIONS}))
    engine = engine_for(r.engine)
    problems: list[str] = []
    if r.seed_list is not None:
        seed_list = list(r.seed_list)
    elif r.seeds is not None:
        seed_list, problems = read_seeds(r.seeds)
    else:
        raise ParameterError("seeds", "no seeds to expand from",
                             remedy="giving {seeds}: a CSV of seed accounts or indicators")
    store_path = store_path_for(r.store_path, r.out, r.inputs.paths, r.overwrite)
    with Store(store_path, threads=r.threads) as store:
        names, report = _load(store, r.inputs, reporter, on_ingest, engine)
        res = expand(store, seed_list, ExpandConfig(detect=cfg, max_hops=r.max_hops,
                                                    engine=engine), reporter, problems)
        paths = write_outputs(store, res.run, r.out, graphml=r.graphml, inputs=names,
                              pictures=r.pictures, expansion=res.as_dict())
        top = list_networks(store, res.run.run_id, limit=r.top)
    return ExpandOutcome(res, paths, store_path, report, top, tuple(seed_list),
                         tuple(problems))


def coaction_evidence(store_path: Path, account_a: str, account_b: str,
                      window: str | float | None = None) -> pa.Table:
    """Every co-action of two accounts (``PLATFORM:ACCOUNT_ID``) in the store ``store_path``,
    in every trace the store's actions were made for, with both posts
    (:func:`cibwatch.pipeline.pair_evidence`): at ``window`` (a duration or seconds), else at
    the windows of the store's last detection run."""
    from .pipeline import config_from
    from .pipeline import pair_evidence as recompute

    with Store(store_path, create=False) as store:
        aids = []
        for name, ref in (("account_a", account_a), ("account_b", account_b)):
            platform, sep, account_id = ref.partition(":")
            aid = store.aid_of(platform, account_id) if sep else None
            if aid is None:
                raise ParameterError(name, f"no account {ref!r} ({{{name}}}) in {store_path}",
                                     remedy="writing it as PLATFORM:ACCOUNT_ID, e.g. "
                                     "twitter:123")
            aids.append(aid)
        names = [r[0] for r in store.fetchall("SELECT DISTINCT trace FROM actions ORDER BY 1")]
        cfg = config_from(None, traces=tuple(names) or None,
                          window_s=None if window is None else _seconds(window, "window"))
        return recompute(store, aids[0], aids[1], cfg, windows_from_store=window is None)
