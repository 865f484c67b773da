"""Abrahamson's heavy/light split (SIAM J. Comput. 16(6), 1987).

Frequent ("heavy") pattern letters are counted with one FFT correlation
each; for a rare ("light") letter c every pair of an occurrence of c in the
text and one in the pattern adds one match to the shift between them, which
costs occ_T(c)·occ_P(c) additions. A letter is heavy when its pair count
would cost more than its share of a transform, using the cost model's
constants rather than the textbook threshold sqrt(m log m).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from toolbox.algos.hamming.fft import fft_matches
from toolbox.algos.hamming.letters import dense_codes

__all__ = ["abrahamson_matches", "split_heavy_letters"]


@njit(cache=True)
def _scatter(dense_text, positions, offsets, out):
    total = out.shape[0]
    for i in range(dense_text.shape[0]):
        code = dense_text[i]
        if code == 0:
            continue
        for q in range(offsets[code - 1], offsets[code]):
            s = i - positions[q]
            if 0 <= s < total:
                out[s] += 1


def split_heavy_letters(
    text: np.ndarray, pattern: np.ndarray, scatter_cost: float, letter_fft_cost: float
) -> tuple[np.ndarray, np.ndarray]:
    """Return (heavy, light) pattern letters for costs in seconds per pair and per text symbol."""
    letters, pattern_counts = np.unique(pattern, return_counts=True)
    dense = dense_codes(text, letters)
    text_counts = np.bincount(dense, minlength=letters.size + 1)[1:]
    pair_cost = pattern_counts * text_counts.astype(np.float64) * scatter_cost
    heavy = pair_cost > letter_fft_cost * max(1, text.size)
    return letters[heavy], letters[~heavy]


def abrahamson_matches(
    text: np.ndarray, pattern: np.ndarray, heavy: np.ndarray, light: np.ndarray, out: np.ndarray
) -> None:
    """Fill ``out`` with match counts: FFT for ``heavy`` letters, pair counting for ``light``."""
    out[:] = 0
    if heavy.size:
        fft_matches(text, pattern, heavy, out)
    if light.size:
        dense_pattern = dense_codes(pattern, light)
        order = np.argsort(dense_pattern, kind="stable")
        keep = order[dense_pattern[order] != 0]
        positions = keep.astype(np.int64)
        offsets = np.searchsorted(dense_pattern[keep], np.arange(1, light.size + 2)).astype(np.int64)
        light_counts = np.zeros(out.size, dtype=np.int64)
        _scatter(dense_codes(text, light), positions, offsets, light_counts)
        out += light_counts.astype(out.dtype)
