"""Threat reports per network in the layout of Meta's adversarial threat reports
(``cibwatch report threat``), with the Breakout Scale (Nimmo 2020).

One entry per network, read from the kept results of a finished run (``run_*``, so any run of
the store): its name (label and stable id) and period; the assessed origin (the posting clock's
time zone, the languages it posts in, the homes its accounts claim), phrased as an assessment
with a confidence, never as a fact; its targets (languages, the accounts it replies to and
mentions most, hashtags); assets by platform; reach ("about N accounts followed one or more of
these accounts", from follower counts where the data has them); narratives (the texts posted by
most of its accounts, quoted; the links and sites it pushed, defanged); tactics and techniques
(DISARM ids of the assessment, mapped to Meta's Online Operations Kill Chain by
:data:`KILL_CHAIN`); detection source; lineage (the networks of earlier runs it shares
accounts with); indicators, defanged (:func:`cibwatch.intel.refang.defang`); pictures (graph,
posting clock, timeline by platform, platform breakdown, :mod:`.pictures`).

Written as ``report.md`` (the source), ``report.html`` (a Jinja2 template shipped in the
package, CSS inline, pictures beside it in ``img/``, nothing fetched) and ``report.pdf``
(ReportLab, text and pictures). Text from the data is escaped: :func:`cibwatch.escape.markdown`
in the Markdown, Jinja2's autoescape in the HTML, ReportLab's own escaping in the PDF. The same
store and arguments give the same ``report.md`` and ``report.html`` bytes.

Cost: per network a few scans of its members' posts (linear in them) and one graph layout.

References: Meta, "Adversarial Threat Report" (quarterly, 2021-), and Meta, "The Online
Operations Kill Chain" (2023); B. Nimmo, "The Breakout Scale: Measuring the impact of
influence operations", Brookings, September 2020.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from ..errors import ConfigError, InputError, NotInStoreError

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["KILL_CHAIN", "KILL_CHAIN_PHASES", "BREAKOUT_LEVELS", "MIN_OUTSIDE_ENGAGERS",
           "Breakout", "ThreatEntry", "threat_entry", "breakout_level", "read_evidence",
           "write_threat_report", "assessed_origin", "html_environment", "write_pdf"]

#: Meta's Online Operations Kill Chain (2023): phase number -> name.
KILL_CHAIN_PHASES: Final = {
    0: "Acquiring assets", 1: "Disguising assets", 2: "Gathering information",
    3: "Coordinating and planning", 4: "Testing defenses", 5: "Evading detection",
    6: "Indiscriminate engagement", 7: "Targeted engagement", 8: "Compromising assets",
    9: "Enabling longevity"}

#: DISARM id -> Meta kill-chain phase. The techniques the assessment names
#: (:mod:`cibwatch.assess.verdict`) each by what it is; any other id by its DISARM tactic
#: (:data:`_TACTIC_PHASE`). Co-ordination itself (the co-actions detection found) is phase 3.
KILL_CHAIN: Final = {
    "T0150.004": 0,  # Repurposed Asset: accounts bought or taken over, then turned
    "T0150.006": 0,  # Purchased Asset
    "T0150.008": 0,  # Bulk Created Asset
    "T0145.001": 1,  # Copy Account Imagery: reused profile pictures
    "T0097.101": 1,  # Local Persona: claimed homes far from the clock
    "T0084.001": 6,  # Use Copypasta: the same text from many accounts
    "T0085.008": 6,  # Machine Translated Text
    "T0049": 6,  # Flood Information Space
    "T0049.003": 6,  # Bots Amplify via Automated Forwarding and Reposting
    "T0119.002": 6,  # Post across Platform
    "T0049.001": 7,  # Trolls Amplify and Manipulate: reply floods under chosen posts
}
_TACTIC_PHASE: Final = {"TA15": 0, "TA16": 1, "TA13": 2, "TA07": 3, "TA06": 6, "TA17": 6,
                        "TA09": 6, "TA18": 7, "TA11": 9}
_TECHNIQUE = re.compile(r"T\d{4}(?:\.\d{3})?")

#: Nimmo's Breakout Scale (2020), level -> what it means.
BREAKOUT_LEVELS: Final = {
    1: "one platform, one community",
    2: "one community on several platforms, or several communities on one platform",
    3: "several communities on several platforms",
    4: "picked up by mainstream media",
    5: "amplified by high-profile people",
    6: "a policy response or a call to violence",
}
#: Distinct accounts outside the network that replied to, reshared or mentioned its accounts
#: on a platform for the network to count as having reached a community beyond its own there.
#: Ten: a handful of outside replies is what any account gets from bystanders and spam; ten
#: distinct engagers is the smallest audience Nimmo's examples call a community.
MIN_OUTSIDE_ENGAGERS: Final = 10
#: Evidence kinds an analyst records (``--evidence``), by the level each one lifts to.
_EVIDENCE_LEVELS: Final = {"media": 4, "high_profile": 5, "policy_response": 6,
                           "call_to_violence": 6}
#: UTC offsets -> places that keep that time (examples for the assessed origin).
_ZONES: Final = {
    -8: "the US Pacific coast", -7: "the US mountain states", -6: "Mexico or the US Midwest",
    -5: "the US East Coast or Colombia", -4: "Venezuela or the US East Coast in summer",
    -3: "Brazil or Argentina", 0: "the UK, Portugal or West Africa",
    1: "Central Europe or Nigeria", 2: "Eastern Europe or Egypt",
    3: "Russia (Moscow), Turkey or Saudi Arabia", 3.5: "Iran", 4: "the UAE or the Caucasus",
    4.5: "Afghanistan", 5: "Pakistan", 5.5: "India", 6: "Bangladesh",
    7: "Thailand, Vietnam or Indonesia", 8: "China, Taiwan, Singapore or the Philippines",
    9: "Japan or Korea", 10: "eastern Australia"}
#: How many of each list an entry shows.
TOP: Final = 5


@dataclass(frozen=True)
class Breakout:
    """A network's Breakout Scale level with the evidence behind it, one sentence per
    step."""

    level: int
    meaning: str
    evidence: tuple[str, ...]


@dataclass
class ThreatEntry:
    """What one entry of the threat report says (every text as it is in the data; the writers
    escape it)."""

    network_id: str
    label: str
    run_id: str
    run_kind: str
    assessment: str
    kind: str
    score: float
    size: int
    first: str | None
    last: str | None
    n_posts: int
    origin: str
    origin_confidence: str
    utc_offset: float | None
    languages: list[tuple[str, int]]
    locations: list[tuple[str, int]]
    replied_to: list[tuple[str, int]]
    mentioned: list[tuple[str, int]]
    hashtags: list[tuple[str, int]]
    assets: list[tuple[str, int, int]]  # platform, accounts, posts
    followers_known: int
    followers: int | None
    texts: list[tuple[str, int]]  # text, accounts that posted it
    urls: list[tuple[str, int]]  # defanged URL, accounts
    domains: list[tuple[str, int]]
    techniques: list[tuple[str, str, str]]  # DISARM id, name, kill-chain phase
    reasons: list[str]
    detection: str
    lineage: list[tuple[str, str, int, float]]  # earlier run, earlier network, shared, jaccard
    indicators: list[tuple[str, str, str, str]]  # type, value (defanged), note, platform
    breakout: Breakout
    pictures: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.label} ({self.network_id})"

    @property
    def reach(self) -> str:
        if self.followers is None:
            return ("The reach of these accounts is unknown: the data has no follower counts "
                    "for them.")
        part = ("" if self.followers_known == self.size else
                f" (of the {self.followers_known} of {self.size} accounts whose follower "
                "count the data has)")
        return (f"About {_about(self.followers):,} accounts followed one or more of these "
                f"accounts{part}.")


def _about(n: int) -> int:
    """``n`` rounded to two significant digits, as the reports round their follower counts."""
    if n < 100:
        return n
    k = 10 ** (int(math.log10(n)) - 1)
    return int(round(n / k) * k)


def assessed_origin(offset: float | None, clock_strength: float,
                    languages: list[tuple[str, int]], locations: list[tuple[str, int]],
                    clock: str = "") -> tuple[str, str]:
    """The assessed origin as a sentence, and its confidence (``low``, ``moderate``,
    ``high``). The rule: the posting clock's zone is the main evidence; the confidence is
    ``high`` when the clock is strong (``-log10 p >= 4`` against the data's accounts) and
    the accounts claim homes or post in languages, ``moderate`` when the clock has evidence
    (``>= 2``), ``low`` otherwise (``clock_strength``: the timing family's strength;
    ``clock``: the clock in words, quoted)."""
    if offset is None:
        return ("We could not assess where this network operated from: its posting clock "
                "has too few posts.", "low")
    places = _ZONES.get(offset) or _ZONES.get(round(offset)) or "that time zone"
    confidence = ("high" if clock_strength >= 4 and (languages or locations) else
                  "moderate" if clock_strength >= 2 else "low")
    text = (f"We assess with {confidence} confidence that this network was run from a place "
            f"on UTC{offset:+g} (for example {places}): that is the time zone its posting "
            "clock fits best" + (f" ({clock})" if clock else ""))
    if languages:
        text += "; they posted mostly in " + ", ".join(f"{lang} ({n:,} posts)"
                                                      for lang, n in languages[:3])
    if locations:
        text += "; their profiles claim " + ", ".join(f"{loc} ({n})" for loc, n in locations[:3])
    return text + ".", confidence


def read_evidence(path: Path | None) -> dict[str, Any]:
    """The analyst's evidence file: a JSON object keyed by network id (or ``"*"`` for every
    network), each with lists of sources under ``media``, ``high_profile``,
    ``policy_response``, ``call_to_violence``, and optionally ``detection`` (a sentence on
    how the network was found: "External: four accounts named by journalists ...")."""
    if path is None:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the evidence file {path}: {exc}",
                         remedy="giving a JSON object keyed by network id") from exc
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise InputError(f"the evidence file {path} is not a JSON object of objects",
                         remedy='writing {"NETWORK_ID": {"media": ["..."]}}')
    for nid, ev in data.items():
        for key, value in ev.items():
            if key in _EVIDENCE_LEVELS and not (isinstance(value, list) and all(
                    isinstance(v, str) for v in value)):
                raise InputError(f"evidence {key!r} of {nid!r} in {path} is not a list of "
                                 "texts", remedy="listing the sources as strings")
    return data


def breakout_level(platforms: list[str], outside: dict[str, int],
                   evidence: dict[str, Any]) -> Breakout:
    """The Breakout Scale level (see :data:`BREAKOUT_LEVELS`). From the data: the platforms
    the network used, and per platform the distinct accounts outside it that replied to,
    reshared or mentioned its accounts (``outside``); a platform where at least
    :data:`MIN_OUTSIDE_ENGAGERS` did counts as a community reached beyond its own. Level 1:
    one platform, no community beyond its own; 2: several platforms and no community beyond
    its own, or one platform with one; 3: several platforms and a community beyond its own
    on at least one. Levels 4-6 only from the analyst's ``evidence`` (media pick-up,
    amplification by high-profile accounts, a policy response or a call to violence); the
    level is the highest that has evidence."""
    steps: list[str] = []
    reached = sorted(p for p, n in outside.items() if n >= MIN_OUTSIDE_ENGAGERS)
    many = len(platforms) > 1
    steps.append(f"It used {len(platforms)} platform(s): {', '.join(platforms)}.")
    for p in sorted(outside):
        n = outside[p]
        steps.append(f"On {p}, {n:,} account(s) outside the network replied to, reshared or "
                     f"mentioned its accounts ({'at least' if n >= MIN_OUTSIDE_ENGAGERS else 'fewer than'} "
                     f"{MIN_OUTSIDE_ENGAGERS}: {'a community beyond its own' if n >= MIN_OUTSIDE_ENGAGERS else 'no community beyond its own'}).")
    if not outside:
        steps.append("No account outside the network replied to, reshared or mentioned its "
                     "accounts in the data.")
    level = 3 if many and reached else 2 if many or reached else 1
    for kind, lifts in sorted(_EVIDENCE_LEVELS.items(), key=lambda kv: (kv[1], kv[0])):
        sources = evidence.get(kind) or []
        if sources:
            steps.append(f"Recorded by an analyst ({kind.replace('_', ' ')}): "
                         + "; ".join(sources) + ".")
            level = max(level, lifts)
    if not any(evidence.get(k) for k in _EVIDENCE_LEVELS):
        steps.append("No media pick-up, high-profile amplification or policy response was "
                     "recorded (levels 4-6 need an analyst's evidence).")
    return Breakout(level, BREAKOUT_LEVELS[level], tuple(steps))


def _families(text: str | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in (text or "").split(";"):
        name, _, value = part.partition("=")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            continue
    return out


def _phase(tid: str, tactic: str) -> str:
    phase = KILL_CHAIN.get(tid)
    if phase is None:
        phase = KILL_CHAIN.get(tid.split(".")[0])
    if phase is None:
        phase = _TACTIC_PHASE.get(tactic.split(" ")[0])
    return "" if phase is None else f"{phase} {KILL_CHAIN_PHASES[phase]}"


def _host(url: str) -> str:
    rest = url.split("://", 1)[-1]
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0].lower()
    return host[4:] if host.startswith("www.") else host


def threat_entry(store: Store, network_id: str, run_id: str | None = None,
                 evidence: dict[str, Any] | None = None) -> ThreatEntry:
    """The entry of ``network_id`` (stable id or label) in ``run_id`` (else the latest
    finished run that has it). Raises :class:`NotInStoreError` naming the network when it is
    not in the store."""
    from ..api import network_summary
    from ..assess.verdict import disarm_techniques
    from ..intel.platforms import profile_url
    from ..intel.refang import defang
    from ..summaries import assessment_sentences

    detail = network_summary(store, network_id, run_id)
    row = detail.row
    run, nid = row.run_id, row.network_id
    evidence = {**(evidence or {}).get("*", {}), **(evidence or {}).get(nid, {})}
    params = {"run": run, "nid": nid}
    members_sql = "SELECT aid FROM run_members WHERE run_id = $run AND network_id = $nid"
    posts = store.con.execute(
        f"""SELECT p.platform, epoch(p.created_at), p.lang, p.text, p.urls, p.hashtags,
                   p.mentions, p.reshare_of, p.aid
            FROM posts p WHERE p.aid IN ({members_sql}) ORDER BY p.pid""", params).fetchall()
    n_posts = len(posts)
    a = store.fetchone("SELECT utc_offset, strengths, clock FROM run_assessments WHERE "
                       "run_id = ? AND network_id = ?", [run, nid]) \
        if store.table_exists("run_assessments") else None
    offset = None if a is None or a[0] is None else float(a[0])
    clock_strength = _families(a[1] if a else None).get("timing", 0.0)
    clock_words = str(a[2]) if a and a[2] else ""
    langs = Counter(str(p[2]) for p in posts if p[2] and not p[7])
    languages = sorted(langs.items(), key=lambda kv: (-kv[1], kv[0]))
    locs = Counter(str(loc).strip() for (loc,) in store.con.execute(
        f"SELECT min(nullif(location, '')) FROM accounts WHERE aid IN ({members_sql}) "
        "GROUP BY aid", params).fetchall() if loc and str(loc).strip())
    locations = sorted(locs.items(), key=lambda kv: (-kv[1], kv[0]))
    origin, confidence = assessed_origin(offset, clock_strength, languages, locations,
                                         clock_words)
    replied = store.con.execute(
        f"""SELECT coalesce(nullif(acc.handle, ''), t.account_id) AS who,
                   count(DISTINCT p.aid) AS n
            FROM posts p JOIN posts t ON t.platform = p.platform AND t.post_id = p.reply_to
            LEFT JOIN (SELECT aid, min(handle) AS handle FROM accounts GROUP BY aid) acc
              ON acc.aid = t.aid
            WHERE p.aid IN ({members_sql}) AND t.aid NOT IN ({members_sql})
            GROUP BY who ORDER BY n DESC, who LIMIT {TOP}""", params).fetchall()
    mention_accounts: dict[str, set[int]] = {}
    hashtag_accounts: dict[str, set[int]] = {}
    text_accounts: dict[str, set[int]] = {}
    url_accounts: dict[str, set[int]] = {}
    for _, _, _, text, urls, tags, mentions, reshare, aid in posts:
        for m in mentions or []:
            mention_accounts.setdefault(str(m).lstrip("@").lower(), set()).add(aid)
        for t in tags or []:
            hashtag_accounts.setdefault("#" + str(t).lstrip("#").lower(), set()).add(aid)
        for u in urls or []:
            url_accounts.setdefault(str(u), set()).add(aid)
        if text and not reshare and len(str(text).strip()) >= 10:
            text_accounts.setdefault(" ".join(str(text).split()), set()).add(aid)

    def top(d: dict[str, set[int]], least: int = 1) -> list[tuple[str, int]]:
        return sorted(((k, len(v)) for k, v in d.items() if len(v) >= least),
                      key=lambda kv: (-kv[1], kv[0]))[:TOP]

    domain_accounts: dict[str, set[int]] = {}
    for u, who in url_accounts.items():
        domain_accounts.setdefault(_host(u), set()).update(who)
    domain_accounts.pop("", None)
    assets = [(str(p), int(na), int(np_)) for p, na, np_ in store.con.execute(
        f"""SELECT ai.platform, count(DISTINCT ai.aid), count(p.pid)
            FROM account_index ai LEFT JOIN posts p USING (aid)
            WHERE ai.aid IN ({members_sql}) GROUP BY 1 ORDER BY 1""", params).fetchall()]
    known = [m.followers for m in detail.members if m.followers is not None]
    # engagement from outside: replies to, reshares of, mentions of its accounts
    outside = {str(p): int(n) for p, n in store.con.execute(
        f"""WITH m AS ({members_sql}),
            handles AS (SELECT ai.platform, lower(ai.account_id) AS who FROM account_index ai
                        WHERE ai.aid IN (SELECT aid FROM m)
                        UNION SELECT ai.platform, lower(acc.handle) FROM account_index ai
                        JOIN accounts acc USING (aid) WHERE ai.aid IN (SELECT aid FROM m)
                          AND coalesce(acc.handle, '') <> ''),
            mine AS (SELECT platform, post_id FROM posts WHERE aid IN (SELECT aid FROM m)),
            e AS (
              SELECT p.platform, p.aid FROM posts p JOIN mine t ON t.platform = p.platform
                AND t.post_id = p.reply_to WHERE p.aid NOT IN (SELECT aid FROM m)
              UNION ALL
              SELECT p.platform, p.aid FROM posts p JOIN mine t ON t.platform = p.platform
                AND t.post_id = p.reshare_of WHERE p.aid NOT IN (SELECT aid FROM m)
              UNION ALL
              SELECT p.platform, p.aid FROM (SELECT platform, aid, unnest(mentions) AS who
                                             FROM posts WHERE aid NOT IN (SELECT aid FROM m)
                                               AND len(mentions) > 0) p
              JOIN handles h ON h.platform = p.platform AND h.who = lower(ltrim(p.who, '@')))
            SELECT platform, count(DISTINCT aid) FROM e GROUP BY 1 ORDER BY 1""",
        params).fetchall()}
    platforms = [x[0] for x in assets]
    techniques_db = disarm_techniques()
    ids = sorted({c for c in (detail.disarm or "").split(";") if _TECHNIQUE.fullmatch(c)})
    techniques = [("", "coordinated co-actions (" + (row.traces_text or "group evidence")
                   + ")", f"3 {KILL_CHAIN_PHASES[3]}")]
    for tid in ids:
        name, tactic = techniques_db.get(tid, (tid, ""))
        techniques.append((tid, name, _phase(tid, tactic)))
    reasons = assessment_sentences(detail.reasons)
    kind = str(store.scalar("SELECT kind FROM runs WHERE run_id = ?", [run]) or "detect")
    detection = str(evidence.get("detection") or (
        f"Internal: found by cibwatch {kind} run {run}, from the co-actions of its accounts "
        f"({row.traces_text or 'group evidence'})." if kind == "detect" else
        f"Found by cibwatch {kind} run {run}, from seed accounts or indicators given to it "
        "(external when those came from another platform or researchers)."))
    lineage = [(str(r), str(n), int(s), float(j)) for r, n, s, j in store.fetchall(
        "SELECT earlier_run_id, earlier_network_id, shared, jaccard FROM lineage "
        "WHERE run_id = ? AND network_id = ? AND earlier_network_id <> network_id "
        "ORDER BY jaccard DESC, earlier_run_id, earlier_network_id", [run, nid])] \
        if store.table_exists("lineage") else []
    indicators = []
    for m in detail.members:
        url = profile_url(m.platform, m.handle or m.account_id)
        indicators.append(("account", defang(url) if url else
                           f"{m.platform} account {m.handle or m.account_id}",
                           f"{m.platform} account {m.account_id}" + (
                               f", handle {m.handle}" if m.handle and m.handle != m.account_id
                               else ""), m.platform))
    indicators += [("url", defang(u), f"shared by {n} account(s)", "")
                   for u, n in top(url_accounts, 2)]
    indicators += [("domain", defang(d), f"linked by {n} account(s)", "")
                   for d, n in top(domain_accounts, 2)]
    return ThreatEntry(
        network_id=nid, label=row.label, run_id=run, run_kind=kind, assessment=row.assessment,
        kind=row.kind, score=row.score, size=row.size, first=_day(posts, min),
        last=_day(posts, max), n_posts=n_posts, origin=origin, origin_confidence=confidence,
        utc_offset=offset, languages=languages[:TOP], locations=locations[:TOP],
        replied_to=[(str(w), int(n)) for w, n in replied], mentioned=top(mention_accounts),
        hashtags=top(hashtag_accounts), assets=assets, followers_known=len(known),
        followers=sum(known) if known else None, texts=top(text_accounts),
        urls=[(defang(u), n) for u, n in top(url_accounts)],
        domains=[(defang(d), n) for d, n in top(domain_accounts)], techniques=techniques,
        reasons=reasons, detection=detection, lineage=lineage, indicators=indicators,
        breakout=breakout_level(platforms, outside, evidence))


def _day(posts: list[tuple[Any, ...]], pick: Any) -> str | None:
    if not posts:
        return None
    return str(np.datetime64(int(pick(p[1] for p in posts)), "s").astype("datetime64[D]"))


def _pictures(store: Store, entry: ThreatEntry, folder: Path, seed: int = 0) -> dict[str, str]:
    from .pictures import clock_picture, graph_picture, platform_picture, timeline_picture

    params = {"run": entry.run_id, "nid": entry.network_id}
    rows = store.con.execute(
        "SELECT epoch(p.created_at) AS t, p.platform FROM posts p WHERE p.aid IN (SELECT aid "
        "FROM run_members WHERE run_id = $run AND network_id = $nid) ORDER BY t, p.pid",
        params).fetchall()
    times = np.array([r[0] for r in rows], float)
    platforms = np.array([r[1] for r in rows], object)
    label = f"{entry.label} ({entry.assessment})"
    name = entry.label
    out = {"graph": graph_picture(*_run_graph(store, entry.run_id, entry.network_id), label,
                                  folder, f"{name}_graph.png", seed)}
    if times.shape[0]:
        from ..assess.clock import PostingClock

        off = entry.utc_offset if entry.utc_offset is not None else \
            PostingClock(min_posts=1).fit(times).offset_
        out["clock"] = clock_picture(times, off, label, folder, f"{name}_clock.png")
        out["timeline"] = timeline_picture(times, label, folder, f"{name}_timeline.png",
                                           platforms)
    out["platforms"] = platform_picture(entry.assets, label, folder, f"{name}_platforms.png")
    return out


def _run_graph(store: Store, run: str, nid: str) -> tuple[list[tuple[int, str, bool]],
                                                          list[tuple[int, int, float]]]:
    """The graph of a kept network: members and the links between them (pairs and group
    links), weighted by evidence."""
    params = {"run": run, "nid": nid}
    nodes = [(int(a), str(p), bool(t)) for a, p, t in store.con.execute(
        "SELECT m.aid, ai.platform, coalesce(m.attached, false) FROM run_members m "
        "JOIN account_index ai USING (aid) WHERE m.run_id = $run AND m.network_id = $nid "
        "ORDER BY m.aid", params).fetchall()]
    parts = []
    if store.table_exists("run_edges"):
        parts.append("SELECT aid_a, aid_b, coalesce(evidence, weight) AS w FROM run_edges "
                     "WHERE run_id = $run AND aid_a <> aid_b AND aid_a IN (SELECT aid FROM "
                     "run_members WHERE run_id = $run AND network_id = $nid)")
    if store.table_exists("run_group_links"):
        parts.append("SELECT aid_a, aid_b, CAST(n_items AS DOUBLE) FROM run_group_links "
                     "WHERE run_id = $run AND network_id = $nid")
    if not parts:
        return nodes, []
    members = {n[0] for n in nodes}
    edges = [(int(a), int(b), float(w or 0.0)) for a, b, w in store.con.execute(
        "SELECT aid_a, aid_b, max(w) FROM (" + " UNION ALL ".join(parts) + ") x "
        "GROUP BY 1, 2 ORDER BY 1, 2", params).fetchall() if a in members and b in members]
    return nodes, edges


_TEMPLATES = Path(__file__).with_name("templates")
#: Indicator types as Meta's Markdown indicator tables name them (2025-).
MD_INDICATOR_TYPES: Final = {"account": "Social Media Account", "url": "URL",
                             "domain": "Domain"}


def _code_span(value: Any) -> str:
    """A defanged indicator as a Markdown code span (no markup, no link, in any renderer):
    control characters made visible, ``|`` and back-ticks percent-encoded (one cell, one
    span)."""
    from ..escape import visible

    return "`" + visible(value).replace("|", "%7C").replace("`", "%60") + "`"


def html_environment() -> Any:
    """The Jinja2 environment of the report templates (shipped in ``report/templates``),
    with autoescape on for HTML and the ``md`` filter (:func:`cibwatch.escape.markdown`) for
    Markdown."""
    import jinja2

    from ..escape import markdown

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2")),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined)
    env.filters["md"] = markdown
    env.filters["tick"] = _code_span
    env.filters["num"] = lambda v: f"{v:,}"
    return env


def write_threat_report(store: Store, network_ids: list[str], out: Path,
                        run_id: str | None = None, evidence: dict[str, Any] | None = None,
                        seed: int = 0) -> list[ThreatEntry]:
    """Write ``report.md``, ``report.html``, ``report.pdf`` and the pictures (``img/``) for
    the networks ``network_ids`` (stable ids or labels); returns the entries."""
    if not network_ids:
        raise ConfigError("no network to report (NETWORK_ID)",
                          remedy="naming one or more network ids that networks.csv lists")
    entries = []
    for ref in network_ids:
        try:
            entries.append(threat_entry(store, ref, run_id, evidence))
        except NotInStoreError as exc:
            where = f" in run {run_id}" if run_id else ""
            raise NotInStoreError(f"no network {ref!r}{where} in the store (NETWORK_ID)",
                                  remedy="choosing a network id that networks.csv lists, or "
                                  "a label of the latest run (N0001)") from exc
    out = Path(out)
    img = out / "img"
    img.mkdir(parents=True, exist_ok=True)
    for e in entries:
        e.pictures = _pictures(store, e, img, seed)
    context = {"entries": entries, "phases": KILL_CHAIN_PHASES, "levels": BREAKOUT_LEVELS,
               "types": MD_INDICATOR_TYPES,
               "kill_chain": sorted(KILL_CHAIN.items()), "min_outside": MIN_OUTSIDE_ENGAGERS}
    env = html_environment()
    (out / "report.md").write_text(env.get_template("threat.md.j2").render(context),
                                   encoding="utf-8")
    (out / "report.html").write_text(env.get_template("threat.html.j2").render(context),
                                     encoding="utf-8")
    write_pdf(out / "report.pdf", _pdf_story(entries, out))
    write_kill_chain_csv(entries, out / "indicators.csv")
    (out / "report.json").write_text(json.dumps(
        [asdict(e) for e in entries], indent=1, sort_keys=True, default=str) + "\n",
        encoding="utf-8")
    return entries


#: Kill-chain coding of the indicators in ``indicators.csv`` (Meta's 2023- layout), by type.
_INDICATOR_CODES: Final = {
    "account": ("0 Acquiring assets", "Acquiring accounts", "Acquiring {} accounts"),
    "url": ("6 Indiscriminate engagement", "Posting links", "Posting links to websites"),
    "domain": ("0 Acquiring assets", "Acquiring domains", "Acquiring domains for websites"),
}


def write_kill_chain_csv(entries: list[ThreatEntry], path: Path) -> Path:
    """The entries' indicators in Meta's kill-chain CSV layout
    (``Tactic,Technique,Procedure,Indicator,Note``), defanged, which ``cibwatch indicators
    import`` reads back: accounts as profile URLs (``hxxps://x[.]com/handle``) under
    "Acquiring <Platform> accounts", links and sites as such; the note names the network."""
    import csv

    from ..escape import csv_cell

    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["Tactic", "Technique", "Procedure", "Indicator", "Note"])
        for e in entries:
            for kind, value, note, platform in e.indicators:
                tactic, technique, procedure = _INDICATOR_CODES[kind]
                w.writerow([csv_cell(v) for v in (
                    tactic, technique, procedure.format(platform.capitalize()), value,
                    f"{note}; network {e.label} {e.network_id}")])
    return path


# --- PDF (ReportLab) ---------------------------------------------------------------------

#: PDF fonts: DejaVu Sans (shipped with matplotlib: Latin, Greek, Cyrillic, Arabic and more),
#: embedded; characters it lacks in ReportLab's CID font for Chinese (STSong-Light, not
#: embedded: the reader's own Asian font), and any other as ``⟨U+1F431⟩``.
_FONT, _BOLD, _CJK = "DejaVuSans", "DejaVuSans-Bold", "STSong-Light"


def _fonts() -> Any:
    from reportlab.pdfbase import pdfmetrics

    if _FONT not in pdfmetrics.getRegisteredFontNames():
        import matplotlib
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfbase.ttfonts import TTFont

        ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        pdfmetrics.registerFont(TTFont(_FONT, str(ttf / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(_BOLD, str(ttf / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFont(UnicodeCIDFont(_CJK))
    return pdfmetrics.getFont(_FONT)


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet

    _fonts()
    base = getSampleStyleSheet()
    return {"h1": ParagraphStyle("h1", parent=base["Heading1"], fontName=_BOLD, fontSize=16,
                                 leading=20),
            "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=_BOLD,
                                 keepWithNext=1),
            "h3": ParagraphStyle("h3", parent=base["Heading3"], fontName=_BOLD,
                                 keepWithNext=1),
            "p": ParagraphStyle("p", parent=base["BodyText"], fontName=_FONT, fontSize=9,
                                leading=11.5),
            "small": ParagraphStyle("small", parent=base["BodyText"], fontName=_FONT,
                                    fontSize=7.5, leading=9)}


def _is_cjk(c: str) -> bool:
    o = ord(c)
    return (0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF
            or 0x20000 <= o <= 0x2FA1F)


def _pdf_markup(text: Any) -> str:
    """``text`` from the data as ReportLab paragraph markup: XML-escaped, runs of Chinese in
    the CID font, characters no font has written as ``⟨U+XXXX⟩``."""
    from xml.sax.saxutils import escape as xml_escape

    from ..escape import xml_text

    glyphs = _fonts().face.charToGlyph
    out: list[str] = []
    cjk = False
    for c in xml_text(text):
        want = _is_cjk(c)
        if want != cjk:
            out.append(f'<font name="{_CJK}">' if want else "</font>")
            cjk = want
        if want or ord(c) in glyphs or c in "\n\t":
            out.append(xml_escape(c))
        else:
            out.append(f"\u27e8U+{ord(c):04X}\u27e9")
    if cjk:
        out.append("</font>")
    return "".join(out)


def _para(text: Any, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(_pdf_markup(text), style)


def _table(rows: list[list[Any]], widths: list[float], st: dict[str, Any]) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    cells = [[_para(c, st["small"]) for c in r] for r in rows]
    t = Table(cells, colWidths=widths, repeatRows=1)
    t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf1")),
                           ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#b0b8c4")),
                           ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return t


def _image(path: Path, width: float) -> Any:
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    w, h = ImageReader(str(path)).getSize()
    return Image(str(path), width=width, height=width * h / w)


def write_pdf(path: Path, story: list[Any], title: str = "cibwatch report") -> Path:
    """Lay ``story`` (ReportLab flowables) out on A4 pages with a footer, reproducibly (no
    creation time, a fixed document id)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(_FONT, 7)
        canvas.drawString(2 * cm, 1.2 * cm, f"{title}: page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm,
                            topMargin=1.8 * cm, bottomMargin=2 * cm, title=title,
                            author="cibwatch", creator="cibwatch", invariant=1)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return path


def _pdf_story(entries: list[ThreatEntry], out: Path) -> list[Any]:
    from reportlab.lib.units import cm
    from reportlab.platypus import PageBreak, Spacer

    st = _styles()
    width = 17 * cm
    story: list[Any] = [_para("Threat report: coordinated inauthentic behaviour", st["h1"]),
                        _para(f"{len(entries)} network(s). Assessments, not facts: each "
                              "states its confidence and the evidence behind it.", st["p"])]

    def pairs(title: str, rows: list[tuple[str, int]], what: str) -> None:
        if rows:
            story.append(_para(f"{title}: " + "; ".join(f"{k} ({n:,} {what})" for k, n in rows),
                               st["p"]))

    for i, e in enumerate(entries):
        if i:
            story.append(PageBreak())
        story += [_para(f"Network {e.name}", st["h2"]),
                  _para(f"Period: {e.first} to {e.last}; {e.size} accounts, {e.n_posts:,} "
                        f"posts; assessed {e.assessment} ({e.kind}, score {e.score:.2f}); "
                        f"run {e.run_id}.", st["p"]),
                  _para("Assessed origin", st["h3"]), _para(e.origin, st["p"]),
                  _para("Targets", st["h3"])]
        pairs("Languages", e.languages, "posts")
        pairs("Replied to most", e.replied_to, "accounts")
        pairs("Mentioned most", e.mentioned, "accounts")
        pairs("Hashtags", e.hashtags, "accounts")
        story += [_para("Assets", st["h3"]),
                  _table([["platform", "accounts", "posts"]] +
                         [[p, f"{a:,}", f"{n:,}"] for p, a, n in e.assets],
                         [6 * cm, 4 * cm, 4 * cm], st),
                  _para("Reach", st["h3"]), _para(e.reach, st["p"]),
                  _para("Narratives", st["h3"])]
        for text, n in e.texts:
            story.append(_para(f"\u201c{text[:300]}\u201d ({n} accounts)", st["p"]))
        if not e.texts:
            story.append(_para("No text was posted by its accounts.", st["p"]))
        pairs("Links", e.urls, "accounts")
        pairs("Sites", e.domains, "accounts")
        story += [_para("Tactics and techniques", st["h3"]),
                  _table([["DISARM", "technique", "kill-chain phase"]] +
                         [list(t) for t in e.techniques], [2.5 * cm, 8 * cm, 6.5 * cm], st)]
        for r in e.reasons:
            story.append(_para("\u2022 " + r, st["small"]))
        story += [_para("Breakout Scale", st["h3"]),
                  _para(f"Level {e.breakout.level}: {e.breakout.meaning}.", st["p"])]
        for s in e.breakout.evidence:
            story.append(_para("\u2022 " + s, st["small"]))
        story += [_para("Detection source", st["h3"]), _para(e.detection, st["p"]),
                  _para("Lineage", st["h3"])]
        story.append(_para("; ".join(f"{n} of run {r} ({s} shared accounts, Jaccard {j:.2f})"
                                     for r, n, s, j in e.lineage)
                           or "No earlier network of the store shares accounts with it.",
                           st["p"]))
        story += [_para("Pictures", st["h3"])]
        for kind, w in (("graph", 9 * cm), ("clock", width), ("timeline", width),
                        ("platforms", width * 0.8)):
            if kind in e.pictures:
                story += [_image(out / "img" / Path(e.pictures[kind]).name, w), Spacer(1, 4)]
        story += [_para("Indicators (defanged)", st["h3"]),
                  _table([["type", "indicator", "note"]] + [list(x[:3]) for x in e.indicators],
                         [2.5 * cm, 8 * cm, 6.5 * cm], st)]
    return story
