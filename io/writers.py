"""Writers for the machine-readable output formats: TSV, JSON and JSONL.

TSV follows the convention of bioinformatics tools: one header line, fields
separated by tabs, and tab, newline, carriage return and backslash inside a
field written as ``\\t``, ``\\n``, ``\\r`` and ``\\\\`` so that each record
stays on one line.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

__all__ = ["JsonlWriter", "TsvWriter", "escape_tsv_field", "to_json", "write_json"]

_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
# A lone surrogate is how ``bytes.decode("utf-8", "surrogateescape")`` keeps a
# byte that is not UTF-8. Such a code point cannot be encoded in UTF-8.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_tsv_field(value: Any) -> str:
    """Format one TSV field: None is empty, floats use ``repr`` precision."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ("nan" if math.isnan(value) else
                                                         ("inf" if value > 0 else "-inf"))
    return str(value).translate(_TSV_ESCAPES)


def _json_default(value: Any) -> Any:
    # numpy scalars and arrays arrive here without importing numpy.
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    message = f"cannot write a value of type {type(value).__name__} as JSON"
    raise TypeError(message)


def to_json(value: Any, *, indent: int | None = None) -> str:
    """Serialize ``value`` as JSON with UTF-8 text kept readable.

    Only lone surrogates are written as ``\\uXXXX`` escapes, so the output can
    always be encoded as UTF-8, and ``json.loads`` gives the same string back.
    """
    separators = (",", ": ") if indent is not None else (",", ":")
    text = json.dumps(
        value, ensure_ascii=False, indent=indent, separators=separators,
        default=_json_default, allow_nan=False,
    )
    # json.dumps puts a surrogate only inside a string literal, where an escape is valid.
    return _LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def write_json(stream: TextIO, value: Any, *, indent: int | None = 2) -> None:
    """Write ``value`` as one JSON document followed by a newline."""
    stream.write(to_json(value, indent=indent))
    stream.write("\n")


class JsonlWriter:
    """Writer of one JSON object per line (JSON Lines)."""

    def __init__(self, stream: TextIO):
        self._stream = stream
        self.count = 0

    def write(self, record: Mapping[str, Any]) -> None:
        self._stream.write(to_json(record))
        self._stream.write("\n")
        self.count += 1

    def write_all(self, records: Iterable[Mapping[str, Any]]) -> None:
        for record in records:
            self.write(record)


class TsvWriter:
    """Writer of tab-separated rows with an optional header line."""

    def __init__(self, stream: TextIO, columns: Sequence[str], *, header: bool = True):
        self._stream = stream
        self.columns = list(columns)
        self.count = 0
        if header:
            self._stream.write("\t".join(escape_tsv_field(c) for c in self.columns) + "\n")

    def write_row(self, row: Sequence[Any]) -> None:
        if len(row) != len(self.columns):
            message = f"TSV row has {len(row)} fields but the header has {len(self.columns)}"
            raise ValueError(message)
        self._stream.write("\t".join(escape_tsv_field(v) for v in row) + "\n")
        self.count += 1

    def write_record(self, record: Mapping[str, Any]) -> None:
        self.write_row([record.get(column) for column in self.columns])
