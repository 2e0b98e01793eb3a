"""``--format auto``: recognise a file's layout by its header."""

from __future__ import annotations

from ..errors import FormatError
from .base import Format
from .canonical import CANONICAL_ACCOUNTS, CANONICAL_POSTS
from .coortweet import COORTWEET, COORTWEET_WIDE
from .ira import IRA
from .qut import QUT
from .twitter_io import TWITTER_IO_TWEETS, TWITTER_IO_USERS

__all__ = ["FORMATS", "get_format", "detect_format"]

#: Every layout ingest can read, by name.
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        CANONICAL_POSTS,
        CANONICAL_ACCOUNTS,
        QUT,
        COORTWEET,
        COORTWEET_WIDE,
        TWITTER_IO_TWEETS,
        TWITTER_IO_USERS,
        IRA,
    )
}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise FormatError(
            f"unknown format {name!r}",
            remedy="choosing one of: auto, " + ", ".join(FORMATS),
        ) from None


def detect_format(header: list[str], path: str = "") -> Format:
    """The layout whose signature the header fits best (highest priority wins)."""
    cols = {c.strip() for c in header}
    hits = [f for f in FORMATS.values() if f.matches(cols)]
    if not hits:
        shown = ", ".join(header[:12]) + (" ..." if len(header) > 12 else "")
        raise FormatError(
            f"{path}: cannot tell the layout from the columns [{shown}]",
            remedy="renaming the columns to the canonical ones (post_id, account_id, "
            "created_at, ...), or passing --format with one of: " + ", ".join(FORMATS),
        )
    return max(hits, key=lambda f: (f.priority, len(f.signature)))
