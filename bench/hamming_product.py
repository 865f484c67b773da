"""Time the direct and matmul equality products behind `hamming approx --method sampling`.

Run from the repository root with one BLAS thread, so both sides use one core:

    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/hamming_product.py 200000 300 1,4,16,64

Arguments: windows W, samples s, comma-separated pattern counts P. Prints
seconds and the per-entry costs that the constants in
toolbox/algos/hamming/approx.py (_DIRECT_NS, _MATMUL_*_NS) are fitted to:
direct per W·s·P comparison, and matmul per W·C indicator entry, both for
one product shared by the P patterns (C = Σ_a |T_a| columns) and for one
product per pattern (C = s each). Checks that the products agree first.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from toolbox.algos.hamming.approx import _equality_product, _matmul_blocks, letter_columns


def best_seconds(function, *args, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    windows, samples = int(sys.argv[1]), int(sys.argv[2])
    counts = [int(value) for value in sys.argv[3].split(",")]
    m = 4000
    rng = np.random.default_rng(0)
    for sigma in (4, 20):
        text = rng.integers(1, sigma + 1, windows + m - 1).astype(np.uint8)
        offsets = np.sort(rng.integers(0, m, samples)).astype(np.int64)
        for patterns in counts:
            right = rng.integers(1, sigma + 1, (samples, patterns)).astype(np.uint8)
            rows = text.size - int(offsets.max())
            groups = letter_columns(right)
            direct = np.empty((rows, patterns), np.int64)
            shared = np.empty_like(direct)
            split = np.empty_like(direct)
            _equality_product(text, offsets, right, direct)
            _matmul_blocks(text, offsets, right, groups, shared)
            split_product(text, offsets, right, split)
            assert (direct == shared).all()
            assert (direct == split).all()
            direct_time = best_seconds(_equality_product, text, offsets, right, direct)
            shared_time = best_seconds(_matmul_blocks, text, offsets, right, groups, shared)
            split_time = best_seconds(split_product, text, offsets, right, split)
            columns = sum(group.size for _, group in groups)
            print(f"sigma={sigma} P={patterns} C={columns}: "
                  f"direct {direct_time:.3f} s ({direct_time / rows / samples / patterns * 1e9:.3f} "
                  f"ns per W·s·P), shared matmul {shared_time:.3f} s "
                  f"({shared_time / rows / columns * 1e9:.3f} ns per W·C), "
                  f"split matmul {split_time:.3f} s "
                  f"({split_time / rows / samples / patterns * 1e9:.3f} ns per W·s·P)", flush=True)


def split_product(text, offsets, right, out) -> None:
    for c in range(right.shape[1]):
        column = right[:, c:c + 1]
        _matmul_blocks(text, offsets, column, letter_columns(column), out[:, c:c + 1])

if __name__ == "__main__":
    main()
