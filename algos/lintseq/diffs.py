"""Forward phase of LintSeq: turn backward states into insertion diffs, and replay them.

Diff format of the LintSeq reference: each state is stripped as a whole and
split with ``str.splitlines``. Consecutive states go through
``difflib.unified_diff(..., n=0, lineterm="")``, the ``---``/``+++`` header
lines are dropped, and the rest is joined with newlines. So one edit is one or
more hunks such as ``@@ -2,0 +3 @@`` followed by ``+`` lines, with no trailing
newline. difflib's auto-junk heuristic can pair lines of sequences of 200 or
more lines differently and emit ``-`` lines; the strict mode builds the hunks
from the known line alignment instead and never does.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

from toolbox.algos.lintseq.errors import LintSeqError

__all__ = [
    "DIFF_SEPARATOR",
    "apply_edit",
    "reference_edits",
    "replay",
    "state_lines",
    "strict_edits",
    "strict_state_lines",
    "training_text",
]

DIFF_SEPARATOR = "\n<|diff|>"

_HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def state_lines(text: str) -> list[str]:
    """Return the lines of one state as the reference diffs them."""
    return text.strip().splitlines()


def reference_edits(texts: Sequence[str]) -> list[str]:
    """Return the edit between each pair of consecutive state texts, reference format."""
    edits = []
    previous = state_lines(texts[0])
    for text in texts[1:]:
        current = state_lines(text)
        diff = list(difflib.unified_diff(previous, current, n=0, lineterm=""))
        edits.append("\n".join(diff[2:]))
        previous = current
    return edits


def strict_state_lines(lines: Sequence[str], alive: Sequence[int]) -> list[int]:
    """Return ``alive`` without the whitespace-only lines at either end."""
    start, stop = 0, len(alive)
    while start < stop and not lines[alive[start]].strip():
        start += 1
    while stop > start and not lines[alive[stop - 1]].strip():
        stop -= 1
    return list(alive[start:stop])


def _format_range(start: int, length: int) -> str:
    # Unified-diff ranges as difflib writes them: "N" for one line, "N,0" for
    # an empty range (N being the line before it), "N,LENGTH" otherwise.
    if length == 1:
        return str(start + 1)
    if length == 0:
        return f"{start},0"
    return f"{start + 1},{length}"


def strict_edits(lines: Sequence[str], states: Sequence[Sequence[int]]) -> list[str]:
    """Return insertion-only edits between consecutive states given as line indices.

    Each state must be a subsequence of the next; its lines are the original
    lines (split on newlines only) with blank lines trimmed at both ends.
    """
    edits = []
    previous = strict_state_lines(lines, states[0])
    for alive in states[1:]:
        current = strict_state_lines(lines, alive)
        old = set(previous)
        hunks = []
        position_old = 0
        run: list[int] = []
        run_start = 0
        for position_new, index in enumerate([*current, -1]):
            if index != -1 and index not in old:
                if not run:
                    run_start = position_new
                run.append(index)
                continue
            if run:
                header = (f"@@ -{_format_range(position_old, 0)} "
                          f"+{_format_range(run_start, len(run))} @@")
                hunks.append(header)
                hunks.extend("+" + lines[inserted] for inserted in run)
                run = []
            if index != -1:
                position_old += 1
        if position_old != len(previous):
            message = "a later state does not contain an earlier one; the states are not nested"
            raise LintSeqError(message)
        edits.append("\n".join(hunks))
        previous = current
    return edits


def apply_edit(lines: list[str], edit: str) -> list[str]:
    """Apply one edit (zero-context unified hunks, ``+`` and ``-`` lines) to ``lines``.

    Raises :class:`LintSeqError` when a hunk header is malformed or a ``-``
    line does not match the text it removes.
    """
    if not edit:
        return list(lines)
    result: list[str] = []
    consumed = 0
    rows = edit.split("\n")
    position = 0
    while position < len(rows):
        match = _HUNK_HEADER.match(rows[position])
        if not match:
            message = f"expected a hunk header '@@ -a,b +c,d @@', found {rows[position][:60]!r}"
            raise LintSeqError(message)
        old_start = int(match.group(1))
        old_length = 1 if match.group(2) is None else int(match.group(2))
        # For an empty old range the header names the line before the insertion.
        first_old = old_start if old_length == 0 else old_start - 1
        if first_old < consumed or first_old > len(lines):
            message = f"hunk {rows[position]!r} does not fit a text of {len(lines)} lines"
            raise LintSeqError(message)
        result.extend(lines[consumed:first_old])
        consumed = first_old
        position += 1
        while position < len(rows) and not rows[position].startswith("@@ "):
            row = rows[position]
            if row.startswith("-"):
                if consumed >= len(lines) or lines[consumed] != row[1:]:
                    message = f"removed line {row[1:60]!r} does not match the text"
                    raise LintSeqError(message)
                consumed += 1
            elif row.startswith("+"):
                result.append(row[1:])
            else:
                message = f"unexpected diff line {row[:60]!r}; expected '+', '-' or '@@'"
                raise LintSeqError(message)
            position += 1
    result.extend(lines[consumed:])
    return result


def replay(edits: Iterable[str]) -> list[list[str]]:
    """Apply ``edits`` in order to an empty file and return every state reached."""
    current: list[str] = []
    states = []
    for edit in edits:
        current = apply_edit(current, edit)
        states.append(current)
    return states


def training_text(edits: Sequence[str], prompt: str | None = None,
                  separator: str = DIFF_SEPARATOR) -> str:
    """Join edits into one training string: the prompt, each edit after a separator,
    and two empty edits at the end, which mark the end of the sequence."""
    return (prompt or "") + separator.join(["", *edits, "", ""])
