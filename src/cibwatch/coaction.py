"""THE time-window join: actions -> co-actions -> account pairs. Every trace goes through it.

A *co-action* is a pair of actions with the same key, by different accounts (or by the same
account when self-loops are asked for, as the QUT toolkit counts them), whose times differ by at
most the window, inclusive: ``|t1 - t2| <= window``. Each unordered pair of actions is counted
once.

How it stays fast (docs/PEERS.md, "what the building blocks cost"): never "same key and
|dt| <= window" as a join condition, which compares every action of a popular key with every
other (10^12 comparisons at 1 M posts). Instead, time is cut into buckets of one window
(``tb = floor(ts / window)``) and an action joins, by equality, the actions of its key in its own
bucket and the previous one; ``0 <= dt <= window`` is then checked on that small set.

Hot keys (a viral URL shared by thousands within minutes) would still make the join quadratic
within a bucket. The bound, ``max_neighbours`` (M): each action pairs with at most the M actions
of the same key immediately before it in time (ties broken by post), i.e. with its most
synchronous predecessors. Actions are numbered per key (``rn``); an equality join on rank buckets
(``rb = floor((rn - 1) / M)``, own and previous) enforces ``rn_x - rn_y <= M``. Keys where the
bound took effect are reported (:func:`bounded_keys_sql`) with how many actions hit it. Below
the bound nothing changes: a key with at most M+1 actions in any window gives exactly the
unbounded result. ``max_neighbours=None`` turns the bound off (the peers' exact semantics).
Cost: O(n log n) for the numbering sort, then O(n * min(M, actions per window per key)).

The SQL uses only joins, GROUP BY, ROW_NUMBER and LAG over windows, CASE and arithmetic: the
same statements run on DuckDB and (through the Spark backend) on Spark SQL. The one
DuckDB-specific aggregate, ``min_by(x, k, n)`` for example evidence, is written by
:func:`cibwatch.engine.dialect.top_n_by` (:func:`evidence_agg`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .engine import dialect

__all__ = [
    "JoinSpec",
    "ranked_actions_sql",
    "coaction_sql",
    "bounded_keys_sql",
    "pair_stats_sql",
    "self_pair_posts_sql",
    "self_loop_pairs_sql",
    "participation_sql",
    "evidence_agg",
    "US",
]

#: Microseconds per second: action times are integer microseconds.
US = 1_000_000

def evidence_agg(n: int, dialect_name: str = "duckdb") -> str:
    """Example evidence per pair: the ``n`` most synchronous co-actions (smallest |dt|, then
    post ids and key: a total order, so the choice is deterministic), as a list of structs
    (:func:`cibwatch.engine.dialect.top_n_by`)."""
    return dialect.top_n_by(
        {"pid_a": "pid_a", "pid_b": "pid_b", "key": "key", "dt_s": f"dt / {dialect.double(US)}"},
        ("dt", "pid_a", "pid_b", "key"), n, dialect_name)


@dataclass(frozen=True)
class JoinSpec:
    """Parameters of the window join.

    Parameters
    ----------
    window_s:
        Largest time difference in seconds between the two actions of a co-action (inclusive).
    max_neighbours:
        Hot-key bound M (see the module docstring); ``None`` for no bound. The default, 200,
        keeps every pair on keys with at most 201 actions in any window and bounds the rest
        to linear cost; an operation of a few hundred accounts acting on one key within one
        window still gets every member 200 partners on that key.
    self_loops:
        Also pair two actions of the same account (QUT toolkit parity); off by default.
    """

    window_s: float = 60.0
    max_neighbours: int | None = 200
    self_loops: bool = False

    @property
    def window_us(self) -> int:
        return int(round(self.window_s * US))

    @property
    def bucket_us(self) -> int:
        """Width of a time bucket: the window (at least 1 us, so a 0 s window works)."""
        return max(1, self.window_us)


def ranked_actions_sql(actions: str, spec: JoinSpec, neighbours: bool = False) -> str:
    """Actions with their time bucket ``tb``, per-key rank ``rn`` and rank bucket ``rb``, plus
    ``lag_ts``: the time of the action M+1 places earlier (for the bound report), and, when
    ``neighbours``, ``nb``: how many other actions on the same key fall within the window
    around it (all of them, bound or not: what the significance test's null model needs)."""
    w = spec.bucket_us
    m = spec.max_neighbours
    order = "PARTITION BY key ORDER BY ts, pid"
    nb = (
        f"COUNT(*) OVER (PARTITION BY key ORDER BY ts RANGE BETWEEN {spec.window_us} PRECEDING "
        f"AND {spec.window_us} FOLLOWING) - 1"
        if neighbours else "CAST(0 AS BIGINT)"
    )
    if m is None:
        return f"""
            SELECT key, aid, pid, ts, variant, CAST(FLOOR(ts / {w}) AS BIGINT) AS tb,
                   CAST(0 AS BIGINT) AS rn, CAST(0 AS BIGINT) AS rb,
                   CAST(NULL AS BIGINT) AS lag_ts, {nb} AS nb
            FROM {actions}
        """
    return f"""
        SELECT key, aid, pid, ts, variant, CAST(FLOOR(ts / {w}) AS BIGINT) AS tb, rn,
               CAST(FLOOR((rn - 1) / {m}) AS BIGINT) AS rb, lag_ts, nb
        FROM (SELECT key, aid, pid, ts, variant,
                     ROW_NUMBER() OVER ({order}) AS rn,
                     LAG(ts, {m + 1}) OVER ({order}) AS lag_ts,
                     {nb} AS nb
              FROM {actions}) AS r
    """


def coaction_sql(ranked: str, spec: JoinSpec) -> str:
    """Co-actions from ranked actions (see :func:`ranked_actions_sql`).

    Columns: ``key, aid_a, pid_a, ts_a, aid_b, pid_b, ts_b, dt`` with ``aid_a <= aid_b`` (the
    pair's canonical order) and ``dt = |ts_a - ts_b|`` in microseconds.
    """
    w = spec.window_us
    m = spec.max_neighbours
    if m is None:
        offsets = "(VALUES (0, 0), (1, 0)) AS o(t_off, r_off)"
        order_ok = "(x.ts > y.ts OR (x.ts = y.ts AND x.pid > y.pid))"
        rank_ok = "TRUE"
    else:
        offsets = "(VALUES (0, 0), (1, 0), (0, 1), (1, 1)) AS o(t_off, r_off)"
        order_ok = "x.rn > y.rn"
        rank_ok = f"x.rn - y.rn <= {m}"
    loops = "x.aid <> y.aid" if not spec.self_loops else "x.pid <> y.pid"
    return f"""
        SELECT x.key,
               CASE WHEN x.aid <= y.aid THEN x.aid ELSE y.aid END AS aid_a,
               CASE WHEN x.aid <= y.aid THEN x.pid ELSE y.pid END AS pid_a,
               CASE WHEN x.aid <= y.aid THEN x.ts ELSE y.ts END AS ts_a,
               CASE WHEN x.aid <= y.aid THEN y.aid ELSE x.aid END AS aid_b,
               CASE WHEN x.aid <= y.aid THEN y.pid ELSE x.pid END AS pid_b,
               CASE WHEN x.aid <= y.aid THEN y.ts ELSE x.ts END AS ts_b,
               x.ts - y.ts AS dt
        FROM {ranked} AS x
        JOIN (SELECT r.*, r.tb + o.t_off AS jtb, r.rb + o.r_off AS jrb
              FROM {ranked} AS r CROSS JOIN {offsets}) AS y
          ON x.key = y.key AND x.tb = y.jtb AND x.rb = y.jrb
        WHERE {order_ok} AND {rank_ok} AND x.ts - y.ts <= {w} AND {loops}
          AND (x.variant IS NULL OR y.variant IS NULL OR x.variant <> y.variant)
    """


def bounded_keys_sql(ranked: str, spec: JoinSpec) -> str:
    """Keys where the hot-key bound took effect: actions, accounts, actions that hit it."""
    if spec.max_neighbours is None:
        return (
            "SELECT CAST(NULL AS STRING) AS key, 0 AS n_actions, 0 AS n_accounts, "
            "0 AS n_bounded_actions, CAST(NULL AS BIGINT) AS first_ts, "
            "CAST(NULL AS BIGINT) AS last_ts WHERE FALSE"
        )
    w = spec.window_us
    return f"""
        SELECT key, COUNT(*) AS n_actions, COUNT(DISTINCT aid) AS n_accounts,
               SUM(CASE WHEN ts - lag_ts <= {w} THEN 1 ELSE 0 END) AS n_bounded_actions,
               MIN(ts) AS first_ts, MAX(ts) AS last_ts
        FROM {ranked}
        WHERE key IN (SELECT key FROM {ranked} WHERE ts - lag_ts <= {w})
        GROUP BY key
    """


def pair_stats_sql(coactions: str, n_evidence: int = 5, dialect_name: str = "duckdb") -> str:
    """Per trace, window and account pair: counts, timing and the most synchronous examples.

    ``n_coactions`` (pairs of actions: CooRTweet's edge weight), ``n_keys`` (distinct keys),
    ``n_posts_a``/``n_posts_b`` (distinct posts of each account involved: the QUT toolkit's
    directed edge weights), ``mean_dt_s``/``min_dt_s``, first and last action times (us) and
    ``evidence``. Self-pairs get their post counts from :func:`self_pair_posts_sql`.
    """
    ev = evidence_agg(int(n_evidence), dialect_name)
    us = dialect.double(US)

    def distinct(x: str) -> str:
        return dialect.count_distinct(x, dialect_name)

    return f"""
        SELECT trace, win, aid_a, aid_b, COUNT(*) AS n_coactions, {distinct("key")} AS n_keys,
               {distinct("pid_a")} AS n_posts_a, {distinct("pid_b")} AS n_posts_b,
               AVG(dt) / {us} AS mean_dt_s, MIN(dt) / {us} AS min_dt_s,
               MIN(LEAST(ts_a, ts_b)) AS first_ts, MAX(GREATEST(ts_a, ts_b)) AS last_ts,
               {ev} AS evidence
        FROM {coactions}
        GROUP BY trace, win, aid_a, aid_b
    """


def self_pair_posts_sql(coactions: str) -> str:
    """For self-pairs (``aid_a = aid_b``): distinct posts of the account on either side, the
    QUT toolkit's weight of a self-loop."""
    return f"""
        SELECT trace, win, aid_a, COUNT(DISTINCT pid) AS n_posts
        FROM (SELECT trace, win, aid_a, pid_a AS pid FROM {coactions} WHERE aid_a = aid_b
              UNION ALL
              SELECT trace, win, aid_a, pid_b AS pid FROM {coactions} WHERE aid_a = aid_b) AS s
        GROUP BY trace, win, aid_a
    """


#: The columns of :func:`pair_stats_sql`, in order.
PAIR_COLUMNS = ("trace", "win", "aid_a", "aid_b", "n_coactions", "n_keys", "n_posts_a",
                "n_posts_b", "mean_dt_s", "min_dt_s", "first_ts", "last_ts", "evidence")


def self_loop_pairs_sql(pairs: str, coactions: str) -> str:
    """``pairs`` (rows of :func:`pair_stats_sql`) with the post counts of self-pairs taken
    from :func:`self_pair_posts_sql`: one pass, a left join on the pair's key (a self-pair
    has one row of posts per trace, window and account)."""
    cols = ", ".join(
        f"coalesce(s.n_posts, p.{c}) AS {c}" if c in ("n_posts_a", "n_posts_b") else f"p.{c}"
        for c in PAIR_COLUMNS)
    return f"""
        SELECT {cols}
        FROM ({pairs}) AS p
        LEFT JOIN ({self_pair_posts_sql(coactions)}) AS s
          ON p.trace = s.trace AND p.win = s.win AND p.aid_a = s.aid_a AND p.aid_b = s.aid_a
    """


def participation_sql(coactions: str, p: int) -> str:
    """CooRTweet's second participation filter: the co-actions of ``coactions`` one of whose
    accounts has at least ``p`` distinct actions among all co-actions. Cost: one aggregation
    and one pass over the co-actions."""
    return f"""
        WITH active AS (
          SELECT aid FROM (
            SELECT aid_a AS aid, trace, key, pid_a AS pid FROM {coactions}
            UNION SELECT aid_b, trace, key, pid_b FROM {coactions}) AS e
          GROUP BY aid HAVING COUNT(*) >= {int(p)})
        SELECT * FROM {coactions}
        WHERE NOT coalesce(aid_a NOT IN (SELECT aid FROM active)
                           AND aid_b NOT IN (SELECT aid FROM active), FALSE)
    """
