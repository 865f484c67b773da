"""Blockwise scanning of sequence records against several patterns.

Records arrive as chunks (see :func:`toolbox.io.seqfile.iter_chunks`). Each
chunk is encoded, appended to the last ``M - 1`` symbols of the previous one
(M = longest pattern), and every pattern is run on the windows that became
complete, so each window is computed exactly once and memory is bounded by
the chunk size plus M (plus the profile itself in profile mode). Windows
never span two records.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from toolbox.algos.hamming.alphabet import (
    Alphabet,
    complement_byte_table,
    reverse_complement_text,
)
from toolbox.algos.hamming.errors import HammingError

__all__ = ["HitBudget", "Hits", "PatternJob", "RecordScan", "make_jobs", "scan_records"]

_COMPLEMENT = complement_byte_table()


class Chunk(Protocol):
    id: str
    index: int
    offset: int
    data: bytes
    last: bool


@dataclass
class HitBudget:
    """Hits a pattern may still report; both strands of a pattern share one budget."""

    remaining: int


@dataclass
class PatternJob:
    """One pattern on one strand: its name, text as given, strand and codes."""

    name: str
    sequence: str
    strand: str
    codes: np.ndarray
    budget: HitBudget | None = None

    @property
    def exhausted(self) -> bool:
        return self.budget is not None and self.budget.remaining == 0


@dataclass
class Hits:
    """Hits of one job in one record: 0-based starts, mismatch counts and matched text."""

    starts: list[np.ndarray] = field(default_factory=list)
    counts: list[np.ndarray] = field(default_factory=list)
    matched: list[str] = field(default_factory=list)

    def joined(self) -> tuple[np.ndarray, np.ndarray]:
        if not self.starts:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32)
        return np.concatenate(self.starts), np.concatenate(self.counts)


@dataclass
class RecordScan:
    """Results for one record: its length and, per job, a profile or hits."""

    id: str
    length: int
    profiles: list[np.ndarray] | None
    hits: list[Hits] | None


def make_jobs(
    patterns: list[tuple[str, str]], alphabet: Alphabet, both_strands: bool
) -> list[PatternJob]:
    """Encode ``(name, sequence)`` patterns; add reverse complements with ``both_strands``."""
    jobs = []
    for name, sequence in patterns:
        codes = alphabet.encode(sequence, what=f"pattern {name!r}")
        if codes.size == 0:
            message = f"pattern {name!r} is empty; give at least one symbol"
            raise HammingError(message)
        jobs.append(PatternJob(name, sequence, "+", codes))
        if both_strands:
            reverse = alphabet.reverse_complement(codes)
            jobs.append(PatternJob(name, reverse_complement_text(sequence), "-", reverse))
    return jobs


class _Buffer:
    """The unfinished tail of the current record: codes and the original symbols."""

    def __init__(self, alphabet: Alphabet):
        self.alphabet = alphabet
        self.reset("")

    def reset(self, record: str) -> None:
        self.record = record
        self.codes = np.empty(0, dtype=np.uint32 if self.alphabet.name == "text" else np.uint8)
        self.symbols: bytes | str = "" if self.alphabet.name == "text" else b""
        self.base = 0  # position of codes[0] in the record
        self.decoder = codecs.getincrementaldecoder("utf-8")()

    def extend(self, data: bytes, last: bool) -> None:
        symbols: bytes | str = data
        if self.alphabet.name == "text":
            try:
                symbols = self.decoder.decode(data, final=last)
            except UnicodeDecodeError as error:
                message = (
                    f"record {self.record!r} is not valid UTF-8 ({error.reason}); use "
                    "--alphabet bytes"
                )
                raise HammingError(message) from None
        end = self.base + len(self.codes)
        codes = self.alphabet.encode(symbols, what=f"record {self.record!r}", offset=end)
        self.codes = np.concatenate((self.codes, codes)) if self.codes.size else codes
        self.symbols = self.symbols + symbols

    @property
    def end(self) -> int:
        return self.base + len(self.codes)

    def keep_last(self, count: int) -> None:
        drop = max(0, len(self.codes) - count)
        self.codes = self.codes[drop:].copy()
        self.symbols = self.symbols[drop:]
        self.base += drop

    def window_texts(self, starts: np.ndarray, length: int, strand: str) -> list[str]:
        """Return the symbols of each window (reverse-complemented on strand '-')."""
        if starts.size == 0:
            return []
        relative = starts - self.base
        if isinstance(self.symbols, str):
            return [self.symbols[s:s + length] for s in relative.tolist()]
        data = np.frombuffer(self.symbols, dtype=np.uint8)
        windows = np.lib.stride_tricks.sliding_window_view(data, length)[relative]
        if strand == "-":
            windows = _COMPLEMENT[windows[:, ::-1]]
        joined = windows.tobytes().decode("latin-1")
        return [joined[i:i + length] for i in range(0, len(joined), length)]


ProfileFunction = Callable[[list[PatternJob], np.ndarray], list[np.ndarray]]
SearchFunction = Callable[[PatternJob, np.ndarray], tuple[np.ndarray, np.ndarray]]


def scan_records(
    chunks: Iterable[Chunk],
    alphabet: Alphabet,
    jobs: list[PatternJob],
    *,
    profile: ProfileFunction | None = None,
    search: SearchFunction | None = None,
    batch_size: int = 1 << 20,
) -> Iterator[RecordScan]:
    """Run ``profile`` or ``search`` on every complete window; yield one result per record.

    ``profile(jobs, codes)`` receives all jobs whose patterns have one length,
    so they can share work, and returns each one's distances for every window
    of ``codes``; ``search(job, codes)`` returns (starts, counts) of hits. Stops
    reading early once every job's hit budget is used up. Under a budget, the
    first hits in reading order are kept (per block, strand + before -).

    Records that arrive whole in one chunk (reads, genes) are concatenated
    into batches of about ``batch_size`` symbols and scanned with one call per
    batch; windows that cross a record boundary are dropped afterwards.
    """
    if (profile is None) == (search is None):
        message = "give exactly one of profile and search"
        raise ValueError(message)
    longest = max(job.codes.size for job in jobs)
    same_length: dict[int, list[int]] = {}
    for index, job in enumerate(jobs):
        same_length.setdefault(job.codes.size, []).append(index)
    scan_batch = _BatchScanner(alphabet, jobs, same_length, profile, search)
    batch: list[Chunk] = []
    batched = 0
    buffer = _Buffer(alphabet)
    state: _RecordState | None = None
    for chunk in chunks:
        if state is None and chunk.last and alphabet.name != "text":
            batch.append(chunk)
            batched += len(chunk.data)
            if batched < batch_size:
                continue
        if batch:
            yield from scan_batch(batch)
            batch, batched = [], 0
            if search is not None and all(job.exhausted for job in jobs):
                return
            if chunk.last and state is None and chunk.offset == 0:
                continue
        if state is None:
            buffer.reset(chunk.id)
            state = _RecordState(chunk.id, len(jobs), profile is not None)
        buffer.extend(chunk.data, chunk.last)
        if profile is not None:
            for indices in same_length.values():
                _run_profiles(indices, jobs, buffer, state, profile)
        else:
            assert search is not None
            for index, job in enumerate(jobs):
                _run_search(index, job, buffer, state, search)
        buffer.keep_last(longest - 1)
        if chunk.last:
            yield state.finish(buffer.end)
            state = None
            if search is not None and all(job.exhausted for job in jobs):
                return
    if batch:
        yield from scan_batch(batch)
    if state is not None:
        yield state.finish(buffer.end)


class _BatchScanner:
    """Scan a list of whole records as one concatenated text."""

    def __init__(
        self, alphabet: Alphabet, jobs: list[PatternJob], same_length: dict[int, list[int]],
        profile: ProfileFunction | None, search: SearchFunction | None,
    ):
        self.alphabet = alphabet
        self.jobs = jobs
        self.same_length = same_length
        self.profile = profile
        self.search = search

    def __call__(self, batch: list[Chunk]) -> Iterator[RecordScan]:
        data = b"".join(chunk.data for chunk in batch)
        lengths = np.array([len(chunk.data) for chunk in batch], dtype=np.int64)
        offsets = np.concatenate(([0], np.cumsum(lengths)))
        buffer = _Buffer(self.alphabet)
        buffer.codes = self._encode(batch, data)
        buffer.symbols = data
        count = len(batch)
        if self.profile is not None:
            profiles = self._profiles(buffer.codes, offsets, lengths)
            for r, chunk in enumerate(batch):
                yield RecordScan(chunk.id, int(lengths[r]), profiles[r], None)
            return
        hits = self._hits(buffer, offsets, count)
        for r, chunk in enumerate(batch):
            yield RecordScan(chunk.id, int(lengths[r]), None, hits[r])

    def _encode(self, batch: list[Chunk], data: bytes) -> np.ndarray:
        try:
            return self.alphabet.encode(data)
        except HammingError:
            # Encode record by record to report the record and position.
            for chunk in batch:
                self.alphabet.encode(chunk.data, what=f"record {chunk.id!r}")
            raise

    def _profiles(
        self, codes: np.ndarray, offsets: np.ndarray, lengths: np.ndarray
    ) -> list[list[np.ndarray]]:
        assert self.profile is not None
        per_record: list[list[np.ndarray]] = [[] for _ in range(lengths.size)]
        slots: list[list[np.ndarray | None]] = [[None] * len(self.jobs) for _ in per_record]
        for m, indices in self.same_length.items():
            empty = np.empty(0, dtype=np.int32)
            results = None
            if codes.size >= m:
                results = self.profile([self.jobs[i] for i in indices], codes)
            for r in range(lengths.size):
                windows = int(lengths[r]) - m + 1
                for position, index in enumerate(indices):
                    if results is None or windows <= 0:
                        slots[r][index] = empty
                    else:
                        start = int(offsets[r])
                        slots[r][index] = results[position][start:start + windows]
        for r, row in enumerate(slots):
            per_record[r] = [values for values in row if values is not None]
        return per_record

    def _hits(self, buffer: _Buffer, offsets: np.ndarray, count: int) -> list[list[Hits]]:
        assert self.search is not None
        per_record = [[Hits() for _ in self.jobs] for _ in range(count)]
        codes = buffer.codes
        for index, job in enumerate(self.jobs):
            m = job.codes.size
            if job.exhausted or codes.size < m:
                continue
            starts, counts = self.search(job, codes)
            record = np.searchsorted(offsets, starts, side="right") - 1
            inside = starts + m <= offsets[record + 1]
            starts, counts, record = starts[inside], counts[inside], record[inside]
            if job.budget is not None:
                keep = job.budget.remaining
                starts, counts, record = starts[:keep], counts[:keep], record[:keep]
                job.budget.remaining -= starts.size
            matched = buffer.window_texts(starts, m, job.strand)
            bounds = np.searchsorted(record, np.arange(count + 1))
            for r in np.unique(record).tolist():
                first, last = int(bounds[r]), int(bounds[r + 1])
                hits = per_record[r][index]
                hits.starts.append(starts[first:last] - offsets[r])
                hits.counts.append(counts[first:last])
                hits.matched.extend(matched[first:last])
        return per_record


class _RecordState:
    def __init__(self, record: str, jobs: int, profile_mode: bool):
        self.record = record
        self.next_start = [0] * jobs
        self.profiles: list[list[np.ndarray]] | None = [[] for _ in range(jobs)] if profile_mode else None
        self.hits: list[Hits] | None = None if profile_mode else [Hits() for _ in range(jobs)]

    def finish(self, length: int) -> RecordScan:
        profiles = None
        if self.profiles is not None:
            profiles = [
                np.concatenate(parts) if parts else np.empty(0, dtype=np.int32)
                for parts in self.profiles
            ]
        return RecordScan(self.record, length, profiles, self.hits)


def _run_profiles(
    indices: list[int], jobs: list[PatternJob], buffer: _Buffer, state: _RecordState,
    profile: ProfileFunction,
) -> None:
    m = jobs[indices[0]].codes.size
    first = state.next_start[indices[0]]
    last = buffer.end - m
    if last < first:
        return
    window = buffer.codes[first - buffer.base:]
    results = profile([jobs[index] for index in indices], window)
    assert state.profiles is not None
    for index, distances in zip(indices, results, strict=True):
        state.next_start[index] = last + 1
        state.profiles[index].append(distances)


def _run_search(
    index: int, job: PatternJob, buffer: _Buffer, state: _RecordState, search: SearchFunction
) -> None:
    m = job.codes.size
    first = state.next_start[index]
    last = buffer.end - m
    if last < first or job.exhausted:
        return
    window = buffer.codes[first - buffer.base:]
    state.next_start[index] = last + 1
    assert state.hits is not None
    starts, counts = search(job, window)
    if job.budget is not None:
        keep = job.budget.remaining
        starts, counts = starts[:keep], counts[:keep]
        job.budget.remaining -= starts.size
    starts = starts + first
    hits = state.hits[index]
    hits.starts.append(starts)
    hits.counts.append(counts)
    hits.matched.extend(buffer.window_texts(starts, m, job.strand))
