"""The canonical layout (docs/PRODUCT.md): posts and accounts, in CSV, JSONL or Parquet.

Column names are exactly the contract's. ``platform`` may be left out when ``--platform`` is
given; a ``platform`` column wins over ``--platform`` where it has a value.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import FormatError
from ..model import ACCOUNT_COLUMNS, POST_COLUMNS
from .base import Format
from .convert import Col, Const, Expr, Source, quote_ident, sql_str

__all__ = ["CANONICAL_POSTS", "CANONICAL_ACCOUNTS"]


def _platform(header: set[str], platform: str | None, fmt: str) -> Source:
    if "platform" in header:
        if platform is None:
            return Col("platform")
        return Expr(f"coalesce(nullif(trim({quote_ident('platform')}), ''), {sql_str(platform)})")
    if platform is None:
        raise FormatError(
            f"the {fmt} file has no 'platform' column",
            remedy="adding one, or passing --platform NAME (e.g. --platform twitter)",
        )
    return Const(platform)


@dataclass(frozen=True)
class _CanonicalPosts(Format):
    def mapping(self, header: set[str], platform: str | None) -> dict[str, Source]:
        m: dict[str, Source] = {c: Col(c) for c in POST_COLUMNS if c in header and c != "platform"}
        m["platform"] = _platform(header, platform, "posts")
        return m


@dataclass(frozen=True)
class _CanonicalAccounts(Format):
    def mapping(self, header: set[str], platform: str | None) -> dict[str, Source]:
        m: dict[str, Source] = {c: Col(c) for c in ACCOUNT_COLUMNS if c in header and c != "platform"}
        m["platform"] = _platform(header, platform, "accounts")
        return m


CANONICAL_POSTS = _CanonicalPosts(
    name="canonical",
    kind="posts",
    description="canonical posts: platform, post_id, account_id, created_at, text, urls, "
    "hashtags, mentions, media, reshare_of, reply_to, lang",
    signature=frozenset({"post_id", "account_id", "created_at"}),
    reference="docs/PRODUCT.md, 'Canonical posts'",
    priority=10,
)

CANONICAL_ACCOUNTS = _CanonicalAccounts(
    name="canonical-accounts",
    kind="accounts",
    description="canonical accounts: platform, account_id, handle, display_name, created_at, "
    "followers, following, bio, lang, location, profile_image_hash",
    signature=frozenset({"account_id"}),
    excludes=frozenset({"post_id", "content_id", "object_id"}),
    reference="docs/PRODUCT.md, 'Canonical accounts'",
    priority=1,
)
