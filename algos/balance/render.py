"""Write balanced equations as plain text, Unicode or LaTeX (mhchem)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from toolbox.algos.balance.parser import PRODUCT, REACTANT, Species

__all__ = ["STYLES", "Term", "format_reaction"]

STYLES = ("text", "unicode", "latex")
_SUBSCRIPT_DIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPT = str.maketrans("0123456789+-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻")
_ARROWS = {"text": "->", "unicode": "→", "latex": "->"}
_EQUILIBRIUM_ARROWS = {"text": "<=>", "unicode": "⇌", "latex": "<=>"}


@dataclass(frozen=True)
class Term:
    """One species of a written reaction with its coefficient and side."""

    coefficient: int
    species: Species
    side: str


def format_reaction(terms: Sequence[Term], style: str = "text", *, reversible: bool = False) -> str:
    """Return ``terms`` as one equation line; coefficient 1 is omitted, 0 drops the term.

    ``text`` keeps each species as the user typed it; ``unicode`` writes
    subscripts, superscript charges and ``→``; ``latex`` writes an mhchem
    ``\\ce{...}`` expression. ``reversible`` selects the equilibrium arrow
    (``<=>``, or ``⇌`` in ``unicode``).
    """
    if style not in STYLES:
        message = f"unknown style {style!r}; use one of {', '.join(STYLES)}"
        raise ValueError(message)
    sides = []
    for side in (REACTANT, PRODUCT):
        parts = []
        for term in terms:
            if term.side != side or term.coefficient == 0:
                continue
            name = _species(term.species, style)
            parts.append(name if term.coefficient == 1 else f"{term.coefficient} {name}")
        sides.append(" + ".join(parts))
    arrow = (_EQUILIBRIUM_ARROWS if reversible else _ARROWS)[style]
    line = f"{sides[0]} {arrow} {sides[1]}"
    return f"\\ce{{{line}}}" if style == "latex" else line


def _species(species: Species, style: str) -> str:
    if style == "text":
        return species.text
    phase = f"({species.phase})" if species.phase else ""
    if style == "unicode":
        if species.is_electron:
            return "e⁻" + phase
        body = re.sub(r"(?<=[A-Za-z)\]}])\d+", lambda m: m.group().translate(_SUBSCRIPT_DIGITS),
                      re.sub(r"[*.·]", "·", species.formula))
        return body + _charge_text(species.charge).translate(_SUPERSCRIPT) + phase
    if species.is_electron:
        return "e-" + phase
    body = re.sub(r"[·.]", "*", species.formula).replace("{", r"\{").replace("}", r"\}")
    charge = _charge_text(species.charge)
    return body + (f"^{{{charge}}}" if charge else "") + phase


def _charge_text(charge: int) -> str:
    if charge == 0:
        return ""
    magnitude = "" if abs(charge) == 1 else str(abs(charge))
    return magnitude + ("+" if charge > 0 else "-")
