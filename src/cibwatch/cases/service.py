"""The use cases of the case store: what the HTTP API and ``cibwatch case ...`` both call.

Every function takes the acting user (:class:`~cibwatch.cases.auth.Actor`), checks the role it
needs, runs in one transaction and writes its audit event in that same transaction. Results
are plain JSON-ready dicts. Errors are :mod:`cibwatch.cases.errors` exceptions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from .._version import __version__
from . import audit, dsa
from .alerts import AlertUseCases
from .auth import (
    Actor,
    authenticate,
    create_user,
    get_user,
    hash_token,
    issue_token,
    require,
)
from .db import CaseStore
from .errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    RuleViolation,
    StaleVersion,
    ValidationFailed,
)
from .models import (
    AffectedAccount,
    ApiToken,
    Appeal,
    Case,
    CaseLink,
    CaseNetwork,
    Decision,
    DecisionException,
    Evidence,
    Export,
    Note,
    Setting,
    Statement,
    Tag,
    User,
    utcnow,
)
from .source import AccountRef, InvestigationSource, MemorySource, NetworkSnapshot
from .workflow import check_transition

__all__ = ["CaseService", "DecisionInput", "APPEAL_BASES", "APPEAL_WINDOW_MONTHS",
           "LINK_KINDS"]

#: Art. 20(1): complaints can be lodged for at least six months after the notice.
APPEAL_WINDOW_MONTHS = 6
APPEAL_BASES = ("not_inauthentic", "not_coordinated", "hijacked_account", "wrong_account",
                "disproportionate", "procedural", "other")
LINK_KINDS = ("same_operation", "re_establishment", "related", "duplicate")
DETECTION_SOURCES = ("internal", "external")
AUTOMATED_DECISION = ("not_automated", "partially")
DEFAULT_CATEGORY = "STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS"
DEFAULT_KEYWORDS = ("KEYWORD_INAUTHENTIC_ACCOUNTS", "KEYWORD_MISINFORMATION_DISINFORMATION")
DEFAULT_EXPLANATION = (
    "The account took part in coordinated inauthentic behaviour: a network of accounts acting "
    "together to mislead people about who is behind them and how many they are, which the "
    "terms of service prohibit.")
MAX_PAGE = 1000
_PUID_SLOT = "@@PUID@@"
_PUID_RE = re.compile(r'"puid":"[^"]*"')


def _validate_bodies(rows: Sequence[Any], limit: int = 100) -> list[dict[str, Any]]:
    """Validate stored statements (id, canonical JSON body). Statements that differ only in
    their puid (the many accounts of one decision) are validated once, and each puid on its
    own (pattern, length, uniqueness)."""
    errors: list[dict[str, Any]] = []
    verdicts: dict[str, list[dict[str, str]]] = {}
    seen: set[str] = set()
    for sid, body in rows:
        m = _PUID_RE.search(body)
        key = _PUID_RE.sub('"puid":""', body, count=1) if m else body
        if key not in verdicts:
            parsed = json.loads(body)
            parsed.pop("puid", None)
            verdicts[key] = [e for e in dsa.validate_statement(parsed) if e["field"] != "puid"]
        errs = list(verdicts[key])
        puid = m.group(0)[8:-1] if m else ""
        if not puid:
            errs.append({"field": "puid", "message": "is required"})
        elif len(puid) > 500 or not dsa.PUID_PATTERN.fullmatch(puid):
            errs.append({"field": "puid", "message": "may hold only a-z, A-Z, 0-9, '-' and '_'"
                         " (at most 500)"})
        elif puid in seen:
            errs.append({"field": "puid", "message": "is not unique in the export"})
        seen.add(puid)
        for e in errs:
            errors.append({"statement": sid, **e})
        if len(errors) >= limit:
            break
    return errors


def _iso(t: dt.datetime | None) -> str | None:
    return t.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if t else None


def add_months(t: dt.datetime, months: int) -> dt.datetime:
    """Calendar months later, clamped to the month's last day (31 Aug + 6 -> 28/29 Feb)."""
    y, m = divmod(t.month - 1 + months, 12)
    year, month = t.year + y, m + 1
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = (nxt - dt.timedelta(days=1)).day
    return t.replace(year=year, month=month, day=min(t.day, last))


def _page(limit: int, offset: int) -> tuple[int, int]:
    if limit < 1 or limit > MAX_PAGE or offset < 0:
        raise ValidationFailed(f"limit must be 1 to {MAX_PAGE} and offset at least 0")
    return limit, offset


def _paged(items: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@dataclass
class DecisionInput:
    """What a proposer says about a decision (everything else comes from the evidence).

    ``exceptions``: per-account departures, each ``{"account": "PLATFORM:ID", "action": A,
    "reason": TEXT}`` with ``A`` an action or ``exclude``."""

    action: str
    policy_clause: str
    explanation: str = DEFAULT_EXPLANATION
    facts: str | None = None
    reason_codes: list[str] | None = None
    evidence_refs: list[str] | None = None
    detection_source: str = "internal"
    source_identity: str = ""
    automated_detection: bool | None = None
    automated_decision: str = "not_automated"
    category: str = DEFAULT_CATEGORY
    category_specification: list[str] | None = None
    territorial_scope: list[str] | None = None
    end_date: str | None = None
    run_id: str | None = None
    exceptions: list[dict[str, str]] = field(default_factory=list)


class CaseService(AlertUseCases):
    """The use-case layer over a :class:`CaseStore` and an :class:`InvestigationSource`."""

    #: Seconds an authenticated token is remembered (per process). Revoking a token,
    #: deactivating a user or changing a role clears this process's memory at once; another
    #: process sharing the store sees it within this time.
    AUTH_TTL = 5.0

    def __init__(self, store: CaseStore, source: InvestigationSource | None = None) -> None:
        self.store = store
        self.source: InvestigationSource = source if source is not None else MemorySource()
        self._key: bytes | None = None
        self._auth: dict[str, tuple[Actor, float]] = {}

    def cached_actor(self, token: str) -> Actor | None:
        """The actor of a token authenticated less than :attr:`AUTH_TTL` seconds ago."""
        hit = self._auth.get(hash_token(token))
        if hit is not None and hit[1] > time.monotonic():
            return hit[0]
        return None

    def _forget_tokens(self) -> None:
        self._auth.clear()

    # ---- users and tokens -----------------------------------------------------------------

    def authenticate(self, token: str | None) -> Actor:
        """The user of an API token (one indexed lookup of its SHA-256)."""
        if not token:
            with self.store.read() as s:
                return authenticate(s, token)
        q = (select(User.id, User.name, User.role, User.kind, User.active, ApiToken.revoked_at)
             .join(ApiToken, ApiToken.user_id == User.id)
             .where(ApiToken.token_hash == hash_token(token)))
        with self.store.engine.connect() as c:
            row = c.execute(q).first()
        if row is None or row.revoked_at is not None or not row.active:
            with self.store.read() as s:
                return authenticate(s, token)  # raises with the message
        actor = Actor(row.id, row.name, row.role, row.kind)
        if len(self._auth) > 10000:
            self._auth.clear()
        self._auth[hash_token(token)] = (actor, time.monotonic() + self.AUTH_TTL)
        return actor

    def add_user(self, actor: Actor | None, name: str, role: str,
                 kind: str = "human", label: str = "") -> tuple[dict[str, Any], str]:
        """Create a user and a first token. ``actor`` None is the command line (whoever can
        write the case store file or database is trusted to make the first users)."""
        if actor is not None:
            require(actor, "admin", "adding users")
        with self.store.write() as s:
            user = create_user(s, name, role, kind)
            tok, token = issue_token(s, user, label or "created with the user")
            audit.record(s, actor.name if actor else "cli", "user.create", "user", user.name,
                         None, {"role": role, "kind": kind, "token_prefix": tok.prefix})
            return self._user(user), token

    def list_users(self, actor: Actor) -> list[dict[str, Any]]:
        require(actor, "admin", "listing users")
        with self.store.read() as s:
            return [self._user(u) for u in s.execute(select(User).order_by(User.id)).scalars()]

    def set_user(self, actor: Actor, name: str, *, role: str | None = None,
                 active: bool | None = None) -> dict[str, Any]:
        require(actor, "admin", "changing users")
        self._forget_tokens()
        with self.store.write() as s:
            user = get_user(s, name)
            old = self._user(user)
            if role is not None:
                from .auth import _check_role

                _check_role(role, user.kind)
                user.role = role
            if active is not None:
                user.active = active
            s.flush()
            new = self._user(user)
            audit.record(s, actor.name, "user.update", "user", name, old, new)
        self._forget_tokens()
        return new

    def new_token(self, actor: Actor, name: str, label: str = "") -> tuple[dict[str, Any], str]:
        require(actor, "admin", "issuing tokens")
        with self.store.write() as s:
            user = get_user(s, name)
            tok, token = issue_token(s, user, label)
            audit.record(s, actor.name, "token.issue", "token", tok.id, None,
                         {"user": name, "prefix": tok.prefix, "label": tok.label})
            return self._token(tok, user), token

    def list_tokens(self, actor: Actor, name: str | None = None) -> list[dict[str, Any]]:
        require(actor, "admin", "listing tokens")
        with self.store.read() as s:
            q = select(ApiToken, User).join(User, ApiToken.user_id == User.id)
            if name is not None:
                q = q.where(User.id == get_user(s, name).id)
            return [self._token(t, u) for t, u in s.execute(q.order_by(ApiToken.id))]

    def revoke_token(self, actor: Actor, token_id: int) -> dict[str, Any]:
        require(actor, "admin", "revoking tokens")
        with self.store.write() as s:
            tok = s.get(ApiToken, token_id)
            if tok is None:
                raise NotFound(f"no token {token_id}", remedy="listing tokens: GET /api/v1/tokens")
            self._forget_tokens()
            if tok.revoked_at is None:
                tok.revoked_at = utcnow()
                audit.record(s, actor.name, "token.revoke", "token", tok.id,
                             {"revoked_at": None}, {"revoked_at": _iso(tok.revoked_at)})
            out = self._token(tok, tok.user)
        self._forget_tokens()
        return out

    @staticmethod
    def _user(u: User) -> dict[str, Any]:
        return {"id": u.id, "name": u.name, "role": u.role, "kind": u.kind, "active": u.active,
                "created_at": _iso(u.created_at)}

    @staticmethod
    def _token(t: ApiToken, u: User) -> dict[str, Any]:
        return {"id": t.id, "user": u.name, "prefix": t.prefix, "label": t.label,
                "created_at": _iso(t.created_at), "revoked_at": _iso(t.revoked_at)}

    # ---- the investigation (through the source) ---------------------------------------------

    def runs(self, actor: Actor) -> list[dict[str, Any]]:
        require(actor, "viewer", "reading runs")
        return [vars(r) | {} for r in self.source.runs()]

    def networks(self, actor: Actor, run_id: str | None = None, assessment: str | None = None,
                 min_size: int | None = None, limit: int = 100, offset: int = 0) -> dict[str, Any]:
        require(actor, "viewer", "reading networks")
        _page(limit, offset)
        p = self.source.networks(run_id, assessment=assessment, min_size=min_size, limit=limit,
                                 offset=offset)
        return _paged([vars(n) | {"platforms": list(n.platforms)} for n in p.items], p.total,
                      p.limit, p.offset)

    def network(self, actor: Actor, network_id: str, run_id: str | None = None) -> dict[str, Any]:
        require(actor, "viewer", "reading networks")
        snap = self.source.network(network_id, run_id)
        d = snap.to_dict()
        d.pop("members")
        d["n_members"] = len(snap.members)
        d["evidence_refs"] = d["evidence_refs"][:200]
        with self.store.read() as s:
            case = s.execute(select(CaseNetwork.case_id).where(
                CaseNetwork.network_id == network_id)).first()
        d["case_id"] = case[0] if case else None
        return d

    def members(self, actor: Actor, network_id: str, run_id: str | None = None,
                limit: int = 100, offset: int = 0) -> dict[str, Any]:
        require(actor, "viewer", "reading networks")
        _page(limit, offset)
        p = self.source.members(network_id, run_id, limit=limit, offset=offset)
        return _paged([vars(m) for m in p.items], p.total, p.limit, p.offset)

    def reasons(self, actor: Actor, network_id: str, run_id: str | None = None) -> list[dict[str, Any]]:
        require(actor, "viewer", "reading networks")
        return [vars(r) for r in self.source.network(network_id, run_id).reasons]

    def pair_evidence(self, actor: Actor, network_id: str, a: str, b: str,
                      run_id: str | None = None) -> list[dict[str, Any]]:
        require(actor, "viewer", "reading evidence")
        out = self.source.pair_evidence(network_id, AccountRef.parse(a), AccountRef.parse(b),
                                        run_id)
        return [{"a": str(e.a), "b": str(e.b), "trace": e.trace, "window_s": e.window_s,
                 "n_coactions": e.n_coactions, "items": list(e.items), "ref": e.ref}
                for e in out]

    # ---- cases ----------------------------------------------------------------------------

    def _case(self, s: Session, case_id: int) -> Case:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFound(f"no case {case_id}", remedy="listing the cases: GET /api/v1/cases")
        return case

    def _case_dict(self, s: Session, c: Case, full: bool = False) -> dict[str, Any]:
        names = dict(s.execute(select(User.id, User.name)).all()) if full else {}
        d: dict[str, Any] = {
            "id": c.id, "network_id": c.network_id, "title": c.title, "state": c.state,
            "assignee": names.get(c.assignee_id or 0) if full else c.assignee_id,
            "created_at": _iso(c.created_at), "updated_at": _iso(c.updated_at),
            "version": c.version}
        if full:
            d["created_by"] = names.get(c.created_by)
            d["networks"] = [{"network_id": n.network_id, "run_id": n.run_id,
                              "added_at": _iso(n.added_at), "added_by": names.get(n.added_by)}
                             for n in s.execute(select(CaseNetwork).where(
                                 CaseNetwork.case_id == c.id).order_by(CaseNetwork.id)).scalars()]
            d["tags"] = list(s.execute(select(Tag.name).where(Tag.case_id == c.id)
                                       .order_by(Tag.name)).scalars())
            d["decisions"] = [{"id": x.id, "action": x.action, "status": x.status}
                              for x in s.execute(select(Decision).where(
                                  Decision.case_id == c.id).order_by(Decision.id)).scalars()]
        return d

    def _snapshot(self, s: Session, actor: Actor, case: Case, snap: NetworkSnapshot,
                  purpose: str) -> Evidence:
        text = audit.canonical_json(snap.to_dict())
        ev = Evidence(case_id=case.id, network_id=snap.network_id, run_id=snap.run_id,
                      purpose=purpose, taken_by=actor.id, taken_at=utcnow(), snapshot=text,
                      sha256=hashlib.sha256(text.encode()).hexdigest())
        s.add(ev)
        s.flush()
        audit.record(s, actor.name, "evidence.snapshot", "evidence", ev.id, None,
                     {"case_id": case.id, "network_id": snap.network_id, "run_id": snap.run_id,
                      "purpose": purpose, "sha256": ev.sha256, "members": len(snap.members)})
        return ev

    def open_case(self, actor: Actor, network_id: str, run_id: str | None = None,
                  title: str = "") -> dict[str, Any]:
        """A case for a network, with a snapshot of the network as evidence."""
        require(actor, "analyst", "opening cases")
        snap = self.source.network(network_id, run_id)
        with self.store.write() as s:
            existing = s.execute(select(CaseNetwork.case_id).where(
                CaseNetwork.network_id == network_id)).first()
            if existing:
                raise Conflict(f"network {network_id} already has case {existing[0]}",
                               remedy=f"working on case {existing[0]}; a later run's network is "
                               "added with POST /api/v1/cases/{id}/networks")
            now = utcnow()
            case = Case(network_id=network_id, title=title[:500] or f"{snap.label}: "
                        f"{snap.size} accounts, {snap.assessment}", state="new",
                        created_by=actor.id, created_at=now, updated_at=now)
            s.add(case)
            s.flush()
            s.add(CaseNetwork(case_id=case.id, network_id=network_id, run_id=snap.run_id,
                              added_by=actor.id, added_at=now))
            audit.record(s, actor.name, "case.open", "case", case.id, None,
                         {"network_id": network_id, "run_id": snap.run_id, "state": "new",
                          "title": case.title})
            self._snapshot(s, actor, case, snap, "case opened")
            return self._case_dict(s, case, full=True)

    def list_cases(self, actor: Actor, state: str | None = None, assignee: str | None = None,
                   network_id: str | None = None, limit: int = 100,
                   offset: int = 0) -> dict[str, Any]:
        require(actor, "viewer", "reading cases")
        _page(limit, offset)
        with self.store.read() as s:
            q = select(Case)
            if state:
                q = q.where(Case.state == state)
            if assignee:
                q = q.where(Case.assignee_id == get_user(s, assignee).id)
            if network_id:
                q = q.where(Case.id.in_(select(CaseNetwork.case_id).where(
                    CaseNetwork.network_id == network_id)))
            total = s.execute(select(func.count()).select_from(q.subquery())).scalar_one()
            rows = s.execute(q.order_by(Case.id).limit(limit).offset(offset)).scalars().all()
            names = dict(s.execute(select(User.id, User.name)).all())
            items = []
            for c in rows:
                d = self._case_dict(s, c)
                d["assignee"] = names.get(c.assignee_id or 0)
                items.append(d)
            return _paged(items, total, limit, offset)

    def get_case(self, actor: Actor, case_id: int) -> dict[str, Any]:
        require(actor, "viewer", "reading cases")
        with self.store.read() as s:
            return self._case_dict(s, self._case(s, case_id), full=True)

    def _check_version(self, obj: Case | Decision | Appeal, version: int | None) -> None:
        if version is not None and obj.version != version:
            raise StaleVersion(f"{type(obj).__name__.lower()} {obj.id} is at version "
                               f"{obj.version}, not {version}: someone changed it meanwhile",
                               remedy="reading it again and retrying with the new version")

    def _move(self, s: Session, actor: Actor, case: Case, target: str, *, manual: bool,
              why: str) -> None:
        check_transition(case.state, target, manual=manual)
        old = case.state
        case.state = target
        case.updated_at = utcnow()
        s.flush()
        audit.record(s, actor.name, "case.transition", "case", case.id, {"state": old},
                     {"state": target, "why": why})

    def transition(self, actor: Actor, case_id: int, to: str, version: int | None = None,
                   why: str = "") -> dict[str, Any]:
        require(actor, "analyst", "changing a case's state")
        with self.store.write() as s:
            case = self._case(s, case_id)
            self._check_version(case, version)
            self._move(s, actor, case, to, manual=True, why=why or "requested")
            return self._case_dict(s, case, full=True)

    def assign(self, actor: Actor, case_id: int, assignee: str | None,
               version: int | None = None) -> dict[str, Any]:
        require(actor, "analyst", "assigning cases")
        with self.store.write() as s:
            case = self._case(s, case_id)
            self._check_version(case, version)
            user = get_user(s, assignee) if assignee else None
            if user is not None and user.role == "viewer":
                raise RuleViolation(f"{user.name} is a viewer and cannot work on cases",
                                    remedy="assigning an analyst, approver or admin")
            old = case.assignee_id
            case.assignee_id = user.id if user else None
            case.updated_at = utcnow()
            s.flush()
            audit.record(s, actor.name, "case.assign", "case", case.id, {"assignee_id": old},
                         {"assignee_id": case.assignee_id, "assignee": assignee})
            return self._case_dict(s, case, full=True)

    def add_network(self, actor: Actor, case_id: int, network_id: str,
                    run_id: str | None = None) -> dict[str, Any]:
        """Follow the case's operation into another run (the same network found again, or a
        re-established one): the network is added to the case with a snapshot."""
        require(actor, "analyst", "adding networks to cases")
        snap = self.source.network(network_id, run_id)
        with self.store.write() as s:
            case = self._case(s, case_id)
            other = s.execute(select(CaseNetwork).where(
                CaseNetwork.network_id == network_id, CaseNetwork.run_id == snap.run_id)).first()
            if other:
                raise Conflict(f"network {network_id} of run {snap.run_id} is already in case "
                               f"{other[0].case_id}")
            s.add(CaseNetwork(case_id=case.id, network_id=network_id, run_id=snap.run_id,
                              added_by=actor.id, added_at=utcnow()))
            audit.record(s, actor.name, "case.add_network", "case", case.id, None,
                         {"network_id": network_id, "run_id": snap.run_id})
            self._snapshot(s, actor, case, snap, "network added")
            return self._case_dict(s, case, full=True)

    # ---- notes, tags, links, evidence -------------------------------------------------------

    def _evidence_of(self, s: Session, case: Case, evidence_id: int | None) -> None:
        if evidence_id is None:
            return
        ev = s.get(Evidence, evidence_id)
        if ev is None or ev.case_id != case.id:
            raise NotFound(f"case {case.id} has no evidence {evidence_id}")

    def add_note(self, actor: Actor, case_id: int, text: str,
                 evidence_id: int | None = None) -> dict[str, Any]:
        require(actor, "analyst", "writing notes")
        if not text.strip():
            raise ValidationFailed("a note needs text")
        with self.store.write() as s:
            case = self._case(s, case_id)
            self._evidence_of(s, case, evidence_id)
            note = Note(case_id=case.id, evidence_id=evidence_id, author_id=actor.id,
                        created_at=utcnow(), text=text)
            s.add(note)
            s.flush()
            audit.record(s, actor.name, "note.add", "note", note.id, None,
                         {"case_id": case.id, "evidence_id": evidence_id, "text": text})
            return self._note(note, actor.name)

    @staticmethod
    def _note(n: Note, author: str | None) -> dict[str, Any]:
        return {"id": n.id, "case_id": n.case_id, "evidence_id": n.evidence_id,
                "author": author, "created_at": _iso(n.created_at), "text": n.text}

    def list_notes(self, actor: Actor, case_id: int, limit: int = 100,
                   offset: int = 0) -> dict[str, Any]:
        require(actor, "viewer", "reading notes")
        _page(limit, offset)
        with self.store.read() as s:
            self._case(s, case_id)
            q = select(Note, User.name).join(User, Note.author_id == User.id).where(
                Note.case_id == case_id)
            total = s.execute(select(func.count()).select_from(Note).where(
                Note.case_id == case_id)).scalar_one()
            rows = s.execute(q.order_by(Note.id).limit(limit).offset(offset)).all()
            return _paged([self._note(n, a) for n, a in rows], total, limit, offset)

    def add_tag(self, actor: Actor, case_id: int, name: str,
                evidence_id: int | None = None) -> dict[str, Any]:
        require(actor, "analyst", "tagging cases")
        name = name.strip()
        if not name or len(name) > 100:
            raise ValidationFailed("a tag needs 1 to 100 characters")
        with self.store.write() as s:
            case = self._case(s, case_id)
            self._evidence_of(s, case, evidence_id)
            if s.execute(select(Tag.id).where(Tag.case_id == case.id, Tag.name == name)).first():
                raise Conflict(f"case {case.id} is already tagged {name!r}")
            tag = Tag(case_id=case.id, evidence_id=evidence_id, name=name, created_by=actor.id,
                      created_at=utcnow())
            s.add(tag)
            s.flush()
            audit.record(s, actor.name, "tag.add", "case", case.id, None,
                         {"tag": name, "evidence_id": evidence_id})
            return {"case_id": case.id, "name": name, "evidence_id": evidence_id,
                    "created_at": _iso(tag.created_at), "created_by": actor.name}

    def remove_tag(self, actor: Actor, case_id: int, name: str) -> None:
        require(actor, "analyst", "tagging cases")
        with self.store.write() as s:
            case = self._case(s, case_id)
            tag = s.execute(select(Tag).where(Tag.case_id == case.id, Tag.name == name)
                            ).scalar_one_or_none()
            if tag is None:
                raise NotFound(f"case {case.id} has no tag {name!r}")
            s.delete(tag)
            audit.record(s, actor.name, "tag.remove", "case", case.id, {"tag": name}, None)

    def list_tags(self, actor: Actor, case_id: int) -> list[dict[str, Any]]:
        require(actor, "viewer", "reading tags")
        with self.store.read() as s:
            self._case(s, case_id)
            rows = s.execute(select(Tag, User.name).join(User, Tag.created_by == User.id)
                             .where(Tag.case_id == case_id).order_by(Tag.name)).all()
            return [{"case_id": t.case_id, "name": t.name, "evidence_id": t.evidence_id,
                     "created_at": _iso(t.created_at), "created_by": u} for t, u in rows]

    def link_cases(self, actor: Actor, case_id: int, other_case_id: int,
                   kind: str = "same_operation", note: str = "") -> dict[str, Any]:
        require(actor, "analyst", "linking cases")
        if kind not in LINK_KINDS:
            raise ValidationFailed(f"unknown link kind {kind!r}",
                                   remedy="choosing one of " + ", ".join(LINK_KINDS))
        if case_id == other_case_id:
            raise ValidationFailed("a case cannot be linked to itself")
        with self.store.write() as s:
            a, b = self._case(s, case_id), self._case(s, other_case_id)
            if s.execute(select(CaseLink.id).where(
                    CaseLink.case_id == a.id, CaseLink.other_case_id == b.id,
                    CaseLink.kind == kind)).first():
                raise Conflict(f"cases {a.id} and {b.id} are already linked as {kind}")
            link = CaseLink(case_id=a.id, other_case_id=b.id, kind=kind, note=note,
                            created_by=actor.id, created_at=utcnow())
            s.add(link)
            s.flush()
            audit.record(s, actor.name, "case.link", "case", a.id, None,
                         {"other_case_id": b.id, "kind": kind, "note": note})
            return self._link(link, a.id)

    @staticmethod
    def _link(x: CaseLink, me: int) -> dict[str, Any]:
        return {"id": x.id, "case_id": me,
                "other_case_id": x.other_case_id if x.case_id == me else x.case_id,
                "kind": x.kind, "note": x.note, "created_at": _iso(x.created_at)}

    def list_links(self, actor: Actor, case_id: int) -> list[dict[str, Any]]:
        require(actor, "viewer", "reading cases")
        with self.store.read() as s:
            self._case(s, case_id)
            rows = s.execute(select(CaseLink).where(
                (CaseLink.case_id == case_id) | (CaseLink.other_case_id == case_id))
                .order_by(CaseLink.id)).scalars()
            return [self._link(x, case_id) for x in rows]

    def list_evidence(self, actor: Actor, case_id: int) -> list[dict[str, Any]]:
        require(actor, "viewer", "reading evidence")
        with self.store.read() as s:
            self._case(s, case_id)
            rows = s.execute(select(Evidence.id, Evidence.network_id, Evidence.run_id,
                                    Evidence.purpose, Evidence.taken_at, Evidence.sha256)
                             .where(Evidence.case_id == case_id).order_by(Evidence.id)).all()
            return [{"id": r.id, "network_id": r.network_id, "run_id": r.run_id,
                     "purpose": r.purpose, "taken_at": _iso(r.taken_at), "sha256": r.sha256}
                    for r in rows]

    def get_evidence(self, actor: Actor, evidence_id: int, members_limit: int = 100,
                     members_offset: int = 0) -> dict[str, Any]:
        require(actor, "viewer", "reading evidence")
        _page(members_limit, members_offset)
        with self.store.read() as s:
            ev = s.get(Evidence, evidence_id)
            if ev is None:
                raise NotFound(f"no evidence {evidence_id}")
            snap = json.loads(ev.snapshot)
            members = snap.pop("members")
            return {"id": ev.id, "case_id": ev.case_id, "purpose": ev.purpose,
                    "taken_at": _iso(ev.taken_at), "sha256": ev.sha256,
                    "intact": hashlib.sha256(ev.snapshot.encode()).hexdigest() == ev.sha256,
                    "snapshot": snap,
                    "members": _paged(members[members_offset:members_offset + members_limit],
                                      len(members), members_limit, members_offset)}

    # ---- decisions ------------------------------------------------------------------------

    def _store_key(self, s: Session) -> bytes:
        if self._key is None:
            row = s.get(Setting, "puid_key")
            if row is None:
                row = Setting(key="puid_key", value=secrets.token_hex(32))
                s.add(row)
                s.flush()
            self._key = bytes.fromhex(row.value)
        return self._key

    @staticmethod
    def default_facts(snap: NetworkSnapshot, reasons: Sequence[str]) -> str:
        """decision_facts written from the network: counts, platforms, behaviour; no names."""
        plats = ", ".join(snap.platforms) or "the platform"
        when = ""
        if snap.first_activity and snap.last_activity:
            when = (f" between {snap.first_activity[:10]} and {snap.last_activity[:10]}")
        texts = [r.text for r in snap.reasons if r.code in reasons]
        text = (f"The account was one of {snap.size} accounts on {plats} that acted together"
                f"{when}. Automated analysis (cibwatch {__version__}) found the network and "
                "staff reviewed it; a second reviewer approved the decision. What the network "
                "did: " + " ".join(t.rstrip(".") + "." for t in texts))
        return text[:5000]

    def propose_decision(self, actor: Actor, case_id: int, d: DecisionInput) -> dict[str, Any]:
        """Propose a decision on the case's network; a snapshot of the network is taken and
        the decision relies on it. It takes effect only when approved by someone else."""
        require(actor, "analyst", "proposing decisions")
        if d.action not in dsa.ACTIONS:
            raise ValidationFailed(f"unknown action {d.action!r}",
                                   remedy="choosing one of " + ", ".join(dsa.ACTIONS))
        if d.detection_source not in DETECTION_SOURCES:
            raise ValidationFailed("detection_source must be internal or external")
        if d.automated_decision not in AUTOMATED_DECISION:
            raise ValidationFailed(
                "automated_decision must be not_automated or partially",
                remedy="leaving it out: a decision approved by a second person is not fully "
                "automated")
        if not d.policy_clause.strip() or len(d.policy_clause) > 500:
            raise ValidationFailed("policy_clause (the terms-of-service clause relied on) "
                                   "needs 1 to 500 characters")
        if len(d.explanation) > 2000 or not d.explanation.strip():
            raise ValidationFailed("explanation needs 1 to 2000 characters")
        if d.category not in dsa.CATEGORIES:
            raise ValidationFailed(f"unknown category {d.category!r}",
                                   remedy="choosing a STATEMENT_CATEGORY_* value")
        spec = list(d.category_specification) if d.category_specification is not None \
            else list(DEFAULT_KEYWORDS)
        bad = [k for k in spec if k not in dsa.KEYWORDS]
        if bad:
            raise ValidationFailed(f"unknown category_specification {bad}")
        scope = list(d.territorial_scope) if d.territorial_scope is not None \
            else list(dsa.EEA_COUNTRY_CODES)
        if not scope or any(c not in dsa.COUNTRY_CODES for c in scope):
            raise ValidationFailed("territorial_scope must list EEA country codes")
        if d.end_date is not None and not dsa._date_ok(d.end_date):
            raise ValidationFailed("end_date must be a date YYYY-MM-DD")
        if d.end_date is not None and d.action not in ("suspend", "restrict_demote",
                                                       "restrict_interaction", "label",
                                                       "recover"):
            raise ValidationFailed(f"{d.action} has no end date")
        with self.store.write() as s:
            case = self._case(s, case_id)
            check_transition(case.state, "proposed", manual=False)
            q = select(CaseNetwork.network_id, CaseNetwork.run_id).where(
                CaseNetwork.case_id == case.id)
            if d.run_id is not None:
                q = q.where(CaseNetwork.run_id == d.run_id)
            latest = s.execute(q.order_by(CaseNetwork.id.desc())).first()
            if latest is None:
                raise NotFound(f"case {case.id} has no network in run {d.run_id}")
            net_id, run_id = latest
            snap = self.source.network(net_id, run_id)
            codes = [r.code for r in snap.reasons]
            relied = list(d.reason_codes) if d.reason_codes is not None else codes
            unknown = [c for c in relied if c not in codes]
            if unknown:
                raise ValidationFailed(f"the network has no reasons {unknown}",
                                       remedy="choosing from GET /api/v1/networks/{id}/reasons")
            refs = list(d.evidence_refs) if d.evidence_refs is not None else \
                list(snap.evidence_refs[:20])
            automated = d.automated_detection if d.automated_detection is not None else (
                d.detection_source == "internal")
            if d.detection_source == "internal" and not automated:
                raise ValidationFailed(
                    "automated_detection is No but the network was found by cibwatch "
                    "(detection_source internal)",
                    remedy="setting automated_detection true, or detection_source external if "
                    "another party's indicators found it (platforms shipped inverted flags "
                    "for months; the check is deliberate)")
            if d.detection_source == "external" and not d.source_identity.strip():
                raise ValidationFailed("an external detection needs source_identity (e.g. "
                                       "'indicators published by another platform')")
            facts = d.facts if d.facts is not None else self.default_facts(snap, relied)
            if not facts.strip() or len(facts) > 5000:
                raise ValidationFailed("decision facts need 1 to 5000 characters")
            accounts = [(m.account_id, m.handle) for m in snap.members]
            dsa.check_no_personal_data(facts, accounts)
            dsa.check_no_personal_data(d.explanation, accounts, "explanation")
            dsa.check_no_personal_data(d.policy_clause, accounts, "policy_clause")
            if d.source_identity:
                dsa.check_no_personal_data(d.source_identity, accounts, "source_identity")
            member_set = {(m.platform, m.account_id) for m in snap.members}
            exc_rows = []
            seen = set()
            for x in d.exceptions:
                ref = AccountRef.parse(str(x.get("account", "")))
                act = str(x.get("action", ""))
                if (ref.platform, ref.account_id) not in member_set:
                    raise ValidationFailed(f"{ref} is not a member of network {net_id}")
                if act not in dsa.EXCEPTION_ACTIONS:
                    raise ValidationFailed(f"unknown exception action {act!r}",
                                           remedy="choosing one of "
                                           + ", ".join(dsa.EXCEPTION_ACTIONS))
                if ref in seen:
                    raise ValidationFailed(f"{ref} has two exceptions")
                seen.add(ref)
                exc_rows.append((ref, act, str(x.get("reason", ""))[:2000]))
            ev = self._snapshot(s, actor, case, snap, "decision proposed")
            dec = Decision(
                uid=uuid.uuid4().hex, case_id=case.id, evidence_id=ev.id, network_id=net_id,
                run_id=str(run_id), action=d.action, status="proposed",
                policy_clause=d.policy_clause, explanation=d.explanation, facts=facts,
                reason_codes=relied, evidence_refs=refs, detection_source=d.detection_source,
                source_identity=d.source_identity, automated_detection=automated,
                automated_decision=d.automated_decision, category=d.category,
                category_specification=spec, territorial_scope=sorted(scope),
                end_date=d.end_date, cibwatch_version=__version__, proposed_by=actor.id,
                proposed_at=utcnow())
            s.add(dec)
            s.flush()
            for ref, act, why in exc_rows:
                s.add(DecisionException(decision_id=dec.id, platform=ref.platform,
                                        account_id=ref.account_id, action=act, reason=why))
            s.flush()
            self._move(s, actor, case, "proposed", manual=False, why=f"decision {dec.id}")
            audit.record(s, actor.name, "decision.propose", "decision", dec.id, None,
                         self._decision_core(dec) | {"exceptions": len(exc_rows)})
            return self._decision_dict(s, dec)

    @staticmethod
    def _decision_core(d: Decision) -> dict[str, Any]:
        return {"case_id": d.case_id, "network_id": d.network_id, "run_id": d.run_id,
                "action": d.action, "status": d.status, "policy_clause": d.policy_clause,
                "facts_sha256": hashlib.sha256(d.facts.encode()).hexdigest(),
                "reason_codes": d.reason_codes, "evidence_refs": len(d.evidence_refs),
                "detection_source": d.detection_source,
                "automated_detection": d.automated_detection,
                "automated_decision": d.automated_decision,
                "cibwatch_version": d.cibwatch_version, "evidence_id": d.evidence_id}

    def _decision_dict(self, s: Session, d: Decision) -> dict[str, Any]:
        names = dict(s.execute(select(User.id, User.name)).all())
        excs = s.execute(select(DecisionException).where(
            DecisionException.decision_id == d.id).order_by(DecisionException.id)).scalars()
        n_aff = s.execute(select(func.count()).select_from(AffectedAccount).where(
            AffectedAccount.decision_id == d.id)).scalar_one()
        n_st = s.execute(select(func.count()).select_from(Statement).where(
            Statement.decision_id == d.id)).scalar_one()
        return {
            "id": d.id, "uid": d.uid, "case_id": d.case_id, "network_id": d.network_id,
            "run_id": d.run_id, "evidence_id": d.evidence_id, "action": d.action,
            "status": d.status, "policy_clause": d.policy_clause,
            "explanation": d.explanation, "facts": d.facts, "reason_codes": d.reason_codes,
            "evidence_refs": d.evidence_refs, "detection_source": d.detection_source,
            "source_identity": d.source_identity,
            "automated_detection": d.automated_detection,
            "automated_decision": d.automated_decision, "category": d.category,
            "category_specification": d.category_specification,
            "territorial_scope": d.territorial_scope, "end_date": d.end_date,
            "cibwatch_version": d.cibwatch_version,
            "proposed_by": names.get(d.proposed_by), "proposed_at": _iso(d.proposed_at),
            "decided_by": names.get(d.decided_by) if d.decided_by else None,
            "decided_at": _iso(d.decided_at), "decision_note": d.decision_note,
            "exceptions": [{"account": f"{x.platform}:{x.account_id}", "action": x.action,
                            "reason": x.reason} for x in excs],
            "n_affected": n_aff, "n_statements": n_st, "version": d.version}

    def _decision(self, s: Session, decision_id: int) -> Decision:
        d = s.get(Decision, decision_id)
        if d is None:
            raise NotFound(f"no decision {decision_id}")
        return d

    def get_decision(self, actor: Actor, decision_id: int) -> dict[str, Any]:
        require(actor, "viewer", "reading decisions")
        with self.store.read() as s:
            return self._decision_dict(s, self._decision(s, decision_id))

    def list_decisions(self, actor: Actor, case_id: int | None = None,
                       status: str | None = None) -> list[dict[str, Any]]:
        require(actor, "viewer", "reading decisions")
        with self.store.read() as s:
            q = select(Decision)
            if case_id is not None:
                self._case(s, case_id)
                q = q.where(Decision.case_id == case_id)
            if status:
                q = q.where(Decision.status == status)
            return [self._decision_dict(s, d) for d in s.execute(q.order_by(Decision.id)
                                                                 ).scalars()]

    def _four_eyes(self, s: Session, actor: Actor, d: Decision, what: str) -> None:
        require(actor, "approver", what)
        if actor.kind != "human":
            raise PermissionDenied(f"{actor.name} is an automated (service) user; {what} needs "
                                   "a person", remedy="using a person's token")
        if actor.id == d.proposed_by:
            raise PermissionDenied(
                f"{actor.name} proposed decision {d.id} and cannot also {what.split()[0]} it "
                "(four eyes)", remedy="asking another user with the approver role")

    def approve(self, actor: Actor, decision_id: int, note: str = "",
                version: int | None = None) -> dict[str, Any]:
        """The second pair of eyes: the decision takes effect, fans out to every affected
        account and a statement of reasons is issued for each."""
        with self.store.write() as s:
            d = self._decision(s, decision_id)
            self._four_eyes(s, actor, d, "approving decisions")
            self._check_version(d, version)
            if d.status != "proposed":
                raise Conflict(f"decision {d.id} is {d.status}, not proposed")
            case = self._case(s, d.case_id)
            now = utcnow()
            d.status, d.decided_by, d.decided_at, d.decision_note = "approved", actor.id, now, note
            s.flush()
            n, digest = self._fan_out(s, d, now)
            self._move(s, actor, case, "decided", manual=False, why=f"decision {d.id} approved")
            audit.record(s, actor.name, "decision.approve", "decision", d.id,
                         {"status": "proposed"},
                         {"status": "approved", "decided_by": actor.name, "note": note,
                          "affected_accounts": n, "affected_sha256": digest})
            return self._decision_dict(s, d)

    def reject(self, actor: Actor, decision_id: int, note: str = "",
               version: int | None = None) -> dict[str, Any]:
        with self.store.write() as s:
            d = self._decision(s, decision_id)
            self._four_eyes(s, actor, d, "rejecting decisions")
            self._check_version(d, version)
            if d.status != "proposed":
                raise Conflict(f"decision {d.id} is {d.status}, not proposed")
            if not note.strip():
                raise ValidationFailed("a rejection needs a note saying why")
            d.status, d.decided_by, d.decided_at, d.decision_note = ("rejected", actor.id,
                                                                     utcnow(), note)
            s.flush()
            self._move(s, actor, self._case(s, d.case_id), "in_review", manual=False,
                       why=f"decision {d.id} rejected")
            audit.record(s, actor.name, "decision.reject", "decision", d.id,
                         {"status": "proposed"}, {"status": "rejected", "note": note})
            return self._decision_dict(s, d)

    def _fan_out(self, s: Session, d: Decision, now: dt.datetime) -> tuple[int, str]:
        ev = s.get(Evidence, d.evidence_id)
        assert ev is not None
        snap = NetworkSnapshot.from_dict(json.loads(ev.snapshot))
        excs = {(x.platform, x.account_id): x.action for x in s.execute(
            select(DecisionException).where(DecisionException.decision_id == d.id)).scalars()}
        rows: list[dict[str, Any]] = []
        for m in snap.members:
            act = excs.get((m.platform, m.account_id), d.action)
            if act in dsa.STATEMENT_ACTIONS:
                rows.append({"decision_id": d.id, "platform": m.platform,
                             "account_id": m.account_id, "action": act, "status": "in_force"})
        digest = hashlib.sha256("\n".join(f"{r['platform']}:{r['account_id']}:{r['action']}"
                                          for r in rows).encode()).hexdigest()
        if not rows:
            return 0, digest
        ids: list[int] = []
        for i in range(0, len(rows), 5000):
            chunk = rows[i:i + 5000]
            res = s.execute(insert(AffectedAccount).returning(
                AffectedAccount.id, sort_by_parameter_order=True), chunk)
            ids.extend(r[0] for r in res)
        key = self._store_key(s)
        day = now.date().isoformat()
        base: dict[str, dict[str, Any]] = {}
        base_json: dict[str, str] = {}
        stmts = []
        for aid, r in zip(ids, rows, strict=True):
            act = r["action"]
            if act not in base:
                base[act] = dsa.build_statement(
                    action=act, puid="x", policy_clause=d.policy_clause,
                    explanation=d.explanation, facts=d.facts, category=d.category,
                    category_specification=d.category_specification,
                    content_types=snap.content_types, content_date=snap.first_activity,
                    application_date=day, end_date=d.end_date if act == d.action else None,
                    territorial_scope=d.territorial_scope,
                    language=snap.languages[0] if snap.languages else None,
                    detection_source=d.detection_source, source_identity=d.source_identity,
                    automated_detection=d.automated_detection,
                    automated_decision=d.automated_decision)
                errs = dsa.validate_statement(base[act])
                if errs:
                    raise ValidationFailed("the statements of reasons would break the "
                                           "schema's rules", details=errs)
            if act not in base_json:
                base_json[act] = audit.canonical_json(base[act] | {"puid": _PUID_SLOT})
            puid = dsa.make_puid(key, d.uid, r["platform"], r["account_id"])
            stmts.append({"decision_id": d.id, "affected_id": aid, "puid": puid,
                          "revision": 1, "body": base_json[act].replace(_PUID_SLOT, puid, 1),
                          "created_at": now})
        for i in range(0, len(stmts), 5000):
            s.execute(insert(Statement), stmts[i:i + 5000])
        return len(rows), digest

    def decision_accounts(self, actor: Actor, decision_id: int, limit: int = 100,
                          offset: int = 0) -> dict[str, Any]:
        require(actor, "viewer", "reading decisions")
        _page(limit, offset)
        with self.store.read() as s:
            self._decision(s, decision_id)
            q = select(AffectedAccount).where(AffectedAccount.decision_id == decision_id)
            total = s.execute(select(func.count()).select_from(q.subquery())).scalar_one()
            rows = s.execute(q.order_by(AffectedAccount.id).limit(limit).offset(offset)).scalars()
            return _paged([{"account": f"{a.platform}:{a.account_id}", "action": a.action,
                            "status": a.status, "restored_at": _iso(a.restored_at),
                            "appeal_id": a.appeal_id} for a in rows], total, limit, offset)

    # ---- statements -----------------------------------------------------------------------

    @staticmethod
    def _statement(st: Statement, with_body: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {"puid": st.puid, "decision_id": st.decision_id,
                             "revision": st.revision, "created_at": _iso(st.created_at),
                             "export_id": st.export_id}
        if with_body:
            d["body"] = json.loads(st.body)
        return d

    def list_statements(self, actor: Actor, decision_id: int | None = None,
                        exported: bool | None = None, limit: int = 100,
                        offset: int = 0) -> dict[str, Any]:
        require(actor, "viewer", "reading statements")
        _page(limit, offset)
        with self.store.read() as s:
            q = select(Statement)
            if decision_id is not None:
                q = q.where(Statement.decision_id == decision_id)
            if exported is not None:
                q = q.where(Statement.export_id.is_not(None) if exported
                            else Statement.export_id.is_(None))
            total = s.execute(select(func.count()).select_from(q.subquery())).scalar_one()
            rows = s.execute(q.order_by(Statement.id).limit(limit).offset(offset)).scalars()
            return _paged([self._statement(x) for x in rows], total, limit, offset)

    def get_statement(self, actor: Actor, puid: str) -> dict[str, Any]:
        require(actor, "viewer", "reading statements")
        with self.store.read() as s:
            st = s.execute(select(Statement).where(Statement.puid == puid)).scalar_one_or_none()
            if st is None:
                raise NotFound(f"no statement {puid!r}")
            return self._statement(st)

    def export_statements(self, actor: Actor, decision_id: int | None = None,
                          batch_size: int = dsa.MAX_BATCH) -> dict[str, Any]:
        """Every statement not yet exported (of one decision, or all) goes into a new export,
        validated first: if any breaks a rule, nothing is exported. Its batches (at most 100,
        the database's limit) are read with :meth:`export_batch`."""
        require(actor, "approver", "exporting statements")
        if not 1 <= batch_size <= dsa.MAX_BATCH:
            raise ValidationFailed(f"batch_size must be 1 to {dsa.MAX_BATCH}")
        with self.store.write() as s:
            if decision_id is not None:
                self._decision(s, decision_id)
            q = select(Statement.id, Statement.body).where(Statement.export_id.is_(None))
            if decision_id is not None:
                q = q.where(Statement.decision_id == decision_id)
            rows = s.execute(q.order_by(Statement.id)).all()
            errors = _validate_bodies(rows)
            if errors:
                raise ValidationFailed(f"{len(errors)} problem(s) in the statements; nothing "
                                       "was exported", details=errors)
            exp = Export(created_by=actor.id, created_at=utcnow(), n_statements=len(rows),
                         batch_size=batch_size, decision_id=decision_id)
            s.add(exp)
            s.flush()
            ids = [r[0] for r in rows]
            for i in range(0, len(ids), 900):
                s.execute(update(Statement).where(Statement.id.in_(ids[i:i + 900]))
                          .values(export_id=exp.id))
            audit.record(s, actor.name, "statements.export", "export", exp.id, None,
                         {"statements": len(rows), "decision_id": decision_id,
                          "batch_size": batch_size})
            return self._export(exp)

    @staticmethod
    def _export(e: Export) -> dict[str, Any]:
        n_batches = -(-e.n_statements // e.batch_size)
        return {"id": e.id, "created_at": _iso(e.created_at), "statements": e.n_statements,
                "batch_size": e.batch_size, "batches": n_batches, "decision_id": e.decision_id}

    def get_export(self, actor: Actor, export_id: int) -> dict[str, Any]:
        require(actor, "approver", "reading exports")
        with self.store.read() as s:
            e = s.get(Export, export_id)
            if e is None:
                raise NotFound(f"no export {export_id}")
            return self._export(e)

    def export_batch(self, actor: Actor, export_id: int, batch: int) -> dict[str, Any]:
        """Batch ``batch`` (from 0) of an export: the body of one ``POST /api/v1/statements``
        of the Transparency Database: ``{"statements": [...]}``."""
        require(actor, "approver", "reading exports")
        with self.store.read() as s:
            e = s.get(Export, export_id)
            if e is None:
                raise NotFound(f"no export {export_id}")
            n = -(-e.n_statements // e.batch_size)
            if not 0 <= batch < max(n, 1) or (n == 0 and batch != 0):
                raise NotFound(f"export {export_id} has batches 0 to {n - 1}")
            bodies = s.execute(select(Statement.body).where(Statement.export_id == e.id)
                               .order_by(Statement.id).limit(e.batch_size)
                               .offset(batch * e.batch_size)).scalars().all()
            return {"statements": [json.loads(b) for b in bodies]}

    def export_batch_json(self, actor: Actor, export_id: int, batch: int) -> bytes:
        """:meth:`export_batch` as JSON bytes, built from the stored canonical JSON of each
        statement without parsing it again (what the API serves)."""
        require(actor, "approver", "reading exports")
        with self.store.read() as s:
            e = s.get(Export, export_id)
            if e is None:
                raise NotFound(f"no export {export_id}")
            n = -(-e.n_statements // e.batch_size)
            if not 0 <= batch < max(n, 1) or (n == 0 and batch != 0):
                raise NotFound(f"export {export_id} has batches 0 to {n - 1}")
            first = s.execute(select(Statement.id).where(Statement.export_id == e.id)
                              .order_by(Statement.id).limit(1)
                              .offset(batch * e.batch_size)).scalar()  # index only
            bodies = s.execute(select(Statement.body).where(
                Statement.export_id == e.id, Statement.id >= (first or 0))
                .order_by(Statement.id).limit(e.batch_size)).scalars().all() if first else []
            return ('{"statements":[' + ",".join(bodies) + "]}").encode()

    def export_all_batches(self, actor: Actor, export_id: int) -> list[dict[str, Any]]:
        """Every batch of an export, in order (streamed from the store in one read)."""
        require(actor, "approver", "reading exports")
        with self.store.read() as s:
            e = s.get(Export, export_id)
            if e is None:
                raise NotFound(f"no export {export_id}")
            bodies = [json.loads(b) for b in s.execute(
                select(Statement.body).where(Statement.export_id == e.id)
                .order_by(Statement.id)).scalars()]
            return dsa.batches(bodies, e.batch_size)

    # ---- appeals (Art. 20) ----------------------------------------------------------------

    def lodge_appeal(self, actor: Actor, decision_id: int, accounts: Sequence[str], basis: str,
                     text: str = "", received_at: dt.datetime | None = None) -> dict[str, Any]:
        """Register a complaint against an approved decision for some of its accounts,
        accepted within six months of the notice (the statement's date)."""
        require(actor, "analyst", "registering appeals")
        if basis not in APPEAL_BASES:
            raise ValidationFailed(f"unknown basis {basis!r}",
                                   remedy="choosing one of " + ", ".join(APPEAL_BASES))
        if not accounts:
            raise ValidationFailed("an appeal names at least one account")
        now = utcnow()
        received = received_at or now
        if received.tzinfo is None:
            raise ValidationFailed("received_at needs a time zone (e.g. Z)")
        if received > now + dt.timedelta(minutes=5):
            raise ValidationFailed("received_at is in the future")
        refs = list(dict.fromkeys(str(AccountRef.parse(a)) for a in accounts))
        with self.store.write() as s:
            d = self._decision(s, decision_id)
            if d.status != "approved" or d.decided_at is None:
                raise RuleViolation(f"decision {d.id} is {d.status}: only a decision in effect "
                                    "can be appealed")
            deadline = add_months(d.decided_at, APPEAL_WINDOW_MONTHS)
            if received > deadline:
                raise RuleViolation(
                    f"the appeal period ended on {_iso(deadline)} (six months after the "
                    f"notice of {_iso(d.decided_at)})",
                    remedy="treating it as a new notice, outside the Art. 20 procedure")
            if received < d.decided_at:
                raise ValidationFailed("received_at is before the decision")
            affected = {f"{a.platform}:{a.account_id}" for a in s.execute(
                select(AffectedAccount).where(AffectedAccount.decision_id == d.id)).scalars()}
            missing = [r for r in refs if r not in affected]
            if missing:
                raise ValidationFailed(f"decision {d.id} did not act on {len(missing)} of the "
                                       "accounts", details=[{"field": "accounts",
                                                             "message": f"not affected: {m}"}
                                                            for m in missing[:20]])
            ap = Appeal(decision_id=d.id, accounts=refs, basis=basis, text=text,
                        received_at=received, registered_by=actor.id, status="open")
            s.add(ap)
            s.flush()
            case = self._case(s, d.case_id)
            self._move(s, actor, case, "appealed", manual=False, why=f"appeal {ap.id}")
            audit.record(s, actor.name, "appeal.lodge", "appeal", ap.id, None,
                         {"decision_id": d.id, "accounts": len(refs), "basis": basis,
                          "received_at": _iso(received)})
            return self._appeal(s, ap)

    def _appeal(self, s: Session, a: Appeal) -> dict[str, Any]:
        names = dict(s.execute(select(User.id, User.name)).all())
        return {"id": a.id, "decision_id": a.decision_id, "accounts": a.accounts,
                "basis": a.basis, "text": a.text, "received_at": _iso(a.received_at),
                "registered_by": names.get(a.registered_by), "status": a.status,
                "reviewer": names.get(a.reviewer_id) if a.reviewer_id else None,
                "decided_at": _iso(a.decided_at), "outcome_reason": a.outcome_reason,
                "reversed_accounts": a.reversed_accounts, "version": a.version}

    def get_appeal(self, actor: Actor, appeal_id: int) -> dict[str, Any]:
        require(actor, "viewer", "reading appeals")
        with self.store.read() as s:
            a = s.get(Appeal, appeal_id)
            if a is None:
                raise NotFound(f"no appeal {appeal_id}")
            return self._appeal(s, a)

    def list_appeals(self, actor: Actor, status: str | None = None,
                     decision_id: int | None = None) -> list[dict[str, Any]]:
        require(actor, "viewer", "reading appeals")
        with self.store.read() as s:
            q = select(Appeal)
            if status:
                q = q.where(Appeal.status == status)
            if decision_id is not None:
                q = q.where(Appeal.decision_id == decision_id)
            return [self._appeal(s, a) for a in s.execute(q.order_by(Appeal.id)).scalars()]

    def decide_appeal(self, actor: Actor, appeal_id: int, outcome: str, reason: str,
                      accounts: Sequence[str] | None = None,
                      version: int | None = None) -> dict[str, Any]:
        """Uphold or reverse. The reviewer must be a person with the approver role who took no
        part in the decision (neither proposed nor approved it). A reversal, for all the
        appeal's accounts or ``accounts`` among them, restores them and issues a revised
        statement of reasons for each (the restriction ends on the day of the reversal)."""
        require(actor, "approver", "deciding appeals")
        if outcome not in ("upheld", "reversed"):
            raise ValidationFailed("outcome must be upheld or reversed")
        if not reason.strip():
            raise ValidationFailed("an appeal outcome needs a reason")
        if actor.kind != "human":
            raise PermissionDenied("appeals are not decided solely by automated means (DSA "
                                   "Art. 20(6)); this is a service user",
                                   remedy="using a person's token")
        with self.store.write() as s:
            ap = s.get(Appeal, appeal_id)
            if ap is None:
                raise NotFound(f"no appeal {appeal_id}")
            self._check_version(ap, version)
            if ap.status != "open":
                raise Conflict(f"appeal {ap.id} was already decided ({ap.status})")
            d = self._decision(s, ap.decision_id)
            if actor.id in (d.proposed_by, d.decided_by):
                raise PermissionDenied(
                    f"{actor.name} took part in decision {d.id} and cannot review its appeal",
                    remedy="asking another approver who took no part in the decision")
            chosen = list(ap.accounts)
            if outcome == "reversed" and accounts is not None:
                chosen = list(dict.fromkeys(str(AccountRef.parse(a)) for a in accounts))
                extra = [a for a in chosen if a not in ap.accounts]
                if extra or not chosen:
                    raise ValidationFailed("reversed accounts must be among the appeal's",
                                           details=[{"field": "accounts", "message": e}
                                                    for e in extra[:20]])
            now = utcnow()
            ap.status, ap.reviewer_id, ap.decided_at, ap.outcome_reason = (
                outcome, actor.id, now, reason)
            ap.reversed_accounts = chosen if outcome == "reversed" else []
            s.flush()
            n_revised = 0
            if outcome == "reversed":
                n_revised = self._restore(s, d, ap, chosen, now)
            still_open = s.execute(select(func.count()).select_from(Appeal).join(
                Decision, Appeal.decision_id == Decision.id).where(
                Decision.case_id == d.case_id, Appeal.status == "open")).scalar_one()
            if not still_open:
                case = self._case(s, d.case_id)
                self._move(s, actor, case, outcome, manual=False, why=f"appeal {ap.id}")
            audit.record(s, actor.name, "appeal.decide", "appeal", ap.id, {"status": "open"},
                         {"status": outcome, "reason": reason, "reversed_accounts":
                          len(ap.reversed_accounts), "revised_statements": n_revised})
            return self._appeal(s, ap)

    def _restore(self, s: Session, d: Decision, ap: Appeal, chosen: list[str],
                 now: dt.datetime) -> int:
        key = self._store_key(s)
        day = now.date().isoformat()
        n = 0
        for ref_text in chosen:
            ref = AccountRef.parse(ref_text)
            aff = s.execute(select(AffectedAccount).where(
                AffectedAccount.decision_id == d.id, AffectedAccount.platform == ref.platform,
                AffectedAccount.account_id == ref.account_id)).scalar_one()
            if aff.status == "restored":
                continue
            aff.status, aff.restored_at, aff.appeal_id = "restored", now, ap.id
            last = s.execute(select(Statement).where(Statement.affected_id == aff.id)
                             .order_by(Statement.revision.desc())).scalars().first()
            if last is None:
                continue
            body = json.loads(last.body)
            body[dsa.ACTION_END_FIELD[aff.action]] = max(day, body["application_date"])
            note = (f" Revised on {day}: the decision was reversed on appeal for this account "
                    "and the restriction ended; the account was restored.")
            body["decision_facts"] = (body["decision_facts"][:5000 - len(note)] + note)
            rev = last.revision + 1
            body["puid"] = dsa.make_puid(key, d.uid, ref.platform, ref.account_id, rev)
            errs = dsa.validate_statement(body)
            if errs:
                raise ValidationFailed("the revised statement would break the schema's rules",
                                       details=errs)
            s.add(Statement(decision_id=d.id, affected_id=aff.id, puid=body["puid"],
                            revision=rev, body=audit.canonical_json(body), created_at=now))
            n += 1
        s.flush()
        return n

    def appeal_figures(self, actor: Actor, start: dt.date, end: dt.date) -> dict[str, Any]:
        """The Art. 15(1)(d) figures for complaints received or decided in [start, end]:
        number received, their basis, outcomes, median handling time (days, from receipt to
        decision), reversals and accounts restored, and how many are still open."""
        require(actor, "viewer", "reading transparency figures")
        if end < start:
            raise ValidationFailed("the period ends before it starts")
        t0 = dt.datetime.combine(start, dt.time(), dt.UTC)
        t1 = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), dt.UTC)
        with self.store.read() as s:
            received = s.execute(select(Appeal).where(Appeal.received_at >= t0,
                                                      Appeal.received_at < t1)).scalars().all()
            decided = s.execute(select(Appeal).where(Appeal.decided_at >= t0,
                                                     Appeal.decided_at < t1)).scalars().all()
            open_at_end = s.execute(select(func.count()).select_from(Appeal).where(
                Appeal.received_at < t1,
                (Appeal.decided_at.is_(None)) | (Appeal.decided_at >= t1))).scalar_one()
        basis: dict[str, int] = {}
        for a in received:
            basis[a.basis] = basis.get(a.basis, 0) + 1
        outcomes = {"upheld": 0, "reversed": 0}
        days = []
        for a in decided:
            outcomes[a.status] = outcomes.get(a.status, 0) + 1
            assert a.decided_at is not None
            days.append((a.decided_at - a.received_at).total_seconds() / 86400)
        days.sort()
        median = None
        if days:
            k = len(days) // 2
            median = days[k] if len(days) % 2 else (days[k - 1] + days[k]) / 2
        return {"from": start.isoformat(), "to": end.isoformat(),
                "complaints_received": len(received), "basis": dict(sorted(basis.items())),
                "decided": len(decided), "outcomes": outcomes,
                "median_handling_days": round(median, 3) if median is not None else None,
                "reversals": outcomes["reversed"],
                "accounts_restored": sum(len(a.reversed_accounts) for a in decided
                                         if a.status == "reversed"),
                "open_at_end": open_at_end,
                "solely_automated": 0}

    # ---- audit ----------------------------------------------------------------------------

    def audit_events(self, actor: Actor, after: int = 0, limit: int = 100,
                     object_type: str | None = None,
                     object_id: str | None = None) -> dict[str, Any]:
        require(actor, "approver", "reading the audit log")
        _page(limit, 0)
        from .models import AuditEvent

        with self.store.read() as s:
            q = select(AuditEvent).where(AuditEvent.seq > after)
            if object_type:
                q = q.where(AuditEvent.object_type == object_type)
            if object_id:
                q = q.where(AuditEvent.object_id == object_id)
            rows = s.execute(q.order_by(AuditEvent.seq).limit(limit)).scalars().all()
            items = [{"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action,
                      "object_type": e.object_type, "object_id": e.object_id,
                      "old": json.loads(e.old), "new": json.loads(e.new),
                      "prev_hash": e.prev_hash, "hash": e.hash} for e in rows]
            return {"items": items, "next_after": items[-1]["seq"] if items else after}

    def verify_audit(self, actor: Actor | None = None) -> audit.VerifyResult:
        if actor is not None:
            require(actor, "approver", "verifying the audit log")
        with self.store.read() as s:
            return audit.verify(s)
