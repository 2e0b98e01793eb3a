"""Escaping text from the data wherever cibwatch writes it for people.

Ids, handles, texts, URLs and file names come from the input, which an operation under
investigation may have written on purpose: a handle ``<script>...``, a display name
``![i](http://tracker/...)``, an account id holding a carriage return, a cell
``=HYPERLINK(...)``. One module escapes them for each kind of output, and every writer calls it:

:func:`markdown`
    Markdown and HTML (``summary.md``): control characters and invisible direction marks are
    shown as ``⟨U+000D⟩``; ``& < >`` become HTML entities; the characters that make emphasis,
    code, links, images or table cells (backslash, backquote, ``* _ [ ] | ~``) are
    backslash-escaped, and so is a leading ``# + - = >`` or ``1.`` (a heading, a list);
    ``://`` and ``www.`` are escaped so that no autolink is made. The text renders as the characters it holds, never as markup.
:func:`csv_cell` / :func:`csv_cell_sql`
    Spreadsheet cells (every CSV cibwatch writes): a text cell starting with ``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return (or their full-width forms, or ``'``) gets a
    leading apostrophe, as OWASP's *CSV Injection* guidance recommends, so that a spreadsheet
    shows it as text instead of running it as a formula. A plain number (``-12``, ``+3.5``)
    is left as it is: it cannot be a formula. To get the exact value back, drop one leading
    apostrophe from a cell that starts with one. :func:`csv_cell_sql` is the same rule as a
    DuckDB expression, for files written with ``COPY`` (tested to agree).
:func:`xml_text`
    XML (``network.graphml``): the characters XML 1.0 cannot hold (control characters other
    than tab and new lines) shown as in :func:`markdown`; the XML writer escapes the rest.
:func:`terminal`
    The terminal (Rich): control characters shown as in :func:`markdown` (an ESC can no longer
    drive the terminal) and Rich markup (``[bold]``) escaped.

References: OWASP, "CSV Injection" (https://owasp.org/www-community/attacks/CSV_Injection);
CommonMark 0.31, "Backslash escapes" (any ASCII punctuation may be escaped); GitHub Flavored
Markdown, "Autolinks (extension)".
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Final

__all__ = ["markdown", "csv_cell", "csv_cell_sql", "terminal", "visible", "xml_text",
           "CSV_TRIGGERS"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP), with the
#: full-width forms some spreadsheets also accept, and the apostrophe itself (so that the
#: escape can always be undone by dropping one leading apostrophe).
CSV_TRIGGERS: Final = "=+-@\t\r\uff1d\uff0b\uff0d\uff20'"

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NUMBER_SQL: Final = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"

#: Characters with no glyph that change what a reader sees: bidirectional overrides and
#: isolates, direction marks, line and paragraph separators (besides the C0/C1 controls).
_INVISIBLE: Final = frozenset(
    "\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    "\ufeff"
)
#: Characters with a meaning anywhere in a line (emphasis, code, links, tables, HTML)...
_MD_PUNCT: Final = frozenset("\\`*_[]|~")
#: ... and at the start of a line (headings, lists, block quotes, setext underlines).
_MD_LEAD = re.compile(r"^([#+\-=>]|[0-9]+(?=[.)]))")
_AUTOLINK = re.compile(r"(?i)(www)\.|:(//)")


def _hidden(ch: str) -> bool:
    return ch in _INVISIBLE or unicodedata.category(ch) == "Cc"


def visible(text: Any) -> str:
    """``text`` with control characters and invisible direction marks written as
    ``⟨U+000D⟩`` (everything else unchanged)."""
    s = "" if text is None else str(text)
    if s.isprintable() and not any(c in _INVISIBLE for c in s):
        return s
    return "".join(f"\u27e8U+{ord(c):04X}\u27e9" if _hidden(c) else c for c in s)


def markdown(text: Any) -> str:
    """Text from the data, safe in Markdown and HTML (inline, table cells included)."""
    s = "" if text is None else str(text)
    out = []
    for c in s:
        if c == "&":
            out.append("&amp;")
        elif c == "<":
            out.append("&lt;")
        elif c == ">":
            out.append("&gt;")
        elif c in _MD_PUNCT:
            out.append("\\" + c)
        else:
            out.append(c)
    s = "".join(out)
    m = _MD_LEAD.match(s)
    if m:
        n = m.end()
        s = s[:n] + "\\" + s[n:] if m.group(1)[0].isdigit() else "\\" + s
    s = visible(s)
    # GFM autolinks start at "www." or "://": break both with a backslash escape
    return _AUTOLINK.sub(lambda m: m.group(1) + "\\." if m.group(1) else ":\\/\\/", s)


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell: text that a spreadsheet would run as a formula gets a leading
    apostrophe; everything else (numbers, None, safe text) is returned unchanged."""
    if not isinstance(value, str) or not value or value[0] not in CSV_TRIGGERS:
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


def csv_cell_sql(expr: str) -> str:
    """:func:`csv_cell` as a DuckDB expression over a VARCHAR expression ``expr``."""
    first = "".join("''" if c == "'" else c for c in CSV_TRIGGERS)
    return (f"(CASE WHEN contains('{first}', left({expr}, 1)) AND {expr} <> '' "
            f"AND NOT regexp_full_match({expr}, '{_NUMBER_SQL}') "
            f"THEN '''' || {expr} ELSE {expr} END)")


def terminal(text: Any) -> str:
    """Text from the data, safe to print with Rich: control characters visible, markup
    escaped."""
    from rich.markup import escape

    return escape(visible(text))


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: Any) -> str:
    """Text from the data, holdable in XML 1.0 (forbidden characters shown as ``⟨U+0001⟩``)."""
    s = "" if text is None else str(text)
    return _XML_BAD.sub(lambda m: f"\u27e8U+{ord(m.group()):04X}\u27e9", s)
