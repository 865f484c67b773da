"""Writers for profiles (TSV, bedGraph, npy/npz) and hits (TSV, BED, JSONL).

Coordinates: TSV and JSONL give 1-based inclusive ``start`` and ``end`` of
the window, as ``seqkit locate`` does; BED and bedGraph are 0-based and
half-open. Reverse-strand hits (``-``) use the same forward-strand
coordinates, and their ``matched`` text is the reverse complement of the
window, so it reads in the pattern's orientation.
"""

from __future__ import annotations

import re
from typing import BinaryIO, TextIO

import numpy as np

from toolbox.algos.hamming.stream import PatternJob, RecordScan
from toolbox.io.writers import JsonlWriter, escape_tsv_field

__all__ = [
    "HIT_COLUMNS",
    "profile_dtype",
    "write_bed_hits",
    "write_bedgraph",
    "write_jsonl_hits",
    "write_npz",
    "write_tsv_hits",
    "write_tsv_profile",
]

HIT_COLUMNS = ("record", "pattern", "strand", "start", "end", "mismatches", "matched")
PROFILE_COLUMNS = ("record", "pattern", "strand", "start", "end", "distance")
_ROWS_PER_WRITE = 1 << 16
_NEEDS_ESCAPE = re.compile(r"[\t\n\r\\]")


def profile_dtype(longest: int) -> type:
    """Return uint16 when every distance fits (patterns shorter than 65536), else int32."""
    return np.uint16 if longest < 1 << 16 else np.int32


def write_tsv_profile(stream: TextIO, scans: list[RecordScan], jobs: list[PatternJob],
                      value_column: str = "distance") -> int:
    """Write one row per window; return the number of rows.

    Integer distances are written as integers, estimates with 3 decimals.
    """
    stream.write("\t".join((*PROFILE_COLUMNS[:-1], value_column)) + "\n")
    rows = 0
    for scan in scans:
        assert scan.profiles is not None
        record = escape_tsv_field(scan.id)
        for job, distances in zip(jobs, scan.profiles, strict=True):
            prefix = f"{record}\t{escape_tsv_field(job.name)}\t{job.strand}\t"
            m = job.codes.size
            if distances.dtype.kind == "f":
                distances = np.round(distances, 3)
            for first in range(0, distances.size, _ROWS_PER_WRITE):
                values = distances[first:first + _ROWS_PER_WRITE].tolist()
                stream.write("".join(
                    f"{prefix}{first + i + 1}\t{first + i + m}\t{d}\n" for i, d in enumerate(values)
                ))
            rows += distances.size
    return rows


def write_bedgraph(stream: TextIO, scans: list[RecordScan], job: PatternJob) -> int:
    """Write runs of equal distance as bedGraph intervals of window start positions."""
    stream.write(f'track type=bedGraph name="{job.name} ({job.strand})"\n')
    rows = 0
    for scan in scans:
        assert scan.profiles is not None
        distances = scan.profiles[0]
        if distances.size == 0:
            continue
        change = np.flatnonzero(np.diff(distances)) + 1
        starts = np.concatenate(([0], change))
        ends = np.concatenate((change, [distances.size]))
        record = escape_tsv_field(scan.id)
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            stream.write(f"{record}\t{start}\t{end}\t{distances[start]}\n")
        rows += starts.size
    return rows


def write_npz(stream: BinaryIO, scans: list[RecordScan], jobs: list[PatternJob], dtype: type,
              single: bool) -> None:
    """Write one profile as .npy (``single``) or every profile as .npz named RECORD:PATTERN:STRAND."""
    if single:
        assert scans[0].profiles is not None
        profile = scans[0].profiles[0]
        np.save(_WriteOnly(stream), profile if profile.dtype.kind == "f" else profile.astype(dtype))
        return
    arrays = {}
    for scan in scans:
        assert scan.profiles is not None
        for job, distances in zip(jobs, scan.profiles, strict=True):
            keep = distances.dtype.kind == "f"
            arrays[f"{scan.id}:{job.name}:{job.strand}"] = (
                distances if keep else distances.astype(dtype)
            )
    np.savez(stream, **arrays)


def _iter_hits(scan: RecordScan, jobs: list[PatternJob]):
    assert scan.hits is not None
    for job, hits in zip(jobs, scan.hits, strict=True):
        starts, counts = hits.joined()
        m = job.codes.size
        for start, count, matched in zip(starts.tolist(), counts.tolist(), hits.matched,
                                         strict=True):
            yield job, start, start + m, count, matched


def write_tsv_hits(stream: TextIO, scan: RecordScan, jobs: list[PatternJob], header: bool) -> None:
    """Write one record's hits as TSV rows, preceded by the header line if ``header``."""
    if header:
        stream.write("\t".join(HIT_COLUMNS) + "\n")
    record = escape_tsv_field(scan.id)
    assert scan.hits is not None
    for job, hits in zip(jobs, scan.hits, strict=True):
        starts, counts = hits.joined()
        prefix = f"{record}\t{escape_tsv_field(job.name)}\t{job.strand}\t"
        m = job.codes.size
        matched = hits.matched
        if _NEEDS_ESCAPE.search("".join(matched)):
            matched = [escape_tsv_field(text) for text in matched]
        stream.write("".join(
            f"{prefix}{start + 1}\t{start + m}\t{count}\t{text}\n"
            for start, count, text in zip(starts.tolist(), counts.tolist(), matched, strict=True)
        ))


def write_bed_hits(stream: TextIO, scan: RecordScan, jobs: list[PatternJob]) -> int:
    """Write one record's hits as BED6: name = pattern, score = mismatches."""
    rows = 0
    record = escape_tsv_field(scan.id)
    for job, start, end, count, _ in _iter_hits(scan, jobs):
        stream.write(f"{record}\t{start}\t{end}\t{escape_tsv_field(job.name)}\t{count}\t"
                     f"{job.strand}\n")
        rows += 1
    return rows


def write_jsonl_hits(writer: JsonlWriter, scan: RecordScan, jobs: list[PatternJob]) -> None:
    """Write one record's hits as JSON objects with the TSV columns."""
    for job, start, end, count, matched in _iter_hits(scan, jobs):
        writer.write({
            "record": scan.id, "pattern": job.name, "strand": job.strand, "start": start + 1,
            "end": end, "mismatches": count, "matched": matched,
        })


class _WriteOnly:
    """Stream wrapper that exposes only ``write``.

    ``np.save`` writes a real file object with ``ndarray.tofile``, which turns
    a closed pipe (``... -F npy | head -c 10``) into a bare ``OSError`` with no
    errno. Through ``write`` the same failure is a ``BrokenPipeError``, which the
    CLI treats as a reader that has stopped reading.
    """

    def __init__(self, stream: BinaryIO):
        self._stream = stream

    def write(self, data: bytes) -> int:
        return self._stream.write(data)
