"""Acting on a finding: cases, decisions, statements of reasons, appeals, audit, roles.

The case store is SQLAlchemy 2 over SQLite (default, a file beside the investigation store)
or PostgreSQL, its schema made by Alembic migrations shipped in the package. Detection is read
through :class:`InvestigationSource` (:mod:`cibwatch.cases.source`), never through the
investigation store's tables. :class:`CaseService` holds the use cases; the HTTP API
(:mod:`cibwatch.web`) and the ``cibwatch case`` commands are thin layers over it.
See docs/CASES.md.
"""

from __future__ import annotations

from .audit import VerifyResult, canonical_json
from .auth import ROLES, Actor
from .db import CaseStore, default_case_db, resolve_url
from .errors import (
    CaseError,
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    PersonalDataError,
    RuleViolation,
    StaleVersion,
    Unauthenticated,
    ValidationFailed,
)
from .service import APPEAL_BASES, CaseService, DecisionInput
from .source import (
    AccountRef,
    DetectDirSource,
    InvestigationSource,
    Member,
    MemorySource,
    NetworkSnapshot,
    NetworkSummary,
    Page,
    PairEvidence,
    Reason,
    RunInfo,
    StoreSource,
)
from .workflow import STATES, TRANSITIONS

__all__ = [
    "CaseStore",
    "CaseService",
    "DecisionInput",
    "Actor",
    "ROLES",
    "STATES",
    "TRANSITIONS",
    "APPEAL_BASES",
    "VerifyResult",
    "canonical_json",
    "default_case_db",
    "resolve_url",
    "InvestigationSource",
    "MemorySource",
    "DetectDirSource",
    "StoreSource",
    "NetworkSnapshot",
    "NetworkSummary",
    "Member",
    "Reason",
    "RunInfo",
    "AccountRef",
    "PairEvidence",
    "Page",
    "CaseError",
    "Unauthenticated",
    "PermissionDenied",
    "NotFound",
    "Conflict",
    "StaleVersion",
    "InvalidTransition",
    "RuleViolation",
    "ValidationFailed",
    "PersonalDataError",
]
