"""Users, roles and API tokens.

Roles are ordered: ``viewer`` < ``analyst`` < ``approver`` < ``admin``; a role may do what
the roles below it may. What each may do is declared once, per endpoint and use case, as the
least role needed (:data:`cibwatch.web.routes.ENDPOINTS` holds the API's table).

Tokens
    ``cbw_`` followed by 43 URL-safe characters (32 random bytes from :mod:`secrets`, 256
    bits). Only the SHA-256 of the token is stored (hex, unique index), with its first 12
    characters as a ``prefix`` that lets people tell tokens apart in listings. A token is
    shown once, when made. Because the token is uniformly random and 256 bits long, a fast
    hash is enough: there is no dictionary to try, and brute force of 2^256 is out of reach;
    a slow password hash (Argon2, bcrypt) is for low-entropy secrets chosen by people, and
    would add tens of milliseconds to every request. This is the scheme of GitHub's and
    PyPI's API tokens. Lookup is by the hash, so no secret is compared in Python.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import Conflict, NotFound, PermissionDenied, Unauthenticated, ValidationFailed
from .models import ApiToken, User, utcnow

__all__ = [
    "ROLES",
    "Actor",
    "role_at_least",
    "new_token",
    "hash_token",
    "create_user",
    "issue_token",
    "authenticate",
    "require",
]

ROLES = ("viewer", "analyst", "approver", "admin")
KINDS = ("human", "service")
TOKEN_PREFIX = "cbw_"


@dataclass(frozen=True)
class Actor:
    """Who is acting: the user, as the use cases see them."""

    id: int
    name: str
    role: str
    kind: str = "human"

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, user.name, user.role, user.kind)


def role_at_least(role: str, needed: str) -> bool:
    return ROLES.index(role) >= ROLES.index(needed)


def require(actor: Actor, needed: str, what: str) -> None:
    if not role_at_least(actor.role, needed):
        raise PermissionDenied(f"{what} needs the {needed} role; {actor.name} is {actor.role}",
                               remedy=f"asking an admin for a token with the {needed} role")


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_role(role: str, kind: str) -> None:
    if role not in ROLES:
        raise ValidationFailed(f"unknown role {role!r}",
                               remedy="choosing one of " + ", ".join(ROLES))
    if kind not in KINDS:
        raise ValidationFailed(f"unknown user kind {kind!r}", remedy="choosing human or service")


def create_user(s: Session, name: str, role: str, kind: str = "human") -> User:
    _check_role(role, kind)
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationFailed("a user name must have 1 to 100 characters")
    if s.execute(select(User.id).where(User.name == name)).first():
        raise Conflict(f"there is already a user {name!r}",
                       remedy="choosing another name, or issuing a new token for that user")
    user = User(name=name, role=role, kind=kind, active=True, created_at=utcnow())
    s.add(user)
    s.flush()
    return user


def issue_token(s: Session, user: User, label: str = "") -> tuple[ApiToken, str]:
    """Make a token for ``user``; returns the row and the token (the only time it is seen)."""
    token = new_token()
    row = ApiToken(user_id=user.id, prefix=token[:12], token_hash=hash_token(token),
                   label=label[:200], created_at=utcnow())
    s.add(row)
    s.flush()
    return row, token


def authenticate(s: Session, token: str | None) -> Actor:
    if not token:
        raise Unauthenticated("this needs an API token",
                              remedy="sending the header Authorization: Bearer TOKEN (make a "
                              "token with `cibwatch user add NAME --role ROLE`)")
    row = s.execute(select(ApiToken).where(ApiToken.token_hash == hash_token(token))
                    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None or not row.user.active:
        raise Unauthenticated("the API token is unknown or revoked",
                              remedy="asking an admin for a new token")
    return Actor.of(row.user)


def get_user(s: Session, name: str) -> User:
    user = s.execute(select(User).where(User.name == name)).scalar_one_or_none()
    if user is None:
        raise NotFound(f"no user {name!r}", remedy="listing the users with GET /api/v1/users")
    return user
