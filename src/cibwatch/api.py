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
store opened read-only. Bad arguments raise :class:`~cibwatch.errors.ConfigError` naming the
parameter (``run_id``, ``network_id``, ``limit``, ...); the command line and the case API map
them to their own terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from .engine import dialect
from .errors import ConfigError, NotInStoreError
from .runs import list_runs
from .store import Store

__all__ = ["NetworkSummary", "NetworkRow", "NetworkPage", "NetworkMember", "NetworkDetail",
           "PairRows",
           "list_runs", "list_networks", "locate_network", "network_summary", "pair_evidence"]


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
