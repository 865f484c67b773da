"""Helpers for the benchmark scripts: machine description and docs/benchmarks.md sections.

Each benchmark script owns one section of docs/benchmarks.md, delimited by
``<!-- begin NAME -->`` and ``<!-- end NAME -->`` comments, and rewrites only
that section, so scripts can be rerun independently.
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS_MD = ROOT / "docs" / "benchmarks.md"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def package_versions(names: Iterable[str]) -> str:
    parts = []
    for name in names:
        try:
            parts.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} (not installed)")
    return ", ".join(parts)


def machine_line(packages: Iterable[str] = ()) -> str:
    """Describe the machine, Python and package versions in one Markdown line."""
    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GiB RAM"
    except (ValueError, OSError):
        pass
    text = (
        f"{cpu_model()}, {os.cpu_count()} cores{memory}, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )
    versions = package_versions(["toolbox", *packages])
    return f"{text}; {versions}"


def best_time(function: Callable[[], object], repeat: int = 3) -> float:
    """Return the minimum wall-clock time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def time_command(command: list[str], repeat: int = 3, **kwargs) -> float:
    """Return the minimum wall-clock time of running ``command`` ``repeat`` times, in seconds."""

    def run() -> None:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **kwargs)

    return best_time(run, repeat)


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def markdown_table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def update_section(name: str, body: str, path: Path = BENCHMARKS_MD) -> None:
    """Replace the section ``name`` of docs/benchmarks.md with ``body``, or append it."""
    begin, end = f"<!-- begin {name} -->", f"<!-- end {name} -->"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    block = f"{begin}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
    print(f"updated section {name!r} of {path}", file=sys.stderr)
