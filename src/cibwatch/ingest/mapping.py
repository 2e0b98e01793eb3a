"""A layout described by a small TOML file: ``--format mapping:FILE.toml``.

For an export no adapter knows (a forum dump, a Mastodon archive, a vendor's CSV), a mapping
file names, for each canonical field, the column (CSV, Parquet) or the JSON path (JSON Lines,
JSON documents) that holds it. Everything else is as for the built-in layouts: the same
parsing rules, the same ``file:line:field`` messages for bad records. A mapped file is never
recognised by ``--format auto``: the mapping is chosen explicitly.

Example (``docs/ADAPTERS.md`` has the full reference)::

    [format]
    kind = "posts"                  # or "accounts"
    platform = "mastodon"           # when no platform field is mapped and no --platform
    time_format = "%d/%m/%Y %H:%M"  # optional: strptime format of created_at (else ISO 8601
                                    # or epoch seconds)
    list_separator = ";"            # optional: how list cells are split (else a JSON list
                                    # or white space)

    [fields]                        # canonical field = column, or JSON path
    post_id = "id"
    account_id = "account.id"       # a dotted path reaches into nested objects
    created_at = "created_at"
    text = "content"
    hashtags = "tags[*].name"       # [*]: the values of every element of a list
    reshare_of = "reblog.id"
    reply_to = "in_reply_to_id"

    [accounts]                      # optional, posts only: account fields inside each post
    account_id = "account.id"       # (derived accounts, latest value wins)
    handle = "account.acct"
    followers = "account.followers_count"

In CSV and Parquet a field names a column exactly (dots included: ``post_owner.id`` is one
column). In JSON a field is a path: ``a.b``, ``a[0].b``, ``a[*].b``, or JSONPath from ``$``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import ConfigError
from ..model import ACCOUNT_COLUMNS, LIST_FIELDS, POST_COLUMNS
from .convert import Col, Const, Expr, Source, quote_ident, sql_str
from .jsonformat import JsonFormat, Part

__all__ = ["MappingFormat", "load_mapping", "PREFIX"]

#: ``--format`` value prefix naming a mapping file.
PREFIX = "mapping:"

_SECTIONS = {"format", "fields", "accounts"}
_FORMAT_KEYS = {"kind", "platform", "time_format", "list_separator"}


def _json_path(path: str) -> str:
    """A mapping path as JSONPath (``a.b[*].c`` -> ``$.a.b[*].c``)."""
    p = path.strip()
    if p.startswith("$"):
        return p
    parts = []
    for seg in re.split(r"\.(?![^\[]*\])", p):
        m = re.fullmatch(r"([^\[\]]+)((?:\[(?:\*|\d+)\])*)", seg)
        if not m:
            raise ConfigError(f"cannot read the path {path!r}",
                              remedy="writing it as a.b, a[0].b or a[*].b")
        key, idx = m.groups()
        key_sql = key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) else '"' + key + '"'
        parts.append(key_sql + idx)
    return "$." + ".".join(parts)


@dataclass(frozen=True)
class MappingFormat(JsonFormat):
    """A layout read through a user's TOML mapping (see the module docstring)."""

    fields: dict[str, str] = field(default_factory=dict)
    account_fields: dict[str, str] = field(default_factory=dict)
    platform: str | None = None
    time_format: str | None = None
    list_separator: str | None = None

    def matches(self, header: set[str]) -> bool:
        return False  # chosen explicitly, never by --format auto

    # -- CSV and Parquet ----------------------------------------------------------------------
    def _tab_source(self, fld: str, col: str) -> Source:
        q = quote_ident(col)
        if fld == "created_at" and self.time_format:
            v = f"trim(CAST({q} AS VARCHAR))"
            return Expr(f"coalesce(CAST(try_strptime({v}, {sql_str(self.time_format)}) "
                        f"AS VARCHAR), {v})")
        if fld in LIST_FIELDS and self.list_separator:
            return Expr(f"list_filter(list_transform(string_split(coalesce(CAST({q} AS VARCHAR), "
                        f"''), {sql_str(self.list_separator)}), lambda x: trim(x)), "
                        "lambda x: x <> '')", kind="list")
        return Col(col)

    def _tab_mapping(self, fields: dict[str, str], platform: str | None) -> dict[str, Source]:
        m = {f: self._tab_source(f, c) for f, c in fields.items()}
        if "platform" not in m:
            m["platform"] = Const(platform or self.platform or "unknown")
        return m

    def mapping(self, header: set[str], platform: str | None) -> dict[str, Source]:
        return self._tab_mapping(self.fields, platform)

    def account_mapping(self, header: set[str], platform: str | None) -> dict[str, Source] | None:
        if not self.account_fields:
            return None
        return self._tab_mapping(self.account_fields, platform)

    # -- JSON ---------------------------------------------------------------------------------
    def structure(self) -> str:
        return '"JSON"'

    def _json_select(self, fields: dict[str, str]) -> str:
        scalars = {f: _json_path(p) for f, p in fields.items() if "[*]" not in p}
        names = list(scalars)
        cols = []
        multi = ("json_extract(j, [" + ", ".join(sql_str(scalars[f]) for f in names) + "])"
                 if names else None)
        for f, p in fields.items():
            if f in scalars:
                v = f"{multi}[{names.index(f) + 1}]"
            else:
                v = f"json_extract(j, {sql_str(_json_path(p))})"
            if f in LIST_FIELDS:
                arr = (f"CASE WHEN json_type({v}) = 'ARRAY' THEN list_transform("
                       f"try_cast({v} AS JSON[]), lambda x: x ->> '$') "
                       f"WHEN {v} IS NOT NULL AND json_type({v}) <> 'NULL' "
                       f"THEN [{v} ->> '$'] END")
                if self.list_separator:
                    arr = (f"CASE WHEN json_type({v}) = 'VARCHAR' THEN list_filter(list_transform("
                           f"string_split({v} ->> '$', {sql_str(self.list_separator)}), "
                           f"lambda x: trim(x)), lambda x: x <> '') ELSE {arr} END")
                cols.append(f"{arr} AS {quote_ident(f)}")
            elif f == "created_at" and self.time_format:
                s = f"({v} ->> '$')"
                cols.append(f"coalesce(CAST(try_strptime({s}, {sql_str(self.time_format)}) "
                            f"AS VARCHAR), {s}) AS created_at")
            else:
                cols.append(f"{v} ->> '$' AS {quote_ident(f)}")
        return ", ".join(cols)

    def parts(self, items: str, platform: str | None) -> list[Part]:
        plat = sql_str(platform or self.platform or "unknown")

        def part(kind: Literal["posts", "accounts", "derived"], fields: dict[str, str]) -> Part:
            extra = "" if "platform" in fields else f"{plat} AS platform, "
            return Part(kind, f"SELECT _idx, _line, _sub, {extra}{self._json_select(fields)}, "
                              f"CAST(j AS VARCHAR) AS _raw FROM {items}")

        out = [part(self.kind, self.fields)]
        if self.account_fields and self.kind == "posts":
            out.append(part("derived", self.account_fields))
        return out


def _strs(table: Any, where: str, path: Path) -> dict[str, str]:
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise ConfigError(f"{path}: [{where}] must map field names to column names or paths "
                          "(strings)", remedy="quoting each value, e.g. post_id = \"id\"")
    return dict(table)


def load_mapping(path: str | Path) -> MappingFormat:
    """Read a TOML mapping file (see the module docstring).

    Parameters
    ----------
    path:
        The ``.toml`` file.

    Returns
    -------
    MappingFormat
        The layout it describes, named ``mapping:<file name>``.

    Raises
    ------
    ConfigError
        The file is missing, not TOML, or names unknown sections or fields, or leaves out a
        required field: nothing has been read yet.
    """
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"mapping file {p} not found",
                          remedy="giving --format mapping:PATH with the path of a TOML file")
    try:
        doc = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: not valid TOML: {exc}", remedy="correcting the file") from exc
    unknown = set(doc) - _SECTIONS
    if unknown:
        raise ConfigError(f"{p}: unknown section(s) {', '.join(sorted(unknown))}",
                          remedy="using [format], [fields] and [accounts]")
    fmt = doc.get("format", {})
    if set(fmt) - _FORMAT_KEYS:
        raise ConfigError(f"{p}: unknown key(s) in [format]: "
                          f"{', '.join(sorted(set(fmt) - _FORMAT_KEYS))}",
                          remedy="using " + ", ".join(sorted(_FORMAT_KEYS)))
    kind = fmt.get("kind", "posts")
    if kind not in ("posts", "accounts"):
        raise ConfigError(f"{p}: kind = {kind!r}", remedy='using kind = "posts" or "accounts"')
    columns = POST_COLUMNS if kind == "posts" else ACCOUNT_COLUMNS
    fields = _strs(doc.get("fields", {}), "fields", p)
    accounts = _strs(doc.get("accounts", {}), "accounts", p)
    for table, cols, name in ((fields, columns, "fields"), (accounts, ACCOUNT_COLUMNS, "accounts")):
        bad = set(table) - set(cols)
        if bad:
            raise ConfigError(f"{p}: [{name}] names no canonical field {', '.join(sorted(bad))}",
                              remedy="using fields among " + ", ".join(cols))
    required = ("post_id", "account_id", "created_at") if kind == "posts" else ("account_id",)
    missing = [f for f in required if f not in fields]
    if missing:
        raise ConfigError(f"{p}: [fields] must map {', '.join(missing)}",
                          remedy="adding the column or path that holds each")
    if accounts and "account_id" not in accounts:
        raise ConfigError(f"{p}: [accounts] must map account_id", remedy="adding it")
    return MappingFormat(
        name=f"{PREFIX}{p.name}",
        kind=kind,
        description=f"mapping file {p}",
        signature=frozenset(),
        reference=str(p),
        tabular=True,
        fields=fields,
        account_fields=accounts,
        platform=fmt.get("platform"),
        time_format=fmt.get("time_format"),
        list_separator=fmt.get("list_separator"),
    )
