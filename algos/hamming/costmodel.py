"""Cost model that predicts each engine's run time and picks the cheapest.

Every prediction is (number of windows) × (seconds per window), with one
fitted constant per engine:

* naive: ``naive_window`` seconds per window plus ``naive`` seconds per
  symbol compared (m per window).
* bitpacked: ``bit_word`` seconds per word operation, times
  planes·⌈(m + 63)/64⌉, or times 2 when the rolling word is used (m·planes <= 64).
* fft and sumset: ``fft_point`` seconds per point of a length-L real
  transform and log2(L) stage, times (transforms per block + 1)·L·log2(L),
  divided by the L - m + 1 windows per block.
* abrahamson: the FFT term for the heavy letters plus ``scatter_window``
  seconds per window and ``scatter`` seconds per light letter pair.
* filter (k-mismatch search): ``filter`` seconds per text symbol and piece,
  plus a naive verification of each expected chance candidate.
* scan (k-mismatch search): ``scan`` seconds per symbol compared, with
  about (k + 1)·σ/(σ - 1) comparisons per window on random text.

The defaults are rounded from ``toolbox hamming calibrate`` and
``bench/hamming.py`` runs on a shared 2-core x86-64 machine (numba 0.68,
pyfftw 0.15), where timings varied by up to 2x between runs; ``calibrate``
refits them for the machine it runs on and saves them where
:func:`load_costs` finds them.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

__all__ = ["CostModel", "costs_path", "load_costs", "save_costs"]


@dataclass
class CostModel:
    """Fitted seconds per unit of work for each engine (see the module docstring)."""

    naive: float = 6.5e-11
    naive_window: float = 1.5e-9
    bit_word: float = 2.5e-9
    fft_point: float = 4.0e-10
    scatter: float = 1.0e-9
    scatter_window: float = 2.5e-8
    filter: float = 1.4e-9
    scan: float = 4.0e-9

    def naive_time(self, windows: int, m: int) -> float:
        return windows * (self.naive_window + m * self.naive)

    def bitpacked_time(self, windows: int, m: int, letters: int) -> float:
        planes = max(1, letters.bit_length())
        if m * planes <= 64:  # one rolling word per position
            return windows * 2 * self.bit_word
        return windows * planes * ((m + 63 + 63) // 64) * self.bit_word

    def fft_time(self, windows: int, m: int, transforms: int) -> float:
        from toolbox.algos.hamming.fft import fft_block_length

        length = fft_block_length(m)
        per_block = (transforms + 1) * length * math.log2(length) * self.fft_point
        return windows * per_block / (length - m + 1)

    def scan_time(self, windows: int, m: int, k: int, alphabet_size: int) -> float:
        """Predict direct counting that stops above k, assuming random text."""
        sigma = max(2, alphabet_size)
        compared = min(m, (k + 1) * sigma / (sigma - 1) + 1)
        return windows * compared * self.scan

    def filter_time(self, n: int, m: int, k: int, alphabet_size: int) -> float:
        """Predict the pigeonhole filter: hashing plus verification of chance candidates."""
        pieces = k + 1
        piece = m // pieces
        chance = pieces * float(alphabet_size) ** (-piece) if alphabet_size > 1 else 1.0
        return n * pieces * self.filter + n * min(1.0, chance) * m * self.scan


def costs_path() -> Path:
    """Return where calibrated constants are stored.

    ``TOOLBOX_HAMMING_COSTS`` if set, else ``$XDG_CONFIG_HOME/toolbox/hamming-costs.json``
    (``~/.config`` when XDG_CONFIG_HOME is unset).
    """
    explicit = os.environ.get("TOOLBOX_HAMMING_COSTS")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "toolbox" / "hamming-costs.json"


_loaded: dict[tuple[Path, float], CostModel] = {}


def load_costs(path: Path | None = None) -> CostModel:
    """Return the saved constants, or the defaults when no readable file exists.

    A file is parsed once per modification time, since engines ask per block.
    """
    path = path or costs_path()
    try:
        key = (path, path.stat().st_mtime)
    except OSError:
        return CostModel()
    if key not in _loaded:
        _loaded[key] = _read_costs(path)
    return _loaded[key]


def _read_costs(path: Path) -> CostModel:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return CostModel()
    if not isinstance(data, dict):
        return CostModel()
    known = {f.name for f in fields(CostModel)}
    values = {
        key: float(value) for key, value in data.items()
        if key in known and isinstance(value, (int, float)) and value > 0
    }
    return CostModel(**values)


def save_costs(model: CostModel, path: Path | None = None) -> Path:
    """Write ``model`` as JSON and return the path."""
    path = path or costs_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(model), indent=2) + "\n", encoding="utf-8")
    return path
