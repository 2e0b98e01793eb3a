"""The canonical data model: one schema that every stage reads and writes.

Posts and accounts are exactly the columns of the interface contract (docs/PRODUCT.md, kept in
the README). The store adds bookkeeping columns (``pid``, ``aid``, provenance) that never leave
it except as evidence references.

Actions are the narrow waist of the pipeline: every trace turns posts into rows
``(trace, key, aid, pid, ts, variant)`` and everything downstream (the window join, pair
statistics, fusion, evidence) is shared.

The Arrow schemas of the stage tables (``actions``, ``coactions``, ``pairs``, ...,
``members``, ``networks``, ``assessments``) are declared in :mod:`cibwatch.engine.tables`
(``STAGE_TABLES``), next to the writer that checks them.
"""

from __future__ import annotations

import time
from typing import Final

import pyarrow as pa

__all__ = [
    "POST_COLUMNS",
    "ACCOUNT_COLUMNS",
    "POST_REQUIRED",
    "ACCOUNT_REQUIRED",
    "LIST_FIELDS",
    "TIME_FIELDS",
    "INT_FIELDS",
    "POSTS_SCHEMA",
    "ACCOUNTS_SCHEMA",
    "field_type",
    "EPOCH_UNITS",
    "TIME_MIN",
    "TIME_MIN_FINE_UNITS",
    "FUTURE_MARGIN_S",
    "latest_time_us",
]

#: Canonical post columns, in contract order.
POST_COLUMNS: Final = (
    "platform",
    "post_id",
    "account_id",
    "created_at",
    "text",
    "urls",
    "hashtags",
    "mentions",
    "media",
    "reshare_of",
    "reply_to",
    "lang",
)
POST_REQUIRED: Final = ("platform", "post_id", "account_id", "created_at")

#: Canonical account columns, in contract order.
ACCOUNT_COLUMNS: Final = (
    "platform",
    "account_id",
    "handle",
    "display_name",
    "created_at",
    "followers",
    "following",
    "bio",
    "lang",
    "location",
    "profile_image_hash",
)
ACCOUNT_REQUIRED: Final = ("platform", "account_id")

#: Fields holding a list of strings.
LIST_FIELDS: Final = frozenset({"urls", "hashtags", "mentions", "media"})
#: Fields holding a point in time (stored as naive UTC timestamps).
TIME_FIELDS: Final = frozenset({"created_at"})
#: Fields holding a non-negative integer.
INT_FIELDS: Final = frozenset({"followers", "following"})

#: The time rule (docs/ADAPTERS.md, "Times"). A number is a Unix epoch whose unit is told by
#: its magnitude: below 1e11 seconds, then milliseconds, microseconds, nanoseconds (each unit
#: up to the bound given here). The ranges do not overlap on the times accepted: 1e11 seconds is
#: the year 5138, 1e11 milliseconds is 1973, and a time must fall in the accepted window.
EPOCH_UNITS: Final = ((1e11, "s", 1e6), (1e14, "ms", 1e3), (1e17, "us", 1.0), (1e20, "ns", 1e-3))
#: Earliest accepted time (epoch seconds 0, 1970-01-01 UTC); earlier times are rejected.
TIME_MIN: Final = 0
#: Earliest accepted time for numbers read as milliseconds, microseconds or nanoseconds
#: (2000-01-01 UTC): such values before it are far more often something else (a 12-digit
#: ``YYYYMMDDhhmm`` read as milliseconds would be 1976).
TIME_MIN_FINE_UNITS: Final = 946_684_800
#: How far past the moment of the ingest a time may be (clock skew, time zones): 1 day.
FUTURE_MARGIN_S: Final = 86_400


def latest_time_us(now: float | None = None) -> int:
    """Latest accepted time, in epoch microseconds: ``now`` (default: the clock) plus
    :data:`FUTURE_MARGIN_S`, rounded up to the next whole day (so that one day's ingests apply
    the same bound)."""
    t = time.time() if now is None else now
    day = 86_400
    return int(((int(t) + FUTURE_MARGIN_S) // day + 1) * day * 1_000_000)


_LIST = pa.list_(pa.string())

POSTS_SCHEMA: Final = pa.schema(
    [
        ("platform", pa.string()),
        ("post_id", pa.string()),
        ("account_id", pa.string()),
        ("created_at", pa.timestamp("us")),
        ("text", pa.string()),
        ("urls", _LIST),
        ("hashtags", _LIST),
        ("mentions", _LIST),
        ("media", _LIST),
        ("reshare_of", pa.string()),
        ("reply_to", pa.string()),
        ("lang", pa.string()),
    ]
)

ACCOUNTS_SCHEMA: Final = pa.schema(
    [
        ("platform", pa.string()),
        ("account_id", pa.string()),
        ("handle", pa.string()),
        ("display_name", pa.string()),
        ("created_at", pa.timestamp("us")),
        ("followers", pa.int64()),
        ("following", pa.int64()),
        ("bio", pa.string()),
        ("lang", pa.string()),
        ("location", pa.string()),
        ("profile_image_hash", pa.string()),
    ]
)


def field_type(field: str) -> str:
    """DuckDB type of a canonical field."""
    if field in LIST_FIELDS:
        return "VARCHAR[]"
    if field in TIME_FIELDS:
        return "TIMESTAMP"
    if field in INT_FIELDS:
        return "BIGINT"
    return "VARCHAR"
