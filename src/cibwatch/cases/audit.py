"""The audit log: append-only, hash-chained events.

Each event holds the actor, the time (ISO 8601 UTC, microseconds), the action, the object (type
and id) and the object's old and new values, and the hash of the event before it. Its own hash
is the SHA-256 of the canonical JSON (keys sorted, no spaces, UTF-8, :func:`canonical_json`) of

    {"seq", "at", "actor", "action", "object_type", "object_id", "old", "new", "prev_hash"}

where ``old`` and ``new`` are themselves canonical JSON texts. The first event's ``prev_hash`` is
64 zeros. The head row (``audit_head``) holds the last sequence number and hash, so that
deleting the newest events is detected too. :func:`verify` recomputes the chain and names the
first event that breaks it: an edited event no longer matches its hash, a reordered or deleted
one breaks the sequence or the link to its predecessor. Events are written by
:func:`record` inside the transaction of the change they describe (see
:meth:`cibwatch.cases.db.CaseStore.write`, which serialises writers, so the chain is linear).

This follows the tamper-evident log of Crosby & Wallach, "Efficient Data Structures for
Tamper-Evident Logging" (USENIX Security 2009) in its simplest, linear form: verification is
O(n) in the number of events, memory O(1) (streamed in pages).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import AuditEvent, AuditHead

__all__ = ["canonical_json", "event_hash", "record", "verify", "VerifyResult", "GENESIS"]

GENESIS = "0" * 64
_PAGE = 2000


def canonical_json(value: Any) -> str:
    """JSON with sorted keys, no insignificant whitespace, non-ASCII kept (UTF-8 when hashed);
    dates and other objects as ``str``."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def event_hash(fields: dict[str, Any]) -> str:
    keys = ("seq", "at", "actor", "action", "object_type", "object_id", "old", "new",
            "prev_hash")
    return hashlib.sha256(canonical_json({k: fields[k] for k in keys}).encode()).hexdigest()


def record(session: Session, actor: str, action: str, object_type: str, object_id: Any,
           old: Any = None, new: Any = None) -> AuditEvent:
    """Append one event to the chain, in ``session``'s transaction (which must hold the write
    lock: use :meth:`CaseStore.write`)."""
    head = session.get(AuditHead, 1)
    if head is None:  # pragma: no cover - the migration makes it
        raise RuntimeError("the audit chain has no head row; run the migrations")
    fields = {
        "seq": head.seq + 1,
        "at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "old": canonical_json(old),
        "new": canonical_json(new),
        "prev_hash": head.hash,
    }
    ev = AuditEvent(**fields, hash=event_hash(fields))
    session.add(ev)
    head.seq, head.hash = ev.seq, ev.hash
    session.flush()
    return ev


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    n_events: int
    first_bad_seq: int | None = None
    problem: str = ""
    head_seq: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "n_events": self.n_events, "first_bad_seq": self.first_bad_seq,
                "problem": self.problem, "head_seq": self.head_seq}


def verify(session: Session) -> VerifyResult:
    """Recompute the chain from the first event; stop at the first that does not fit."""
    head = session.get(AuditHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    prev, expect_seq, n = GENESIS, 1, 0
    last = 0
    while True:
        rows = session.execute(select(AuditEvent).where(AuditEvent.seq > last)
                               .order_by(AuditEvent.seq).limit(_PAGE)).scalars().all()
        if not rows:
            break
        for ev in rows:
            if ev.seq != expect_seq:
                return VerifyResult(False, n, expect_seq,
                                    f"event {expect_seq} is missing (next stored is {ev.seq})",
                                    head_seq)
            fields = {c: getattr(ev, c) for c in ("seq", "at", "actor", "action", "object_type",
                                                  "object_id", "old", "new", "prev_hash")}
            if ev.prev_hash != prev:
                return VerifyResult(False, n, ev.seq,
                                    f"event {ev.seq} does not follow event {ev.seq - 1}: its "
                                    "previous-hash differs (an event was edited, reordered or "
                                    "removed before it)", head_seq)
            if event_hash(fields) != ev.hash:
                return VerifyResult(False, n, ev.seq,
                                    f"event {ev.seq} was altered: its content does not match "
                                    "its hash", head_seq)
            prev, expect_seq, n = ev.hash, ev.seq + 1, n + 1
            last = ev.seq
    if n != head_seq or prev != head_hash:
        return VerifyResult(False, n, n + 1 if n < head_seq else head_seq,
                            f"the chain ends at event {n} but the head records event {head_seq}"
                            " (events at the end were removed, or the head was altered)",
                            head_seq)
    return VerifyResult(True, n, None, "", head_seq)
