"""Time the direct and matmul equality products behind `hamming approx --method sampling`.

Run from the repository root with one BLAS thread, so both sides use one core:

    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/hamming_product.py 200000 300 1,4,16,64

Arguments: windows W, samples s, comma-separated pattern counts P. Prints
seconds and the per-entry costs that the constants in
toolbox/algos/hamming/approx.py (_DIRECT_NS, _MATMUL_*_NS) are fitted to:
direct per W·s·P comparison, matmul per W·C indicator entry, where C is the
number of indicator columns. Checks that both products agree before timing.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from toolbox.algos.hamming.approx import _equality_product, _matmul_product, letter_columns


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
            direct = np.empty((rows, patterns), np.int64)
            matmul = np.empty_like(direct)
            _equality_product(text, offsets, right, direct)
            _matmul_product(text, offsets, right, matmul)
            assert (direct == matmul).all()
            direct_time = best_seconds(_equality_product, text, offsets, right, direct)
            matmul_time = best_seconds(_matmul_product, text, offsets, right, matmul)
            columns = sum(group.size for _, group in letter_columns(right))
            print(f"sigma={sigma} P={patterns} C={columns} "
                  f"direct {direct_time:.3f} s ({direct_time / rows / samples / patterns * 1e9:.3f} "
                  f"ns per W·s·P), matmul {matmul_time:.3f} s "
                  f"({matmul_time / rows / columns * 1e9:.3f} ns per W·C), "
                  f"direct/matmul {direct_time / matmul_time:.2f}", flush=True)


if __name__ == "__main__":
    main()
