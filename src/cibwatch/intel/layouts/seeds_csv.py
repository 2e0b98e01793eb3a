"""Layout ``seeds``: the seeds CSV ``type,value,platform`` (:meth:`..IndicatorSet.seeds_rows`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..classify import Outcome, Value, classify
from ..platforms import canonical_platform
from .common import csv_header, csv_rows

if TYPE_CHECKING:
    from ..indicators import Builder

__all__ = ["read_seeds_csv"]

SEED_TYPES: frozenset[str] = frozenset(
    ("account", "url", "domain", "text", "hashtag", "ip", "email"))


def read_seeds_csv(text: str, build: Builder) -> None:
    """The seeds CSV written from :meth:`IndicatorSet.seeds_rows`: ``type,value,platform``."""
    rows = csv_rows(text, build.reject)
    cols = csv_header(rows, build, ("type", "value"), "a seeds CSV",
                       "writing the header type,value,platform")
    it, iv = cols.index("type"), cols.index("value")
    ip = cols.index("platform") if "platform" in cols else None
    for line, row in rows:
        if not any(c.strip() for c in row):
            continue
        cell = row + [""] * (len(cols) - len(row))
        itype, value = cell[it].strip().lower(), cell[iv].strip()
        platform = canonical_platform(cell[ip]) if ip is not None else None
        if itype not in SEED_TYPES:
            build.reject(line, "type", f"unknown type {itype!r} (expected one of "
                         f"{', '.join(sorted(SEED_TYPES))})")
        elif not value:
            build.reject(line, "value", "empty value")
        elif itype == "account":
            handle = value.lstrip("@")
            build.add(line, "value", Outcome([Value("account", handle, platform)], "", ""), "")
        elif itype == "text":
            build.add(line, "value", Outcome([Value("text", value, None)], "", ""), "")
        else:
            outcome = classify(value, hint=itype)
            wrong = [v for v in outcome.values if v.type != itype and v.type != "account"]
            if wrong and not outcome.error:
                build.reject(line, "value", f"{value!r} is not a valid {itype}")
            else:
                kept = [v for v in outcome.values if v.type == itype]
                build.add(line, "value", outcome._replace(values=kept or outcome.values), "")

