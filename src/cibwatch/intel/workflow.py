"""``cibwatch indicators import``: read an indicator file, write what it holds, match it.

Files written to ``--out``:

``indicators.csv``  every indicator as read: type, value, platform, source, line, note
``facts.csv``       the report's facts (counts, descriptions): never seeds
``rejects.csv``     values that could not be understood or are not imported: line, field,
                    message
``seeds.csv``       distinct seeds for ``cibwatch expand --seeds``: type, value, platform
                    (:data:`cibwatch.seeds.SEED_TYPES`: accounts, URLs, domains, texts,
                    hashtags; IPs and e-mail addresses are not in social-media posts and stay
                    in ``indicators.csv``)
``matches.csv``     with ``--db``: each seed and the store accounts it matched (account by id
                    or handle, posts by URL, domain, text or hashtag)

Text cells are escaped against spreadsheet formulas (:func:`cibwatch.escape.csv_cell`), except
in ``seeds.csv``: it is ``expand``'s input, read back value for value.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..escape import csv_cell
from ..seeds import Seed
from ..store import Store
from .indicators import read_indicators

__all__ = ["ImportReport", "import_indicators"]


@dataclass
class ImportReport:
    fmt: str
    counts: dict[str, int]
    by_platform: dict[str, int]
    n_facts: int
    n_rejects: int
    matched: dict[str, int] | None  # distinct seeds of each type that matched the store


def import_indicators(path: str | Path, fmt: str = "auto", out: str | Path | None = None,
                      db: str | Path | None = None) -> ImportReport:
    """Read ``path`` (:func:`cibwatch.intel.indicators.read_indicators`), write the files of
    the module docstring to ``out`` and, with ``db``, match the seeds against that store."""
    from ..expand import resolve_seeds

    path = Path(path)
    found = read_indicators(path, fmt)
    seeds_rows = found.seeds_rows()
    matched: dict[str, int] | None = None
    match_rows: list[list[object]] = []
    if db is not None:
        seeds = [Seed(r["type"], r["value"], r["platform"] or None, "any", i)
                 for i, r in enumerate(seeds_rows, start=1)]
        with Store(db) as store:
            store.require_posts()
            resolve_seeds(store, seeds)
            rows = store.fetchall(
                "SELECT m.line, ai.platform, ai.account_id, m.how FROM seed_match m "
                "JOIN account_index ai USING (aid) ORDER BY m.line, ai.platform, ai.account_id")
        hit_lines = {int(r[0]) for r in rows}
        matched = {}
        for s in seeds:
            if s.line in hit_lines:
                matched[s.type] = matched.get(s.type, 0) + 1
        match_rows = [[seeds_rows[int(line) - 1]["type"], seeds_rows[int(line) - 1]["value"],
                       platform, account_id, how] for line, platform, account_id, how in rows]
    if out is not None:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        _csv(out / "indicators.csv", ["type", "value", "platform", "source", "line", "note"],
             [[i.type, i.value, i.platform or "", i.source, i.line, i.note]
              for i in found.indicators])
        _csv(out / "facts.csv", ["value", "source", "line", "note"],
             [[i.value, i.source, i.line, i.note] for i in found.facts])
        _csv(out / "rejects.csv", ["source", "line", "field", "message"],
             [[path.name, line, fld, msg] for line, fld, msg in found.rejects])
        _csv(out / "seeds.csv", ["type", "value", "platform"],
             [[r["type"], r["value"], r["platform"]] for r in seeds_rows], escape=False)
        if matched is not None:
            _csv(out / "matches.csv", ["seed_type", "seed_value", "platform", "account_id",
                                       "how"], match_rows)
    return ImportReport(fmt=found.fmt, counts=found.counts(), by_platform=found.by_platform(),
                        n_facts=len(found.facts), n_rejects=len(found.rejects), matched=matched)


def _csv(path: Path, header: list[str], rows: list[list[object]], *, escape: bool = True) -> None:
    """Rows to CSV; text cells escaped against spreadsheet formulas
    (:func:`cibwatch.escape.csv_cell`), except in ``seeds.csv``, which ``expand`` reads back."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows([[csv_cell(v) for v in r] for r in rows] if escape else rows)
