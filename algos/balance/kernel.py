"""Exact integer linear algebra for small species matrices, in pure Python.

The matrices of chemical equations are small (tens of rows and columns) but
their entries can be large (subscripts of 10^5 and more), so everything here
uses Python integers and fraction-free row operations: no floating point, and no
import cost (sympy alone takes about a third of a second to import, more than
the whole balance of a textbook equation). The tests compare these results
with ``sympy.Matrix.nullspace``.
"""

from __future__ import annotations

from math import gcd, lcm

__all__ = ["Echelon", "nullspace", "primitive", "reduced_echelon"]


class Echelon:
    """Reduced row echelon form of an integer matrix, kept in integers.

    Each row is divided by the gcd of its entries and has a positive pivot;
    every pivot column is zero outside its pivot row. Over the rationals the
    solutions of ``A x = 0`` are ``x[pivot_i] = -sum(rows[i][j] * x[j]) / rows[i][pivot_i]``
    over the free columns ``j``.
    """

    def __init__(self, rows: list[list[int]], pivots: list[int], columns: int):
        self.rows = rows
        self.pivots = pivots
        self.columns = columns
        pivot_set = set(pivots)
        self.free = [j for j in range(columns) if j not in pivot_set]

    @property
    def rank(self) -> int:
        return len(self.pivots)

    @property
    def nullity(self) -> int:
        return self.columns - self.rank


def reduced_echelon(matrix: list[list[int]], columns: int) -> Echelon:
    """Return the reduced row echelon form of ``matrix`` (a list of integer rows)."""
    rows = [list(row) for row in matrix if any(row)]
    pivots: list[int] = []
    rank = 0
    for column in range(columns):
        pivot_row = next((i for i in range(rank, len(rows)) if rows[i][column]), None)
        if pivot_row is None:
            continue
        rows[rank], rows[pivot_row] = rows[pivot_row], rows[rank]
        pivot = rows[rank]
        if pivot[column] < 0:
            pivot = rows[rank] = [-value for value in pivot]
        head = pivot[column]
        for i, row in enumerate(rows):
            factor = row[column]
            if i == rank or not factor:
                continue
            # Fraction-free elimination: scale the row by the pivot, subtract, then
            # divide by the row's gcd so the entries stay as small as the exact answer.
            new_row = [head * a - factor * b for a, b in zip(row, pivot, strict=True)]
            rows[i] = _divide_content(new_row)
        rows[rank] = _divide_content(pivot)
        pivots.append(column)
        rank += 1
    return Echelon(rows[:rank], pivots, columns)


def _divide_content(row: list[int]) -> list[int]:
    divisor = gcd(*row)
    if divisor > 1:
        return [value // divisor for value in row]
    return row


def nullspace(echelon: Echelon) -> list[list[int]]:
    """Return an integer basis of the kernel, one primitive vector per free column.

    The vector for free column ``j`` has ``x[j] > 0``, zero at the other free
    columns, and the pivot entries that solve the system.
    """
    basis = []
    for free in echelon.free:
        scale = 1
        for row, pivot in zip(echelon.rows, echelon.pivots, strict=True):
            if row[free]:
                scale = lcm(scale, row[pivot])
        vector = [0] * echelon.columns
        vector[free] = scale
        for row, pivot in zip(echelon.rows, echelon.pivots, strict=True):
            vector[pivot] = -row[free] * scale // row[pivot]
        basis.append(primitive(vector))
    return basis


def primitive(vector: list[int]) -> list[int]:
    """Return ``vector`` divided by the gcd of its entries (unchanged if all zero)."""
    return _divide_content(list(vector))
