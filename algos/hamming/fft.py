"""FFT engines: match counts as sums of per-letter correlations.

For each pattern letter c, the number of positions where both the text
window and the pattern hold c is the correlation of the two 0/1 indicator
sequences. The text is cut into blocks of length L (a power of two, about
8·m) overlapping by m - 1; per block the letter spectra are multiplied by
the pattern's pre-computed spectra and summed in the frequency domain, so
one inverse transform per block gives every letter's total at once.

``packed_matches`` puts g letters into one transform: text letter k of a
group is weighted B**k and pattern letter k is weighted B**(g-1-k), with
B = 2**bit_length(m). Equal letters then land in the B**(g-1) digit and
unequal ones in other digits, and no digit total can exceed m < B, so the
digit is read back exactly from the rounded sum. This cuts the forward
transforms per block from d to ⌈d/g⌉. It is a floating-point analogue of
the bit-packed convolutions in Chan, Jin, Vassilevska Williams and Xu,
"Faster Algorithms for Text-to-Pattern Hamming Distances" (FOCS 2023),
not their word-RAM algorithm.

Both engines are exact: each block's result is checked to lie within 0.25
of an integer, and a block that fails the check is recounted directly.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from toolbox.algos.hamming.letters import dense_codes
from toolbox.algos.hamming.naive import shared_letter_counts

__all__ = [
    "fft_block_length",
    "fft_matches",
    "fft_matches_many",
    "packed_group_size",
    "packed_matches",
    "packed_matches_many",
]

_TOLERANCE = 0.25
_EXACT_BITS = 46  # digits above 2**46 risk float64 rounding errors in the transform


def fft_block_length(m: int) -> int:
    """Return the FFT block length used for a pattern of length ``m``."""
    return max(1 << 12, 1 << int(8 * m - 1).bit_length())


@njit(cache=True)
def _fill_weights(dense, start, stop, group_of, weight_of, block):
    block[:] = 0.0
    for i in range(start, stop):
        code = dense[i]
        if code != 0:
            block[group_of[code], i - start] = weight_of[code]


@njit(cache=True)
def _accumulate(spectra, pattern_spectra, total):
    groups, width = spectra.shape
    for f in range(width):
        total[f] = 0.0
    for g in range(groups):
        for f in range(width):
            total[f] += spectra[g, f] * pattern_spectra[g, f]


class _Transforms:
    """Forward (groups × L) and inverse (L) real transforms, pyfftw if available."""

    def __init__(self, groups: int, length: int):
        self.length = length
        try:
            import pyfftw
        except ImportError:  # NOTE: numpy.fft is several times slower per transform
            pyfftw = None
        self.block = np.zeros((groups, length), dtype=np.float64)
        self.total = np.zeros(length // 2 + 1, dtype=np.complex128)
        if pyfftw is not None:
            self.block = pyfftw.empty_aligned((groups, length), dtype="float64")
            self.total = pyfftw.empty_aligned(length // 2 + 1, dtype="complex128")
            self._forward = pyfftw.builders.rfft(
                self.block, axis=-1, threads=1, planner_effort="FFTW_ESTIMATE",
                overwrite_input=True, avoid_copy=True,
            )
            self._inverse = pyfftw.builders.irfft(
                self.total, n=length, threads=1, planner_effort="FFTW_ESTIMATE",
                overwrite_input=True, avoid_copy=True,
            )
        else:
            self._forward = lambda: np.fft.rfft(self.block, axis=-1)
            self._inverse = lambda: np.fft.irfft(self.total, n=length)

    def forward(self) -> np.ndarray:
        return self._forward()

    def inverse(self) -> np.ndarray:
        return self._inverse()


def _pattern_spectra(
    dense_pattern: np.ndarray, group_of: np.ndarray, weight_of: np.ndarray, transforms: _Transforms
) -> np.ndarray:
    m = dense_pattern.size
    reversed_pattern = np.ascontiguousarray(dense_pattern[::-1])
    _fill_weights(reversed_pattern, 0, m, group_of, weight_of, transforms.block)
    return transforms.forward().copy()


def _run_blocks(
    text: np.ndarray, patterns: list[np.ndarray], letters: np.ndarray, group_of: np.ndarray,
    text_weight: np.ndarray, pattern_weight: np.ndarray, groups: int, shift: int,
    outs: list[np.ndarray],
) -> int:
    """Compute match counts of ``letters`` into ``outs``; return the number of recounted blocks.

    All patterns have the same length and share each block's text
    transforms; each needs one accumulation and one inverse transform. With
    ``shift > 0`` the count is the digit of ``bit_length(m)`` bits that
    starts at bit ``shift`` of the rounded result.
    """
    m = patterns[0].size
    length = fft_block_length(m)
    transforms = _Transforms(groups, length)
    dense_patterns = [dense_codes(pattern, letters) for pattern in patterns]
    pattern_spectra = [
        _pattern_spectra(dense, group_of, pattern_weight, transforms) for dense in dense_patterns
    ]
    dense_text = dense_codes(text, letters)
    total = outs[0].size
    per_block = length - m + 1
    digit_mask = (1 << int(m).bit_length()) - 1
    recounted = 0
    for first in range(0, total, per_block):
        count = min(per_block, total - first)
        _fill_weights(dense_text, first, first + count + m - 1, group_of, text_weight,
                      transforms.block)
        spectra = transforms.forward()
        for dense_pattern, spectrum, out in zip(dense_patterns, pattern_spectra, outs,
                                                strict=True):
            _accumulate(spectra, spectrum, transforms.total)
            values = transforms.inverse()[m - 1:m - 1 + count]
            rounded = np.rint(values)
            if np.abs(values - rounded).max(initial=0.0) >= _TOLERANCE:
                recounted += 1
                window = dense_text[first:first + count + m - 1]
                shared_letter_counts(window, dense_pattern, out[first:first + count])
            elif shift:
                out[first:first + count] = (rounded.astype(np.int64) >> shift) & digit_mask
            else:
                out[first:first + count] = rounded
    return recounted


def fft_matches(text: np.ndarray, pattern: np.ndarray, letters: np.ndarray, out: np.ndarray) -> int:
    """Fill ``out[s]`` with the positions where ``text[s:s+m]`` and ``pattern`` share a letter.

    Only the codes in ``letters`` (a subset of the pattern's codes) are counted.
    Returns the number of blocks that failed the rounding check and were recounted.
    """
    return fft_matches_many(text, [pattern], letters, [out])


def fft_matches_many(
    text: np.ndarray, patterns: list[np.ndarray], letters: np.ndarray, outs: list[np.ndarray]
) -> int:
    """Like :func:`fft_matches` for several patterns of one length, sharing text transforms."""
    d = letters.size
    group_of = np.zeros(d + 1, dtype=np.int64)
    group_of[1:] = np.arange(d)
    weights = np.ones(d + 1, dtype=np.float64)
    return _run_blocks(text, patterns, letters, group_of, weights, weights, d, 0, outs)


def packed_group_size(m: int, d: int) -> int:
    """Return how many letters share one transform for pattern length ``m`` (1 = no packing)."""
    digit = int(m).bit_length()
    size = max(1, (_EXACT_BITS // digit + 1) // 2)
    return max(1, min(size, d))


def packed_matches(text: np.ndarray, pattern: np.ndarray, letters: np.ndarray, out: np.ndarray) -> int:
    """Like :func:`fft_matches`, with several letters packed into each transform."""
    return packed_matches_many(text, [pattern], letters, [out])


def packed_matches_many(
    text: np.ndarray, patterns: list[np.ndarray], letters: np.ndarray, outs: list[np.ndarray]
) -> int:
    """Like :func:`fft_matches_many`, with several letters packed into each transform."""
    m = patterns[0].size
    d = letters.size
    size = packed_group_size(m, d)
    if size == 1:
        return fft_matches_many(text, patterns, letters, outs)
    digit = int(m).bit_length()
    groups = (d + size - 1) // size
    group_of = np.zeros(d + 1, dtype=np.int64)
    text_weight = np.zeros(d + 1, dtype=np.float64)
    pattern_weight = np.zeros(d + 1, dtype=np.float64)
    for index in range(d):
        group, k = divmod(index, size)
        group_of[index + 1] = group
        text_weight[index + 1] = float(1 << (digit * k))
        pattern_weight[index + 1] = float(1 << (digit * (size - 1 - k)))
    shift = digit * (size - 1)
    return _run_blocks(text, patterns, letters, group_of, text_weight, pattern_weight, groups,
                       shift, outs)
