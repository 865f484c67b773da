"""Exceptions of the balancer, one stable code per kind of failure.

Every exception carries ``code`` (a stable identifier such as ``E_WRONG_SIDE``
used in JSON output and tests), a one-line message that names the offending
value and the fix, and ``details`` with machine-readable facts.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BalanceError", "EquationSyntaxError", "NoBalanceError"]


class BalanceError(ValueError):
    """Base class of every balancer failure."""

    def __init__(self, message: str, *, code: str, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}

    def to_dict(self) -> dict[str, Any]:
        """Return the error as the ``error`` member of a JSON result."""
        return {"code": self.code, "message": self.message, "details": self.details}


class EquationSyntaxError(BalanceError):
    """The equation text (or a ``--groups`` declaration) cannot be read as written.

    Codes: E_SYNTAX, E_NO_ARROW, E_MULTI_ARROW, E_EMPTY_SIDE, E_UNKNOWN_SYMBOL,
    E_LOWERCASE, E_BRACKETS, E_AMBIGUOUS_CHARGE, E_DUPLICATE_SPECIES, E_GROUPS.
    """


class NoBalanceError(BalanceError):
    """The equation reads fine, but no balance with every coefficient >= 1 exists.

    Codes: E_ONE_SIDED_ELEMENT, E_CHARGE_IMBALANCE, E_NO_BALANCE, E_SUPERFLUOUS,
    E_WRONG_SIDE, E_NO_POSITIVE, E_NOT_BALANCED (``--check`` found the given
    coefficients wrong), E_SEARCH_LIMIT (too many species subsets for the elementary
    reactions, or no balance from the exact search nor the MILP fallback).
    """
