"""Recoding of text and pattern onto the pattern's own letters.

Only letters that occur in the pattern can ever match, so the engines that
work per letter (bit planes, FFT) map the pattern's ``d`` distinct codes to
1..d and every other text code to 0, which matches nothing.
"""

from __future__ import annotations

import numpy as np

__all__ = ["dense_codes", "pattern_letters"]


def pattern_letters(pattern: np.ndarray) -> np.ndarray:
    """Return the sorted distinct codes of ``pattern``."""
    return np.unique(pattern)


def dense_codes(codes: np.ndarray, letters: np.ndarray) -> np.ndarray:
    """Map each code to 1 + its index in the sorted ``letters``, or 0 if absent.

    Returns uint8 when ``len(letters) < 256``, else uint16.
    """
    dtype = np.uint8 if letters.size < 256 else np.uint16
    if codes.dtype == np.uint8:
        table = np.zeros(256, dtype=dtype)
        table[letters] = np.arange(1, letters.size + 1, dtype=dtype)
        return table[codes]
    index = np.searchsorted(letters, codes)
    index = np.minimum(index, letters.size - 1)
    found = letters[index] == codes
    return np.where(found, index + 1, 0).astype(dtype)
