"""Layout ``meta-csv``: Meta's 2020-22 CSV ``indicator_type,indicator_value,comment,ds``.

The layout of Meta's indicator files of 2020-22 (https://github.com/facebook/threat-research,
``indicators/csv/``; the September 2022 China and Russia file is in ``tests/fixtures/intel``).
Types ``domain_name``, ``url``, ``cib_url``, ``phishing_url``, ``telegram_url`` and ``ip`` are
imported; file hashes (``md5``, ``sha256``) and app ids (``android_package_name``,
``ios_app_id``) are not social-media indicators and become rejects naming the type. The
``comment`` and ``ds`` cells go to the note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..classify import NOTE_SEP, classify
from .common import csv_header, csv_rows

if TYPE_CHECKING:
    from ..indicators import Builder

__all__ = ["read_meta_csv"]

_META_CSV_HINTS: dict[str, tuple[str | None, str | None]] = {
    "domain_name": ("domain", None), "domain": ("domain", None), "url": ("url", None),
    "cib_url": ("url", None), "phishing_url": ("url", None),
    "telegram_url": ("url", "telegram"), "ip": ("ip", None), "ip_address": ("ip", None),
    "ipv4": ("ip", None), "ipv6": ("ip", None), "email": ("email", None),
    "email_address": ("email", None), "hashtag": ("hashtag", None),
    "account": ("account", None), "handle": ("account", None),
}
_META_CSV_UNSUPPORTED: dict[str, str] = {
    "md5": "file hash", "sha1": "file hash", "sha256": "file hash",
    "android_package_name": "mobile app id", "ios_app_id": "mobile app id",
}


def read_meta_csv(text: str, build: Builder) -> None:
    """``indicator_type,indicator_value,comment,ds`` (Meta 2020-22)."""
    rows = csv_rows(text, build.reject)
    cols = csv_header(rows, build, ("indicator type", "indicator value"),
                       "Meta's 2020-22 CSV layout",
                       "checking the file, or naming its format with --format")
    it, iv = cols.index("indicator type"), cols.index("indicator value")
    ic = cols.index("comment") if "comment" in cols else None
    ids = cols.index("ds") if "ds" in cols else None
    for line, row in rows:
        if not any(c.strip() for c in row):
            continue
        cell = row + [""] * (len(cols) - len(row))
        itype = cell[it].strip().lower()
        value = cell[iv]
        note = cell[ic].strip() if ic is not None else ""
        if ids is not None and cell[ids].strip():
            note = NOTE_SEP.join(p for p in (note, f"ds={cell[ids].strip()}") if p)
        if itype in _META_CSV_UNSUPPORTED:
            build.reject(line, "indicator_type", f"indicator_type {itype!r} "
                         f"({_META_CSV_UNSUPPORTED[itype]}) is not a social-media indicator: "
                         "not imported")
            continue
        if itype in _META_CSV_HINTS:
            hint, platform = _META_CSV_HINTS[itype]
        elif itype.endswith("_url"):
            hint, platform = "url", None
        else:
            build.reject(line, "indicator_type", f"unknown indicator_type {itype!r}")
            continue
        if not value.strip():
            build.reject(line, "indicator_value", "empty indicator_value")
            continue
        outcome = classify(value, hint=hint, platform_hint=platform)
        build.add(line, "indicator_value", outcome, note)

