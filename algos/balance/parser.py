"""Parse chemical equations as people type them into species with exact compositions.

Accepted notation (the manual page ``toolbox-balance(1)`` has examples of each):

* one arrow: ``->``, ``=``, ``=>``, ``-->``, ``<=>``, ``<->``, ``→``, ``⟶``, ``⇒``, ``⇌``, ``⇄``, ``↔``;
* species separated by ``+``.  When some ``+`` has white space before it
  ("spaced" equations such as ``Fe+3 + e- -> Fe+2``) only such pluses separate
  species; otherwise ("compact" equations such as ``Na++Cl-=NaCl``) a ``+``
  separates when it is followed by the start of a species;
* leading coefficients ``2 H2O``, ``2H2O``, ``2*H2O`` (kept for ``--check``);
* nested ``()``, ``[]`` and ``{}`` groups with integer multipliers;
* hydrates and adducts joined by ``·``, ``•``, ``∙``, ``⋅``, ``*`` or ``.``,
  with an optional multiplier (``CuSO4·5H2O``, ``CuSO4.5H2O``);
* charges ``Fe^3+``, ``Fe^+3``, ``Fe^{3+}``, ``Fe{3+}``, ``Fe{+3}``, ``Fe(3+)``, ``Fe+3``,
  ``SO4-2``, ``Na+``, ``Fe+++``; Unicode superscripts (``Fe³⁺``) and subscripts (``H₂O``);
* electrons ``e``, ``e-``, ``e^-``, ``e{-}``, ``e(-)``, ``{-}``, ``e⁻``;
* phases ``(s)``, ``(l)``, ``(g)``, ``(aq)``, ``(cr)`` after the formula (a space before
  them is allowed), kept in output;
* element symbols are case-sensitive and checked against the periodic table plus
  D and T; abbreviations such as ``Ph`` must be declared as opaque groups.

A single element with a subscript and a lone sign, such as ``Fe3+``, is rejected
because it reads as a triatomic Fe3 cation with charge +1, which is almost never
what was meant.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from toolbox.algos.balance.elements import ELEMENT_SYMBOLS
from toolbox.algos.balance.errors import EquationSyntaxError

__all__ = ["Equation", "Species", "parse_equation", "parse_formula", "parse_groups"]

REACTANT = "reactant"
PRODUCT = "product"
PHASES = ("s", "l", "g", "aq", "cr")

_SUBSCRIPTS = {ord(c): str(i) for i, c in enumerate("₀₁₂₃₄₅₆₇₈₉")}
_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻", "0123456789+-", strict=True))
_HYDRATE_MARKS = "·•∙⋅"
_ARROW = re.compile(r"<-->|<=>|<->|-->|->|=>|=|→|⟶|⇒|⇌|⇄|↔|⟷|⇆")
_EQUILIBRIUM_ARROWS = frozenset({"<-->", "<=>", "<->", "⇌", "⇄", "↔", "⟷", "⇆"})
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {")": "(", "]": "[", "}": "{"}
_ELECTRON_SPELLINGS = frozenset(
    {"e", "e-", "e^-", "e{-}", "{-}", "e-1", "e^-1", "e^1-", "e^{-}", "e{-1}", "e{1-}", "{-1}", "{1-}",
     "e(-)", "e(-1)", "e(1-)"}
)
_PHASE = re.compile(r"\(([a-z]+)\)$")
_SPACED_PHASE = re.compile(r"\s+(\([a-z]+\))$")
# Charge suffixes, tried in this order; each yields (sign, magnitude digits).
_CHARGE_CARET = re.compile(r"\^\{?(?:(\d*)([+-])|([+-])(\d+))\}?$")
_CHARGE_BRACE = re.compile(r"\{(?:(\d*)([+-])|([+-])(\d+))\}$")
_CHARGE_PAREN = re.compile(r"\((?:(\d*)([+-])|([+-])(\d+))\)$")
_CHARGE_SIGN_FIRST = re.compile(r"(?<=[A-Za-z0-9)\]}])([+-])(\d+)$")
_CHARGE_SIGN_RUN = re.compile(r"(?<=[A-Za-z0-9)\]}])([+-]+)$")
_MONATOMIC = re.compile(r"([A-Z][a-z]*)(\d+)$")
_COEFFICIENT = re.compile(r"(\d+)\s*(\*)?\s*")
# Spaces around an adduct dot and its multiplier, as in "MgCl2 * 6 H2O".
_SPACED_ADDUCT = re.compile(r"\s*([·*])\s*(\d*)\s*")
# Maximum bracket nesting depth. The formula reader recurses once per level,
# and real formulas stay far below this depth.
MAX_BRACKET_DEPTH = 100


@dataclass(frozen=True)
class Species:
    """One species of an equation: its spelling, exact composition and charge."""

    text: str
    """The species as typed (phase included, coefficient removed), used in output."""
    formula: str
    """ASCII formula without charge and phase; identifies the species."""
    composition: dict[str, int] = field(compare=False)
    """Atom count per element symbol or declared group, all counts >= 1."""
    charge: int = 0
    phase: str | None = None
    is_electron: bool = False
    given_coefficient: int | None = None
    """The coefficient typed in front of the species, if any."""

    @property
    def key(self) -> tuple[str, int]:
        """Identity of the substance and its charge, without the phase."""
        return (self.formula, self.charge)


@dataclass(frozen=True)
class Equation:
    """A parsed equation: the reactant and product species in input order."""

    text: str
    reactants: tuple[Species, ...]
    products: tuple[Species, ...]
    reversible: bool = False
    """True when the equation was written with an equilibrium arrow such as ``<=>`` or ``⇌``."""

    @property
    def species(self) -> tuple[Species, ...]:
        return self.reactants + self.products

    def side_of(self, index: int) -> str:
        """Return the side of the species at ``index`` in :attr:`species`."""
        return REACTANT if index < len(self.reactants) else PRODUCT


# --------------------------------------------------------------------------- text


def _normalise(text: str) -> tuple[str, list[int]]:
    """Return ASCII-friendly text and, per output character, its index in ``text``.

    Subscript digits become digits, a run of superscripts becomes ``^`` and its
    ASCII form, U+2212 becomes ``-`` and the adduct dots become ``·``. The index
    map lets species keep the user's own spelling in the output.
    """
    text = unicodedata.normalize("NFC", text)
    chars: list[str] = []
    origin: list[int] = []
    previous_superscript = False
    for index, char in enumerate(text):
        if char in _SUPERSCRIPTS:
            piece = _SUPERSCRIPTS[char] if previous_superscript else "^" + _SUPERSCRIPTS[char]
            previous_superscript = True
        else:
            previous_superscript = False
            if char == "\u2212":
                piece = "-"
            elif char in _HYDRATE_MARKS:
                piece = "·"
            else:
                piece = char.translate(_SUBSCRIPTS)
        chars.extend(piece)
        origin.extend([index] * len(piece))
    return "".join(chars), origin


def _original_span(text: str, origin: list[int], start: int, end: int) -> str:
    return text[origin[start]: origin[end - 1] + 1]


# --------------------------------------------------------------------------- equation


def parse_equation(text: str, groups: dict[str, dict[str, int]] | None = None) -> Equation:
    """Parse ``text`` into an :class:`Equation`.

    Parameters
    ----------
    text : str
        The equation, for example ``"KMnO4 + HCl -> KCl + MnCl2 + H2O + Cl2"``.
    groups : dict, optional
        Declared opaque groups (from :func:`parse_groups`); their names may be
        used like element symbols.

    Raises
    ------
    EquationSyntaxError
        With one of the codes E_NO_ARROW, E_MULTI_ARROW, E_EMPTY_SIDE, E_SYNTAX,
        E_BRACKETS, E_UNKNOWN_SYMBOL, E_LOWERCASE, E_AMBIGUOUS_CHARGE or
        E_DUPLICATE_SPECIES.
    """
    original = unicodedata.normalize("NFC", text.strip())
    normal, origin = _normalise(original)
    long_number = re.search(r"\d{31,}", normal)
    if long_number:
        message = (f"a number with {len(long_number.group())} digits in {original[:60]!r}; "
                   "coefficients, subscripts and charges may have at most 30 digits")
        raise EquationSyntaxError(message, code="E_SYNTAX")
    arrows = list(_ARROW.finditer(normal))
    if not arrows:
        message = f"no arrow in {original!r}; separate reactants from products with ->, = or →"
        raise EquationSyntaxError(message, code="E_NO_ARROW")
    if len(arrows) > 1:
        shown = ", ".join(repr(a.group()) for a in arrows)
        message = (f"{len(arrows)} arrows ({shown}) in {original!r}; use exactly one, "
                   "and write each step of a multi-step reaction as its own equation")
        raise EquationSyntaxError(message, code="E_MULTI_ARROW", details={"arrows": len(arrows)})

    arrow = arrows[0]
    spaced = re.search(r"\s\+", normal) is not None
    groups = groups or {}
    sides = []
    for side, start, end in ((REACTANT, 0, arrow.start()), (PRODUCT, arrow.end(), len(normal))):
        if not normal[start:end].strip():
            message = f"the {side} side of {original!r} is empty; list at least one species on it"
            raise EquationSyntaxError(message, code="E_EMPTY_SIDE", details={"side": side})
        terms = _split_side(normal, start, end, spaced, original)
        sides.append(tuple(
            _parse_term(normal, s, e, original, origin, groups) for s, e in terms
        ))
    equation = Equation(original, sides[0], sides[1], arrow.group() in _EQUILIBRIUM_ARROWS)
    _reject_duplicates(equation)
    return equation


def _split_side(normal: str, start: int, end: int, spaced: bool, original: str) -> list[tuple[int, int]]:
    """Return the (start, end) index pairs of the terms between ``start`` and ``end``."""
    cuts = []
    opened: list[int] = []
    for i in range(start, end):
        char = normal[i]
        if char in _OPEN:
            opened.append(i)
        elif char in _CLOSE and opened:
            opened.pop()
        elif char == "+" and not opened and _is_separator(normal, i, start, end, spaced):
            cuts.append(i)
    if opened:
        # An unclosed bracket would swallow the '+' signs after it; report it here.
        message = (f"'{normal[opened[0]]}' at column {opened[0] + 1} of {original!r} is never "
                   f"closed; add '{_OPEN[normal[opened[0]]]}'")
        raise EquationSyntaxError(message, code="E_BRACKETS")
    terms = []
    begin = start
    for cut in [*cuts, end]:
        s, e = begin, cut
        while s < e and normal[s].isspace():
            s += 1
        while e > s and normal[e - 1].isspace():
            e -= 1
        if s == e or normal[s] == "+":
            message = f"empty species between '+' signs in {original!r}; remove the extra '+'"
            raise EquationSyntaxError(message, code="E_SYNTAX")
        terms.append((s, e))
        begin = cut + 1
    return terms


def _is_separator(normal: str, i: int, start: int, end: int, spaced: bool) -> bool:
    if spaced:
        return i > start and normal[i - 1].isspace()
    if i == start or normal[i - 1] == "^" or i + 1 >= end:
        return False
    following = normal[i + 1]
    if following.isdigit():
        # "+3" that ends the side, or is followed by another '+', is a sign-first charge.
        j = i + 1
        while j < end and normal[j].isdigit():
            j += 1
        return not (j == end or normal[j] in "+-" or normal[j].isspace())
    return following.isupper() or following in "([{e"


def _reject_duplicates(equation: Equation) -> None:
    # The phase counts here: H2O(l) -> H2O(g) is a phase change, not a duplicate.
    seen: dict[tuple[str, int, str | None], str] = {}
    repeated: list[str] = []
    both_sides: list[str] = []
    for index, species in enumerate(equation.species):
        side = equation.side_of(index)
        identity = (*species.key, species.phase)
        if identity in seen:
            if seen[identity] != side:
                both_sides.append(species.text)
            else:
                repeated.append(species.text)
        else:
            seen[identity] = side
    if both_sides:
        names = ", ".join(both_sides)
        message = (f"{names} appear{'s' if len(both_sides) == 1 else ''} on both sides of "
                   f"{equation.text!r}; a species that is consumed and formed again cancels out, "
                   "so remove it from one side (or from both, to balance the net reaction)")
        raise EquationSyntaxError(message, code="E_DUPLICATE_SPECIES", details={"species": both_sides})
    if repeated:
        names = ", ".join(repeated)
        message = f"{names} is listed twice on the same side of {equation.text!r}; list it once"
        raise EquationSyntaxError(message, code="E_DUPLICATE_SPECIES", details={"species": repeated})


# --------------------------------------------------------------------------- terms


def _parse_term(
    normal: str, start: int, end: int, original: str, origin: list[int],
    groups: dict[str, dict[str, int]],
) -> Species:
    term = normal[start:end]
    if re.match(r"\d+\s*/\s*\d+", term):
        message = (f"fractional coefficient in {term!r}; coefficients are whole numbers, so "
                   "multiply the equation through or leave the coefficient out")
        raise EquationSyntaxError(message, code="E_SYNTAX")
    coefficient = None
    match = _COEFFICIENT.match(term)
    if match and match.end() < len(term) and not term[match.end()].isdigit():
        coefficient = int(match.group(1))
        if coefficient == 0:
            message = f"coefficient 0 in front of {term[match.end():]!r}; remove the species instead"
            raise EquationSyntaxError(message, code="E_SYNTAX")
        start += match.end()
        term = term[match.end():]
    text = _original_span(original, origin, start, end)
    return parse_species(term, groups, text=text, given_coefficient=coefficient)


def parse_species(
    term: str, groups: dict[str, dict[str, int]] | None = None, *,
    text: str | None = None, given_coefficient: int | None = None,
) -> Species:
    """Parse one species (no coefficient), such as ``"[Fe(CN)6]^4-"`` or ``"CuSO4·5H2O(s)"``."""
    groups = groups or {}
    text = term if text is None else text
    body = _SPACED_ADDUCT.sub(r"\1\2", term.strip())
    body = _SPACED_PHASE.sub(r"\1", body)
    if re.search(r"\s", body):
        message = (f"unexpected space inside {text!r}; separate species with ' + ' "
                   "and write each formula without spaces")
        raise EquationSyntaxError(message, code="E_SYNTAX", details={"species": text})

    phase = None
    match = _PHASE.search(body)
    if match and match.group(1) in PHASES:
        phase = match.group(1)
        body = body[: match.start()]
    elif match:
        message = (f"unknown phase '({match.group(1)})' in {text!r}; "
                   f"use one of {', '.join(f'({p})' for p in PHASES)}")
        raise EquationSyntaxError(message, code="E_SYNTAX", details={"species": text})

    if body in _ELECTRON_SPELLINGS:
        return Species(text, "e", {}, -1, phase, True, given_coefficient)

    body, charge, lone_sign = _split_charge(body, text)
    if not body:
        message = f"{text!r} has a charge but no formula; write the formula before the charge"
        raise EquationSyntaxError(message, code="E_SYNTAX", details={"species": text})
    monatomic = _MONATOMIC.fullmatch(body)
    if lone_sign and monatomic and monatomic.group(1) in ELEMENT_SYMBOLS:
        symbol, count = monatomic.groups()
        sign = "+" if charge > 0 else "-"
        message = (f"ambiguous charge in {text!r}: it would mean a {symbol}{count} cluster with "
                   f"charge {charge:+d}; for the ion write {symbol}^{count}{sign}, "
                   f"{symbol}{{{count}{sign}}} or {symbol}{sign}{count}, and for the cluster "
                   f"write {symbol}{count}^{sign}")
        raise EquationSyntaxError(message, code="E_AMBIGUOUS_CHARGE", details={"species": text})
    composition = parse_formula(body, groups, text=text)
    return Species(text, body, composition, charge, phase, False, given_coefficient)


def _split_charge(body: str, text: str) -> tuple[str, int, bool]:
    """Remove a trailing charge from ``body``; return (formula, charge, written as lone signs)."""
    for pattern in (_CHARGE_CARET, _CHARGE_BRACE, _CHARGE_PAREN):
        match = pattern.search(body)
        if match:
            digits = match.group(1) if match.group(2) else match.group(4)
            sign = match.group(2) or match.group(3)
            return body[: match.start()], _charge_value(sign, digits, text), False
    match = _CHARGE_SIGN_FIRST.search(body)
    if match:
        return body[: match.start()], _charge_value(match.group(1), match.group(2), text), False
    match = _CHARGE_SIGN_RUN.search(body)
    if match:
        signs = match.group(1)
        if len(set(signs)) > 1:
            message = f"mixed signs {signs!r} in the charge of {text!r}; write one sign, such as ^2+"
            raise EquationSyntaxError(message, code="E_SYNTAX", details={"species": text})
        magnitude = len(signs)
        return body[: match.start()], magnitude if signs[0] == "+" else -magnitude, True
    return body, 0, False


def _charge_value(sign: str, digits: str, text: str) -> int:
    magnitude = int(digits) if digits else 1
    if magnitude == 0:
        message = f"charge 0 written in {text!r}; omit the charge of a neutral species"
        raise EquationSyntaxError(message, code="E_SYNTAX", details={"species": text})
    return magnitude if sign == "+" else -magnitude


# --------------------------------------------------------------------------- formulas


def parse_formula(
    formula: str, groups: dict[str, dict[str, int]] | None = None, *, text: str | None = None
) -> dict[str, int]:
    """Return the composition of a neutral ``formula`` such as ``"K4[Fe(CN)6]·3H2O"``.

    Counts are Python integers, so subscripts of any size are exact. Declared
    ``groups`` appear as their own keys (they are not expanded).
    """
    groups = groups or {}
    text = formula if text is None else text
    composition: dict[str, int] = {}
    parts = _split_adducts(formula, text)
    for number, (offset, part) in enumerate(parts):
        multiplier = 1
        digits = re.match(r"\d+", part)
        if digits:
            if number == 0:
                message = (f"{text!r} starts with a number inside the formula; put a space after "
                           "a coefficient, and write isotopes other than D and T as elements")
                raise EquationSyntaxError(message, code="E_SYNTAX", details={"species": text})
            multiplier = int(digits.group())
            if multiplier == 0:
                message = f"adduct multiplier 0 in {text!r}; remove that part instead"
                raise EquationSyntaxError(message, code="E_SYNTAX", details={"species": text})
            offset += digits.end()
            part = part[digits.end():]
        if not part:
            message = f"empty part after an adduct separator in {text!r}; remove the separator"
            raise EquationSyntaxError(message, code="E_SYNTAX", details={"species": text})
        counts = _FormulaReader(part, offset, formula, text, groups).read()
        for symbol, count in counts.items():
            composition[symbol] = composition.get(symbol, 0) + count * multiplier
    return composition


def _split_adducts(formula: str, text: str) -> list[tuple[int, str]]:
    parts = []
    depth = 0
    begin = 0
    for i, char in enumerate(formula):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
        elif char in "·*." and depth == 0:
            parts.append((begin, formula[begin:i]))
            begin = i + 1
    parts.append((begin, formula[begin:]))
    return parts


class _FormulaReader:
    """Recursive-descent reader of one adduct part: groups and symbols with counts."""

    def __init__(self, part: str, offset: int, formula: str, text: str,
                 groups: dict[str, dict[str, int]]):
        self.part = part
        self.offset = offset
        self.formula = formula
        self.text = text
        self.groups = groups
        self.position = 0
        self.depth = 0

    def column(self) -> int:
        return self.offset + self.position + 1

    def read(self) -> dict[str, int]:
        counts = self._sequence(closing=None)
        if self.position < len(self.part):
            self._unexpected()
        return counts

    def _sequence(self, closing: str | None) -> dict[str, int]:
        counts: dict[str, int] = {}
        opened_at = self.column() - 1
        while self.position < len(self.part):
            char = self.part[self.position]
            if char in _CLOSE:
                if closing is None:
                    message = (f"'{char}' at column {self.column()} of {self.text!r} has no "
                               "matching opening bracket")
                    raise EquationSyntaxError(message, code="E_BRACKETS", details={"species": self.text})
                if char != closing:
                    message = (f"'{char}' at column {self.column()} of {self.text!r} closes "
                               f"'{_CLOSE[closing]}' opened at column {opened_at}; "
                               f"use '{closing}'")
                    raise EquationSyntaxError(message, code="E_BRACKETS", details={"species": self.text})
                return counts
            if char in _OPEN:
                bracket_column = self.column()
                if self.depth == MAX_BRACKET_DEPTH:
                    message = (f"brackets nested more than {MAX_BRACKET_DEPTH} levels deep at "
                               f"column {bracket_column} of {self.text[:60]!r}; "
                               "write the formula with fewer levels")
                    raise EquationSyntaxError(message, code="E_BRACKETS", details={"species": self.text})
                self.position += 1
                self.depth += 1
                inner = self._sequence(closing=_OPEN[char])
                self.depth -= 1
                if self.position >= len(self.part):
                    message = (f"'{char}' at column {bracket_column} of {self.text!r} is never "
                               f"closed; add '{_OPEN[char]}'")
                    raise EquationSyntaxError(message, code="E_BRACKETS", details={"species": self.text})
                self.position += 1
                if not inner:
                    message = f"empty brackets at column {bracket_column} of {self.text!r}"
                    raise EquationSyntaxError(message, code="E_SYNTAX", details={"species": self.text})
                multiplier = self._count()
                for symbol, count in inner.items():
                    counts[symbol] = counts.get(symbol, 0) + count * multiplier
            elif char.isupper():
                symbol = self._symbol()
                count = self._count()
                counts[symbol] = counts.get(symbol, 0) + count
            elif char.islower():
                message = (f"{self.text!r} has lower-case '{char}' at column {self.column()} "
                           "where an element symbol must start; element symbols start with an "
                           "upper-case letter (H2O, not h2o)")
                raise EquationSyntaxError(message, code="E_LOWERCASE", details={"species": self.text})
            else:
                self._unexpected()
        return counts

    def _symbol(self) -> str:
        start = self.position
        self.position += 1
        while self.position < len(self.part) and self.part[self.position].islower():
            self.position += 1
        symbol = self.part[start: self.position]
        if symbol in ELEMENT_SYMBOLS or symbol in self.groups:
            return symbol
        hint = ""
        if len(symbol) == 2 and symbol[0] in ELEMENT_SYMBOLS and symbol[1].upper() in ELEMENT_SYMBOLS:
            split = symbol[0] + symbol[1:].upper()
            hint = (f"; symbols are case-sensitive, so if you meant {symbol[0]} followed by "
                    f"{symbol[1:].upper()}, write {split}")
        message = (f"unknown element symbol {symbol!r} in {self.text!r}{hint}; declare an "
                   f"abbreviation with --groups {symbol}=FORMULA")
        raise EquationSyntaxError(message, code="E_UNKNOWN_SYMBOL", details={"species": self.text, "symbol": symbol})

    def _count(self) -> int:
        start = self.position
        while self.position < len(self.part) and self.part[self.position].isdigit():
            self.position += 1
        if start == self.position:
            return 1
        count = int(self.part[start: self.position])
        if count == 0:
            message = f"subscript 0 at column {start + self.offset + 1} of {self.text!r}; remove it"
            raise EquationSyntaxError(message, code="E_SYNTAX", details={"species": self.text})
        return count

    def _unexpected(self) -> None:
        char = self.part[self.position]
        message = f"unexpected character {char!r} at column {self.column()} of {self.text!r}"
        if char in "↓↑":
            message += "; precipitate and gas arrows are not read, so write the phase as (s) or (g)"
        elif self.position == 0 and char == "^":
            message += ("; isotope mass numbers are not read, so write the element symbol "
                        "(D and T are symbols of their own)")
        elif char in "+-^":
            message += "; a charge must come last, as in SO4^2- or Fe{3+}"
        raise EquationSyntaxError(message, code="E_SYNTAX", details={"species": self.text})


# --------------------------------------------------------------------------- groups


def parse_groups(spec: str) -> dict[str, dict[str, int]]:
    """Parse declarations such as ``"Ph=C6H5,Me=CH3"`` into opaque groups.

    A group name is an upper-case letter followed by lower-case letters and must
    not be an element symbol. Its formula is checked but the group stays one unit
    in balancing, which can turn an ambiguous equation into a unique one.
    """
    groups: dict[str, dict[str, int]] = {}
    for item in (piece.strip() for piece in spec.split(",")):
        if not item:
            continue
        name, sign, formula = item.partition("=")
        name, formula = name.strip(), formula.strip()
        if not sign or not formula:
            message = f"group declaration {item!r} has no formula; write NAME=FORMULA, as in Ph=C6H5"
            raise EquationSyntaxError(message, code="E_GROUPS")
        if not re.fullmatch(r"[A-Z][a-z]*", name):
            message = (f"group name {name!r} is invalid; use an upper-case letter followed by "
                       "lower-case letters, as in Ph or Me")
            raise EquationSyntaxError(message, code="E_GROUPS")
        if name in ELEMENT_SYMBOLS:
            message = f"group name {name!r} is an element symbol; choose another name"
            raise EquationSyntaxError(message, code="E_GROUPS")
        if name in groups:
            message = f"group {name!r} is declared twice; declare it once"
            raise EquationSyntaxError(message, code="E_GROUPS")
        groups[name] = parse_formula(formula, text=formula)
    return groups
