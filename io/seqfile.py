"""Streaming reader for FASTA and FASTQ sequence files.

Two views of the same parser:

* :func:`iter_records` yields one :class:`SeqRecord` per record with the whole
  sequence joined, for inputs whose records fit in memory (reads, genes).
* :func:`iter_chunks` yields each record's sequence in pieces of about
  ``chunk_size`` bytes, so a whole-genome record is never held at once. Lines
  are read with a length limit too, so an unwrapped chromosome on one line is
  also read piece by piece.

Both accept wrapped sequence lines, blank lines, CRLF line ends, whitespace
inside sequence lines (removed), gzip input (detected by magic bytes) and
``-`` for standard input. Case is preserved; folding is the caller's choice.
FASTQ records may have wrapped sequence and quality lines; the quality must
be as long as the sequence. Format ``raw`` reads the whole input as one
sequence (one trailing line end removed), named after the file.

Errors are :class:`~toolbox.io.errors.InputError` with the file and line.
``iter_records`` can count malformed records in a
:class:`~toolbox.io.errors.SkipCounter` and go on with the next header
instead of raising.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Literal

from toolbox.io.errors import InputError, SkipCounter
from toolbox.io.files import display_name, open_binary

__all__ = [
    "SEQ_FORMATS",
    "SeqChunk",
    "SeqFormat",
    "SeqRecord",
    "iter_chunks",
    "iter_records",
]

SeqFormat = Literal["auto", "fasta", "fastq", "raw"]
SEQ_FORMATS: tuple[str, ...] = ("auto", "fasta", "fastq", "raw")

_WHITESPACE = b" \t\r\n\v\f"
_DEFAULT_CHUNK = 1 << 22  # 4 MiB of sequence per chunk


@dataclass(frozen=True, slots=True)
class SeqRecord:
    """One record: identifier, rest of the header, sequence, FASTQ quality, header line."""

    id: str
    description: str
    sequence: bytes
    quality: bytes | None
    line: int


@dataclass(frozen=True, slots=True)
class SeqChunk:
    """A piece of one record's sequence.

    ``offset`` is the 0-based position of ``data[0]`` in the record, ``index``
    the 0-based record number and ``last`` is true on the record's final piece
    (which may be empty). ``line`` is the header's line number (1 for raw input).
    """

    id: str
    description: str
    index: int
    offset: int
    data: bytes
    last: bool
    line: int


def _split_header(text: str) -> tuple[str, str]:
    parts = text.split(maxsplit=1)
    if not parts:
        return "", ""
    return parts[0], parts[1] if len(parts) > 1 else ""


def _decode_header(raw: bytes, name: str, line: int) -> tuple[str, str]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        message = "header is not valid UTF-8; convert the file to UTF-8"
        raise InputError(message, path=name, line=line) from None
    return _split_header(text.strip())


class _LineReader:
    """Read lines of at most ``limit`` bytes and count complete lines.

    ``read()`` returns ``(piece, line_number, starts_line)``: a long line comes
    back in several pieces, all with the same line number, and only the first
    has ``starts_line`` set. Returns an empty piece at end of input.
    """

    def __init__(self, stream: BinaryIO, limit: int):
        self.stream = stream
        self._limit = limit
        self.line = 0
        self._at_line_start = True

    def read(self) -> tuple[bytes, int, bool]:
        piece = self.stream.readline(self._limit)
        if not piece:
            return b"", self.line, self._at_line_start
        starts_line = self._at_line_start
        if starts_line:
            self.line += 1
        self._at_line_start = piece.endswith(b"\n")
        return piece, self.line, starts_line

    def rest_of_line(self, piece: bytes) -> bytes:
        """Return ``piece`` completed to the end of its line (for headers)."""
        parts = [piece]
        while not self._at_line_start:
            more, _, _ = self.read()
            if not more:
                break
            parts.append(more)
        return b"".join(parts)


def _check_symbols(data: bytes, raw: bytes, allowed: bytes | None, name: str, line: int) -> None:
    if allowed is None:
        return
    leftover = data.translate(None, allowed)
    if leftover:
        bad = leftover[:1]
        column = raw.find(bad) + 1
        message = (
            f"invalid sequence symbol {bad.decode('latin-1')!r} at column {column}; "
            "remove it or choose an alphabet that allows it"
        )
        raise InputError(message, path=name, line=line)


def _first_content(reader: _LineReader) -> tuple[bytes, int]:
    """Skip blank lines; return the first non-blank piece and its line number."""
    while True:
        piece, line, _ = reader.read()
        if not piece or piece.strip(_WHITESPACE):
            return piece, line


def _detect(first: bytes, requested: str, name: str, line: int, raw_fallback: bool) -> str:
    if requested != "auto":
        return requested
    marker = first.lstrip(_WHITESPACE)[:1]
    if marker == b">":
        return "fasta"
    if marker == b"@":
        return "fastq"
    if raw_fallback:
        return "raw"
    message = (
        f"cannot tell the sequence format: the first line starts with {marker!r}, "
        "not '>' (FASTA) or '@' (FASTQ); pass the format explicitly"
    )
    raise InputError(message, path=name, line=line)


def iter_chunks(
    path: str | os.PathLike[str],
    *,
    format: SeqFormat = "auto",
    chunk_size: int = _DEFAULT_CHUNK,
    allowed: bytes | None = None,
    raw_fallback: bool = False,
) -> Iterator[SeqChunk]:
    """Yield every record's sequence in pieces of about ``chunk_size`` bytes.

    ``allowed`` lists the bytes a sequence may contain; any other byte raises
    :class:`InputError` naming the file, line and column. With
    ``raw_fallback``, format ``auto`` reads input that starts with neither
    ``>`` nor ``@`` as raw. Memory use is bounded by ``chunk_size`` plus the
    longest header; FASTQ records are yielded whole, one chunk each.
    """
    if chunk_size < 1:
        message = f"chunk_size must be at least 1, got {chunk_size}"
        raise ValueError(message)
    name = display_name(path)
    with open_binary(path) as stream:
        if format == "raw":
            yield from _raw_chunks(stream, name, chunk_size, allowed)
            return
        reader = _LineReader(stream, chunk_size)
        first, line = _first_content(reader)
        if not first:
            return
        kind = _detect(first, format, name, line, raw_fallback)
        if kind == "raw":
            yield from _raw_chunks(stream, name, chunk_size, allowed, prefix=first)
        elif kind == "fasta":
            yield from _fasta_chunks(reader, first, line, name, chunk_size, allowed)
        else:
            for index, record in enumerate(_fastq_records(reader, first, line, name, allowed, None)):
                yield SeqChunk(record.id, record.description, index, 0, record.sequence,
                               True, record.line)


def _raw_chunks(
    stream: BinaryIO, name: str, chunk_size: int, allowed: bytes | None, prefix: bytes = b""
) -> Iterator[SeqChunk]:
    # One piece of look-ahead, so a trailing line end can be dropped from the last piece.
    pending = prefix + stream.read(chunk_size)
    offset = 0
    line = 1
    while True:
        following = stream.read(chunk_size)
        data = pending
        if following and data.endswith(b"\r"):
            # Keep a CR with the next piece, in case it starts the final CRLF.
            data, following = data[:-1], b"\r" + following
        if not following:
            if data.endswith(b"\r\n"):
                data = data[:-2]
            elif data.endswith(b"\n"):
                data = data[:-1]
        _check_block(data, allowed, name, line, ignored=b"")
        line += data.count(b"\n")
        yield SeqChunk(name, "", 0, offset, data, not following, 1)
        if not following:
            return
        offset += len(data)
        pending = following


def _fasta_chunks(
    reader: _LineReader, first: bytes, first_line: int, name: str, chunk_size: int,
    allowed: bytes | None,
) -> Iterator[SeqChunk]:
    # Sequence data is read in blocks and cleaned with bytes.translate, so the
    # per-line Python work of a wrapped genome is avoided; only headers are
    # handled one at a time.
    if not first.lstrip(_WHITESPACE).startswith(b">"):
        message = "expected a FASTA header starting with '>' before the sequence data"
        raise InputError(message, path=name, line=first_line)
    header = reader.rest_of_line(first.lstrip(_WHITESPACE))
    record_id, description = _decode_header(header[1:], name, first_line)
    header_line = first_line
    line = first_line + 1  # line number of the next byte to parse
    at_line_start = True
    index = offset = size = 0
    buffered: list[bytes] = []
    stream = reader.stream

    while True:
        block = stream.read(chunk_size)
        if not block:
            break
        position = 0
        while position < len(block):
            if at_line_start and block[position] == 0x3E:  # '>' opens the next record
                yield SeqChunk(record_id, description, index, offset, b"".join(buffered), True,
                               header_line)
                end = block.find(b"\n", position)
                if end < 0:
                    header = block[position:] + stream.readline()
                    position = len(block)
                else:
                    header = block[position:end + 1]
                    position = end + 1
                record_id, description = _decode_header(header[1:], name, line)
                header_line = line
                line += 1
                index += 1
                offset = size = 0
                buffered = []
                continue

            following = block.find(b"\n>", position)
            stop = len(block) if following < 0 else following + 1
            piece = block[position:stop]
            _check_block(piece, allowed, name, line)
            line += piece.count(b"\n")
            at_line_start = piece.endswith(b"\n")
            position = stop
            data = piece.translate(None, _WHITESPACE)
            if data:
                buffered.append(data)
                size += len(data)
            if size >= chunk_size:
                joined = b"".join(buffered)
                yield SeqChunk(record_id, description, index, offset, joined, False, header_line)
                offset += len(joined)
                buffered, size = [], 0

    yield SeqChunk(record_id, description, index, offset, b"".join(buffered), True, header_line)


def _check_block(
    piece: bytes, allowed: bytes | None, name: str, first_line: int, ignored: bytes = _WHITESPACE
) -> None:
    """Raise InputError at the first byte of ``piece`` outside ``allowed`` and ``ignored``."""
    if allowed is None:
        return
    leftover = piece.translate(None, allowed + ignored)
    if not leftover:
        return
    position = piece.find(leftover[:1])
    line = first_line + piece.count(b"\n", 0, position)
    # NOTE: when the line began in the previous block, the column counts from the block start.
    column = position - (piece.rfind(b"\n", 0, position) + 1) + 1
    message = (
        f"invalid sequence symbol {leftover[:1].decode('latin-1')!r} at column {column}; "
        "remove it or choose an alphabet that allows it"
    )
    raise InputError(message, path=name, line=line)


def iter_records(
    path: str | os.PathLike[str],
    *,
    format: SeqFormat = "auto",
    allowed: bytes | None = None,
    skipped: SkipCounter | None = None,
    raw_fallback: bool = False,
) -> Iterator[SeqRecord]:
    """Yield each record of a FASTA, FASTQ or raw file with its whole sequence.

    When ``skipped`` is given, a malformed record (bad symbol, FASTQ quality
    of the wrong length, missing ``+`` line) is counted there and reading
    resumes at the next header; otherwise :class:`InputError` is raised.
    Data before the first FASTA header is always an error.
    """
    name = display_name(path)
    if format == "raw":
        yield from _join_chunks(iter_chunks(path, format="raw", allowed=allowed))
        return
    with open_binary(path) as stream:
        reader = _LineReader(stream, 1 << 62)
        first, line = _first_content(reader)
        if not first:
            return
        kind = _detect(first, format, name, line, raw_fallback)
        if kind == "raw":
            chunks = _raw_chunks(stream, name, _DEFAULT_CHUNK, allowed, prefix=first)
            yield from _join_chunks(chunks)
        elif kind == "fasta":
            yield from _fasta_records(reader, first, line, name, allowed, skipped)
        else:
            yield from _fastq_records(reader, first, line, name, allowed, skipped)


def _join_chunks(chunks: Iterator[SeqChunk]) -> Iterator[SeqRecord]:
    parts: list[bytes] = []
    for chunk in chunks:
        parts.append(chunk.data)
        if chunk.last:
            yield SeqRecord(chunk.id, chunk.description, b"".join(parts), None, chunk.line)
            parts = []


def _fasta_records(
    reader: _LineReader, first: bytes, first_line: int, name: str, allowed: bytes | None,
    skipped: SkipCounter | None,
) -> Iterator[SeqRecord]:
    if not first.lstrip(_WHITESPACE).startswith(b">"):
        message = "expected a FASTA header starting with '>' before the sequence data"
        raise InputError(message, path=name, line=first_line)
    header, header_line = first.lstrip(_WHITESPACE), first_line
    parts: list[bytes] = []
    broken: InputError | None = None
    while True:
        piece, line, _ = reader.read()
        if not piece or piece.startswith(b">"):
            try:
                record_id, description = _decode_header(header[1:], name, header_line)
                if broken is not None:
                    raise broken
            except InputError as error:
                if skipped is None:
                    raise
                skipped.add(error)
            else:
                yield SeqRecord(record_id, description, b"".join(parts), None, header_line)
            if not piece:
                return
            header, header_line = piece, line
            parts, broken = [], None
            continue
        if broken is not None:
            continue
        data = piece.translate(None, _WHITESPACE)
        try:
            _check_symbols(data, piece, allowed, name, line)
        except InputError as error:
            broken = error
            continue
        parts.append(data)


def _fastq_records(
    reader: _LineReader, first: bytes, first_line: int, name: str, allowed: bytes | None,
    skipped: SkipCounter | None,
) -> Iterator[SeqRecord]:
    piece, line = first.lstrip(_WHITESPACE), first_line
    while piece:
        try:
            record, piece, line = _read_fastq_record(reader, piece, line, name, allowed)
        except InputError as error:
            if skipped is None:
                raise
            skipped.add(error)
            piece, line = _skip_to_fastq_header(reader)
            continue
        yield record


def _next_nonblank(reader: _LineReader) -> tuple[bytes, int]:
    while True:
        piece, line, _ = reader.read()
        if not piece or piece.strip(_WHITESPACE):
            return piece, line


def _skip_to_fastq_header(reader: _LineReader) -> tuple[bytes, int]:
    while True:
        piece, line = _next_nonblank(reader)
        if not piece or piece.startswith(b"@"):
            return piece, line


def _read_fastq_record(
    reader: _LineReader, header: bytes, header_line: int, name: str, allowed: bytes | None
) -> tuple[SeqRecord, bytes, int]:
    """Parse one FASTQ record starting at ``header``; return it and the next header."""
    if not header.startswith(b"@"):
        message = "expected a FASTQ header starting with '@'"
        raise InputError(message, path=name, line=header_line)
    record_id, description = _decode_header(header[1:], name, header_line)
    sequence: list[bytes] = []
    while True:
        piece, line = _next_nonblank(reader)
        if not piece:
            message = f"record {record_id!r} ends before its '+' line; the file may be truncated"
            raise InputError(message, path=name, line=line)
        if piece.startswith(b"+"):
            break
        data = piece.translate(None, _WHITESPACE)
        _check_symbols(data, piece, allowed, name, line)
        sequence.append(data)
    joined = b"".join(sequence)
    quality: list[bytes] = []
    size = 0
    while size < len(joined):
        piece, line = _next_nonblank(reader)
        if not piece:
            message = (
                f"quality of record {record_id!r} has {size} symbols but the sequence has "
                f"{len(joined)}; the file may be truncated"
            )
            raise InputError(message, path=name, line=line)
        data = piece.translate(None, _WHITESPACE)
        quality.append(data)
        size += len(data)
    if size != len(joined):
        message = (
            f"quality of record {record_id!r} has {size} symbols but the sequence has "
            f"{len(joined)}; make them the same length"
        )
        raise InputError(message, path=name, line=line)
    following, following_line = _next_nonblank(reader)
    record = SeqRecord(record_id, description, joined, b"".join(quality), header_line)
    return record, following, following_line
