"""The electron rule: with e- requested, the canonical balance is chosen among those that move electrons.

The reference here enumerates the coefficients of the listed species and solves
exactly for the added medium species. It shares only the parser with the solver.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
import sympy

from toolbox.algos.balance.parser import PRODUCT, parse_equation, parse_species
from toolbox.algos.balance.solver import RULE_ELECTRONS, RULE_MIN_TOTAL, RULE_UNIQUE, balance

MEDIUM_SPECIES = {"acidic": ["H2O", "H+"], "basic": ["H2O", "OH-"]}

# Half reactions and redox skeletons, each with the medium that completes it. In
# several of them the smallest-total balance over all balances has no e-.
SKELETONS = [
    ("H2O2 -> O2", "acidic"),
    ("H2O2 -> O2", "basic"),
    ("H2O2 -> H2O", "acidic"),
    ("NO2 -> NO3- + NO", "acidic"),
    ("Cl2 -> Cl- + ClO3-", "basic"),
    ("MnO4- + Br- -> MnO2 + BrO3-", "acidic"),
    ("MnO4- + Br- -> MnO2 + BrO3-", "basic"),
    ("Cl2 + IO3- -> IO4- + Cl-", "basic"),
    ("Cr(OH)3 + ClO3- -> CrO4^2- + Cl-", "basic"),
]


def _column(species, sign: int, rows: list[str]) -> list[int]:
    return [sign * (species.charge if row == "charge" else species.composition.get(row, 0))
            for row in rows]


def _reference(text: str, medium: str, total_bound: int):
    """Return (smallest total, coefficients, number of optima) over balances with e- != 0.

    Coefficients map each species text to a signed amount (reactant +, product -).
    Ties are broken like the solver: lexicographically smallest vector of the listed
    species, then of each added species as (reactant amount, product amount).
    """
    equation = parse_equation(text)
    added = [parse_species(name) for name in MEDIUM_SPECIES[medium]
             if parse_species(name).key not in {s.key for s in equation.species}]
    added.append(parse_species("e-"))
    rows = sorted({k for s in [*equation.species, *added] for k in s.composition}) + ["charge"]
    listed = [_column(s, -1 if equation.side_of(i) == PRODUCT else 1, rows)
              for i, s in enumerate(equation.species)]
    free = sympy.Matrix([_column(s, 1, rows) for s in added]).T
    assert free.rank() == len(added)
    left_inverse = (free.T * free).inv() * free.T

    found = []
    count = len(listed)
    for listed_total in range(count, total_bound + 1):
        for cuts in itertools.combinations(range(1, listed_total), count - 1):
            amounts = [b - a for a, b in zip((0, *cuts), (*cuts, listed_total), strict=True)]
            rest = [-sum(c[r] * x for c, x in zip(listed, amounts, strict=True))
                    for r in range(len(rows))]
            solved = [Fraction(int(v.p), int(v.q)) for v in left_inverse * sympy.Matrix(rest)]
            if any(v.denominator != 1 for v in solved):
                continue
            extra = [int(v) for v in solved]
            if list(free * sympy.Matrix(extra)) != rest or extra[-1] == 0:
                continue
            total = listed_total + sum(abs(v) for v in extra)
            if total <= total_bound:
                split = [part for v in extra for part in (max(v, 0), max(-v, 0))]
                found.append((total, amounts + split, amounts, extra))
    if not found:
        return None
    best_total = min(item[0] for item in found)
    optima = [item for item in found if item[0] == best_total]
    _, _, amounts, extra = min(optima, key=lambda item: item[1])
    coefficients = {s.text: (-x if equation.side_of(i) == PRODUCT else x)
                    for i, (s, x) in enumerate(zip(equation.species, amounts, strict=True))}
    coefficients.update({s.text: v for s, v in zip(added, extra, strict=True) if v})
    return best_total, coefficients, len(optima)


def _signed(result) -> dict[str, int]:
    return {t.species.text: (-t.coefficient if t.side == PRODUCT else t.coefficient)
            for t in result.terms}


@pytest.mark.parametrize(("text", "medium"), SKELETONS)
def test_electron_rule_matches_enumeration(text, medium):
    result = balance(text, medium=medium, electrons=True)
    assert any(t.species.is_electron for t in result.terms)
    expected = _reference(text, medium, result.total)
    assert expected is not None
    total, coefficients, optima = expected
    assert result.total == total
    assert _signed(result) == coefficients
    assert result.optima == optima
    if result.nullity >= 2:
        assert result.rule == RULE_ELECTRONS


def test_without_electrons_rule_is_unchanged():
    result = balance("H2O2 -> O2", medium="acidic")
    assert result.text() == "2 H2O2 -> O2 + 2 H2O"
    assert result.rule == RULE_UNIQUE


def test_electrons_on_both_sides_are_searched():
    # The reduction of H2O2 puts e- among the reactants.
    reduction = balance("H2O2 + O2 -> H2O", medium="acidic", electrons=True)
    assert "e-" in [t.species.text for t in reduction.terms if t.side != PRODUCT]
    oxidation = balance("H2O2 -> O2", medium="acidic", electrons=True)
    assert oxidation.text() == "H2O2 -> O2 + 2 H+ + 2 e-"


def test_no_transfer_falls_back_with_warning():
    result = balance("C + O2 -> CO + CO2", electrons=True)
    assert result.text() == "3 C + 2 O2 -> 2 CO + CO2"
    assert result.rule == RULE_MIN_TOTAL
    assert [code for code, _ in result.warnings] == ["W_NOT_UNIQUE", "W_NO_ELECTRONS"]


def test_typed_electron_names_the_rule():
    result = balance("Fe^3+ + Cu + e- -> Fe^2+ + Cu^2+")
    assert result.text() == "3 Fe^3+ + Cu + e- -> 3 Fe^2+ + Cu^2+"
    assert result.rule == RULE_ELECTRONS
    assert "W_NO_ELECTRONS" not in [code for code, _ in result.warnings]


def test_electron_rule_survives_work_limit(monkeypatch):
    import toolbox.algos.balance.search as search

    monkeypatch.setattr(search, "WORK_LIMIT", 3)
    result = balance("H2O2 -> O2", medium="acidic", electrons=True)
    assert result.text() == "H2O2 -> O2 + 2 H+ + 2 e-"
    assert result.rule == RULE_ELECTRONS
    assert not result.certified
    assert result.to_dict()["canonical"]["optima"] is None
