"""Open inputs and outputs by path, with ``-`` for the standard streams.

Inputs are decompressed when they start with the gzip magic bytes, whatever
their name, so ``zcat``-style pipelines and ``.gz`` files both work. Outputs
ending in ``.gz`` are compressed. Output files are written to a temporary file
in the same directory and renamed into place on success, so a failed run
never leaves a truncated result behind.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import sys
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from toolbox.io.errors import InputError

__all__ = [
    "STDIO",
    "display_name",
    "iter_lines",
    "open_binary",
    "open_output",
    "open_text",
    "read_bytes",
    "read_text",
    "same_output",
]

STDIO = "-"
_GZIP_MAGIC = b"\x1f\x8b"


def display_name(path: str | os.PathLike[str]) -> str:
    """Return the name used for ``path`` in messages (``<stdin>`` for ``-``)."""
    return "<stdin>" if str(path) == STDIO else str(path)


class _GuardedReader(io.RawIOBase):
    """Raw reader that turns decompression failures into :class:`InputError`."""

    def __init__(self, inner: BinaryIO, name: str, owned: list[BinaryIO]):
        self._inner = inner
        self._name = name
        self._owned = owned  # closed with this reader, innermost last

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        try:
            data = self._inner.read(len(buffer))
        except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
            message = (
                f"invalid gzip data ({exc}); check that the file is complete "
                "or decompress it first"
            )
            raise InputError(message, path=self._name) from None
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        for handle in self._owned:
            if handle is not sys.stdin.buffer:
                handle.close()
        super().close()


def _open_source(path: str | os.PathLike[str]) -> BinaryIO:
    name = display_name(path)
    if str(path) == STDIO:
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except FileNotFoundError:
        message = "file not found; check the path, or pass '-' to read standard input"
        raise InputError(message, path=name) from None
    except IsADirectoryError:
        message = "is a directory; pass a file"
        raise InputError(message, path=name) from None
    except PermissionError:
        message = "permission denied; check the file's read permission"
        raise InputError(message, path=name) from None
    except OSError as exc:
        message = f"cannot open file: {exc.strerror or exc}"
        raise InputError(message, path=name) from None


def open_binary(path: str | os.PathLike[str]) -> BinaryIO:
    """Open ``path`` (or standard input for ``-``) for binary reading.

    Gzip data is detected by its magic bytes and decompressed on the fly.
    Decompression errors surface as :class:`InputError` while reading.
    """
    source = _open_source(path)
    buffered = source if hasattr(source, "peek") else io.BufferedReader(source)  # type: ignore[arg-type]
    head = buffered.peek(2)[:2]  # type: ignore[attr-defined]
    owned = [buffered, source] if buffered is not source else [source]
    if head == _GZIP_MAGIC:
        inner: BinaryIO = gzip.GzipFile(fileobj=buffered, mode="rb")  # type: ignore[assignment]
        owned.insert(0, inner)
    else:
        inner = buffered
    guarded = _GuardedReader(inner, display_name(path), owned)
    return io.BufferedReader(guarded)  # type: ignore[return-value]


def open_text(
    path: str | os.PathLike[str], *, encoding: str = "utf-8", errors: str = "strict"
) -> TextIO:
    """Open ``path`` for text reading with universal newlines (CRLF becomes LF)."""
    return io.TextIOWrapper(open_binary(path), encoding=encoding, errors=errors)


def iter_lines(
    path: str | os.PathLike[str], *, encoding: str = "utf-8", keepends: bool = False
) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, line)`` pairs, numbered from 1, without line ends.

    A byte sequence that is not valid in ``encoding`` raises :class:`InputError`
    naming the file and line.
    """
    name = display_name(path)
    with open_binary(path) as stream:
        for number, raw in enumerate(stream, start=1):
            try:
                line = raw.decode(encoding)
            except UnicodeDecodeError as exc:
                message = (
                    f"invalid {encoding} byte {raw[exc.start:exc.start + 1]!r} at column "
                    f"{exc.start + 1}; convert the file to {encoding} or choose another encoding"
                )
                raise InputError(message, path=name, line=number) from None
            if not keepends:
                line = line.rstrip("\r\n")
            yield number, line


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """Read the whole of ``path`` as bytes (decompressed if gzip)."""
    with open_binary(path) as stream:
        return stream.read()


def read_text(path: str | os.PathLike[str], *, encoding: str = "utf-8") -> str:
    """Read the whole of ``path`` as text, with CRLF and CR line ends turned into LF."""
    data = read_bytes(path)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        message = f"invalid {encoding} data; convert the file to {encoding}"
        raise InputError(message, path=display_name(path), line=line) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def same_output(first: str | os.PathLike[str], second: str | os.PathLike[str]) -> bool:
    """Return whether two output names are one regular file, or both standard output.

    A device or FIFO such as ``/dev/null`` takes any number of writers, so it
    never counts as the same output.
    """
    first, second = str(first), str(second)
    if STDIO in (first, second):
        return first == second
    target = Path(first)
    if target.exists() and not target.is_file():
        return False
    return target.resolve() == Path(second).resolve()


@contextlib.contextmanager
def open_output(
    path: str | os.PathLike[str] | None, *, binary: bool = False, encoding: str = "utf-8"
) -> Iterator[TextIO | BinaryIO]:
    """Open ``path`` (standard output for ``-`` or None) for writing.

    A file is written under a temporary name in the same directory and renamed
    into place when the block ends without an exception. After an exception the
    temporary file is removed, and any existing file at ``path`` is untouched.
    A name ending in ``.gz`` is gzip-compressed. An existing device or FIFO
    (such as ``/dev/null``) is written in place, without the rename, and a
    symbolic link is followed, so the link itself stays.
    """
    if path is None or str(path) == STDIO:
        stream = sys.stdout.buffer if binary else sys.stdout
        yield stream
        stream.flush()
        return

    target = Path(path)
    if target.is_symlink():
        # Replace the file the link points to and keep the link itself.
        target = Path(os.path.realpath(target))
    if target.is_dir():
        message = "is a directory; pass the name of a file to write, such as DIR/out.txt"
        raise InputError(message, path=str(path))
    if target.exists() and not target.is_file():
        # A device or FIFO such as /dev/null or a named pipe: write to it in
        # place, because renaming a temporary file over it would replace it.
        yield from _write_in_place(target, binary, encoding)
        return
    directory = target.parent if str(target.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(
            dir=directory, prefix=f".{target.name}.", suffix=".part"
        )
    except OSError as exc:
        message = f"cannot write output: {exc.strerror or exc}; check that the directory exists and is writable"
        raise InputError(message, path=str(path)) from None

    raw = os.fdopen(handle, "wb")
    try:
        sink: BinaryIO = raw
        if target.suffix == ".gz":
            sink = gzip.GzipFile(filename=target.stem, fileobj=raw, mode="wb")  # type: ignore[assignment]
        if binary:
            yield sink
            sink.flush()
        else:
            text = io.TextIOWrapper(sink, encoding=encoding, newline="\n")
            yield text
            text.flush()
            text.detach()
        if sink is not raw:
            sink.close()
        raw.close()
        os.chmod(temporary, 0o666 & ~_current_umask())
        os.replace(temporary, target)
    except BaseException:
        raw.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _write_in_place(target: Path, binary: bool, encoding: str) -> Iterator[TextIO | BinaryIO]:
    try:
        raw = open(target, "wb")  # noqa: SIM115 - closed below
    except OSError as exc:
        message = f"cannot write output: {exc.strerror or exc}"
        raise InputError(message, path=str(target)) from None
    with raw:
        if binary:
            yield raw
        else:
            text = io.TextIOWrapper(raw, encoding=encoding, newline="\n")
            yield text
            text.flush()
            text.detach()


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
