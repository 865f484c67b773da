"""Chemical equation balancing in the integer-nullspace (vector) formulation.

``balance(text)`` returns the canonical balance (unique, or the smallest total
coefficient sum with a lexicographic tie-break) and raises ``BalanceError``
subclasses with stable codes when none exists. Everything is pure Python with
exact integers; sympy serves only as an independent oracle in the tests.
"""

from toolbox.algos.balance.errors import BalanceError, EquationSyntaxError, NoBalanceError
from toolbox.algos.balance.parser import Equation, Species, parse_equation, parse_groups
from toolbox.algos.balance.solver import Balance, Check, balance, check

__all__ = [
    "Balance",
    "BalanceError",
    "Check",
    "Equation",
    "EquationSyntaxError",
    "NoBalanceError",
    "Species",
    "balance",
    "check",
    "parse_equation",
    "parse_groups",
]
