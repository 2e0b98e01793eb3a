"""One detection run: store -> traces -> actions -> co-actions -> pairs -> significance ->
graph -> networks.

Every arrow is a table in the store (``actions``, ``coactions``, ``pairs``, ``pair_scores``,
``edges``, ``members``, ``networks``, ``bounded_keys``), so a run can be inspected, re-run or
replaced stage by stage. Their columns are declared in :mod:`cibwatch.engine.tables` and
every stage table is written through the backend (:class:`cibwatch.engine.DuckDBBackend`),
which checks it against its declaration. :class:`DetectConfig` holds every parameter;
:data:`PRESETS` reproduce the peers' semantics.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from .coaction import JoinSpec, coaction_sql, ranked_actions_sql
from .engine import DuckDBBackend
from .engine.tables import StageSchemaError, check_schema, select_list
from .errors import ConfigError
from .groups import GroupParams
from .network import DRIVER_MAX_LINKS, WEIGHTS, Weight, communities
from .progress import Reporter, SilentReporter
from .runs import finish_run, record_increment, recorded_run
from .significance import attach_to_networks
from .stage import COACTION_OUTPUTS, UPDATED_TABLES, coaction_tables, update_coaction_tables
from .store import Store
from .traces import DEFAULT_TRACES, TRACES, Trace, make_traces

__all__ = ["DetectConfig", "DetectResult", "PRESETS", "detect", "coaction_stage", "run_result",
           "COACTION_OUTPUTS", "coaction_tables",
           "RUN_TABLES", "pair_evidence", "NETWORKS_SQL",
           "config_from", "DEFAULT_TRACES", "DEFAULT_TRACE_WINDOWS"]

#: Tables a run (re)creates.
RUN_TABLES = (
    "post_norm", "near_text", "actions", "coactions", "pairs", "pair_scores", "edges",
    "members", "networks", "bounded_keys", "participants", "activity", "trace_totals",
    "windows", "assessments", "account_flags", "run_stage", "expansion", "items",
    "item_sizes", "group_candidates", "group_tests", "group_stage", "network_evidence",
    "group_links",
    "network_items",
)

#: ``networks`` from ``members``: every writer of ``members`` makes ``networks`` by it.
NETWORKS_SQL = "SELECT network_id, COUNT(*) AS size FROM members GROUP BY network_id"

#: Per-trace windows used unless a run sets its own: each trace's ``windows`` (see
#: :mod:`cibwatch.traces`).
DEFAULT_TRACE_WINDOWS: dict[str, tuple[float, ...]] = {n: t.windows for n, t in TRACES.items()}


@dataclass(frozen=True)
class DetectConfig:
    """Every parameter of a detection run.

    Parameters
    ----------
    traces:
        Trace objects to run (default: the default traces, each with its default parameters).
    window_s:
        One co-action window in seconds for every trace. ``None`` (default): each trace's own
        windows (:data:`DEFAULT_TRACE_WINDOWS`: one minute and ten minutes for most traces,
        each tested: fast synchronised bursts and a team posting over a few minutes; a day for
        link seeding).
    auto_window:
        Estimate one window per trace from the data instead (CooRnet's rule,
        :mod:`cibwatch.significance`).
    trace_windows:
        Per-trace windows overriding the above: one or more windows per trace (e.g.
        ``{"url": (60, 3600)}``).
    max_neighbours:
        Hot-key bound of the window join (:class:`cibwatch.coaction.JoinSpec`); ``None``: none.
    self_loops:
        Pair an account's own actions too (QUT parity). Never used for communities.
    min_participation:
        CooRTweet's ``min_participation``: accounts need this many actions before the join, and
        a co-action is kept only when one of its accounts has this many distinct actions in
        co-actions (1: no filter).
    significance, fdr:
        Test every pair against the null model of chance co-action and keep the pairs whose
        Benjamini-Hochberg q-value is at most ``fdr`` (default 0.01: about one pair in a hundred
        kept by chance). Off: fixed thresholds only (``min_weight``), as the peers do.
    crowd_accounts, crowd_share:
        With significance on, co-actions on a key that more than ``crowd_accounts`` accounts
        acted on (a viral post, a breaking-news link, a trending hashtag sequence) are kept as
        evidence but do not count in the test: being in a crowd says nothing about any two of
        its members. ``None`` (default): the larger of 50 and ``crowd_share`` (default 2 %) of
        the accounts with actions, so that the limit grows with the data: a fixed 50 treats
        the items of an operation of several hundred accounts as crowds (measured:
        docs/EVALUATION.md).
    assess:
        Assess each network (``inauthentic`` or ``coordinated``, kind, score, reasons with
        DISARM codes: :mod:`cibwatch.assess`).
    attach:
        With significance on, also attach outside accounts whose co-actions with a network as a
        whole are beyond chance (:func:`cibwatch.significance.attach_to_networks`).
    group_evidence, groups:
        With significance on, also find networks whose members are each weakly linked but act
        on the same rare items far beyond chance as a group, and decide every account's
        membership by its evidence with the group (:mod:`cibwatch.groups`; default on, with
        the parameters of :class:`cibwatch.groups.GroupParams`).
    weight, min_weight:
        Edge weight of the fused graph and the least weight kept (:mod:`cibwatch.network`).
        With significance on, communities are found on the evidence (-log10 p) instead, and
        ``min_weight`` is an extra filter; its default is 1 with the test and 2 without it
        (pairs that acted together at least twice).
    min_size:
        Least number of accounts of a reported network.
    resolution, seed:
        Leiden modularity resolution, and the seed of every random choice.
    n_evidence:
        Example co-actions kept per pair and trace in ``edges.parquet`` (all of them can be
        listed from the store: ``cibwatch evidence``).
    driver_max_links:
        Most links of a graph (the fused edges, each weak graph of the group-evidence search)
        whose communities Leiden finds on the driver; a larger one is split by label
        propagation on the engine (:func:`cibwatch.network.communities`; default
        :data:`cibwatch.network.DRIVER_MAX_LINKS`).
    """

    traces: tuple[Trace, ...] = field(default_factory=lambda: tuple(make_traces()))
    window_s: float | None = None
    auto_window: bool = False
    trace_windows: dict[str, tuple[float, ...]] = field(default_factory=dict)
    max_neighbours: int | None = 200
    self_loops: bool = False
    min_participation: int = 1
    significance: bool = True
    fdr: float = 0.01
    crowd_accounts: int | None = None
    crowd_share: float = 0.02
    attach: bool = True
    group_evidence: bool = True
    groups: GroupParams = field(default_factory=GroupParams)
    assess: bool = True
    weight: Weight = "events"
    min_weight: float | None = None
    min_size: int = 3
    resolution: float = 1.0
    seed: int = 0
    n_evidence: int = 5
    driver_max_links: int = DRIVER_MAX_LINKS

    def __post_init__(self) -> None:
        if self.window_s is not None and self.window_s < 0:
            raise ConfigError("the window cannot be negative", remedy="giving e.g. --window 60s")
        fixed = {}
        for name, w in self.trace_windows.items():
            if name not in TRACES:
                raise ConfigError(f"unknown trace {name!r} in a per-trace window",
                                  remedy="choosing from: " + ", ".join(TRACES))
            ws = (float(w),) if isinstance(w, int | float) else tuple(float(x) for x in w)
            if not ws or min(ws) < 0:
                raise ConfigError(f"the windows of {name} must be one or more durations >= 0")
            fixed[name] = ws
        object.__setattr__(self, "trace_windows", fixed)
        if self.weight not in WEIGHTS:
            raise ConfigError(f"unknown weight {self.weight!r}",
                              remedy="choosing one of: " + ", ".join(WEIGHTS))
        if self.max_neighbours is not None and self.max_neighbours < 1:
            raise ConfigError("max_neighbours must be at least 1",
                              remedy="giving a positive number, or 0 on the command line for "
                              "no bound")
        if self.crowd_accounts is not None and self.crowd_accounts < 2:
            raise ConfigError("crowd_accounts must be at least 2",
                              remedy="giving e.g. --crowd-accounts 50")
        if self.min_size < 1 or self.min_participation < 1:
            raise ConfigError("min_size and min_participation must be at least 1")
        if not 0 < self.fdr < 1:
            raise ConfigError("the false discovery rate must be between 0 and 1",
                              remedy="giving e.g. --fdr 0.01")
        if not self.traces:
            raise ConfigError("no trace to run", remedy="naming at least one with --traces")

    @property
    def min_weight_used(self) -> float:
        if self.min_weight is not None:
            return self.min_weight
        return 1.0 if self.significance else 2.0

    def windows_for(self, trace: str) -> tuple[float, ...] | None:
        """The windows (seconds) of ``trace``; ``None``: to be estimated from the data."""
        if trace in self.trace_windows:
            return self.trace_windows[trace]
        if self.auto_window:
            return None
        if self.window_s is not None:
            return (self.window_s,)
        return DEFAULT_TRACE_WINDOWS[trace]

    def window_for(self, trace: str) -> float:
        """The trace's shortest window (for reports); 0 when it is estimated at run time."""
        ws = self.windows_for(trace)
        return min(ws) if ws else 0.0

    def as_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["traces"] = {t.name: dataclasses.asdict(t) for t in self.traces}
        d["trace_windows"] = {k: list(v) for k, v in self.trace_windows.items()}
        return d


#: Peer semantics. ``coortweet``: CooRTweet's detect_groups (time_window 10 s,
#: min_participation 5, co-retweets, edge weight = co-shares, no bound on hot keys).
#: ``qut``: the QUT toolkit's networks (60 s, co-retweet, co-tweet, co-link, co-reply, weight =
#: the toolkit's directed message count, min weight 1). Both report every pair and every
#: connected pair of accounts (min_size 2), with fixed thresholds (no significance test).
PRESETS: dict[str, dict[str, Any]] = {
    "coortweet": {
        "traces": ("reshare",),
        "window_s": 10.0,
        "trace_windows": {},
        "min_participation": 5,
        "weight": "coactions",
        "min_weight": 1.0,
        "min_size": 2,
        "max_neighbours": None,
        "significance": False,
    },
    "qut": {
        "traces": ("reshare", "text_exact", "url", "reply"),
        "window_s": 60.0,
        "trace_windows": {},
        "weight": "posts",
        "min_weight": 1.0,
        "min_size": 2,
        "max_neighbours": None,
        "significance": False,
    },
}

_UNSET = object()


def config_from(preset: str | None = None, **overrides: Any) -> DetectConfig:
    """A config from a preset (or the defaults) with ``overrides`` (``None`` values ignored).
    ``traces`` may be names."""
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


@dataclass
class DetectResult:
    """What a run found, with the counts a summary needs."""

    config: DetectConfig
    n_posts: int
    n_accounts: int
    trace_counts: dict[str, dict[str, Any]]
    n_pairs: int
    n_edges: int
    n_networks: int
    n_members: int
    n_bounded_keys: int
    n_significant: int = 0
    n_attached: int = 0
    n_inauthentic: int = 0
    #: The run's id in the store's ``runs`` (:mod:`cibwatch.runs`).
    run_id: str | None = None
    #: What an incremental run did (:func:`detect`); None for other runs.
    increment: dict[str, Any] | None = None


def _drop_run_tables(store: Store) -> None:
    for t in (*RUN_TABLES, _ACTIONS_PREV):  # and what a failed update left
        store.execute(f"DROP TABLE IF EXISTS {t}")


#: Where an update keeps the earlier run's actions while it works (:func:`_coactions`).
_ACTIONS_PREV = "actions_prev"

#: Config fields that only concern networks, not the co-action tables.
_NETWORK_FIELDS = ("attach", "assess", "min_size", "resolution", "seed", "group_evidence",
                   "groups", "driver_max_links")


def _stage_key(store: Store, config: DetectConfig) -> str:
    """What the co-action tables depend on: the config (network-only fields left out), the
    store's content (counts and the largest post and account numbers) and the version of
    cibwatch that made them."""
    from ._version import __version__

    d = {k: v for k, v in config.as_dict().items() if k not in _NETWORK_FIELDS}
    d["cibwatch"] = __version__
    d["store"] = store.fetchall("SELECT count(*), max(pid), (SELECT max(aid) FROM "
                                "account_index) FROM posts")[0]
    return json.dumps(d, sort_keys=True, default=str)


#: The tables of the co-action stage that a later run may reuse.
_COACTION_TABLES = ("actions", "coactions", "bounded_keys", "activity", "windows", "pairs",
                    "pair_scores", "edges")


def _as_declared(store: Store, names: tuple[str, ...]) -> bool:
    """Whether each of the tables ``names`` that exists has its declared columns."""
    for name in names:
        if store.table_exists(name):
            try:
                check_schema(name, store.arrow(f"SELECT * FROM {name} LIMIT 0").schema)
            except StageSchemaError:
                return False
    return True


def coaction_stage(store: Store, config: DetectConfig | None = None,
                   reporter: Reporter | None = None,
                   reuse: bool = False, engine: Any = None,
                   incremental: bool = False) -> dict[str, dict[str, Any]]:
    """Actions, co-actions, pairs, their significance and the fused edges of ``store``: the
    tables every network is built from. With ``reuse``, tables a previous run made with the
    same co-action settings on the same content are kept (``run_stage`` records which), when
    they have their declared columns (tables of an earlier cibwatch are made again). With
    ``incremental``, the tables of the previous run are brought up to date with what was
    added since (:func:`cibwatch.stage.update_coaction_tables`), when it used the same
    co-action settings. With ``engine`` (:class:`cibwatch.engine.spark.SparkEngine`), the
    tables are made on that engine from the store's actions (:func:`_coactions`): the same
    tables, so reuse does not depend on the engine. Returns the per-trace counts."""
    return _coaction_stage(store, config or DetectConfig(), reporter or SilentReporter(),
                           reuse, engine, incremental)[0]


def _coaction_stage(store: Store, config: DetectConfig, reporter: Reporter, reuse: bool,
                    engine: Any, incremental: bool
                    ) -> tuple[dict[str, dict[str, Any]], dict[str, Any] | None]:
    """:func:`coaction_stage`, and with ``incremental``, what the run added
    (:func:`_coactions`)."""
    store.require_posts()
    key = _stage_key(store, config)
    if reuse and not incremental and store.table_exists("run_stage") \
            and store.table_exists("edges") and _as_declared(store, _COACTION_TABLES):
        row = store.fetchall("SELECT stage_key, counts FROM run_stage")
        if row and row[0][0] == key:
            counts: dict[str, dict[str, Any]] = json.loads(row[0][1])
            return counts, None
    if incremental and engine is not None:
        raise ConfigError("an incremental run uses the store's own engine (incremental)",
                          remedy="leaving out the Spark engine for incremental runs")
    counts, increment = _coactions(store, config, reporter, engine, incremental)
    DuckDBBackend(store).write_arrow("run_stage", pa.table(
        {"stage_key": pa.array([key], pa.string()),
         "counts": pa.array([json.dumps(counts)], pa.string())}))
    return counts, increment


def _previous_stage(store: Store, config: DetectConfig
                    ) -> tuple[tuple[dict[str, dict[str, Any]], list[Any]] | None, str]:
    """The earlier run's per-trace counts and store summary (posts, largest post and account
    numbers) when an update can start from its co-action tables; else None and why not."""
    if config.min_participation > 1:
        return None, ("the participation filter (min_participation) counts over all "
                      "co-actions")
    names = ("actions", *UPDATED_TABLES)
    if not (store.table_exists("run_stage") and all(store.table_exists(n) for n in names)
            and _as_declared(store, names)):
        return None, "the store holds no complete co-action tables of an earlier run"
    row = store.fetchall("SELECT stage_key, counts FROM run_stage")
    if not row:
        return None, "the store holds no complete co-action tables of an earlier run"
    old, new = json.loads(row[0][0]), json.loads(_stage_key(store, config))
    old_store = old.pop("store")
    new.pop("store")
    if old != new:
        return None, ("the earlier run used other co-action settings or another version of "
                      "cibwatch")
    return (json.loads(row[0][1]), old_store), ""


def _coactions(store: Store, config: DetectConfig, reporter: Reporter,
               engine: Any = None, incremental: bool = False
               ) -> tuple[dict[str, dict[str, Any]], dict[str, Any] | None]:
    """Actions from every trace (on the store), then :func:`cibwatch.stage.coaction_tables`
    on the store's backend or, with ``engine`` (:class:`cibwatch.engine.spark.SparkEngine`),
    on that engine, whose tables are then read back into the store. With ``incremental``,
    the earlier run's tables are updated instead when they can be (:func:`_previous_stage`);
    the second value then says what was done: ``mode`` (``update`` or ``full``), ``reason``
    (why not an update), posts added since the earlier run and the update's counts."""
    previous, reason = _previous_stage(store, config) if incremental else (None, "")
    backend = DuckDBBackend(store)
    if previous is None:
        _drop_run_tables(store)
    else:
        for t in RUN_TABLES:
            if t not in ("actions", *UPDATED_TABLES):
                store.execute(f"DROP TABLE IF EXISTS {t}")
        store.execute(f"DROP TABLE IF EXISTS {_ACTIONS_PREV}")
        store.execute(f"ALTER TABLE actions RENAME TO {_ACTIONS_PREV}")
    backend.create("actions")
    with reporter.task("Extracting actions", total=len(config.traces)) as task:
        for trace in config.traces:
            trace.prepare(store, reporter)
            backend.append("actions", f"SELECT '{trace.name}', key, aid, pid, ts, variant "
                           f"FROM ({trace.actions_sql()}) AS t")
            task.advance()
    if previous is not None:
        counts, done = update_coaction_tables(backend, config, reporter, previous[0],
                                              _ACTIONS_PREV)
        store.execute(f"DROP TABLE {_ACTIONS_PREV}")
        posts = int(store.scalar("SELECT count(*) FROM posts"))
        return counts, {"mode": "update", "reason": "", "posts": posts,
                        "posts_added": posts - int(previous[1][0]), **done}
    increment = None
    if incremental:
        reporter.log(f"Not an update, a full run: {reason}.")
        posts = int(store.scalar("SELECT count(*) FROM posts"))
        increment = {"mode": "full", "reason": reason, "posts": posts, "posts_added": posts}
    if engine is None:
        return coaction_tables(backend, config, reporter), increment
    with engine.open(store, reporter) as remote:
        counts = coaction_tables(remote, config, reporter)
        with reporter.task(f"Reading the {engine.name} tables back", total=None):
            engine.bring_back(store, remote, COACTION_OUTPUTS)
    return counts, increment


def detect(store: Store, config: DetectConfig | None = None,
           reporter: Reporter | None = None, reuse: bool = False,
           engine: Any = None, incremental: bool = False) -> DetectResult:
    """Run detection on everything in ``store`` as a new run (:mod:`cibwatch.runs`): its
    results land in the stage tables and are kept, with stable network ids, in the
    ``run_*`` tables; a run that fails is marked failed, earlier runs stay as they were. With
    ``reuse``, the co-action tables of an earlier run with the same co-action settings on the
    same data are kept (:func:`coaction_stage`): only communities, attachment and assessment
    are redone (e.g. another ``min_size`` or ``resolution``). With ``incremental``, the
    earlier run's co-action tables are updated with what was added since (only the keys the
    new actions change are joined again; :mod:`cibwatch.stage`), then networks are found on
    the whole graph: the same results as a full run; the run records what it added
    (:func:`cibwatch.runs.record_increment`). ``engine``: where the co-action stage runs
    (None: the store's DuckDB; :class:`cibwatch.engine.spark.SparkEngine`)."""
    config = config or DetectConfig()
    with recorded_run(store, "detect", config.as_dict()) as run_id:
        n_attached, counts, increment = _detect(store, config, reporter or SilentReporter(),
                                                reuse, engine, incremental)
        if increment is not None:
            record_increment(store, run_id, increment)
        finish_run(store, run_id)
    result = run_result(store, config, counts, n_attached)
    result.run_id = run_id
    result.increment = increment
    return result


def _detect(store: Store, config: DetectConfig, reporter: Reporter,
            reuse: bool, engine: Any = None, incremental: bool = False
            ) -> tuple[int, dict[str, dict[str, Any]], dict[str, Any] | None]:
    """The stages of :func:`detect`, into the stage tables; returns how many accounts were
    attached, the per-trace counts and what an incremental run added."""
    counts, increment = _coaction_stage(store, config, reporter, reuse, engine, incremental)
    for t in ("members", "networks", "assessments", "account_flags", "expansion",
              "network_evidence", "group_links", "network_items"):
        store.execute(f"DROP TABLE IF EXISTS {t}")
    with reporter.task("Communities", total=3) as task:
        aids, labels = pair_communities(store, config)
        task.advance()
        pair_groups = _communities_of(aids, labels, config.min_size)
        if config.significance and config.group_evidence:
            networks, evidence, reused = _group_stage(store, config, pair_groups, reuse,
                                                      engine, reporter)
        else:
            networks = [(g, "pairs", None) for g in pair_groups]
            evidence, reused = {}, False
        _store_networks(store, networks, evidence, config.min_size)
        task.advance()
        n_attached = 0
        if config.significance and config.attach:
            n_windows = int(store.scalar("SELECT count(DISTINCT win) FROM windows"))
            n_attached = attach_to_networks(store, n_windows, config.fdr)
        if config.significance and config.group_evidence:
            _group_links(store, config, reused)
        task.advance()
    if config.assess:
        from .assess import assess

        with reporter.task("Assessing networks", total=None):
            assess(store)
    return n_attached, counts, increment


def pair_communities(store: Store, config: DetectConfig) -> tuple[Any, Any]:
    """Communities of the fused edges (on the evidence with the significance test, else on
    the weight): ``(aids, labels)`` (:func:`cibwatch.network.communities`)."""
    weight = "evidence" if config.significance else "weight"
    return communities(DuckDBBackend(store), f"(SELECT aid_a, aid_b, {weight} AS weight "
                       "FROM edges)", resolution=config.resolution, seed=config.seed,
                       driver_max_links=config.driver_max_links)


def run_result(store: Store, config: DetectConfig, counts: dict[str, dict[str, Any]],
               n_attached: int = 0) -> DetectResult:
    """The counts of the run whose tables are in ``store``."""
    return DetectResult(
        config=config,
        n_posts=store.count_posts(),
        n_accounts=store.count_accounts(),
        trace_counts=counts,
        n_pairs=int(store.scalar("SELECT count(*) FROM (SELECT DISTINCT aid_a, aid_b FROM pairs)")),
        n_edges=int(store.scalar("SELECT count(*) FROM edges")),
        n_networks=int(store.scalar("SELECT count(*) FROM networks")),
        n_members=int(store.scalar("SELECT count(*) FROM members")),
        n_bounded_keys=int(store.scalar("SELECT count(DISTINCT (trace, key)) FROM bounded_keys")),
        n_significant=int(store.scalar("SELECT count(*) FROM pair_scores WHERE significant")),
        n_attached=n_attached,
        n_inauthentic=int(store.scalar(
            "SELECT count(*) FROM assessments WHERE assessment = 'inauthentic'"))
        if config.assess and store.table_exists("assessments") else 0,
    )


def _communities_of(aids: Any, labels: Any, min_size: int) -> list[Any]:
    """The communities of at least ``min_size`` accounts, as sorted arrays of aids."""
    import numpy as np

    aids = np.asarray(aids, dtype=np.int64)
    labels = np.asarray(labels, dtype=np.int64)
    if labels.shape[0] == 0:
        return []
    sizes = np.bincount(labels)
    return [np.sort(aids[labels == c]) for c in np.nonzero(sizes >= min_size)[0]]


#: The tables of the group-evidence search that a later run may reuse.
_GROUP_TABLES = ("items", "item_sizes", "group_tests", "group_candidates", "group_stage")
# (the first four are made by the search, on the engine; ``group_stage`` by the store)


def _group_key(store: Store, config: DetectConfig) -> str:
    """What the tested candidate groups depend on: the co-action tables (:func:`_stage_key`)
    and the group settings, least network size, FDR and seed; not the resolution of the
    pair-level communities."""
    d = config.as_dict()
    return json.dumps({"stage": _stage_key(store, config), "groups": d["groups"],
                       "min_size": d["min_size"], "fdr": d["fdr"], "seed": d["seed"],
                       "driver_max_links": d["driver_max_links"]},
                      sort_keys=True, default=str)


def _group_stage(store: Store, config: DetectConfig, pair_groups: list[Any], reuse: bool = False,
                 engine: Any = None, reporter: Reporter | None = None
                 ) -> tuple[list[tuple[Any, str, dict[str, float] | None]], dict[int, Any], bool]:
    """Group-level evidence (:mod:`cibwatch.groups`): candidate groups that pass the group
    test on held-out items, merged with the pair-level communities; every account's
    membership by its evidence with the group (pair-level members keep their network).
    Returns the networks ``(aids, found_by, best group test)``, each group-evidence
    member's test, and whether the items and candidates were those of the earlier run.

    With ``reuse``, the items and the tested candidates of an earlier run with the same
    :func:`_group_key` are read back (:func:`cibwatch.groups.tested_groups`) instead of being
    searched again: the search is most of the stage's cost, and a rerun with another
    resolution or attachment setting does not change it.

    With ``engine`` (:class:`cibwatch.engine.spark.SparkEngine`), the search (items, weak
    graphs, label propagation above the driver limit, the tests' counts) and the counts of
    the membership rounds run there; the search's tables are read back into the store (for
    the group links, the workspace and a later reuse)."""
    from .groups import build_items, find_groups, merge_groups, search_on, tested_groups

    params = config.groups
    key = _group_key(store, config)
    reused = reuse and all(store.table_exists(t) for t in _GROUP_TABLES) \
        and _as_declared(store, _GROUP_TABLES) \
        and store.fetchall("SELECT group_key FROM group_stage") == [(key,)]
    # the search (and the membership rounds after it) on the engine, when it runs this time
    with search_on(store, None if reused else engine, reporter) as where:
        if reused:
            found = tested_groups(store, config.fdr)
        else:
            build_items(where, params)
            found = find_groups(where, params, min_size=config.min_size, fdr=config.fdr,
                                seed=config.seed, driver_max_links=config.driver_max_links)
            if where is not store:
                engine.bring_back(store, where, _GROUP_TABLES[:4])
            DuckDBBackend(store).write_arrow("group_stage", pa.table(
                {"group_key": pa.array([key], pa.string())}))
        inputs = [g for g in pair_groups] + [f["aids"] for f in found]
        merged, index = merge_groups(inputs)
        fixed: dict[int, int] = {}
        for i, g in enumerate(pair_groups):
            for a in g:
                fixed[int(a)] = index[i]
        assign, evidence = _membership(store, merged, config, fixed, key, reused, where)
    evidence = {a: e for a, e in evidence.items() if a not in fixed}
    out: list[tuple[Any, str, dict[str, float] | None]] = []
    import numpy as np

    for k in range(len(merged)):
        aids = np.array(sorted(a for a, g in assign.items() if g == k), np.int64)
        sources = {("pairs" if i < len(pair_groups) else "group") for i, j in
                   enumerate(index) if j == k}
        tests = [found[i - len(pair_groups)] for i, j in enumerate(index)
                 if j == k and i >= len(pair_groups)]
        best = min(tests, key=lambda f: f["p"]) if tests else None
        out.append((aids, "+".join(sorted(sources)),
                    None if best is None else {x: best[x] for x in ("t", "mean", "p", "q")}))
    return out, evidence, reused


_MEMBERSHIP_SCHEMA = pa.schema([("aid", pa.int64()), ("gid", pa.int64()), ("tested", pa.bool_()),
                                ("y", pa.int64()), ("d", pa.int64()), ("pi", pa.float64()),
                                ("p", pa.float64()), ("q", pa.float64())])


def _membership(store: Store, merged: list[Any], config: DetectConfig, fixed: dict[int, int],
                group_key: str, reused: bool, where: Any = None
                ) -> tuple[dict[int, int], dict[int, Any]]:
    """:func:`cibwatch.groups.membership`, taken back from the store (:mod:`cibwatch.memo`)
    when the items are those of the run before (``reused``) and the groups, the pair-level
    members and the settings are the same. ``where``: where the rounds' counts run (the
    store, or the engine whose warehouse holds the items; None: the store)."""
    import numpy as np

    from . import groups, memo

    key = memo.digest("membership", memo.source_digest(groups), group_key,
                      sorted(fixed.items()), *[np.asarray(g, np.int64) for g in merged])
    t = memo.recall(store, "membership", key) if reused else None
    if t is not None:
        rows = t.to_pylist()
        return ({r["aid"]: r["gid"] for r in rows},
                {r["aid"]: {k: r[k] for k in ("y", "d", "pi", "p", "q")}
                 for r in rows if r["tested"]})
    assign, evidence = groups.membership(store if where is None else where, merged,
                                         config.groups, config.fdr, fixed)
    none = dict.fromkeys(("y", "d", "pi", "p", "q"))
    memo.remember(store, "membership", key, pa.Table.from_pylist(
        [{"aid": a, "gid": g, "tested": a in evidence, **evidence.get(a, none)}
         for a, g in assign.items()], schema=_MEMBERSHIP_SCHEMA))  # evidence: of assigned ones
    return assign, evidence


def _group_links(store: Store, config: DetectConfig, reused: bool) -> None:
    """:func:`cibwatch.groups.group_links`, taken back from the store when the items are those
    of the run before (``reused``) and ``members`` is the same."""
    from . import groups, memo

    m = store.arrow("SELECT aid, network_id FROM members ORDER BY aid, network_id")
    key = memo.digest("group_links", memo.source_digest(groups), _group_key(store, config),
                      m.column("aid").to_numpy(), m.column("network_id").to_pylist())
    links = memo.recall(store, "group_links", key) if reused else None
    items = memo.recall(store, "network_items", key) if reused else None
    if links is not None and items is not None:
        backend = DuckDBBackend(store)
        backend.write_arrow("group_links", links)
        backend.write_arrow("network_items", items)
        return
    groups.group_links(store, config.groups)
    memo.remember(store, "group_links", key, store.arrow("SELECT * FROM group_links"))
    memo.remember(store, "network_items", key, store.arrow("SELECT * FROM network_items"))


def _store_networks(store: Store, networks: list[tuple[Any, str, dict[str, float] | None]],
                    evidence: dict[int, Any], min_size: int) -> None:
    """Networks -> ``members(aid, network_id, ...)``, ``networks(network_id, size)`` and
    ``network_evidence(network_id, found_by, group_t, group_mean, group_p, group_q)``.

    Network ids ``N0001``... are given by decreasing size, then by the smallest
    ``(platform, account_id)`` of the members: stable for the same input. A member's
    ``source`` is ``pairs`` (in the pair-level community), ``group`` (joined by its evidence
    with the group, :func:`cibwatch.groups.membership`) or ``attached``.
    """
    rows: list[dict[str, Any]] = []
    nets: list[dict[str, Any]] = []
    for i, (aids, found_by, test) in enumerate(networks):
        if len(aids) < min_size:
            continue
        nets.append({"community": i, "found_by": found_by,
                     **{f"group_{k}": (None if test is None else float(test[k]))
                        for k in ("t", "mean", "p", "q")}})
        for a in aids:
            ev = evidence.get(int(a))
            rows.append({"aid": int(a), "community": i,
                         "source": "group" if ev is not None else "pairs",
                         "group_posts": None if ev is None else ev["y"],
                         "period_posts": None if ev is None else ev["d"],
                         "group_pi": None if ev is None else ev["pi"],
                         "group_p": None if ev is None else ev["p"],
                         "group_q": None if ev is None else ev["q"]})
    schema = pa.schema([("aid", pa.int32()), ("community", pa.int64()), ("source", pa.string()),
                        ("group_posts", pa.int64()), ("period_posts", pa.int64()),
                        ("group_pi", pa.float64()), ("group_p", pa.float64()),
                        ("group_q", pa.float64())])
    t = pa.Table.from_pylist(rows, schema=schema)
    nt = pa.Table.from_pylist(nets, schema=pa.schema([
        ("community", pa.int64()), ("found_by", pa.string()), ("group_t", pa.float64()),
        ("group_mean", pa.float64()), ("group_p", pa.float64()), ("group_q", pa.float64())]))
    backend = DuckDBBackend(store)
    with store.registered("membership", t), store.registered("membership_nets", nt):
        store.execute(
            """
            CREATE OR REPLACE TEMP TABLE network_ids AS
            WITH m AS (
              SELECT m.aid, m.community, ai.platform, ai.account_id
              FROM membership m JOIN account_index ai USING (aid)),
            c AS (SELECT community, COUNT(*) AS size, MIN((platform, account_id)) AS first
                  FROM m GROUP BY community)
            SELECT community,
                   'N' || lpad(CAST(ROW_NUMBER() OVER (ORDER BY size DESC, first) AS VARCHAR),
                               4, '0') AS network_id
            FROM c
            """
        )
        backend.materialise("members", f"""
            SELECT {select_list("members", {
                "aid": "m.aid", "network_id": "n.network_id", "attached": "FALSE",
                "attach_round": "0", "source": "m.source", "group_posts": "m.group_posts",
                "period_posts": "m.period_posts", "group_pi": "m.group_pi",
                "group_p": "m.group_p", "group_q": "m.group_q"})}
            FROM membership m JOIN network_ids n USING (community)
            ORDER BY n.network_id, m.aid""")
        backend.materialise("network_evidence", """
            SELECT n.network_id, x.found_by, x.group_t, x.group_mean, x.group_p, x.group_q
            FROM membership_nets x JOIN network_ids n USING (community)
            ORDER BY n.network_id""")
        store.execute("DROP TABLE network_ids")
    backend.materialise("networks", NETWORKS_SQL)


def pair_evidence(
    store: Store, aid_a: int, aid_b: int, config: DetectConfig | None = None,
    windows_from_store: bool = True,
) -> pa.Table:
    """Every co-action of two accounts, per trace and window, with both posts: the full
    evidence behind an edge, recomputed from the stored actions with the same join (no hot-key
    bound). The windows are those of the last run in the store (``windows_from_store``), else
    the config's."""
    config = config or DetectConfig()
    stored: dict[str, list[float]] = {}
    if windows_from_store and store.table_exists("windows"):
        for trace, win in store.fetchall("SELECT trace, win FROM windows ORDER BY trace, win"):
            stored.setdefault(trace, []).append(float(win))
    parts = []
    for trace in config.traces:
        windows = tuple(stored[trace.name]) if trace.name in stored else (
            config.windows_for(trace.name) or (60.0,))
        for w in windows:
            spec = JoinSpec(w, None, aid_a == aid_b)
            acts = (f"(SELECT * FROM actions WHERE trace = '{trace.name}' "
                    f"AND aid IN ({int(aid_a)}, {int(aid_b)}))")
            parts.append(
                f"SELECT '{trace.name}' AS trace, {w} AS win, * FROM "
                f"({coaction_sql('(' + ranked_actions_sql(acts, spec) + ')', spec)})"
            )
    sql = " UNION ALL ".join(parts)
    return store.arrow(
        f"""
        SELECT c.trace, c.win AS window_s, c.key, pa.platform AS platform_a,
               pa.account_id AS account_id_a, pa.post_id AS post_id_a,
               pa.created_at AS created_at_a, pb.platform AS platform_b,
               pb.account_id AS account_id_b, pb.post_id AS post_id_b,
               pb.created_at AS created_at_b, c.dt / 1e6 AS dt_s, pa.text AS text_a,
               pb.text AS text_b
        FROM ({sql}) c JOIN posts pa ON pa.pid = c.pid_a JOIN posts pb ON pb.pid = c.pid_b
        WHERE c.aid_a = {min(aid_a, aid_b)} AND c.aid_b = {max(aid_a, aid_b)}
        ORDER BY c.trace, c.win, c.ts_a, c.ts_b, pa.post_id, pb.post_id
        """
    )
