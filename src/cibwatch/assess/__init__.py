"""Assess each network: does its coordination come with fake or concealed identity?

One module per family of account fingerprints (:mod:`.clock`, :mod:`.repurpose`,
:mod:`.creation`, :mod:`.identity`, :mod:`.engagement`), each an estimator with its
parameters in the constructor and its results in trailing-underscore attributes;
:mod:`.verdict` combines them into ``inauthentic`` or ``coordinated``, a kind, a score and
reasons with DISARM codes. :func:`assess` runs them all on the networks of a detection run and
writes the ``assessments`` and ``account_flags`` tables.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from ..engine import DuckDBBackend, dialect
from .baseline import Baseline
from .clock import AccountRhythms, PostingClock, _weekday_hour, city_offset
from .creation import GENERATED_HANDLE, CreationBatches
from .engagement import InwardEngagement
from .identity import IdentityReuse
from .repurpose import Repurposing
from .verdict import COMMERCE, COMMERCE_MIN_WORDS, DISARM, DISCLOSED, Reason, Verdict, decide

if TYPE_CHECKING:
    from ..store import Store

__all__ = [
    "assess",
    "AssessParams",
    "PostingClock",
    "AccountRhythms",
    "Repurposing",
    "CreationBatches",
    "IdentityReuse",
    "InwardEngagement",
    "Verdict",
    "Reason",
    "DISARM",
    "GENERATED_HANDLE",
]

DAY_S = 86400.0


@dataclass(frozen=True)
class AssessParams:
    """Parameters of the assessment (each fingerprint's own are in its class).

    Parameters
    ----------
    min_families, min_strength:
        Independent families of evidence needed for ``inauthentic`` (default 2), each with at
        least this strength (``-log10 p`` against the data's baseline; default 2, p <= 0.01:
        :mod:`.verdict`).
    period_margin_days:
        The clock is read on the members' posts from this many days before the network's first
        co-action to as many after its last (default 7): a repurposed account's past life keeps
        its own clock. A network without co-actions among its members (one given from
        outside, e.g. a list of accounts to assess) is read on all its posts.
    min_commercial:
        Share of posts reading as commerce that makes an inauthentic network ``spam``.
    """

    min_families: int = 2
    min_strength: float = 2.0
    period_margin_days: float = 7.0
    min_commercial: float = 0.5
    clock: PostingClock = field(default_factory=PostingClock)
    rhythms: AccountRhythms = field(default_factory=AccountRhythms)
    repurposing: Repurposing = field(default_factory=Repurposing)
    creation: CreationBatches = field(default_factory=CreationBatches)
    identity: IdentityReuse = field(default_factory=IdentityReuse)
    engagement: InwardEngagement = field(default_factory=InwardEngagement)
    baseline: Baseline = field(default_factory=Baseline)


def _network_facts(store: Store, params: AssessParams) -> dict[str, dict[str, Any]]:
    facts: dict[str, dict[str, Any]] = defaultdict(dict)
    for nid, size, n_platforms in store.fetchall(
        "SELECT m.network_id, count(*), count(DISTINCT ai.platform) "
        "FROM members m JOIN account_index ai USING (aid) GROUP BY 1 ORDER BY 1"
    ):
        facts[nid].update(size=int(size), platforms=int(n_platforms))
    margin = params.period_margin_days * DAY_S * 1e6
    base = params.baseline.fit(store)
    rates = {"office_mu": base.office_mu_ if base.office_accounts_ >= 10 else None,
             "office_rho": base.office_rho_ if base.office_accounts_ >= 10 else None,
             "office_sd": base.office_sd_ if base.office_accounts_ >= 10 else None,
             "far_location": base.far_location_ if base.far_location_n_ >= 20 else None,
             "generated": base.generated_, "image_shared": base.image_shared_,
             "bio_shared": base.bio_shared_, "repurposed": base.repurposed_}
    for nid in facts:
        facts[nid]["baseline"] = rates
    group_span = ("UNION ALL SELECT network_id, first_ts, last_ts FROM network_items"
                  if store.table_exists("network_items") else "")
    # the clock, on the members' posts around the network's co-actions and items
    t = store.arrow(
        f"""
        WITH ev AS (
          SELECT m.network_id, LEAST(c.ts_a, c.ts_b) AS t0, GREATEST(c.ts_a, c.ts_b) AS t1
          FROM coactions c JOIN members m ON m.aid = c.aid_a
          JOIN members m2 ON m2.aid = c.aid_b AND m2.network_id = m.network_id
          {group_span}),
        span AS (SELECT network_id, min(t0) - {margin} AS t0, max(t1) + {margin} AS t1
                 FROM ev GROUP BY network_id)
        SELECT m.network_id, m.aid, {dialect.epoch_s('p.created_at')} AS t
        FROM members m JOIN posts p USING (aid) LEFT JOIN span s USING (network_id)
        WHERE s.t0 IS NULL OR {dialect.epoch_us('p.created_at')} BETWEEN s.t0 AND s.t1
        ORDER BY m.network_id, t, m.aid
        """
    )
    nids = t.column("network_id").to_numpy(zero_copy_only=False)
    times = t.column("t").to_numpy()
    aids = t.column("aid").to_numpy()
    if nids.shape[0]:
        cuts = np.nonzero(nids[1:] != nids[:-1])[0] + 1
        for seg_n, seg_t, seg_a in zip(np.split(nids, cuts), np.split(times, cuts),
                                       np.split(aids, cuts), strict=True):
            clock = PostingClock(**_params(params.clock)).fit(seg_t)
            facts[str(seg_n[0])]["clock"] = clock
            facts[str(seg_n[0])]["office"] = _office_counts(clock, seg_t, seg_a)
    for nid, locs in store.fetchall(
        "SELECT m.network_id, list(a.location) FROM members m JOIN accounts a USING (aid) "
        "GROUP BY 1"
    ):
        offs = [o for o in (city_offset(x) for x in locs) if o is not None]
        facts[nid]["claimed_offsets"] = offs
    store.execute("CREATE OR REPLACE TEMP TABLE member_aids AS SELECT aid FROM members")
    rep = Repurposing(**_params(params.repurposing)).fit(store, "member_aids")
    net_of = dict(store.fetchall("SELECT aid, network_id FROM members"))
    handle = dict(store.fetchall(
        "SELECT ai.aid, ai.platform || ':' || coalesce(a.handle, ai.account_id) "
        "FROM account_index ai LEFT JOIN accounts a USING (aid) SEMI JOIN members m USING (aid)"))
    for aid, r in rep.results_.items():
        facts[net_of[aid]].setdefault("repurposed", []).append(f"{handle[aid]} {r['description']}")
    rhythms = AccountRhythms(**_params(params.rhythms)).fit(store)
    for nid, r in rhythms.results_.items():
        facts[nid]["rhythms"] = {**r, "baseline": rhythms.baseline_,
                                 "accounts": rhythms.judged_,
                                 "min_posts": rhythms.min_posts,
                                 "max_per_day": rhythms.max_per_day}
    creation = CreationBatches(**_params(params.creation)).fit(store)
    for nid, r in creation.results_.items():
        start = r.get("batch_start")
        facts[nid]["creation"] = {
            **r, "window_hours": creation.window_hours,
            "window_share": (base.creation_window_share(start, creation.window_hours)
                             if start is not None else 1.0),
            "windows": base.creation_windows(creation.window_hours)}
    for nid, r in IdentityReuse(**_params(params.identity)).fit(store).results_.items():
        facts[nid]["identity"] = r
    for nid, r in InwardEngagement(**_params(params.engagement)).fit(store).results_.items():
        facts[nid]["engagement"] = r
    for nid, share in store.fetchall(
        """
        WITH eng AS (SELECT aid, platform FROM posts
                     WHERE reshare_of IS NOT NULL OR reply_to IS NOT NULL),
        plat AS (SELECT DISTINCT m.network_id, ai.platform FROM members m
                 JOIN account_index ai USING (aid))
        SELECT pl.network_id,
               count(*) FILTER (WHERE m.network_id = pl.network_id) / count(*)
        FROM plat pl JOIN eng e ON e.platform = pl.platform LEFT JOIN members m USING (aid)
        GROUP BY pl.network_id
        """
    ):
        if "engagement" in facts[nid]:
            facts[nid]["engagement"]["expected_share"] = float(share)
    if store.table_exists("network_items"):
        for nid, fam, n in store.fetchall(
                "SELECT network_id, fam, count(*) FROM network_items GROUP BY 1, 2"):
            facts[nid].setdefault("items", {})[fam] = int(n)
    for nid, trace, n in store.fetchall(
        """
        SELECT m.network_id, c.trace, count(DISTINCT (c.pid_a, c.pid_b))
        FROM coactions c JOIN members m ON m.aid = c.aid_a
        JOIN members m2 ON m2.aid = c.aid_b AND m2.network_id = m.network_id
        GROUP BY 1, 2
        """
    ):
        facts[nid].setdefault("traces", {})[trace] = int(n)
    pattern = "(?i)" + COMMERCE.pattern
    for nid, share in store.fetchall(
        "SELECT m.network_id, avg(CAST(len(regexp_extract_all(p.text, ?)) >= ? AS INTEGER)) "
        "FROM members m JOIN posts p USING (aid) WHERE p.text <> '' GROUP BY 1",
        [pattern, COMMERCE_MIN_WORDS]
    ):
        facts[nid]["commercial_share"] = float(share)
    for nid, profiles in store.fetchall(
        "SELECT m.network_id, list(concat_ws(' ', a.handle, a.display_name, a.bio)) "
        "FROM members m LEFT JOIN accounts a USING (aid) GROUP BY 1"
    ):
        disclosed = sum(1 for x in profiles if x and DISCLOSED.search(x))
        facts[nid]["disclosed_share"] = disclosed / len(profiles) if profiles else 0.0
    facts_flags = {aid: r for aid, r in rep.results_.items()}
    for nid in facts:
        facts[nid]["_repurposed_aids"] = [a for a in facts_flags if net_of[a] == nid]
    return facts


def _office_counts(clock: PostingClock, times: np.ndarray, aids: np.ndarray
                   ) -> dict[str, Any]:
    """Posts in the clock's weekday working hours (at its best offset) and each member's
    number of posts: the input of the office test (:func:`.verdict.office_tail`)."""
    if not clock.fitted_:
        return {"inside": 0, "posts": np.zeros(0)}
    day, hour = _weekday_hour(np.asarray(times, float) + clock.offset_ * 3600)
    inside = (day < 5) & (((hour >= clock.work_start) & (hour < clock.lunch_start))
                          | ((hour >= clock.lunch_end) & (hour < clock.work_end)))
    _, counts = np.unique(aids, return_counts=True)
    return {"inside": int(inside.sum()), "posts": counts.astype(float)}


def _params(obj: Any) -> dict[str, Any]:
    from dataclasses import fields

    return {f.name: getattr(obj, f.name) for f in fields(obj) if f.init}


_SCHEMA = pa.schema([
    ("network_id", pa.string()), ("assessment", pa.string()), ("kind", pa.string()),
    ("score", pa.float64()), ("utc_offset", pa.float64()), ("families", pa.string()),
    ("strengths", pa.string()), ("disarm", pa.string()), ("reasons", pa.string()),
    ("clock", pa.string())])


def _row(nid: str, v: Verdict, f: dict[str, Any]) -> dict[str, Any]:
    """A network's ``assessments`` row, and its repurposed accounts (``_flags``)."""
    return {"network_id": nid, "assessment": v.assessment, "kind": v.kind, "score": v.score,
            "utc_offset": v.utc_offset, "families": ";".join(v.families),
            "strengths": v.strengths(), "disarm": v.codes(), "reasons": v.reason_text(),
            "clock": f["clock"].describe() if "clock" in f else None,
            "_flags": [int(a) for a in f["_repurposed_aids"]]}


def _network_keys(store: Store, params: AssessParams) -> dict[str, str]:
    """Per network of ``members``, a digest of what its assessment is computed from
    (:mod:`cibwatch.memo`): the assessment's code and parameters, the store's content
    (:func:`cibwatch.memo.content_key`), the network's members and its group-evidence items
    (their number per family and their span), not its id (which a run gives anew:
    :func:`cibwatch.runs.finish_run`). Every fact of :func:`_network_facts` is the network's
    own or the whole data's (the baselines): no other network's members enter it
    (``tests/test_memo.py`` checks that a network assessed alone gets the same row)."""
    import dataclasses
    import sys

    from .. import memo

    modules = sorted((m for n, m in sys.modules.items()
                      if n == __name__ or n.startswith(__name__ + ".")), key=lambda m: m.__name__)
    data = memo.digest(
        "assess", memo.source_digest(*modules),
        {k: _params(v) if dataclasses.is_dataclass(v) else v for k, v in _params(params).items()},
        memo.content_key(store))
    items: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    if store.table_exists("network_items"):
        for nid, *rest in store.fetchall(
                "SELECT network_id, fam, count(*), min(first_ts), max(last_ts) "
                "FROM network_items GROUP BY 1, 2 ORDER BY 1, 2"):
            items[nid].append(tuple(rest))
    m = store.arrow("SELECT network_id, aid FROM members ORDER BY network_id, aid")
    nids = m.column("network_id").to_numpy(zero_copy_only=False)
    aids = m.column("aid").to_numpy().astype(np.int64)
    keys: dict[str, str] = {}
    if nids.shape[0]:
        cuts = np.nonzero(nids[1:] != nids[:-1])[0] + 1
        for seg_n, seg_a in zip(np.split(nids, cuts), np.split(aids, cuts), strict=True):
            nid = str(seg_n[0])
            keys[nid] = memo.digest(data, seg_a, items.get(nid, []))
    return keys


def assess(store: Store, params: AssessParams | None = None) -> int:
    """Assess every network of the last detection run; writes ``assessments(network_id,
    assessment, kind, score, utc_offset, families, disarm, reasons)`` and
    ``account_flags(aid, repurposed)``; returns how many networks were assessed anew.

    Lazy: a network whose members, items, data and settings are those of a network the run
    before assessed (:func:`_network_keys`) takes that assessment back (``memo_assessments``,
    :mod:`cibwatch.memo`); only the others are assessed, on a ``members`` table that holds them
    alone (a temporary table of that name, which the queries read in place of the run's)."""
    import json

    from .. import memo

    params = params or AssessParams()
    keys = _network_keys(store, params)
    wanted = set(keys.values())
    kept = {k: json.loads(v) for k, v in memo.recall_blobs(store, "assessments").items()
            if k in wanted}
    todo = sorted(n for n, k in keys.items() if k not in kept)
    rows = {n: kept[k] | {"network_id": n} for n, k in keys.items() if k in kept}
    if todo:
        subset = len(todo) < len(keys)
        if subset:
            with store.registered("assess_todo", pa.table({"network_id": todo})):
                store.execute("CREATE OR REPLACE TEMP TABLE members AS SELECT * FROM main.members"
                              " WHERE network_id IN (SELECT network_id FROM assess_todo)")
        try:
            facts = _network_facts(store, params)
        finally:
            if subset:
                store.execute("DROP TABLE temp.members")
        for nid in todo:
            f = facts[nid]
            rows[nid] = _row(nid, decide(nid, f, params.min_families, params.min_commercial,
                                         params.min_strength), f)
    memo.remember_blobs(store, "assessments", {
        keys[n]: json.dumps(r, sort_keys=True).encode() for n, r in rows.items()})
    ordered = [rows[n] for n in sorted(rows)]
    table = pa.Table.from_pylist([{c: r[c] for c in _SCHEMA.names} for r in ordered],
                                 schema=_SCHEMA)
    flags = pa.table({"aid": pa.array(sorted(a for r in ordered for a in r["_flags"]),
                                      pa.int32())})
    with store.registered("assess_in", table), store.registered("flags_in", flags):
        backend = DuckDBBackend(store)
        backend.replace("assessments", "SELECT * FROM assess_in")
        backend.replace("account_flags", "SELECT aid, TRUE AS repurposed FROM flags_in")
    return len(todo)
