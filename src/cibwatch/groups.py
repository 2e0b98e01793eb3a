"""Group-level evidence: networks whose members are each only weakly linked, but which, as a
group, act on the same items far beyond chance.

Why. An operation that pushes each message through a different few per cent of a large pool
of low-activity accounts (Spamouflage's "drops") gives almost every *pair* of its accounts one
or two co-actions: no pair passes a test with the false discovery rate controlled over all
pairs (:mod:`cibwatch.significance`), yet the group as a whole shares thousands of items that
nobody outside it posts. The same holds for template spam posted at random times and for slow
paraphrase networks that link to their own sites: no timing signal, but rare, exclusive items.
This module finds such groups, tests each one as a group, and lets accounts join a network by
their evidence with the group.

**Items.** Every action of every trace run (:mod:`cibwatch.traces`) becomes an *item
incidence* ``(family, item, account, post)``, without any time window: the same text (an exact
text and its near-duplicate cluster are one item, ``text``), URL (``url``) and, from the URLs,
their site (``domain``), hashtag sequence (``hashtag``), media (``media``), reshared post
(``reshare``) and replied-to post (``reply``). An item's *popularity* ``k`` is the number of
accounts on it; an account's *degree* the number of its incidences. The rarity of an item is
what makes it evidence: a 20-word text or a link to an obscure site used by 30 accounts and
nobody else says a lot about those 30; a headline posted by 400 accounts via a share button
does not. Rarity enters every step below through ``k``; there is no crowd limit.

**Null model.** A bipartite configuration model: each item's ``k`` places are filled by
incidences drawn at random from all incidences of its family on items of the same *stratum*
(the item's main platform: a Reddit post is reshared on Reddit; optionally its main language),
so every account keeps its activity and every item its popularity (Newman, Strogatz and Watts, "Random graphs with arbitrary degree
distributions", Phys. Rev. E 2001; for bipartite projections Neal, "The backbone of bipartite
projections", Social Networks 2014, and Saracco et al., "Inferring monopartite projections of
bipartite networks", New J. Phys. 2017). Under it, the number of members ``m`` of a group G on
an item of popularity ``k`` is Binomial(k, s), with ``s`` the group's share of the incidences
of the family and stratum. What the model leaves out (topics, friendships, finer audiences)
makes ordinary communities exceed it by a modest factor; the test allows for that
(``null_error``).

**1. Candidates.** The account x item graph is projected onto accounts with the resource
allocation weight (each account spreads one unit per item over its co-participants:
``sum 1 / (k - 1)``; Zhou, Lü and Zhang, "Predicting missing links via local information",
Eur. Phys. J. B 2009; OSoMe's bipartite projection, Pacheco et al., ICWSM 2021, uses TF-IDF for
the same purpose). On a popular item each account is paired with at most ``max_partners``
others (the nearest in a fixed hash order, each with weight ``1 / max_partners``): the hot-key
bound of :mod:`cibwatch.coaction`, applied before the join, so the cost is at most
``max_partners`` pairs per incidence and no item is thrown away. Each account then keeps
only its ``top_links`` strongest links (a k-nearest-neighbour sparsification: an operation's
members are each other's strongest links, an ordinary account's links are few and weak), which
bounds the graph at ``top_links`` edges per account. Leiden communities
(:func:`cibwatch.network.leiden_membership`) of this weak graph are the candidate groups; a
graph of more than ``driver_max_links`` links is split instead by label propagation where it
is (:func:`cibwatch.network.label_propagation`; what that costs in quality:
docs/EVALUATION.md). Every step of the search but Leiden and the tests' arithmetic is SQL on
one engine: the store's DuckDB, or Spark with ``--engine spark`` (:func:`search_inputs`).

**2. The group test, on held-out items.** Communities found on some data look dense on that
data whatever the truth (selection). So the items are split in two folds by a hash of the
item; candidates are found on one fold and tested on the other (cross-fitting: the tested
items played no part in choosing the group). The statistic is the number of member incidences
beyond the first on each item, ``T = sum_i max(m_i - 1, 0)`` over the held-out items; its
null mean and variance are sums over items of the Binomial(k, s) moments of ``max(m - 1, 0)``
(computed from the histogram of ``k``, so every item counts, not only those the group is on).
A second statistic counts the held-out items almost only members post on (at least
``exclusive`` of at least ``min_exclusive_k`` accounts), against the sum over items of
``P(Binomial(k, s) >= exclusive k)``: a group that posts much of its family's items (large
``s``, so each item's excess is small) still shows there. The group's p-value is twice the
smaller of the two (Bonferroni). Each p-value is the upper tail of a negative binomial with
the statistic's mean and variance (a Poisson
when the variance does not exceed the mean), the variance widened by ``(null_error *
mean)^2``: conservative for the over-dispersion of items that gather several members at once,
and for a null mean that is only right within a factor (measured on simulated organic
communities of thousands: observed/expected up to 1.5; operations: 3 to 100). Benjamini-Hochberg over all candidates of both folds at
the run's false discovery rate.

**3. Membership.** A tested group's accounts are then decided one by one, on all items (the
account's choice among groups is accounted for by testing it against every group, with
Benjamini-Hochberg over accounts x groups). An item is *the group's*, for an account on it,
when at least ``dominance`` (default one half) of the other accounts on it, and at least
``min_others`` (default 2), are members. The account's statistic is how many of its posts in
the group's active period carry at least one of the group's *own* items, ``Y`` of its ``d``
posts (an item is its own when, besides, so many members on it is beyond chance by itself:
:func:`own_items`);
under the null its posts are like random posts of the period, of which a share ``pi`` carry one
(computed over every account, members included: conservative), so ``p = P(Binomial(d, pi) >=
Y)``. "3 of its 3 posts were on the network's items; 1 post in 480 of the period is" is a
sentence a reviewer can check. Members that fail are dropped, outsiders that pass join; this is
repeated (``rounds``) until the membership is stable. Pair-level networks (Leiden on the
significant pairs) are candidate groups too, with no need of the fold test, and their members
keep their pair evidence.

Cost (n incidences, M = ``max_partners``): a sort of the incidences per item and fold, a join
of at most ``n M`` pairs and their aggregation, Leiden on the resulting weak graph (igraph,
about 1 s per million edges here), then grouped joins of the incidences with the candidate
memberships: linear in n per round. Measured times are in docs/BENCHMARKS.md.

Limits. Homophily (people who share interests share items) is not in the null; measured on the
simulated worlds the authentic groups' communities stay far below it (their ``T`` is under its
null mean) because the null's ``s`` of a large, diffuse community is large, but a small, closed
community with its own sources (a club sharing its own site) can pass the group test: the
assessment (:mod:`cibwatch.assess`) is what separates coordination from inauthenticity.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .engine import Backend, DuckDBBackend, dialect
from .engine.tables import STAGE_TABLES
from .errors import ConfigError
from .network import DRIVER_MAX_LINKS, communities, label_propagation, leiden_memberships
from .normalize import url_host_sql
from .store import Store

__all__ = ["GroupParams", "FAMILIES", "build_items", "find_groups", "tested_groups", "membership",
           "group_test", "candidate_groups", "group_links", "merge_groups", "linked_communities",
           "own_items", "search_inputs", "search_on",
           "ITEM_TABLES"]


def _stats() -> Any:
    """``scipy.stats``, imported when a test is first computed (importing it takes about a
    second, which commands that test nothing should not pay)."""
    from scipy import stats

    return stats

#: Item families and the traces they come from (``domain`` is derived from ``url``).
FAMILIES: Final[dict[str, tuple[str, ...]]] = {
    "text": ("text_exact", "text_near"),
    "url": ("url",),
    "domain": ("url",),
    "hashtag": ("hashtag_seq",),
    "media": ("media",),
    "reshare": ("reshare",),
    "reply": ("reply",),
}
#: Families whose items are platform ids: their null is counted within the platform.
PLATFORM_SCOPED: Final = ("reshare", "reply")

#: Tables this stage writes.
ITEM_TABLES: Final = ("items", "item_sizes", "group_candidates", "group_tests", "group_links",
                      "network_items")


@dataclass(frozen=True)
class GroupParams:
    """Parameters of the group-evidence stage.

    Parameters
    ----------
    families:
        Item families used (default all of :data:`FAMILIES`; a family whose trace did not run
        has no items).
    max_partners:
        On an item with more accounts than this, each account is paired with at most this
        many of them when candidates are proposed (default 30: an operation's drop through 30
        accounts is joined in full; the cost is at most this many pairs per incidence). The
        tests always use every incidence.
    top_links:
        Links kept per account in the weak graph of the candidate search (default 15).
    resolution:
        Leiden resolution of the candidate search (default 1.0, modularity).
    leiden_iterations:
        Most Leiden iterations of the candidate search (default 10; it stops earlier when an
        iteration changes nothing). Unbounded, a weak graph of 1.5 M links took 50 iterations
        and 25 times as long for 1 % more modularity; the candidates are only proposals, tested
        on held-out items.
    dominance, min_others, item_alpha:
        An item is a group's own, for an account on it, when at least ``dominance`` of the
        other accounts on it, and at least ``min_others`` of them, are members (defaults 0.5
        and 2), and that many members is beyond chance on its own: an upper Binomial tail of
        at most ``item_alpha`` (default 0.001) with the group's share widened by twice
        ``null_error`` (:func:`own_items`).
    rounds:
        Most rounds of the membership test (default 3; it stops when nothing changes).
    margin_days:
        A group's active period is the span of its items' posts, widened by this many days on
        each side (default 7); posts outside it do not count for or against an account (a
        repurposed account's past life keeps out of it).
    min_share:
        Least share of an account's posts in the period that must be on the group's items for
        it to join (default 0: the test alone decides).
    exclusive, min_exclusive_k:
        The second statistic of the group test counts the held-out items of at least
        ``min_exclusive_k`` accounts (default 3) of which at least ``exclusive`` (default 0.8)
        are members: it is what shows a group that posts a large share of its family's items
        (its ``s`` is large, so each item's excess is small, but items almost only it posts on
        are still far beyond chance). Families in which the group holds more than
        ``max_share`` (default one half) of the incidences say nothing there: every item of
        theirs is the group's by construction.
    strata:
        What the null is stratified by: the item's main ``platform`` (default) and/or main
        ``lang``. Language is off by default: an operation that writes most of the data's
        posts in its language would, within that language, look like chance (measured on the
        scenario family, docs/EVALUATION.md).
    null_error:
        Relative error allowed in the null's expected count of the group test (default 0.3):
        what the configuration model leaves out (topics, communities, the sub-populations
        items are drawn from beyond platform and language) makes large ordinary communities
        exceed their expectation by a modest factor (measured up to 1.5 on simulated organic
        communities, docs/EVALUATION.md); a group must exceed it by clearly more than that.
    """

    families: tuple[str, ...] = tuple(FAMILIES)
    max_partners: int = 30
    top_links: int = 15
    resolution: float = 1.0
    leiden_iterations: int = 10
    dominance: float = 0.5
    min_others: int = 2
    rounds: int = 3
    margin_days: float = 7.0
    min_share: float = 0.0
    null_error: float = 0.3
    exclusive: float = 0.8
    min_exclusive_k: int = 3
    max_share: float = 0.5
    item_alpha: float = 1e-3
    strata: tuple[str, ...] = ("platform",)

    def __post_init__(self) -> None:
        unknown = [f for f in self.families if f not in FAMILIES]
        if unknown:
            raise ConfigError(f"unknown item famil{'y' if len(unknown) == 1 else 'ies'} "
                              f"{unknown}", remedy="choosing from: " + ", ".join(FAMILIES))
        if self.max_partners < 1 or self.top_links < 1:
            raise ConfigError("max_partners and top_links must be at least 1")
        if not 0 < self.dominance <= 1:
            raise ConfigError("dominance must be in (0, 1]")
        if not set(self.strata) <= {"platform", "lang"}:
            raise ConfigError("strata must be drawn from: platform, lang")
        if self.min_others < 1 or self.rounds < 1 or self.leiden_iterations < 1:
            raise ConfigError("min_others, rounds and leiden_iterations must be at least 1")



#: Example evidence of a group link: its five most synchronous co-actions (as a pair's).
_GROUP_EVIDENCE = dialect.top_n_by(
    {"pid_a": "pid_a", "pid_b": "pid_b", "key": "item", "dt_s": "dt / 1e6"},
    ("dt", "pid_a", "pid_b", "item"), 5)

def _fam_list(params: GroupParams) -> str:
    return ", ".join(f"'{f}'" for f in params.families)


def _backend(where: Store | Backend) -> Backend:
    """The engine the candidate search runs on: a store's own DuckDB, or a backend (Spark)
    whose warehouse holds :func:`search_inputs`."""
    return DuckDBBackend(where) if isinstance(where, Store) else where


def search_inputs(store: Store) -> dict[str, str]:
    """What :func:`build_items`, :func:`find_groups` and :func:`membership` read, as SELECTs
    on the store: for an engine's warehouse (:meth:`cibwatch.engine.spark.SparkEngine.open`)."""
    inputs = {"actions": "SELECT * FROM actions",
              "account_index": "SELECT aid, platform FROM account_index",
              "posts": "SELECT pid, aid, created_at, lang FROM posts"}
    if store.table_exists("near_text"):
        inputs["near_text"] = "SELECT norm, rep FROM near_text"
    return inputs


@contextmanager
def search_on(store: Store, engine: Any = None, reporter: Any = None
              ) -> Iterator[Store | Backend]:
    """Where the search runs: the store itself, or with ``engine``
    (:class:`cibwatch.engine.spark.SparkEngine`) a backend whose warehouse holds
    :func:`search_inputs` (its tables are read back by the caller, ``engine.bring_back``)."""
    if engine is None:
        yield store
        return
    with engine.open(store, reporter, search_inputs(store)) as backend:
        yield backend


def build_items(where: Store | Backend, params: GroupParams | None = None) -> int:
    """``items(fam, item, aid, pid, ts, stratum)``: one row per post and item, from the run's
    ``actions`` (and ``near_text`` for the text family); ``item_sizes(fam, item, stratum, k,
    fold)``: each item's popularity and fold. Returns the number of incidences. ``where``: the
    store, or an engine holding :func:`search_inputs`."""
    params = params or GroupParams()
    backend = _backend(where)
    near = ("LEFT JOIN near_text nt ON nt.norm = a.key" if backend.has_table("near_text")
            else "LEFT JOIN (SELECT CAST(NULL AS STRING) AS norm, CAST(NULL AS STRING) AS rep "
                 "WHERE FALSE) nt ON nt.norm = a.key")
    parts = {
        "text": f"SELECT 'text' AS fam, coalesce(nt.rep, a.key) AS item, a.aid, a.pid, a.ts "
                f"FROM actions a {near} WHERE a.trace = 'text_exact' "
                f"UNION ALL SELECT 'text', key, aid, pid, ts FROM actions "
                f"WHERE trace = 'text_near'",
        "url": "SELECT 'url', key, aid, pid, ts FROM actions WHERE trace = 'url'",
        "domain": f"SELECT 'domain', {url_host_sql('key')}, aid, pid, ts "
                  "FROM actions WHERE trace = 'url'",
        "hashtag": "SELECT 'hashtag', key, aid, pid, ts FROM actions WHERE trace = 'hashtag_seq'",
        "media": "SELECT 'media', key, aid, pid, ts FROM actions WHERE trace = 'media'",
        "reshare": "SELECT 'reshare', key, aid, pid, ts FROM actions WHERE trace = 'reshare'",
        "reply": "SELECT 'reply', key, aid, pid, ts FROM actions WHERE trace = 'reply'",
    }
    union = " UNION ALL ".join(f"({parts[f]})" for f in params.families)
    scoped = ", ".join(f"'{f}'" for f in PLATFORM_SCOPED)
    del scoped  # every family is stratified by platform and language (below)
    backend.scratch(
        "_items",
        f"""
        SELECT DISTINCT t.fam, t.item, t.aid, t.pid, t.ts, ai.platform,
               coalesce(lower(p.lang), '') AS lang
        FROM ({union}) AS t JOIN account_index ai USING (aid) JOIN posts p ON p.pid = t.pid
        WHERE t.item IS NOT NULL AND t.item <> ''
        """
    )
    sql = backend.dialect
    backend.replace(
        "item_sizes",
        f"""
        WITH p AS (  -- an account is on one platform: k is the sum of the platforms' counts
          SELECT fam, item, platform, COUNT(*) AS n, COUNT(DISTINCT aid) AS k
          FROM _items GROUP BY fam, item, platform),
        s AS (
          SELECT fam, item,
                 {dialect.arg_max("platform", "n", "platform", dialect=sql)} AS platform,
                 CAST(SUM(k) AS BIGINT) AS k
          FROM p GROUP BY fam, item),
        l AS (
          SELECT fam, item, {dialect.arg_max("lang", "n", "lang", dialect=sql)} AS lang
          FROM (SELECT fam, item, lang, COUNT(*) AS n FROM _items GROUP BY fam, item, lang)
               AS c
          GROUP BY fam, item)
        SELECT s.fam, s.item,
               {"s.platform" if "platform" in params.strata else "''"} || '|' ||
               {"l.lang" if "lang" in params.strata else "''"} AS stratum, s.k,
               CAST({dialect.hex_prefix_int("s.fam || chr(31) || s.item", 8, sql)} % 2
                    AS INTEGER)
               AS fold
        FROM s JOIN l USING (fam, item)
        """
    )
    backend.replace(
        "items",
        """
        SELECT i.fam, i.item, i.aid, i.pid, i.ts, s.stratum
        FROM _items i JOIN item_sizes s USING (fam, item)
        """
    )
    backend.drop("_items")
    return int(backend.scalar("SELECT count(*) FROM items"))


def _incidence_sql(fold: int | None = None, table: str | None = None) -> str:
    """Distinct (account, item) incidences with the item's size and fold; with ``table``, the
    rows of ``fold`` of a table that holds every fold's already (:func:`find_groups` and
    :func:`membership` make it once, for the weak graphs, the group tests and every round,
    instead of once per statement)."""
    if table is not None:
        return (f"SELECT fam, item, stratum, aid, k, fold FROM {table}"
                + ("" if fold is None else f" WHERE fold = {int(fold)}"))
    where = "" if fold is None else f"WHERE s.fold = {int(fold)}"
    return f"""
        SELECT i.fam, i.item, i.stratum, i.aid, s.k, s.fold
        FROM (SELECT DISTINCT fam, item, stratum, aid FROM items AS d) i
        JOIN item_sizes s USING (fam, item) {where}
    """


def projection_sql(fold: int | None, max_partners: int, top_links: int,
                   incidence: str | None = None) -> str:
    """The weak account graph of the items of ``fold`` (all items when None): per pair, the
    resource-allocation weight (``incidence``: a table of the fold's incidences,
    :func:`_incidence_sql`). On an item of k accounts, account x is paired with the
    ``max_partners`` accounts after it in a fixed hash order (all of them when ``k - 1 <=
    max_partners``), each pair weighing ``1 / min(k - 1, max_partners)``.

    The weights are summed as integers (in units of ``1 / lcm(1..max_partners)``), so that
    the sum, and the links each account keeps, do not depend on the order in which a parallel
    engine adds them."""
    m = int(max_partners)
    unit = math.lcm(*range(1, m + 1))
    return f"""
        WITH inc AS (
          SELECT fam, item, aid, k,
                 ROW_NUMBER() OVER (PARTITION BY fam, item
                                    ORDER BY md5(CAST(aid AS STRING) || item), aid) - 1 AS rn
          FROM ({_incidence_sql(fold, incidence)}) AS c WHERE k >= 2),
        b AS (SELECT *, CAST(floor(rn / {m}) AS BIGINT) AS rb FROM inc),
        pairs AS (
          SELECT x.aid AS ax, y.aid AS ay,
                 CAST({unit} / LEAST(x.k - 1, {m}) AS BIGINT) AS w
          FROM b x JOIN (SELECT b.*, b.rb - o.off AS jrb FROM b
                         CROSS JOIN (VALUES (0), (1)) AS o(off)) y
            ON x.fam = y.fam AND x.item = y.item AND x.rb = y.jrb
          WHERE y.rn > x.rn AND y.rn - x.rn <= {m}),
        w AS (SELECT LEAST(ax, ay) AS aid_a, GREATEST(ax, ay) AS aid_b, SUM(w) AS iw
              FROM pairs GROUP BY 1, 2),
        ends AS (   -- each account's strongest links (ties by the other account)
          SELECT aid_a, aid_b, iw, ROW_NUMBER() OVER (PARTITION BY aid_a
                 ORDER BY iw DESC, aid_b) AS r FROM w
          UNION ALL
          SELECT aid_a, aid_b, iw, ROW_NUMBER() OVER (PARTITION BY aid_b
                 ORDER BY iw DESC, aid_a) FROM w)
        SELECT aid_a, aid_b, CAST(any_value(iw) AS DOUBLE) / {unit} AS weight FROM ends
        WHERE r <= {int(top_links)} GROUP BY aid_a, aid_b
    """


def candidate_groups(where: Store | Backend, fold: int | None, params: GroupParams,
                     min_size: int, seed: int, driver_max_links: int = DRIVER_MAX_LINKS
                     ) -> pa.Table:
    """Communities (of at least ``min_size`` accounts) of the weak graph of ``fold``:
    ``(aid, gid)``; Leiden, or label propagation for a graph of more than
    ``driver_max_links`` links (:func:`cibwatch.network.communities`)."""
    backend = _backend(where)
    backend.scratch("weak_graph", projection_sql(fold, params.max_partners, params.top_links))
    aids, labels = communities(backend, "weak_graph", resolution=params.resolution, seed=seed,
                               driver_max_links=driver_max_links,
                               max_iterations=params.leiden_iterations)
    backend.drop("weak_graph")
    return _candidates(aids, labels, min_size)


def _candidates(aids: np.ndarray, labels: np.ndarray, min_size: int) -> pa.Table:
    """``(aid, gid)`` of the communities ``labels`` of at least ``min_size`` accounts."""
    if labels.shape[0] == 0:
        return pa.table({"aid": pa.array([], pa.int32()), "gid": pa.array([], pa.int64())})
    sizes = np.bincount(labels)
    keep = sizes[labels] >= min_size
    return pa.table({"aid": pa.array(aids[keep], pa.int32()),
                     "gid": pa.array(labels[keep], pa.int64())})


def _excess_moments(k: np.ndarray, s: float) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of ``max(m - 1, 0)`` for ``m ~ Binomial(k, s)``."""
    p0 = (1.0 - s) ** k
    em = k * s
    mean = em - 1.0 + p0
    second = k * s * (1.0 - s) + (em - 1.0) ** 2 - p0  # E[(m-1)^2] - P(m = 0)
    return mean, np.maximum(second - mean ** 2, 0.0)


def excess_tail(t: float, mean: float, var: float, null_error: float = 0.0) -> float:
    """P(T >= t) for a count with ``mean`` and ``var`` whose mean is itself only known within
    a relative error ``null_error`` (its variance grows by ``(null_error * mean) ** 2``):
    negative binomial when over-dispersed, else Poisson."""
    var = max(var, mean) + (null_error * mean) ** 2
    if t <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    if var > mean * (1 + 1e-9):
        r = mean * mean / (var - mean)
        return float(_stats().nbinom.sf(t - 1, r, mean / var))
    return float(_stats().poisson.sf(t - 1, mean))


def _rows(backend: Backend, sql: str) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` as tuples (read as Arrow, from either engine)."""
    t = backend.arrow(sql)
    return list(zip(*(c.to_pylist() for c in t.columns), strict=True)) if t.num_rows else []


def group_test(where: Store | Backend, groups: pa.Table, fold: int | None,
               params: GroupParams, incidence: str | None = None
               ) -> dict[int, dict[str, float]]:
    """The group test (module docstring, step 2) of every group of ``groups(aid, gid)`` on the
    items of ``fold``: gid -> {t, mean, var, p}. The counts are made by the engine
    (``where``); only a few rows per group and family come back. ``incidence``: a table of
    the fold's incidences (:func:`_incidence_sql`)."""
    backend = _backend(where)
    fams = _fam_list(params)
    cond = "TRUE" if fold is None else f"s.fold = {int(fold)}"
    ex = float(params.exclusive)
    kx = int(params.min_exclusive_k)
    with backend.register("grp", groups.select(["aid", "gid"])) as grp:
        obs_rows = _rows(backend, f"""
            SELECT gid, fam, stratum, SUM(m - 1) AS t,
                   COUNT(*) FILTER (WHERE k >= {kx} AND m >= {ex} * k) AS x
            FROM (
              SELECT g.gid, i.fam, i.stratum, i.item, any_value(i.k) AS k, COUNT(*) AS m
              FROM ({_incidence_sql(fold, incidence)}) i JOIN {grp} g ON g.aid = i.aid
              WHERE i.fam IN ({fams}) GROUP BY g.gid, i.fam, i.stratum, i.item
              HAVING COUNT(*) >= 2) AS o
            GROUP BY gid, fam, stratum ORDER BY gid, fam, stratum
            """)
        shares = _rows(backend, f"""
            SELECT g.gid, i.fam, i.stratum, COUNT(*) AS n
            FROM ({_incidence_sql(fold, incidence)}) i
            JOIN {grp} g ON g.aid = i.aid WHERE i.fam IN ({fams})
            GROUP BY g.gid, i.fam, i.stratum ORDER BY g.gid, i.fam, i.stratum
            """)
    totals = {(f, s): int(n) for f, s, n in _rows(backend, f"""
        SELECT fam, stratum, COUNT(*) AS n FROM ({_incidence_sql(fold, incidence)}) AS c
        WHERE fam IN ({fams}) GROUP BY fam, stratum""")}
    hist: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
    rows = _rows(backend, f"""
        SELECT fam, stratum, k, COUNT(*) AS n FROM item_sizes s WHERE {cond} AND k >= 2
        AND fam IN ({fams}) GROUP BY fam, stratum, k ORDER BY fam, stratum, k""")
    for f, s, k, c in rows:
        hist.setdefault((f, s), (np.empty(0), np.empty(0)))
        ks, cs = hist[(f, s)]
        hist[(f, s)] = (np.append(ks, float(k)), np.append(cs, float(c)))
    mean: dict[int, float] = {}
    var: dict[int, float] = {}
    xmean: dict[int, float] = {}
    xvar: dict[int, float] = {}
    tested: set[tuple[int, str, str]] = set()
    for gid, f, s, n in shares:
        if (f, s) not in hist:
            continue
        ks, cs = hist[(f, s)]
        share = int(n) / totals[(f, s)]
        mu_k, v_k = _excess_moments(ks, share)
        mean[gid] = mean.get(gid, 0.0) + float((cs * mu_k).sum())
        var[gid] = var.get(gid, 0.0) + float((cs * v_k).sum())
        if share > params.max_share:  # the group posts most of this family: no test there
            continue
        tested.add((int(gid), f, s))
        big = ks >= kx
        px = _stats().binom.sf(np.ceil(ex * ks[big]) - 1, ks[big], share)
        xmean[gid] = xmean.get(gid, 0.0) + float((cs[big] * px).sum())
        xvar[gid] = xvar.get(gid, 0.0) + float((cs[big] * px * (1 - px)).sum())
    out: dict[int, dict[str, float]] = {}
    for gid in sorted(set(pc.unique(groups.column("gid")).to_pylist())):
        t = sum(float(r[3]) for r in obs_rows if r[0] == gid)
        x = sum(float(r[4]) for r in obs_rows if r[0] == gid and (int(gid), r[1], r[2]) in tested)
        mu = mean.get(gid, 0.0)
        v = max(var.get(gid, 0.0), mu)
        p_excess = excess_tail(t, mu, v, params.null_error)
        p_exclusive = excess_tail(x, xmean.get(gid, 0.0), xvar.get(gid, 0.0),
                                  params.null_error)
        out[int(gid)] = {"t": t, "mean": mu, "var": v, "x": x, "x_mean": xmean.get(gid, 0.0),
                         "p_excess": p_excess, "p_exclusive": p_exclusive,
                         "p": min(1.0, 2 * min(p_excess, p_exclusive))}
    return out


def _bh(p: np.ndarray, m: int) -> np.ndarray:
    """Benjamini-Hochberg q-values of ``p`` among ``m >= len(p)`` hypotheses."""
    n = p.shape[0]
    if n == 0:
        return p
    order = np.lexsort((np.arange(n), p))
    ranked = p[order] * m / np.arange(1, n + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.minimum(q, 1.0)
    return out


def find_groups(where: Store | Backend, params: GroupParams, *, min_size: int, fdr: float,
                seed: int, driver_max_links: int = DRIVER_MAX_LINKS) -> list[dict[str, Any]]:
    """Candidate groups of both folds that pass the group test on the other fold (BH over all
    candidates at ``fdr``): ``[{fold, gid, aids, t, mean, p, q}]``, strongest first. Also
    writes ``group_candidates(fold, gid, aid)`` and ``group_tests(fold, gid, size, t, mean,
    var, p, q, passed)``. A weak graph of more than ``driver_max_links`` links is split by
    label propagation on the engine (:func:`cibwatch.network.label_propagation`) instead of
    Leiden on the driver. ``where``: the store, or an engine (Spark) holding
    :func:`search_inputs` and :func:`build_items`' tables, where the weak graphs, the label
    propagation and the tests' counts then run."""
    found: list[dict[str, Any]] = []
    cand_tables = []
    backend = _backend(where)
    backend.scratch("incidence", _incidence_sql())  # once: the weak graphs and the tests
    for fold in (0, 1):
        backend.scratch(f"weak_graph_{fold}",
                        projection_sql(fold, params.max_partners, params.top_links,
                                       "incidence"))
    sizes = [int(backend.scalar(f"SELECT count(*) FROM weak_graph_{fold}")) for fold in (0, 1)]
    if max(sizes) > driver_max_links:
        parts = [label_propagation(backend, f"weak_graph_{fold}", resolution=params.resolution,
                                   seed=seed)[:2] for fold in (0, 1)]
    else:
        # the two folds' Leiden runs at the same time (one process each): the same
        # candidates as one after the other (candidate_groups), in half the time on two cores
        parts = leiden_memberships(
            [backend.arrow(f"SELECT * FROM weak_graph_{fold} ORDER BY aid_a, aid_b")
             for fold in (0, 1)],
            resolution=params.resolution, seed=seed, max_iterations=params.leiden_iterations)
    for fold in (0, 1):
        backend.drop(f"weak_graph_{fold}")
    for fold, (aids_f, labels_f) in zip((0, 1), parts, strict=True):
        cand = _candidates(aids_f, labels_f, min_size)
        if cand.num_rows == 0:
            continue
        res = group_test(backend, cand, 1 - fold, params, "incidence")
        cand_tables.append(cand.append_column("fold", pa.array([fold] * cand.num_rows,
                                                               pa.int32())))
        aids = cand.column("aid").to_numpy()
        gids = cand.column("gid").to_numpy()
        for gid, r in res.items():
            found.append({"fold": fold, "gid": gid, "aids": np.sort(aids[gids == gid]), **r})
    backend.drop("incidence")
    p = np.array([f["p"] for f in found])
    q = _bh(p, len(found))
    for f, qv in zip(found, q, strict=True):
        f["q"] = float(qv)
    cols = ("t", "mean", "var", "x", "x_mean", "p_excess", "p_exclusive", "p", "q")
    tests = pa.Table.from_pylist(
        [{"fold": f["fold"], "gid": f["gid"], "size": len(f["aids"]),
          **{c: float(f[c]) for c in cols}, "passed": f["q"] <= fdr} for f in found],
        schema=STAGE_TABLES["group_tests"])
    with backend.register("gt_rows", tests) as gt_rows:
        backend.replace("group_tests", f"SELECT fold, gid, size, {', '.join(cols)}, "
                        f"passed FROM {gt_rows} ORDER BY fold, gid")
    cands = (pa.concat_tables(cand_tables) if cand_tables else
             pa.table({"aid": pa.array([], pa.int32()), "gid": pa.array([], pa.int64()),
                       "fold": pa.array([], pa.int32())}))
    with backend.register("gc_rows", cands) as gc_rows:
        backend.replace("group_candidates",
                        f"SELECT fold, gid, aid FROM {gc_rows} ORDER BY fold, gid, aid")
    passed = [f for f in found if f["q"] <= fdr]
    passed.sort(key=lambda f: (f["p"], -len(f["aids"]), f["fold"], f["gid"]))
    return passed


def tested_groups(store: Store, fdr: float) -> list[dict[str, Any]]:
    """What :func:`find_groups` returned, read back from the ``group_tests`` and
    ``group_candidates`` it wrote: the candidates that passed at ``fdr``, in its order."""
    cols = ("t", "mean", "var", "x", "x_mean", "p_excess", "p_exclusive", "p", "q")
    tests = store.arrow(f"SELECT fold, gid, {', '.join(cols)} FROM group_tests "
                        f"WHERE q <= {float(fdr)!r} ORDER BY fold, gid").to_pylist()
    cands = store.arrow("SELECT fold, gid, aid FROM group_candidates ORDER BY fold, gid, aid")
    key = (cands.column("fold").to_numpy().astype(np.int64) << 40) + cands.column("gid").to_numpy()
    aids = cands.column("aid").to_numpy()
    passed = []
    for r in tests:
        k = (int(r["fold"]) << 40) + int(r["gid"])
        lo, hi = np.searchsorted(key, k, "left"), np.searchsorted(key, k, "right")
        passed.append({"fold": int(r["fold"]), "gid": int(r["gid"]), "aids": aids[lo:hi].copy(),
                       **{c: float(r[c]) for c in cols}})
    passed.sort(key=lambda f: (f["p"], -len(f["aids"]), f["fold"], f["gid"]))
    return passed


def merge_groups(groups: list[np.ndarray], min_overlap: float = 0.5
                 ) -> tuple[list[np.ndarray], list[int]]:
    """Union groups that share at least ``min_overlap`` of the larger one's accounts: the same
    operation found on both folds, or by pairs and by the group test. (A small group inside a
    large one stays apart: the membership test then gives each account to the group its
    evidence fits best.) Returns the merged groups and, per input group, its merged index."""
    n = len(groups)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            a, b = groups[i], groups[j]
            big = max(len(a), len(b))
            if big and np.intersect1d(a, b, assume_unique=True).shape[0] >= min_overlap * big:
                parent[find(j)] = find(i)
    roots = sorted({find(i) for i in range(n)})
    pos = {r: j for j, r in enumerate(roots)}
    index = [pos[find(i)] for i in range(n)]
    merged = [np.unique(np.concatenate([groups[i] for i in range(n) if index[i] == j]))
              for j in range(len(roots))]
    return merged, index


def membership(where: Store | Backend, groups: list[np.ndarray], params: GroupParams,
               fdr: float, fixed: dict[int, int] | None = None
               ) -> tuple[dict[int, int], dict[int, dict[str, Any]]]:
    """Decide every account's membership of ``groups`` (module docstring, step 3), repeating
    until stable (at most ``params.rounds`` times). ``fixed``: accounts whose group is given
    (pair-level members: aid -> group index), kept whatever their test says.

    Returns ``(assignment, evidence)``: aid -> group index, and per assigned account its test
    (``y`` posts on the group's items of ``d`` in the period, ``pi``, ``p``, ``q``). The
    counts of every round are made on ``where`` (the store, or an engine holding
    :func:`search_inputs` and the items); the tests on the driver."""
    backend = _backend(where)
    fixed = dict(fixed or {})
    current = [np.asarray(g, dtype=np.int64) for g in groups]
    assign: dict[int, int] = dict(fixed)
    evidence: dict[int, dict[str, Any]] = {}
    n_accounts = int(backend.scalar("SELECT count(DISTINCT aid) FROM items") or 0)
    backend.scratch("incidence", _incidence_sql())  # once for every round's own items
    for _ in range(params.rounds):
        rows = _member_rows(backend, current, params, "incidence")
        if rows.num_rows == 0:
            break
        gid = rows.column("gid").to_numpy()
        aid = rows.column("aid").to_numpy()
        y = rows.column("y").to_numpy().astype(float)
        d = rows.column("d").to_numpy().astype(float)
        pi = rows.column("pi").to_numpy().astype(float)
        p = _stats().binom.sf(y - 1, d, pi)
        if params.min_share > 0:
            p = np.where(y / np.maximum(d, 1) >= params.min_share, p, 1.0)
        q = _bh(p, max(len(p), n_accounts * max(1, len(current))))
        best: dict[int, tuple[float, int, int]] = {}
        for i in np.lexsort((gid, p)):
            a = int(aid[i])
            if a in best or q[i] > fdr:
                continue
            best[a] = (float(p[i]), int(gid[i]), int(i))
        new_assign = {a: g for a, (_, g, _) in best.items()}
        for a, g in fixed.items():
            new_assign[a] = g
        new_groups = [np.array(sorted(a for a, g in new_assign.items() if g == k), np.int64)
                      for k in range(len(current))]
        evidence = {a: {"y": int(y[i]), "d": int(d[i]), "pi": float(pi[i]),
                        "p": float(p[i]), "q": float(q[i])} for a, (_, _, i) in best.items()}
        stable = new_assign == assign
        assign = new_assign
        current = new_groups
        if stable:
            break
    backend.drop("incidence")
    return assign, evidence


def own_items(where: Store | Backend, groups: list[np.ndarray], params: GroupParams,
              incidence: str | None = None) -> pa.Table:
    """The items that are each group's own: ``(gid, fam, item, k, m, member_ok,
    outsider_ok)``. For an account on the item, the others on it are ``m - 1`` members (if it
    is one) or ``m``; the item is the group's for it when at least ``min_others`` and at
    least ``dominance`` of the others are members **and** that many members on an item of
    ``k`` accounts is beyond chance by itself: an upper Binomial(k - 1, s') tail of at most
    ``item_alpha``, with ``s'`` the group's share of the family's incidences (its stratum)
    widened by twice ``null_error``. Without that last condition a large, diffuse group (a
    community holding a third of the data) would "own" every ordinary item by its size.
    ``incidence``: a table of every fold's incidences (:func:`_incidence_sql`)."""
    gids = np.concatenate([np.full(len(g), i, np.int64) for i, g in enumerate(groups)]) \
        if groups else np.empty(0, np.int64)
    aids = np.concatenate(groups) if groups else np.empty(0, np.int64)
    grp = pa.table({"gid": pa.array(gids, pa.int64()), "aid": pa.array(aids, pa.int32())})
    fams = _fam_list(params)
    backend = _backend(where)
    with backend.register("ogrp", grp) as ogrp:
        rows = backend.arrow(
            f"""
            WITH inc AS (SELECT fam, item, stratum, aid FROM ({_incidence_sql(None, incidence)})
                         AS c WHERE fam IN ({fams})),
            share AS (
              SELECT g.gid, i.fam, i.stratum, COUNT(*) / any_value(t.n) AS s
              FROM inc i JOIN {ogrp} g USING (aid)
              JOIN (SELECT fam, stratum, COUNT(*) AS n FROM inc GROUP BY 1, 2) t
                USING (fam, stratum)
              GROUP BY 1, 2, 3),
            gi AS (
              SELECT g.gid, i.fam, i.stratum, i.item, COUNT(*) AS m
              FROM inc i JOIN {ogrp} g USING (aid) GROUP BY 1, 2, 3, 4
              HAVING COUNT(*) >= {int(params.min_others)})
            SELECT gi.gid, gi.fam, gi.item, sz.k, gi.m, sh.s
            FROM gi JOIN item_sizes sz ON sz.fam = gi.fam AND sz.item = gi.item
            JOIN share sh ON sh.gid = gi.gid AND sh.fam = gi.fam AND sh.stratum = gi.stratum
            WHERE sz.k >= 2
            ORDER BY 1, 2, 3
            """)
    k = rows.column("k").to_numpy().astype(float)
    m = rows.column("m").to_numpy().astype(float)
    s = np.minimum(1.0, rows.column("s").to_numpy().astype(float)
                   * (1.0 + 2.0 * float(params.null_error)))
    ok = []
    for others in (m - 1, m):  # for a member, for an outsider
        tail = _stats().binom.sf(others - 1, k - 1, s)
        ok.append((others >= params.min_others) & (others >= params.dominance * (k - 1))
                  & (tail <= params.item_alpha))
    return pa.table({"gid": rows.column("gid"), "fam": rows.column("fam"),
                     "item": rows.column("item"), "k": rows.column("k"), "m": rows.column("m"),
                     "member_ok": pa.array(ok[0]), "outsider_ok": pa.array(ok[1])})


def _member_rows(where: Store | Backend, groups: list[np.ndarray], params: GroupParams,
                 incidence: str | None = None) -> pa.Table:
    """Per (group, account) with at least one post on the group's own items
    (:func:`own_items`, on ``incidence``): ``y``, ``d`` and the group's ``pi`` (module
    docstring, step 3)."""
    gids = np.concatenate([np.full(len(g), i, np.int64) for i, g in enumerate(groups)]) \
        if groups else np.empty(0, np.int64)
    aids = np.concatenate(groups) if groups else np.empty(0, np.int64)
    grp = pa.table({"gid": pa.array(gids, pa.int64()), "aid": pa.array(aids, pa.int32())})
    backend = _backend(where)
    own = own_items(backend, groups, params, incidence)
    margin = round(float(params.margin_days) * 86400e6)  # whole microseconds, an integer
    at = dialect.epoch_us("p.created_at", backend.dialect)
    with backend.register("mgrp", grp) as mgrp, backend.register("gown", own) as gown:
        # the posts on each group's own items within its period, made once: an engine that
        # inlines a WITH clause wherever it is named (Spark) would join the items again for
        # every use (four per round), and that join is most of a round's cost there
        backend.scratch("member_posts", f"""
            WITH flag AS (   -- posts on the group's items, from their poster's point of view
              SELECT o.gid, it.aid, it.pid, it.ts
              FROM {gown} o JOIN items it ON it.fam = o.fam AND it.item = o.item
              LEFT JOIN {mgrp} g ON g.gid = o.gid AND g.aid = it.aid
              WHERE CASE WHEN g.aid IS NULL THEN o.outsider_ok ELSE o.member_ok END),
            period AS (
              SELECT f.gid, MIN(f.ts) - {margin} AS t0, MAX(f.ts) + {margin} AS t1
              FROM flag f SEMI JOIN {mgrp} g ON g.gid = f.gid AND g.aid = f.aid GROUP BY f.gid)
            SELECT f.gid, f.aid, f.pid, pr.t0, pr.t1 FROM flag f JOIN period pr USING (gid)
            WHERE f.ts BETWEEN pr.t0 AND pr.t1
            """)
    rows = backend.arrow(
        f"""
        WITH period AS (SELECT DISTINCT gid, t0, t1 FROM member_posts),
        y AS (SELECT gid, aid, COUNT(DISTINCT pid) AS y FROM member_posts GROUP BY 1, 2),
        yall AS (SELECT gid, COUNT(DISTINCT pid) AS n FROM member_posts GROUP BY 1),
        posts_in AS (
          SELECT pr.gid, COUNT(*) AS n FROM period pr JOIN posts p
            ON {at} BETWEEN pr.t0 AND pr.t1 GROUP BY 1),
        d AS (
          SELECT y.gid, y.aid, COUNT(*) AS d FROM y JOIN period pr USING (gid)
          JOIN posts p ON p.aid = y.aid AND {at} BETWEEN pr.t0 AND pr.t1
          GROUP BY 1, 2)
        SELECT y.gid, y.aid, LEAST(y.y, d.d) AS y, d.d,
               yall.n / posts_in.n AS pi
        FROM y JOIN d USING (gid, aid) JOIN yall USING (gid) JOIN posts_in USING (gid)
        ORDER BY y.gid, y.aid
        """
    )
    backend.drop("member_posts")
    return rows


def group_links(store: Store, params: GroupParams) -> int:
    """``network_items(network_id, fam, item, m, k, first_ts, last_ts)``: the items that are a
    network's own (:func:`own_items`),
    and ``group_links(network_id, aid_a, aid_b, fam, n_items, first_ts, last_ts, mean_dt_s,
    evidence)``: for every network of ``members``, the pairs of members that posted on the
    same one of the network's own items, per family; ``evidence`` lists up to five examples (both posts, the
    item and the time apart). On an item with many members each member is paired with at most
    ``max_partners`` others (as in the candidate search). These are the links of a network
    found by group evidence: each weak, together beyond chance. Returns the number of rows."""
    m = int(params.max_partners)
    fams = _fam_list(params)
    backend = DuckDBBackend(store)
    nets = [r[0] for r in store.fetchall("SELECT DISTINCT network_id FROM members ORDER BY 1")]
    groups = [store.arrow("SELECT aid FROM members WHERE network_id = ? ORDER BY aid", [n])
              .column("aid").to_numpy().astype(np.int64) for n in nets]
    own = own_items(store, groups, params)
    names = pa.table({"gid": pa.array(range(len(nets)), pa.int64()),
                      "network_id": pa.array(nets, pa.string())})
    with store.registered("nown", own), store.registered("nnames", names):
        backend.replace(
            "network_items",
            """
            SELECT n.network_id, o.fam, o.item, o.m, o.k, MIN(i.ts) AS first_ts,
                   MAX(i.ts) AS last_ts
            FROM nown o JOIN nnames n USING (gid)
            JOIN items i ON i.fam = o.fam AND i.item = o.item
            JOIN members mb ON mb.aid = i.aid AND mb.network_id = n.network_id
            WHERE o.member_ok
            GROUP BY n.network_id, o.fam, o.item, o.m, o.k
            ORDER BY 1, 2, 3
            """)
    backend.replace(
        "group_links",
        f"""
        WITH inc AS (
          SELECT fam, item, aid, MIN(pid) AS pid, MIN(ts) AS ts FROM items
          WHERE fam IN ({fams}) GROUP BY fam, item, aid),
        own AS (SELECT network_id, fam, item FROM network_items),
        r AS (
          SELECT o.network_id, o.fam, o.item, i.aid, i.pid, i.ts,
                 ROW_NUMBER() OVER (PARTITION BY o.network_id, o.fam, o.item
                                    ORDER BY md5(CAST(i.aid AS VARCHAR) || o.item), i.aid) - 1
                 AS rn
          FROM own o JOIN inc i USING (fam, item)
          JOIN members mb ON mb.aid = i.aid AND mb.network_id = o.network_id),
        b AS (SELECT *, CAST(floor(rn / {m}) AS BIGINT) AS rb FROM r),
        p AS (
          SELECT x.network_id, x.fam, x.item,
                 CASE WHEN x.aid < y.aid THEN x.aid ELSE y.aid END AS aid_a,
                 CASE WHEN x.aid < y.aid THEN y.aid ELSE x.aid END AS aid_b,
                 CASE WHEN x.aid < y.aid THEN x.pid ELSE y.pid END AS pid_a,
                 CASE WHEN x.aid < y.aid THEN y.pid ELSE x.pid END AS pid_b,
                 LEAST(x.ts, y.ts) AS t0, GREATEST(x.ts, y.ts) AS t1, abs(x.ts - y.ts) AS dt
          FROM b x JOIN (SELECT b.*, b.rb - o.off AS jrb FROM b
                         CROSS JOIN (VALUES (0), (1)) AS o(off)) y
            ON x.network_id = y.network_id AND x.fam = y.fam AND x.item = y.item
           AND x.rb = y.jrb
          WHERE y.rn > x.rn AND y.rn - x.rn <= {m})
        SELECT network_id, aid_a, aid_b, fam, COUNT(*) AS n_items, MIN(t0) AS first_ts,
               MAX(t1) AS last_ts, AVG(dt) / 1e6 AS mean_dt_s,
               {_GROUP_EVIDENCE} AS evidence
        FROM p GROUP BY network_id, aid_a, aid_b, fam
        ORDER BY network_id, aid_a, aid_b, fam
        """
    )
    return int(store.scalar("SELECT count(*) FROM group_links"))


def linked_communities(where: Store | Backend, unit: np.ndarray, communities: pa.Table,
                       params: GroupParams, fdr: float) -> list[int]:
    """The communities of ``communities(aid, gid)`` that the accounts ``unit`` (an
    expansion's seeds), taken together, belong to: the membership test of step 3 with the
    unit's posts pooled (``Y`` of its ``d`` posts in the community's period on the
    community's items, against the share ``pi`` of all posts of the period), Benjamini-Hochberg
    over the communities at ``fdr``. Returns their ids, strongest first."""
    gids = communities.column("gid").to_numpy()
    aids = communities.column("aid").to_numpy()
    order = sorted(set(gids.tolist()))
    groups = [np.sort(aids[gids == g]).astype(np.int64) for g in order]
    if not groups:
        return []
    rows = _member_rows(where, groups, params)
    mine = np.isin(rows.column("aid").to_numpy(), np.asarray(unit))
    gid = rows.column("gid").to_numpy()[mine]
    y = rows.column("y").to_numpy()[mine].astype(float)
    d = rows.column("d").to_numpy()[mine].astype(float)
    pi = rows.column("pi").to_numpy()[mine].astype(float)
    found = []
    for g in np.unique(gid):
        sel = gid == g
        found.append((float(_stats().binom.sf(y[sel].sum() - 1, d[sel].sum(), pi[sel][0])),
                      int(g)))
    if not found:
        return []
    q = _bh(np.array([f[0] for f in found]), len(groups))
    return [order[g] for (_, g), qv in sorted(zip(found, q, strict=True)) if qv <= fdr]
