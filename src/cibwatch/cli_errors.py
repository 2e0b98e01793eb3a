"""How the command line shows an error: the one place that maps the library's parameter names
to the command line's flags (:data:`FLAGS`), and the system's errors (a full disk, a file that
cannot be written, a store another program holds) to messages with a remedy.

The library (:mod:`cibwatch.api`) raises errors naming the *parameter* (``min_size``,
``window``: :attr:`cibwatch.errors.CibwatchError.parameters`); :func:`as_user_error` restates
them with the flag (``--min-size``, ``--window``). Both ``cli.py`` and ``cli_cases.py`` print through
:func:`fail`.
"""

from __future__ import annotations

import errno

import duckdb
import typer
from rich.console import Console

from .errors import CibwatchError, OutputError, StoreError
from .escape import terminal

__all__ = ["FLAGS", "USER_ERRORS", "as_user_error", "fail", "flag_of", "err_console",
           "out_console"]

out_console = Console()
err_console = Console(stderr=True)

#: Parameter of the library -> flag of the command line, where the flag is not simply the
#: parameter with dashes (``min_size`` -> ``--min-size``, :func:`flag_of`).
FLAGS: dict[str, str] = {
    "store_path": "--db",
    "db": "--db",
    "files": "FILES",
    "fmt": "--format",
    "trace_windows": "--trace-window",
    "window_s": "--window",
    "seeds_path": "--seeds",
    "run_id": "--run",
    "network_id": "NETWORK",
    "account_a": "ACCOUNT_A",
    "account_b": "ACCOUNT_B",
}

#: What the command line catches and prints as a message.
USER_ERRORS = (CibwatchError, OSError, duckdb.Error)


def flag_of(parameter: str) -> str:
    """The command line's name of a library parameter."""
    return FLAGS.get(parameter, "--" + parameter.replace("_", "-"))


def as_user_error(exc: BaseException) -> CibwatchError:
    """An error as the command line shows it: a :class:`ParameterError` under the flag's
    name; an error of the system (disk, permissions, DuckDB) as a message with a remedy."""
    if isinstance(exc, CibwatchError):
        return exc.naming(flag_of) if exc.parameters else exc
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        if exc.errno == errno.ENOSPC:
            return OutputError(f"no space left on the device{where}: nothing was left half "
                               "written", remedy="freeing disk space and running again")
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return OutputError(f"not allowed to write{where}: {exc.strerror}",
                               remedy="choosing a place you can write to")
        return OutputError(f"{exc.strerror or text}{where}", remedy="checking the path")
    if "No space left on device" in text:
        return StoreError(f"no space left on the device of the store: {text}",
                          remedy="freeing disk space (or using a --db on another disk) and "
                          "running again")
    return StoreError(f"the store could not be read or written: {text}",
                      remedy="checking the store file and the disk (and reporting this message "
                      "if both look right)")


def fail(exc: BaseException) -> None:
    """Print ``exc`` as the command line shows it (:func:`as_user_error`) and exit with
    status 2."""
    err = as_user_error(exc)
    err_console.print(f"[bold red]error:[/] {terminal(err.message)}", highlight=False)
    if err.remedy:
        err_console.print(f"  You can fix this by {terminal(err.remedy)}", highlight=False)
    raise typer.Exit(2)
