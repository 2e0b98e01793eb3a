"""Seeds: the one vocabulary of what an expansion can start from, and the one seeds reader.

A seed is an account (platform + account id, handle or profile URL) or an indicator that
posts carry (a URL, a domain, a text, a hashtag: the accounts that posted it are seeds).
:data:`SEED_TYPES` names them (docs/PRODUCT.md, "expand output directory"); an indicator of
another type (an IP, an e-mail address, a report fact) is never a seed.

A seeds file is CSV with a header, in one of four layouts:

``platform,account_id``
    Accounts by their id on the platform.
``platform,handle``
    Accounts by handle (``@`` dropped).
``url``
    URLs; a profile URL (``https://x.com/name``) is that account.
``type,value[,platform]``
    Any seed type; the seeds CSV that ``cibwatch indicators import --out`` writes
    (:meth:`cibwatch.intel.IndicatorSet.seeds_rows`).

:func:`parse_seeds` reads them all, for ``cibwatch expand --seeds`` (through
:func:`read_seeds`) and for ``cibwatch indicators import --format seeds`` alike. Values are
read as the indicator readers read them (:func:`cibwatch.intel.classify.classify`): defanged
URLs and domains are refanged; a URL that is a profile is an account, one that points into an
account (``x.com/name/status/1``) is both that account and the URL; a domain is kept in lower
case without ``www.``; a hashtag in lower case without ``#``; texts as given; platform names
are canonical (:func:`cibwatch.intel.platforms.canonical_platform`: ``X`` is ``twitter``).
A row that cannot be read is a reject ``(line, field, message)``, the others are kept.
Cost: one pass over the file, one classification per value.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import FormatError, InputError

__all__ = ["SEED_TYPES", "Seed", "is_seeds_header", "parse_seeds", "read_seeds"]

SEED_TYPES: tuple[str, ...] = ("account", "url", "domain", "text", "hashtag")
"""Seed types: the ``type`` of a ``type,value`` seeds file, in this order in messages."""

_ACCOUNT_COLUMNS = ("account_id", "handle")  # an account per row, by id or by handle
_MAX_SHOWN = 80  # characters of a wrong header quoted in the message


@dataclass(frozen=True)
class Seed:
    """One seed.

    Attributes
    ----------
    type : str
        One of :data:`SEED_TYPES`.
    value : str
        account: the account id or handle (``by`` says which), without ``@``; url: the
        refanged URL; domain: the lower-case host without ``www.``; hashtag: lower case
        without ``#``; text: as given.
    platform : str or None
        For accounts, the canonical platform name when known; ``None`` for other types.
    by : str
        Accounts: ``account_id``, ``handle`` or ``any`` (either matches).
    line : int
        The 1-based line of the seeds file the seed was read from (the row's first line).
    note : str
        What the reader noted about the value (an aside in the cell, white space removed
        from a URL).
    """

    type: str
    value: str
    platform: str | None = None
    by: str = "any"
    line: int = 0
    note: str = ""


def _key(name: str) -> str:
    return "_".join(name.strip().lower().replace("_", " ").split())


def is_seeds_header(names: list[str]) -> bool:
    """Whether ``names`` (a CSV header row) is the header of a seeds file: it has
    ``type`` and ``value``, or ``url``, ``account_id`` or ``handle``."""
    keys = {_key(n) for n in names}
    return {"type", "value"} <= keys or bool(keys & {"url", *_ACCOUNT_COLUMNS})


def parse_seeds(text: str, source: str) -> tuple[list[Seed], list[tuple[int, str, str]]]:
    """The seeds in ``text``, a seeds CSV (see the module docstring), and its rejects.

    Parameters
    ----------
    text : str
        The file's content.
    source : str
        The file's name, for the message when the header is not a seeds header.

    Returns
    -------
    seeds : list of Seed
        In file order; a row can give two (a post URL: its account and the URL).
    rejects : list of (int, str, str)
        ``(line, field, message)`` for each row that cannot be read, in file order.

    Raises
    ------
    FormatError
        The header has none of the seeds layouts' columns.
    """
    from .intel.layouts.common import csv_rows  # here: cibwatch.intel imports this module

    rejects: list[tuple[int, str, str]] = []
    rows = csv_rows(text, lambda line, fld, msg: rejects.append((line, fld, msg)))
    header = next(rows, None)
    names = header[1] if header else []
    if not is_seeds_header(names):
        found = ",".join(names) or "no header"
        found = found if len(found) <= _MAX_SHOWN else found[:_MAX_SHOWN - 3] + "..."
        raise FormatError(
            f"{source}:1: a seeds file needs a header with platform,account_id or "
            f"platform,handle or url or type,value (found {found})",
            remedy="adding such a header line (see 'cibwatch expand --help'; the seeds.csv that "
            "'cibwatch indicators import --out' writes has type,value,platform)")
    column: dict[str, int] = {}
    for i, name in enumerate(names):
        column.setdefault(_key(name), i)
    seeds: list[Seed] = []
    for line, row in rows:
        if any(c.strip() for c in row):
            seeds.extend(_row_seeds(line, row, column, rejects))
    return seeds, rejects


def _row_seeds(line: int, row: list[str], column: dict[str, int],
               rejects: list[tuple[int, str, str]]) -> list[Seed]:
    """The seeds of one row; its problems appended to ``rejects``."""
    from .intel.classify import classify  # here: cibwatch.intel imports this module
    from .intel.platforms import canonical_platform

    def cell(name: str) -> str:
        i = column.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    if "type" in column and "value" in column:
        kind, value, by, field = cell("type").lower(), cell("value"), "any", "value"
    else:
        field = next(c for c in (*_ACCOUNT_COLUMNS, "url") if c in column)
        by = next((c for c in _ACCOUNT_COLUMNS if cell(c)), "any")
        kind, value = ("url", cell("url")) if by == "any" else ("account", cell(by))
    if kind not in SEED_TYPES:
        rejects.append((line, "type", f"unknown seed type {kind!r} "
                        f"(one of {', '.join(SEED_TYPES)})"))
        return []
    if not value:
        rejects.append((line, field, "empty seed value"))
        return []
    if kind == "account":
        return [Seed("account", value.lstrip("@"), canonical_platform(cell("platform")), by,
                     line)]
    if kind == "text":
        return [Seed("text", value, None, by, line)]
    outcome = classify(value, hint=kind)
    if not outcome.error and any(v.type not in (kind, "account") for v in outcome.values):
        rejects.append((line, field, f"{value!r} is not a valid {kind}"))
        return []
    if outcome.error:
        rejects.append((line, field, outcome.error))
    # A URL names accounts too (a profile; the author of a post); a domain is the domain (a
    # blog host's account is left out). Values of the seed's type first, else what there is.
    keep = (kind, "account") if kind == "url" else (kind,)
    kept = [v for v in outcome.values if v.type in keep] or outcome.values
    return [Seed(v.type, v.value, v.platform if v.type == "account" else None, by, line,
                 outcome.note) for v in kept]


def read_seeds(path: str | Path) -> tuple[list[Seed], list[str]]:
    """Read a seeds file for ``cibwatch expand --seeds`` (:func:`parse_seeds`).

    Returns the seeds and, for each row that cannot be read, a message ``FILE:LINE: field
    'FIELD': PROBLEM`` (the other rows are kept). A file that cannot be read at all, has no
    seeds header or no usable seed raises :class:`InputError`.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the seeds file {path}: {exc}") from exc
    seeds, rejects = parse_seeds(text, str(path))
    problems = [f"{path}:{line}: field {fld!r}: {msg}" for line, fld, msg in rejects]
    if not seeds:
        raise InputError(f"{path}: the seeds file has no usable seed"
                         + (f" ({len(problems)} bad row(s): {problems[0]})" if problems else ""))
    return seeds, problems
