"""The periodic report (``cibwatch report period``) in the layout of TikTok's covert influence
operations reports: one row per network disrupted in the period (Detection Source, Accounts in
network, Followers of Network, Description: a title, then "We assess that this network
operated from X and targeted Y ..."), and the accounts removed in the period for trying to
re-establish previously disrupted networks.

Read from the case store (:mod:`cibwatch.cases`): a network is disrupted in the period when an
approved decision on it with a takedown action (:data:`TAKEDOWN_ACTIONS`) was decided in it
(``decided_at``, UTC, from the first day to the last inclusive); its accounts are that
decision's affected accounts with a takedown action; its followers, origin and targets come
from the investigation store (the decision's run, :func:`cibwatch.report.threat.threat_entry`).
A decision whose case is linked as ``re_establishment`` to a case with an earlier approved
takedown is counted among the re-establishment attempts, not as a row of its own (TikTok's
"accounts associated with previously disrupted networks attempting to re-establish their
presence"). So is every account whose recidivism-watch alert (:mod:`cibwatch.watch`) was
confirmed in the period (``reviewed_at``), each account once (an alerted account that is also
among such a decision's accounts counts once); ``reestablished_alerts`` says how many came from
alerts.

Written as ``period.csv`` (cells escaped against formula injection), ``period.md``,
``period.html`` (the shipped template) and ``period.pdf``. Cost: one read of the period's
decisions, and per network one threat entry.

Reference: TikTok, "Covert influence operations" reports (monthly since May 2024).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ..errors import ConfigError

if TYPE_CHECKING:
    from ..cases.db import CaseStore
    from ..store import Store

__all__ = ["TAKEDOWN_ACTIONS", "PeriodRow", "PeriodReport", "period_report",
           "write_period_report", "parse_day"]

#: The decision actions that take accounts down (the others restrict, label or recover).
TAKEDOWN_ACTIONS: Final = ("terminate", "suspend")
CSV_COLUMNS: Final = ("network_id", "run_id", "decision", "decided_at", "detection_source",
                      "accounts_in_network", "followers_of_network", "title", "description")


@dataclass(frozen=True)
class PeriodRow:
    network_id: str
    run_id: str
    decision: str
    decided_at: str
    detection_source: str  # Internal or External
    accounts: int
    followers: int | None
    title: str
    description: str


@dataclass(frozen=True)
class PeriodReport:
    start: dt.date
    end: dt.date
    rows: tuple[PeriodRow, ...]
    reestablished_accounts: int
    reestablished_networks: int
    #: accounts of confirmed watch alerts among ``reestablished_accounts``
    reestablished_alerts: int = 0


def parse_day(text: str, option: str) -> dt.date:
    """``YYYY-MM-DD``, or a :class:`ConfigError` naming ``option``."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{option} {text!r} is not a date",
                          remedy=f"writing {option} as YYYY-MM-DD") from None


def _description(e: Any) -> str:
    from .threat import _ZONES

    langs = [lang for lang, _ in e.languages[:2]]
    audience = ("an audience posting in " + " and ".join(langs) if langs
                else "an audience we could not tell")
    if e.utc_offset is None:
        text = ("We could not assess where this network operated from (its posting clock "
                f"fits no time zone); it targeted {audience}")
    else:
        where = (_ZONES.get(e.utc_offset) or _ZONES.get(round(e.utc_offset))
                 or f"a place on UTC{e.utc_offset:+g}")
        text = (f"We assess with {e.origin_confidence} confidence that this network operated "
                f"from {where} (its posting clock's time zone, UTC{e.utc_offset:+g}) and "
                f"targeted {audience}")
    named = [w for w, _ in (e.replied_to or e.mentioned)[:3]]
    if named:
        text += ", replying to or mentioning " + ", ".join(named) + " most"
    platforms = ", ".join(p for p, _, _ in e.assets)
    return text + f". The network used {platforms}; Breakout Scale level {e.breakout.level}."


def period_report(store: Store, cases: CaseStore, start: dt.date, end: dt.date) -> PeriodReport:
    """The period's disrupted networks and re-establishment attempts (module docstring)."""
    from sqlalchemy import func, select

    from ..cases.models import AffectedAccount, Alert, CaseLink, Decision
    from .threat import threat_entry

    if end < start:
        raise ConfigError(f"--to {end} is before --from {start}",
                          remedy="giving a --to on or after --from")
    lo = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    with cases.read() as s:
        decided = s.execute(select(Decision).where(
            Decision.status == "approved", Decision.action.in_(TAKEDOWN_ACTIONS),
            Decision.decided_at.is_not(None)).order_by(Decision.decided_at, Decision.id)
        ).scalars().all()
        first_takedown: dict[int, dt.datetime] = {}
        for d in decided:
            first_takedown.setdefault(d.case_id, d.decided_at)  # type: ignore[arg-type]
        links = s.execute(select(CaseLink.case_id, CaseLink.other_case_id).where(
            CaseLink.kind == "re_establishment")).all()
        in_period = [d for d in decided if d.decided_at is not None
                     and lo <= _utc(d.decided_at) < hi]
        counts = {d.id: int(s.scalar(select(func.count()).select_from(AffectedAccount).where(
            AffectedAccount.decision_id == d.id,
            AffectedAccount.action.in_(TAKEDOWN_ACTIONS))) or 0) for d in in_period}
        confirmed = {f"{p}:{a}" for p, a in s.execute(
            select(Alert.platform, Alert.account_id).where(
                Alert.status == "confirmed", Alert.reviewed_at >= lo, Alert.reviewed_at < hi))}

        def accounts_of(decision_id: int) -> set[str]:
            return {f"{p}:{a}" for p, a in s.execute(
                select(AffectedAccount.platform, AffectedAccount.account_id).where(
                    AffectedAccount.decision_id == decision_id,
                    AffectedAccount.action.in_(TAKEDOWN_ACTIONS)))}

        re_decisions = [d for d in in_period if any(
            c in first_takedown and _utc(first_takedown[c]) < _utc(d.decided_at)  # type: ignore[arg-type]
            for c in _linked(links).get(d.case_id, ()))]
        re_keys = set().union(*(accounts_of(d.id) for d in re_decisions)) if re_decisions \
            else set()
    rows: list[PeriodRow] = []
    re_ids = {d.id for d in re_decisions}
    re_networks = len(re_ids)
    re_accounts = sum(counts[i] for i in re_ids) + len(confirmed - re_keys)
    for d in in_period:
        when = _utc(d.decided_at)  # type: ignore[arg-type]
        if d.id in re_ids:
            continue
        e = threat_entry(store, d.network_id, d.run_id)
        rows.append(PeriodRow(
            network_id=d.network_id, run_id=d.run_id, decision=d.uid,
            decided_at=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            detection_source="External" if d.detection_source == "external" else "Internal",
            accounts=counts[d.id], followers=e.followers,
            title=f"Network {e.label}: {e.kind.replace('_', ' ')} on "
                  + ", ".join(p for p, _, _ in e.assets),
            description=_description(e)))
    return PeriodReport(start, end, tuple(rows), re_accounts, re_networks, len(confirmed))


def _linked(links: Any) -> dict[int, set[int]]:
    linked: dict[int, set[int]] = {}
    for a, b in links:
        linked.setdefault(a, set()).add(b)
        linked.setdefault(b, set()).add(a)
    return linked


def _utc(t: dt.datetime) -> dt.datetime:
    return t.replace(tzinfo=dt.UTC) if t.tzinfo is None else t.astimezone(dt.UTC)


def write_period_report(report: PeriodReport, out: Path) -> list[Path]:
    """Write ``period.csv``, ``period.md``, ``period.html`` and ``period.pdf`` into ``out``."""
    from ..escape import csv_cell
    from .threat import _para, _styles, _table, html_environment, write_pdf

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"period.{x}" for x in ("csv", "md", "html", "pdf")]
    with open(paths[0], "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(CSV_COLUMNS)
        for r in report.rows:
            w.writerow([csv_cell(v) for v in (
                r.network_id, r.run_id, r.decision, r.decided_at, r.detection_source,
                r.accounts, "" if r.followers is None else r.followers, r.title,
                r.description)])
    env = html_environment()
    context = {"r": report, "takedown": TAKEDOWN_ACTIONS}
    paths[1].write_text(env.get_template("period.md.j2").render(context), encoding="utf-8")
    paths[2].write_text(env.get_template("period.html.j2").render(context), encoding="utf-8")
    from reportlab.lib.units import cm

    st = _styles()
    story = [_para(f"Covert influence operations: {report.start} to {report.end}", st["h1"]),
             _para(_summary(report), st["p"]),
             _table([["Detection Source", "Accounts in network", "Followers of Network",
                      "Description"]] +
                    [[r.detection_source, f"{r.accounts:,}",
                      "unknown" if r.followers is None else f"{r.followers:,}",
                      f"{r.title}. {r.description} ({r.network_id})"] for r in report.rows],
                    [2.6 * cm, 2.4 * cm, 2.6 * cm, 9.4 * cm], st),
             _para(_reestablished(report), st["p"])]
    write_pdf(paths[3], story, title=f"cibwatch periodic report {report.start} to {report.end}")
    return paths


def _summary(r: PeriodReport) -> str:
    return (f"{len(r.rows)} network(s) disrupted between {r.start} and {r.end} (approved "
            f"decisions to {' or '.join(TAKEDOWN_ACTIONS)} their accounts), "
            f"{sum(x.accounts for x in r.rows):,} accounts.")


def _reestablished(r: PeriodReport) -> str:
    return (f"We removed {r.reestablished_accounts:,} accounts associated with previously "
            "disrupted networks attempting to re-establish their presence "
            f"({r.reestablished_networks} network(s) whose case is linked as a "
            "re-establishment of a case with an earlier takedown; "
            f"{r.reestablished_alerts:,} account(s) from confirmed watch alerts).")
