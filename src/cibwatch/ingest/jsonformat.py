"""What a nested-JSON layout (an API export) says about itself, and the SQL it shares.

A :class:`JsonFormat` is read by :mod:`.jsonio` (records and where they start) and mapped in
DuckDB in three steps, each one vectorised SQL over a batch:

1. **parse**: each record's text is parsed once with ``json_transform`` into the typed
   structure the layout declares (:meth:`JsonFormat.structure`); fields the structure does not
   name are never materialised. Text that is not JSON, or not an object, is rejected with its
   line;
2. **items** (:meth:`JsonFormat.items_sql`): a record may hold several items (an API response
   page holds up to 100 tweets; a YouTube comment thread holds its top comment and replies):
   they are unnested, each keeping the record's line and its own index ``_sub``;
3. **parts** (:meth:`JsonFormat.parts`): SELECTs over the items giving canonical posts,
   accounts (explicit account records, e.g. YouTube channels) and *derived* accounts (the
   author objects inside posts). Each part goes through the one converter
   (:func:`.convert.conversion_sql`) like any other layout: same parsing rules, same
   ``file:line:field`` messages, bad records kept aside.

A part names its columns after the canonical fields; besides them it has ``_line``, ``_sub``,
``_raw`` (the item as JSON, what the rejects file keeps) and optionally ``_error`` (a layout's
own finding, ``"field<TAB>message"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .base import Format
from .jsonio import DocPath

__all__ = [
    "JsonFormat",
    "Part",
    "URL_RE",
    "text_urls",
    "text_hashtags",
    "text_mentions",
    "distinct_lists_sql",
    "permalink_quote",
]

#: A URL in free text: up to white space, a quote or an angle bracket, without trailing
#: punctuation (the same rule as the IRA layout's).
URL_RE = r"""https?://[^\s'"<>]*[^\s'"<>.,;:!?)\]]"""


@dataclass(frozen=True)
class Part:
    """One SELECT over the items relation, giving records of one kind."""

    kind: Literal["posts", "accounts", "derived"]
    sql: str


@dataclass(frozen=True)
class JsonFormat(Format):
    """A layout read from JSON Lines or a JSON document; see the module docstring."""

    #: Alternative signatures: the layout matches when any of them (or ``signature``) fits.
    signatures: tuple[frozenset[str], ...] = ()
    #: Where a document keeps its record arrays (see :class:`.jsonio.JsonRecords`).
    doc_paths: tuple[DocPath, ...] = ((),)
    #: The layout can also be read from CSV or Parquet (through :meth:`Format.mapping`).
    tabular: bool = False
    #: Files are always one JSON document (even on one line), streamed record by record.
    document: bool = False

    def matches(self, header: set[str]) -> bool:
        sigs = [s for s in (self.signature, *self.signatures) if s]
        return any(s <= header for s in sigs) and not (self.excludes & header)

    def structure(self) -> str:
        """The ``json_transform`` structure of one record (a JSON object literal)."""
        raise NotImplementedError

    def items_sql(self, docs: str) -> str:
        """SELECT over ``docs`` (``_line``, ``_path``, ``_ctx``, ``j``: the parsed record)
        giving one row per item with ``_idx``, ``_line``, ``_sub`` and what :meth:`parts` reads."""
        return f"SELECT _idx, _line, 0 AS _sub, _path, _ctx, j FROM {docs}"

    def parts(self, items: str, platform: str | None) -> list[Part]:
        """The posts, accounts and derived accounts of ``items``."""
        raise NotImplementedError

    def platform_sql(self, platform: str | None) -> str:
        return _quote(platform or self.default_platform or "unknown")


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def text_urls(text: str) -> str:
    """SQL: the URLs written in ``text`` (``VARCHAR[]``)."""
    return f"regexp_extract_all(coalesce({text}, ''), {_quote(URL_RE)})"


def text_hashtags(text: str) -> str:
    """SQL: the ``#hashtags`` written in ``text``, without '#' (not a URL's ``#fragment``)."""
    return (rf"regexp_extract_all(coalesce({text}, ''), "
            rf"'(?:^|[^\p{{L}}\p{{N}}_&/#])[#＃]([\p{{L}}\p{{N}}_]*[\p{{L}}_][\p{{L}}\p{{N}}_]*)', 1)")


def text_mentions(text: str, pattern: str = r"[\p{L}\p{N}_.]*[\p{L}\p{N}_]") -> str:
    """SQL: the ``@handles`` written in ``text``, without '@' (not an e-mail address)."""
    return (rf"regexp_extract_all(coalesce({text}, ''), "
            rf"'(?:^|[^\p{{L}}\p{{N}}_.@])@({pattern})', 1)")


def permalink_quote(urls: str, quoted_id: str) -> str:
    """SQL: ``urls`` with the quoted tweet as one canonical permalink.

    The canonical model has no quote field; a quote is kept as what Twitter shows, a link to
    the quoted tweet, ``https://twitter.com/i/web/status/<id>``. Links in ``urls`` to the same
    status (``twitter.com/<user>/status/<id>``, ``x.com/...``) are that same quote and are
    replaced by it, so that accounts quoting one tweet share one URL.
    """
    status = (r"regexp_extract(x, '^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/[^/]+/"
              r"status(?:es)?/([0-9]+)', 1)")
    return (f"CASE WHEN coalesce({quoted_id}, '') = '' THEN {urls} ELSE "
            f"list_append(list_filter({urls}, lambda x: {status} IS DISTINCT FROM {quoted_id}), "
            f"'https://twitter.com/i/web/status/' || {quoted_id}) END")


def distinct_lists_sql(sql: str, columns: list[str]) -> str:
    """SQL: the rows of ``sql`` with its list columns cleaned.

    Parameters
    ----------
    sql:
        A SELECT (a part of a JSON layout).
    columns:
        Its list columns (``VARCHAR[]``).

    Returns
    -------
    str
        The rows of ``sql`` with each list free of NULLs, blanks and repeats, first-seen order
        kept. Done over the computed columns, so that each list expression runs once.
    """
    if not columns:
        return sql
    repl = ", ".join(
        f"list_filter(list_filter({c}, lambda x: x IS NOT NULL AND trim(x) <> ''), "
        f"lambda x, i: list_position(list_filter({c}, lambda y: y IS NOT NULL AND "
        f"trim(y) <> ''), x) = i) AS {c}" for c in columns)
    return f"SELECT * REPLACE ({repl}) FROM ({sql}) AS d"
