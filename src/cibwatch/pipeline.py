"""One detection run: store -> traces -> actions -> co-actions -> pairs -> graph -> networks.

Every arrow is a table in the store (``actions``, ``pairs``, ``edges``, ``members``,
``networks``, ``bounded_keys``), so a run can be inspected, re-run or replaced stage by stage.
:class:`DetectConfig` holds every parameter; :data:`PRESETS` reproduce the peers' semantics.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from .coaction import (
    JoinSpec,
    bounded_keys_sql,
    coaction_sql,
    pair_stats_sql,
    ranked_actions_sql,
    self_pair_posts_sql,
)
from .errors import ConfigError
from .network import WEIGHTS, Weight, fused_edges_sql, leiden_membership
from .progress import Reporter, SilentReporter
from .store import Store
from .traces import DEFAULT_TRACES, TRACES, Trace, make_traces

__all__ = ["DetectConfig", "DetectResult", "PRESETS", "detect", "RUN_TABLES", "pair_evidence"]

#: Tables a run (re)creates.
RUN_TABLES = (
    "post_norm",
    "near_text",
    "actions",
    "coactions",
    "pairs",
    "edges",
    "members",
    "networks",
    "bounded_keys",
    "participants",
)


@dataclass(frozen=True)
class DetectConfig:
    """Every parameter of a detection run.

    Parameters
    ----------
    traces:
        Trace objects to run (default: the default traces, each with its default parameters).
    window_s:
        Co-action window in seconds for every trace (default 60 s, the QUT toolkit's common
        setting; Luceri et al. use 10 s for fast retweets).
    trace_windows:
        Per-trace windows overriding ``window_s`` (e.g. ``{"text_near": 3600}``).
    max_neighbours:
        Hot-key bound of the window join (:class:`cibwatch.coaction.JoinSpec`); ``None``: none.
    self_loops:
        Pair an account's own actions too (QUT parity). Never used for communities.
    min_participation:
        CooRTweet's ``min_participation``: accounts need this many actions before the join, and
        a co-action is kept only when one of its accounts has this many distinct actions in
        co-actions (1: no filter).
    weight, min_weight:
        Edge weight of the fused graph and the least weight kept (:mod:`cibwatch.network`).
        Default: pairs that acted together at least twice.
    min_size:
        Least number of accounts of a reported network.
    resolution, seed:
        Leiden modularity resolution, and the seed of every random choice.
    n_evidence:
        Example co-actions kept per pair and trace in ``edges.parquet`` (all of them can be
        listed from the store: ``cibwatch evidence``).
    """

    traces: tuple[Trace, ...] = field(default_factory=lambda: tuple(make_traces()))
    window_s: float = 60.0
    trace_windows: dict[str, float] = field(default_factory=dict)
    max_neighbours: int | None = 200
    self_loops: bool = False
    min_participation: int = 1
    weight: Weight = "events"
    min_weight: float = 2.0
    min_size: int = 3
    resolution: float = 1.0
    seed: int = 0
    n_evidence: int = 5

    def __post_init__(self) -> None:
        if self.window_s < 0:
            raise ConfigError("the window cannot be negative", remedy="giving e.g. --window 60s")
        for name, w in self.trace_windows.items():
            if name not in TRACES:
                raise ConfigError(f"unknown trace {name!r} in a per-trace window",
                                  remedy="choosing from: " + ", ".join(TRACES))
            if w < 0:
                raise ConfigError(f"the window of {name} cannot be negative")
        if self.weight not in WEIGHTS:
            raise ConfigError(f"unknown weight {self.weight!r}",
                              remedy="choosing one of: " + ", ".join(WEIGHTS))
        if self.max_neighbours is not None and self.max_neighbours < 1:
            raise ConfigError("max_neighbours must be at least 1",
                              remedy="giving a positive number, or 0 on the command line for "
                              "no bound")
        if self.min_size < 1 or self.min_participation < 1:
            raise ConfigError("min_size and min_participation must be at least 1")
        if not self.traces:
            raise ConfigError("no trace to run", remedy="naming at least one with --traces")

    def window_for(self, trace: str) -> float:
        return self.trace_windows.get(trace, self.window_s)

    def as_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["traces"] = {t.name: dataclasses.asdict(t) for t in self.traces}
        return d


#: Peer semantics. ``coortweet``: CooRTweet's detect_groups (time_window 10 s,
#: min_participation 5, co-retweets, edge weight = co-shares, no bound on hot keys).
#: ``qut``: the QUT toolkit's networks (60 s, co-retweet, co-tweet, co-link, co-reply, weight =
#: the toolkit's directed message count, min weight 1). Both report every pair and every
#: connected pair of accounts (min_size 2).
PRESETS: dict[str, dict[str, Any]] = {
    "coortweet": {
        "traces": ("reshare",),
        "window_s": 10.0,
        "min_participation": 5,
        "weight": "coactions",
        "min_weight": 1.0,
        "min_size": 2,
        "max_neighbours": None,
    },
    "qut": {
        "traces": ("reshare", "text_exact", "url", "reply"),
        "window_s": 60.0,
        "weight": "posts",
        "min_weight": 1.0,
        "min_size": 2,
        "max_neighbours": None,
    },
}


def config_from(preset: str | None = None, **overrides: Any) -> DetectConfig:
    """A config from a preset (or the defaults) with ``overrides`` (``None`` values ignored).

    ``traces`` may be given as names.
    """
    values: dict[str, Any] = {}
    if preset is not None:
        if preset not in PRESETS:
            raise ConfigError(f"unknown preset {preset!r}", remedy="choosing one of: "
                              + ", ".join(PRESETS))
        values.update(PRESETS[preset])
    values.update({k: v for k, v in overrides.items() if v is not None})
    if "traces" in values and values["traces"] and isinstance(values["traces"][0], str):
        values["traces"] = tuple(make_traces(list(values["traces"])))
    return DetectConfig(**values)


__all__ += ["config_from", "DEFAULT_TRACES"]


@dataclass
class DetectResult:
    """What a run found, with the counts a summary needs."""

    config: DetectConfig
    n_posts: int
    n_accounts: int
    trace_counts: dict[str, dict[str, int]]
    n_pairs: int
    n_edges: int
    n_networks: int
    n_members: int
    n_bounded_keys: int


def _drop_run_tables(store: Store) -> None:
    for t in RUN_TABLES:
        store.execute(f"DROP TABLE IF EXISTS {t}")


def detect(store: Store, config: DetectConfig | None = None,
           reporter: Reporter | None = None) -> DetectResult:
    """Run detection on everything in ``store``; results land in the run tables."""
    config = config or DetectConfig()
    reporter = reporter or SilentReporter()
    store.require_posts()
    _drop_run_tables(store)
    store.execute(
        """
        CREATE TABLE actions (trace VARCHAR, key VARCHAR, aid INTEGER, pid BIGINT, ts BIGINT,
                              variant VARCHAR);
        CREATE TABLE coactions (trace VARCHAR, key VARCHAR, aid_a INTEGER, pid_a BIGINT,
                                ts_a BIGINT, aid_b INTEGER, pid_b BIGINT, ts_b BIGINT, dt BIGINT);
        CREATE TABLE bounded_keys (trace VARCHAR, key VARCHAR, n_actions BIGINT,
                                   n_accounts BIGINT, n_bounded_actions BIGINT, first_ts BIGINT,
                                   last_ts BIGINT);
        """
    )
    counts: dict[str, dict[str, int]] = {}
    with reporter.task("Extracting actions", total=len(config.traces)) as task:
        for trace in config.traces:
            trace.prepare(store, reporter)
            store.execute(
                f"INSERT INTO actions SELECT '{trace.name}', key, aid, pid, ts, variant "
                f"FROM ({trace.actions_sql()}) AS t"
            )
            task.advance()
    source = "actions"
    if config.min_participation > 1:
        store.execute(
            f"""
            CREATE TABLE participants AS
            SELECT aid FROM actions GROUP BY aid HAVING COUNT(*) >= {config.min_participation}
            """
        )
        source = "(SELECT * FROM actions SEMI JOIN participants USING (aid))"
    with reporter.task("Window join (co-actions)", total=len(config.traces)) as task:
        for trace in config.traces:
            spec = JoinSpec(config.window_for(trace.name), config.max_neighbours,
                            config.self_loops)
            store.execute(
                f"""
                CREATE OR REPLACE TEMP TABLE ranked AS
                {ranked_actions_sql(f"(SELECT * FROM {source} AS s WHERE trace = '{trace.name}')", spec)};
                INSERT INTO coactions SELECT '{trace.name}', * FROM ({coaction_sql('ranked', spec)});
                INSERT INTO bounded_keys SELECT '{trace.name}', * FROM ({bounded_keys_sql('ranked', spec)});
                DROP TABLE ranked;
                """
            )
            counts[trace.name] = {
                "actions": int(store.scalar("SELECT count(*) FROM actions WHERE trace = ?",
                                            [trace.name])),
                "coactions": int(store.scalar("SELECT count(*) FROM coactions WHERE trace = ?",
                                              [trace.name])),
                "bounded_keys": int(store.scalar(
                    "SELECT count(*) FROM bounded_keys WHERE trace = ?", [trace.name])),
            }
            task.advance()
    if config.min_participation > 1:
        _filter_participation(store, config.min_participation)
    with reporter.task("Pairs and graph", total=3) as task:
        store.execute(f"CREATE TABLE pairs AS {pair_stats_sql('coactions', config.n_evidence)}")
        if config.self_loops:
            store.execute(
                f"""
                UPDATE pairs SET n_posts_a = s.n_posts, n_posts_b = s.n_posts
                FROM ({self_pair_posts_sql('coactions')}) s
                WHERE pairs.trace = s.trace AND pairs.aid_a = s.aid_a AND pairs.aid_b = s.aid_a
                """
            )
        for name in counts:
            counts[name]["pairs"] = int(
                store.scalar("SELECT count(*) FROM pairs WHERE trace = ?", [name])
            )
        task.advance()
        store.execute(
            "CREATE TABLE edges AS "
            + fused_edges_sql("pairs", "coactions", config.weight, config.min_weight)
        )
        task.advance()
        edges = store.arrow("SELECT aid_a, aid_b, weight FROM edges ORDER BY aid_a, aid_b")
        aids, labels = leiden_membership(edges, resolution=config.resolution, seed=config.seed)
        _store_networks(store, aids, labels, config.min_size)
        task.advance()
    return DetectResult(
        config=config,
        n_posts=store.count_posts(),
        n_accounts=store.count_accounts(),
        trace_counts=counts,
        n_pairs=int(store.scalar("SELECT count(*) FROM pairs")),
        n_edges=int(store.scalar("SELECT count(*) FROM edges")),
        n_networks=int(store.scalar("SELECT count(*) FROM networks")),
        n_members=int(store.scalar("SELECT count(*) FROM members")),
        n_bounded_keys=int(store.scalar("SELECT count(*) FROM bounded_keys")),
    )


def _filter_participation(store: Store, p: int) -> None:
    """CooRTweet's second participation filter: keep a co-action when one of its accounts has at
    least ``p`` distinct actions among all co-actions."""
    store.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE active AS
        SELECT aid FROM (
          SELECT aid_a AS aid, trace, key, pid_a AS pid FROM coactions
          UNION SELECT aid_b, trace, key, pid_b FROM coactions) AS e
        GROUP BY aid HAVING COUNT(*) >= {int(p)};
        DELETE FROM coactions
        WHERE aid_a NOT IN (SELECT aid FROM active) AND aid_b NOT IN (SELECT aid FROM active);
        DROP TABLE active;
        """
    )


def _store_networks(store: Store, aids: Any, labels: Any, min_size: int) -> None:
    """Communities -> ``members(aid, network_id)`` and ``networks(network_id, size)``.

    Network ids ``N0001``... are given by decreasing size, then by the smallest
    ``(platform, account_id)`` of the members: stable for the same input.
    """
    t = pa.table({"aid": pa.array(aids, pa.int32()), "community": pa.array(labels, pa.int64())})
    with store.registered("membership", t):
        store.execute(
            f"""
            CREATE TABLE members AS
            WITH m AS (
              SELECT m.aid, m.community, ai.platform, ai.account_id
              FROM membership m JOIN account_index ai USING (aid)),
            c AS (
              SELECT community, COUNT(*) AS size, MIN((platform, account_id)) AS first
              FROM m GROUP BY community HAVING COUNT(*) >= {int(min_size)}),
            n AS (
              SELECT community, size,
                     'N' || lpad(CAST(ROW_NUMBER() OVER (ORDER BY size DESC, first) AS VARCHAR),
                                 4, '0') AS network_id
              FROM c)
            SELECT m.aid, n.network_id FROM m JOIN n USING (community)
            """
        )
    store.execute(
        """
        CREATE TABLE networks AS
        SELECT network_id, COUNT(*) AS size FROM members GROUP BY network_id
        """
    )


def pair_evidence(
    store: Store, aid_a: int, aid_b: int, config: DetectConfig | None = None
) -> pa.Table:
    """Every co-action of two accounts, per trace, with both posts: the full evidence behind an
    edge, recomputed from the stored actions with the same join (no hot-key bound)."""
    config = config or DetectConfig()
    parts = []
    for trace in config.traces:
        spec = JoinSpec(config.window_for(trace.name), None, aid_a == aid_b)
        acts = (f"(SELECT * FROM actions WHERE trace = '{trace.name}' "
                f"AND aid IN ({int(aid_a)}, {int(aid_b)}))")
        parts.append(
            f"SELECT '{trace.name}' AS trace, * FROM "
            f"({coaction_sql('(' + ranked_actions_sql(acts, spec) + ')', spec)})"
        )
    sql = " UNION ALL ".join(parts)
    return store.arrow(
        f"""
        SELECT c.trace, c.key, pa.platform AS platform_a, pa.account_id AS account_id_a,
               pa.post_id AS post_id_a, pa.created_at AS created_at_a,
               pb.platform AS platform_b, pb.account_id AS account_id_b,
               pb.post_id AS post_id_b, pb.created_at AS created_at_b,
               c.dt / 1e6 AS dt_s, pa.text AS text_a, pb.text AS text_b
        FROM ({sql}) c JOIN posts pa ON pa.pid = c.pid_a JOIN posts pb ON pb.pid = c.pid_b
        WHERE c.aid_a = {min(aid_a, aid_b)} AND c.aid_b = {max(aid_a, aid_b)}
        ORDER BY c.trace, c.ts_a, c.ts_b, pa.post_id, pb.post_id
        """
    )
