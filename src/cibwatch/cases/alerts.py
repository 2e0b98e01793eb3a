"""The recidivism watch's alerts in the case store: written by the watch, reviewed by people.

:class:`AlertUseCases` is part of :class:`~cibwatch.cases.service.CaseService` (a mixin, so
the alert use cases sit beside the decisions they follow from). The watch itself
(:mod:`cibwatch.watch`) reads the takedowns through :meth:`AlertUseCases.watch_targets` and
writes what it found through :meth:`AlertUseCases.record_alerts`.

Roles, as for decisions: writing alerts is an analyst's (an automated service user may: the
watch runs after each ingest); dismissing one is an analyst's, with a note saying why;
confirming one, which makes it a re-establishment attempt in the periodic report
(:mod:`cibwatch.report.period`), needs a person with the approver role. Every change is an
audit event in the same transaction.

Idempotence: one alert per account (a unique key on platform and account id). A run of the
watch that finds the account again updates an open alert (score, evidence) and leaves a
confirmed one alone; a dismissed alert is reopened only by evidence it did not have when it
was dismissed (each evidence row has a key naming what it is, not when it was found).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import audit
from .auth import Actor, require
from .errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from .models import (
    ALERT_STATUSES,
    AffectedAccount,
    Alert,
    Decision,
    DecisionException,
    Evidence,
    User,
    utcnow,
)

if TYPE_CHECKING:
    from .db import CaseStore

__all__ = ["AlertInput", "AlertUseCases", "Takedown", "TAKEDOWN_ACTIONS"]

#: Decision actions that remove accounts (as in the periodic report).
TAKEDOWN_ACTIONS = ("terminate", "suspend")


@dataclass(frozen=True)
class Takedown:
    """An approved takedown decision, as the watch needs it."""

    decision_id: int
    case_id: int
    network_id: str
    run_id: str
    decided_at: dt.datetime
    #: ``platform:account_id`` of the accounts it removed (in force)
    removed: tuple[str, ...]
    #: members of the decision's network snapshot it did not act on
    remaining: tuple[str, ...]


@dataclass
class AlertInput:
    """One account the watch links to a takedown: its score and evidence rows (each a dict
    with a ``key``)."""

    platform: str
    account_id: str
    score: float
    decision_id: int
    evidence: list[dict[str, Any]] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        return sorted({str(e["key"]) for e in self.evidence})


def _iso(t: dt.datetime | None) -> str | None:
    return t.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if t else None


def _sha(evidence: list[dict[str, Any]]) -> str:
    return hashlib.sha256(audit.canonical_json(evidence).encode()).hexdigest()


class AlertUseCases:
    """Alert use cases of :class:`~cibwatch.cases.service.CaseService`."""

    store: CaseStore

    def watch_targets(self, actor: Actor) -> tuple[list[Takedown], set[str]]:
        """The approved takedowns (with their removed and remaining accounts) and every
        account any decision acted on (``platform:account_id``: not watched)."""
        require(actor, "viewer", "reading takedowns")
        out = []
        with self.store.read() as s:
            decisions = s.execute(select(Decision).where(
                Decision.status == "approved", Decision.action.in_(TAKEDOWN_ACTIONS),
                Decision.decided_at.is_not(None)).order_by(Decision.id)).scalars().all()
            # acted on by any decision, or left alone by one on purpose (an exception): both
            # were reviewed, neither is watched
            actioned = {f"{p}:{a}" for p, a in s.execute(
                select(AffectedAccount.platform, AffectedAccount.account_id))}
            actioned |= {f"{p}:{a}" for p, a in s.execute(
                select(DecisionException.platform, DecisionException.account_id).join(
                    Decision, Decision.id == DecisionException.decision_id).where(
                    Decision.status == "approved"))}
            for d in decisions:
                removed = tuple(sorted(f"{p}:{a}" for p, a in s.execute(
                    select(AffectedAccount.platform, AffectedAccount.account_id).where(
                        AffectedAccount.decision_id == d.id,
                        AffectedAccount.action.in_(TAKEDOWN_ACTIONS),
                        AffectedAccount.status == "in_force"))))
                ev = s.get(Evidence, d.evidence_id)
                members = [f"{m['platform']}:{m['account_id']}" for m in
                           json.loads(ev.snapshot).get("members", [])] if ev else []
                remaining = tuple(sorted(set(members) - set(removed)))
                assert d.decided_at is not None
                out.append(Takedown(d.id, d.case_id, d.network_id, d.run_id, d.decided_at,
                                    removed, remaining))
        return out, actioned

    def record_alerts(self, actor: Actor, alerts: Sequence[AlertInput],
                      run_id: str | None = None) -> dict[str, int]:
        """Write the watch's findings (module docstring: idempotence). Returns how many
        alerts were opened, updated, reopened, and left alone (confirmed, or dismissed with
        no new evidence)."""
        require(actor, "analyst", "writing watch alerts")
        counts = {"opened": 0, "updated": 0, "reopened": 0, "unchanged": 0,
                  "kept_dismissed": 0, "kept_confirmed": 0}
        now = utcnow()
        with self.store.write() as s:
            existing = {(a.platform, a.account_id): a for a in s.execute(
                select(Alert)).scalars()}
            cases = dict(s.execute(select(Decision.id, Decision.case_id)).all())
            nets = dict(s.execute(select(Decision.id, Decision.network_id)).all())
            for x in alerts:
                if x.decision_id not in cases:
                    raise NotFound(f"no decision {x.decision_id}")
                keys = x.keys
                sha = _sha(x.evidence)
                old = existing.get((x.platform, x.account_id))
                if old is None:
                    a = Alert(platform=x.platform, account_id=x.account_id, created_at=now,
                              updated_at=now, score=round(x.score, 6), status="open",
                              decision_id=x.decision_id, case_id=cases[x.decision_id],
                              network_id=nets[x.decision_id], run_id=run_id,
                              evidence=x.evidence, evidence_keys=keys, evidence_sha256=sha,
                              review_note="")
                    s.add(a)
                    s.flush()
                    existing[(x.platform, x.account_id)] = a
                    counts["opened"] += 1
                    audit.record(s, actor.name, "alert.open", "alert", a.id, None,
                                 self._alert_core(a))
                    continue
                if old.status == "confirmed":
                    counts["kept_confirmed"] += 1
                    continue
                new_keys = set(keys) - set(old.evidence_keys)
                if old.status == "dismissed" and not new_keys:
                    counts["kept_dismissed"] += 1
                    continue
                if old.status == "open" and old.evidence_sha256 == sha:
                    counts["unchanged"] += 1
                    continue
                before = self._alert_core(old)
                action = "alert.reopen" if old.status == "dismissed" else "alert.update"
                old.score, old.decision_id = round(x.score, 6), x.decision_id
                old.case_id, old.network_id = cases[x.decision_id], nets[x.decision_id]
                old.evidence, old.evidence_sha256 = x.evidence, sha
                old.evidence_keys = sorted(set(keys) | set(old.evidence_keys))
                old.updated_at, old.run_id = now, run_id
                if old.status == "dismissed":
                    old.status = "open"
                    counts["reopened"] += 1
                else:
                    counts["updated"] += 1
                s.flush()
                audit.record(s, actor.name, action, "alert", old.id, before,
                             self._alert_core(old) | {"new_evidence": sorted(new_keys)[:20]})
        return counts

    @staticmethod
    def _alert_core(a: Alert) -> dict[str, Any]:
        return {"account": f"{a.platform}:{a.account_id}", "score": a.score,
                "status": a.status, "decision_id": a.decision_id, "run_id": a.run_id,
                "evidence_rows": len(a.evidence), "evidence_sha256": a.evidence_sha256}

    def _alert_dict(self, s: Session, a: Alert, full: bool = True) -> dict[str, Any]:
        reviewer = s.get(User, a.reviewed_by).name if a.reviewed_by else None  # type: ignore[union-attr]
        d: dict[str, Any] = {
            "id": a.id, "account": f"{a.platform}:{a.account_id}", "score": a.score,
            "status": a.status, "decision_id": a.decision_id, "case_id": a.case_id,
            "network_id": a.network_id, "run_id": a.run_id,
            "created_at": _iso(a.created_at), "updated_at": _iso(a.updated_at),
            "reviewed_by": reviewer, "reviewed_at": _iso(a.reviewed_at),
            "review_note": a.review_note, "version": a.version,
            "signals": sorted({str(e.get("signal")) for e in a.evidence})}
        if full:
            d["evidence"] = a.evidence
        return d

    def list_alerts(self, actor: Actor, status: str | None = None, limit: int = 100,
                    offset: int = 0) -> dict[str, Any]:
        require(actor, "viewer", "reading watch alerts")
        if status is not None and status not in ALERT_STATUSES:
            raise ValidationFailed(f"unknown alert status {status!r}",
                                   remedy="choosing one of " + ", ".join(ALERT_STATUSES))
        if not 1 <= limit <= 1000 or offset < 0:
            raise ValidationFailed("limit must be 1 to 1000 and offset at least 0")
        with self.store.read() as s:
            q = select(Alert)
            if status:
                q = q.where(Alert.status == status)
            total = s.execute(select(func.count()).select_from(q.subquery())).scalar_one()
            rows = s.execute(q.order_by(Alert.score.desc(), Alert.id).limit(limit)
                             .offset(offset)).scalars().all()
            return {"items": [self._alert_dict(s, a, full=False) for a in rows],
                    "total": total, "limit": limit, "offset": offset}

    def get_alert(self, actor: Actor, alert_id: int) -> dict[str, Any]:
        require(actor, "viewer", "reading watch alerts")
        with self.store.read() as s:
            return self._alert_dict(s, self._alert(s, alert_id))

    @staticmethod
    def _alert(s: Session, alert_id: int) -> Alert:
        a = s.get(Alert, alert_id)
        if a is None:
            raise NotFound(f"no alert {alert_id}",
                           remedy="listing the alerts with `cibwatch watch list`")
        return a

    def _review(self, actor: Actor, alert_id: int, status: str, note: str,
                version: int | None) -> dict[str, Any]:
        with self.store.write() as s:
            a = self._alert(s, alert_id)
            if version is not None and a.version != version:
                raise Conflict(f"alert {a.id} is at version {a.version}, not {version}",
                               remedy="reading it again and retrying with the new version")
            if a.status != "open":
                raise Conflict(f"alert {a.id} is already {a.status}",
                               remedy="leaving it: a reviewed alert is not reviewed again")
            before = self._alert_core(a)
            a.status, a.reviewed_by, a.reviewed_at, a.review_note = (status, actor.id,
                                                                     utcnow(), note)
            a.updated_at = a.reviewed_at
            s.flush()
            audit.record(s, actor.name, "alert.confirm" if status == "confirmed" else "alert.dismiss",
                         "alert", a.id, before, self._alert_core(a) | {"note": note})
            return self._alert_dict(s, a)

    def confirm_alert(self, actor: Actor, alert_id: int, note: str = "",
                      version: int | None = None) -> dict[str, Any]:
        """A person with the approver role confirms that the account is the removed network
        trying to re-establish itself: the periodic report counts it (in the period of the
        confirmation). Acting on the account is a decision of its own (a case and a
        decision, four eyes)."""
        require(actor, "approver", "confirming watch alerts")
        if actor.kind != "human":
            raise PermissionDenied(f"{actor.name} is an automated (service) user; confirming "
                                   "an alert needs a person", remedy="using a person's token")
        return self._review(actor, alert_id, "confirmed", note, version)

    def dismiss_alert(self, actor: Actor, alert_id: int, note: str,
                      version: int | None = None) -> dict[str, Any]:
        """Dismiss an alert, saying why; the same evidence will not reopen it."""
        require(actor, "analyst", "dismissing watch alerts")
        if not note.strip():
            raise ValidationFailed("dismissing an alert needs a note saying why",
                                   remedy="giving --note TEXT")
        return self._review(actor, alert_id, "dismissed", note, version)
