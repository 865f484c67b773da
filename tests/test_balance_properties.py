"""Property tests of the balancer against brute force and sympy on random reactions."""

from __future__ import annotations

import itertools
from math import gcd

import pytest
import sympy
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from toolbox.algos.balance.errors import BalanceError, NoBalanceError
from toolbox.algos.balance.kernel import nullspace, reduced_echelon
from toolbox.algos.balance.solver import balance

ELEMENTS = ("C", "H", "O", "N")


def _formula(composition: dict[str, int], charge: int) -> str:
    body = "".join(f"{e}{n if n > 1 else ''}" for e, n in composition.items() if n)
    if charge == 0:
        return body
    return f"{body}^{abs(charge) if abs(charge) > 1 else ''}{'+' if charge > 0 else '-'}"


compositions = st.dictionaries(st.sampled_from(ELEMENTS), st.integers(1, 3), min_size=1,
                               max_size=3)
species_strategy = st.tuples(compositions, st.sampled_from([0, 0, 0, 1, -1, 2]))


def _equation(reactants, products) -> str:
    left = " + ".join(_formula(c, q) for c, q in reactants)
    right = " + ".join(_formula(c, q) for c, q in products)
    return f"{left} -> {right}"


def _matrix(reactants, products):
    rows = []
    for element in ELEMENTS:
        rows.append([c.get(element, 0) for c, _ in reactants] + [-c.get(element, 0) for c, _ in products])
    rows.append([q for _, q in reactants] + [-q for _, q in products])
    return rows


def _brute_force(matrix, count: int, bound: int):
    """Return (smallest total, lexicographically smallest vector, number of optima) up to bound."""
    best = None
    for total in range(count, bound + 1):
        found = []
        for cuts in itertools.combinations(range(1, total), count - 1):
            parts = [b - a for a, b in zip((0, *cuts), (*cuts, total), strict=True)]
            if all(sum(r * x for r, x in zip(row, parts, strict=True)) == 0 for row in matrix):
                found.append(parts)
        if found:
            best = (total, min(found), len(found))
            break
    return best


def _distinct(species):
    return len({_formula(c, q) for c, q in species}) == len(species)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.lists(species_strategy, min_size=1, max_size=3),
       st.lists(species_strategy, min_size=1, max_size=2))
def test_random_reaction_result_is_exact_and_minimal(reactants, products):
    assume(_distinct(reactants + products))
    text = _equation(reactants, products)
    matrix = _matrix(reactants, products)
    count = len(reactants) + len(products)
    try:
        result = balance(text)
    except NoBalanceError:
        # No balance: brute force finds none with a small total either.
        assert _brute_force(matrix, count, count + 8) is None
        return
    except BalanceError:
        return  # a parse-level rejection, such as the ambiguous "O2-" spelling
    event(f"nullity {result.nullity}")
    vector = [t.coefficient for t in result.terms]
    assert all(v >= 1 for v in vector)
    assert gcd(*vector) == 1
    for row in matrix:
        assert sum(r * x for r, x in zip(row, vector, strict=True)) == 0
    # sympy as an independent oracle of the kernel dimension.
    assert len(sympy.Matrix(matrix).nullspace()) == result.nullity
    if result.total <= count + 10:
        total, smallest, optima = _brute_force(matrix, count, result.total)
        assert result.total == total
        assert vector == smallest
        assert result.optima == optima


@settings(max_examples=100, deadline=None)
@given(st.lists(species_strategy, min_size=1, max_size=3),
       st.lists(species_strategy, min_size=0, max_size=2),
       st.lists(st.integers(1, 4), min_size=5, max_size=5))
def test_constructed_balance_is_found(reactants, products, amounts):
    """Close a random reaction with one product that takes the remaining atoms and charge."""
    left = {e: sum(a * c.get(e, 0) for a, (c, _) in zip(amounts, reactants, strict=False)) for e in ELEMENTS}
    used = {e: sum(a * c.get(e, 0) for a, (c, _) in zip(amounts[len(reactants):], products, strict=False))
            for e in ELEMENTS}
    rest = {e: left[e] - used[e] for e in ELEMENTS}
    assume(all(v >= 0 for v in rest.values()) and any(rest.values()))
    charge = (sum(a * q for a, (_, q) in zip(amounts, reactants, strict=False))
              - sum(a * q for a, (_, q) in zip(amounts[len(reactants):], products, strict=False)))
    closing = ({e: v for e, v in rest.items() if v}, charge)
    species = reactants + products + [closing]
    assume(_distinct(species))
    text = _equation(reactants, [*products, closing])
    try:
        result = balance(text)
    except BalanceError as error:
        # A balance exists, so only a parse-level rejection may stop the balancer.
        assert error.code == "E_AMBIGUOUS_CHARGE"
        return
    known_total = sum(amounts[: len(reactants) + len(products)]) + 1
    assert result.total <= known_total
    for _, (left_total, right_total) in result.totals().items():
        assert left_total == right_total


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(-6, 6), min_size=6, max_size=6), min_size=1, max_size=5))
def test_kernel_matches_sympy(rows):
    echelon = reduced_echelon(rows, 6)
    oracle = sympy.Matrix(rows).nullspace()
    assert echelon.nullity == len(oracle)
    for vector in nullspace(echelon):
        assert all(sum(a * x for a, x in zip(row, vector, strict=True)) == 0 for row in rows)
        assert gcd(*vector) == 1


def test_same_input_same_output_any_order():
    equations = [
        "H2O2 + CO -> O2 + CH4 + H2O + C",
        "NH4ClO4 + HNO3 + HCl -> HClO4 + NOCl + N2O + N2O3 + H2O + Cl2",
        "Cu + HNO3 -> Cu(NO3)2 + NO + NO2 + H2O",
        "KNO3 + S + C -> K2S + K2CO3 + K2SO4 + N2 + CO + CO2",
    ]
    first = [balance(e).to_dict() for e in equations]
    second = [balance(e).to_dict() for e in reversed(equations)][::-1]
    assert first == second


POOL = {
    "H2": {"H": 2}, "O2": {"O": 2}, "O3": {"O": 3}, "H2O": {"H": 2, "O": 1},
    "H2O2": {"H": 2, "O": 2}, "C": {"C": 1}, "CO": {"C": 1, "O": 1}, "CO2": {"C": 1, "O": 2},
    "CH4": {"C": 1, "H": 4}, "C2H6": {"C": 2, "H": 6}, "CH3OH": {"C": 1, "H": 4, "O": 1},
    "N2": {"N": 2}, "NO": {"N": 1, "O": 1}, "NO2": {"N": 1, "O": 2}, "N2O": {"N": 2, "O": 1},
    "NH3": {"N": 1, "H": 3}, "HNO3": {"H": 1, "N": 1, "O": 3}, "HCN": {"H": 1, "C": 1, "N": 1},
}


def _pool_equations(size: int) -> list[tuple[list[str], list[str]]]:
    """Return every split of every ``size``-subset of POOL that has a positive balance."""
    found = []
    for names in itertools.combinations(sorted(POOL), size):
        for split in range(1, size):
            reactants, products = list(names[:split]), list(names[split:])
            left = {e for n in reactants for e in POOL[n]}
            right = {e for n in products for e in POOL[n]}
            if left == right:
                found.append((reactants, products))
    return found


def _several_reactions() -> list[str]:
    """Return pool equations with two or more independent balances, spread over the list."""
    chosen = []
    for size in (4, 5, 6):
        texts = []
        tied = []
        for reactants, products in _pool_equations(size):
            text = " + ".join(reactants) + " -> " + " + ".join(products)
            try:
                result = balance(text)
            except NoBalanceError:
                continue
            if result.nullity >= 2 and result.total <= size + 10:
                texts.append(text)
                if result.optima > 1:
                    tied.append(text)
        chosen += texts[:: max(1, len(texts) // 30)] + tied[:5]
    return sorted(set(chosen))


SEVERAL = _several_reactions()


def test_pool_covers_ties_and_several_reactions():
    assert len(SEVERAL) >= 40
    assert any(balance(text).optima > 1 for text in SEVERAL)


@pytest.mark.parametrize("text", SEVERAL)
def test_pool_reaction_matches_brute_force(text):
    """Small molecules with several independent balances: minimal total, lex order, ties."""
    left, right = (side.split(" + ") for side in text.split(" -> "))
    names = left + right
    elements = sorted({e for n in names for e in POOL[n]})
    matrix = [[POOL[n].get(e, 0) for n in left] + [-POOL[n].get(e, 0) for n in right]
              for e in elements]
    result = balance(text)
    vector = [t.coefficient for t in result.terms]
    assert _brute_force(matrix, len(names), result.total) == (result.total, vector, result.optima)
