"""Layout ``meta-md``: Meta's 2025- Markdown pages with ``| Indicator Type | Indicator Value |``.

The layout of Meta's indicator pages since 2025 (https://github.com/facebook/threat-research,
``indicators/``; the Moldova and Pakistan pages are in ``tests/fixtures/intel``). The value is
in back-ticks (a ``|`` inside back-ticks does not split a cell). Types ``Domain``, ``Proxy
IP``, ``URL`` and ``Social Media Account`` steer the classification (:mod:`..classify`); the
type and any further cells go to the note; prose outside the table is ignored. A page that
says it lists no indicators is skipped; one without the table is a reject.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..classify import NOTE_SEP, classify
from .common import header_key

if TYPE_CHECKING:
    from ..indicators import Builder

__all__ = ["read_meta_md"]

_MD_HINTS: dict[str, str] = {
    "domain": "domain", "domains": "domain", "proxy ip": "ip", "ip": "ip", "ip address": "ip",
    "ipv4": "ip", "ipv6": "ip", "url": "url", "urls": "url", "social media account": "account",
    "account": "account", "email": "email", "email address": "email", "hashtag": "hashtag",
}


def _md_cells(line: str) -> list[str]:
    """Cells of a Markdown table row; ``|`` inside back-ticks does not split."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    cells: list[str] = []
    cur: list[str] = []
    in_code = False
    for ch in body:
        if ch == "`":
            in_code = not in_code
        if ch == "|" and not in_code:
            cells.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    cells.append("".join(cur))
    return [c.strip() for c in cells]


def _unticked(cell: str) -> str:
    c = cell.strip()
    if len(c) >= 2 and c.startswith("`") and c.endswith("`"):
        return c.strip("`").strip()
    return c.replace("\\|", "|")


def read_meta_md(text: str, build: Builder) -> None:
    """Markdown tables ``| Indicator Type | Indicator Value |`` (Meta 2025-)."""
    in_table = False
    found = False
    ncols = 0
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.lstrip().startswith("|"):
            in_table = False
            continue
        cells = _md_cells(line)
        keys = [header_key(c) for c in cells]
        if keys[:2] == ["indicator type", "indicator value"]:
            in_table, found, ncols = True, True, len(cells)
            continue
        if not in_table or all(re.fullmatch(r":?-{3,}:?", c) for c in cells if c):
            continue
        if len(cells) < 2:
            build.reject(line_no, "Indicator Value", f"table row has {len(cells)} cell(s)")
            continue
        itype, value = cells[0], _unticked(cells[1])
        extra = [c for c in cells[2:ncols + 2] if c]
        note = NOTE_SEP.join([itype, *extra]) if itype else NOTE_SEP.join(extra)
        if not value:
            build.reject(line_no, "Indicator Value", "empty Indicator Value")
            continue
        hint = _MD_HINTS.get(header_key(itype))
        outcome = classify(value, hint=hint)
        if hint == "account" and not outcome.error and not any(
                v.type == "account" for v in outcome.values):
            outcome = outcome._replace(note=NOTE_SEP.join(
                p for p in (outcome.note, "not recognised as a profile URL") if p))
        build.add(line_no, "Indicator Value", outcome, note)
    if not found:
        if re.search(r"no (?:iocs|indicators)", text, re.IGNORECASE):
            build.skip(0, "the page says it lists no indicators")
        else:
            build.reject(0, "", "no '| Indicator Type | Indicator Value |' table in the page")

