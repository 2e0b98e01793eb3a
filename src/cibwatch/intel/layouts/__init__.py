"""The layouts of indicator files, one module each, and how to tell them apart.

``meta-csv`` (:mod:`.meta_csv`)
    Meta's 2020-22 CSV ``indicator_type,indicator_value,comment,ds``.
``meta-ttp`` (:mod:`.meta_ttp`)
    Meta's 2023- CSV ``Tactic,Technique,Procedure,Indicator[,Note]``, coded to the Online
    Operations Kill Chain.
``meta-md`` (:mod:`.meta_md`)
    Meta's 2025- Markdown pages with a table ``| Indicator Type | Indicator Value |``.
``stix`` (:mod:`.stix`)
    A STIX 2.1 bundle (or a bare list of objects).
``list`` (:mod:`.plain_list`)
    One value per line.
``seeds`` (:mod:`.seeds_csv`)
    A seeds CSV, as ``cibwatch indicators import`` writes it and ``cibwatch expand`` reads it.

Each reader is a function ``read_...(text, build)`` that classifies the file's values
(:mod:`..classify`) and hands them, its rejects and its skipped rows to the
:class:`..indicators.Builder`; wholly blank CSV rows and blank lines are ignored.
:func:`detect_format` tells the layout from the file's name and first line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import FormatError, InputError
from ...seeds import is_seeds_header
from .common import header_key
from .meta_csv import read_meta_csv
from .meta_md import read_meta_md
from .meta_ttp import read_meta_ttp
from .plain_list import read_list
from .seeds_csv import read_seeds_csv
from .stix import read_stix

if TYPE_CHECKING:
    from ..indicators import Builder

__all__ = ["FORMATS", "READERS", "detect_format", "read_text"]

READERS: dict[str, Callable[[str, Builder], None]] = {
    "meta-csv": read_meta_csv, "meta-ttp": read_meta_ttp, "meta-md": read_meta_md,
    "stix": read_stix, "list": read_list, "seeds": read_seeds_csv,
}
"""The reader of each layout, by its ``fmt`` name."""

FORMATS: tuple[str, ...] = ("auto", *READERS)
"""Values accepted by ``read_indicators(fmt=...)``."""


def detect_format(path: str | Path, text: str | None = None) -> str:
    """Guess the layout of an indicator file from its name and content.

    JSON (``.json`` or text starting with ``{``/``[``) -> ``stix``; ``.md`` or a Markdown
    table header ``| Indicator Type | Indicator Value |`` -> ``meta-md``; a CSV header with
    ``indicator_type`` and ``indicator_value`` -> ``meta-csv``; with ``Tactic`` and
    ``Indicator`` -> ``meta-ttp``; a seeds header (:func:`cibwatch.seeds.is_seeds_header`:
    ``type`` and ``value``, or ``url``, ``account_id`` or ``handle``) -> ``seeds``; else
    ``list``.
    """
    p = Path(path)
    if text is None:
        text = read_text(p)
    head = text.lstrip()
    if p.suffix.lower() == ".json" or head.startswith(("{", "[")):
        return "stix"
    if p.suffix.lower() in (".md", ".markdown") or re.search(
            r"^\s*\|\s*Indicator Type\s*\|\s*Indicator Value\s*\|", text,
            re.IGNORECASE | re.MULTILINE):
        return "meta-md"
    first = head.splitlines()[0] if head else ""
    try:
        names = next(csv.reader([first])) if first else []
    except csv.Error:
        names = []
    cols = {header_key(c) for c in names}
    if {"indicator type", "indicator value"} <= cols:
        return "meta-csv"
    if {"tactic", "indicator"} <= cols:
        return "meta-ttp"
    if is_seeds_header(names):
        return "seeds"
    return "list"


def read_text(path: Path) -> str:
    """The file as text (UTF-8, a byte-order mark dropped); :class:`InputError` when it is
    missing or unreadable, :class:`FormatError` when it is not UTF-8."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"{path}: no such file", remedy="checking the path") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})",
                         remedy="checking the path and its permissions") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(f"{path}: not UTF-8 text (byte {exc.start})",
                          remedy="saving the file as UTF-8") from exc
