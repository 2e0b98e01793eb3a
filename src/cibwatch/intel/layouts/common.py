"""What the CSV layouts share: rows with their first line, normalised header names.

Used by :mod:`.meta_csv`, :mod:`.meta_ttp` and the seeds reader (:mod:`cibwatch.seeds`); the
Markdown reader and :func:`.detect_format` use :func:`header_key`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from ...errors import FormatError

if TYPE_CHECKING:
    from ..indicators import Builder

__all__ = ["csv_header", "csv_rows", "header_key"]


def csv_rows(text: str, reject: Callable[[int, str, str], None]
             ) -> Iterator[tuple[int, list[str]]]:
    """CSV rows with the 1-based line each starts on. A broken record (a stray quote) is a
    call of ``reject(line, field, message)``, and reading goes on at the next line
    (:func:`cibwatch.ingest.readers.csv_records`): one quote never costs the rest of the
    file."""
    from ...ingest.readers import csv_records

    for start, _end, row, taken, why in csv_records(io.StringIO(text, newline="")):
        if row is None:
            reject(start, "", f"malformed CSV ({why}): "
                   f"{taken[0].rstrip(chr(13) + chr(10))[:200]!r}; the record is set aside "
                   "and reading goes on at the next line")
        else:
            yield start, row


def header_key(name: str) -> str:
    """A column name as the readers compare it: trimmed, lower case, ``_`` as a space."""
    return " ".join(name.strip().lower().replace("_", " ").split())


def csv_header(rows: Iterator[tuple[int, list[str]]], build: Builder,
               required: tuple[str, ...], layout: str, remedy: str) -> list[str]:
    """The normalised column names of the header row of ``rows``; :class:`FormatError` when
    one of ``required`` is missing (the file is not ``layout``)."""
    header = next(rows, None)
    cols = [header_key(h) for h in header[1]] if header else []
    if any(c not in cols for c in required):
        raise FormatError(f"{build.source}: not {layout} (header {cols})", remedy=remedy)
    return cols

