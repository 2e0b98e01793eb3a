"""The co-action stage: from ``actions`` (and ``account_index``) to the fused ``edges``, on
any backend (:mod:`cibwatch.engine`), either in full or as an update of the tables an
earlier run left in the store.

**In full** (:func:`coaction_tables`): per trace and window, the window join
(:mod:`cibwatch.coaction`) gives ``coactions``, ``bounded_keys`` and the accounts'
``activity`` (what the significance test's null model needs); then ``pairs``, their
significance (``pair_scores``, :func:`cibwatch.significance.score_pairs`) and ``edges``.

**As an update** (:func:`update_coaction_tables`, ``cibwatch detect --incremental``): the
store still holds the earlier run's ``actions`` (renamed ``actions_prev``), ``coactions``,
``bounded_keys``, ``activity`` and ``windows``, made with the same co-action settings. Every
co-action, bound and neighbour count is a function of the actions of *one key* (the join is
an equi-join on the key; ranks, lags and window counts are partitioned by it), so only the
keys whose actions differ need joining again:

1. *changed keys*: per trace, the keys of the actions added or removed (anti joins both
   ways: new posts, and posts whose URLs or hashtags a later file merged in; and the keys of
   any action present twice over), the keys
   whose crowd status changed (the crowd size grows with the number of accounts), and every
   key of a trace whose estimated window moved;
2. the rows of the changed keys are taken out of ``coactions`` and ``bounded_keys`` and
   those keys' actions joined again, with the same statements as the full stage restricted
   to them;
3. ``activity`` (per account: actions ``n`` and window neighbours ``c``, integer sums over
   keys) is updated by difference: the changed keys' old contribution subtracted, their new
   one added;
4. ``pairs``, ``pair_scores`` and ``edges`` are made again from the co-actions in full: the
   test's expected counts use every account's activity and the trace totals, and
   Benjamini-Hochberg ranks every pair, so they change everywhere (a scan and a group-by,
   not a join).

The tables are then the same rows as a full run's on the same store (``tests/
test_incremental.py`` compares the outputs byte for byte). What is *not* updated: the
participation filter (``min_participation > 1``) counts over all co-actions, so such runs are
made in full; communities and group evidence are global optimisations and are always found
again on the whole graph (:func:`cibwatch.pipeline.detect`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .coaction import (
    JoinSpec,
    bounded_keys_sql,
    coaction_sql,
    pair_stats_sql,
    participation_sql,
    ranked_actions_sql,
    self_loop_pairs_sql,
)
from .engine import Backend, dialect
from .network import fused_edges_sql
from .progress import Reporter
from .significance import (
    account_activity_sql,
    crowd_keys_sql,
    estimate_window_sql,
    score_pairs,
)

if TYPE_CHECKING:
    from .pipeline import DetectConfig

__all__ = ["COACTION_OUTPUTS", "CROWD_MIN", "UPDATED_TABLES", "coaction_tables",
           "update_coaction_tables"]

#: Least crowd size when it is derived from the data (``crowd_accounts=None``).
CROWD_MIN = 50

#: The tables the co-action stage makes from ``actions`` (and ``account_index``), on whichever
#: engine runs it (:func:`coaction_tables`).
COACTION_OUTPUTS = ("participants", "windows", "coactions", "bounded_keys", "activity", "pairs",
                    "pair_scores", "edges")

#: The tables an update (:func:`update_coaction_tables`) starts from, besides the earlier
#: run's actions.
UPDATED_TABLES = ("coactions", "bounded_keys", "activity", "windows")

#: Estimated windows are kept between one second and one day.
_WINDOW_BOUNDS = (1.0, 86400.0)

#: No rows, typed as ``crowd_keys``.
_NO_KEYS = "SELECT CAST(NULL AS STRING) AS key WHERE FALSE"


def _clamp_window(est: Any) -> float:
    if est is None:
        return 60.0
    return float(min(max(float(est), _WINDOW_BOUNDS[0]), _WINDOW_BOUNDS[1]))


def _acts(table: str, trace: str) -> str:
    return f"(SELECT * FROM {table} AS s WHERE trace = '{trace}')"


def _only_changed(rows: str, trace: str) -> str:
    """The rows of ``rows`` on the changed keys of ``trace`` (the scratch ``changed_keys``)."""
    return (f"(SELECT * FROM {rows} AS x SEMI JOIN (SELECT key FROM changed_keys "
            f"WHERE trace = '{trace}') AS k ON k.key = x.key)")


def _crowd_size(backend: Backend, config: DetectConfig, source: str) -> int:
    return config.crowd_accounts or max(CROWD_MIN, math.ceil(
        config.crowd_share * int(backend.scalar(
            f"SELECT count(DISTINCT aid) FROM {source} AS s"))))


def _windows(backend: Backend, config: DetectConfig, trace: str,
             acts: str) -> tuple[tuple[float, ...], bool]:
    """The trace's windows (estimated from ``acts`` when the config leaves them open) and
    whether they were estimated."""
    windows = config.windows_for(trace)
    if windows is not None:
        return tuple(sorted(set(windows))), False
    est = backend.scalar(estimate_window_sql(acts, dialect_name=backend.dialect))
    return (_clamp_window(est),), True


def coaction_tables(backend: Backend, config: DetectConfig,
                    reporter: Reporter) -> dict[str, dict[str, Any]]:
    """From ``actions`` (and ``account_index``) on ``backend``: the window join's
    ``coactions``, ``bounded_keys``, ``activity`` and ``windows``, then ``pairs``, their
    significance (``pair_scores``) and the fused ``edges``. The same statements on every
    engine, written in the backend's dialect. Returns the per-trace counts."""
    counts, _ = _stage(backend, config, reporter, None)
    return counts


def update_coaction_tables(backend: Backend, config: DetectConfig, reporter: Reporter,
                           previous: dict[str, dict[str, Any]], actions_prev: str
                           ) -> tuple[dict[str, dict[str, Any]], dict[str, int]]:
    """The co-action tables of the earlier run (``previous``: its per-trace counts; its
    actions in ``actions_prev``) brought up to date with ``actions`` (module docstring):
    the same rows as :func:`coaction_tables` on ``actions``. Returns the per-trace counts
    and what the update did (actions added and removed, keys and actions joined again,
    co-actions kept and made)."""
    if config.min_participation > 1:
        raise ValueError("an update cannot apply the participation filter (min_participation)")
    counts, added = _stage(backend, config, reporter, (previous, actions_prev))
    assert added is not None
    return counts, added


def _changed_keys(backend: Backend,
                  previous: dict[str, dict[str, Any]], actions_prev: str,
                  plan: dict[str, tuple[tuple[float, ...], bool, int | None]],
                  whole: set[str]) -> None:
    """The scratch tables ``action_delta`` (the actions added, ``sign`` 1, and removed, -1)
    and ``changed_keys(trace, key)``: keys whose actions differ between ``actions_prev`` and
    ``actions``, keys whose crowd status changed, and every key of the traces in ``whole``."""
    same = ("x.pid = y.pid AND x.trace = y.trace AND x.key = y.key AND x.aid = y.aid "
            "AND x.ts = y.ts AND x.variant IS NOT DISTINCT FROM y.variant")
    backend.scratch("action_delta", f"""
        SELECT x.*, 1 AS sign FROM actions x ANTI JOIN {actions_prev} y ON {same}
        UNION ALL
        SELECT x.*, -1 AS sign FROM {actions_prev} x ANTI JOIN actions y ON {same}
        """)
    # an anti join compares sets: a key with an action twice over (rare) is taken as changed,
    # so that a change in how many times over is not missed
    parts = ["SELECT trace, key FROM action_delta", *(
        f"SELECT trace, key FROM {t} GROUP BY trace, key, aid, pid, ts, variant "
        "HAVING COUNT(*) > 1" for t in ("actions", actions_prev))]
    for trace, (_, _, crowd) in plan.items():
        old_crowd = previous[trace].get("crowd_accounts") if trace in previous else None
        if trace in whole or crowd == old_crowd:
            continue  # the status of a key whose actions did not change did not change
        new_keys = crowd_keys_sql(_acts("actions", trace), crowd) if crowd else _NO_KEYS
        old_keys = (crowd_keys_sql(_acts(actions_prev, trace), int(old_crowd))
                    if old_crowd else _NO_KEYS)
        parts.append(f"SELECT '{trace}' AS trace, key FROM (({new_keys}) EXCEPT ({old_keys})) "
                     "AS cn")
        parts.append(f"SELECT '{trace}' AS trace, key FROM (({old_keys}) EXCEPT ({new_keys})) "
                     "AS co")
    for trace in sorted(whole):
        for table in ("actions", actions_prev):
            parts.append(f"SELECT trace, key FROM {table} WHERE trace = '{trace}'")
    backend.scratch("changed_keys", "SELECT DISTINCT trace, key FROM ("
                    + " UNION ALL ".join(parts) + ") AS c")


def _stage(backend: Backend, config: DetectConfig, reporter: Reporter,
           update: tuple[dict[str, dict[str, Any]], str] | None
           ) -> tuple[dict[str, dict[str, Any]], dict[str, int] | None]:
    """:func:`coaction_tables` (``update`` None) or :func:`update_coaction_tables`."""
    d = backend.dialect
    if update is None:
        for name in UPDATED_TABLES:
            backend.create(name)
    source = "actions"
    if config.min_participation > 1:
        backend.materialise(
            "participants",
            f"SELECT aid FROM actions GROUP BY aid HAVING COUNT(*) >= {config.min_participation}")
        source = "(SELECT * FROM actions SEMI JOIN participants USING (aid))"
    crowd_used = _crowd_size(backend, config, source)
    # per trace: its windows, whether they were estimated, and its crowd size (None: no test)
    plan: dict[str, tuple[tuple[float, ...], bool, int | None]] = {}
    for trace in config.traces:
        windows, estimated = _windows(backend, config, trace.name,
                                      _acts(source, trace.name))
        plan[trace.name] = (windows, estimated, crowd_used if config.significance else None)
    added: dict[str, int] | None = None
    whole: set[str] = set()
    if update is not None:
        previous, actions_prev = update
        whole = {t for t, (w, _, _) in plan.items()
                 if t not in previous or tuple(previous[t]["windows_s"]) != w}
        with reporter.task("Finding the keys the new actions change", total=None):
            _changed_keys(backend, previous, actions_prev, plan, whole)
            added = {
                "actions_added": int(backend.scalar(
                    "SELECT count(*) FROM action_delta WHERE sign = 1")),
                "actions_removed": int(backend.scalar(
                    "SELECT count(*) FROM action_delta WHERE sign = -1")),
                "keys_changed": int(backend.scalar("SELECT count(*) FROM changed_keys")),
                "actions_rejoined": int(backend.scalar(
                    "SELECT count(*) FROM actions a SEMI JOIN changed_keys k "
                    "ON k.trace = a.trace AND k.key = a.key")),
                "traces_redone": len(whole),
            }
            for name in ("coactions", "bounded_keys"):
                backend.replace(name, f"SELECT c.* FROM {name} c ANTI JOIN changed_keys k "
                                "ON k.trace = c.trace AND k.key = c.key")
            if whole:
                names = ", ".join(f"'{t}'" for t in sorted(whole))
                for name in ("activity", "windows"):
                    backend.replace(name, f"SELECT * FROM {name} WHERE trace NOT IN ({names})")
            added["coactions_kept"] = int(backend.scalar("SELECT count(*) FROM coactions"))
    counts: dict[str, dict[str, Any]] = {}
    window_rows: list[str] = []  # the ``windows`` rows made again: one statement for all
    with reporter.task("Window join (co-actions)", total=len(config.traces)) as task:
        for trace in config.traces:
            windows, estimated, crowd = plan[trace.name]
            old = None
            if update is not None and trace.name not in whole:
                old = (update[1], update[0][trace.name].get("crowd_accounts"))
            else:  # (an update keeps the earlier rows of a trace it does not redo)
                window_rows += [f"('{trace.name}', {dialect.double(w)}, {estimated})"
                                for w in windows]
            _join_trace(backend, config, trace, windows, crowd, source, update is not None,
                        old)
            counts[trace.name] = {
                "windows_s": list(windows),
                "crowd_accounts": crowd,
                "window_estimated": estimated,
            }
            task.advance()
    backend.drop("crowd_keys")
    if window_rows:
        backend.append("windows", "SELECT * FROM (VALUES " + ", ".join(window_rows)
                       + ") AS w(trace, win, estimated)")
    # counted once for all traces: a statement per trace and count was a Spark job each
    for field, sql in (
            ("actions", "SELECT trace, count(*) FROM actions GROUP BY trace"),
            ("coactions", "SELECT trace, count(*) FROM coactions GROUP BY trace"),
            ("bounded_keys", "SELECT trace, count(*) FROM (SELECT DISTINCT trace, key "
                             "FROM bounded_keys) AS k GROUP BY trace")):
        _count_per_trace(backend, counts, field, sql)
    if update is not None:
        assert added is not None
        # the old contributions were added with negative counts: one row per account again
        backend.replace("activity", """
            SELECT trace, win, aid, CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(c) AS BIGINT) AS c,
                   MIN(stratum) AS stratum
            FROM activity GROUP BY trace, win, aid HAVING SUM(n) > 0
            """)
        backend.drop("crowd_keys_prev")
        backend.drop("changed_keys")
        backend.drop("action_delta")
        added["coactions"] = int(backend.scalar("SELECT count(*) FROM coactions"))
    if config.min_participation > 1:
        backend.replace("coactions", participation_sql("coactions", config.min_participation))
    _pairs_and_edges(backend, config, reporter, counts, d)
    return counts, added


def _join_trace(backend: Backend, config: DetectConfig, trace: Any,
                windows: tuple[float, ...], crowd: int | None, source: str,
                changed_only: bool, old: tuple[str, int | None] | None) -> None:
    """The window join of one trace, each of its windows: co-actions, bounded keys and
    activity (:func:`_stage` writes the ``windows`` rows, all traces' in one statement).
    With ``changed_only``, only the changed keys' actions are joined (an update); with
    ``old`` (the earlier run's actions table and crowd size), the changed keys' old
    contribution to ``activity`` is added with negative counts, which :func:`_stage` then
    sums away."""
    name = trace.name
    acts = _acts(source, name)
    backend.scratch("crowd_keys", crowd_keys_sql(acts, crowd) if crowd else _NO_KEYS)
    non_crowd = f"(SELECT * FROM {acts} AS a ANTI JOIN crowd_keys ck USING (key))"
    old_acts = old_non_crowd = ""
    if old is not None:
        old_acts = _acts(old[0], name)
        backend.scratch("crowd_keys_prev",
                        crowd_keys_sql(old_acts, old[1]) if old[1] else _NO_KEYS)
        old_non_crowd = (f"(SELECT * FROM {old_acts} AS a ANTI JOIN crowd_keys_prev ck "
                         "USING (key))")

    def pick(rows: str) -> str:
        return _only_changed(rows, name) if changed_only else rows

    for i, w in enumerate(windows):
        spec = JoinSpec(w, config.max_neighbours, config.self_loops)
        # The shortest window joins every action (all co-actions are evidence); longer
        # windows only serve the test, which leaves crowd keys out: so do they (on
        # popular keys a long window is what costs the most).
        joined = acts if i == 0 or not crowd else non_crowd
        win = dialect.double(w)
        backend.scratch("ranked", ranked_actions_sql(pick(joined), spec,
                                                     neighbours=config.significance))
        backend.append("coactions",
                       f"SELECT '{name}', {win}, c.*, ck.key IS NOT NULL "
                       f"FROM ({coaction_sql('ranked', spec)}) c "
                       "LEFT JOIN crowd_keys ck ON ck.key = c.key")
        backend.append("bounded_keys", f"SELECT '{name}', {win}, b.* "
                       f"FROM ({bounded_keys_sql('ranked', spec)}) AS b")
        backend.append("activity", f"SELECT '{name}', {win}, a.* FROM ("
                       + account_activity_sql(pick(acts), 'ranked', not trace.cross_platform,
                                              'crowd_keys') + ") AS a")
        if old is not None:
            old_joined = old_acts if i == 0 or not old[1] else old_non_crowd
            backend.scratch("ranked", ranked_actions_sql(pick(old_joined), spec,
                                                         neighbours=config.significance))
            backend.append("activity", f"SELECT '{name}', {win}, a.aid, -a.n, -a.c, a.stratum "
                           "FROM (" + account_activity_sql(
                               pick(old_acts), 'ranked', not trace.cross_platform,
                               'crowd_keys_prev') + ") AS a")
        backend.drop("ranked")


def _count_per_trace(backend: Backend, counts: dict[str, dict[str, Any]], field: str,
                     sql: str) -> None:
    """``counts[trace][field]`` for every trace of ``counts``: from ``sql``'s rows (a trace
    and its count), 0 for a trace it has no row for."""
    table = backend.arrow(sql)
    got = dict(zip(table.column(0).to_pylist(), table.column(1).to_pylist(), strict=True))
    for trace, row in counts.items():
        row[field] = int(got.get(trace) or 0)


def _pairs_and_edges(backend: Backend, config: DetectConfig, reporter: Reporter,
                     counts: dict[str, dict[str, Any]], d: str) -> None:
    """``pairs``, ``pair_scores`` and ``edges`` from ``coactions`` (and ``activity``)."""
    with reporter.task("Pairs, significance and edges", total=3) as task:
        pairs = pair_stats_sql("coactions", config.n_evidence, d)
        if config.self_loops:
            pairs = self_loop_pairs_sql(pairs, "coactions")
        # ``expected`` is filled by the significance test (significance.score_pairs)
        backend.materialise("pairs", f"SELECT p.*, CAST(NULL AS DOUBLE) AS expected "
                            f"FROM ({pairs}) AS p")
        _count_per_trace(backend, counts, "pairs", "SELECT trace, count(*) FROM ("
                         "SELECT DISTINCT trace, aid_a, aid_b FROM pairs) AS d GROUP BY trace")
        task.advance()
        if config.significance:
            n_windows = int(backend.scalar("SELECT count(DISTINCT win) FROM windows"))
            score_pairs(backend, n_windows, config.fdr)
        else:
            backend.materialise(
                "pair_scores",
                """
                SELECT aid_a, aid_b, CAST(NULL AS DOUBLE) AS p_value,
                       CAST(NULL AS DOUBLE) AS q_value, CAST(NULL AS DOUBLE) AS evidence,
                       TRUE AS significant
                FROM pairs GROUP BY aid_a, aid_b
                """
            )
        task.advance()
        backend.materialise(
            "edges",
            fused_edges_sql("pairs", "coactions", "pair_scores", config.weight,
                            config.min_weight_used, d),
        )
        task.advance()

