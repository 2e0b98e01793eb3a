"""The benchmarks' one way to print their rows: a Markdown table, as docs/BENCHMARKS.md has."""

from __future__ import annotations

from typing import Any


def print_table(rows: list[dict[str, Any]]) -> None:
    """``rows`` (dicts with the same keys, in order) as a Markdown table on standard output."""
    cols = list(rows[0])
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(str(r[c]) for c in cols) + " |")
