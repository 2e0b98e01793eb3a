"""``--format auto``: recognise a file's layout by its header; ``--format NAME`` picks one.

The header is a CSV file's first row, a Parquet file's column names, or the top-level keys of
a JSON file's first records (of a JSON document: its top-level keys). Each layout names the
keys that identify it (:attr:`.base.Format.signature`; JSON layouts may name alternatives);
when several fit, the highest priority wins. ``mapping:FILE.toml`` names a layout described by
a mapping file (:mod:`.mapping`), never chosen automatically.
"""

from __future__ import annotations

from ..errors import FormatError
from .base import Format
from .canonical import CANONICAL_ACCOUNTS, CANONICAL_POSTS
from .coortweet import COORTWEET, COORTWEET_WIDE
from .crowdtangle import CROWDTANGLE
from .ira import IRA
from .mapping import PREFIX, load_mapping
from .meta_content_library import META_CONTENT_LIBRARY
from .qut import QUT
from .reddit import REDDIT
from .telegram import TELEGRAM
from .tiktok import TIKTOK
from .twitter_io import TWITTER_IO_TWEETS, TWITTER_IO_USERS
from .twitter_v1 import TWITTER_V1
from .twitter_v2 import TWITTER_V2
from .youtube import YOUTUBE

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
        TWITTER_V2,
        TWITTER_V1,
        REDDIT,
        YOUTUBE,
        TIKTOK,
        TELEGRAM,
        CROWDTANGLE,
        META_CONTENT_LIBRARY,
    )
}


def get_format(name: str) -> Format:
    """The layout called ``name``, or the one a mapping file describes (``mapping:FILE``)."""
    if name.startswith(PREFIX):
        return load_mapping(name[len(PREFIX):])
    try:
        return FORMATS[name]
    except KeyError:
        raise FormatError(
            f"unknown format {name!r}",
            remedy="choosing one of: auto, " + ", ".join(FORMATS)
            + ", or mapping:FILE.toml (docs/ADAPTERS.md)",
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
