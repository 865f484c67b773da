"""Benchmark `toolbox balance` against ChemPy's balance_stoichiometry on the case table.

Run with ``.venv/bin/python bench/balance.py`` after ``pip install -e '.[bench]'``
(ChemPy and PuLP). It measures, in one run:

* correct rows for each tool on fixtures/balance/cases.tsv (expected balance, or a
  rejection where the table expects an error);
* throughput in equations per second over the rows that need no extra option
  (both tools in-process, and `toolbox balance --input FILE` as one process);
* the wall time of one cold `toolbox balance "KMnO4 + HCl -> ..."` call, and of a
  cold Python process that imports ChemPy and balances the same equation.

ChemPy is called with ``underdetermined=None``, its mode that returns whole-number
coefficients with the smallest total (via PuLP) when several balances exist, which
is the same rule toolbox applies. It receives the species our parser read, rewritten
in ChemPy's spelling (charge as ``+3``/``-2``, adducts joined by ``·``).
The script rewrites the "balance" section of docs/benchmarks.md.
"""

from __future__ import annotations

import csv
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import machine_line, markdown_table, update_section

from toolbox.algos.balance.errors import BalanceError
from toolbox.algos.balance.parser import Species, parse_equation, parse_groups
from toolbox.algos.balance.solver import balance

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "fixtures" / "balance" / "cases.tsv"
TOOLBOX = str(Path(sys.executable).with_name("toolbox"))
COLD_EQUATION = "KMnO4 + HCl -> KCl + MnCl2 + H2O + Cl2"
REPEAT = 5


def load_rows() -> list[dict[str, str]]:
    text = CASES.read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines(), delimiter="\t"))


def row_options(row: dict[str, str]) -> dict:
    options: dict = {}
    mode = re.search(r"mode=(\w+)", row["note"])
    if mode and mode.group(1) in ("acidic", "basic"):
        options["medium"] = mode.group(1)
    elif mode:
        options["electrons"] = True
    if re.search(r"\bPh", row["input_equation"]):
        options["groups"] = parse_groups("Ph=C6H5")
    return options


def expected_coefficients(row: dict[str, str], options: dict) -> dict[tuple[str, int], int] | None:
    if row["expected_balanced"].startswith("ERROR"):
        return None
    expected = parse_equation(row["expected_balanced"], options.get("groups"))
    return {s.key: s.given_coefficient or 1 for s in expected.species}


# --------------------------------------------------------------------------- toolbox


def toolbox_answer(row: dict[str, str], options: dict) -> dict[tuple[str, int], int] | None:
    try:
        result = balance(row["input_equation"], **options)
    except BalanceError:
        return None
    return {t.species.key: t.coefficient for t in result.terms}


# --------------------------------------------------------------------------- ChemPy


def chempy_name(species: Species) -> str:
    if species.is_electron:
        return "e-"
    body = re.sub(r"[*.·]", "·", species.formula)
    if species.charge:
        body += f"{'+' if species.charge > 0 else '-'}{abs(species.charge)}"
    return body


def chempy_answer(row: dict[str, str], options: dict) -> dict[tuple[str, int], int] | None:
    from chempy import balance_stoichiometry

    try:
        equation = parse_equation(row["input_equation"], options.get("groups"))
    except BalanceError:
        return None  # both tools reject what our parser cannot read
    names = {chempy_name(s): s.key for s in equation.species}
    reactants = [chempy_name(s) for s in equation.reactants]
    products = [chempy_name(s) for s in equation.products]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            left, right = balance_stoichiometry(reactants, products, underdetermined=None)
    except Exception:  # any ChemPy failure counts as a rejection of the row
        return None
    answer = {}
    for name, value in [*left.items(), *right.items()]:
        if not isinstance(value, int) and not str(value).isdigit():
            return None
        answer[names.get(name, (name, 0))] = int(value)
    return answer


def count_correct(rows, answer) -> tuple[int, float]:
    correct = 0
    start = time.perf_counter()
    for row in rows:
        options = row_options(row)
        expected = expected_coefficients(row, options)
        got = answer(row, options)
        correct += got == expected if expected is not None else got is None
    return correct, time.perf_counter() - start


def throughput(rows, answer) -> float:
    """Return equations per second, best of REPEAT passes over ``rows``."""
    best = min(_timed_pass(rows, answer) for _ in range(REPEAT))
    return len(rows) / best


def _timed_pass(rows, answer) -> float:
    start = time.perf_counter()
    for row in rows:
        answer(row, {})
    return time.perf_counter() - start


def batch_process_rate(rows) -> float:
    """Return equations per second of one `toolbox balance --input FILE` process."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write("\n".join(row["input_equation"] for row in rows) + "\n")
        path = f.name
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        subprocess.run([TOOLBOX, "balance", "-q", "--input", path], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    Path(path).unlink()
    return len(rows) / min(times)


def chempy_process_rate(rows) -> float:
    """Return equations per second of one fresh Python process running ChemPy on ``rows``."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write("\n".join(row["input_equation"] for row in rows) + "\n")
        path = f.name
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--chempy-batch", path], check=True)
        times.append(time.perf_counter() - start)
    Path(path).unlink()
    return len(rows) / min(times)


def chempy_batch(path: str) -> None:
    """Balance every line of ``path`` with ChemPy (the child process of chempy_process_rate)."""
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        chempy_answer({"input_equation": line}, {})


def cold_times(command: list[str], repeat: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    rows = load_rows()
    plain = [r for r in rows if not row_options(r)]
    ours_correct, ours_time = count_correct(rows, toolbox_answer)
    theirs_correct, theirs_time = count_correct(rows, chempy_answer)
    ours_rate = throughput(plain, toolbox_answer)
    theirs_rate = throughput(plain, chempy_answer)
    process_rate = batch_process_rate(plain)
    chempy_process = chempy_process_rate(plain)
    cold_ours = cold_times([TOOLBOX, "balance", COLD_EQUATION])
    chempy_code = ("from chempy import balance_stoichiometry; "
                   "balance_stoichiometry({'KMnO4','HCl'}, {'KCl','MnCl2','H2O','Cl2'})")
    cold_theirs = cold_times([sys.executable, "-c", chempy_code])

    table = markdown_table(
        ["measure", "toolbox", "ChemPy", "ratio"],
        [
            [f"rows correct of {len(rows)}", ours_correct, theirs_correct, ""],
            [f"equations/s in-process ({len(plain)} rows without options)",
             f"{ours_rate:,.0f}", f"{theirs_rate:,.1f}", f"{ours_rate / theirs_rate:,.0f}×"],
            ["equations/s, one fresh process for all rows (start-up and imports included)",
             f"{process_rate:,.0f}", f"{chempy_process:,.1f}",
             f"{process_rate / chempy_process:,.0f}×"],
            ["cold call, best / median of 5 (s)", f"{cold_ours[0]:.2f} / {cold_ours[1]:.2f}",
             f"{cold_theirs[0]:.2f} / {cold_theirs[1]:.2f}",
             f"{cold_theirs[1] / cold_ours[1]:.1f}× faster"],
        ],
    )
    load = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    body = f"""## balance: `toolbox balance` vs ChemPy `balance_stoichiometry`

Machine: {machine_line(["chempy", "pulp", "sympy"])}.
Load average during the run (1/5/15 min): {load}; the machine was shared with other jobs.

Data: `fixtures/balance/cases.tsv` ({len(rows)} equations: textbook, issue-thread and
test-suite cases, 22 of them negative controls). A row counts as correct when the
coefficients equal the expected ones (smallest total, lexicographic tie-break) or,
for an `ERROR` row, when the tool rejects it. ChemPy runs with
`underdetermined=None` (whole-number coefficients with the smallest total via PuLP),
fed the species our parser read, in ChemPy's charge spelling. Throughput is the best
of {REPEAT} passes; the cold call runs `toolbox balance "{COLD_EQUATION}"`, and for
ChemPy a fresh `python -c` that imports ChemPy and balances the same equation.
The one-process row runs `toolbox balance -q --input FILE` on the rows without
options, and for ChemPy `python bench/balance.py --chempy-batch FILE` on the same file.
A full pass over the table took {ours_time:.2f} s for toolbox and {theirs_time:.2f} s for ChemPy.

{table}

Command: `.venv/bin/python bench/balance.py` (after `pip install -e '.[bench]'`).
"""
    print(body)
    update_section("balance", body)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--chempy-batch":
        chempy_batch(sys.argv[2])
    else:
        main()
