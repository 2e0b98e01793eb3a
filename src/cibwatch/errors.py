"""The one exception tree of cibwatch.

Every error a user can cause carries a ``remedy``: the CLI prints the message and the remedy,
never a traceback (datasette's habit). Library callers catch :class:`CibwatchError`.

**Parameters, not flags.** An error about a parameter of a library call names the parameter
(``min_size``, ``window``) and lists it in ``parameters``; its message and remedy are written
with ``{min_size}`` where the name goes. The command line restates it with its flags
(:meth:`CibwatchError.naming`, :mod:`cibwatch.cli_errors`): ``--min-size``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Self

__all__ = [
    "CibwatchError",
    "InputError",
    "BadRecordError",
    "FormatError",
    "ConfigError",
    "ParameterError",
    "NotInStoreError",
    "StoreVersionError",
    "StoreError",
    "OutputError",
]


class CibwatchError(Exception):
    """Base class: something the user can fix, with the fix in ``remedy``."""

    def __init__(self, message: str, remedy: str | None = None, *,
                 parameters: Sequence[str] = ()) -> None:
        self.parameters = tuple(parameters)
        self.template = (message, remedy)
        message, remedy = self._filled(lambda p: p)
        super().__init__(message)
        self.message = message
        self.remedy = remedy

    @property
    def parameter(self) -> str | None:
        """The parameter the error is about (the first it names), if any."""
        return self.parameters[0] if self.parameters else None

    def _filled(self, name: Callable[[str], str]) -> tuple[str, str | None]:
        message, remedy = self.template
        for p in self.parameters:
            message = message.replace("{" + p + "}", name(p))
            remedy = None if remedy is None else remedy.replace("{" + p + "}", name(p))
        return message, remedy

    def naming(self, name: Callable[[str], str]) -> Self:
        """The same error with each parameter it names called ``name(parameter)`` (the command
        line's flag: ``min_size`` -> ``--min-size``)."""
        other = type(self).__new__(type(self))
        other.__dict__.update(self.__dict__)
        other.message, other.remedy = self._filled(name)
        other.args = (other.message,)
        other.__traceback__ = self.__traceback__
        return other

    def __str__(self) -> str:
        if self.remedy:
            return f"{self.message}\n  You can fix this by {self.remedy}"
        return self.message


class InputError(CibwatchError):
    """An input file cannot be read at all (missing, unreadable, empty)."""


class BadRecordError(InputError):
    """One record of an input file is malformed (raised only in ``--strict`` mode).

    Attributes name the file, the line (or row, for Parquet) and the field, so that the user
    can go straight to it.
    """

    def __init__(self, path: str, line: int | None, field: str | None, problem: str) -> None:
        where = f"{path}:{line}" if line is not None else path
        what = f" field {field!r}:" if field else ""
        super().__init__(
            f"{where}:{what} {problem}",
            remedy="correcting that record, or running without --strict: bad records are then "
            "written to the rejects file and the good ones are kept",
        )
        self.path = path
        self.line = line
        self.field = field
        self.problem = problem


class FormatError(InputError):
    """The layout of an input file is not recognised or does not fit the format asked for."""


class ConfigError(CibwatchError):
    """A parameter has a value that cannot work (bad duration, unknown trace, ...)."""


class ParameterError(ConfigError):
    """A parameter of a library call has a value that cannot work; the message names it
    (``parameter``, e.g. ``min_size``), written with ``{min_size}`` where the name goes."""

    def __init__(self, parameter: str, message: str, remedy: str | None = None) -> None:
        super().__init__(message, remedy, parameters=(parameter,))


class NotInStoreError(ConfigError):
    """A run or network asked for by id is not in the store (the message names the
    parameter: ``run_id``, ``network_id``)."""


class StoreError(CibwatchError):
    """The investigation store is missing, locked or holds nothing to work on."""


class StoreVersionError(StoreError):
    """The store's schema version is one this cibwatch cannot open (a newer cibwatch wrote
    it), or an older one that a read-only open cannot migrate."""


class OutputError(CibwatchError):
    """An output directory or file cannot be written, or would mix with an earlier run's."""
