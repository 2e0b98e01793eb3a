"""The files of a ``detect`` output directory (the interface contract).

``accounts.csv``   one row per member of a network: who, which network, scores, reasons
``networks.csv``   one row per network: assessment, size, platforms, scores, reasons
``edges.parquet``  one row per account pair and trace (kept pairs): counts, timing, evidence
``bounded_keys.csv``  keys where the window join's hot-key bound took effect
``rejects.csv``    input records that could not be loaded (when there are any)
``network.graphml``   the fused graph, on request
``run.json``       parameters and counts, for machines
``summary.md``     what was found and why, for people
``networks/``      pictures of the largest networks: posting clock, timeline, graph (PNG)

Everything is ordered and rounded so that the same input gives the same bytes. Text from the
data is escaped in every CSV cell against spreadsheet formulas (:func:`cibwatch.escape.csv_cell`)
and in ``summary.md`` against Markdown and HTML (:func:`cibwatch.escape.markdown`).

**Runs never mix.** The files are written to a staging directory inside OUT and moved into
place at the end, so that a failed run (a full disk) leaves no half-written run behind;
``run.json`` lists every file the run wrote (``outputs``). An earlier run's files in OUT are
replaced only when asked: :func:`prepare_out` (the command line's check, ``--overwrite``)
refuses an OUT that holds them, and with ``overwrite=True`` removes exactly the files listed in
the earlier ``run.json`` (and its store), never anything else.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .._version import __version__
from ..engine import dialect
from ..errors import OutputError, StoreError
from ..escape import csv_cell_sql, xml_text
from ..pipeline import DetectResult
from ..store import Store
from ..summaries import (
    MemberFindings,
    NetworkFindings,
    member_findings,
    network_findings,
    network_tables,
    render_member_reasons,
    render_reasons,
    top_items_text,
    traces_text,
)
from ..summaries import assessments_table as assessments_sql

__all__ = ["write_outputs", "OutputPaths", "assessments_sql", "prepare_out", "OUTPUT_FILES"]

#: The files a run may write in OUT (besides ``networks/*.png``), in the order written.
OUTPUT_FILES = ("networks.csv", "accounts.csv", "bounded_keys.csv", "edges.parquet",
                "rejects.csv", "network.graphml", "run.json", "summary.md")
#: The store a run makes in OUT when no --db is given.
DEFAULT_STORE = "store.duckdb"

def _ts(x: str) -> str:
    return dialect.iso_time_us(x)


def _g(x: str) -> str:
    """A p- or q-value in 3 significant digits (NULL stays NULL)."""
    return f"printf('%.3g', {x})"


@dataclass(frozen=True)
class OutputPaths:
    out: Path
    accounts: Path
    networks: Path
    edges: Path
    summary: Path
    bounded_keys: Path
    run: Path
    rejects: Path | None
    graphml: Path | None
    pictures: dict[str, dict[str, str]]


def _copy_csv(store: Store, sql: str, path: Path) -> None:
    """``sql`` to a CSV file, every text cell escaped (:func:`cibwatch.escape.csv_cell`)."""
    described = store.fetchall(f"DESCRIBE SELECT * FROM ({sql}) AS q")
    cols = ", ".join(
        f"{csv_cell_sql(_ident(str(r[0])))} AS {_ident(str(r[0]))}" if str(r[1]) == "VARCHAR"
        else _ident(str(r[0])) for r in described)
    store.execute("SET preserve_insertion_order = true")
    try:
        safe = str(path).replace("'", "''")
        store.execute(f"COPY (SELECT {cols} FROM ({sql}) AS q) TO '{safe}' (HEADER, DELIMITER ',')")
    finally:
        store.execute("SET preserve_insertion_order = false")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _earlier_run(out: Path) -> tuple[list[str], str | None] | None:
    """The files of the run that wrote ``out/run.json`` (relative paths) and its store, or
    None when OUT holds no run.json of cibwatch. A run.json of 0.5 and earlier has no list:
    its files are the names a run writes."""
    path = out / "run.json"
    if not path.is_file():
        return None
    try:
        run = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError, UnicodeDecodeError):
        return None
    if not isinstance(run, dict) or "cibwatch_version" not in run:
        return None
    listed = run.get("outputs")
    if isinstance(listed, list) and all(isinstance(x, str) for x in listed):
        files = [x for x in listed if _inside(out, x)]
    else:
        files = [*OUTPUT_FILES, *(str(p.relative_to(out)) for p in sorted(
            (out / "networks").glob("N*_*.png")))]
    store = run.get("store") if isinstance(run.get("store"), str) else None
    return files, (store if store and _inside(out, store) else None)


def _inside(out: Path, rel: str) -> bool:
    """``rel`` names a file inside ``out`` (no absolute path, no ``..``)."""
    p = Path(rel)
    return bool(rel) and not p.is_absolute() and ".." not in p.parts


def _store_sources(path: Path) -> list[str] | None:
    """The sha256 of every file committed to the cibwatch store ``path`` (None: not a
    cibwatch store, or unreadable)."""
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        if "lock" in str(exc).lower():
            raise StoreError(f"the store {path} is in use by another program ({exc})",
                             remedy="waiting for it to finish, or choosing another {out}",
                             parameters=("out",)) from exc
        return None
    try:
        if not con.execute("SELECT count(*) FROM meta WHERE key = 'schema_version'"
                           ).fetchone()[0]:  # type: ignore[index]
            return None
        return [str(r[0]) for r in con.execute(
            "SELECT sha256 FROM sources WHERE rows_loaded IS NOT NULL").fetchall()]
    except duckdb.Error:
        return None
    finally:
        con.close()


def _resumable(store_file: Path, inputs: list[str | Path]) -> bool:
    """An unfinished run's store (no run.json) holding only files among ``inputs``: running
    the same command again goes on with it (the files it holds are skipped)."""
    held = _store_sources(store_file)
    if held is None:
        return False
    if not held:
        return True
    from ..store import file_sha256

    given = {file_sha256(p) for p in inputs if Path(p).is_file()}
    return set(held) <= given


def prepare_out(out: str | Path, *, overwrite: bool = False, fresh_store: bool = False,
                keep: Path | None = None, inputs: list[str | Path] | None = None) -> Path:
    """Check that ``out`` can take a run's files, before any work is done.

    Parameters
    ----------
    out:
        The output directory (created when missing).
    overwrite:
        Remove the files of an earlier run in ``out``: those listed in its ``run.json`` (and,
        with ``fresh_store``, its ``store.duckdb`` when it is a cibwatch store), nothing else.
        Without it, an ``out`` holding them is refused.
    fresh_store:
        The run makes a new store at ``out/store.duckdb`` (files given, no --db): an existing
        one is an earlier run's file.
    keep:
        A file the run reads (the store given with --db, or ``out/store.duckdb`` reused):
        never removed.
    inputs:
        The run's input files. With ``fresh_store``, an ``out/store.duckdb`` left by an
        unfinished run (no ``run.json``: interrupted, or stopped by a bad file) that holds only
        files among them is kept and goes on being filled: the same command run again resumes.

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    OutputError
        ``out`` is a file or cannot be written, or holds an earlier run's files and
        ``overwrite`` is false, or holds files of those names that no cibwatch run listed.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OutputError(f"{{out}} {out} is a file, not a directory",
                          remedy="choosing a directory (a new one is created)",
                          parameters=("out",))
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=out, prefix=".cibwatch-probe-")  # noqa: SIM115
        probe.close()
    except OSError as exc:
        raise OutputError(f"cannot write to {{out}} {out}: {exc.strerror or exc}",
                          remedy="choosing a directory you can write to",
                          parameters=("out",)) from exc
    earlier = _earlier_run(out)
    listed = set(earlier[0]) if earlier else set()
    names = [*OUTPUT_FILES, *(str(p.relative_to(out)) for p in sorted(
        (out / "networks").glob("N*_*.png")))] if (out / "networks").is_dir() else [*OUTPUT_FILES]
    found = sorted({n for n in (*names, *listed) if (out / n).is_file()})
    store_file = out / DEFAULT_STORE
    keep_r = keep.resolve() if keep is not None else None
    if keep_r is not None:
        found = [n for n in found if (out / n).resolve() != keep_r]
    for stale in out.glob(".cibwatch-run-*"):  # the staging directory of a killed run
        shutil.rmtree(stale, ignore_errors=True)
    old_store = (fresh_store and store_file.exists()
                 and (keep_r is None or store_file.resolve() != keep_r))
    if old_store and earlier is None and not found and _resumable(store_file, inputs or []):
        return out
    if not found and not old_store:
        return out
    foreign = [n for n in found if n not in listed]
    if old_store and _store_sources(store_file) is None:
        foreign.append(DEFAULT_STORE)
    if foreign:
        raise OutputError(
            f"{{out}} {out} holds {', '.join(foreign)}, which a run would write over and no "
            "cibwatch run in it wrote",
            remedy="choosing another {out} ({overwrite} removes only the files an earlier run "
            "listed in its run.json)", parameters=("out", "overwrite"))
    if not overwrite:
        shown = ", ".join([*found[:6], *(["..."] if len(found) > 6 else []),
                           *([DEFAULT_STORE] if old_store else [])])
        raise OutputError(
            f"{{out}} {out} already holds the results of an earlier run ({shown}); they are "
            "not removed or mixed with new ones",
            remedy="choosing another {out}, or passing {overwrite} to replace them (only the "
            "files that run listed in its run.json, and its store.duckdb, are removed)",
            parameters=("out", "overwrite"))
    for n in found:
        (out / n).unlink()
    if old_store:
        for p in (store_file, Path(str(store_file) + ".wal")):
            if p.exists():
                p.unlink()
    return out


def write_outputs(
    store: Store,
    result: DetectResult,
    out: str | Path,
    *,
    graphml: bool = False,
    inputs: list[str] | None = None,
    pictures: int = 10,
    expansion: dict[str, Any] | None = None,
) -> OutputPaths:
    """Write the output directory of a detection run (see the module docstring). For an
    expansion (``expansion``: its seeds and hops, :meth:`cibwatch.expand.ExpandResult.as_dict`)
    ``accounts.csv`` also has each account's rank, confidence, hop, proximity and seed match,
    in rank order.

    The files are written to a staging directory in ``out`` and moved into place at the end;
    the files of an earlier run in ``out`` (listed in its ``run.json``) that this run does not
    write are removed, so that runs never mix (the command line asks first: see
    :func:`prepare_out`). Nothing else in ``out`` is touched."""
    final = Path(out)
    final.mkdir(parents=True, exist_ok=True)
    out = Path(tempfile.mkdtemp(prefix=".cibwatch-run-", dir=final))
    try:
        paths = _write_all(store, result, out, graphml=graphml, inputs=inputs,
                           pictures=pictures, expansion=expansion, final=final)
        written = _written(out)
        earlier = _earlier_run(final)
        for rel in (earlier[0] if earlier else []):
            if rel not in written and (final / rel).is_file():
                (final / rel).unlink()  # the earlier run's file this run does not write
        for rel in sorted(written, key=lambda r: r == "run.json"):  # run.json last
            (final / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(out / rel, final / rel)
    finally:
        shutil.rmtree(out, ignore_errors=True)

    def moved(p: Path | None) -> Path | None:
        return None if p is None else final / p.relative_to(out)

    return replace(paths, out=final, accounts=final / "accounts.csv",
                   networks=final / "networks.csv", edges=final / "edges.parquet",
                   summary=final / "summary.md", bounded_keys=final / "bounded_keys.csv",
                   run=final / "run.json", rejects=moved(paths.rejects),
                   graphml=moved(paths.graphml))


def _written(out: Path) -> list[str]:
    """Files under ``out``, relative, sorted."""
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())


def _write_all(
    store: Store,
    result: DetectResult,
    out: Path,
    *,
    graphml: bool,
    inputs: list[str] | None,
    pictures: int,
    expansion: dict[str, Any] | None,
    final: Path,
) -> OutputPaths:
    """The files of a run, written to ``out`` (the staging directory of ``final``)."""
    network_tables(store)
    findings = network_findings(store)
    run_sql = _literal(result.run_id)
    paths = OutputPaths(
        out=out,
        accounts=out / "accounts.csv",
        networks=out / "networks.csv",
        edges=out / "edges.parquet",
        summary=out / "summary.md",
        bounded_keys=out / "bounded_keys.csv",
        run=out / "run.json",
        rejects=(out / "rejects.csv") if store.scalar("SELECT count(*) FROM rejects") else None,
        graphml=(out / "network.graphml") if graphml else None,
        pictures={},
    )
    with store.registered("net_text", _network_text(findings)):
        _copy_csv(
            store,
            f"""
            SELECT n.network_id, n.label, coalesce(a.assessment, 'coordinated') AS assessment,
                   coalesce(a.kind, 'coordination') AS kind, coalesce(a.score, 0.0) AS score,
                   n.size, n.platforms, a.strengths, a.utc_offset, a.clock, a.disarm,
                   n.n_edges, n.density,
                   n.mean_edge_weight, n.cohesion, n.n_coactions, n.n_keys, n.median_dt_s,
                   {_g('n.min_p')} AS p_value, {_g('n.max_q')} AS q_value,
                   round(n.evidence_sum, 1) AS evidence,
                   {_ts('n.first_ts')} AS first_coaction, {_ts('n.last_ts')} AS last_coaction,
                   t.traces, t.top_keys, n.found_by,
                   round(n.group_t, 1) AS group_excess, round(n.group_mean, 1) AS group_expected,
                   {_g('n.group_p')} AS group_p_value, {_g('n.group_q')} AS group_q_value,
                   n.n_items, n.n_group_links, t.reasons, {run_sql} AS run_id
            FROM net_stats n LEFT JOIN {assessments_sql(store)} a USING (network_id)
            LEFT JOIN net_text t USING (network_id)
            ORDER BY n.label
            """,
            paths.networks,
        )
    members = _member_text(member_findings(store, _flags(store)))
    with store.registered("member_text", members):
        _copy_csv(
            store,
            f"""
            SELECT s.platform, s.account_id, s.network_id, s.label,{_expansion_cols(expansion)}
                   coalesce(a.assessment, 'coordinated') AS assessment, s.handle, s.display_name,
                   s.attached, coalesce(f.repurposed, FALSE) AS repurposed, s.degree,
                   round(s.strength, 4) AS strength, s.n_posts, s.n_coacting_posts,
                   s.coaction_share, s.min_dt_s,
                   {_ts('s.first_ts')} AS first_coaction, {_ts('s.last_ts')} AS last_coaction,
                   s.traces, s.source, s.group_degree, s.group_posts, s.period_posts,
                   {_g('coalesce(s.best_p, s.attach_p, s.group_p)')} AS p_value,
                   {_g('coalesce(s.best_q, s.attach_q, s.group_q)')} AS q_value,
                   r.reasons, {run_sql} AS run_id
            FROM member_stats s LEFT JOIN {assessments_sql(store)} a USING (network_id)
            LEFT JOIN {_flags(store)} f USING (aid)
            LEFT JOIN member_text r USING (aid, network_id)
            {"LEFT JOIN expansion x USING (aid) ORDER BY x.rank" if expansion is not None
             else "ORDER BY s.label, s.platform, s.account_id"}
            """,
            paths.accounts,
        )
    _copy_csv(
        store,
        f"""
        SELECT trace, win AS window_s, key, n_actions, n_accounts, n_bounded_actions,
               {_ts('first_ts')} AS first_action, {_ts('last_ts')} AS last_action
        FROM bounded_keys ORDER BY trace, win, n_actions DESC, key
        """,
        paths.bounded_keys,
    )
    _write_edges(store, paths.edges, run_sql)
    if paths.rejects is not None:
        store.export_rejects(paths.rejects)
    if paths.graphml is not None:
        _write_graphml(store, paths.graphml)
    if pictures > 0:
        from .pictures import network_pictures

        paths.pictures.update(network_pictures(store, out, max_networks=pictures,
                                               seed=result.config.seed))
    run = _run_info(store, result, inputs or [])
    if expansion is not None:
        run["expansion"] = expansion
    from .summary import write_summary

    write_summary(store, result, run, paths, findings)
    run["outputs"] = sorted([*_written(out), "run.json"])
    if store.path is not None and store.path.parent.resolve() == final.resolve():
        run["store"] = store.path.name
    paths.run.write_text(json.dumps(run, indent=2, sort_keys=True, default=str) + "\n")
    return paths


def _network_text(findings: list[NetworkFindings]) -> pa.Table:
    """The text columns of ``networks.csv`` per network: ``traces``, ``top_keys`` and the
    ``reasons`` sentence, written from the findings (:mod:`cibwatch.summaries`)."""
    return pa.table({
        "network_id": pa.array([f.network_id for f in findings], pa.string()),
        "traces": pa.array([traces_text(f.traces) for f in findings], pa.string()),
        "top_keys": pa.array([top_items_text(f.top_items) for f in findings], pa.string()),
        "reasons": pa.array([render_reasons(f) for f in findings], pa.string()),
    })


def _member_text(members: list[MemberFindings]) -> pa.Table:
    """The ``reasons`` of ``accounts.csv`` per member, written from the findings."""
    return pa.table({
        "aid": pa.array([m.aid for m in members], pa.int64()),
        "network_id": pa.array([m.network_id for m in members], pa.string()),
        "reasons": pa.array([render_member_reasons(m) for m in members], pa.string()),
    })


def _expansion_cols(expansion: dict[str, Any] | None) -> str:
    if expansion is None:
        return ""
    return ("\n               x.rank, x.confidence, x.hop, x.proximity, x.seed,")


def _literal(value: str | None) -> str:
    """``value`` as an SQL string literal (NULL for None)."""
    return "CAST(NULL AS VARCHAR)" if value is None else "'" + value.replace("'", "''") + "'"


def _pair_rows(store: Store) -> pa.Table:
    """The rows of ``edges.parquet`` for the kept account pairs, in order, without the
    network and the run (``_aid_a``, ``_aid_b`` in their place, for :func:`_write_edges`).
    They depend only on the co-action stage's tables and the data, so a rerun with other
    network settings takes them back (:mod:`cibwatch.memo`, ``memo_edge_rows``): building
    the evidence lists is most of the cost of the file."""
    from .. import memo, significance

    sql = f"""
        WITH ev AS (
          SELECT x.trace, x.win, x.aid_a, x.aid_b,
                 list({{'post_id_a': qa.post_id, 'post_id_b': qb.post_id, 'key': x.v.key,
                        'dt_s': round(x.v.dt_s, 6)}} ORDER BY x.i) AS evidence
          FROM (SELECT trace, win, aid_a, aid_b, unnest(evidence) AS v,
                       generate_subscripts(evidence, 1) AS i
                FROM pairs p SEMI JOIN edges e USING (aid_a, aid_b)) x
          JOIN posts qa ON qa.pid = x.v.pid_a JOIN posts qb ON qb.pid = x.v.pid_b
          GROUP BY x.trace, x.win, x.aid_a, x.aid_b)
        SELECT aa.platform AS platform_a, aa.account_id AS account_id_a,
               ab.platform AS platform_b, ab.account_id AS account_id_b,
               p.trace, p.win AS window_s, p.n_coactions, p.n_keys, p.n_posts_a, p.n_posts_b,
               round(p.mean_dt_s, 6) AS mean_dt_s, round(p.min_dt_s, 6) AS min_dt_s,
               {_ts('p.first_ts')} AS first_coaction, {_ts('p.last_ts')} AS last_coaction,
               {_expected_cols(store)}
               e.weight, e.p_value AS pair_p_value, e.q_value AS pair_q_value,
               p.aid_a AS _aid_a, p.aid_b AS _aid_b, ev.evidence
        FROM pairs p
        JOIN edges e ON e.aid_a = p.aid_a AND e.aid_b = p.aid_b
        JOIN ev ON ev.trace = p.trace AND ev.win = p.win AND ev.aid_a = p.aid_a
               AND ev.aid_b = p.aid_b
        JOIN account_index aa ON aa.aid = p.aid_a
        JOIN account_index ab ON ab.aid = p.aid_b
        ORDER BY platform_a, account_id_a, platform_b, account_id_b, p.trace, p.win
        """
    content = memo.content_key(store)
    key = (memo.digest("edge_rows", memo.source_digest(sys.modules[__name__], significance),
                       sql, content)
           if content[-1] is not None else None)  # no co-action stage key: not remembered
    kept = memo.recall(store, "edge_rows", key) if key is not None else None
    if kept is not None:
        return kept
    t = store.arrow(sql)
    if "expected" in t.column_names:  # each test's own p-value, for the rows kept (few)
        lam = t.column("expected").to_numpy(zero_copy_only=False).astype(float)
        k = t.column("n_coactions").to_numpy().astype(float)
        p = np.where(np.isnan(lam), np.nan,
                     significance.poisson_upper_tail(k, np.nan_to_num(lam, nan=1.0)))
        t = t.set_column(t.column_names.index("p_value"), "p_value",
                         pa.array(p, pa.float64(), from_pandas=True))
    if key is not None:
        memo.remember(store, "edge_rows", key, t)
    return t


def _write_edges(store: Store, path: Path, run: str) -> None:
    """One row per kept account pair, trace and window: counts, timing, the test's expected
    count and p-value, the pair's combined p- and q-value, example evidence; ``run`` (an SQL
    literal) is the run's id."""
    t = _pair_rows(store)
    # the pair's network: that of its two accounts, when it is the same
    m = store.arrow("SELECT aid, network_id FROM members ORDER BY aid")
    m_aid = m.column("aid").to_numpy().astype(np.int64)
    m_net = m.column("network_id").combine_chunks()
    network = pa.nulls(t.num_rows, pa.string())
    if m_aid.shape[0] and t.num_rows:
        code = pc.dictionary_encode(m_net).indices.to_numpy()
        ia, ib = (np.minimum(np.searchsorted(m_aid, x), m_aid.shape[0] - 1)
                  for x in (t.column(c).to_numpy().astype(np.int64) for c in ("_aid_a", "_aid_b")))
        same = ((m_aid[ia] == t.column("_aid_a").to_numpy())
                & (m_aid[ib] == t.column("_aid_b").to_numpy()) & (code[ia] == code[ib]))
        network = pc.if_else(pa.array(same), pc.take(m_net, pa.array(ia)), network)
    t = t.drop_columns(["_aid_a", "_aid_b"])
    t = t.add_column(t.column_names.index("evidence"), "network_id", network.cast(pa.string()))
    run_id = store.scalar(f"SELECT {run}")
    t = t.append_column("run_id", pa.array([run_id] * t.num_rows, pa.string()))
    if store.table_exists("group_links"):
        g = store.arrow(
            f"""
            WITH ev AS (
              SELECT x.network_id, x.aid_a, x.aid_b, x.fam,
                     list({{'post_id_a': qa.post_id, 'post_id_b': qb.post_id, 'key': x.v.key,
                            'dt_s': round(x.v.dt_s, 6)}} ORDER BY x.i) AS evidence
              FROM (SELECT network_id, aid_a, aid_b, fam, unnest(evidence) AS v,
                           generate_subscripts(evidence, 1) AS i FROM group_links) x
              JOIN posts qa ON qa.pid = x.v.pid_a JOIN posts qb ON qb.pid = x.v.pid_b
              GROUP BY x.network_id, x.aid_a, x.aid_b, x.fam)
            SELECT aa.platform AS platform_a, aa.account_id AS account_id_a,
                   ab.platform AS platform_b, ab.account_id AS account_id_b,
                   'items:' || l.fam AS trace, CAST(NULL AS DOUBLE) AS window_s,
                   l.n_items AS n_coactions, l.n_items AS n_keys,
                   CAST(NULL AS BIGINT) AS n_posts_a, CAST(NULL AS BIGINT) AS n_posts_b,
                   round(l.mean_dt_s, 6) AS mean_dt_s,
                   round(list_min([x.dt_s FOR x IN l.evidence]), 6) AS min_dt_s,
                   {_ts('l.first_ts')} AS first_coaction, {_ts('l.last_ts')} AS last_coaction,
                   CAST(NULL AS DOUBLE) AS expected, CAST(NULL AS DOUBLE) AS p_value,
                   CAST(l.n_items AS DOUBLE) AS weight, CAST(NULL AS DOUBLE) AS pair_p_value,
                   CAST(NULL AS DOUBLE) AS pair_q_value, l.network_id, ev.evidence,
                   {run} AS run_id
            FROM group_links l JOIN ev USING (network_id, aid_a, aid_b, fam)
            JOIN account_index aa ON aa.aid = l.aid_a JOIN account_index ab ON ab.aid = l.aid_b
            """
        )
        if g.num_rows:
            g = g.cast(t.schema)
            t = pa.concat_tables([t, g])
            # the order of the keys alone, then the rows in it: Table.sort_by takes ten
            # times longer here (it moves the evidence lists while it sorts)
            keys = [(c, "ascending") for c in ("platform_a", "account_id_a", "platform_b",
                                               "account_id_b", "trace", "window_s")]
            t = t.take(pc.sort_indices(t.select([c for c, _ in keys]), sort_keys=keys))
    # one chunk per column: the bytes must not depend on how DuckDB batched the rows
    pq.write_table(t.combine_chunks(), path, compression="zstd")


def _flags(store: Store) -> str:
    if store.table_exists("account_flags"):
        return "account_flags"
    return "(SELECT CAST(NULL AS INTEGER) AS aid, FALSE AS repurposed WHERE FALSE)"


def _expected_cols(store: Store) -> str:
    """The per-test significance columns (absent when the run had no significance test)."""
    cols = {r[0] for r in store.fetchall(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'pairs'")}
    if "expected" in cols:
        return "round(p.expected, 9) AS expected, CAST(NULL AS DOUBLE) AS p_value,"
    return "CAST(NULL AS DOUBLE) AS expected, CAST(NULL AS DOUBLE) AS p_value,"


def _write_graphml(store: Store, path: Path) -> None:
    import igraph as ig

    nodes = store.arrow(
        """
        SELECT DISTINCT ai.aid, ai.platform, ai.account_id, coalesce(m.network_id, '') AS network_id
        FROM (SELECT aid_a AS aid FROM edges UNION SELECT aid_b FROM edges) x
        JOIN account_index ai USING (aid) LEFT JOIN members m USING (aid)
        ORDER BY ai.aid
        """
    ).to_pylist()
    index = {n["aid"]: i for i, n in enumerate(nodes)}
    edges = store.arrow(
        """
        SELECT e.aid_a, e.aid_b, e.weight, array_to_string(e.traces, ';') AS traces
        FROM edges e ORDER BY e.aid_a, e.aid_b
        """
    ).to_pylist()
    g = ig.Graph(n=len(nodes), edges=[(index[e["aid_a"]], index[e["aid_b"]]) for e in edges])
    g.vs["name"] = [xml_text(f"{n['platform']}:{n['account_id']}") for n in nodes]
    g.vs["platform"] = [xml_text(n["platform"]) for n in nodes]
    g.vs["account_id"] = [xml_text(n["account_id"]) for n in nodes]
    g.vs["network_id"] = [n["network_id"] for n in nodes]
    g.es["weight"] = [float(e["weight"]) for e in edges]
    g.es["traces"] = [e["traces"] for e in edges]
    g.write_graphml(str(path))


def _run_info(store: Store, result: DetectResult, inputs: list[str]) -> dict[str, Any]:
    sources = [
        {
            "path": s.path,
            "format": s.format,
            "kind": s.kind,
            "rows_read": s.rows_read,
            "rows_loaded": s.rows_loaded,
            "rows_rejected": s.rows_rejected,
            "conversions": dict(s.conversions),
        }
        for s in store.sources()
    ]
    return {
        "cibwatch_version": __version__,
        "run_id": result.run_id,
        "inputs": inputs,
        "sources": sources,
        "config": result.config.as_dict(),
        "counts": {
            "posts": result.n_posts,
            "accounts": result.n_accounts,
            "traces": result.trace_counts,
            "pairs": result.n_pairs,
            "edges": result.n_edges,
            "networks": result.n_networks,
            "members": result.n_members,
            "bounded_keys": result.n_bounded_keys,
            "rejected_records": int(
                store.scalar("SELECT count(DISTINCT (source_id, line)) FROM rejects "
                             "WHERE record_kind <> 'derived-account'")
            ),
        },
    }

