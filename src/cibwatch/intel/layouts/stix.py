"""Layout ``stix``: a STIX 2.1 bundle (or a bare list of objects).

STIX 2.1 is the OASIS standard for sharing threat intelligence
(https://docs.oasis-open.org/cti/stix/v2.1/stix-v2.1.html). Indicators with STIX patterns
(``[domain-name:value = '...']``, ``[url:value = '...']``,
``[user-account:account_login = '...' AND user-account:account_type = 'twitter']``,
``ipv4-addr``, ``ipv6-addr``, ``email-addr``) are parsed with the OASIS ``stix2`` library's
pattern parser; observables ``user-account`` (``account_login`` or ``user_id``, platform from
``x_cibwatch_platform`` or ``account_type``), ``domain-name``, ``url``, ``ipv4-addr``,
``ipv6-addr``, ``email-addr`` are read directly, as are OpenCTI's ``channel`` (an account named
like ``x.com/handle``) and ``media-content`` (a post URL) used in Graphika's bundles (the Glass
Onion bundle in ``tests/fixtures/intel``). Other domain objects (reports, identities,
relationships, attack patterns ...) are skipped; other observables (files, processes ...) are
rejected. An indicator's line is the object's 1-based index in ``objects``, its note the
object id. :mod:`cibwatch.intel.stix_export` writes bundles this reader reads back.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from ...errors import FormatError
from ..classify import SCHEME_RE, Outcome, Value, classify
from ..platforms import canonical_platform, parse_account
from ..refang import refang

if TYPE_CHECKING:
    from ..indicators import Builder

__all__ = ["read_stix"]

_STIX_OBSERVABLES = frozenset({
    "artifact", "autonomous-system", "directory", "domain-name", "email-addr",
    "email-message", "file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex", "network-traffic",
    "process", "software", "url", "user-account", "windows-registry-key", "x509-certificate",
})


def _stix_pattern_leaves(pattern: str) -> tuple[list[list[tuple[str, str, str]]], list[str]]:
    """Per observation, ``(object_type, property, value)`` of its equality tests; problems."""
    from stix2 import patterns as sp  # imported here: stix2 loads slowly
    from stix2.pattern_visitor import create_pattern_object

    tree = create_pattern_object(pattern)
    observations: list[list[tuple[str, str, str]]] = []
    problems: list[str] = []

    def comparisons(node: Any, acc: list[tuple[str, str, str]]) -> None:
        if isinstance(node, sp._BooleanExpression):
            for operand in node.operands:
                comparisons(operand, acc)
        elif isinstance(node, sp.ParentheticalExpression):
            comparisons(node.expression, acc)
        elif isinstance(node, sp._ComparisonExpression):
            obj = node.lhs.object_type_name
            prop = ".".join(str(getattr(c, "property_name", "")) for c in node.lhs.property_path)
            if node.negated:
                problems.append(f"negated comparison on {obj}:{prop} not imported")
            elif isinstance(node, sp.EqualityComparisonExpression):
                acc.append((obj, prop, str(node.rhs.value)))
            elif isinstance(node, sp.InComparisonExpression):
                acc.extend((obj, prop, str(c.value)) for c in node.rhs.value)
            else:
                problems.append(f"{node.operator} comparison on {obj}:{prop} not imported")

    def walk(node: Any) -> None:
        if isinstance(node, sp.ObservationExpression):
            acc: list[tuple[str, str, str]] = []
            comparisons(node.operand, acc)
            observations.append(acc)
        elif isinstance(node, sp._CompoundObservationExpression):
            for operand in node.operands:
                walk(operand)
        elif isinstance(node, sp.ParentheticalExpression):
            walk(node.expression)
        elif isinstance(node, sp.QualifiedObservationExpression):
            walk(node.observation_expression)

    walk(tree)
    return observations, problems


_PATTERN_TYPES: dict[tuple[str, str], str] = {
    ("domain-name", "value"): "domain", ("url", "value"): "url", ("ipv4-addr", "value"): "ip",
    ("ipv6-addr", "value"): "ip", ("email-addr", "value"): "email",
}


def _stix_account(build: Builder, idx: int, field_name: str, login: str | None,
                  user_id: str | None, platform: str | None, note: str) -> None:
    handle = (login or user_id or "").strip()
    if not handle:
        build.reject(idx, field_name, "user-account without account_login or user_id")
        return
    plat = canonical_platform(platform)
    if SCHEME_RE.match(refang(handle)) or "/" in handle:
        acc = parse_account(handle)
        if acc is not None:
            handle, plat = acc.handle, plat or acc.platform
    build.add(idx, field_name, Outcome([Value("account", handle.lstrip("@"), plat)], "", ""),
              note)


def _read_stix_indicator(obj: dict[str, Any], idx: int, build: Builder) -> None:
    note = str(obj.get("id", ""))
    pattern_type = str(obj.get("pattern_type", "stix")).lower()
    pattern = obj.get("pattern")
    if pattern_type != "stix" or not isinstance(pattern, str):
        build.reject(idx, "pattern", f"pattern_type {pattern_type!r} / missing pattern: only "
                     "STIX patterns are imported")
        return
    try:
        observations, problems = _stix_pattern_leaves(pattern)
    except Exception as exc:  # the pattern grammar raises several exception types
        build.reject(idx, "pattern", f"STIX pattern cannot be parsed: {exc}")
        return
    for problem in problems:
        build.reject(idx, "pattern", problem)
    for leaves in observations:
        account: dict[str, list[str]] = {}
        for obj_type, prop, value in leaves:
            kind = _PATTERN_TYPES.get((obj_type, prop))
            if kind is not None:
                build.add(idx, "pattern", classify(value, hint=kind), note)
            elif obj_type == "user-account":
                account.setdefault(prop, []).append(value)
            elif obj_type in ("hashtag", "x-opencti-hashtag") and prop == "value":
                build.add(idx, "pattern", classify(value, hint="hashtag"), note)
            else:
                build.reject(idx, "pattern", f"{obj_type}:{prop} is not imported")
        if account:
            types = account.get("x_cibwatch_platform") or account.get("account_type") or []
            platform = types[0] if len(set(types)) == 1 else None
            logins = account.get("account_login") or []
            ids = account.get("user_id") or []
            if not logins and not ids:
                build.reject(idx, "pattern", "user-account test without account_login or "
                             "user_id")
            for login in logins:
                _stix_account(build, idx, "pattern", login, None, platform, note)
            if not logins:
                for uid in ids:
                    _stix_account(build, idx, "pattern", None, uid, platform, note)


def read_stix(text: str, build: Builder) -> None:
    """STIX 2.1 bundle (or list of objects): indicators with patterns, observables, OpenCTI
    channel / media-content."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(f"{build.source}: not JSON ({exc})",
                          remedy="checking that the file is a STIX 2.1 bundle") from exc
    if isinstance(data, dict) and data.get("type") == "bundle":
        objects = data.get("objects") or []
    elif isinstance(data, dict) and "type" in data:
        objects = [data]
    elif isinstance(data, list):
        objects = data
    else:
        raise FormatError(f"{build.source}: JSON but not a STIX bundle",
                          remedy="checking that the file is a STIX 2.1 bundle")
    for idx, obj in enumerate(objects, start=1):
        if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
            build.reject(idx, "type", "not a STIX object (no 'type')")
            continue
        _read_stix_object(obj, idx, build)


def _read_stix_object(obj: dict[str, Any], idx: int, build: Builder) -> None:
    otype = obj["type"]
    note = str(obj.get("id", ""))
    value = obj.get("value")
    if otype == "indicator":
        _read_stix_indicator(obj, idx, build)
    elif otype in ("domain-name", "hostname", "x-opencti-hostname"):
        build.add(idx, "value", classify(str(value or ""), hint="domain"), note)
    elif otype == "url":
        build.add(idx, "value", classify(str(value or ""), hint="url"), note)
    elif otype in ("ipv4-addr", "ipv6-addr"):
        build.add(idx, "value", classify(str(value or ""), hint="ip"), note)
    elif otype == "email-addr":
        build.add(idx, "value", classify(str(value or ""), hint="email"), note)
    elif otype in ("hashtag", "x-opencti-hashtag"):
        build.add(idx, "value", classify(str(value or ""), hint="hashtag"), note)
    elif otype in ("text", "x-opencti-text"):
        if value:
            build.add(idx, "value", Outcome([Value("text", str(value), None)], "", ""), note)
        else:
            build.reject(idx, "value", "text object without value")
    elif otype == "user-account":
        platform = obj.get("x_cibwatch_platform") or obj.get("account_type")
        _stix_account(build, idx, "account_login", obj.get("account_login"),
                      obj.get("user_id"), platform, note)
    elif otype == "channel":
        _read_stix_channel(obj, idx, build, note)
    elif otype == "media-content":
        url = obj.get("url")
        if isinstance(url, str) and url.strip():
            build.add(idx, "url", classify(url, hint="url"), note)
        else:
            build.reject(idx, "url", "media-content without url")
    elif otype in _STIX_OBSERVABLES:
        build.reject(idx, "type", f"STIX observable {otype!r} is not a social-media indicator: "
                     "not imported")
    else:
        build.skip(idx, f"STIX {otype} carries no indicator")


def _read_stix_channel(obj: dict[str, Any], idx: int, build: Builder, note: str) -> None:
    name = str(obj.get("name") or "").strip()
    kinds = obj.get("channel_types") or []
    platform = canonical_platform(kinds[0]) if len(kinds) == 1 else None
    if not name:
        build.reject(idx, "name", "channel without name")
        return
    acc = parse_account(name)
    if acc is not None:
        vals = [Value("account", acc.handle, acc.platform)]
        if not acc.root:
            vals.append(Value("url", refang(name), None))
        build.add(idx, "name", Outcome(vals, "", ""), note)
    elif platform and re.fullmatch(r"@?[\w.\-]+", name):
        build.add(idx, "name", Outcome([Value("account", name.lstrip("@"), platform)], "", ""),
                  note)
    else:
        build.reject(idx, "name", f"channel name {name!r} is not a recognised account")

