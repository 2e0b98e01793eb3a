"""Typed network summaries: what a run found per network and why, as objects, not prose.

The statistics of a run's networks are computed in SQL as numbers and data only
(:func:`network_tables`: sizes, counts, p-values, co-actions per trace, item families);
:func:`network_findings` turns them into a :class:`NetworkFindings` per network, with its
:class:`Reason` objects (:class:`Members`, :class:`ActingTogether`, :class:`GroupBeyondChance`,
:class:`OwnItems`: the numbers behind each reason). :func:`render_reason` and
:func:`render_reasons` are the one place that turns those into the sentences of
``networks.csv`` and ``summary.md``; the writers (:mod:`cibwatch.report.outputs`,
:mod:`cibwatch.report.summary`) only format the objects.

The assessment's reasons (fake or concealed identity) are typed in
:mod:`cibwatch.assess.verdict` (:class:`cibwatch.assess.verdict.Reason`) and kept as its
sentence; a network's reason text is the assessment's, then the coordination's.

Numbers are written as the reports always wrote them: counts as integers, p- and q-values in
three significant digits (``%.3g``), other decimals as the shortest text that reads back as
the same double (Python's ``repr``, which is DuckDB's ``CAST(x AS VARCHAR)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from .traces import TRACES

if TYPE_CHECKING:
    from .store import Store

__all__ = ["NetworkFindings", "Reason", "Members", "ActingTogether", "GroupBeyondChance",
           "OwnItems", "TraceActivity", "TopItem", "MemberFindings", "JoinedByGroup",
           "AttachedToNetwork", "ActedWithMembers", "Repurposed", "network_findings",
           "member_findings", "network_tables", "group_tables", "assessments_table",
           "render_reason", "render_reasons", "render_member_reasons", "trace_text",
           "traces_text", "top_items_text", "assessment_sentences"]


@dataclass(frozen=True)
class TraceActivity:
    """The co-actions of a network's linked pairs in one trace, on how many items."""

    trace: str
    n_coactions: int
    n_keys: int


@dataclass(frozen=True)
class TopItem:
    """One of the items most of a network's accounts acted on: its trace (``items:<family>``
    for the network's own items), the item (first 80 characters, on one line), accounts."""

    trace: str
    item: str
    n_accounts: int


@dataclass(frozen=True)
class Reason:
    """One reason a network is reported, as the numbers behind it (a subclass per kind,
    named by ``code``); :func:`render_reason` writes its sentence."""

    code: ClassVar[str] = ""


@dataclass(frozen=True)
class Members(Reason):
    """Who: the network's accounts and their platforms."""

    code: ClassVar[str] = "members"
    size: int
    platforms: tuple[str, ...]


@dataclass(frozen=True)
class ActingTogether(Reason):
    """Linked pairs that acted together within the window: how many, the density, the
    co-actions per trace, the median time apart (s), the share of the members' links that stay
    inside (%), and, with the significance test, the largest q-value and the smallest
    p-value of the links (None: no test)."""

    code: ClassVar[str] = "pairs"
    n_pairs: int
    density: float | None
    traces: tuple[TraceActivity, ...]
    median_dt_s: float | None
    inside_pct: int | None
    max_q: float | None
    min_p: float | None


@dataclass(frozen=True)
class GroupBeyondChance(Reason):
    """The group test on held-out items: posts on items another member posted on
    (``excess``), against ``expected`` by chance, with its p- and q-value."""

    code: ClassVar[str] = "group"
    excess: int | None
    expected: float | None
    p: float
    q: float | None


@dataclass(frozen=True)
class OwnItems(Reason):
    """Items that are the network's own (group evidence): how many, per family, and the
    member pairs that posted on the same one."""

    code: ClassVar[str] = "own_items"
    n_items: int
    families: tuple[tuple[str, int], ...]
    n_pairs: int


@dataclass(frozen=True)
class NetworkFindings:
    """One network of a run as the reports show it: who (``size``, ``platforms``), the
    assessment (``assessment``, ``kind``, ``score``, the posting clock's ``utc_offset`` and
    sentence ``clock``, and the assessment's reason text ``assessment_reasons``), the
    co-action figures, the items most of its accounts acted on, and the coordination
    :class:`Reason` objects (``reasons``, in the order they are told)."""

    network_id: str
    label: str
    size: int
    platforms: tuple[str, ...]
    assessment: str
    kind: str
    score: float
    utc_offset: float | None
    clock: str | None
    assessment_reasons: str | None
    n_edges: int
    density: float | None
    n_coactions: int
    median_dt_s: float | None
    traces: tuple[TraceActivity, ...]
    top_items: tuple[TopItem, ...]
    reasons: tuple[Reason, ...]

    @property
    def platforms_text(self) -> str:
        """``facebook;twitter``."""
        return ";".join(self.platforms)


@dataclass(frozen=True)
class JoinedByGroup(Reason):
    """A member that joined its network by its evidence with the group: its posts on the
    network's items in the network's period, against the share of all posts of the period
    (``share_pct``, %), the test's p and q, the members it shares an item with, and those it
    acted together with within the window (``degree``)."""

    code: ClassVar[str] = "group_member"
    label: str
    group_posts: int | None
    period_posts: int | None
    share_pct: float | None
    p: float | None
    q: float | None
    group_degree: int
    degree: int


@dataclass(frozen=True)
class AttachedToNetwork(Reason):
    """A member attached to its network: its co-actions with the network as a whole are
    beyond chance (p, q)."""

    code: ClassVar[str] = "attached"
    label: str
    p: float | None
    q: float | None


@dataclass(frozen=True)
class ActedWithMembers(Reason):
    """A member linked by pairs: the members it acted together with (``degree``), its
    co-actions per trace, its posts that were co-actions of all its posts (``share_pct``, %),
    the closest in time (s) and its strongest link's p-value (None: no test)."""

    code: ClassVar[str] = "acted"
    label: str
    degree: int
    traces: tuple[tuple[str, int], ...] | None
    n_coacting_posts: int
    n_posts: int | None
    share_pct: int | None
    min_dt_s: float | None
    best_p: float | None


@dataclass(frozen=True)
class Repurposed(Reason):
    """The account was repurposed (see the network's reasons)."""

    code: ClassVar[str] = "repurposed"


@dataclass(frozen=True)
class MemberFindings:
    """One member of a network (its account number ``aid``) and its reasons."""

    aid: int
    network_id: str
    reasons: tuple[Reason, ...]


# -- rendering: the one place that writes the sentences ----------------------------------------

def _g(x: float | None) -> str | None:
    """A p- or q-value in three significant digits (``printf('%.3g')``); None stays None."""
    return None if x is None else f"{x:.3g}"


def traces_text(traces: tuple[TraceActivity, ...]) -> str | None:
    """``reshare=24;url=4`` (None: no co-action)."""
    return ";".join(f"{t.trace}={t.n_coactions}" for t in traces) or None


def trace_text(traces: tuple[TraceActivity, ...]) -> str | None:
    """``reshare 24 co-actions on 5 items, url 4 co-actions on 2 items`` (None: none)."""
    return ", ".join(f"{t.trace} {t.n_coactions} co-actions on {t.n_keys} items"
                     for t in traces) or None


def top_items_text(items: tuple[TopItem, ...]) -> str | None:
    """``reshare: item (12 accounts) | url: ...`` (None: none)."""
    return " | ".join(f"{i.trace}: {i.item} ({i.n_accounts} accounts)" for i in items) or None


def render_reason(reason: Reason) -> str | None:
    """The sentence of one reason, as ``networks.csv`` tells it (None: a figure it needs is
    missing, as the SQL it replaces gave NULL)."""
    if isinstance(reason, Members):
        return f"{reason.size} accounts ({';'.join(reason.platforms)})"
    if isinstance(reason, ActingTogether):
        r = reason
        together = trace_text(r.traces)
        if (r.density is None or together is None or r.median_dt_s is None
                or r.inside_pct is None):
            return None
        text = (f"{r.n_pairs} linked pairs (density {r.density!r}), acting together within "
                f"the window: {together}; median time apart {r.median_dt_s!r} s; "
                f"{r.inside_pct} % of their links stay inside the network")
        if r.max_q is not None and r.min_p is not None:
            text += (f"; every link is beyond chance (q <= {_g(r.max_q)}, strongest p = "
                     f"{_g(r.min_p)})")
        return text
    if isinstance(reason, GroupBeyondChance):
        r2 = reason
        if r2.excess is None or r2.expected is None or r2.q is None:
            return None
        return (f"as a group, on items held out from the search, its accounts posted "
                f"{r2.excess} times on items another member posted on, against "
                f"{r2.expected!r} expected by chance (p = {_g(r2.p)}, q = {_g(r2.q)})")
    if isinstance(reason, OwnItems):
        fams = ", ".join(f"{f} {n}" for f, n in reason.families)
        return (f"{reason.n_items} items are the network's own ({fams}), {reason.n_pairs} "
                "pairs of members posted on the same one")
    if isinstance(reason, JoinedByGroup):
        j = reason
        if None in (j.group_posts, j.period_posts, j.share_pct, j.p, j.q):
            return None
        text = (f"joined {j.label} by its evidence with the group: {j.group_posts} of its "
                f"{j.period_posts} posts in the network's period were on the network's items, "
                f"against {j.share_pct:.2g} % of all posts of the period (p = {_g(j.p)}, "
                f"q = {_g(j.q)}); posted on the same item as {j.group_degree} other member(s)")
        if j.degree > 0:
            text += f"; acted together with {j.degree} member(s) within the window"
        return text
    if isinstance(reason, AttachedToNetwork):
        if reason.p is None or reason.q is None:
            return None
        return (f"attached to {reason.label}: its co-actions with the network as a whole are "
                f"beyond chance (p = {_g(reason.p)}, q = {_g(reason.q)})")
    if isinstance(reason, ActedWithMembers):
        a = reason
        if a.traces is None or a.n_posts is None or a.share_pct is None or a.min_dt_s is None:
            return None
        per_trace = ", ".join(f"{t}={n}" for t, n in a.traces)
        text = (f"acted together with {a.degree} other member(s) of {a.label} ({per_trace} "
                f"co-actions); {a.n_coacting_posts} of its {a.n_posts} posts ({a.share_pct} %);"
                f" closest in time: {a.min_dt_s!r} s")
        if a.best_p is not None:
            text += f"; its strongest link: p = {_g(a.best_p)}"
        return text
    if isinstance(reason, Repurposed):
        return "repurposed account (see the network)"
    raise TypeError(f"no sentence for the reason {type(reason).__name__}")


def render_reasons(findings: NetworkFindings) -> str | None:
    """The ``reasons`` of ``networks.csv``: the assessment's reason text, then
    ``Coordination:`` and the coordination reasons (``Members`` first, the others after a
    comma or a semicolon). None when a figure a reason needs is missing."""
    head = (f"{findings.assessment_reasons}. Coordination: " if findings.assessment_reasons
            else "Coordination: ")
    parts = []
    for i, reason in enumerate(findings.reasons):
        text = render_reason(reason)
        if text is None:
            return None
        sep = "" if i == 0 else ", " if isinstance(reason, ActingTogether) else "; "
        parts.append(sep + text)
    return head + "".join(parts)


def render_member_reasons(member: MemberFindings) -> str | None:
    """The ``reasons`` of ``accounts.csv``: how the member joined, then its flags, joined by
    semicolons. None when a figure a reason needs is missing."""
    parts = [render_reason(r) for r in member.reasons]
    return None if None in parts else "; ".join(p for p in parts if p is not None)


def assessment_sentences(text: str | None) -> list[str]:
    """The assessment's reasons, one sentence each, from their kept text
    (:meth:`cibwatch.assess.verdict.Verdict.reason_text`: sentences joined by ``; `` after
    their ``[code]``)."""
    return [r.strip() for r in re.split(r"(?<=\])\s*;\s*|\n", text or "") if r.strip()]


# -- the numbers, from the run's stage tables --------------------------------------------------

def assessments_table(store: Store) -> str:
    """The run's assessment table (``assessments``), or an empty stand-in of its columns for a
    run without assessment, to join on ``network_id``."""
    if store.table_exists("assessments"):
        return "assessments"
    return ("(SELECT CAST(NULL AS VARCHAR) AS network_id, NULL AS assessment, NULL AS kind, "
            "CAST(NULL AS DOUBLE) AS score, CAST(NULL AS VARCHAR) AS strengths, "
            "CAST(NULL AS DOUBLE) AS utc_offset, "
            "CAST(NULL AS VARCHAR) AS clock, CAST(NULL AS VARCHAR) AS disarm, "
            "CAST(NULL AS VARCHAR) AS reasons WHERE FALSE)")


def group_tables(store: Store) -> tuple[str, str, str]:
    """The group-evidence tables of the run, or empty stand-ins (a run without them)."""
    links = ("group_links" if store.table_exists("group_links") else
             "(SELECT CAST(NULL AS VARCHAR) AS network_id, 0 AS aid_a, 0 AS aid_b, "
             "CAST(NULL AS VARCHAR) AS fam, 0 AS n_items, CAST(NULL AS BIGINT) AS first_ts, "
             "CAST(NULL AS BIGINT) AS last_ts, CAST(NULL AS DOUBLE) AS mean_dt_s, "
             "CAST(NULL AS STRUCT(pid_a BIGINT, pid_b BIGINT, \"key\" VARCHAR, dt_s DOUBLE)[]) "
             "AS evidence WHERE FALSE)")
    items = ("network_items" if store.table_exists("network_items") else
             "(SELECT CAST(NULL AS VARCHAR) AS network_id, CAST(NULL AS VARCHAR) AS fam, "
             "CAST(NULL AS VARCHAR) AS item, 0 AS m, 0 AS k, CAST(NULL AS BIGINT) AS first_ts, "
             "CAST(NULL AS BIGINT) AS last_ts WHERE FALSE)")
    evidence = ("network_evidence" if store.table_exists("network_evidence") else
                "(SELECT network_id, 'pairs' AS found_by, CAST(NULL AS DOUBLE) AS group_t, "
                "CAST(NULL AS DOUBLE) AS group_mean, CAST(NULL AS DOUBLE) AS group_p, "
                "CAST(NULL AS DOUBLE) AS group_q FROM networks)")
    return links, items, evidence



def network_tables(store: Store) -> None:
    """Temp tables of per-network and per-member statistics of the run in the stage tables
    (internal evidence only), numbers and data, no prose: ``net_edges``, ``net_co``
    (co-actions inside each network), ``net_trace`` (per trace), ``net_keys`` (items by
    accounts), ``net_stats`` (per network), ``member_stats`` (per member). Read by
    :func:`network_findings` and the output writers."""
    trace_order = {n: i for i, n in enumerate(TRACES)}
    order_case = " ".join(f"WHEN '{n}' THEN {i}" for n, i in trace_order.items())
    links, items, evidence = group_tables(store)
    member_cols = {r[0] for r in store.fetchall(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'members'")}
    has_source = "source" in member_cols
    label = "m.label" if "label" in member_cols else "m.network_id"
    member_group = ("m.source, m.group_posts, m.period_posts, m.group_pi, m.group_p, m.group_q"
                    if has_source else
                    "CASE WHEN m.attached THEN 'attached' ELSE 'pairs' END AS source, "
                    "NULL AS group_posts, NULL AS period_posts, NULL AS group_pi, "
                    "NULL AS group_p, NULL AS group_q")
    store.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE net_edges AS
        SELECT ma.network_id, e.* FROM edges e
        JOIN members ma ON ma.aid = e.aid_a JOIN members mb ON mb.aid = e.aid_b
        WHERE ma.network_id = mb.network_id AND e.aid_a <> e.aid_b;

        CREATE OR REPLACE TEMP TABLE net_co AS
        SELECT n.network_id, c.trace, c.key, c.aid_a, c.pid_a, c.ts_a, c.aid_b, c.pid_b,
               c.ts_b, c.dt, MIN(c.win) AS win
        FROM coactions c JOIN net_edges n ON n.aid_a = c.aid_a AND n.aid_b = c.aid_b
        GROUP BY ALL;

        CREATE OR REPLACE TEMP TABLE net_trace AS
        SELECT network_id, trace, COUNT(*) AS n_coactions, COUNT(DISTINCT key) AS n_keys,
               CASE trace {order_case} ELSE 99 END AS t_order
        FROM net_co GROUP BY network_id, trace;

        CREATE OR REPLACE TEMP TABLE net_keys AS
        SELECT network_id, trace, key, n_accounts,
               ROW_NUMBER() OVER (PARTITION BY network_id
                                  ORDER BY n_accounts DESC, n_co DESC, trace, key) AS r
        FROM (SELECT network_id, trace, key, COUNT(DISTINCT aid) AS n_accounts,
                     COUNT(*) AS n_co
              FROM (SELECT network_id, trace, key, aid_a AS aid FROM net_co
                    UNION ALL SELECT network_id, trace, key, aid_b FROM net_co) u
              GROUP BY network_id, trace, key
              UNION ALL
              SELECT network_id, 'items:' || fam, item, m, 0 FROM {items}) k;

        CREATE OR REPLACE TEMP TABLE net_stats AS
        WITH m AS (
          SELECT m.network_id, min({label}) AS label, COUNT(*) AS size,
                 string_agg(DISTINCT ai.platform, ';' ORDER BY ai.platform) AS platforms
          FROM members m JOIN account_index ai USING (aid) GROUP BY m.network_id),
        e AS (
          SELECT network_id, COUNT(*) AS n_edges, SUM(weight) AS internal_weight,
                 MIN(p_value) AS min_p, MAX(q_value) AS max_q, SUM(evidence) AS evidence_sum
          FROM net_edges GROUP BY network_id),
        touching AS (
          SELECT network_id, SUM(weight) AS total_weight FROM (
            SELECT DISTINCT m.network_id, x.aid_a, x.aid_b, x.weight FROM edges x
            JOIN members m ON m.aid = x.aid_a OR m.aid = x.aid_b
            WHERE x.aid_a <> x.aid_b) t GROUP BY network_id),
        c AS (
          SELECT network_id, COUNT(*) AS n_coactions,
                 COUNT(DISTINCT (trace, key)) AS n_keys,
                 median(dt) / 1e6 AS median_dt_s,
                 MIN(LEAST(ts_a, ts_b)) AS first_ts, MAX(GREATEST(ts_a, ts_b)) AS last_ts
          FROM net_co GROUP BY network_id),
        gi AS (
          SELECT network_id, SUM(n) AS n_items, MIN(first_ts) AS first_ts,
                 MAX(last_ts) AS last_ts
          FROM (SELECT network_id, fam, COUNT(*) AS n, MIN(first_ts) AS first_ts,
                       MAX(last_ts) AS last_ts FROM {items} GROUP BY 1, 2) x
          GROUP BY network_id),
        gl AS (
          SELECT network_id, COUNT(DISTINCT (aid_a, aid_b)) AS n_links FROM {links}
          GROUP BY network_id)
        SELECT m.network_id, m.label, 'coordinated' AS assessment, m.size, m.platforms,
               coalesce(e.n_edges, 0) AS n_edges,
               round(2.0 * coalesce(e.n_edges, 0) / (m.size * (m.size - 1)), 4) AS density,
               e.min_p, e.max_q, e.evidence_sum,
               round(e.internal_weight / e.n_edges, 4) AS mean_edge_weight,
               round(e.internal_weight / touching.total_weight, 4) AS cohesion,
               coalesce(c.n_coactions, 0) AS n_coactions, coalesce(c.n_keys, 0) AS n_keys,
               round(c.median_dt_s, 3) AS median_dt_s,
               coalesce(LEAST(c.first_ts, gi.first_ts), c.first_ts, gi.first_ts) AS first_ts,
               coalesce(GREATEST(c.last_ts, gi.last_ts), c.last_ts, gi.last_ts) AS last_ts,
               ev.found_by, ev.group_t, ev.group_mean, ev.group_p, ev.group_q,
               coalesce(gi.n_items, 0) AS n_items,
               coalesce(gl.n_links, 0) AS n_group_links
        FROM m LEFT JOIN e USING (network_id) LEFT JOIN touching USING (network_id)
        LEFT JOIN c USING (network_id) LEFT JOIN {evidence} ev USING (network_id)
        LEFT JOIN gi USING (network_id) LEFT JOIN gl USING (network_id);

        CREATE OR REPLACE TEMP TABLE member_stats AS
        WITH ends AS (
          SELECT network_id, aid_a AS aid, aid_b AS partner, pid_a AS pid, trace, dt,
                 LEAST(ts_a, ts_b) AS ts FROM net_co
          UNION ALL
          SELECT network_id, aid_b, aid_a, pid_b, trace, dt, LEAST(ts_a, ts_b) FROM net_co),
        per AS (
          SELECT aid, COUNT(DISTINCT partner) AS degree, COUNT(DISTINCT pid) AS n_coacting_posts,
                 MIN(dt) / 1e6 AS min_dt_s, MIN(ts) AS first_ts, MAX(ts) AS last_ts
          FROM ends GROUP BY aid),
        tr AS (
          SELECT aid, string_agg(trace || '=' || CAST(n AS VARCHAR), ';' ORDER BY t_order) AS traces
          FROM (SELECT aid, trace, COUNT(*) AS n,
                       CASE trace {order_case} ELSE 99 END AS t_order
                FROM ends GROUP BY aid, trace) x GROUP BY aid),
        s AS (
          SELECT aid, SUM(weight) AS strength, MIN(q_value) AS best_q, MIN(p_value) AS best_p
          FROM (SELECT aid_a AS aid, weight, q_value, p_value FROM net_edges UNION ALL
                SELECT aid_b, weight, q_value, p_value FROM net_edges) y GROUP BY aid),
        gd AS (
          SELECT aid, COUNT(DISTINCT partner) AS group_degree FROM (
            SELECT aid_a AS aid, aid_b AS partner FROM {links}
            UNION ALL SELECT aid_b, aid_a FROM {links}) z GROUP BY aid),
        np AS (SELECT aid, COUNT(*) AS n_posts FROM posts GROUP BY aid)
        SELECT m.aid, m.network_id, {label} AS label, m.attached, m.attach_p, m.attach_q,
               ai.platform, ai.account_id, a.handle, a.display_name,
               coalesce(per.degree, 0) AS degree, s.strength, np.n_posts,
               coalesce(per.n_coacting_posts, 0) AS n_coacting_posts,
               round(coalesce(per.n_coacting_posts, 0) / np.n_posts, 4) AS coaction_share,
               round(per.min_dt_s, 3) AS min_dt_s, per.first_ts, per.last_ts, tr.traces,
               s.best_p, s.best_q, {member_group}, coalesce(gd.group_degree, 0) AS group_degree
        FROM members m JOIN account_index ai USING (aid)
        LEFT JOIN accounts a USING (aid)
        LEFT JOIN per USING (aid) LEFT JOIN tr USING (aid) LEFT JOIN s USING (aid)
        LEFT JOIN gd USING (aid) LEFT JOIN np USING (aid);
        """
    )




def _trace_order(trace: str) -> tuple[int, str]:
    order = {n: i for i, n in enumerate(TRACES)}
    return (order.get(trace, 99), trace)


def network_findings(store: Store) -> list[NetworkFindings]:
    """The :class:`NetworkFindings` of every network of the run in the stage tables, by label
    (:func:`network_tables` must have been run)."""
    _, items, _ = group_tables(store)
    traces: dict[str, list[TraceActivity]] = {}
    for nid, trace, n, k in store.fetchall(
            "SELECT network_id, trace, n_coactions, n_keys FROM net_trace"):
        traces.setdefault(str(nid), []).append(TraceActivity(str(trace), int(n), int(k)))
    tops: dict[str, list[TopItem]] = {}
    for nid, trace, key, n in store.fetchall(
            "SELECT network_id, trace, key, n_accounts FROM net_keys WHERE r <= 3 "
            "ORDER BY network_id, r"):
        tops.setdefault(str(nid), []).append(
            TopItem(str(trace), str(key).replace("\n", " ")[:80], int(n)))
    families: dict[str, list[tuple[str, int]]] = {}
    for nid, fam, n in store.fetchall(
            f"SELECT network_id, fam, COUNT(*) FROM {items} GROUP BY 1, 2 ORDER BY 1, 2"):
        families.setdefault(str(nid), []).append((str(fam), int(n)))
    rows = store.fetchall(
        f"""
        SELECT n.network_id, n.label, n.size, n.platforms,
               coalesce(a.assessment, 'coordinated'), coalesce(a.kind, 'coordination'),
               coalesce(a.score, 0.0), a.utc_offset, a.clock, a.reasons,
               n.n_edges, n.density, n.n_coactions, n.median_dt_s,
               CAST(round(100 * n.cohesion) AS INTEGER), n.max_q, n.min_p,
               n.group_p, CAST(round(n.group_t) AS BIGINT), round(n.group_mean, 1), n.group_q,
               n.n_items, n.n_group_links
        FROM net_stats n LEFT JOIN {assessments_table(store)} a USING (network_id)
        ORDER BY n.label
        """)
    out = []
    for (nid, label, size, platforms, assessment, kind, score, offset, clock, why,
         n_edges, density, n_co, median, inside, max_q, min_p,
         group_p, excess, expected, group_q, n_items, n_links) in rows:
        nid = str(nid)
        acts = tuple(sorted(traces.get(nid, []), key=lambda t: _trace_order(t.trace)))
        plats = tuple(str(platforms).split(";"))
        reasons: list[Reason] = [Members(int(size), plats)]
        if n_edges > 0:
            reasons.append(ActingTogether(int(n_edges), density, acts, median, inside,
                                          max_q, min_p))
        if group_p is not None:
            reasons.append(GroupBeyondChance(excess, expected, group_p, group_q))
        if n_items > 0:
            reasons.append(OwnItems(int(n_items), tuple(families.get(nid, [])),
                                    int(n_links)))
        out.append(NetworkFindings(
            nid, str(label), int(size), plats, str(assessment), str(kind), score, offset,
            clock, why, int(n_edges), density, int(n_co), median, acts,
            tuple(tops.get(nid, [])), tuple(reasons)))
    return out


def member_findings(store: Store, flags: str) -> list[MemberFindings]:
    """The :class:`MemberFindings` of every member of the run in the stage tables
    (:func:`network_tables` must have been run); ``flags`` is the table of account flags
    (``aid``, ``repurposed``)."""
    out = []
    for (aid, nid, label, source, attached, attach_p, attach_q, degree, traces, n_co, n_posts,
         share, min_dt, best_p, group_posts, period_posts, share_pct, group_p, group_q,
         group_degree, repurposed) in store.fetchall(
            f"""
            SELECT s.aid, s.network_id, s.label, s.source, s.attached, s.attach_p, s.attach_q,
                   s.degree, s.traces, s.n_coacting_posts, s.n_posts,
                   CAST(round(100 * s.coaction_share) AS INTEGER), s.min_dt_s, s.best_p,
                   s.group_posts, s.period_posts, 100 * s.group_pi, s.group_p, s.group_q,
                   s.group_degree, f.repurposed
            FROM member_stats s LEFT JOIN {flags} f USING (aid)
            """):
        reason: Reason
        if source == "group":
            reason = JoinedByGroup(str(label), group_posts, period_posts, share_pct, group_p,
                                   group_q, int(group_degree), int(degree))
        elif attached:
            reason = AttachedToNetwork(str(label), attach_p, attach_q)
        else:
            per_trace = None if traces is None else tuple(
                (t, int(n)) for t, _, n in (x.rpartition("=") for x in str(traces).split(";")))
            reason = ActedWithMembers(str(label), int(degree), per_trace, int(n_co), n_posts,
                                      share, min_dt, best_p)
        reasons = (reason, Repurposed()) if repurposed else (reason,)
        out.append(MemberFindings(int(aid), str(nid), reasons))
    return out
