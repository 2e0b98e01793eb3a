"""The exceptions of the case store: each maps to one HTTP status and one error code.

All derive from :class:`cibwatch.errors.CibwatchError`, so the CLI prints them with their
remedy and no traceback; the web layer turns them into its one JSON error shape.
"""

from __future__ import annotations

from typing import Any

from ..errors import CibwatchError

__all__ = [
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
    "Unavailable",
]


class CaseError(CibwatchError):
    """Base of the case store's errors. ``status`` is the HTTP status, ``code`` a stable
    machine-readable name, ``details`` optional structured detail (e.g. validation errors)."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, remedy: str | None = None,
                 details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message, remedy)
        self.details = details or []


class Unauthenticated(CaseError):
    """No token, or a token that is unknown or revoked."""

    status = 401
    code = "unauthenticated"


class PermissionDenied(CaseError):
    """The user's role may not do this (or a segregation-of-duties rule forbids it)."""

    status = 403
    code = "forbidden"


class NotFound(CaseError):
    status = 404
    code = "not_found"


class Conflict(CaseError):
    """The request conflicts with what is stored (e.g. a case already exists)."""

    status = 409
    code = "conflict"


class StaleVersion(Conflict):
    """Optimistic concurrency: the object changed since the client read it."""

    code = "stale_version"


class InvalidTransition(Conflict):
    """The case workflow does not allow this state change."""

    code = "invalid_transition"


class RuleViolation(CaseError):
    """A rule of the process forbids this (four eyes, appeal deadline, reviewer independence)."""

    status = 422
    code = "rule_violation"


class ValidationFailed(CaseError):
    """Input or a generated statement of reasons breaks a schema rule; ``details`` lists them."""

    status = 422
    code = "validation_failed"


class PersonalDataError(ValidationFailed):
    """Text meant for publication (``decision_facts``) names an account."""

    code = "personal_data"


class Unavailable(CaseError):
    """What the request needs cannot be read now (e.g. a detect run holds the investigation
    store); retrying later may succeed."""

    status = 503
    code = "unavailable"
