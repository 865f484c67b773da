"""Exact searches over the balances of an equation with several independent reactions.

Two problems are solved here, both exactly (Python integers and fractions):

* :func:`elementary_reactions` lists the support-minimal balances, which are the
  extreme rays of the cone ``{x >= 0 : A x = 0}``. A set ``S`` of columns is the
  support of one exactly when the sub-matrix ``A[:, S]`` has a one-dimensional
  kernel spanned by a vector without zeros and with one sign.
* :func:`minimal_sum` finds the integer balance with the smallest total
  coefficient sum, and among those the lexicographically smallest vector in
  input order, by branch and bound over the free columns of the reduced echelon
  form. The last two free columns are scanned outwards from the optimum of the
  linear relaxation. Every point with a total at most the best one is visited,
  so the count of tied optima is exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from itertools import combinations
from math import gcd, lcm

from toolbox.algos.balance.errors import NoBalanceError
from toolbox.algos.balance.kernel import Echelon, nullspace, reduced_echelon

__all__ = ["MinimalSum", "SearchLimitError", "elementary_reactions", "minimal_sum"]

# Upper bounds on the work of one search. SUBSET_LIMIT caps the species subsets tested
# for elementary reactions (E_SEARCH_LIMIT). WORK_LIMIT caps the nodes and bound
# evaluations of one minimal-sum search; reaching it raises SearchLimitError, after
# which the solver may retry with a MILP incumbent.
SUBSET_LIMIT = 200_000
WORK_LIMIT = 200_000


class SearchLimitError(NoBalanceError):
    """The minimal-sum search reached WORK_LIMIT before it could prove its result."""


def elementary_reactions(
    columns: Sequence[Sequence[int]], rank: int, exclude: Sequence[frozenset[int]] = ()
) -> list[list[int]]:
    """Return every support-minimal nonnegative balance, as primitive integer vectors.

    ``columns`` are the species columns of the matrix (reactants positive,
    products negative). Supports listed in ``exclude`` (and their supersets) are
    skipped. The redox completion excludes each medium species paired with its
    own copy on the other side, because that pair is no reaction. Results are ordered by support
    size, then by total, then lexicographically.
    """
    count = len(columns)
    rows = len(columns[0]) if count else 0
    found: list[frozenset[int]] = list(exclude)
    reactions: list[list[int]] = []
    visited = 0
    for size in range(2, min(rank + 1, count) + 1):
        for subset in combinations(range(count), size):
            visited += 1
            if visited > SUBSET_LIMIT:
                message = (f"listing the elementary reactions of {count} species would test more "
                           f"than {SUBSET_LIMIT} species subsets; remove species that cannot react")
                raise NoBalanceError(message, code="E_SEARCH_LIMIT")
            members = frozenset(subset)
            if any(support <= members for support in found):
                continue
            sub_matrix = [[columns[j][r] for j in subset] for r in range(rows)]
            echelon = reduced_echelon(sub_matrix, size)
            if echelon.nullity != 1:
                continue
            vector = nullspace(echelon)[0]
            if all(v > 0 for v in vector) or all(v < 0 for v in vector):
                full = [0] * count
                for j, value in zip(subset, vector, strict=True):
                    full[j] = abs(value)
                found.append(members)
                reactions.append(full)
    reactions.sort(key=lambda v: (sum(1 for x in v if x), sum(v), v))
    return reactions


class MinimalSum:
    """Result of :func:`minimal_sum`: the chosen vector, its total, and the tie count."""

    def __init__(self, vector: list[int], total: int, optima: int):
        self.vector = vector
        self.total = total
        self.optima = optima


def minimal_sum(
    echelon: Echelon, lower: Sequence[int], feasible: Sequence[int]
) -> MinimalSum:
    """Return the integer kernel vector with ``x >= lower`` and the smallest total.

    Among vectors with the smallest total the lexicographically smallest (in
    column order) is returned, and ``optima`` counts all of them. ``feasible`` is
    any integer kernel vector with ``x >= lower``; its total is the first upper
    bound of the branch and bound.
    """
    search = _Search(echelon, lower)
    # The search revisits ``feasible`` itself, so it starts with no recorded optimum.
    search.best_total = sum(feasible)
    search.run()
    if not search.best:
        message = "internal error: the minimal-sum search lost the feasible starting point"
        raise AssertionError(message)
    return MinimalSum(search.best, search.best_total, search.optima)


class _Search:
    """Branch and bound over the free columns of the reduced echelon form.

    With ``head_i`` the pivot of row ``i`` and ``a_ij = -rows[i][j]``, pivot
    column ``p_i`` takes ``x[p_i] = (sum_j a_ij x[j]) / head_i`` over the free
    columns ``j``, which must be an integer >= ``lower[p_i]``. The total times
    ``scale = lcm(head_i)`` is ``sum_j weight_j x[j]`` with integer weights.
    """

    def __init__(self, echelon: Echelon, lower: Sequence[int]):
        self.echelon = echelon
        self.lower = list(lower)
        self.free = echelon.free
        self.heads = [row[p] for row, p in zip(echelon.rows, echelon.pivots, strict=True)]
        self.scale = lcm(*self.heads) if self.heads else 1
        self.coefficients = [[-row[j] for j in self.free] for row in echelon.rows]
        self.weights = [
            self.scale + sum(a[k] * (self.scale // h) for a, h in zip(self.coefficients,
                                                                     self.heads, strict=True))
            for k in range(len(self.free))
        ]

        self.pivot_floor = sum(self.lower[p] for p in echelon.pivots)
        self.targets = [self.lower[p] * h for p, h in zip(echelon.pivots, self.heads, strict=True)]
        depth_count = len(self.free)
        # Per depth d (free columns d.. still open): sum of lower bounds, and per pivot
        # row the value at the lower bounds plus the largest coefficient.
        self.rest_floor = [sum(self.lower[j] for j in self.free[d:]) for d in range(depth_count + 1)]
        self.rest_base = [
            [sum(a[k] * self.lower[self.free[k]] for k in range(d, depth_count))
             for a in self.coefficients]
            for d in range(depth_count + 1)
        ]
        self.rest_gain = [
            [max([0, *(a[k] for k in range(d, depth_count))]) for a in self.coefficients]
            for d in range(depth_count + 1)
        ]
        self.weight_floor = [
            sum(self.weights[k] * self.lower[self.free[k]] for k in range(d, depth_count))
            for d in range(depth_count + 1)
        ]
        self.weight_drop = [
            min([0, *(self.weights[k] for k in range(d, depth_count))])
            for d in range(depth_count + 1)
        ]

        self.best: list[int] = []
        self.best_total = 0
        self.optima = 0
        self.nodes = 0
        self.values = [0] * depth_count

    def run(self) -> None:
        if not self.free:
            return
        numerators = [0] * len(self.heads)
        self._branch(0, numerators, 0, 0)

    def _branch(self, depth: int, numerators: list[int], free_sum: int, scaled_total: int) -> None:
        self._count()
        budget = self.best_total - self.pivot_floor - free_sum
        slack = budget - self.rest_floor[depth]
        if slack < 0:
            return
        for i, numerator in enumerate(numerators):
            reach = numerator + self.rest_base[depth][i] + slack * self.rest_gain[depth][i]
            if reach < self.targets[i]:
                return
        lowest = scaled_total + self.weight_floor[depth] + slack * self.weight_drop[depth]
        if lowest > self.best_total * self.scale:
            return
        if depth == len(self.free) - 1:
            self._last(depth, numerators, free_sum, scaled_total, budget)
            return
        if depth == len(self.free) - 2:
            self._pair(depth, numerators, free_sum, scaled_total, budget)
            return
        low, high = self._value_range(depth, numerators, scaled_total, budget)
        # Walk towards smaller totals first: a good bound found early shrinks the range.
        step = 1 if self.weights[depth] - self.weight_drop[depth + 1] >= 0 else -1
        value = low if step > 0 else high
        while low <= value <= high:
            self.values[depth] = value
            shifted = [n + a[depth] * value for n, a in zip(numerators, self.coefficients,
                                                           strict=True)]
            bound = self.best_total
            self._branch(depth + 1, shifted, free_sum + value,
                         scaled_total + self.weights[depth] * value)
            if self.best_total != bound:
                budget = self.best_total - self.pivot_floor - free_sum
                low, high = self._value_range(depth, numerators, scaled_total, budget)
            value += step

    def _pair(self, depth: int, numerators: list[int], free_sum: int, scaled_total: int,
              budget: int) -> None:
        """Search the last two free columns, scanning outwards from the LP optimum.

        With the first of the two fixed at ``v``, the smallest total over a real-valued
        second column is a convex function ``f(v)``. It is a lower bound of every
        integer point with that ``v``. The scan starts at the minimiser of ``f`` and
        stops in each direction once ``f`` exceeds the best total, so no point with a
        total at most the best is skipped.
        """
        low, high = self._value_range(depth, numerators, scaled_total, budget)
        low, high = self._pair_feasible(depth, numerators, low, high)
        if low > high:
            return
        # Ternary search for a minimiser of the convex function f on [low, high].
        left, right = low, high
        while right - left > 2:
            first = left + (right - left) // 3
            second = right - (right - left) // 3
            if self._relaxed_total(depth, numerators, scaled_total, first) <= \
                    self._relaxed_total(depth, numerators, scaled_total, second):
                right = second
            else:
                left = first
        start = min(range(left, right + 1),
                    key=lambda v: self._relaxed_total(depth, numerators, scaled_total, v))
        for step, value in ((1, start), (-1, start - 1)):
            while low <= value <= high:
                limit = self.best_total * self.scale
                if self._relaxed_total(depth, numerators, scaled_total, value) > limit:
                    break
                self._count()
                self.values[depth] = value
                shifted = [n + a[depth] * value
                           for n, a in zip(numerators, self.coefficients, strict=True)]
                new_free_sum = free_sum + value
                self._last(depth + 1, shifted, new_free_sum,
                           scaled_total + self.weights[depth] * value,
                           self.best_total - self.pivot_floor - new_free_sum)
                value += step

    def _pair_feasible(self, depth: int, numerators: list[int], low: int,
                       high: int) -> tuple[int, int]:
        """Narrow [low, high] to the values ``v`` that leave the last column a real solution."""
        last = depth + 1
        floor = self.lower[self.free[last]]
        # Constraint i reads a[last] * y >= rest_i(v), with rest_i(v) = c_i - a[depth] * v.
        terms = [(target - n, a[depth], a[last])
                 for n, a, target in zip(numerators, self.coefficients, self.targets, strict=True)]
        for c, slope, weight in terms:
            if weight == 0:
                low, high = _limit(low, high, slope, c, at_least=True)
            elif weight < 0:
                # floor <= rest / weight, that is rest <= floor * weight.
                low, high = _limit(low, high, slope, c - floor * weight, at_least=True)
        for c_up, slope_up, weight_up in terms:
            if weight_up <= 0:
                continue
            for c_down, slope_down, weight_down in terms:
                if weight_down >= 0:
                    continue
                # rest_up / weight_up <= rest_down / weight_down, times weight_up * weight_down < 0.
                low, high = _limit(
                    low, high, slope_down * weight_up - slope_up * weight_down,
                    c_down * weight_up - c_up * weight_down, at_least=True,
                )
        return low, high

    def _relaxed_total(self, depth: int, numerators: list[int], scaled_total: int,
                       value: int) -> Fraction:
        """Return the smallest scaled total with column ``depth`` at ``value``, last column real."""
        self._count()
        last = depth + 1
        lowest: Fraction = Fraction(self.lower[self.free[last]])
        highest: Fraction | None = None
        for n, a, target in zip(numerators, self.coefficients, self.targets, strict=True):
            rest = target - n - a[depth] * value
            if a[last] > 0:
                lowest = max(lowest, Fraction(rest, a[last]))
            elif a[last] < 0:
                bound = Fraction(rest, a[last])
                highest = bound if highest is None else min(highest, bound)
        weight = self.weights[last]
        chosen = highest if weight < 0 and highest is not None else lowest
        return scaled_total + self.weights[depth] * value + weight * chosen

    def _count(self) -> None:
        self.nodes += 1
        if self.nodes > WORK_LIMIT:
            message = (f"the minimal-sum search reached its limit of {WORK_LIMIT} steps before "
                       "proving the smallest total; the coefficients are too large for an "
                       "exhaustive search, so use --all to list the elementary reactions")
            raise SearchLimitError(message, code="E_SEARCH_LIMIT")

    def _value_range(self, depth: int, numerators: list[int], scaled_total: int,
                     budget: int) -> tuple[int, int]:
        """Return the values of free column ``depth`` that the child's bounds cannot prune.

        The bounds tested at the child node are linear in the value chosen here,
        so each one becomes an upper or lower limit on it.
        """
        low = self.lower[self.free[depth]]
        room = budget - self.rest_floor[depth + 1]
        high = room
        for numerator, a, target, base, gain in zip(
            numerators, self.coefficients, self.targets, self.rest_base[depth + 1],
            self.rest_gain[depth + 1], strict=True,
        ):
            slope = a[depth] - gain
            needed = target - numerator - base - room * gain
            low, high = _limit(low, high, slope, needed, at_least=True)
        drop = self.weight_drop[depth + 1]
        allowance = (self.best_total * self.scale - scaled_total - self.weight_floor[depth + 1]
                     - room * drop)
        return _limit(low, high, self.weights[depth] - drop, allowance, at_least=False)

    def _last(self, depth: int, numerators: list[int], free_sum: int, scaled_total: int,
              budget: int) -> None:
        """Solve for the last free column directly: an interval with congruences."""
        low, high = self.lower[self.free[depth]], budget
        for numerator, a, target in zip(numerators, self.coefficients, self.targets,
                                        strict=True):
            step = a[depth]
            if step > 0:
                low = max(low, -((numerator - target) // step))
            elif step < 0:
                high = min(high, (numerator - target) // -step)
            elif numerator < target:
                return
        weight = self.weights[depth]
        room = self.best_total * self.scale - scaled_total
        if weight > 0:
            high = min(high, room // weight)
        elif weight < 0:
            low = max(low, -(room // -weight))
        elif room < 0:
            return
        if low > high:
            return
        period = 1
        for a, head in zip(self.coefficients, self.heads, strict=True):
            period = lcm(period, head // gcd(a[depth], head))
        start = next((x for x in range(low, min(high, low + period - 1) + 1)
                      if self._integral(numerators, depth, x)), None)
        if start is None:
            return
        if weight > 0:
            candidates = [start]
        elif weight < 0:
            candidates = [start + (high - start) // period * period]
        else:
            candidates = list(range(start, high + 1, period))
        for value in candidates:
            self.values[depth] = value
            self._record(numerators, depth, value)

    def _integral(self, numerators: list[int], depth: int, value: int) -> bool:
        return all((n + a[depth] * value) % h == 0
                   for n, a, h in zip(numerators, self.coefficients, self.heads, strict=True))

    def _record(self, numerators: list[int], depth: int, value: int) -> None:
        vector = [0] * self.echelon.columns
        for k, column in enumerate(self.free):
            vector[column] = self.values[k]
        for n, a, h, p in zip(numerators, self.coefficients, self.heads, self.echelon.pivots,
                              strict=True):
            vector[p] = (n + a[depth] * value) // h
        total = sum(vector)
        if total < self.best_total:
            self.best_total, self.best, self.optima = total, vector, 1
        elif total == self.best_total:
            self.optima += 1
            self.best = min(self.best, vector) if self.best else vector


def _limit(low: int, high: int, slope: int, bound: int, *, at_least: bool) -> tuple[int, int]:
    """Intersect [low, high] with ``slope * v >= bound`` (or ``<=`` when not ``at_least``)."""
    if not at_least:
        slope, bound = -slope, -bound
    if slope > 0:
        low = max(low, -(-bound // slope))
    elif slope < 0:
        high = min(high, bound // slope)
    elif bound > 0:
        return low, low - 1
    return low, high
