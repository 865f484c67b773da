"""Every row of fixtures/balance/cases.tsv: expected balance or expected error kind."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import sympy

from toolbox.algos.balance.errors import BalanceError
from toolbox.algos.balance.kernel import reduced_echelon
from toolbox.algos.balance.parser import parse_equation, parse_groups
from toolbox.algos.balance.solver import balance

CASES = Path(__file__).resolve().parent.parent / "fixtures" / "balance" / "cases.tsv"
ROWS = list(csv.DictReader(CASES.read_text(encoding="utf-8").splitlines(), delimiter="\t"))

# Reason text of an ERROR row -> the error code it describes.
ERROR_KINDS = [
    ("no nonzero balance", "E_NO_BALANCE"),
    ("only among", "E_ONE_SIDED_ELEMENT"),
    ("on one side only", "E_ONE_SIDED_ELEMENT"),
    ("species on both sides", "E_DUPLICATE_SPECIES"),
    ("unknown element symbol", "E_UNKNOWN_SYMBOL"),
    ("charge cannot balance", "E_CHARGE_IMBALANCE"),
    ("superfluous", "E_SUPERFLUOUS"),
    ("ambiguous charge", "E_AMBIGUOUS_CHARGE"),
    ("mismatched brackets", "E_BRACKETS"),
    ("no arrow", "E_NO_ARROW"),
    ("more than one arrow", "E_MULTI_ARROW"),
    ("empty product side", "E_EMPTY_SIDE"),
]


def _options(row: dict[str, str]) -> dict:
    options: dict = {}
    mode = re.search(r"mode=(\w+)", row["note"])
    if mode and mode.group(1) in ("acidic", "basic"):
        options["medium"] = mode.group(1)
    if mode and mode.group(1) == "electrons":
        options["electrons"] = True
    if re.search(r"\bPh", row["input_equation"]):
        options["groups"] = parse_groups("Ph=C6H5")
    return options


def _expected_code(row: dict[str, str]) -> str:
    reason = row["expected_balanced"]
    if "no all-positive balance" in reason:
        return "E_WRONG_SIDE" if "nullity=1" in row["note"] else "E_NO_POSITIVE"
    for keyword, code in ERROR_KINDS:
        if keyword in reason:
            return code
    raise AssertionError(f"no error kind known for {reason!r}")


def _row_id(row: dict[str, str]) -> str:
    return row["input_equation"][:40]


BALANCED = [r for r in ROWS if not r["expected_balanced"].startswith("ERROR")]
ERRORS = [r for r in ROWS if r["expected_balanced"].startswith("ERROR")]


def test_table_has_every_row():
    assert len(ROWS) == 194
    assert len(ERRORS) == 22


@pytest.mark.parametrize("row", BALANCED, ids=_row_id)
def test_case_balances_as_expected(row):
    options = _options(row)
    result = balance(row["input_equation"], **options)
    expected = parse_equation(row["expected_balanced"], options.get("groups"))
    got = [(t.species.key, t.side, t.coefficient) for t in result.terms]
    want = [(s.key, expected.side_of(i), s.given_coefficient or 1)
            for i, s in enumerate(expected.species)]
    assert got == want
    for row_name, (left, right) in result.totals().items():
        assert left == right, row_name


@pytest.mark.parametrize("row", BALANCED, ids=_row_id)
def test_case_nullity_matches_tag_and_sympy(row):
    options = _options(row)
    result = balance(row["input_equation"], **options)
    tag = re.search(r"nullity=(\d+)", row["note"])
    if "mode=" in row["note"]:
        assert result.nullity == 1
    else:
        assert tag is not None
        assert result.nullity == int(tag.group(1))
    # sympy as an independent oracle for the rank of the species matrix.
    matrix = sympy.Matrix([
        [(t.species.charge if r == "charge" else t.species.composition.get(r, 0))
         * (1 if t.side == "reactant" else -1) for t in result.terms]
        for r in result.rows
    ])
    assert matrix.rank() == result.rank
    assert matrix * sympy.Matrix([t.coefficient for t in result.terms]) == sympy.zeros(
        len(result.rows), 1)


@pytest.mark.parametrize("row", ERRORS, ids=_row_id)
def test_case_fails_with_expected_kind(row):
    with pytest.raises(BalanceError) as caught:
        balance(row["input_equation"], **_options(row))
    assert caught.value.code == _expected_code(row)
    assert caught.value.message


def test_kernel_matches_sympy_nullspace_on_table():
    for row in ROWS:
        try:
            equation = parse_equation(row["input_equation"], _options(row).get("groups"))
        except BalanceError:
            continue
        rows = sorted({k for s in equation.species for k in s.composition})
        signs = [1] * len(equation.reactants) + [-1] * len(equation.products)
        matrix = [[sign * s.composition.get(r, 0) for s, sign in zip(equation.species, signs, strict=True)]
                  for r in rows]
        matrix.append([sign * s.charge for s, sign in zip(equation.species, signs, strict=True)])
        ours = reduced_echelon(matrix, len(equation.species))
        oracle = sympy.Matrix(matrix).nullspace()
        assert ours.nullity == len(oracle), row["input_equation"]
