"""From a few seeds to the whole network: hop-by-hop expansion with a significance test.

Seeds are accounts (platform + account id, handle or profile URL) or indicators (a URL, a
domain, a text, a hashtag: the accounts that posted it). Expansion then grows the set one hop
at a time. At each hop an account outside the set joins it, at that hop, when

1. it has direct shared-trace evidence with a member: the pair passed detection's test
   (:mod:`cibwatch.significance`: its co-actions against chance, Benjamini-Hochberg over all
   possible pairs at ``fdr``); or
2. it is linked to the set **as a whole** (:func:`cibwatch.significance.attach_round`, the
   test detection uses to attach accounts to a network): its co-actions with all members on
   every trace (distinct post pairs, crowd keys left out), against the co-actions chance would
   give an account as active as it is, acting in moments as crowded, with every member, met or
   not (Poisson); Benjamini-Hochberg over all outside accounts at ``fdr``. This finds the
   accounts that meet many members a little each; or
3. it belongs to a community (Leiden over the significant pairs, as detection builds
   networks) that is linked to the set as a whole: the same test between two groups
   (:func:`cibwatch.significance.attach_communities`), Benjamini-Hochberg over the
   communities. This is how a few seeds that detection only *attaches* to an operation (they
   meet its core a little each, never enough for a pair) reach the core.

Within a hop the tests run in this order, each against the set as it stands.

**Stopping rule.** Expansion stops when a round adds nobody (no outside account is linked to
the set beyond chance) or after ``max_hops`` rounds. The test is what keeps the set from
bleeding into ordinary users: an organic account that shared one viral link with a few members
is expected to meet them (its ``lambda`` grows with the set), so only accounts that meet the
set far more than their activity explains join; crowd keys (items acted on by more than
``crowd_accounts`` accounts) never count.

Each account found gets a **confidence** of ``1 - q`` (the q-value of the test that let it in;
seeds 1),
its **hop**, its **rank** (seeds first, then by hop and p-value), its **proximity** (personalised
PageRank from the seeds over the co-action graph, Page et al. 1999; Haveliwala 2002: how much
of a random walk restarting at the seeds ends at the account; a tie-breaker and a map for the
analyst, not the decision) and the evidence
linking it (the co-actions with members, in ``edges.parquet`` and ``cibwatch evidence``).

Indicator seeds are trusted as given: every account that posted a seed URL, domain, text or
hashtag is a seed. Use the operation's own sites, articles and slogans; a widely shared news
URL brings its sharers in.

Cost: the co-action stage of :mod:`cibwatch.pipeline`, once per store and settings (reused by
later expansions on the same store), then per hop one join of the significant pairs and one
grouped join of the co-actions with the set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from .engine import DuckDBBackend, dialect
from .engine.tables import select_list
from .normalize import canonical_url_sql, hashtag_sql, normalize_text_sql, url_host_sql
from .pipeline import (
    NETWORKS_SQL,
    DetectConfig,
    DetectResult,
    coaction_stage,
    pair_communities,
    run_result,
)
from .progress import Reporter, SilentReporter
from .runs import finish_run, recorded_run
from .seeds import SEED_TYPES, Seed, read_seeds
from .significance import add_members, attach_communities, attach_round
from .store import Store

__all__ = ["Seed", "ExpandConfig", "ExpandResult", "read_seeds", "resolve_seeds", "expand",
           "SEED_TYPES", "NETWORK_ID"]

#: The display label of the expanded network (its id is stable: :func:`cibwatch.runs.network_uuid`
#: of its members).
NETWORK_ID = "E0001"
#: Least length of a normalised seed text (shorter texts match too much).
MIN_TEXT = 10


@dataclass(frozen=True)
class ExpandConfig:
    """Parameters of an expansion.

    Parameters
    ----------
    detect:
        The co-action settings (traces, windows, crowd rule, FDR): detection's.
    max_hops:
        Most rounds of expansion (default 5; it stops earlier when a round adds nobody).
    fdr:
        False discovery rate of each round's test (default: ``detect.fdr``).
    engine:
        Where the co-action stage runs when it is made: None (the store itself) or a
        :class:`cibwatch.engine.spark.SparkEngine`, as in :func:`cibwatch.pipeline.detect`.
        So does the group-evidence search from the seeds (items and the weak graph's
        communities); the hops and the membership decisions run on the store either way.
    """

    detect: DetectConfig = field(default_factory=DetectConfig)
    max_hops: int = 5
    fdr: float | None = None
    engine: Any = None

    @property
    def fdr_used(self) -> float:
        return self.detect.fdr if self.fdr is None else self.fdr


@dataclass
class ExpandResult:
    """What an expansion found: the run's counts (for the output files) and the seeds."""

    run: DetectResult
    seeds: list[Seed]
    problems: list[str]
    resolved: list[dict[str, Any]]
    unresolved: list[Seed]
    per_hop: dict[int, int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "seeds_given": len(self.seeds),
            "seed_rows_rejected": self.problems,
            "seeds_unresolved": [{"line": s.line, "type": s.type, "value": s.value,
                                  "platform": s.platform} for s in self.unresolved],
            "seed_accounts": len(self.resolved),
            "found_per_hop": {str(k): v for k, v in sorted(self.per_hop.items())},
            "accounts": sum(self.per_hop.values()),
        }


def resolve_seeds(store: Store, seeds: list[Seed]) -> tuple[list[dict[str, Any]], list[Seed]]:
    """The accounts each seed stands for: ``[{aid, seed line, how}]`` (an account matched by
    several seeds once, with its first), and the seeds that matched nothing."""
    rows = [{"line": s.line, "type": s.type, "value": s.value, "platform": s.platform,
             "by": s.by} for s in seeds]
    table = pa.Table.from_pylist(rows, schema=pa.schema(
        [("line", pa.int64()), ("type", pa.string()), ("value", pa.string()),
         ("platform", pa.string()), ("by", pa.string())]))
    urls = "(SELECT p.aid, p.pid, unnest(p.urls) AS u FROM posts p WHERE len(p.urls) > 0)"
    with store.registered("seed_rows", table):
        store.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE seed_match AS
            WITH s AS (SELECT * FROM seed_rows),
            su AS (SELECT * FROM ({canonical_url_sql(
                "(SELECT * FROM s WHERE type = 'url')", "value",
                keep=("line", "type", "value", "platform", "by"))})),
            acc AS (
              SELECT s.line, ai.aid, 'account ' || ai.platform || ':' || ai.account_id AS how
              FROM s JOIN account_index ai
                ON (s.platform IS NULL OR ai.platform = s.platform)
              LEFT JOIN accounts a ON a.aid = ai.aid
              WHERE s.type = 'account' AND (
                (s.by IN ('account_id', 'any') AND ai.account_id = s.value)
                OR (s.by IN ('handle', 'any') AND lower(a.handle) = lower(s.value)))),
            pu AS (SELECT * FROM ({canonical_url_sql(urls, keep=("aid", "pid", "u"))})),
            url AS (
              SELECT su.line, pu.aid, 'posted ' || su.canonical AS how
              FROM su JOIN pu ON pu.canonical = su.canonical),
            dom AS (
              SELECT s.line, pu.aid, 'posted a link to ' || lower(s.value) AS how
              FROM s JOIN pu ON s.type = 'domain'
               AND ({url_host_sql('pu.canonical')} = regexp_replace(lower(s.value),
                                                                    '^www\\.', '')
                    OR ends_with({url_host_sql('pu.canonical')},
                                 '.' || regexp_replace(lower(s.value), '^www\\.', '')))),
            txt AS (
              SELECT s.line, p.aid, 'posted the text "' || left(s.value, 60) || '"' AS how
              FROM (SELECT *, {normalize_text_sql('value')} AS norm FROM s
                    WHERE type = 'text') s
              JOIN posts p ON length(s.norm) >= {MIN_TEXT}
               AND contains({normalize_text_sql('p.text')}, s.norm)),
            tag AS (
              SELECT s.line, p.aid, 'posted #' || {hashtag_sql('s.value')} AS how
              FROM s JOIN (SELECT aid, unnest(hashtags) AS h FROM posts
                           WHERE len(hashtags) > 0) p
                ON s.type = 'hashtag' AND {hashtag_sql('p.h')} = {hashtag_sql('s.value')})
            SELECT line, aid, how FROM acc UNION ALL SELECT line, aid, how FROM url
            UNION ALL SELECT line, aid, how FROM dom UNION ALL SELECT line, aid, how FROM txt
            UNION ALL SELECT line, aid, how FROM tag
            """
        )
    matched = {int(r[0]) for r in store.fetchall("SELECT DISTINCT line FROM seed_match")}
    resolved = [
        {"aid": int(aid), "line": int(line), "how": how}
        for aid, line, how in store.fetchall(
            f"SELECT aid, {dialect.arg_min('line', 'line', 'how')}, "
            f"{dialect.arg_min('how', 'line', 'how')} "
            "FROM seed_match GROUP BY aid ORDER BY 2, 1")
    ]
    return resolved, [s for s in seeds if s.line not in matched]


def expand(store: Store, seeds: list[Seed], config: ExpandConfig | None = None,
           reporter: Reporter | None = None, problems: list[str] | None = None) -> ExpandResult:
    """Grow a network from ``seeds`` (see the module docstring), as a new run of the store
    (:mod:`cibwatch.runs`). The result is in the stage tables (``members``, ``networks``,
    ``assessments``, ``expansion``), ready for :func:`cibwatch.report.outputs.write_outputs`,
    and kept with the run's other results."""
    config = config or ExpandConfig()
    run_config = {"detect": config.detect.as_dict(), "max_hops": config.max_hops,
                  "fdr": config.fdr_used,
                  "seeds": [{"line": s.line, "type": s.type, "value": s.value,
                             "platform": s.platform, "by": s.by} for s in seeds]}
    with recorded_run(store, "expand", run_config) as run_id:
        result = _expand(store, seeds, config, reporter or SilentReporter(), problems)
        finish_run(store, run_id)
    result.run.run_id = run_id
    return result


def _expand(store: Store, seeds: list[Seed], config: ExpandConfig, reporter: Reporter,
            problems: list[str] | None) -> ExpandResult:
    """The stages of :func:`expand`, into the stage tables."""
    dcfg = config.detect
    counts = coaction_stage(store, dcfg, reporter, reuse=True, engine=config.engine)
    resolved, unresolved = resolve_seeds(store, seeds)
    seed_table = pa.table({"aid": pa.array([r["aid"] for r in resolved], pa.int32()),
                           "line": pa.array([r["line"] for r in resolved], pa.int64()),
                           "how": pa.array([r["how"] for r in resolved], pa.string())})
    for t in ("members", "networks", "assessments", "account_flags", "expansion",
              "network_evidence", "group_links", "network_items"):
        store.execute(f"DROP TABLE IF EXISTS {t}")
    backend = DuckDBBackend(store)
    with store.registered("seed_accounts", seed_table):
        backend.materialise("members", "SELECT " + select_list("members", {
            "aid": "aid", "network_id": f"'{NETWORK_ID}'", "attached": "FALSE",
            "attach_round": "0", "source": "'seed'"}) + " FROM seed_accounts")
        store.execute("CREATE TEMP TABLE seed_how AS SELECT * FROM seed_accounts")
    backend.materialise("networks", NETWORKS_SQL)
    per_hop = {0: len(resolved)}
    n_windows = int(store.scalar("SELECT count(DISTINCT win) FROM windows") or 1)
    if resolved and dcfg.significance:
        _communities(store, dcfg)
        first = 1
        if dcfg.group_evidence:
            with reporter.task("Group evidence around the seeds", total=None):
                n = _group_hop(store, dcfg, config.fdr_used, [r["aid"] for r in resolved],
                               config.engine, reporter)
            if n:
                per_hop[1] = n
                first = 2
        with reporter.task("Expanding hop by hop", total=config.max_hops) as task:
            for hop in range(first, config.max_hops + 1):
                n = _hop(store, n_windows, config.fdr_used, hop)
                task.advance()
                if n == 0:
                    break
                per_hop[hop] = n
    store.execute("DROP TABLE IF EXISTS communities")
    if resolved and dcfg.significance and dcfg.group_evidence:
        from .groups import group_links

        group_links(store, dcfg.groups)
    _expansion_table(store)
    if dcfg.assess and resolved:
        from .assess import assess

        with reporter.task("Assessing the network", total=None):
            assess(store)
    n_attached = sum(v for k, v in per_hop.items() if k > 0)
    return ExpandResult(run=run_result(store, dcfg, counts, n_attached), seeds=seeds,
                        problems=list(problems or []),
                        resolved=resolved, unresolved=unresolved, per_hop=per_hop)


def _group_hop(store: Store, config: DetectConfig, fdr: float, seeds: list[int],
               engine: Any = None, reporter: Reporter | None = None) -> int:
    """Group evidence from the seeds (:mod:`cibwatch.groups`): the communities of the weak
    item graph that the seeds, together, belong to join them; then every account's
    membership of the grown set is decided by its evidence with it (the seeds are kept).
    The accounts that join are hop 1. Returns how many. With ``engine``, the items, the
    communities and the membership counts are made there (the items read back into the
    store)."""
    from .groups import build_items, candidate_groups, linked_communities, membership, search_on

    params = config.groups
    seed_arr = np.array(sorted(set(seeds)), np.int64)
    with search_on(store, engine, reporter) as where:
        if where is not store:
            build_items(where, params)
            engine.bring_back(store, where, ("items", "item_sizes"))
        elif not store.table_exists("items"):
            build_items(store, params)
        comms = candidate_groups(where, None, params, config.min_size, config.seed,
                                 config.driver_max_links)
        linked = linked_communities(where, seed_arr, comms, params, fdr)
        gids = comms.column("gid").to_numpy()
        aids = comms.column("aid").to_numpy()
        group = np.unique(np.concatenate([seed_arr] + [aids[gids == g] for g in linked]))
        assign, ev = membership(where, [group], params, fdr, {int(a): 0 for a in seed_arr})
    new = [a for a in sorted(assign) if a not in set(seed_arr.tolist())]
    if not new:
        return 0
    rows = pa.table({"aid": pa.array(new, pa.int32()),
                     "p": pa.array([ev[a]["p"] for a in new], pa.float64()),
                     "q": pa.array([ev[a]["q"] for a in new], pa.float64()),
                     "y": pa.array([ev[a]["y"] for a in new], pa.int64()),
                     "d": pa.array([ev[a]["d"] for a in new], pa.int64()),
                     "pi": pa.array([ev[a]["pi"] for a in new], pa.float64())})
    with store.registered("group_new", rows):
        add_members(store, "SELECT " + select_list("members", {
            "aid": "aid", "network_id": f"'{NETWORK_ID}'", "attached": "TRUE",
            "attach_p": "p", "attach_q": "q", "attach_round": "1", "source": "'group'",
            "group_posts": "y", "period_posts": "d", "group_pi": "pi", "group_p": "p",
            "group_q": "q"}) + " FROM group_new ORDER BY aid")
    return len(new)


def _hop(store: Store, n_windows: int, fdr: float, hop: int) -> int:
    """One hop: the accounts with a significant pair with a member (detection's pair test,
    its q-value over all pairs) and the accounts linked to the set as a whole
    (:func:`cibwatch.significance.attach_round`) join ``members``. Returns how many."""
    store.execute(
        """
        CREATE OR REPLACE TEMP TABLE pair_new AS
        WITH sig AS (SELECT aid_a, aid_b, p_value, q_value FROM pair_scores WHERE significant),
        ends AS (
          SELECT s.aid_b AS aid, s.p_value, s.q_value FROM sig s
          JOIN members m ON m.aid = s.aid_a
          UNION ALL
          SELECT s.aid_a, s.p_value, s.q_value FROM sig s JOIN members m ON m.aid = s.aid_b)
        SELECT aid, MIN(p_value) AS p, MIN(q_value) AS q FROM ends
        WHERE aid NOT IN (SELECT aid FROM members) GROUP BY aid
        """
    )
    n = attach_round(store, n_windows, fdr, hop)
    n += int(store.scalar("SELECT count(*) FROM pair_new "
                          "WHERE aid NOT IN (SELECT aid FROM members)"))
    add_members(store, "SELECT " + select_list("members", {
        "aid": "aid", "network_id": f"'{NETWORK_ID}'", "attached": "TRUE", "attach_p": "p",
        "attach_q": "q", "attach_round": str(int(hop)), "source": "'pairs'"})
        + " FROM pair_new WHERE aid NOT IN (SELECT aid FROM members) ORDER BY aid")
    store.execute("DROP TABLE pair_new")
    return n + attach_communities(store, "communities", NETWORK_ID, n_windows, fdr, hop)


def _communities(store: Store, config: DetectConfig) -> None:
    """``communities(aid, cid)``: Leiden communities of the significant pairs, as detection
    finds them (same weights, resolution, seed and least size). A table, not a temporary one:
    the test reads it through a second cursor."""
    aids, labels = pair_communities(store, config)
    t = pa.table({"aid": pa.array(aids, pa.int32()), "cid": pa.array(labels, pa.int64())})
    with store.registered("community_rows", t):
        DuckDBBackend(store).replace(
            "communities",
            f"""
            SELECT aid, cid FROM community_rows WHERE cid IN (
              SELECT cid FROM community_rows GROUP BY cid
              HAVING count(*) >= {int(config.min_size)})
            """
        )


def _expansion_table(store: Store, damping: float = 0.85) -> None:
    """``expansion(aid, hop, rank, confidence, proximity, seed)`` for every member."""
    members = store.fetchall(
        "SELECT m.aid, m.attach_round, m.attach_p, m.attach_q, s.how, s.line "
        "FROM members m LEFT JOIN seed_how s USING (aid)")
    proximity = _proximity(store, [int(r[0]) for r in members if r[1] == 0], damping)
    rows = []
    for aid, hop, p, q, how, line in members:
        rows.append({"aid": int(aid), "hop": int(hop),
                     "confidence": 1.0 if hop == 0 else round(1.0 - float(q), 6),
                     "proximity": float(proximity.get(int(aid), 0.0)),
                     "seed": (f"seed (line {line}): {how}" if hop == 0 else None),
                     "p": 0.0 if hop == 0 else float(p), "line": line})
    table = pa.Table.from_pylist(rows, schema=pa.schema(
        [("aid", pa.int32()), ("hop", pa.int32()), ("confidence", pa.float64()),
         ("proximity", pa.float64()), ("seed", pa.string()), ("p", pa.float64()),
         ("line", pa.int64())]))
    with store.registered("expansion_rows", table):
        DuckDBBackend(store).materialise(
            "expansion",
            """
            SELECT e.aid, e.hop,
                   ROW_NUMBER() OVER (ORDER BY e.hop, e.line NULLS LAST, e.p, ai.platform,
                                      ai.account_id) AS rank,
                   e.confidence, round(e.proximity, 6) AS proximity, e.seed
            FROM expansion_rows e JOIN account_index ai USING (aid)
            """
        )


def _proximity(store: Store, seeds: list[int], damping: float) -> dict[int, float]:
    """Personalised PageRank from ``seeds`` over the co-action graph (every pair that co-acted
    off crowd keys, weighted by its distinct co-acting post pairs), normalised so that the
    largest is 1."""
    if not seeds:
        return {}
    import igraph as ig

    edges = store.arrow(
        "SELECT aid_a, aid_b, COUNT(DISTINCT (pid_a, pid_b)) AS w FROM coactions "
        "WHERE aid_a <> aid_b AND NOT crowd GROUP BY aid_a, aid_b ORDER BY aid_a, aid_b")
    a = edges.column("aid_a").to_numpy()
    b = edges.column("aid_b").to_numpy()
    nodes = np.unique(np.concatenate([a, b, np.asarray(seeds, dtype=a.dtype)]))
    index = {int(v): i for i, v in enumerate(nodes)}
    g = ig.Graph(n=len(nodes), edges=list(zip(np.searchsorted(nodes, a).tolist(),
                                               np.searchsorted(nodes, b).tolist(),
                                               strict=True)))
    w = edges.column("w").to_numpy().astype(float)
    pr = g.personalized_pagerank(damping=damping, reset_vertices=[index[s] for s in seeds],
                                 weights=w.tolist() if len(w) else None, directed=False)
    top = max(pr) if pr else 1.0
    return {int(v): (pr[i] / top if top else 0.0) for i, v in enumerate(nodes)}
