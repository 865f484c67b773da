"""Direct O(n·m) Hamming kernels: the reference engine and the k-bounded scan.

The inner loops run over a slice view of the window (``window = text[s:s+m]``)
because LLVM vectorises that form. Indexing ``text[s + j]`` with a runtime
offset can compile to scalar code, so keep the slice when editing.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["count_up_to", "naive_mismatches", "scan_at_most", "shared_letter_counts"]


@njit(cache=True)
def _naive_equal(text, pattern, out):
    m = pattern.shape[0]
    for s in range(out.shape[0]):
        window = text[s:s + m]
        count = 0
        for j in range(m):
            count += window[j] != pattern[j]
        out[s] = count


@njit(cache=True)
def _naive_table(text, pattern, table, out):
    m = pattern.shape[0]
    for s in range(out.shape[0]):
        window = text[s:s + m]
        count = 0
        for j in range(m):
            count += table[window[j], pattern[j]]
        out[s] = count


@njit(cache=True, parallel=True)
def _naive_parallel(text, pattern, table, use_table, out, parts):
    m = pattern.shape[0]
    total = out.shape[0]
    step = (total + parts - 1) // parts
    for part in prange(parts):
        start = part * step
        stop = min(total, start + step)
        if start >= stop:
            continue
        if use_table:
            _naive_table(text[start:stop + m - 1], pattern, table, out[start:stop])
        else:
            _naive_equal(text[start:stop + m - 1], pattern, out[start:stop])


def naive_mismatches(
    text: np.ndarray, pattern: np.ndarray, out: np.ndarray, table: np.ndarray | None,
    threads: int = 1,
) -> None:
    """Fill ``out[s]`` with the mismatches of ``pattern`` against ``text[s:s+m]``.

    Arrays must already be validated: 1-D, contiguous, equal integer dtypes,
    ``len(out) == len(text) - len(pattern) + 1``.
    """
    if threads > 1 and out.shape[0] >= 4096:
        dummy = table if table is not None else np.zeros((1, 1), dtype=np.uint8)
        _naive_parallel(text, pattern, dummy, table is not None, out, threads)
    elif table is None:
        _naive_equal(text, pattern, out)
    else:
        _naive_table(text, pattern, table, out)


@njit(cache=True, inline="always")
def count_up_to(window, pattern, k, table, use_table):
    """Return the mismatches of ``window`` against ``pattern``, or k + 1 once above k."""
    count = 0
    for j in range(pattern.shape[0]):
        if use_table:
            count += table[window[j], pattern[j]]
        else:
            count += window[j] != pattern[j]
        if count > k:
            break
    return count


@njit(cache=True)
def _scan(text, pattern, table, use_table, k, starts, counts):
    m = pattern.shape[0]
    found = 0
    for s in range(text.shape[0] - m + 1):
        count = count_up_to(text[s:s + m], pattern, k, table, use_table)
        if count <= k:
            starts[found] = s
            counts[found] = count
            found += 1
            if found == starts.shape[0]:
                return found, s + 1
    return found, text.shape[0] - m + 1


def scan_at_most(
    text: np.ndarray, pattern: np.ndarray, k: int, table: np.ndarray | None,
    capacity: int = 1 << 16,
) -> tuple[np.ndarray, np.ndarray]:
    """Return starts and counts of windows with at most ``k`` mismatches.

    Each window stops counting at the first mismatch above ``k``, so on
    random text the cost is near O(n·k) rather than O(n·m). Results are
    collected in batches of ``capacity`` so memory follows the hit count.
    """
    m = pattern.shape[0]
    lookup = table if table is not None else np.zeros((1, 1), dtype=np.uint8)
    all_starts, all_counts = [], []
    offset = 0
    while offset <= text.shape[0] - m:
        starts = np.empty(capacity, dtype=np.int64)
        counts = np.empty(capacity, dtype=np.int32)
        view = text[offset:]
        found, scanned = _scan(view, pattern, lookup, table is not None, k, starts, counts)
        all_starts.append(starts[:found] + offset)
        all_counts.append(counts[:found])
        offset += scanned
    if not all_starts:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32)
    return np.concatenate(all_starts), np.concatenate(all_counts)


@njit(cache=True)
def _shared_letters(text, pattern, out):
    m = pattern.shape[0]
    for s in range(out.shape[0]):
        window = text[s:s + m]
        count = 0
        for j in range(m):
            count += (window[j] == pattern[j]) & (pattern[j] != 0)
        out[s] = count


def shared_letter_counts(text: np.ndarray, pattern: np.ndarray, out: np.ndarray) -> None:
    """Fill ``out[s]`` with positions where ``text[s:s+m]`` equals a nonzero ``pattern`` code.

    Used on letter-recoded arrays, where code 0 stands for letters left out.
    """
    _shared_letters(np.ascontiguousarray(text), pattern, out)
