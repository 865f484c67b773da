"""Benchmark `toolbox ssumm` against the SSumM reference figures and on growing graphs.

Usage: .venv/bin/python bench/ssumm.py [--seeds 5] [--large] [--no-write]

Part 1 summarizes ego-Facebook (fixtures/ssumm/ego_facebook.txt) at ratios 0.1
to 0.8 in both error modes with several seeds, in-process after a warm-up run,
and reports each mean error next to that of the reference implementation (Java,
JDK 17, 5 runs per cell on a 2-core x86-64 machine). The Java program is not
installed here, so its figures are the recorded ones in REFERENCE below.
Compare ratios, not single times.

Part 2 times the command line (`toolbox ssumm summarize`, numba cache warm)
on ego-Facebook at ratio 0.2, beside the recorded wall time of the reference.

Part 3 generates R-MAT graphs (a, b, c, d = 0.57, 0.19, 0.19, 0.05, about 12
edges per node before merging duplicates) of 10^5 and 10^6 edges (and 10^7
with --large), and records the command line's wall time and peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import machine_line, markdown_table, time_command, update_section

from toolbox.algos.ssumm.model import evaluate
from toolbox.algos.ssumm.summarize import summarize
from toolbox.io.edgelist import read_edge_list

ROOT = Path(__file__).resolve().parent.parent
FACEBOOK = ROOT / "fixtures" / "ssumm" / "ego_facebook.txt"
TOOLBOX = str(Path(sys.executable).with_name("toolbox"))

# Reference implementation on ego-Facebook, 5 runs per cell: (ratio, mode) ->
# (mean error, standard deviation, mean elapsed ms of the search, mean wall s).
REFERENCE = {
    (0.1, "re1"): (6.894e-03, 5.6e-05, 2297, 3.2),
    (0.1, "re2"): (1.652e-05, 7.5e-08, 2454, 3.7),
    (0.2, "re1"): (5.576e-03, 3.1e-05, 2488, 3.8),
    (0.2, "re2"): (1.520e-05, 6.3e-08, 2450, 3.7),
    (0.3, "re1"): (4.624e-03, 1.6e-05, 2425, 3.9),
    (0.3, "re2"): (1.438e-05, 4.0e-08, 2530, 3.9),
    (0.4, "re1"): (3.864e-03, 4.0e-05, 1880, 3.4),
    (0.4, "re2"): (1.334e-05, 2.1e-07, 2648, 4.5),
    (0.5, "re1"): (3.248e-03, 7.6e-05, 1778, 3.6),
    (0.5, "re2"): (1.268e-05, 9.8e-08, 1977, 3.5),
    (0.6, "re1"): (2.830e-03, 1.0e-04, 2754, 4.8),
    (0.6, "re2"): (1.170e-05, 8.9e-08, 984, 1.8),
    (0.8, "re1"): (1.888e-03, 9.2e-05, 959, 2.3),
    (0.8, "re2"): (9.936e-06, 1.7e-07, 1264, 2.7),
}


def run_seeds(graph, ratio: float, mode: str, seeds: range, compat: str = "reference"):
    """Return (errors, final size / budget, seconds, rounds) of one run per seed."""
    errors, sizes, times, rounds = [], [], [], []
    for seed in seeds:
        started = time.perf_counter()
        summary = summarize(graph.source, graph.target, graph.n_nodes, ratio=ratio,
                            error=mode, seed=seed, compat=compat)
        times.append(time.perf_counter() - started)
        result = evaluate(graph.source, graph.target, summary)
        errors.append(result.re1 if mode == "re1" else result.re2)
        sizes.append(summary.size_bits() / summary.stats["budget_bits"])
        rounds.append(summary.stats["rounds"])
    return errors, sizes, times, rounds


def facebook_table(seeds: int) -> tuple[str, int, int, list[str]]:
    graph = read_edge_list(FACEBOOK)
    summarize(graph.source, graph.target, graph.n_nodes, ratio=0.2, seed=0)  # compile
    rows = []
    retries = []
    met = 0
    for (ratio, mode), (ref_mean, ref_sd, ref_ms, _) in REFERENCE.items():
        errors, sizes, times, rounds = run_seeds(graph, ratio, mode, range(seeds))
        mean = statistics.mean(errors)
        spread = statistics.stdev(errors) if seeds > 1 else 0.0
        ok = mean <= ref_mean + ref_sd and max(sizes) <= 1.0
        met += ok
        if not ok:
            # A miss may be sampling noise: report the mean over three times the seeds.
            more = run_seeds(graph, ratio, mode, range(seeds, 3 * seeds))[0]
            wider = errors + more
            retries.append(
                f"ratio {ratio} {mode.upper()} over seeds 0 to {3 * seeds - 1}: "
                f"{statistics.mean(wider):.4e} ± {statistics.stdev(wider):.1e} "
                f"({statistics.mean(wider) / ref_mean:.3f} of the reference mean; limit "
                f"{ref_mean + ref_sd:.4e})"
            )
        clean = statistics.mean(run_seeds(graph, ratio, mode, range(seeds), "clean")[0])
        rows.append([
            ratio, mode.upper(), f"{mean:.4e} ± {spread:.1e}", f"{ref_mean:.3e} ± {ref_sd:.1e}",
            f"{mean / ref_mean:.3f}", "yes" if ok else "no", f"{clean / ref_mean:.3f}",
            f"{100 * min(sizes):.2f}–{100 * max(sizes):.2f}",
            f"{min(rounds)}–{max(rounds)}", f"{1000 * statistics.mean(times):.0f}",
            f"{ref_ms}", f"{ref_ms / (1000 * statistics.mean(times)):.1f}×",
        ])
    header = ["ratio", "error", "toolbox mean ± sd", "reference mean ± sd", "toolbox / reference",
              "within ref. mean + sd", "clean / reference", "size % of budget", "rounds",
              "toolbox ms",
              "reference ms", "speed-up"]
    return markdown_table(header, rows), met, len(rows), retries


def cli_table() -> str:
    rows = []
    for mode in ("re1", "re2"):
        command = [TOOLBOX, "ssumm", "summarize", str(FACEBOOK), "--ratio", "0.2", "--error",
                   mode, "--seed", "1", "-o", "/dev/null", "--quiet"]
        subprocess.run(command, check=True)  # fill the numba cache
        seconds = time_command(command, repeat=3)
        reference = REFERENCE[(0.2, mode)][3]
        rows.append([mode.upper(), f"{seconds:.2f}", f"{reference:.1f}",
                     f"{reference / seconds:.1f}×"])
    header = ["error", "toolbox wall s (best of 3)", "reference wall s (mean of 5)", "speed-up"]
    return markdown_table(header, rows)


def rmat_edges(edges: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``edges`` R-MAT edges over 2**scale nodes with about 12 edges per node."""
    scale = max(4, round(np.log2(edges / 12)))
    rng = np.random.default_rng(seed)
    bounds = np.cumsum([0.57, 0.19, 0.19, 0.05])
    source = np.zeros(edges, dtype=np.int64)
    target = np.zeros(edges, dtype=np.int64)
    for bit in range(scale):
        quadrant = np.searchsorted(bounds, rng.random(edges), side="right")
        source |= (quadrant >> 1).astype(np.int64) << bit
        target |= (quadrant & 1).astype(np.int64) << bit
    return source, target


def timed_run(command: list[str]) -> tuple[float, float]:
    """Run ``command`` and return (wall seconds, peak resident memory in GiB)."""
    gnu_time = shutil.which("time") or "/usr/bin/time"
    if Path(gnu_time).exists():
        result = subprocess.run([gnu_time, "-f", "%e %M", *command], check=True,
                                capture_output=True, text=True)
        wall, kilobytes = result.stderr.strip().splitlines()[-1].split()
        return float(wall), int(kilobytes) / 2**20
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started, float("nan")


def startup_seconds() -> float:
    """Return the wall time of the command on the 5-node toy graph (imports, cache loads)."""
    toy = ROOT / "fixtures" / "ssumm" / "toy.txt"
    command = [TOOLBOX, "ssumm", "summarize", str(toy), "--ratio", "0.5", "--seed", "0",
               "-o", "/dev/null", "--quiet"]
    return min(timed_run(command)[0] for _ in range(3))


def scaling_table(sizes: list[int], directory: Path) -> str:
    rows = []
    base = None
    for edges in sizes:
        path = directory / f"rmat_{edges}.txt"
        source, target = rmat_edges(edges, seed=1)
        np.savetxt(path, np.stack((source, target), axis=1), fmt="%d", delimiter="\t")
        del source, target
        stats = directory / f"rmat_{edges}.json"
        command = [TOOLBOX, "ssumm", "summarize", str(path), "--ratio", "0.2", "--seed", "1",
                   "-o", "/dev/null", "--quiet", "--stats", str(stats)]
        wall, memory = timed_run(command)
        recorded = json.loads(stats.read_text())
        base = base or (recorded["edges"], wall)
        rows.append([
            f"{edges:.0e}", recorded["nodes"], recorded["edges"], recorded["rounds"],
            f"{wall:.1f}", f"{wall / base[1] / (recorded['edges'] / base[0]):.2f}",
            f"{memory:.2f}", f"{memory * 2**30 / recorded['edges']:.0f}",
            f"{recorded['re2']:.3e}",
        ])
        path.unlink()
    header = ["edges drawn", "nodes", "edges kept", "rounds", "wall s",
              "time per edge vs smallest", "peak RSS GiB", "bytes per edge", "RE2"]
    return markdown_table(header, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds per ego-Facebook cell")
    parser.add_argument("--large", action="store_true", help="add the 10^7-edge graph")
    parser.add_argument("--no-write", action="store_true", help="print, do not update docs")
    arguments = parser.parse_args()

    load_before = os.getloadavg()[0]
    quality, met, cells, retries = facebook_table(arguments.seeds)
    print(quality, *retries, sep="\n", flush=True)
    retried = "".join(f"\n- {line}" for line in retries)
    if retries:
        retried = "\nThe cells that miss, rerun with more seeds:\n" + retried
    wall = cli_table()
    print(wall, flush=True)
    sizes = [10**5, 10**6] + ([10**7] if arguments.large else [])
    startup = startup_seconds()
    with tempfile.TemporaryDirectory(prefix="bench-ssumm-") as directory:
        scaling = scaling_table(sizes, Path(directory))
    print(scaling, flush=True)

    command = "python bench/ssumm.py" + (" --large" if arguments.large else "") + (
        f" --seeds {arguments.seeds}" if arguments.seeds != 5 else "")
    body = f"""## ssumm

Machine: {machine_line(["numpy", "numba"])}.
Command: `{command}`. The machine was shared with other jobs: its 1-minute
load average was {load_before:.1f} at the start and {os.getloadavg()[0]:.1f} at the end.

The SSumM reference implementation (Java) is not installed on this machine:
its columns are figures recorded earlier with it (OpenJDK 17, 5 runs per
cell, 2-core x86-64 machine), so time ratios compare two machines of the same
class, not one run. Errors are as the reference prints them: RE1 or RE2 over
ordered pairs divided by n(n-1). toolbox runs in-process with
`--compat reference`, seeds 0 to {arguments.seeds - 1}, after one warm-up run; its
time is the search without reading the file. The column "clean / reference" is
the mean error of `--compat clean` over the same seeds, divided by the
reference mean.

### ego-Facebook (4,039 nodes, 88,234 edges): error and search time

{met} of {cells} cells have a mean error within the reference's mean plus one
standard deviation, with every final size within the budget.

{quality}
{retried}

### Command-line wall time, ego-Facebook at ratio 0.2 (numba cache warm)

{wall}

### Growth on R-MAT graphs, ratio 0.2, RE2, seed 1

Wall time and peak memory of the whole command (reading, search, writing).
It includes the start-up (imports and loading numba's compiled kernels from
its cache), {startup:.1f} s on the 5-node toy graph, which weighs most on the
smallest graph.

{scaling}
"""
    if not arguments.no_write:
        update_section("ssumm", body)


if __name__ == "__main__":
    main()
