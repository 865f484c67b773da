"""Refit the cost model's constants by timing each engine on random text.

Each constant is the best of three timings divided by the work the cost
model counts for that run (see :mod:`toolbox.algos.hamming.costmodel`), so
predictions on this machine match what was measured here.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from toolbox.algos.hamming.abrahamson import abrahamson_matches
from toolbox.algos.hamming.core import hamming_profile
from toolbox.algos.hamming.costmodel import CostModel
from toolbox.algos.hamming.fft import fft_block_length
from toolbox.algos.hamming.kmismatch import kmismatch_search

__all__ = ["calibrate"]


def _best_of_three(function: Callable[[], object]) -> float:
    function()  # compile or plan outside the timing
    times = []
    for _ in range(3):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def calibrate(n: int = 1 << 21, seed: int = 0) -> CostModel:
    """Time every engine on ``n`` random symbols and return the fitted constants."""
    rng = np.random.default_rng(seed)
    dna = rng.integers(0, 4, n).astype(np.uint8)
    m = 256
    pattern = dna[1000:1000 + m].copy()
    windows = n - m + 1

    naive = _best_of_three(lambda: hamming_profile(dna, pattern, method="naive"))
    short = dna[:16].copy()
    naive_short = _best_of_three(lambda: hamming_profile(dna, short, method="naive"))
    # Two pattern lengths give the per-window and per-symbol parts of the naive cost.
    per_symbol = max(1e-13, (naive / windows - naive_short / (n - 15)) / (m - 16))
    per_window = max(1e-12, naive_short / (n - 15) - 16 * per_symbol)
    bits = _best_of_three(lambda: hamming_profile(dna, pattern, method="bitpacked"))
    fft = _best_of_three(lambda: hamming_profile(dna, pattern, method="fft"))

    length = fft_block_length(m)
    transform_work = windows * 5 * length * math.log2(length) / (length - m + 1)
    planes = (4).bit_length()

    # Pair counting alone (every letter light) on a 200-letter text, at two
    # pattern lengths, gives the per-window and per-pair parts of its cost.
    wide = rng.integers(0, 200, n).astype(np.uint8)
    scatter_times = []
    for length in (16, m):
        wide_pattern = wide[:length].copy()
        letters, counts = np.unique(wide_pattern, return_counts=True)
        text_counts = np.bincount(wide, minlength=256)[letters]
        out = np.empty(wide.size - length + 1, dtype=np.int32)
        seconds = _best_of_three(
            lambda p=wide_pattern, o=out, light=letters: abrahamson_matches(
                wide, p, light[:0], light, o)
        )
        scatter_times.append((seconds, float((counts * text_counts).sum()), out.size))
    (short_time, short_pairs, short_windows), (long_time, long_pairs, _) = scatter_times
    per_pair = max(1e-12, (long_time - short_time) / max(1.0, long_pairs - short_pairs))
    per_scatter_window = max(1e-12, (short_time - short_pairs * per_pair) / short_windows)

    probe = dna[5000:5020].copy()
    filtering = _best_of_three(lambda: kmismatch_search(dna, probe, 3, method="filter"))
    scanning = _best_of_three(lambda: kmismatch_search(dna, probe, 3, method="scan"))
    probe_windows = n - probe.size + 1

    return CostModel(
        naive=per_symbol,
        naive_window=per_window,
        bit_word=bits / (windows * planes * ((m + 126) // 64)),
        fft_point=fft / transform_work,
        scatter=per_pair,
        scatter_window=per_scatter_window,
        filter=filtering / (n * 4),
        scan=scanning / CostModel(scan=1.0).scan_time(probe_windows, probe.size, 3, 4),
    )
