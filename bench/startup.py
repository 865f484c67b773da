"""Measure the start-up cost of toolbox commands against a bare Python interpreter.

Usage: python bench/startup.py [--repeat N]

Each command runs N times in alternation; the table reports the median and the
ratio of medians, and rewrites the "startup" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import machine_line, markdown_table, update_section


def _elapsed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="runs of each command (default 20)")
    arguments = parser.parse_args()

    toolbox = shutil.which("toolbox") or str(Path(sys.executable).with_name("toolbox"))
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "toolbox --help": [toolbox, "--help"],
        "toolbox --version": [toolbox, "--version"],
        "toolbox balance --help": [toolbox, "balance", "--help"],
        "toolbox hamming search --help": [toolbox, "hamming", "search", "--help"],
        "toolbox balance \"KMnO4 + HCl -> KCl + MnCl2 + H2O + Cl2\"":
            [toolbox, "balance", "KMnO4 + HCl -> KCl + MnCl2 + H2O + Cl2"],
    }
    for command in commands.values():  # warm the file-system cache
        _elapsed(command)
    samples: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(arguments.repeat):
        for label, command in commands.items():
            samples[label].append(_elapsed(command))

    baseline = statistics.median(samples["python -c pass"])
    rows = []
    for label, values in samples.items():
        middle = statistics.median(values)
        rows.append([f"`{label}`", f"{middle * 1000:.0f} ms", f"{middle / baseline:.1f}x"])
    body = "\n".join([
        "## Start-up time",
        "",
        f"Machine: {machine_line(['typer', 'rich'])}.",
        "",
        f"Command: `python bench/startup.py --repeat {arguments.repeat}` (median of "
        f"{arguments.repeat} alternating runs each).",
        "",
        markdown_table(["command", "median wall time", "ratio to `python -c pass`"], rows),
        "",
        "`toolbox --help` and every `toolbox COMMAND --help` import none of numpy, scipy, "
        "numba, sympy or pyfftw (tests/test_cli_main.py checks this); `toolbox balance` "
        "computes in pure Python with exact integers, so a single equation needs none of them.",
    ])
    print(body)
    update_section("startup", body)


if __name__ == "__main__":
    main()
