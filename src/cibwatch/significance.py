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

if TYPE_CHECKING:
    from .store import Store

__all__ = [
    "crowd_keys_sql",
    "poisson_upper_tail",
    "benjamini_hochberg",
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


def benjamini_hochberg(p: np.ndarray, m: int) -> np.ndarray:
    """BH q-values of ``p`` among ``m >= len(p)`` hypotheses (the others have p = 1)."""
    p = np.asarray(p, dtype=float)
    n = p.shape[0]
    if n == 0:
        return p.copy()
    m = max(int(m), n)
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, n + 1)
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(n)
    q[order] = np.minimum(q_sorted, 1.0)
    return q


def crowd_keys_sql(actions: str, crowd: int) -> str:
    """Keys acted on by more than ``crowd`` distinct accounts: co-actions on them are not
    counted as evidence (see the module docstring)."""
    return f"SELECT key FROM {actions} GROUP BY key HAVING COUNT(DISTINCT aid) > {int(crowd)}"


def account_activity_sql(ranked: str, platform_scoped: bool, crowd_keys: str) -> str:
    """Per account: its actions ``n``, the sum ``c`` of the window neighbour counts of those
    not on crowd keys, and its stratum: the population its actions are drawn from under the
    null (its platform, for a trace whose keys are platform ids: a Reddit account can only
    reshare Reddit posts)."""
    stratum = "ai.platform" if platform_scoped else "''"
    return f"""
        SELECT r.aid, COUNT(*) AS n,
               CAST(SUM(CASE WHEN ck.key IS NULL THEN r.nb ELSE 0 END) AS BIGINT) AS c,
               any_value({stratum}) AS stratum
        FROM {ranked} r JOIN account_index ai ON ai.aid = r.aid
        LEFT JOIN {crowd_keys} ck ON ck.key = r.key
        GROUP BY r.aid
    """


def estimate_window_sql(actions: str, q: float = 0.1, p: float = 0.5) -> str:
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
                  WHERE d2 <= (SELECT quantile_cont(d2, {float(q)}) FROM second)),
        reach AS (
          SELECT r.key, MIN(r.ts - r.first_ts) AS d
          FROM r JOIN quick USING (key)
          WHERE CAST(r.rk AS DOUBLE) / r.n > {float(p)}
          GROUP BY r.key)
        SELECT quantile_cont(d, {float(p)}) / 1e6 FROM reach
    """


def score_pairs(store: Store, n_tests: int, fdr: float) -> None:
    """Add ``expected`` and ``p_value`` to ``pairs`` (per trace and window); build
    ``pair_scores(aid_a, aid_b, p_value, q_value, evidence, significant)``: per window, the
    pair's co-actions and expected co-actions summed over traces give one Poisson test; the
    pair's p-value is the smallest over windows times ``n_tests`` (the number of distinct
    windows), and its q-value comes from Benjamini-Hochberg over all possible pairs.

    Needs ``activity(trace, win, aid, n, c, stratum)``; the null's ``N`` is the number of
    actions of the pair's stratum (the trace, or its platform for platform-scoped traces).
    """
    store.execute(
        """
        CREATE OR REPLACE TEMP TABLE lam AS
        SELECT p.trace, p.win, p.aid_a, p.aid_b, p.n_coactions,
               CASE WHEN p.aid_a = p.aid_b THEN NULL ELSE
               (b.n * a.c + a.n * b.c) / (2.0 * t.n_actions) END AS expected
        FROM pairs p
        JOIN activity a ON a.trace = p.trace AND a.win = p.win AND a.aid = p.aid_a
        JOIN activity b ON b.trace = p.trace AND b.win = p.win AND b.aid = p.aid_b
        JOIN (SELECT trace, win, stratum, SUM(n) AS n_actions FROM activity
              GROUP BY trace, win, stratum) t
          ON t.trace = p.trace AND t.win = p.win AND t.stratum = a.stratum
        """
    )
    t = store.arrow("SELECT trace, win, aid_a, aid_b, n_coactions, expected FROM lam")
    lam = t.column("expected").to_numpy(zero_copy_only=False)
    k = t.column("n_coactions").to_numpy().astype(float)
    self_pair = np.isnan(lam.astype(float))
    p = np.ones(t.num_rows)
    ok = ~self_pair
    p[ok] = poisson_upper_tail(k[ok], lam[ok].astype(float))
    scored = t.append_column("p_value", pa.array(p))
    with store.registered("scored", scored):
        store.execute(
            """
            ALTER TABLE pairs ADD COLUMN IF NOT EXISTS expected DOUBLE;
            ALTER TABLE pairs ADD COLUMN IF NOT EXISTS p_value DOUBLE;
            UPDATE pairs SET expected = s.expected, p_value = s.p_value FROM scored s
            WHERE pairs.trace = s.trace AND pairs.win = s.win AND pairs.aid_a = s.aid_a
              AND pairs.aid_b = s.aid_b;
            """
        )
    lam_win = _ordered_sums(
        store.arrow("SELECT aid_a, aid_b, win, expected FROM pairs WHERE aid_a <> aid_b "
                    "ORDER BY aid_a, aid_b, win, trace"),
        ("aid_a", "aid_b", "win"), "expected", "lam")
    with store.registered("lam_win", lam_win):
        per_win = store.arrow(
            """
            WITH x AS (
              SELECT aid_a, aid_b, win, COUNT(DISTINCT (pid_a, pid_b)) AS x FROM coactions
              WHERE aid_a <> aid_b AND NOT crowd GROUP BY aid_a, aid_b, win)
            SELECT aid_a, aid_b, win, coalesce(x.x, 0) AS x, l.lam
            FROM lam_win l LEFT JOIN x USING (aid_a, aid_b, win)
            ORDER BY aid_a, aid_b, win
            """
        )
    p_win = poisson_upper_tail(per_win.column("x").to_numpy().astype(float),
                               per_win.column("lam").to_numpy().astype(float))
    with store.registered("per_win", per_win.append_column("p", pa.array(p_win))):
        per_pair = store.arrow(
            "SELECT aid_a, aid_b, MIN(p) AS p_min FROM per_win GROUP BY aid_a, aid_b "
            "ORDER BY aid_a, aid_b")
    p_comb = np.minimum(1.0, per_pair.column("p_min").to_numpy() * max(1, n_tests))
    n_acc = int(store.scalar("SELECT COUNT(DISTINCT aid) FROM activity") or 0)
    m = n_acc * (n_acc - 1) // 2
    q = benjamini_hochberg(p_comb, m)
    evidence = np.minimum(-np.log10(np.maximum(p_comb, 1e-300)), MAX_EVIDENCE)
    scores = pa.table({
        "aid_a": per_pair.column("aid_a"), "aid_b": per_pair.column("aid_b"),
        "p_value": pa.array(p_comb), "q_value": pa.array(q), "evidence": pa.array(evidence),
        "significant": pa.array(q <= fdr),
    })
    with store.registered("scores_in", scores):
        store.execute("CREATE OR REPLACE TABLE pair_scores AS SELECT * FROM scores_in")


def _ordered_sums(t: pa.Table, keys: tuple[str, ...], value: str, out: str) -> pa.Table:
    """Sum ``value`` over runs of equal ``keys`` in a table sorted by them. Done here rather
    than in a parallel SQL aggregate so that the floating-point sums, and every p-value after
    them, are the same bits on every run (results must be reproducible to the byte)."""
    if t.num_rows == 0:
        return pa.table({**{k: t.column(k) for k in keys}, out: pa.array([], pa.float64())})
    cols = [t.column(k).to_numpy() for k in keys]
    change = np.zeros(t.num_rows, np.bool_)
    change[0] = True
    for c in cols:
        change[1:] |= c[1:] != c[:-1]
    starts = np.nonzero(change)[0]
    vals = t.column(value).to_numpy(zero_copy_only=False).astype(float)
    sums = np.add.reduceat(vals, starts)
    return pa.table({**{k: pa.array(c[starts]) for k, c in zip(keys, cols, strict=True)},
                     out: pa.array(sums)})


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
    ones); attach it to its most significant network when the Benjamini-Hochberg q-value over
    all (account, network) possibilities is at most ``fdr``. Returns how many were attached.

    This is the same Poisson test as for pairs, at the level of an account and a group: an
    operation's peripheral accounts (the channel that publishes the videos the others share,
    a low-activity account) meet each member once or twice, too little for any one pair, but
    the sum over the network is not chance. Needs ``pairs.expected`` and ``members``.
    """
    outside = "(SELECT aid FROM members)"
    exp = store.arrow(
        f"""
        WITH edge AS (
          SELECT aid_a AS aid, aid_b AS other, trace, win FROM pairs WHERE aid_a <> aid_b
          UNION ALL
          SELECT aid_b, aid_a, trace, win FROM pairs WHERE aid_a <> aid_b),
        obs AS (   -- the outside account's (trace, window) pairs with members
          SELECT DISTINCT e.aid, m.network_id, e.trace, e.win
          FROM edge e JOIN members m ON m.aid = e.other WHERE e.aid NOT IN {outside}),
        totals AS (
          SELECT trace, win, stratum, SUM(n) AS n_actions FROM activity
          GROUP BY trace, win, stratum),
        net AS (   -- per network, trace, window and stratum: its members' n and c summed
          SELECT m.network_id, a.trace, a.win, a.stratum, SUM(a.n) AS n_sum, SUM(a.c) AS c_sum
          FROM activity a JOIN members m ON m.aid = a.aid
          GROUP BY m.network_id, a.trace, a.win, a.stratum)
        -- expected co-actions with all the network's members, met or not
        SELECT o.aid, o.network_id, o.win, o.trace,
               (a.c * n.n_sum + a.n * n.c_sum) / (2.0 * t.n_actions) AS lam
        FROM obs o
        JOIN activity a ON a.aid = o.aid AND a.trace = o.trace AND a.win = o.win
        JOIN net n ON n.network_id = o.network_id AND n.trace = o.trace AND n.win = o.win
                  AND n.stratum = a.stratum
        JOIN totals t ON t.trace = o.trace AND t.win = o.win AND t.stratum = a.stratum
        ORDER BY o.aid, o.network_id, o.win, o.trace
        """
    )
    lam = _ordered_sums(exp, ("aid", "network_id", "win"), "lam", "lam")
    with store.registered("lam_net", lam):
        t = store.arrow(
            f"""
            WITH events AS (   -- distinct post pairs with members, per window, over traces
              SELECT c.aid, m.network_id, c.win,
                     COUNT(DISTINCT (c.pid_self, c.pid_other)) AS x
              FROM (SELECT aid_a AS aid, aid_b AS other, win, pid_a AS pid_self,
                           pid_b AS pid_other FROM coactions WHERE aid_a <> aid_b AND NOT crowd
                    UNION ALL
                    SELECT aid_b, aid_a, win, pid_b, pid_a FROM coactions
                    WHERE aid_a <> aid_b AND NOT crowd) c
              JOIN members m ON m.aid = c.other WHERE c.aid NOT IN {outside}
              GROUP BY c.aid, m.network_id, c.win)
            SELECT l.aid, l.network_id, l.win, e.x, l.lam
            FROM lam_net l JOIN events e USING (aid, network_id, win)
            ORDER BY l.aid, l.network_id, l.win
            """
        )
    if t.num_rows == 0:
        return 0
    p = poisson_upper_tail(t.column("x").to_numpy().astype(float),
                           t.column("lam").to_numpy().astype(float))
    with store.registered("cand", t.append_column("p", pa.array(p))):
        best = store.arrow(
            """
            SELECT aid, arg_min(network_id, (p, network_id)) AS network_id, MIN(p) AS p
            FROM (SELECT aid, network_id, MIN(p) AS p FROM cand GROUP BY aid, network_id)
            GROUP BY aid ORDER BY aid
            """
        )
    n_out = int(store.scalar(
        "SELECT COUNT(DISTINCT aid) FROM activity WHERE aid NOT IN (SELECT aid FROM members)"))
    n_nets = int(store.scalar("SELECT COUNT(*) FROM networks"))
    p_best = np.minimum(1.0, best.column("p").to_numpy() * max(1, n_tests))
    q = benjamini_hochberg(p_best, max(1, n_out * n_nets))
    keep = best.filter(pa.array(q <= fdr)).append_column(
        "q", pa.array(q[q <= fdr])).append_column("p_comb", pa.array(p_best[q <= fdr]))
    if keep.num_rows == 0:
        return 0
    with store.registered("attach", keep):
        store.execute("INSERT INTO members SELECT aid, network_id, TRUE, p_comb, q, ? FROM attach",
                      [round_no])
        store.execute("CREATE OR REPLACE TABLE networks AS "
                      "SELECT network_id, COUNT(*) AS size FROM members GROUP BY network_id")
    return keep.num_rows


__all__ += ["attach_to_networks", "attach_round"]
