"""Conventions shared by every subcommand: exit statuses, errors, diagnostics, progress.

Data goes to standard output; every message goes to standard error as plain
``toolbox: LEVEL: text`` lines, so logs stay readable when stderr is a file.
Progress bars appear only when stderr is a terminal and ``--quiet`` is off.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_NO_RESULT",
    "EXIT_OK",
    "EXIT_USAGE",
    "CliError",
    "apply_threads",
    "debug",
    "info",
    "progress",
    "settings",
    "warn",
]

PROG = "toolbox"

EXIT_OK = 0
EXIT_NO_RESULT = 1  # the command ran, but found no valid result for some input
EXIT_USAGE = 2  # invalid option, argument or input data
EXIT_INTERRUPTED = 130  # 128 + SIGINT


class CliError(Exception):
    """A failure reported as one ``toolbox: error:`` line and an exit status."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class Settings:
    """Options that change how diagnostics are shown, set by every command."""

    quiet: bool = False
    verbose: int = 0
    debug: bool = bool(os.environ.get("TOOLBOX_DEBUG"))


settings = Settings()


def configure(*, quiet: bool = False, verbose: int = 0) -> None:
    """Record the command's ``--quiet`` and ``--verbose`` choices."""
    if quiet and verbose:
        message = "--quiet and --verbose cannot be combined; choose one"
        raise CliError(message)
    settings.quiet = quiet
    settings.verbose = verbose


def _emit(level: str, message: str) -> None:
    sys.stderr.write(f"{PROG}: {level}: {message}\n")
    sys.stderr.flush()


def warn(message: str) -> None:
    """Report a problem that did not stop the run (shown even with ``--quiet``)."""
    _emit("warning", message)


def info(message: str) -> None:
    """Report a note such as a count of skipped lines; ``--quiet`` hides it."""
    if not settings.quiet:
        _emit("note", message)


def debug(message: str) -> None:
    """Report a detail such as the chosen method; shown only with ``--verbose``."""
    if settings.verbose:
        _emit("info", message)


def stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class _NoProgress:
    def advance(self, amount: float = 1) -> None:
        pass

    def update(self, **fields: Any) -> None:
        pass


class _RichProgress:
    def __init__(self, bar: Any, task: Any):
        self._bar = bar
        self._task = task

    def advance(self, amount: float = 1) -> None:
        self._bar.advance(self._task, amount)

    def update(self, **fields: Any) -> None:
        self._bar.update(self._task, **fields)


@contextlib.contextmanager
def progress(description: str, total: float | None = None) -> Iterator[_NoProgress | _RichProgress]:
    """Show a progress bar on stderr while the block runs, if stderr is a terminal.

    The yielded object has ``advance(n)`` and ``update(total=..., description=...)``;
    when no bar is shown both do nothing, so callers never need to check.
    """
    if settings.quiet or not stderr_is_terminal():
        yield _NoProgress()
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield _RichProgress(bar, task)


def apply_threads(threads: int | None) -> int:
    """Set the number of worker threads for numba kernels and return it.

    ``None`` means the ``TOOLBOX_THREADS`` environment variable, or else every
    core numba sees. Imports numba, so call it only on a code path that needs it.
    """
    import numba

    available = numba.config.NUMBA_NUM_THREADS
    if threads is None:
        raw = os.environ.get("TOOLBOX_THREADS")
        if raw:
            try:
                threads = int(raw)
            except ValueError:
                message = f"TOOLBOX_THREADS={raw!r} is not a whole number; set it to 1 or more"
                raise CliError(message) from None
        else:
            threads = available
    if threads < 1:
        message = f"--threads {threads} is invalid; use 1 or more"
        raise CliError(message)
    threads = min(threads, available)
    numba.set_num_threads(threads)
    return threads
