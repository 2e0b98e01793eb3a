"""Layout ``seeds``: a seeds CSV, read by the one seeds reader (:mod:`cibwatch.seeds`).

The four layouts of :mod:`cibwatch.seeds` (``platform,account_id``, ``platform,handle``,
``url``, ``type,value[,platform]``), among them the seeds CSV ``type,value,platform`` that
``cibwatch indicators import --out`` writes (:meth:`..indicators.IndicatorSet.seeds_rows`).
The file gives the same seeds and the same rejects as ``cibwatch expand --seeds``; each seed is
an indicator of its type, line and note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...seeds import parse_seeds
from ..classify import Outcome, Value

if TYPE_CHECKING:
    from ..indicators import Builder

__all__ = ["read_seeds_csv"]


def read_seeds_csv(text: str, build: Builder) -> None:
    """Seeds CSV (:func:`cibwatch.seeds.parse_seeds`)."""
    seeds, rejects = parse_seeds(text, build.source)
    for line, field_name, message in rejects:
        build.reject(line, field_name, message)
    for s in seeds:
        build.add(s.line, "value", Outcome([Value(s.type, s.value, s.platform)], s.note, ""), "")
