"""k-mismatch search: every window with at most k mismatches, with its count.

Three routes give the same hits:

* ``filter``: pigeonhole filter and verification. k mismatches can touch at
  most k of k + 1 disjoint pattern pieces, so every hit contains one piece
  exactly. Pieces of length q = m // (k + 1) are found with a rolling hash
  (mod 2**64; a collision only adds a candidate), and each candidate window
  is verified by direct counting that stops above k. Pays off when chance
  piece matches are rare, roughly when σ**q is large against n.
* ``scan``: direct counting that stops at the first mismatch above k.
* ``bitpacked`` with m·bit_length(d) <= 64: the rolling-word kernel with the
  threshold applied in the loop (no profile array).
* any profile engine, thresholded.

Only ``scan`` and profile ``naive`` support an IUPAC mismatch table.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from toolbox.algos.hamming.bitpacked import rolling_fits, rolling_search
from toolbox.algos.hamming.core import (
    METHODS,
    check_lengths,
    choose_method,
    common_dtype,
    hamming_profile,
    validate_codes,
    validate_table,
)
from toolbox.algos.hamming.costmodel import CostModel, load_costs
from toolbox.algos.hamming.errors import HammingError
from toolbox.algos.hamming.letters import pattern_letters
from toolbox.algos.hamming.naive import count_up_to, scan_at_most

__all__ = ["SEARCH_METHODS", "choose_search_method", "kmismatch_search"]

SEARCH_METHODS = (*METHODS, "filter", "scan")
_HASH_BASE = np.uint64(0x9E3779B97F4A7C15)


@njit(cache=True)
def _rolling_hashes(text, q, base):
    count = text.shape[0] - q + 1
    hashes = np.empty(max(count, 0), dtype=np.uint64)
    if count <= 0:
        return hashes
    top = np.uint64(1)
    for _ in range(q - 1):
        top *= base
    h = np.uint64(0)
    for j in range(q):
        h = h * base + np.uint64(text[j]) + np.uint64(1)
    hashes[0] = h
    for x in range(1, count):
        h = (h - (np.uint64(text[x - 1]) + np.uint64(1)) * top) * base
        h += np.uint64(text[x + q - 1]) + np.uint64(1)
        hashes[x] = h
    return hashes


@njit(cache=True)
def _filter_verify(text, pattern, k, hashes, piece_hashes, piece_offsets, starts, counts):
    m = pattern.shape[0]
    total = text.shape[0] - m + 1
    flags = np.zeros(max(total, 0), dtype=np.uint8)
    no_table = np.zeros((1, 1), dtype=np.uint8)
    pieces = piece_hashes.shape[0]
    for x in range(hashes.shape[0]):
        h = hashes[x]
        for i in range(pieces):
            if h == piece_hashes[i]:
                s = x - piece_offsets[i]
                if 0 <= s < total:
                    flags[s] = 1
    found = 0
    for s in range(total):
        if flags[s] == 0:
            continue
        count = count_up_to(text[s:s + m], pattern, k, no_table, False)
        if count <= k:
            if found == starts.shape[0]:
                return -1
            starts[found] = s
            counts[found] = count
            found += 1
    return found


def _filter_search(text: np.ndarray, pattern: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    m = pattern.size
    q = m // (k + 1)
    offsets = np.arange(k + 1, dtype=np.int64) * q
    piece_hashes = np.array(
        [_rolling_hashes(pattern[o:o + q], q, _HASH_BASE)[0] for o in offsets], dtype=np.uint64
    )
    hashes = _rolling_hashes(text, q, _HASH_BASE)
    capacity = 1 << 12
    while True:
        starts = np.empty(capacity, dtype=np.int64)
        counts = np.empty(capacity, dtype=np.int32)
        found = _filter_verify(text, pattern, k, hashes, piece_hashes, offsets, starts, counts)
        if found >= 0:
            return starts[:found], counts[:found]
        capacity *= 8


def choose_search_method(
    n: int, m: int, k: int, letters: int, alphabet_size: int, *, table: bool = False,
    costs: CostModel | None = None,
) -> str:
    """Return ``filter``, ``scan`` or a profile engine for a k-mismatch search.

    ``alphabet_size`` is the number of distinct symbols expected in the text
    (4 for DNA), which sets the rate of chance piece matches.
    """
    costs = costs or load_costs()
    windows = max(1, n - m + 1)
    scan_time = costs.scan_time(windows, m, k, alphabet_size)
    if table:
        return "scan"
    options = {"scan": scan_time}
    if m // (k + 1) >= 1:
        options["filter"] = costs.filter_time(n, m, k, alphabet_size)
    profile = choose_method(n, m, letters, costs=costs)
    options[profile.method] = profile.predicted
    return min(options, key=options.__getitem__)


def kmismatch_search(
    text: object,
    pattern: object,
    k: int,
    *,
    method: str = "auto",
    mismatch_table: np.ndarray | None = None,
    alphabet_size: int = 4,
    costs: CostModel | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return (starts, mismatches) of every window with at most ``k`` mismatches.

    Starts are 0-based and increasing; every overlapping window is reported.
    ``method`` is one of ``SEARCH_METHODS``; ``auto`` picks by the cost model.

    Examples
    --------
    >>> starts, counts = kmismatch_search([1, 2, 1, 2, 2], [1, 2, 2], 1)
    >>> starts.tolist(), counts.tolist()
    ([0, 2], [1, 0])
    """
    text_codes = validate_codes(text, "text")
    pattern_codes = validate_codes(pattern, "pattern")
    check_lengths(text_codes.size, pattern_codes.size)
    text_codes, pattern_codes = common_dtype(text_codes, pattern_codes)
    if k < 0:
        message = f"k = {k} is negative; give a mismatch limit of 0 or more"
        raise HammingError(message)
    if method not in SEARCH_METHODS:
        message = f"unknown method {method!r}; choose one of {', '.join(SEARCH_METHODS)}"
        raise HammingError(message)
    table = None if mismatch_table is None else validate_table(mismatch_table, text_codes,
                                                               pattern_codes)
    m = pattern_codes.size
    if method == "auto":
        letters = pattern_letters(pattern_codes).size
        method = choose_search_method(text_codes.size, m, k, letters, alphabet_size,
                                      table=table is not None, costs=costs)
    if method == "filter":
        if table is not None:
            message = "the filter method supports only exact symbol equality; use --method scan"
            raise HammingError(message)
        if k >= m:
            return _all_windows(text_codes, pattern_codes)
        return _filter_search(text_codes, pattern_codes, k)
    if method == "scan":
        return scan_at_most(text_codes, pattern_codes, k, table)
    letters = pattern_letters(pattern_codes)
    if method == "bitpacked" and table is None and rolling_fits(m, letters.size):
        return rolling_search(text_codes, pattern_codes, letters, k)
    distances = hamming_profile(text_codes, pattern_codes, method=method,
                                mismatch_table=table, costs=costs)
    starts = np.flatnonzero(distances <= k).astype(np.int64)
    return starts, distances[starts]


def _all_windows(text: np.ndarray, pattern: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    distances = hamming_profile(text, pattern, method="naive")
    return np.arange(distances.size, dtype=np.int64), distances
