"""Bit-parallel Hamming engine: bit planes compared 64 positions per word.

Text and pattern are recoded onto the pattern's ``d`` letters (0 for any
other symbol) and split into ``b = bit_length(d)`` bit planes. A position
mismatches when any plane differs, so each 64-position word costs ``b`` XORs,
``b - 1`` ORs, one AND and a popcount. The pattern is pre-shifted to all 64
bit offsets, so the text planes are read at word boundaries and never
shifted. Cost per window: about ``b·⌈(m + 63)/64⌉`` word operations.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from toolbox.algos.hamming.letters import dense_codes

__all__ = ["MAX_PLANES", "bitpacked_mismatches"]

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
    planes = max(1, int(letters.size).bit_length())
    dense_pattern = dense_codes(pattern, letters)
    dense_text = dense_codes(text, letters)
    shifted, masks = _shifted_pattern(dense_pattern, planes)
    width = shifted.shape[2]
    words = (text.size + 63) // 64 + width + 1
    text_planes = _pack_planes(dense_text, planes, words)
    _bitpacked(text_planes, shifted, masks, out, max(1, threads))
