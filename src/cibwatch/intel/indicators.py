"""Read published indicator files into typed, refanged indicators.

This is the parsing half of ``cibwatch indicators import FILE``: it turns a takedown's
published indicators into :class:`Indicator` records (accounts with their platform, URLs,
domains, hashtags, texts, IPs, e-mail addresses) and keeps the report's facts ("7,704
Facebook accounts") apart, so that they are never used as seeds. Nothing is dropped silently:
a row that cannot be understood becomes a reject ``(line, field, message)``; a row that by
design carries no indicator (a kill-chain procedure without an indicator, a STIX report or
relationship object) is listed in :attr:`IndicatorSet.skipped`.

This module holds the records and :func:`read_indicators`; the work is done by

- :mod:`.refang`: undoing the defanging (``hxxps://x[.]com``);
- :mod:`.platforms`: canonical platform names and the account a profile or post URL belongs to;
- :mod:`.classify`: what a value is (account, URL, domain, hashtag, IP, e-mail, text, fact);
- :mod:`.layouts`: one reader per layout (``fmt``): ``meta-csv`` (Meta 2020-22 CSV),
  ``meta-ttp`` (Meta 2023- kill-chain CSV), ``meta-md`` (Meta 2025- Markdown tables),
  ``stix`` (STIX 2.1 bundles), ``list`` (one value per line) and ``seeds`` (seeds CSV).

Every indicator keeps its source file, its 1-based line (the CSV row's first line, the
Markdown table line, the list line, or the STIX object's 1-based index in ``objects``) and a
note (the kill-chain procedure and note, the 2020-22 comment, the Markdown type, or the STIX
object id). Order is file order; :attr:`IndicatorSet.indicators` keeps every occurrence while
:meth:`IndicatorSet.counts`, :meth:`IndicatorSet.by_platform` and
:meth:`IndicatorSet.seeds_rows` count or list distinct values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import FormatError
from ..seeds import SEED_TYPES
from .classify import NOTE_SEP, Outcome
from .layouts import FORMATS, READERS, detect_format, read_text
from .platforms import account_from_url, canonical_platform
from .refang import refang

__all__ = [
    "FORMATS",
    "TYPES",
    "Builder",
    "Indicator",
    "IndicatorSet",
    "account_from_url",
    "canonical_platform",
    "detect_format",
    "read_indicators",
    "refang",
]

TYPES: tuple[str, ...] = (*SEED_TYPES, "ip", "email", "fact")
"""Indicator types, in the order :meth:`IndicatorSet.counts` reports them: the seed types
(:data:`cibwatch.seeds.SEED_TYPES`: account, url, domain, text, hashtag), then ip, email and
fact, which are never seeds."""


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator (or one report fact) read from an indicator file.

    Attributes
    ----------
    type : str
        ``account``, ``url``, ``domain``, ``text``, ``hashtag``, ``ip``, ``email`` or ``fact``.
    value : str
        account: the handle or numeric id as published, without ``@`` (percent-escapes
        decoded); url: the refanged URL as published (scheme kept when there is one);
        domain: the lower-case host without ``www.``; hashtag: lower case without ``#``;
        text: as given; fact: the sentence, e.g. ``"7,704 Facebook accounts"``.
    platform : str or None
        For accounts, the canonical platform name (:func:`canonical_platform`), e.g.
        ``twitter`` for both twitter.com and x.com; for sites without a short name, the host
        without ``www.`` (``nairaland.com``). ``None`` for other types and for bare
        ``@handles`` whose platform the file does not say.
    source : str
        File name the indicator came from.
    line : int or None
        1-based line of the CSV row, Markdown table row or list line; for STIX, the 1-based
        index of the object in the bundle's ``objects``.
    note : str
        Comment, kill-chain procedure / note or Markdown type from the file; the STIX object
        id for STIX.
    """

    type: str
    value: str
    platform: str | None = None
    source: str = ""
    line: int | None = None
    note: str = ""


@dataclass
class IndicatorSet:
    """What one indicator file holds.

    Attributes
    ----------
    indicators : list of Indicator
        Seeds-to-be, in file order, every occurrence (a handle listed twice appears twice).
    facts : list of Indicator
        Report facts (``type == "fact"``): counts and descriptions. Never seeds.
    rejects : list of (int, str, str)
        ``(line, field, message)`` for every row or value that could not be understood or is
        of a kind cibwatch does not import (file hashes, app ids). ``line`` is 0 when the
        problem concerns the whole file.
    fmt : str
        The layout read (one of :data:`FORMATS` other than ``auto``).
    skipped : list of (int, str)
        ``(line, reason)`` for rows that carry no indicator by design: kill-chain procedures
        with an empty Indicator cell, STIX objects such as reports or relationships.
    """

    indicators: list[Indicator] = field(default_factory=list)
    facts: list[Indicator] = field(default_factory=list)
    rejects: list[tuple[int, str, str]] = field(default_factory=list)
    fmt: str = ""
    skipped: list[tuple[int, str]] = field(default_factory=list)

    def distinct(self, type: str | None = None) -> list[Indicator]:
        """First occurrence of each distinct indicator, in file order.

        Accounts are the same when platform and case-folded handle are; other types when
        type, platform and value are.

        Parameters
        ----------
        type : str, optional
            Keep only this type (``"fact"`` reads :attr:`facts`).
        """
        pool = self.facts if type == "fact" else self.indicators
        seen: set[tuple[str, str, str]] = set()
        out: list[Indicator] = []
        for ind in pool:
            if type is not None and ind.type != type:
                continue
            key = _identity(ind)
            if key not in seen:
                seen.add(key)
                out.append(ind)
        return out

    def counts(self) -> dict[str, int]:
        """Number of distinct values per type (facts under ``"fact"``), types in :data:`TYPES`
        order, types without values left out."""
        tally: dict[str, int] = {}
        for ind in self.distinct():
            tally[ind.type] = tally.get(ind.type, 0) + 1
        n_facts = len(self.distinct("fact"))
        if n_facts:
            tally["fact"] = n_facts
        return {t: tally[t] for t in TYPES if t in tally}

    def by_platform(self) -> dict[str, int]:
        """Number of distinct accounts per platform (``"unknown"`` for bare handles), in
        order of first appearance."""
        tally: dict[str, int] = {}
        for ind in self.distinct("account"):
            key = ind.platform or "unknown"
            tally[key] = tally.get(key, 0) + 1
        return tally

    def seeds_rows(self) -> list[dict[str, str]]:
        """Rows for a seeds CSV with header ``type,value,platform`` (:mod:`cibwatch.seeds`).

        One row per distinct indicator of a seed type (:data:`cibwatch.seeds.SEED_TYPES`:
        never IPs, e-mail addresses or facts, which posts do not carry), in file order;
        accounts as ``type=account, value=handle, platform=...``; ``platform`` is empty for
        other types and for accounts of unknown platform.
        """
        return [{"type": i.type, "value": i.value, "platform": i.platform or ""}
                for i in self.distinct() if i.type in SEED_TYPES]


def _identity(ind: Indicator) -> tuple[str, str, str]:
    value = ind.value.casefold() if ind.type in ("account", "email") else ind.value
    return ind.type, ind.platform or "", value


class Builder:
    """Collects indicators, facts, rejects and skipped rows for one file."""

    def __init__(self, source: str, fmt: str) -> None:
        self.source = source
        self.out = IndicatorSet(fmt=fmt)

    def add(self, line: int, field_name: str, outcome: Outcome, note: str) -> None:
        full_note = NOTE_SEP.join(p for p in (note, outcome.note) if p)
        if outcome.error:
            self.reject(line, field_name, outcome.error)
        for v in outcome.values:
            ind = Indicator(v.type, v.value, v.platform, self.source, line, full_note)
            (self.out.facts if v.type == "fact" else self.out.indicators).append(ind)

    def reject(self, line: int, field_name: str, message: str) -> None:
        self.out.rejects.append((line, field_name, message))

    def skip(self, line: int, reason: str) -> None:
        self.out.skipped.append((line, reason))


def read_indicators(path: str | Path, fmt: str = "auto") -> IndicatorSet:
    """Read an indicator file.

    Parameters
    ----------
    path : str or Path
        The file: a Meta CSV (2020-22 or kill-chain layout), a Meta Markdown page, a STIX 2.1
        bundle, a plain list or a seeds CSV (see the module docstring for each layout).
    fmt : str
        ``auto`` (default: :func:`detect_format`), ``meta-csv``, ``meta-ttp``, ``meta-md``,
        ``stix``, ``list`` or ``seeds``.

    Returns
    -------
    IndicatorSet
        Indicators and facts in file order, rejects, skipped rows and the layout read.

    Raises
    ------
    InputError
        The file is missing or unreadable.
    FormatError
        ``fmt`` is unknown, the file is not UTF-8, or it does not have the layout asked for.
    """
    if fmt not in FORMATS:
        raise FormatError(f"unknown indicator format {fmt!r}",
                          remedy=f"using one of {', '.join(FORMATS)}")
    p = Path(path)
    text = read_text(p)
    chosen = detect_format(p, text) if fmt == "auto" else fmt
    build = Builder(p.name, chosen)
    if text.strip():
        READERS[chosen](text, build)
    else:
        build.reject(0, "", "the file is empty")
    return build.out


