"""Behavioural traces: one module per trace, each turning posts into actions.

See :mod:`.base` for what a trace is. :data:`TRACES` maps each name to its class; traces whose
class says ``default = True`` run when ``--traces`` is not given.
"""

from __future__ import annotations

from ..errors import ConfigError
from .base import Trace
from .domain import CoDomain
from .hashtags import HashtagSequence
from .media import CoMedia
from .reply import CoReply
from .reshare import CoReshare
from .text_exact import CoText
from .text_near import NearDuplicateText

__all__ = [
    "Trace",
    "TRACES",
    "DEFAULT_TRACES",
    "make_traces",
    "CoReshare",
    "CoReply",
    "CoText",
    "NearDuplicateText",
    "CoUrl",
    "HashtagSequence",
    "CoMedia",
    "CoDomain",
    "LinkSeeding",
]

from .seeding import LinkSeeding  # noqa: E402
from .url import CoUrl  # noqa: E402  (kept in pipeline order below)

#: Every trace, in the order reports list them.
TRACES: dict[str, type[Trace]] = {
    t.name: t
    for t in (CoReshare, CoReply, CoText, NearDuplicateText, CoUrl, LinkSeeding,
              HashtagSequence, CoMedia, CoDomain)
}
DEFAULT_TRACES: tuple[str, ...] = tuple(n for n, t in TRACES.items() if t.default)


def make_traces(names: list[str] | tuple[str, ...] | None = None) -> list[Trace]:
    """Trace objects with default parameters for ``names`` (default: the default traces)."""
    chosen = list(DEFAULT_TRACES if names is None else names)
    out: list[Trace] = []
    for n in chosen:
        if n not in TRACES:
            raise ConfigError(
                f"unknown trace {n!r}", remedy="choosing from: " + ", ".join(TRACES)
            )
        out.append(TRACES[n]())
    return out
