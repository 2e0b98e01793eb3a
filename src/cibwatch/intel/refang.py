"""Refanging: undo the defanging that threat reports apply to URLs, domains, IPs and e-mails.

Published indicators are "defanged" so that nobody clicks them by accident: Meta's files write
``hxxps://twitter[.]com/...`` and ``info[at]example[.]com``. :func:`refang` turns them back
into ``https://twitter.com/...`` and ``info@example.com``; every value an indicator file holds
goes through it before it is classified (:mod:`.classify`). Cost: a few regular-expression
substitutions per value. :func:`defang` does the opposite, in Meta's style, for the indicators
cibwatch publishes (threat reports); ``refang(defang(x)) == x``.
"""

from __future__ import annotations

import re

__all__ = ["INVISIBLE", "defang", "refang"]

_FANGS: tuple[tuple[str, str], ...] = (
    (r"\[\s*\.\s*\]|\(\s*\.\s*\)|\{\s*\.\s*\}|\[dot\]|\(dot\)|\{dot\}", "."),
    (r"\[\s*:\s*\]|\(\s*:\s*\)|\{\s*:\s*\}", ":"),
    (r"\[://\]", "://"),
    (r"\[/\]", "/"),
    (r"\[at\]|\(at\)|\{at\}|\[@\]|\(@\)", "@"),
)
_FANG_RES = [(re.compile(p, re.IGNORECASE), r) for p, r in _FANGS]
_SCHEME_FANG = re.compile(r"\bh(?:xx|\[xx\]|\*\*|__)p(s?)(?=:)", re.IGNORECASE)
_FTP_FANG = re.compile(r"\bfxp(?=s?:)", re.IGNORECASE)
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
"""Zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM) that hide inside published values."""


def refang(s: str) -> str:
    """Undo the usual defanging of URLs, domains, IPs and e-mail addresses.

    ``[.]``, ``(.)``, ``{.}``, ``[dot]`` -> ``.``; ``[:]``, ``(:)``, ``{:}`` -> ``:``;
    ``[://]`` -> ``://``;
    ``[/]`` -> ``/``; ``[at]``, ``[@]`` -> ``@``; ``hxxp``, ``hXXp``, ``h[xx]p`` -> ``http``
    (only as a scheme, before ``:``); ``fxp`` -> ``ftp``. Zero-width characters are removed.
    Meta's files use ``[.]`` and ``hxxp`` (see the module docstring).

    Examples
    --------
    >>> refang("hxxps://twitter[.]com/foo")
    'https://twitter.com/foo'
    >>> refang("info[at]amc239[.]com")
    'info@amc239.com'
    """
    out = INVISIBLE.sub("", s)
    for pattern, repl in _FANG_RES:
        out = pattern.sub(repl, out)
    out = _SCHEME_FANG.sub(lambda m: "http" + m.group(1).lower(), out)
    return _FTP_FANG.sub("ftp", out)



_DEFANG_SCHEME = re.compile(r"\bhttp(s?)(?=://)", re.IGNORECASE)
_DEFANG_DOT = re.compile(r"(?<=[^\s/.\[])\.(?=[^\s/.\]])")


def defang(s: str) -> str:
    """Defang a URL, domain, IP or e-mail address as Meta's files do: ``http`` ->
    ``hxxp`` (as a scheme), ``.`` -> ``[.]`` in the host part (before the first ``/`` after
    the scheme), ``@`` -> ``[at]``. Zero-width characters are removed.

    Examples
    --------
    >>> defang("https://twitter.com/foo.bar")
    'hxxps://twitter[.]com/foo.bar'
    >>> refang(defang("info@amc239.com"))
    'info@amc239.com'
    """
    out = INVISIBLE.sub("", s)
    out = _DEFANG_SCHEME.sub(lambda m: "hxxp" + m.group(1), out)
    scheme, sep, rest = out.partition("://")
    if not sep:
        scheme, rest = "", out
    host, slash, path = rest.partition("/")
    host = _DEFANG_DOT.sub("[.]", host).replace("@", "[at]")
    return (scheme + sep if sep else "") + host + slash + path
