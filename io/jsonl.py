"""Streaming JSON Lines reader with field selection.

Fields are named by dotted paths (``meta.source``) and, for lists, integer
steps (``messages.0.content``). Blank lines are ignored. A malformed line,
a line that is not an object, or a missing field raises :class:`InputError`
with the file and line, or is counted in a :class:`SkipCounter` when the
caller passes one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from typing import Any

from toolbox.io.errors import InputError, SkipCounter
from toolbox.io.files import display_name, iter_lines

__all__ = ["JsonlRecord", "get_field", "iter_jsonl"]

_MISSING = object()


class JsonlRecord:
    """One decoded JSONL line: its number, the whole object and the selected fields."""

    __slots__ = ("fields", "line", "value")

    def __init__(self, line: int, value: dict[str, Any], fields: dict[str, Any]):
        self.line = line
        self.value = value
        self.fields = fields


def get_field(value: Any, path: str, default: Any = _MISSING) -> Any:
    """Return the item of ``value`` at the dotted ``path``; raise KeyError if absent."""
    current = value
    for step in path.split("."):
        if isinstance(current, dict) and step in current:
            current = current[step]
        elif isinstance(current, list) and step.lstrip("-").isdigit() and -len(current) <= int(step) < len(current):
            current = current[int(step)]
        else:
            if default is not _MISSING:
                return default
            raise KeyError(path)
    return current


def iter_jsonl(
    path: str | os.PathLike[str],
    *,
    fields: Sequence[str] = (),
    required: Sequence[str] | None = None,
    skipped: SkipCounter | None = None,
) -> Iterator[JsonlRecord]:
    """Yield the objects of a JSON Lines file one at a time.

    ``fields`` are extracted into ``record.fields``; those in ``required``
    (all of ``fields`` by default) must be present, the others become None.
    When ``skipped`` is given, bad lines are counted there instead of raised.
    """
    name = display_name(path)
    must_have = set(fields if required is None else required)
    for number, line in iter_lines(path):
        if not line.strip():
            continue
        try:
            record = _decode_line(line, fields, must_have, name, number)
        except InputError as error:
            if skipped is None:
                raise
            skipped.add(error)
            continue
        yield record


def _decode_line(
    line: str, fields: Sequence[str], must_have: set[str], name: str, number: int
) -> JsonlRecord:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        message = f"invalid JSON at column {exc.colno}: {exc.msg}"
        raise InputError(message, path=name, line=number) from None
    if not isinstance(value, dict):
        message = f"expected a JSON object, found {type(value).__name__}"
        raise InputError(message, path=name, line=number)

    selected: dict[str, Any] = {}
    for field in fields:
        item = get_field(value, field, None)
        if item is None and field in must_have:
            present = ", ".join(sorted(value)[:8]) or "none"
            message = f"missing field {field!r} (fields present: {present}); choose another field"
            raise InputError(message, path=name, line=number)
        selected[field] = item
    return JsonlRecord(number, value, selected)
