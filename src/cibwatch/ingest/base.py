"""What a source layout (an input *format*) must say about itself.

A :class:`Format` recognises its files by their header (column names), and maps raw columns to
canonical posts or accounts (``mapping``). A posts layout that also carries account columns
(QUT ``username``, the IO archive's user columns) gives ``account_mapping``: those rows become
*derived* accounts (the latest value seen wins; an accounts file given explicitly wins over
them). ``merge_rows`` marks long layouts with one row per (post, object): rows of the same post
are merged, their list fields concatenated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .convert import Source

__all__ = ["Format", "Kind"]

Kind = Literal["posts", "accounts"]


@dataclass(frozen=True)
class Format:
    """A source layout. Subclasses override :meth:`mapping`; see the module docstring."""

    name: str
    kind: Kind
    description: str
    #: Columns whose presence identifies the layout (all of them must be in the header).
    signature: frozenset[str]
    #: Columns whose presence rules the layout out.
    excludes: frozenset[str] = frozenset()
    #: Platform used when the layout has no platform column.
    default_platform: str | None = None
    #: Long layout: several rows per post, merged (lists concatenated).
    merge_rows: bool = False
    #: Where the layout is documented.
    reference: str = ""
    #: Tie-break when several layouts match: the highest wins.
    priority: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    def matches(self, header: set[str]) -> bool:
        return self.signature <= header and not (self.excludes & header)

    def mapping(self, header: set[str], platform: str | None) -> dict[str, Source]:
        """Canonical field -> source, for a file with this ``header``."""
        raise NotImplementedError

    def account_mapping(self, header: set[str], platform: str | None) -> dict[str, Source] | None:
        """For posts layouts carrying account columns: account field -> source."""
        return None
