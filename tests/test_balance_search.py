"""The exact minimal-sum search against scipy's MILP solver and the search limits."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from toolbox.algos.balance import balance
from toolbox.algos.balance.errors import NoBalanceError
from toolbox.algos.balance.kernel import reduced_echelon
from toolbox.algos.balance.search import elementary_reactions

CASES = Path(__file__).resolve().parent.parent / "fixtures" / "balance" / "cases.tsv"
TABLE = list(csv.DictReader(CASES.read_text(encoding="utf-8").splitlines(), delimiter="\t"))

# Equations with two or more independent reactions, several with large coefficients,
# where a search with loose bounds would walk through 10^5 values.
HARD = [
    "C100000H200000N + O2 + O3 -> CO2 + H2O + NO2",
    "C57H110O6 + O2 + O3 -> CO2 + H2O + CO",
    "Au1000Cu1000 + HNO3 -> Au + Cu(NO3)2 + NO + NO2 + H2O",
    "C3H5NO + CH4 + NH3 + H2O + C2H2 + CH2O -> C2H6 + CH4O + CH5N + CH3N + C3H8",
    "O2 + O3 + C + NO + N2O + NO2 + N2O4 + N2O5 + C3O2 -> CO + CO2 + N2 + NO3",
    "K4[Fe(CN)6] + KMnO4 + H2SO4 -> KHSO4 + Fe2(SO4)3 + MnSO4 + HNO3 + CO2 + H2O + NO + NO2",
]
MULTI = [row["input_equation"] for row in TABLE if "MULTI" in row["note"]]


def _matrix(result) -> np.ndarray:
    columns = [
        [(t.species.charge if row == "charge" else t.species.composition.get(row, 0))
         * (1 if t.side == "reactant" else -1) for row in result.rows]
        for t in result.terms
    ]
    return np.array(columns, dtype=float).T


@pytest.mark.parametrize("equation", HARD + MULTI)
def test_minimal_total_matches_milp(equation):
    result = balance(equation)
    matrix = _matrix(result)
    count = matrix.shape[1]
    oracle = milp(np.ones(count), constraints=LinearConstraint(matrix, 0, 0),
                  integrality=np.ones(count), bounds=Bounds(1, np.inf))
    assert oracle.success
    assert round(oracle.fun) == result.total


def test_elementary_reactions_are_minimal_supports():
    result = balance("KNO3 + S + C -> K2S + K2CO3 + K2SO4 + N2 + CO + CO2")
    supports = [frozenset(i for i, t in enumerate(r) if t.coefficient) for r in result.elementary]
    assert result.elementary_count == 6
    for support in supports:
        assert not any(other < support for other in supports)


def test_subset_limit_raises_search_limit(monkeypatch):
    import toolbox.algos.balance.search as search

    monkeypatch.setattr(search, "SUBSET_LIMIT", 5)
    columns = [[1, 0], [0, 1], [-1, 0], [0, -1], [1, 1], [-1, -1]]
    echelon = reduced_echelon([[c[r] for c in columns] for r in range(2)], len(columns))
    with pytest.raises(NoBalanceError) as caught:
        elementary_reactions(columns, echelon.rank)
    assert caught.value.code == "E_SEARCH_LIMIT"


def test_work_limit_falls_back_to_milp(monkeypatch):
    import toolbox.algos.balance.search as search

    monkeypatch.setattr(search, "WORK_LIMIT", 3)
    result = balance("O2 + O3 + C + NO + N2O + NO2 + N2O4 -> CO + CO2 + N2")
    assert result.text() == "O2 + O3 + 7 C + NO + N2O + NO2 + N2O4 -> CO + 6 CO2 + 3 N2"
    assert not result.certified
    assert "W_NOT_CERTIFIED" in [code for code, _ in result.warnings]
    assert result.to_dict()["canonical"]["ties"] is None


def test_milp_incumbent_lets_exact_search_finish():
    result = balance("Au1000Cu1000 + HNO3 -> Au + Cu(NO3)2 + NO + NO2 + N2O + H2O")
    assert result.certified
    assert result.total == 6007
