"""The case store's tables (SQLAlchemy 2 declarative models).

The schema itself is made by the Alembic migrations in ``migrations/versions`` (run on open);
these classes map it. Evidence, notes and audit events are append-only: the migration adds
database triggers that refuse UPDATE and DELETE on them, and :func:`_refuse_change` does the same
in the ORM. Rows that change carry a ``version`` column (SQLAlchemy's ``version_id_col``): an
UPDATE whose row changed since it was read fails instead of overwriting it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

__all__ = [
    "Base",
    "UTCDateTime",
    "utcnow",
    "Setting",
    "User",
    "ApiToken",
    "Case",
    "CaseNetwork",
    "Evidence",
    "Note",
    "Tag",
    "CaseLink",
    "Decision",
    "DecisionException",
    "AffectedAccount",
    "Statement",
    "Export",
    "Appeal",
    "AuditEvent",
    "AuditHead",
    "Alert",
    "ALERT_STATUSES",
    "IMMUTABLE_TABLES",
]

#: Tables whose rows are never updated or deleted (database triggers enforce it).
IMMUTABLE_TABLES = ("evidence", "notes", "audit_events")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime, stored naive UTC (SQLite has no time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        return value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class Setting(Base):
    """Store-wide values made once: the key of the puid HMAC, the store's id."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    #: ``human`` or ``service`` (an automated client: may not approve or decide appeals).
    kind: Mapped[str] = mapped_column(String(20), default="human")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    """An API token: only its SHA-256 is kept, and an 8-character prefix to recognise it."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    user: Mapped[User] = relationship(lazy="joined")


class Case(Base):
    """One case per network (by its stable id); it follows the network across runs through
    :class:`CaseNetwork` rows."""

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    network_id: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    state: Mapped[str] = mapped_column(String(20), default="new", index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class CaseNetwork(Base):
    """A network of one run that a case covers (the first is the case's own network)."""

    __tablename__ = "case_networks"
    __table_args__ = (UniqueConstraint("network_id", "run_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    network_id: Mapped[str] = mapped_column(String(200))
    run_id: Mapped[str] = mapped_column(String(200))
    added_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Evidence(Base):
    """An immutable snapshot of a network (:class:`~cibwatch.cases.source.NetworkSnapshot` as
    canonical JSON) with its SHA-256."""

    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    network_id: Mapped[str] = mapped_column(String(200))
    run_id: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(50))
    taken_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    taken_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    snapshot: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))


class Note(Base):
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"), default=None)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    text: Mapped[str] = mapped_column(Text)


class Tag(Base):
    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("case_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"), default=None)
    name: Mapped[str] = mapped_column(String(100))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CaseLink(Base):
    """Two cases about one operation (other platforms, other runs, a re-established network)."""

    __tablename__ = "case_links"
    __table_args__ = (UniqueConstraint("case_id", "other_case_id", "kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    other_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(50))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Decision(Base):
    """An enforcement decision on a network, proposed by one user and approved by another."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"))
    network_id: Mapped[str] = mapped_column(String(200))
    run_id: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default="proposed", index=True)
    policy_clause: Mapped[str] = mapped_column(String(500))
    explanation: Mapped[str] = mapped_column(Text)
    facts: Mapped[str] = mapped_column(Text)
    reason_codes: Mapped[list[Any]] = mapped_column(default=list)
    evidence_refs: Mapped[list[Any]] = mapped_column(default=list)
    detection_source: Mapped[str] = mapped_column(String(20), default="internal")
    source_identity: Mapped[str] = mapped_column(String(500), default="")
    automated_detection: Mapped[bool] = mapped_column(Boolean, default=True)
    automated_decision: Mapped[str] = mapped_column(String(20), default="not_automated")
    category: Mapped[str] = mapped_column(String(100))
    category_specification: Mapped[list[Any]] = mapped_column(default=list)
    territorial_scope: Mapped[list[Any]] = mapped_column(default=list)
    end_date: Mapped[str | None] = mapped_column(String(10), default=None)
    cibwatch_version: Mapped[str] = mapped_column(String(40))
    proposed_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class DecisionException(Base):
    """A per-account departure from the network's action (``exclude``: no action at all)."""

    __tablename__ = "decision_exceptions"
    __table_args__ = (UniqueConstraint("decision_id", "platform", "account_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    platform: Mapped[str] = mapped_column(String(50))
    account_id: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text, default="")


class AffectedAccount(Base):
    """One account an approved decision acts on (the fan-out)."""

    __tablename__ = "affected_accounts"
    __table_args__ = (UniqueConstraint("decision_id", "platform", "account_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    platform: Mapped[str] = mapped_column(String(50))
    account_id: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(30))
    #: ``in_force``, or ``restored`` after a reversal on appeal.
    status: Mapped[str] = mapped_column(String(20), default="in_force")
    restored_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    appeal_id: Mapped[int | None] = mapped_column(ForeignKey("appeals.id"), default=None)


class Statement(Base):
    """A statement of reasons (DSA Art. 17) in the Transparency Database v2 schema: ``body``
    is the JSON submitted. Revision 1 is issued with the decision, later ones on reversal."""

    __tablename__ = "statements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    affected_id: Mapped[int] = mapped_column(ForeignKey("affected_accounts.id"), index=True)
    puid: Mapped[str] = mapped_column(String(500), unique=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    export_id: Mapped[int | None] = mapped_column(ForeignKey("exports.id"), default=None)
    #: (export, id): batches are read by key range, not by OFFSET over the bodies
    __table_args__ = (Index("ix_statements_export_id", "export_id", "id"),)


class Export(Base):
    """A batch export of statements (JSON batches of at most 100, the database's limit)."""

    __tablename__ = "exports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    n_statements: Mapped[int] = mapped_column(Integer, default=0)
    batch_size: Mapped[int] = mapped_column(Integer, default=100)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), default=None)


class Appeal(Base):
    """An internal complaint (DSA Art. 20) against a decision, for some of its accounts."""

    __tablename__ = "appeals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    accounts: Mapped[list[Any]] = mapped_column(default=list)
    basis: Mapped[str] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    registered_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    decided_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    outcome_reason: Mapped[str] = mapped_column(Text, default="")
    reversed_accounts: Mapped[list[Any]] = mapped_column(default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class AuditEvent(Base):
    """One audit event; ``hash`` = SHA-256 of the canonical JSON of the other fields, which
    include ``prev_hash`` (see :mod:`cibwatch.cases.audit`)."""

    __tablename__ = "audit_events"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(100))
    object_type: Mapped[str] = mapped_column(String(50))
    object_id: Mapped[str] = mapped_column(String(200))
    old: Mapped[str] = mapped_column(Text)
    new: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's last event (one row): write transactions lock it, which orders them."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


#: An alert is ``open`` until someone confirms it (a re-establishment attempt) or dismisses it.
ALERT_STATUSES = ("open", "confirmed", "dismissed")


class Alert(Base):
    """An account the recidivism watch (:mod:`cibwatch.watch`) linked to a removed network:
    one row per account (the watch updates it, never duplicates it), with the decision whose
    takedown it links to, the score and the evidence rows (JSON). ``evidence_keys`` are the
    identities of the evidence rows: a dismissed alert is reopened only by evidence not among
    them."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("platform", "account_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(50))
    account_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    score: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    network_id: Mapped[str] = mapped_column(String(200))
    run_id: Mapped[str | None] = mapped_column(String(200), default=None)
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    evidence_keys: Mapped[list[Any]] = mapped_column(default=list)
    evidence_sha256: Mapped[str] = mapped_column(String(64))
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), default=None)
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    review_note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


@event.listens_for(Session, "before_flush")
def _refuse_change(session: Session, flush_context: Any, instances: Any) -> None:
    """No ORM path updates or deletes an append-only row."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, Evidence | Note | AuditEvent) and (
                obj in session.deleted or session.is_modified(obj)):
            raise RuntimeError(f"{type(obj).__name__} rows are append-only")
