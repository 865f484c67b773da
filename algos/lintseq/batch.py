"""Run LintSeq over a stream of programs, in one process or a pool, in input order.

Results come back in input order whatever the number of workers, and since
each sequence's generator depends only on (seed, record index, sample), the
output is the same for every worker count. At most ``workers * 4`` chunks are
in flight, so memory stays bounded however long the input is.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from toolbox.algos.lintseq.errors import RecordError
from toolbox.algos.lintseq.generate import EditSequence, Settings, generate_sequences
from toolbox.algos.lintseq.linters import TextLinter, make_linter

__all__ = ["Outcome", "Task", "run_tasks"]


@dataclass
class Task:
    """One program to process: its record index and its code."""

    index: int
    code: str


@dataclass
class Outcome:
    """The sequences of one task, or the reason it could not be processed."""

    sequences: list[EditSequence] | None
    error: str | None = None


_worker_settings: Settings | None = None
_worker_linter: TextLinter | None = None


def _process(task: Task, settings: Settings, linter: TextLinter) -> Outcome:
    try:
        return Outcome(generate_sequences(task.code, task.index, settings, linter))
    except RecordError as error:
        return Outcome(None, str(error))
    except RecursionError:
        return Outcome(None, "the program is nested too deeply for the parser or the linter")


def _start_worker(settings: Settings) -> None:
    global _worker_settings, _worker_linter
    _worker_settings = settings
    _worker_linter = make_linter(settings.linter)


def _process_chunk(tasks: list[Task]) -> list[Outcome]:
    assert _worker_settings is not None and _worker_linter is not None
    return [_process(task, _worker_settings, _worker_linter) for task in tasks]


def _context() -> multiprocessing.context.BaseContext:
    # forkserver (Linux) and spawn start clean workers: no inherited threads or locks.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _chunks(tasks: Iterable[tuple[object, Task]], size: int) -> Iterator[list[tuple[object, Task]]]:
    iterator = iter(tasks)
    while chunk := list(islice(iterator, size)):
        yield chunk


def run_tasks(
    items: Iterable[tuple[object, Task]],
    settings: Settings,
    *,
    workers: int = 1,
    chunk_size: int = 8,
) -> Iterator[tuple[object, Outcome]]:
    """Yield ``(key, outcome)`` for each ``(key, task)`` of ``items``, in input order.

    ``key`` is carried through untouched (the caller's record metadata stays
    in this process). ``workers`` of 0 means one per CPU core.
    """
    linter = make_linter(settings.linter)  # fails here, once, if the linter is missing
    if workers == 0:
        workers = os.cpu_count() or 1
    if workers == 1:
        for key, task in items:
            yield key, _process(task, settings, linter)
        return

    window = workers * 4
    with _context().Pool(workers, initializer=_start_worker, initargs=(settings,)) as pool:
        in_flight: deque = deque()
        for chunk in _chunks(items, chunk_size):
            keys = [key for key, _task in chunk]
            in_flight.append((keys, pool.apply_async(_process_chunk, ([task for _key, task in chunk],))))
            while len(in_flight) >= window:
                yield from _collect(in_flight.popleft())
        while in_flight:
            yield from _collect(in_flight.popleft())


def _collect(entry: tuple[list[object], multiprocessing.pool.AsyncResult]) -> Iterator[tuple[object, Outcome]]:
    keys, result = entry
    yield from zip(keys, result.get(), strict=True)
