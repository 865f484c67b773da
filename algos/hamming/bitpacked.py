"""Bit-parallel Hamming engine: bit planes compared 64 positions per word.

Text and pattern are recoded onto the pattern's ``d`` letters (0 for any
other symbol) and split into ``b = bit_length(d)`` bit planes. A position
mismatches when any plane differs, so each 64-position word costs ``b`` XORs,
``b - 1`` ORs, one AND and a popcount. The pattern is pre-shifted to all 64
bit offsets, so the text planes are read at word boundaries and never
shifted. Cost per window: about ``b·⌈(m + 63)/64⌉`` word operations.

Short patterns (m·b <= 64) use a rolling word instead: the last m codes of
the text are kept in one uint64 (b bits each), updated by one shift and OR
per position, and compared with the packed pattern by one XOR; OR-ing the b
bits of each field and a popcount give the window's mismatches. That is a
constant number of word operations per position whatever m is.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from toolbox.algos.hamming.letters import dense_codes

__all__ = ["MAX_PLANES", "bitpacked_mismatches", "rolling_fits", "rolling_search"]

MAX_PLANES = 4  # up to 15 distinct pattern letters


@njit(cache=True, inline="always")
def _popcount(x):
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return (x * np.uint64(0x0101010101010101)) >> np.uint64(56)


@njit(cache=True, parallel=True)
def _bitpacked(text_planes, shifted, masks, out, parts):
    planes = shifted.shape[1]
    width = shifted.shape[2]
    total = out.shape[0]
    step = (total + parts - 1) // parts
    for part in prange(parts):
        stop = min(total, (part + 1) * step)
        for s in range(part * step, stop):
            word = s >> 6
            offset = s & 63
            count = np.uint64(0)
            for j in range(width):
                diff = text_planes[0, word + j] ^ shifted[offset, 0, j]
                for b in range(1, planes):
                    diff |= text_planes[b, word + j] ^ shifted[offset, b, j]
                count += _popcount(diff & masks[offset, j])
            out[s] = count


@njit(cache=True, inline="always")
def _field_mismatches(window, packed_pattern, bits, low):
    x = window ^ packed_pattern
    folded = x
    for b in range(1, bits):
        folded |= x >> np.uint64(b)
    return _popcount(folded & low)


@njit(cache=True)
def _rolling_profile(dense, packed_pattern, bits, m, low, mask, out):
    window = np.uint64(0)
    step = np.uint64(bits)
    for i in range(m - 1):
        window = (window << step) | np.uint64(dense[i])
    for s in range(out.shape[0]):
        window = ((window << step) | np.uint64(dense[s + m - 1])) & mask
        out[s] = _field_mismatches(window, packed_pattern, bits, low)


@njit(cache=True)
def _rolling_search(dense, packed_pattern, bits, m, low, mask, k, starts, counts):
    window = np.uint64(0)
    step = np.uint64(bits)
    limit = np.uint64(k)
    for i in range(m - 1):
        window = (window << step) | np.uint64(dense[i])
    found = 0
    for s in range(dense.shape[0] - m + 1):
        window = ((window << step) | np.uint64(dense[s + m - 1])) & mask
        count = _field_mismatches(window, packed_pattern, bits, low)
        if count <= limit:
            if found == starts.shape[0]:
                return -1
            starts[found] = s
            counts[found] = count
            found += 1
    return found


def rolling_fits(m: int, letters: int) -> bool:
    """Return True when m codes of bit_length(letters) bits fit in one 64-bit word."""
    return m * max(1, int(letters).bit_length()) <= 64


def _rolling_setup(pattern: np.ndarray, letters: np.ndarray) -> tuple:
    bits = max(1, int(letters.size).bit_length())
    m = pattern.size
    dense_pattern = dense_codes(pattern, letters)
    packed = 0
    low = 0
    for code in dense_pattern.tolist():
        packed = (packed << bits) | code
        low = (low << bits) | 1
    mask = (1 << (bits * m)) - 1
    return bits, np.uint64(packed), np.uint64(low), np.uint64(mask)


def rolling_search(
    text: np.ndarray, pattern: np.ndarray, letters: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return starts and counts of windows with at most ``k`` mismatches (needs rolling_fits)."""
    bits, packed, low, mask = _rolling_setup(pattern, letters)
    dense = dense_codes(text, letters)
    capacity = 1 << 12
    while True:
        starts = np.empty(capacity, dtype=np.int64)
        counts = np.empty(capacity, dtype=np.int32)
        found = _rolling_search(dense, packed, bits, pattern.size, low, mask, k, starts, counts)
        if found >= 0:
            return starts[:found], counts[:found]
        capacity *= 8


def _pack_planes(dense: np.ndarray, planes: int, words: int) -> np.ndarray:
    """Return a (planes, words) uint64 array: bit i of plane b is bit b of dense[i]."""
    packed = np.zeros((planes, words * 8), dtype=np.uint8)
    for b in range(planes):
        bits = np.packbits((dense >> b) & 1, bitorder="little")
        packed[b, : bits.size] = bits
    return packed.view(np.uint64)


def _shifted_pattern(dense: np.ndarray, planes: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the pattern planes and valid-position masks at each of the 64 bit offsets."""
    m = dense.size
    width = (m + 63 + 63) // 64
    shifted = np.zeros((64, planes, width), dtype=np.uint64)
    masks = np.zeros((64, width), dtype=np.uint64)
    ones = np.ones(m, dtype=np.uint8)
    for offset in range(64):
        placed = np.zeros(width * 64, dtype=dense.dtype)
        placed[offset:offset + m] = dense
        shifted[offset] = _pack_planes(placed, planes, width)
        valid = np.zeros(width * 64, dtype=np.uint8)
        valid[offset:offset + m] = ones
        masks[offset] = np.packbits(valid, bitorder="little").view(np.uint64)
    return shifted, masks


def bitpacked_mismatches(
    text: np.ndarray, pattern: np.ndarray, out: np.ndarray, letters: np.ndarray, threads: int = 1
) -> None:
    """Fill ``out`` with mismatch counts using bit planes (equality matching only).

    ``letters`` are the pattern's distinct codes; at most 15 are supported.
    """
    if rolling_fits(pattern.size, letters.size):
        bits, packed, low, mask = _rolling_setup(pattern, letters)
        _rolling_profile(dense_codes(text, letters), packed, bits, pattern.size, low, mask, out)
        return
    planes = max(1, int(letters.size).bit_length())
    dense_pattern = dense_codes(pattern, letters)
    dense_text = dense_codes(text, letters)
    shifted, masks = _shifted_pattern(dense_pattern, planes)
    width = shifted.shape[2]
    words = (text.size + 63) // 64 + width + 1
    text_planes = _pack_planes(dense_text, planes, words)
    _bitpacked(text_planes, shifted, masks, out, max(1, threads))
