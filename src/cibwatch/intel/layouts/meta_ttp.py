"""Layout ``meta-ttp``: Meta's 2023- CSV ``Tactic,Technique,Procedure,Indicator[,Note]``.

The rows are coded to the Online Operations Kill Chain (Nimmo and Hutchins, *Phase-based
Tactical Analysis of Online Operations*, Carnegie Endowment, 2023), the layout of Meta's
indicator files since 2023 (https://github.com/facebook/threat-research; the August 2023
Spamouflage file in ``tests/fixtures/intel``). Header names are
matched after trimming (Meta writes ``"Tactic "``) and any fifth column (``Note``, ``Notes``,
``Comments``) is the note. The Indicator cell holds anything: a profile URL, an article URL, a
domain, an IP, a hashtag, an article title, a persona name, a count ("7,704 Facebook
accounts") or a sentence describing the network; the kind is read from the value itself
(:mod:`..classify`), in the ``content`` prose mode under procedures about posting content
(tactics 6 and 7) and the ``kill-chain`` mode elsewhere. A procedure about acquiring accounts
of a named platform gives its ``@handles`` that platform; one about domains makes site roots
domains. A procedure without an indicator is listed in ``skipped``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..classify import NOTE_SEP, classify
from .common import csv_header, csv_rows

if TYPE_CHECKING:
    from ..indicators import Builder

__all__ = ["read_meta_ttp"]

_PLATFORM_IN_PROCEDURE: tuple[tuple[str, str], ...] = (
    (r"\bx\b|twitter", "twitter"), (r"tiktok", "tiktok"), (r"instagram", "instagram"),
    (r"youtube", "youtube"), (r"telegram", "telegram"), (r"facebook", "facebook"),
    (r"reddit", "reddit"), (r"\bvk\b|vkontakte", "vk"), (r"linkedin", "linkedin"),
)


def _platform_of(procedure: str) -> str | None:
    low = procedure.lower()
    if "acquiring" not in low:
        return None
    for pattern, name in _PLATFORM_IN_PROCEDURE:
        if re.search(pattern, low):
            return name
    return None


def read_meta_ttp(text: str, build: Builder) -> None:
    """``Tactic,Technique,Procedure,Indicator[,Note]`` (Meta 2023-, Online Operations Kill
    Chain)."""
    rows = csv_rows(text, build.reject)
    cols = csv_header(rows, build, ("indicator", "tactic"), "Meta's kill-chain CSV layout",
                       "checking the file, or naming its format with --format")
    ii = cols.index("indicator")
    code_cols = [cols.index(c) for c in ("procedure", "technique", "tactic") if c in cols]
    note_cols = [i for i, c in enumerate(cols) if i != ii and i not in code_cols]
    for line, row in rows:
        if not any(c.strip() for c in row):
            continue
        cell = row + [""] * (len(cols) - len(row))
        if len(row) > len(cols) and any(c.strip() for c in row[len(cols):]):
            note_cols_row = note_cols + list(range(len(cols), len(row)))
        else:
            note_cols_row = note_cols
        code = next((" ".join(cell[i].split()) for i in code_cols if cell[i].strip()), "")
        notes = [" ".join(cell[i].split()) for i in note_cols_row if cell[i].strip()]
        note = NOTE_SEP.join([code, *notes]) if code else NOTE_SEP.join(notes)
        value = cell[ii]
        if not value.strip():
            build.skip(line, f"no indicator for {code or 'this row'}")
            continue
        procedure = " ".join(cell[i] for i in code_cols)
        low = procedure.lower()
        content = re.match(r"\s*[67]\b", cell[code_cols[-1]] if code_cols else "") and (
            re.search(r"posting|hashtag|content", low) is not None)
        outcome = classify(value, platform_hint=_platform_of(procedure),
                            root_as_domain="domain" in low,
                            prose="content" if content else "kill-chain")
        build.add(line, "Indicator", outcome, note)

