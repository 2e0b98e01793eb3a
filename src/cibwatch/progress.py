"""Progress reporting for long steps: Rich progress bars on a terminal, silence elsewhere.

The library takes a :class:`Reporter`; the CLI passes a :class:`RichReporter`, tests and
library callers get the silent default. Steps report what they did through ``log`` so that a
run leaves a readable trail on stderr.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

__all__ = ["Reporter", "Task", "SilentReporter", "RichReporter"]


class Task(Protocol):
    def advance(self, amount: float = 1) -> None: ...

    def update(self, *, completed: float | None = None, total: float | None = None) -> None: ...


class Reporter(Protocol):
    @contextmanager
    def task(self, description: str, total: float | None = None) -> Iterator[Task]: ...

    def log(self, message: str) -> None: ...


class _NullTask:
    def advance(self, amount: float = 1) -> None:
        pass

    def update(self, *, completed: float | None = None, total: float | None = None) -> None:
        pass


class SilentReporter:
    """Reports nothing (library default, tests)."""

    @contextmanager
    def task(self, description: str, total: float | None = None) -> Iterator[Task]:
        yield _NullTask()

    def log(self, message: str) -> None:
        pass


class _RichTask:
    def __init__(self, progress: Progress, task_id: TaskID) -> None:
        self._p = progress
        self._id = task_id

    def advance(self, amount: float = 1) -> None:
        self._p.advance(self._id, amount)

    def update(self, *, completed: float | None = None, total: float | None = None) -> None:
        self._p.update(self._id, completed=completed, total=total)


class RichReporter:
    """Rich progress bars on stderr; one bar per step, kept on screen when done."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)

    @contextmanager
    def task(self, description: str, total: float | None = None) -> Iterator[Task]:
        columns = [
            SpinnerColumn(finished_text="[green]✓"),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn() if total and total < 1e6 else TextColumn(""),
            TextColumn("[progress.percentage]{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
        ]
        with Progress(*columns, console=self.console, transient=False) as progress:
            tid = progress.add_task(description, total=total)
            yield _RichTask(progress, tid)
            task = progress.tasks[0]
            progress.update(tid, completed=task.total if task.total is not None else 1,
                            total=task.total if task.total is not None else 1)

    def log(self, message: str) -> None:
        self.console.print(message, highlight=False)
