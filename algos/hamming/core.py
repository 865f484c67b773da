"""Exact text-to-pattern Hamming distances: validated entry points and engine choice.

For a text T of length n and a pattern P of length m <= n, the profile is
``D[s] = #{j : T[s+j] != P[j]}`` for s = 0 .. n - m. All engines return the
same integers; they differ in cost:

=========== =========================================== ========================
method      work per window                             matching rule
=========== =========================================== ========================
naive       m symbol comparisons (SIMD)                 equality or IUPAC table
bitpacked   planes · ⌈(m+63)/64⌉ word operations        equality, <= 15 letters
fft         (d + 1) transforms per block of ~8m windows equality
sumset      (⌈d/g⌉ + 1) transforms, g letters packed    equality
abrahamson  FFT for heavy letters, pair counts for rare equality
=========== =========================================== ========================

(d = distinct pattern letters.) ``method="auto"`` picks the engine with the
lowest predicted time from :class:`~toolbox.algos.hamming.costmodel.CostModel`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from toolbox.algos.hamming.abrahamson import abrahamson_matches, split_heavy_letters
from toolbox.algos.hamming.bitpacked import MAX_PLANES, bitpacked_mismatches
from toolbox.algos.hamming.costmodel import CostModel, load_costs
from toolbox.algos.hamming.errors import HammingError
from toolbox.algos.hamming.fft import (
    fft_matches,
    fft_matches_many,
    packed_group_size,
    packed_matches,
    packed_matches_many,
)
from toolbox.algos.hamming.letters import dense_codes, pattern_letters
from toolbox.algos.hamming.naive import naive_mismatches

__all__ = [
    "METHODS",
    "Choice",
    "check_lengths",
    "choose_method",
    "common_dtype",
    "hamming_profile",
    "hamming_profiles",
    "validate_codes",
    "validate_table",
]

METHODS = ("auto", "naive", "bitpacked", "fft", "sumset", "abrahamson")


@dataclass(frozen=True)
class Choice:
    """An engine picked for one pattern, with its predicted time in seconds."""

    method: str
    predicted: float


def validate_codes(array: object, what: str) -> np.ndarray:
    """Return ``array`` as a contiguous 1-D unsigned integer array, or raise HammingError."""
    codes = np.asarray(array)
    if codes.ndim != 1:
        message = f"{what} must be one-dimensional, got shape {codes.shape}"
        raise HammingError(message)
    if codes.size and not np.issubdtype(codes.dtype, np.integer):
        message = f"{what} must hold integer codes, got dtype {codes.dtype}"
        raise HammingError(message)
    if codes.size and np.issubdtype(codes.dtype, np.signedinteger) and codes.min() < 0:
        message = f"{what} contains negative code {int(codes.min())}; codes must be >= 0"
        raise HammingError(message)
    if codes.dtype not in (np.uint8, np.uint16, np.uint32):
        top = int(codes.max()) if codes.size else 0
        if top >= 1 << 32:
            message = f"{what} contains code {top}; codes must be below 2**32"
            raise HammingError(message)
        codes = codes.astype(np.uint8 if top < 256 else np.uint32)
    return np.ascontiguousarray(codes)


def common_dtype(text: np.ndarray, pattern: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if text.dtype == pattern.dtype:
        return text, pattern
    dtype = np.promote_types(text.dtype, pattern.dtype)
    return text.astype(dtype), pattern.astype(dtype)


def check_lengths(n: int, m: int) -> None:
    if m == 0:
        message = "the pattern is empty; give a pattern of at least one symbol"
        raise HammingError(message)
    if m > n:
        message = f"the pattern ({m} symbols) is longer than the text ({n} symbols)"
        raise HammingError(message)


def choose_method(
    n: int, m: int, letters: int, *, table: bool = False, costs: CostModel | None = None,
    pattern: np.ndarray | None = None, text_sample: np.ndarray | None = None,
) -> Choice:
    """Return the engine with the lowest predicted time for these sizes.

    ``letters`` is the number of distinct pattern letters; ``table`` is true
    for a non-equality matching rule, which only ``naive`` supports. Given
    the ``pattern`` and a ``text_sample`` (for its letter frequencies),
    ``abrahamson`` is considered too.
    """
    costs = costs or load_costs()
    windows = max(1, n - m + 1)
    if table:
        return Choice("naive", costs.naive_time(windows, m))
    options = {
        "naive": costs.naive_time(windows, m),
        "fft": costs.fft_time(windows, m, letters),
        "sumset": costs.fft_time(windows, m, -(-letters // packed_group_size(m, letters))),
    }
    if letters.bit_length() <= MAX_PLANES:
        options["bitpacked"] = costs.bitpacked_time(windows, m, letters)
    if pattern is not None and text_sample is not None and text_sample.size:
        options["abrahamson"] = _abrahamson_time(costs, windows, pattern, text_sample)
    method = min(options, key=options.__getitem__)
    return Choice(method, options[method])


def letter_transform_cost(costs: CostModel, m: int) -> float:
    """Return the predicted seconds per text symbol of one more letter's FFT correlation."""
    probe = 1 << 16
    return (costs.fft_time(probe, m, 1) - costs.fft_time(probe, m, 0)) / probe


def _abrahamson_time(
    costs: CostModel, windows: int, pattern: np.ndarray, text_sample: np.ndarray
) -> float:
    m = pattern.size
    heavy, light = split_heavy_letters(text_sample, pattern, costs.scatter,
                                       letter_transform_cost(costs, m))
    letters, pattern_counts = np.unique(pattern, return_counts=True)
    text_counts = np.bincount(dense_codes(text_sample, letters), minlength=letters.size + 1)[1:]
    is_light = np.isin(letters, light)
    pairs = float((pattern_counts[is_light] * text_counts[is_light].astype(np.float64)).sum())
    pairs *= windows / text_sample.size
    transforms = costs.fft_time(windows, m, heavy.size) if heavy.size else 0.0
    return transforms + windows * costs.scatter_window + pairs * costs.scatter


def hamming_profile(
    text: object,
    pattern: object,
    *,
    method: str = "auto",
    mismatch_table: np.ndarray | None = None,
    threads: int = 1,
    costs: CostModel | None = None,
) -> np.ndarray:
    """Return the Hamming distance of ``pattern`` to every window of ``text``.

    Parameters
    ----------
    text, pattern : 1-D arrays of non-negative integer codes
        Symbols already encoded (see :mod:`toolbox.algos.hamming.alphabet`).
    method : one of ``METHODS``
        Engine; ``auto`` uses the cost model.
    mismatch_table : (K, K) uint8 array, optional
        ``table[t, p] == 1`` where text code t does not match pattern code p;
        None means equal codes match. Only ``naive`` supports a table.
    threads : int
        Worker threads for ``naive`` and ``bitpacked``.

    Returns
    -------
    numpy.ndarray of int32, length ``n - m + 1``.

    Raises
    ------
    HammingError
        Empty pattern, pattern longer than text, invalid codes, unknown
        method, or a table with an engine other than ``naive``.

    Examples
    --------
    >>> hamming_profile([1, 2, 1, 2, 2], [1, 2, 2]).tolist()
    [1, 2, 0]
    """
    text_codes = validate_codes(text, "text")
    pattern_codes = validate_codes(pattern, "pattern")
    check_lengths(text_codes.size, pattern_codes.size)
    text_codes, pattern_codes = common_dtype(text_codes, pattern_codes)
    if method not in METHODS:
        message = f"unknown method {method!r}; choose one of {', '.join(METHODS)}"
        raise HammingError(message)
    table = None if mismatch_table is None else validate_table(mismatch_table, text_codes,
                                                               pattern_codes)
    if table is not None and method not in ("auto", "naive"):
        message = f"method {method!r} supports only exact symbol equality; use --method naive"
        raise HammingError(message)
    letters = pattern_letters(pattern_codes)
    if method == "auto":
        method = choose_method(text_codes.size, pattern_codes.size, letters.size,
                               table=table is not None, costs=costs, pattern=pattern_codes,
                               text_sample=text_codes[:1 << 20]).method
    return _run_engine(method, text_codes, pattern_codes, letters, table, threads, costs)


def hamming_profiles(
    text: object,
    patterns: list[object],
    *,
    method: str = "auto",
    mismatch_table: np.ndarray | None = None,
    threads: int = 1,
    costs: CostModel | None = None,
) -> list[np.ndarray]:
    """Return :func:`hamming_profile` for each of several patterns of one length.

    With ``fft`` and ``sumset`` (chosen by ``auto`` from the union of the
    patterns' letters) every block of text is transformed once for all
    patterns; other engines run once per pattern.

    Examples
    --------
    >>> [p.tolist() for p in hamming_profiles([1, 2, 1, 2], [[1, 2], [2, 2]], method="fft")]
    [[0, 2, 0], [1, 1, 1]]
    """
    text_codes = validate_codes(text, "text")
    codes = [validate_codes(p, f"pattern {index + 1}") for index, p in enumerate(patterns)]
    if not codes:
        return []
    lengths = {pattern.size for pattern in codes}
    if len(lengths) > 1:
        message = f"patterns must have one length to share work, got lengths {sorted(lengths)}"
        raise HammingError(message)
    check_lengths(text_codes.size, codes[0].size)
    union = np.unique(np.concatenate(codes))
    if method == "auto":
        method = choose_method(text_codes.size, codes[0].size, union.size,
                               table=mismatch_table is not None, costs=costs).method
    if method not in ("fft", "sumset") or len(codes) == 1 or mismatch_table is not None:
        return [
            hamming_profile(text_codes, pattern, method=method, mismatch_table=mismatch_table,
                            threads=threads, costs=costs)
            for pattern in codes
        ]
    dtype = np.promote_types(text_codes.dtype, union.dtype)
    text_codes = text_codes.astype(dtype, copy=False)
    codes = [pattern.astype(dtype, copy=False) for pattern in codes]
    m = codes[0].size
    outs = [np.empty(text_codes.size - m + 1, dtype=np.int32) for _ in codes]
    engine = fft_matches_many if method == "fft" else packed_matches_many
    engine(text_codes, codes, union.astype(dtype), outs)
    for out in outs:
        np.subtract(m, out, out=out)
    return outs


def validate_table(table: np.ndarray, text: np.ndarray, pattern: np.ndarray) -> np.ndarray:
    table = np.ascontiguousarray(table, dtype=np.uint8)
    top = max(int(text.max(initial=0)), int(pattern.max(initial=0)))
    if table.ndim != 2 or table.shape[0] <= top or table.shape[1] <= top:
        message = f"mismatch table of shape {table.shape} does not cover code {top}"
        raise HammingError(message)
    return table


def _run_engine(
    method: str, text: np.ndarray, pattern: np.ndarray, letters: np.ndarray,
    table: np.ndarray | None, threads: int, costs: CostModel | None,
) -> np.ndarray:
    m = pattern.size
    out = np.empty(text.size - m + 1, dtype=np.int32)
    if method == "naive":
        naive_mismatches(text, pattern, out, table, threads)
        return out
    if method == "bitpacked":
        if letters.size.bit_length() > MAX_PLANES:
            message = (
                f"the bitpacked method supports at most {2 ** MAX_PLANES - 1} distinct pattern "
                f"letters, this pattern has {letters.size}; use another method"
            )
            raise HammingError(message)
        bitpacked_mismatches(text, pattern, out, letters, threads)
        return out
    if method == "fft":
        fft_matches(text, pattern, letters, out)
    elif method == "sumset":
        packed_matches(text, pattern, letters, out)
    else:
        costs = costs or load_costs()
        heavy, light = split_heavy_letters(text, pattern, costs.scatter,
                                           letter_transform_cost(costs, m))
        abrahamson_matches(text, pattern, heavy, light, out)
    np.subtract(m, out, out=out)
    return out
