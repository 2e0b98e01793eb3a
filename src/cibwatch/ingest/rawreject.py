"""A record a reader could not turn into fields (:class:`ReaderReject`), shared by the tabular
readers (:mod:`.readers`) and the nested-JSON reader (:mod:`.jsonio`) so that neither imports
the other for it."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ReaderReject", "MAX_REJECT_CHARS"]

#: Longest raw text kept with a reject.
MAX_REJECT_CHARS = 64 << 10


@dataclass(frozen=True)
class ReaderReject:
    """A record the reader could not turn into fields."""

    line: int
    field: str | None
    error: str
    record: str


def _printable(values: list[str] | str) -> str:
    s = ",".join(values) if isinstance(values, list) else values
    s = s.encode("utf-8", errors="replace").decode("utf-8")
    return s if len(s) <= MAX_REJECT_CHARS else s[:MAX_REJECT_CHARS] + " [... cut]"
