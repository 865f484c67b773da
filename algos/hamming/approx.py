"""Approximate Hamming profiles with stated guarantees.

``kp`` (Kopelowitz and Porat, "A Simple Algorithm for Approximating the
Text-To-Pattern Hamming Distance", SOSA 2018): map every symbol to one of
c = ⌈2/ε⌉ random colours and compute the exact distance between the colour
strings. Merging symbols can only turn mismatches into matches, so each
repetition is a lower bound. A mismatching pair survives unless its two
symbols share a colour (probability 1/c), so the expected loss is at most
HD/c = ε·HD/2, and by Markov's inequality one repetition loses more than
ε·HD with probability at most 1/2. The maximum over r independent
repetitions therefore satisfies, for every window,

    (1 - ε)·HD <= estimate <= HD, failing with probability at most 2**-r,

and r = ⌈log2(W/δ)⌉ makes all W windows hold at once with probability at
least 1 - δ (union bound). The upper bound always holds.

``sampling``: draw s pattern positions uniformly with replacement and count
the mismatches there, scaled by m/s. The match counts of all windows form
the equality product (A ⊙ B)[i, c] = #{t : A[i, t] = B[t, c]} of the
sampled text columns A[i, t] = T[i + j_t] with the sampled pattern letters
B[t, 0] = P[j_t], the counting step of the 3SUM route of Chan, Jin,
Vassilevska Williams and Xu (FOCS 2023). The product is computed directly in
O(W·s) time; the paper's speed-up for it needs fast matrix multiplication.
The estimate is unbiased and, by Hoeffding's inequality with
s = ⌈ln(2W/δ)/(2ε²)⌉,

    |estimate - HD| <= ε·m for all W windows with probability at least 1 - δ.

This is an additive guarantee. The paper's Õ(ε^-0.93·n) multiplicative
algorithm is not implemented.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from toolbox.algos.hamming.core import check_lengths, common_dtype, hamming_profile, validate_codes
from toolbox.algos.hamming.errors import HammingError
from toolbox.algos.hamming.letters import dense_codes, pattern_letters

__all__ = [
    "APPROX_METHODS",
    "approx_profile",
    "kp_profile",
    "kp_repetitions",
    "sample_size",
    "sampling_profile",
]

APPROX_METHODS = ("kp", "sampling")


def kp_repetitions(windows: int, delta: float) -> int:
    """Return r = ⌈log2(windows/δ)⌉, the repetitions that make every window hold w.p. 1 - δ."""
    return max(1, math.ceil(math.log2(max(1, windows) / delta)))


def sample_size(windows: int, eps: float, delta: float) -> int:
    """Return s = ⌈ln(2·windows/δ) / (2ε²)⌉ for an additive error of ε·m w.p. 1 - δ."""
    return max(1, math.ceil(math.log(2 * max(1, windows) / delta) / (2 * eps * eps)))


def _check_parameters(eps: float, delta: float) -> None:
    if not 0 < eps < 1:
        message = f"eps = {eps} is out of range; choose a value between 0 and 1 (exclusive)"
        raise HammingError(message)
    if not 0 < delta < 1:
        message = f"delta = {delta} is out of range; choose a value between 0 and 1 (exclusive)"
        raise HammingError(message)


def kp_profile(
    text: np.ndarray, pattern: np.ndarray, eps: float, rng: np.random.Generator,
    repetitions: int,
) -> np.ndarray:
    """Return the maximum over ``repetitions`` random colourings (a lower estimate, int32)."""
    colours = math.ceil(2 / eps)
    symbols = np.union1d(np.unique(text), pattern_letters(pattern))
    dtype = np.uint8 if colours <= 256 else np.uint32
    best = np.zeros(text.size - pattern.size + 1, dtype=np.int32)
    for _ in range(repetitions):
        colour_of = rng.integers(0, colours, symbols.size).astype(dtype)
        coloured_text = colour_of[np.searchsorted(symbols, text)]
        coloured_pattern = colour_of[np.searchsorted(symbols, pattern)]
        np.maximum(best, hamming_profile(coloured_text, coloured_pattern), out=best)
    return best


@njit(cache=True)
def _equality_product(text, offsets, right, out):
    # out[i, c] = #{t : text[i + offsets[t]] == right[t, c]}: the equality product of
    # A[i, t] = text[i + offsets[t]] (never materialised) with B = right.
    samples = offsets.shape[0]
    for i in range(out.shape[0]):
        for c in range(right.shape[1]):
            count = 0
            for t in range(samples):
                count += text[i + offsets[t]] == right[t, c]
            out[i, c] = count


def sampling_profile(
    text: np.ndarray, pattern: np.ndarray, samples: int, rng: np.random.Generator
) -> np.ndarray:
    """Return the unbiased sampled estimate m·(mismatches at samples)/samples (float64)."""
    m = pattern.size
    windows = text.size - m + 1
    positions = np.sort(rng.integers(0, m, samples))
    letters = pattern_letters(pattern)
    dense_text = dense_codes(text, letters)
    right = dense_codes(pattern, letters)[positions].reshape(samples, 1)
    matches = np.empty((windows, 1), dtype=np.int64)
    _equality_product(dense_text, positions.astype(np.int64), right, matches)
    return m * (samples - matches[:, 0]) / samples


def approx_profile(
    text: object,
    pattern: object,
    eps: float,
    *,
    method: str = "kp",
    delta: float = 0.01,
    seed: int = 0,
    repetitions: int | None = None,
) -> np.ndarray:
    """Return an approximate Hamming profile (see the module docstring for guarantees).

    ``kp`` returns int32 lower estimates; ``sampling`` returns float64
    estimates within ±ε·m. When the sample would not be smaller than the
    pattern, ``sampling`` returns the exact profile instead. ``repetitions`` (kp) overrides the number derived
    from ``delta``. Equal seeds give equal results.

    Examples
    --------
    >>> approx_profile([1, 2, 1, 2, 2], [1, 2, 2], 0.5, seed=1).tolist()
    [1, 2, 0]
    """
    _check_parameters(eps, delta)
    text_codes = validate_codes(text, "text")
    pattern_codes = validate_codes(pattern, "pattern")
    check_lengths(text_codes.size, pattern_codes.size)
    text_codes, pattern_codes = common_dtype(text_codes, pattern_codes)
    if method not in APPROX_METHODS:
        message = f"unknown method {method!r}; choose one of {', '.join(APPROX_METHODS)}"
        raise HammingError(message)
    if repetitions is not None and repetitions < 1:
        message = f"repetitions = {repetitions}; give 1 or more"
        raise HammingError(message)
    rng = np.random.default_rng(seed)
    windows = text_codes.size - pattern_codes.size + 1
    if method == "kp":
        count = repetitions or kp_repetitions(windows, delta)
        return kp_profile(text_codes, pattern_codes, eps, rng, count)
    samples = sample_size(windows, eps, delta)
    if samples >= pattern_codes.size:
        return hamming_profile(text_codes, pattern_codes).astype(np.float64)
    return sampling_profile(text_codes, pattern_codes, samples, rng)
