"""Layout ``list``: one value per line.

``@handle``, ``platform:handle`` (e.g. ``twitter:@foo``; the platform one of
:data:`..platforms.KNOWN_PLATFORMS`), profile or post URLs, other URLs, domains,
``#hashtags``, IPs, e-mail addresses; anything else is text, or a fact when it is a count
(:mod:`..classify`). A line is a comment only when it is ``#`` alone or starts with ``#``
followed by white space (``# like this``): ``#word`` is a hashtag. Blank lines are ignored.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..classify import classify

if TYPE_CHECKING:
    from ..indicators import Builder

__all__ = ["read_list"]


def read_list(text: str, build: Builder) -> None:
    """One value per line; ``#`` alone or ``# ...`` is a comment, ``#word`` a hashtag."""
    for line_no, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        if not s or s == "#" or re.match(r"#\s", s):
            continue
        outcome = classify(s, allow_platform_prefix=True)
        build.add(line_no, "value", outcome, "")

