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

``sampling``: draw s pattern positions j_1..j_s uniformly with replacement
and count the mismatches there, scaled by m/s. The match counts of all
windows form the equality product (A ⊙ B)[i, c] = #{t : A[i, t] = B[t, c]}
of the sampled text columns A[i, t] = T[i + j_t] with the sampled pattern
letters B[t, c] = P_c[j_t]. Patterns of one length share the positions and
so share one product with one column per pattern. Each pattern's positions
are still uniform and independent of its letters, so sharing changes no
pattern's guarantee (only the failures of different patterns become
correlated). The estimate is unbiased and, by Hoeffding's inequality with
s = ⌈ln(2W/δ)/(2ε²)⌉,

    |estimate - HD| <= ε·m for all W windows with probability at least 1 - δ.

The product is computed either directly (s·P comparisons per window, numba)
or as Σ_a (A == a) @ (B == a) over the letters a of B with BLAS matrix
multiplication, restricted for each letter to the rows of B that contain it,
in blocks of windows so that memory stays bounded. The matmul form runs one
product for all P columns, or one per column when the patterns' letters
differ at so many sampled positions that sharing saves nothing.
:func:`choose_product` picks direct or matmul by a measured cost model, and
all forms give the same counts.

This follows the counting step of the 3SUM route of Chan, Jin, Vassilevska
Williams and Xu ("Faster Algorithms for Text-to-Pattern Hamming Distances",
FOCS 2023): random sampling plus an equality product computed by matrix
multiplication. It is not their algorithm. BLAS multiplies in cubic time,
while their bounds need fast (subcubic, rectangular) matrix multiplication,
and Fredman's trick, which they use to turn 3SUM-like counts into equality
products, is not needed here because the sampled columns already give one.
The guarantee is additive (ε·m), not their Õ(ε^-0.93·n) multiplicative one.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from toolbox.algos.hamming.core import check_lengths, hamming_profile, validate_codes
from toolbox.algos.hamming.errors import HammingError
from toolbox.algos.hamming.letters import dense_codes, pattern_letters

__all__ = [
    "APPROX_METHODS",
    "PRODUCTS",
    "approx_profile",
    "approx_profiles",
    "choose_product",
    "equality_product",
    "kp_profile",
    "kp_repetitions",
    "letter_columns",
    "sample_size",
    "sampling_profile",
    "sampling_profiles",
]

APPROX_METHODS = ("kp", "sampling")
PRODUCTS = ("auto", "direct", "matmul")


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


# Cost model of the two ways to compute the equality product, in nanoseconds.
# direct: one comparison per window, sample and pattern (s·P per window).
# matmul: for each letter a of B, gather the columns T_a = {t : some B[t, c] = a}
# of A, compare them with a, and multiply the W×|T_a| indicator by the |T_a|×P
# one. Summed over letters that is C = Σ|T_a| <= min(P, letters)·s indicator
# columns. One product per pattern instead has C = s for each.
# Measured with bench/hamming_product.py (W = 2·10^5, s = 300 and W = 4·10^4,
# s = 3000; alphabets 4 and 20; P = 1..64; one OpenBLAS 0.3.31 thread) on a
# shared 2-core x86-64 Linux VM: direct costs 0.67-1.06 ns per W·s·P, and a
# matmul product 0.21-0.33 ns per W·C for one pattern, 0.43-1.2 for 4, 0.85-1.45
# for 16 and 2.2-2.85 for 64 (BLAS gains little from a narrow B). The fit
# 0.3 + 0.33·log2(P) ns per W·C follows these within about 40%. So matmul wins
# everywhere measured, even for one pattern, and one shared product beats one
# per pattern only when C stays well below P·s (small alphabets, many patterns:
# 4 letters and P = 64 at s = 300 take 0.55 s shared against 0.90 s split).
# NOTE: the log2 fit is untested beyond P = 64. Rerun the script and refit these
# constants on other hardware, where direct may win.
_DIRECT_NS = 0.75
_MATMUL_COLUMN_NS = 0.3
_MATMUL_DOUBLING_NS = 0.33

# Entries of one block of the matmul product: windows per block times the
# larger of s and P, which bounds both the indicator and the running sum.
_BLOCK_ENTRIES = 1 << 21


def _shared_matmul_cost(columns: int, patterns: int) -> float:
    return columns * (_MATMUL_COLUMN_NS + _MATMUL_DOUBLING_NS * math.log2(patterns))


def _split_matmul_cost(samples: int, patterns: int) -> float:
    # One product per pattern, each with C = s indicator columns.
    return patterns * samples * _MATMUL_COLUMN_NS


def choose_product(samples: int, columns: int, patterns: int) -> str:
    """Return ``"direct"`` or ``"matmul"``, whichever the cost model predicts is faster.

    ``columns`` is C = Σ_a |T_a|, the indicator columns of one matmul product
    for all P patterns (see :func:`letter_columns`). Per window, direct costs
    s·P comparisons, and matmul C indicator columns whose cost grows with
    log2(P), or s columns per pattern when it runs one product per pattern.
    """
    direct = samples * patterns * _DIRECT_NS
    matmul = min(_shared_matmul_cost(columns, patterns),
                 _split_matmul_cost(samples, patterns))
    return "matmul" if matmul < direct else "direct"


def letter_columns(right: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """Return, for each letter a of ``right``, the rows t where some column has a."""
    groups = []
    for letter in np.unique(right).tolist():
        rows = np.flatnonzero((right == letter).any(axis=1))
        groups.append((letter, rows))
    return groups


def _matmul_product(text: np.ndarray, offsets: np.ndarray, right: np.ndarray,
                    out: np.ndarray) -> None:
    # One product for all patterns shares each letter's indicator, but when the
    # patterns' letters differ at most sampled positions, C approaches P·s and
    # one product per pattern does fewer multiply-adds.
    groups = letter_columns(right)
    columns = sum(rows.size for _, rows in groups)
    patterns = right.shape[1]
    if patterns > 1 and (_split_matmul_cost(offsets.size, patterns)
                         < _shared_matmul_cost(columns, patterns)):
        for c in range(patterns):
            column = right[:, c:c + 1]
            _matmul_blocks(text, offsets, column, letter_columns(column), out[:, c:c + 1])
        return
    _matmul_blocks(text, offsets, right, groups, out)


def _matmul_blocks(text: np.ndarray, offsets: np.ndarray, right: np.ndarray,
                   groups: list[tuple[int, np.ndarray]], out: np.ndarray) -> None:
    # out = Σ_a (A[:, T_a] == a) @ (B[T_a] == a), block by block of windows.
    # Every partial sum is an integer <= s, so float32 is exact while s < 2^24.
    samples = offsets.size
    dtype = np.float32 if samples < 1 << 24 else np.float64
    windows = out.shape[0]
    view = np.lib.stride_tricks.sliding_window_view(text, int(offsets.max()) + 1)
    factors = [(letter, offsets[rows], (right[rows] == letter).astype(dtype))
               for letter, rows in groups]
    step = max(1, _BLOCK_ENTRIES // max(samples, right.shape[1]))
    for start in range(0, windows, step):
        stop = min(windows, start + step)
        total = np.zeros((stop - start, right.shape[1]), dtype=dtype)
        for letter, columns, indicator in factors:
            block = (view[start:stop, columns] == letter).astype(dtype)
            total += block @ indicator
        out[start:stop] = total


def equality_product(text: np.ndarray, offsets: np.ndarray, right: np.ndarray, *,
                     product: str = "auto") -> np.ndarray:
    """Return (A ⊙ B)[i, c] = #{t : text[i + offsets[t]] = right[t, c]} (int32 if s < 2^31).

    ``text`` and ``right`` hold integer codes, ``offsets`` the s sampled
    pattern positions (any order, repeats allowed) and ``right`` one column per
    pattern, so the result has one row per window i = 0 .. n - max(offsets) - 1.
    ``product`` picks the direct O(W·s·P) kernel, the BLAS ``matmul``, or
    ``auto`` (:func:`choose_product`). Both give identical counts.
    """
    if product not in PRODUCTS:
        message = f"unknown product {product!r}; choose one of {', '.join(PRODUCTS)}"
        raise HammingError(message)
    text = validate_codes(text, "text")
    offsets = np.asarray(offsets, dtype=np.int64)
    right = np.asarray(right)
    if not np.issubdtype(right.dtype, np.integer):
        message = f"right must hold integer codes, got dtype {right.dtype}"
        raise HammingError(message)
    if offsets.ndim != 1 or offsets.size == 0 or right.ndim != 2 or right.shape[0] != offsets.size:
        message = (f"offsets of shape {offsets.shape} and right of shape {right.shape} do not "
                   "fit; give s >= 1 offsets and an s×P right-hand matrix")
        raise HammingError(message)
    if offsets.min() < 0 or offsets.max() >= text.size:
        message = f"offsets must lie in [0, {text.size}); got {offsets.min()}..{offsets.max()}"
        raise HammingError(message)
    dtype = np.int32 if offsets.size < 1 << 31 else np.int64
    # Column-major, so that each pattern's counts (a column) are contiguous.
    out = np.empty((right.shape[1], text.size - int(offsets.max())), dtype=dtype).T
    if product == "auto":
        columns = sum(rows.size for _, rows in letter_columns(right))
        product = choose_product(offsets.size, columns, right.shape[1])
    if product == "direct":
        _equality_product(text, offsets, right, out)
    else:
        _matmul_product(text, offsets, right, out)
    return out


def sampling_profiles(
    text: np.ndarray, patterns: list[np.ndarray], samples: int, rng: np.random.Generator,
    *, product: str = "auto",
) -> np.ndarray:
    """Return the sampled estimates of patterns of one length, one row each (float64).

    All patterns share the s positions drawn from ``rng`` and one equality
    product. Row c equals ``sampling_profile(text, patterns[c], samples, rng)``
    from the same generator state.
    """
    if not patterns:
        message = "no pattern given; give at least one"
        raise HammingError(message)
    m = patterns[0].size
    if any(pattern.size != m for pattern in patterns):
        message = f"patterns have lengths {sorted({p.size for p in patterns})}; give one length"
        raise HammingError(message)
    positions = np.sort(rng.integers(0, m, samples))
    letters = pattern_letters(np.concatenate(patterns))
    dense_text = dense_codes(text[: text.size - m + 1 + int(positions.max())], letters)
    right = np.stack([dense_codes(pattern, letters)[positions] for pattern in patterns], axis=1)
    matches = equality_product(dense_text, positions, right, product=product)
    # m·(s - matches)/s in place: every step before the division is exact.
    estimates = matches.T.astype(np.float64, order="C")
    np.subtract(samples, estimates, out=estimates)
    estimates *= m
    estimates /= samples
    return estimates


def sampling_profile(
    text: np.ndarray, pattern: np.ndarray, samples: int, rng: np.random.Generator,
    *, product: str = "auto",
) -> np.ndarray:
    """Return the unbiased sampled estimate m·(mismatches at samples)/samples (float64)."""
    return sampling_profiles(text, [pattern], samples, rng, product=product)[0]


def approx_profile(
    text: object,
    pattern: object,
    eps: float,
    *,
    method: str = "kp",
    delta: float = 0.01,
    seed: int = 0,
    repetitions: int | None = None,
    product: str = "auto",
) -> np.ndarray:
    """Return an approximate Hamming profile (see the module docstring for guarantees).

    ``kp`` returns int32 lower estimates; ``sampling`` returns float64
    estimates within ±ε·m. When the sample would not be smaller than the
    pattern, ``sampling`` returns the exact profile instead. ``repetitions``
    (kp) overrides the number derived from ``delta``; ``product`` (sampling)
    picks how the equality product is computed (:func:`equality_product`) and
    does not change the result. Equal seeds give equal results.

    Examples
    --------
    >>> approx_profile([1, 2, 1, 2, 2], [1, 2, 2], 0.5, seed=1).tolist()
    [1, 2, 0]
    """
    return approx_profiles(text, [pattern], eps, method=method, delta=delta, seed=seed,
                           repetitions=repetitions, product=product)[0]


def approx_profiles(
    text: object,
    patterns: list[object],
    eps: float,
    *,
    method: str = "kp",
    delta: float = 0.01,
    seed: int = 0,
    repetitions: int | None = None,
    product: str = "auto",
) -> list[np.ndarray]:
    """Return :func:`approx_profile` of each of several patterns of one length.

    ``sampling`` draws one set of positions for all patterns and computes one
    equality product; ``kp`` draws separate colourings for each pattern in
    turn. Either way each profile keeps its own guarantee. With one pattern the
    result equals :func:`approx_profile` for the same seed.
    """
    _check_parameters(eps, delta)
    if method not in APPROX_METHODS:
        message = f"unknown method {method!r}; choose one of {', '.join(APPROX_METHODS)}"
        raise HammingError(message)
    if product not in PRODUCTS:
        message = f"unknown product {product!r}; choose one of {', '.join(PRODUCTS)}"
        raise HammingError(message)
    if repetitions is not None and repetitions < 1:
        message = f"repetitions = {repetitions}; give 1 or more"
        raise HammingError(message)
    if not patterns:
        message = "no pattern given; give at least one"
        raise HammingError(message)
    text_codes = validate_codes(text, "text")
    pattern_codes = [validate_codes(pattern, "pattern") for pattern in patterns]
    m = pattern_codes[0].size
    for codes in pattern_codes:
        check_lengths(text_codes.size, codes.size)
        if codes.size != m:
            message = f"patterns of {m} and {codes.size} symbols; give patterns of one length"
            raise HammingError(message)
    dtype = np.result_type(text_codes, *pattern_codes)
    text_codes = text_codes.astype(dtype, copy=False)
    pattern_codes = [codes.astype(dtype, copy=False) for codes in pattern_codes]
    rng = np.random.default_rng(seed)
    windows = text_codes.size - m + 1
    if method == "kp":
        count = repetitions or kp_repetitions(windows, delta)
        return [kp_profile(text_codes, codes, eps, rng, count) for codes in pattern_codes]
    samples = sample_size(windows, eps, delta)
    if samples >= m:
        return [hamming_profile(text_codes, codes).astype(np.float64) for codes in pattern_codes]
    return list(sampling_profiles(text_codes, pattern_codes, samples, rng, product=product))
