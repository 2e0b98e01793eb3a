"""How surprising is a pair's co-action? A null model per trace and window, and FDR control.

**Null model.** Two unrelated accounts act independently of each other. Take an action ``x`` of
account ``a`` on key ``k`` at time ``t``; let ``c(x)`` be the number of actions on ``k`` within
the window around ``t`` (all accounts). If ``b``'s ``n_b`` actions were drawn from the trace's
``N`` actions at random, each would land within the window of ``x`` on ``k`` with probability
``c(x) / N``, so the expected number of co-actions of ``a`` and ``b`` is
``n_b * C_a / N`` with ``C_a = sum of c(x) over a's actions``. Symmetrised::

    lambda_ab = (n_b * C_a + n_a * C_b) / (2 N)

The observed number of co-actions ``X_ab`` is compared with ``Poisson(lambda_ab)``:
``p = P(X >= X_ab)``. This is the configuration-model idea of comparing an observed overlap
with the overlap expected from each side's activity (e.g. the "hypergeometric/Poisson" nulls
of bipartite projections: Neal, "The backbone of bipartite projections", Social Networks
2014; Tumminello et al., "Statistically validated networks", PLoS ONE 2011), made time-aware:
``c(x)`` is large for a viral key in a burst (breaking news shared by hundreds within minutes)
and small for an item only an operation pushes, so the same co-action is weak evidence in the
first case and strong in the second; a very active account is expected to meet more.

Keys that are platform ids (reshares, replies) can only be shared by accounts of that
platform, so for those traces ``N``, ``n`` and ``c`` are counted within the platform: with one
global ``N``, accounts of a small platform would look far more alike than chance allows.

Per window, a pair's evidence is pooled over the traces: the observed count is the number of
distinct pairs of posts that co-act on any trace (a post's text and its link are one event,
not two), the expected count the sum over traces (which can only overstate the expectation of
distinct events: conservative). An operation's accounts meet on many traces a little each
(copypasta, its links, its images), and the pooled count is what stands out. Each trace's own p-value
is reported as well. The pair's p-value is the smallest over the windows tried, times their
number (Bonferroni: valid whatever the dependence between windows). The false discovery rate is controlled over **all** account
pairs that could co-act (``m = n (n - 1) / 2`` for the ``n`` accounts with actions; pairs that
never co-acted have ``p = 1``) with Benjamini and Hochberg's step-up procedure (JRSS B 1995).

Limits: co-actions of one pair are not independent events (a pair that shares one burst
shares its co-actions), so the Poisson tail is optimistic for repeated co-actions on one key;
the hot-key bound only removes co-actions (conservative). Measured false-positive rates are in
docs/EVALUATION.md.

**Window from the data** (``--window auto``): CooRnet's rule (Giglietto, Righetti, Rossi and
Marino, "It takes a village to manipulate the media", Information, Communication & Society
2020; ``estimate_coord_interval``): among keys acted on more than once, take those whose second
action came quickest (the fastest ``q`` = 10 % by time from the first action to the second);
for each, the time from its first action to the action that passes ``p`` = 50 % of its
actions; the window is the ``p`` quantile of those times.

Cost: one extra window-function pass per trace and window (the neighbour counts), one
aggregation per account, and a vectorised Poisson tail over the pairs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
from scipy.special import gammainc

from .engine import Backend, DuckDBBackend, dialect
from .engine.tables import select_list

if TYPE_CHECKING:
    from .store import Store

__all__ = [
    "add_members",
    "attach_communities",
    "attach_to_networks",
    "attach_round",
    "crowd_keys_sql",
    "poisson_upper_tail",
    "bh_sql",
    "account_activity_sql",
    "estimate_window_sql",
    "score_pairs",
]

#: -log10 p is capped here (p-values below 1e-300 are not distinguishable in doubles).
MAX_EVIDENCE = 300.0


def poisson_upper_tail(k: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """P(X >= k) for X ~ Poisson(lam); 1 where k <= 0. (The regularised lower incomplete gamma
    function P(k, lam) equals this tail for integer k >= 1.)"""
    k = np.asarray(k, dtype=float)
    lam = np.maximum(np.asarray(lam, dtype=float), 1e-300)
    out = np.ones_like(k)
    pos = k > 0
    out[pos] = gammainc(k[pos], lam[pos])
    return out


def crowd_keys_sql(actions: str, crowd: int) -> str:
    """Keys acted on by more than ``crowd`` distinct accounts: co-actions on them are not
    counted as evidence (see the module docstring)."""
    return f"SELECT key FROM {actions} GROUP BY key HAVING COUNT(DISTINCT aid) > {int(crowd)}"


def account_activity_sql(actions: str, ranked: str, platform_scoped: bool,
                         crowd_keys: str) -> str:
    """Per account: its actions ``n`` (all of them), the sum ``c`` of the window neighbour
    counts of those not on crowd keys (from ``ranked``), and its stratum: the population its
    actions are drawn from under the null (its platform, for a trace whose keys are platform
    ids: a Reddit account can only reshare Reddit posts)."""
    stratum = "ai.platform" if platform_scoped else "''"
    return f"""
        SELECT a.aid, a.n, coalesce(c.c, 0) AS c, a.stratum
        FROM (SELECT r.aid, COUNT(*) AS n, any_value({stratum}) AS stratum
              FROM {actions} r JOIN account_index ai ON ai.aid = r.aid GROUP BY r.aid) a
        LEFT JOIN (SELECT r.aid, CAST(SUM(r.nb) AS BIGINT) AS c FROM {ranked} r
                   ANTI JOIN {crowd_keys} ck ON ck.key = r.key GROUP BY r.aid) c USING (aid)
    """


def estimate_window_sql(actions: str, q: float = 0.1, p: float = 0.5,
                        dialect_name: str = "duckdb") -> str:
    """SQL giving CooRnet's coordination interval (seconds) of ``actions`` (see the module
    docstring); NULL when no key has two actions."""
    return f"""
        WITH r AS (
          SELECT key, ts, ROW_NUMBER() OVER (PARTITION BY key ORDER BY ts, pid) AS rk,
                 COUNT(*) OVER (PARTITION BY key) AS n,
                 MIN(ts) OVER (PARTITION BY key) AS first_ts
          FROM {actions}),
        second AS (SELECT key, ts - first_ts AS d2 FROM r WHERE rk = 2),
        quick AS (SELECT key FROM second
                  WHERE d2 <= (SELECT {dialect.quantile_cont("d2", q, dialect_name)}
                               FROM second)),
        reach AS (
          SELECT r.key, MIN(r.ts - r.first_ts) AS d
          FROM r JOIN quick USING (key)
          WHERE CAST(r.rk AS DOUBLE) / r.n > {float(p)}
          GROUP BY r.key)
        SELECT {dialect.quantile_cont("d", p, dialect_name)} / 1e6 FROM reach
    """




#: Arrow types of the key columns of a p-value table (:func:`_poisson_table`).
_KEY_TYPES = {"aid_a": pa.int32(), "aid_b": pa.int32(), "win": pa.float64(),
              "network_id": pa.string()}


def _poisson_table(backend: Backend, select: str, out: str, keys: tuple[str, ...]) -> None:
    """The scratch table ``out(keys..., p)``: the Poisson upper tail P(X >= x) for the rows
    ``(keys..., x, lam)`` of ``select``, batch by batch (:meth:`Backend.map_batches`: memory
    does not grow with the number of rows; on Spark, on the executors)."""
    cols = ", ".join(f"{k}" for k in keys)
    schema = pa.schema([(k, _KEY_TYPES.get(k, pa.int64())) for k in keys] + [("p", pa.float64())])

    def tails(batch: pa.RecordBatch) -> pa.RecordBatch:
        p = poisson_upper_tail(batch.column("x").to_numpy().astype(float),
                               batch.column("lam").to_numpy(zero_copy_only=False).astype(float))
        return pa.RecordBatch.from_arrays([*(batch.column(k) for k in keys), pa.array(p)],
                                          names=[*keys, "p"])

    backend.map_batches(out, f"SELECT {cols}, x, lam FROM ({select}) AS s WHERE x > 0",
                        tails, schema)


#: Upper bounds of the buckets :func:`bh_sql` ranks p-values in: decades below 0.1 %, then
#: steps of 0.1 % up to 1 % and of 1 % up to 1 (and one bucket above, for anything else).
BH_BUCKETS: tuple[float, ...] = (
    *(10.0 ** -k for k in (300, 200, 100, 50, 30, 20, 15, 12, 10, 9, 8, 7, 6, 5, 4)),
    *(i / 1000 for i in range(1, 10)), *(i / 100 for i in range(1, 101)))


def bh_sql(p_table: str, keys: str, m: int, fdr: float, dialect_name: str = "duckdb") -> str:
    """Benjamini-Hochberg in SQL over ``p_table(keys..., p)`` among ``m`` hypotheses: rows
    ranked by p (ties by the keys, so the result is the same on every run), q the smallest
    ``p * m / rank`` from the row's rank on.

    Written so that no window spans the whole table (on Spark such a window is one task on
    one executor): the rows are put in buckets of p (:data:`BH_BUCKETS`, in the order of p), a
    row's rank is the rows of the buckets before it plus its rank in its bucket, and its q is
    the smaller of the minimum from it to its bucket's end and the minimum of the later
    buckets. The windows over the whole table are over the buckets' counts and minima (a row
    a bucket). The same ranks, products and minima as one window over everything: the same
    bits."""
    cases = " ".join(f"WHEN p <= {dialect.double(b)} THEN {i}" for i, b in enumerate(BH_BUCKETS))
    mult = int(m)
    return f"""
        WITH b AS (SELECT *, CASE {cases} ELSE {len(BH_BUCKETS)} END AS bk FROM {p_table}),
        sizes AS (SELECT bk, COUNT(*) AS n FROM b GROUP BY bk),
        starts AS (SELECT bk, CAST(coalesce(SUM(n) OVER (ORDER BY bk ROWS BETWEEN UNBOUNDED
                                     PRECEDING AND 1 PRECEDING), 0) AS BIGINT) AS start
                   FROM sizes),
        ranked AS (SELECT b.*, s.start + ROW_NUMBER() OVER (PARTITION BY b.bk
                                                            ORDER BY b.p, {keys}) AS rk
                   FROM b JOIN starts s ON s.bk = b.bk),
        inner_q AS (SELECT *, MIN(p * {mult} / rk) OVER (PARTITION BY bk ORDER BY rk DESC
                              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS q_in
                    FROM ranked),
        later AS (SELECT bk, MIN(q_min) OVER (ORDER BY bk DESC ROWS BETWEEN UNBOUNDED
                                              PRECEDING AND 1 PRECEDING) AS q_later
                  FROM (SELECT bk, MIN(p * {mult} / rk) AS q_min FROM ranked GROUP BY bk)
                       AS bm)
        SELECT {keys}, p AS p_value, LEAST(q, 1.0) AS q_value,
               LEAST(-{dialect.log10("GREATEST(p, 1e-300)", dialect_name)}, {MAX_EVIDENCE})
                 AS evidence,
               q <= {float(fdr)} AS significant
        FROM (SELECT i.*, CASE WHEN l.q_later IS NULL OR i.q_in <= l.q_later THEN i.q_in
                               ELSE l.q_later END AS q
              FROM inner_q i JOIN later l ON l.bk = i.bk) AS qq
    """


def score_pairs(backend: Backend, n_tests: int, fdr: float) -> None:
    """Fill ``expected`` of ``pairs`` (per trace and window; ``pairs`` is replaced) and build ``pair_scores(aid_a,
    aid_b, p_value, q_value, evidence, significant)``: per window, the pair's distinct
    co-acting post pairs (crowd keys left out) against its expected co-actions summed over
    traces, one Poisson test; the pair's p-value is the smallest over windows times ``n_tests``
    (the number of distinct windows); its q-value comes from Benjamini-Hochberg over all
    possible pairs. Floating-point sums are ordered (by trace) so that results are the same
    bits on every run. Needs ``activity(trace, win, aid, n, c, stratum)``.
    """
    d = backend.dialect
    expected = ("CASE WHEN p.aid_a = p.aid_b THEN NULL ELSE "
                f"(b.n * a.c + a.n * b.c) / ({dialect.double(2)} * t.n_actions) END")
    backend.replace(
        "pairs",
        f"""
        SELECT {select_list("pairs", {"expected": expected}, prefix="p.", dialect_name=d)}
        FROM pairs p
        JOIN activity a ON a.trace = p.trace AND a.win = p.win AND a.aid = p.aid_a
        JOIN activity b ON b.trace = p.trace AND b.win = p.win AND b.aid = p.aid_b
        JOIN (SELECT trace, win, stratum, SUM(n) AS n_actions FROM activity
              GROUP BY trace, win, stratum) t
          ON t.trace = p.trace AND t.win = p.win AND t.stratum = a.stratum
        """
    )
    # expected co-actions over every trace run with the window (not only those where the
    # pair met): the observed count pools all of them
    lam = dialect.ordered_sum(
        f"(b.n * a.c + a.n * b.c) / ({dialect.double(2)} * t.n_actions)", "a.trace", d)
    per_win = f"""
        WITH x AS (
          SELECT aid_a, aid_b, win, COUNT(*) AS x
          FROM (SELECT DISTINCT aid_a, aid_b, win, pid_a, pid_b FROM coactions
                WHERE aid_a <> aid_b AND NOT crowd) AS d
          GROUP BY aid_a, aid_b, win),
        totals AS (
          SELECT trace, win, stratum, SUM(n) AS n_actions FROM activity
          GROUP BY trace, win, stratum)
        SELECT x.aid_a, x.aid_b, x.win, x.x, {lam} AS lam
        FROM x
        JOIN activity a ON a.aid = x.aid_a AND a.win = x.win
        JOIN activity b ON b.aid = x.aid_b AND b.win = x.win AND b.trace = a.trace
                       AND b.stratum = a.stratum
        JOIN totals t ON t.trace = a.trace AND t.win = a.win AND t.stratum = a.stratum
        GROUP BY x.aid_a, x.aid_b, x.win, x.x
    """
    _poisson_table(backend, per_win, "p_win", ("aid_a", "aid_b", "win"))
    n_acc = int(backend.scalar("SELECT COUNT(DISTINCT aid) FROM activity") or 0)
    m = max(1, n_acc * (n_acc - 1) // 2)
    backend.scratch("p_pair", f"""
        SELECT aid_a, aid_b, LEAST({dialect.double(1)}, MIN(p) * {max(1, n_tests)}) AS p
        FROM p_win GROUP BY aid_a, aid_b
        """)
    backend.replace("pair_scores", bh_sql("p_pair", "aid_a, aid_b", m, fdr, d))
    backend.drop("p_win")
    backend.drop("p_pair")


def add_members(store: Store, rows: str) -> None:
    """``members`` replaced by its rows and then the rows of the SELECT ``rows`` (the declared
    columns of ``members``), and ``networks`` counted again from it: how attachment and
    expansion grow networks without changing ``members`` in place."""
    backend = DuckDBBackend(store)
    cols = select_list("members", prefix="")
    backend.replace("members", f"SELECT {cols} FROM members UNION ALL ({rows})")
    backend.replace("networks",
                    "SELECT network_id, COUNT(*) AS size FROM members GROUP BY network_id")


def attach_to_networks(store: Store, n_tests: int, fdr: float, rounds: int = 3) -> int:
    """Repeat :func:`attach_round` until nothing more attaches (at most ``rounds`` times): an
    account attached in one round can carry the next (the sharers of an operation's videos
    are attached first, then the channel that published them). Returns the total attached."""
    total = 0
    for r in range(1, rounds + 1):
        n = attach_round(store, n_tests, fdr, r)
        total += n
        if n == 0:
            break
    return total


def attach_round(store: Store, n_tests: int, fdr: float, round_no: int = 1) -> int:
    """Accounts linked to a network as a whole: test each outside account against each network
    it co-acted with, pooling its co-actions with all the network's members (and the expected
    ones, with every member, met or not); attach it to its most significant network when the
    Benjamini-Hochberg q-value over all (account, network) possibilities is at most ``fdr``.
    Returns how many were attached.

    This is the same Poisson test as for pairs, at the level of an account and a group: an
    operation's peripheral accounts (the channel that publishes the videos the others share,
    a low-activity account) meet each member once or twice, too little for any one pair, but
    the sum over the network is not chance. Needs ``pairs`` and ``members``.
    """
    outside = "(SELECT DISTINCT aid FROM activity WHERE aid NOT IN (SELECT aid FROM members))"
    n_out = int(store.scalar(f"SELECT COUNT(*) FROM {outside}"))
    return _attach_units(store, f"(SELECT aid, aid AS unit FROM {outside})", n_out, "TRUE",
                         n_tests, fdr, round_no)


def attach_communities(store: Store, communities: str, network_id: str, n_tests: int,
                       fdr: float, round_no: int) -> int:
    """Whole communities linked to the group ``network_id`` of ``members``: the test of
    :func:`attach_round`, with a community of ``communities(aid, cid)`` (its accounts outside
    the group) in place of one account; Benjamini-Hochberg over the communities. The accounts
    of every community whose q-value is at most ``fdr`` join the group (``attached``, that
    community's p and q, ``attach_round = round_no``). Returns how many accounts joined.

    Used by seed expansion (:mod:`cibwatch.expand`): a few seeds that each meet an operation's
    core only a little (accounts that detection attaches to a network rather than links by
    pairs) are, together, linked to the community that is that core.
    """
    n_comm = int(store.scalar(f"SELECT COUNT(DISTINCT cid) FROM {communities}") or 0)
    units = (f"(SELECT aid, cid AS unit FROM {communities} "
             f"WHERE aid NOT IN (SELECT aid FROM members WHERE network_id = '{network_id}'))")
    return _attach_units(store, units, n_comm, f"network_id = '{network_id}'", n_tests, fdr,
                         round_no)


def _attach_units(store: Store, units: str, n_units: int, networks: str, n_tests: int,
                  fdr: float, round_no: int) -> int:
    """The attachment test: each unit of ``units(aid, unit)`` (one outside account, or a group
    of them) against each network of ``members`` selected by the condition ``networks``. Per
    unit, network and window: the distinct post pairs its accounts co-acted on with the
    network's members (crowd keys left out) against the co-actions expected between the
    unit's and the network's activity, pooled over traces (Poisson); a unit's p-value is its
    best network's smallest over the windows times ``n_tests``; Benjamini-Hochberg over
    ``n_units`` x networks. Every account of a unit with q <= ``fdr`` joins that network."""
    cand = f"""
        WITH mem AS (SELECT aid, network_id FROM members WHERE {networks}),
        u AS (SELECT * FROM {units}),
        events AS (   -- distinct post pairs with members, per window, over traces
          SELECT u.unit, m.network_id, c.win, COUNT(DISTINCT (c.pid_self, c.pid_other)) AS x
          FROM (SELECT aid_a AS aid, aid_b AS other, win, pid_a AS pid_self,
                       pid_b AS pid_other FROM coactions WHERE aid_a <> aid_b AND NOT crowd
                UNION ALL
                SELECT aid_b, aid_a, win, pid_b, pid_a FROM coactions
                WHERE aid_a <> aid_b AND NOT crowd) c
          JOIN u ON u.aid = c.aid JOIN mem m ON m.aid = c.other
          GROUP BY u.unit, m.network_id, c.win),
        totals AS (
          SELECT trace, win, stratum, SUM(n) AS n_actions FROM activity
          GROUP BY trace, win, stratum),
        ua AS (   -- per unit, trace, window and stratum: its accounts' n and c summed
          SELECT u.unit, a.trace, a.win, a.stratum, SUM(a.n) AS n_u, SUM(a.c) AS c_u
          FROM activity a JOIN u USING (aid) SEMI JOIN events e ON e.unit = u.unit
          GROUP BY u.unit, a.trace, a.win, a.stratum),
        net AS (   -- the same for each network's members
          SELECT m.network_id, a.trace, a.win, a.stratum, SUM(a.n) AS n_sum, SUM(a.c) AS c_sum
          FROM activity a JOIN mem m ON m.aid = a.aid
          GROUP BY m.network_id, a.trace, a.win, a.stratum),
        lam AS (   -- expected co-actions with all the network's members, met or not,
                   -- over every trace run with the window
          SELECT e.unit, e.network_id, e.win,
                 SUM((ua.c_u * n.n_sum + ua.n_u * n.c_sum) / (2.0 * t.n_actions)
                     ORDER BY ua.trace, ua.stratum) AS lam
          FROM events e
          JOIN ua ON ua.unit = e.unit AND ua.win = e.win
          JOIN net n ON n.network_id = e.network_id AND n.trace = ua.trace AND n.win = e.win
                    AND n.stratum = ua.stratum
          JOIN totals t ON t.trace = ua.trace AND t.win = e.win AND t.stratum = ua.stratum
          GROUP BY e.unit, e.network_id, e.win)
        SELECT l.unit, l.network_id, l.win, e.x, l.lam
        FROM lam l JOIN events e USING (unit, network_id, win)
    """
    _poisson_table(DuckDBBackend(store), cand, "p_cand", ("unit", "network_id", "win"))
    n_nets = int(store.scalar(f"SELECT COUNT(DISTINCT network_id) FROM members WHERE {networks}"))
    store.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE p_best AS
        SELECT unit, {dialect.arg_min("network_id", "p", "network_id")} AS network_id,
               LEAST(1.0, MIN(p) * {max(1, n_tests)}) AS p
        FROM (SELECT unit, network_id, MIN(p) AS p FROM p_cand GROUP BY unit, network_id)
        GROUP BY unit;
        CREATE OR REPLACE TEMP TABLE attach AS
        SELECT * FROM ({bh_sql('p_best', 'unit, network_id', max(1, n_units * n_nets), fdr)})
        WHERE significant;
        """
    )
    new = f"""
        SELECT u.aid, a.network_id, a.p_value, a.q_value FROM ({units}) u
        JOIN attach a USING (unit) WHERE u.aid NOT IN (SELECT aid FROM members)
    """
    n = int(store.scalar(f"SELECT count(*) FROM ({new})"))
    if n:
        add_members(store, f"""
            SELECT {select_list("members", {
                "aid": "aid", "network_id": "network_id", "attached": "TRUE",
                "attach_p": "p_value", "attach_q": "q_value",
                "attach_round": str(int(round_no)), "source": "'attached'"})}
            FROM ({new}) AS x ORDER BY aid""")
    store.execute("DROP TABLE IF EXISTS p_cand; DROP TABLE IF EXISTS p_best; "
                  "DROP TABLE IF EXISTS attach")
    return n
