"""numba kernels behind :mod:`toolbox.io.edgelist`: byte-level line parsing and id remapping.

Imported lazily by ``toolbox.io.edgelist`` so that the shared I/O layer stays
free of numba at import time.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_MAX_DIGITS = 18  # every 18-digit decimal fits in int64


@njit(cache=True)
def _parse_token(buf, position, end, is_separator):
    """Parse a signed decimal integer at ``position``; return (ok, value, next position)."""
    negative = False
    if position < end and (buf[position] == 45 or buf[position] == 43):  # '-' or '+'
        negative = buf[position] == 45
        position += 1
    value = 0
    digits = 0
    while position < end and 48 <= buf[position] <= 57:
        value = value * 10 + (buf[position] - 48)
        digits += 1
        position += 1
    if digits == 0 or digits > _MAX_DIGITS:
        return False, 0, position
    if position < end and not is_separator[buf[position]]:
        return False, 0, position
    return True, -value if negative else value, position


@njit(cache=True)
def _parse_integer_lines(buf, is_separator, is_comment, first, second, special_start,
                         special_end, special_line, counts):
    """Parse every complete line of ``buf`` as ``ID SEP ID [SEP extra...]``.

    Edges go to ``first``/``second``. Lines that do not start with two integer
    tokens are recorded in the ``special_*`` arrays (byte range and 0-based line
    index) for the caller to classify. ``counts`` receives blank, comment and
    extra-column line counts at indices 0, 1 and 2. Returns (edges, special lines,
    lines, 0-based index of the first edge line or -1).
    """
    size = buf.shape[0]
    n_edges = 0
    n_special = 0
    line = 0
    first_edge_line = -1
    start = 0
    while start < size:
        end = start
        while end < size and buf[end] != 10:
            end += 1
        position = start
        while position < end and is_separator[buf[position]]:
            position += 1
        if position == end:
            counts[0] += 1
        elif is_comment[buf[position]]:
            counts[1] += 1
        else:
            ok, u, position = _parse_token(buf, position, end, is_separator)
            v = 0
            if ok:
                while position < end and is_separator[buf[position]]:
                    position += 1
                ok, v, position = _parse_token(buf, position, end, is_separator)
            if ok:
                first[n_edges] = u
                second[n_edges] = v
                n_edges += 1
                if first_edge_line < 0:
                    first_edge_line = line
                while position < end and is_separator[buf[position]]:
                    position += 1
                if position < end:
                    counts[2] += 1
            else:
                special_start[n_special] = start
                special_end[n_special] = end
                special_line[n_special] = line
                n_special += 1
        line += 1
        start = end + 1
    return n_edges, n_special, line, first_edge_line


@njit(cache=True)
def _remap_dense_ids(interleaved, table_size):
    """Number non-negative ids below ``table_size`` 0, 1, ... in order of first appearance.

    Returns (new index per element, original id per new index).
    """
    table = np.full(table_size, -1, dtype=np.int64)
    mapped = np.empty(interleaved.shape[0], dtype=np.int64)
    order = np.empty(interleaved.shape[0], dtype=np.int64)
    count = 0
    for i in range(interleaved.shape[0]):
        node = interleaved[i]
        index = table[node]
        if index < 0:
            index = count
            table[node] = count
            order[count] = node
            count += 1
        mapped[i] = index
    return mapped, order[:count].copy()
