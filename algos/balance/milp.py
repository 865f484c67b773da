"""Fallback search with scipy's MILP solver (HiGHS) for the hardest minimal-sum problems.

The exact branch and bound in :mod:`toolbox.algos.balance.search` proves its
result, but its work grows with the size of the coefficients. When it gives
up, :func:`milp_candidate` asks HiGHS for the smallest total and then, one
column at a time, for the lexicographically smallest vector with that total.
HiGHS works in floating point, so every vector it returns is rounded and
checked in exact integers (``A x = 0`` and the lower bounds) before use; a
vector that fails the check is discarded. scipy is imported only here, when
this fallback runs.
"""

from __future__ import annotations

from collections.abc import Sequence

from toolbox.algos.balance.search import SearchLimitError

__all__ = ["milp_candidate"]


def milp_candidate(columns: Sequence[Sequence[int]], lower: Sequence[int]) -> list[int]:
    """Return an exactly verified integer balance with (numerically) the smallest total.

    ``columns`` are the species columns (reactants positive, products negative)
    and ``lower`` the smallest coefficient allowed per column.

    Raises
    ------
    SearchLimitError
        HiGHS found no solution, or none that passes the exact check.
    """
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    count = len(columns)
    matrix = np.array(columns, dtype=float).T
    balance_rows = LinearConstraint(matrix, 0, 0)
    integrality = np.ones(count)
    floor = np.array(lower, dtype=float)
    result = milp(np.ones(count), constraints=balance_rows, integrality=integrality,
                  bounds=Bounds(floor, np.inf))
    vector = _checked(result, columns, lower)
    if vector is None:
        message = ("neither the exact search nor the MILP solver found a provable balance with "
                   "the smallest total; use --all to list the elementary reactions")
        raise SearchLimitError(message, code="E_SEARCH_LIMIT")

    total = sum(vector)
    fixed_low = floor.copy()
    fixed_high = np.full(count, np.inf)
    sum_row = LinearConstraint(np.ones((1, count)), total, total)
    for column in range(count):
        objective = np.zeros(count)
        objective[column] = 1.0
        result = milp(objective, constraints=[balance_rows, sum_row], integrality=integrality,
                      bounds=Bounds(fixed_low, fixed_high))
        refined = _checked(result, columns, lower)
        if refined is None or sum(refined) != total or refined > vector:
            break
        vector = refined
        fixed_low[column] = fixed_high[column] = vector[column]
    return vector


def _checked(result, columns: Sequence[Sequence[int]], lower: Sequence[int]) -> list[int] | None:
    """Round a MILP result and return it only if it balances exactly within the bounds."""
    if not result.success or result.x is None:
        return None
    vector = [round(float(value)) for value in result.x]
    if any(value < low for value, low in zip(vector, lower, strict=True)):
        return None
    rows = len(columns[0]) if columns else 0
    for row in range(rows):
        if sum(column[row] * value for column, value in zip(columns, vector, strict=True)):
            return None
    return vector
