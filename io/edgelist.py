"""Streaming reader for undirected edge lists such as SNAP, KONECT and CSV exports.

Each data line contains two node ids followed by optional extra columns (weights,
timestamps), which are ignored and counted. Tokens are separated by any run of
spaces, tabs, commas or semicolons (or of whitespace and one chosen
character). Blank lines and lines whose first non-blank character is a comment
prefix (``#`` or ``%`` by default) are skipped. Non-numeric lines before the
first edge are header lines; a malformed line after that is skipped and
counted, never dropped silently. Gzip input and ``-`` for standard input work
as everywhere in ``toolbox.io.files``.

The result is a simple undirected graph: nodes are numbered 0..n-1 in order of
first appearance (first column, then second, line by line), self-loops are
dropped but still declare their node, and duplicate edges in either
orientation are merged. Every count is kept in :class:`EdgeListStats`.

Integer ids take a numba fast path that parses the raw bytes in blocks; string
ids (``string_ids=True``) go through a plain Python loop. numpy and numba are
imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from toolbox.io.errors import InputError, SkipCounter
from toolbox.io.files import display_name, iter_lines, open_binary

if TYPE_CHECKING:
    import numpy as np

__all__ = ["DEFAULT_COMMENTS", "EdgeList", "EdgeListStats", "read_edge_list"]

DEFAULT_COMMENTS = "#%"
_DEFAULT_SEPARATORS = " \t\r\v\f,;"
_WHITESPACE = " \t\r\v\f"
_BLOCK_BYTES = 1 << 24


@dataclass
class EdgeListStats:
    """Line and edge counts gathered while reading one edge list."""

    path: str
    lines: int = 0
    edge_lines: int = 0
    blank_lines: int = 0
    comment_lines: int = 0
    header_lines: int = 0
    extra_column_lines: int = 0
    self_loops: int = 0
    duplicates: int = 0
    skipped: SkipCounter = field(default_factory=SkipCounter)

    def notes(self) -> list[str]:
        """Return one sentence per kind of line or edge that did not become an edge."""
        name = self.path
        notes = []
        if self.header_lines:
            notes.append(f"{name}: skipped {self.header_lines} header line(s)")
        if self.skipped:
            notes.append(f"{name}: {self.skipped.summary()}")
        if self.extra_column_lines:
            notes.append(
                f"{name}: ignored the columns after the second on "
                f"{self.extra_column_lines} line(s)"
            )
        if self.self_loops:
            notes.append(f"{name}: dropped {self.self_loops} self-loop(s); their nodes are kept")
        if self.duplicates:
            notes.append(
                f"{name}: merged {self.duplicates} duplicate edge(s) (same or reversed orientation)"
            )
        return notes


@dataclass
class EdgeList:
    """A simple undirected graph read from an edge list.

    ``source[i] < target[i]`` are node indices (sorted by source, then target);
    ``node_ids[k]`` is the original id of node ``k`` (int64, or object for
    string ids).
    """

    source: np.ndarray
    target: np.ndarray
    node_ids: np.ndarray
    stats: EdgeListStats

    @property
    def n_nodes(self) -> int:
        return int(self.node_ids.shape[0])

    @property
    def n_edges(self) -> int:
        return int(self.source.shape[0])

    def index_of(self) -> dict[Any, int]:
        """Return a dict from original node id to node index."""
        return {node: index for index, node in enumerate(self.node_ids.tolist())}


def read_edge_list(
    path: str | os.PathLike[str],
    *,
    string_ids: bool = False,
    delimiter: str | None = None,
    comments: str = DEFAULT_COMMENTS,
    header_lines: int = 0,
) -> EdgeList:
    """Read an undirected edge list into an :class:`EdgeList`.

    Parameters
    ----------
    path : file path, or ``-`` for standard input; gzip is detected.
    string_ids : keep node ids as strings instead of parsing them as integers.
    delimiter : one extra separator character; None means commas and semicolons.
        Whitespace always separates tokens.
    comments : characters that start a comment line.
    header_lines : number of leading non-comment lines to skip unconditionally
        (needed for numeric headers such as ``5242 28980`` and with string ids).

    Raises
    ------
    InputError
        If the file cannot be read, or an argument is invalid.
    """
    name = display_name(path)
    if delimiter is not None and len(delimiter) != 1:
        message = f"delimiter {delimiter!r} is invalid; give exactly one character"
        raise InputError(message, path=name)
    if header_lines < 0:
        message = f"header line count {header_lines} is invalid; use 0 or more"
        raise InputError(message, path=name)
    separators = _DEFAULT_SEPARATORS if delimiter is None else _WHITESPACE + delimiter
    stats = EdgeListStats(path=name)
    if string_ids:
        first, second, node_ids = _read_string_ids(path, separators, comments, header_lines, stats)
    else:
        first, second, node_ids = _read_integer_ids(path, separators, comments, header_lines, stats)
    source, target = _simplify(first, second, node_ids.shape[0], stats)
    return EdgeList(source, target, node_ids, stats)


def _malformed(stats: EdgeListStats, line_number: int, text: str, string_ids: bool) -> None:
    excerpt = text.strip()
    if len(excerpt) > 60:
        excerpt = excerpt[:57] + "..."
    if string_ids:
        reason = f"expected two node ids, found {excerpt!r}"
    else:
        reason = (
            f"expected two integer node ids, found {excerpt!r} "
            "(use --string-ids for non-numeric ids)"
        )
    stats.skipped.add(InputError(reason, path=stats.path, line=line_number))


def _read_string_ids(path, separators, comments, header_lines, stats):
    import numpy as np

    splitter = re.compile("[" + re.escape(separators) + "]+")
    index: dict[str, int] = {}
    first: list[int] = []
    second: list[int] = []
    headers_left = header_lines
    for number, line in iter_lines(path):
        stats.lines = number
        tokens = [token for token in splitter.split(line) if token]
        if not tokens:
            stats.blank_lines += 1
            continue
        if tokens[0][0] in comments:
            stats.comment_lines += 1
            continue
        if headers_left:
            headers_left -= 1
            stats.header_lines += 1
            continue
        if len(tokens) < 2:
            _malformed(stats, number, line, string_ids=True)
            continue
        if len(tokens) > 2:
            stats.extra_column_lines += 1
        first.append(index.setdefault(tokens[0], len(index)))
        second.append(index.setdefault(tokens[1], len(index)))
    stats.edge_lines = len(first)
    node_ids = np.empty(len(index), dtype=object)
    node_ids[:] = list(index)
    return np.asarray(first, dtype=np.int64), np.asarray(second, dtype=np.int64), node_ids


def _byte_table(characters: str):
    import numpy as np

    table = np.zeros(256, dtype=np.bool_)
    for character in characters:
        code = ord(character)
        if code > 127:
            message = f"separator or comment character {character!r} must be ASCII"
            raise InputError(message)
        table[code] = True
    return table


def _skip_header_lines(block: bytes, count: int, comments: str, separators: str,
                       stats: EdgeListStats) -> tuple[bytes, int, int]:
    """Drop the first ``count`` non-blank, non-comment lines of ``block``.

    Returns the rest of the block, the lines consumed and the headers still to skip.
    """
    consumed = 0
    position = 0
    while count and position < len(block):
        end = block.find(b"\n", position)
        end = len(block) if end < 0 else end
        text = block[position:end].decode("utf-8", "replace").lstrip(separators)
        consumed += 1
        if not text:
            stats.blank_lines += 1
        elif text[0] in comments:
            stats.comment_lines += 1
        else:
            stats.header_lines += 1
            count -= 1
        position = end + 1
    return block[position:], consumed, count


def _read_integer_ids(path, separators, comments, header_lines, stats):
    import numpy as np

    from toolbox.io._edgelist_kernels import _parse_integer_lines

    is_separator = _byte_table(separators + "\n")
    is_comment = _byte_table(comments)
    first_parts: list[np.ndarray] = []
    second_parts: list[np.ndarray] = []
    counts = np.zeros(3, dtype=np.int64)
    lines_before = 0  # complete lines handled before the current block
    first_edge_line = -1  # 1-based
    headers_left = header_lines
    carry = b""
    with open_binary(path) as stream:
        while True:
            data = stream.read(_BLOCK_BYTES)
            block = carry + data
            if data:
                cut = block.rfind(b"\n") + 1
                block, carry = block[:cut], block[cut:]
                if not block:
                    continue
            elif not block:
                break
            else:
                carry = b""
            if headers_left:
                block, consumed, headers_left = _skip_header_lines(
                    block, headers_left, comments, separators, stats)
                lines_before += consumed
            buffer = np.frombuffer(block, dtype=np.uint8)
            capacity = block.count(b"\n") + 1
            first = np.empty(capacity, dtype=np.int64)
            second = np.empty(capacity, dtype=np.int64)
            special_start = np.empty(capacity, dtype=np.int64)
            special_end = np.empty(capacity, dtype=np.int64)
            special_line = np.empty(capacity, dtype=np.int64)
            n_edges, n_special, n_lines, first_line = _parse_integer_lines(
                buffer, is_separator, is_comment, first, second,
                special_start, special_end, special_line, counts)
            if n_edges:
                first_parts.append(first[:n_edges].copy())
                second_parts.append(second[:n_edges].copy())
                if first_edge_line < 0:
                    first_edge_line = lines_before + first_line + 1
            for k in range(n_special):
                number = lines_before + int(special_line[k]) + 1
                text = block[special_start[k]:special_end[k]].decode("utf-8", "replace")
                if first_edge_line < 0 or number < first_edge_line:
                    stats.header_lines += 1
                else:
                    _malformed(stats, number, text, string_ids=False)
            lines_before += n_lines
            if not data:
                break
    stats.lines = lines_before
    stats.blank_lines += int(counts[0])
    stats.comment_lines += int(counts[1])
    stats.extra_column_lines = int(counts[2])
    first = np.concatenate(first_parts) if first_parts else np.empty(0, dtype=np.int64)
    second = np.concatenate(second_parts) if second_parts else np.empty(0, dtype=np.int64)
    stats.edge_lines = int(first.shape[0])
    return _number_by_first_appearance(first, second)


def _number_by_first_appearance(first, second):
    """Renumber integer ids 0..n-1 by first appearance; return (first, second, node_ids)."""
    import numpy as np

    from toolbox.io._edgelist_kernels import _remap_dense_ids

    interleaved = np.empty(2 * first.shape[0], dtype=np.int64)
    interleaved[0::2] = first
    interleaved[1::2] = second
    if interleaved.shape[0] == 0:
        return first, second, np.empty(0, dtype=np.int64)
    low, high = int(interleaved.min()), int(interleaved.max())
    if low >= 0 and high < 4 * interleaved.shape[0] + 1024:
        mapped, node_ids = _remap_dense_ids(interleaved, high + 1)
    else:
        # A stable sort puts each id's first occurrence at the start of its run.
        order = np.argsort(interleaved, kind="stable")
        ordered = interleaved[order]
        is_run_start = np.concatenate(([True], ordered[1:] != ordered[:-1]))
        run_starts = np.flatnonzero(is_run_start)
        run_of_element = np.cumsum(is_run_start) - 1
        runs_by_first_seen = np.argsort(order[run_starts], kind="stable")
        rank = np.empty(run_starts.shape[0], dtype=np.int64)
        rank[runs_by_first_seen] = np.arange(run_starts.shape[0])
        mapped = np.empty(interleaved.shape[0], dtype=np.int64)
        mapped[order] = rank[run_of_element]
        node_ids = ordered[run_starts][runs_by_first_seen]
    return mapped[0::2], mapped[1::2], node_ids


def _simplify(first, second, n_nodes: int, stats: EdgeListStats):
    """Drop self-loops, merge duplicates in either orientation and sort the edges."""
    import numpy as np

    loops = first == second
    stats.self_loops = int(np.count_nonzero(loops))
    if stats.self_loops:
        first, second = first[~loops], second[~loops]
    low = np.minimum(first, second)
    high = np.maximum(first, second)
    # Sort and compare neighbours: numpy 2's hash-based np.unique is several times slower here.
    keys = low * max(n_nodes, 1) + high
    keys.sort()
    if keys.shape[0] > 1:
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    stats.duplicates = int(low.shape[0] - keys.shape[0])
    index_type = np.int32 if n_nodes < 2**31 else np.int64
    source = (keys // max(n_nodes, 1)).astype(index_type)
    target = (keys % max(n_nodes, 1)).astype(index_type)
    return source, target
