"""Balance chemical equations exactly: unique balances, minimal-sum choices and diagnoses.

Each species is an integer vector over the elements (and the net charge), with
reactant columns positive and product columns negative in the matrix ``A``.
Balances are the integer vectors ``x`` with ``A x = 0`` and every ``x >= 1``.

* Nullity 0: only ``x = 0`` solves the system (E_NO_BALANCE), or the atoms
  balance and only the charge cannot (E_CHARGE_IMBALANCE).
* Nullity 1: the primitive kernel vector is the unique balance when it has no
  zero and one sign; otherwise a species is forced to 0 (E_SUPERFLUOUS) or
  belongs on the other side (E_WRONG_SIDE).
* Nullity k >= 2: every balance is a nonnegative combination of the elementary
  (support-minimal) reactions. The canonical answer has the smallest total
  coefficient sum and, among equal totals, the lexicographically smallest
  coefficient vector in input order; warnings W_NOT_UNIQUE and W_TIE say so.
  When electrons are requested (``electrons=True``, or e- written in the
  equation), the smallest total is taken only over the balances whose e-
  coefficient is not 0. If none exists, the choice falls back to all balances
  and warning W_NO_ELECTRONS says so.

The matrix, the kernel and the search use Python integers only, and the result
is checked against ``A x = 0`` before it is returned. Only when the exact search
reaches its work limit twice is the balance taken from scipy's MILP solver; it is
still checked exactly, and ``certified`` is False with warning W_NOT_CERTIFIED.

References
----------
N. Yilmaz, P. Kozub, S. Kozub, "A Vector-Based Algorithm for Generating Complete
Balanced Reaction Sets with Arbitrary Numbers of Reagents", ChemRxiv (2025),
doi:10.26434/chemrxiv-2025-fvn80, arXiv:2510.25503.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from toolbox.algos.balance.elements import ELEMENT_SYMBOLS
from toolbox.algos.balance.errors import NoBalanceError
from toolbox.algos.balance.kernel import nullspace, reduced_echelon
from toolbox.algos.balance.parser import (
    PRODUCT,
    REACTANT,
    Equation,
    Species,
    parse_equation,
    parse_species,
)
from toolbox.algos.balance.render import Term, format_reaction
from toolbox.algos.balance.search import (
    MinimalSum,
    SearchLimitError,
    elementary_reactions,
    minimal_sum,
)

__all__ = ["MEDIA", "Balance", "Check", "balance", "check"]

CHARGE = "charge"
MEDIA = ("acidic", "basic")
_MEDIUM_SPECIES = {"acidic": ("H2O", "H+"), "basic": ("H2O", "OH-")}
RULE_UNIQUE = "unique"
RULE_MIN_TOTAL = "min_total_then_lex"
RULE_ELECTRONS = "electrons_then_min_total_then_lex"


@dataclass
class Balance:
    """A balanced equation and how it was chosen."""

    equation: Equation
    terms: list[Term]
    """Every species with its coefficient and side, added medium species last on their side."""
    rows: list[str]
    nullity: int
    rank: int
    rule: str
    total: int
    optima: int = 1
    """Number of balances that share the smallest total (1 when unique, 0 when unknown)."""
    elementary: list[list[Term]] = field(default_factory=list)
    elementary_count: int = 0
    added: list[Species] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    certified: bool = True
    """False when the smallest total comes from the MILP fallback and is not proved."""

    def text(self, style: str = "text") -> str:
        return format_reaction(self.terms, style, reversible=self.equation.reversible)

    def totals(self) -> dict[str, list[int]]:
        """Return per element (and ``charge``) the reactant and product totals."""
        return _side_totals(self.rows, self.terms)

    def to_dict(self, style: str = "text") -> dict[str, Any]:
        """Return the result with the stable keys of the JSON output."""
        return {
            "input": self.equation.text,
            "status": "ok",
            "balanced": self.text(style),
            "species": [
                {"text": t.species.text, "side": t.side, "coefficient": t.coefficient,
                 "composition": dict(t.species.composition), "charge": t.species.charge,
                 "phase": t.species.phase, "added": t.species in self.added}
                for t in self.terms
            ],
            "nullity": self.nullity,
            "rank": self.rank,
            "unique": self.rule == RULE_UNIQUE,
            "canonical": {"rule": self.rule, "total": self.total,
                          "ties": self.optima > 1 if self.certified else None,
                          "optima": self.optima if self.certified else None,
                          "certified": self.certified},
            "elementary": [
                {"coefficients": [t.coefficient for t in reaction],
                 "text": format_reaction(reaction, style, reversible=self.equation.reversible)}
                for reaction in self.elementary
            ],
            "elementary_count": self.elementary_count,
            "added_species": [s.text for s in self.added],
            "checks": self.totals(),
            "warnings": [{"code": code, "message": message} for code, message in self.warnings],
        }


@dataclass
class Check:
    """Result of :func:`check`: per-element totals of the coefficients as given."""

    equation: Equation
    terms: list[Term]
    rows: list[str]

    def totals(self) -> dict[str, list[int]]:
        return _side_totals(self.rows, self.terms)

    @property
    def unbalanced(self) -> list[str]:
        return [row for row, (left, right) in self.totals().items() if left != right]


def _side_totals(rows: Sequence[str], terms: Sequence[Term]) -> dict[str, list[int]]:
    totals = {row: [0, 0] for row in rows}
    for term in terms:
        index = 0 if term.side == REACTANT else 1
        for row in rows:
            amount = term.species.charge if row == CHARGE else term.species.composition.get(row, 0)
            totals[row][index] += term.coefficient * amount
    return totals


# --------------------------------------------------------------------------- matrix


def _rows_of(species: Sequence[Species]) -> list[str]:
    rows: list[str] = []
    seen = set()
    for item in species:
        for symbol in item.composition:
            if symbol not in seen:
                seen.add(symbol)
                rows.append(symbol)
    if any(item.charge for item in species):
        rows.append(CHARGE)
    return rows


def _column(species: Species, rows: Sequence[str], sign: int) -> list[int]:
    return [sign * (species.charge if row == CHARGE else species.composition.get(row, 0))
            for row in rows]


def _matrix(columns: Sequence[Sequence[int]], row_count: int) -> list[list[int]]:
    return [[column[r] for column in columns] for r in range(row_count)]


# --------------------------------------------------------------------------- API


def balance(
    equation: str | Equation,
    *,
    medium: str | None = None,
    electrons: bool = False,
    groups: dict[str, dict[str, int]] | None = None,
    elementary_limit: int | None = 50,
) -> Balance:
    """Balance ``equation`` and return the canonical balance.

    Parameters
    ----------
    equation : str or Equation
        Equation text such as ``"Cu + HNO3 -> Cu(NO3)2 + NO + NO2 + H2O"``.
    medium : {"acidic", "basic"}, optional
        Add H2O and H+ (acidic) or H2O and OH- (basic); the solver puts each on
        the side where its coefficient comes out positive and drops it at 0.
    electrons : bool
        Also add e- in the same way (for half reactions). When the equation has
        several independent balances, the canonical one is then chosen among
        those with a non-zero e- coefficient, if there are any.
    groups : dict, optional
        Opaque groups declared with :func:`~toolbox.algos.balance.parser.parse_groups`.
    elementary_limit : int or None
        Keep at most this many elementary reactions in the result (None: all).

    Raises
    ------
    EquationSyntaxError
        The text cannot be parsed (see :func:`~toolbox.algos.balance.parser.parse_equation`).
    NoBalanceError
        No balance with every coefficient >= 1 exists; ``code`` names the reason.

    Examples
    --------
    >>> balance("KMnO4 + HCl -> KCl + MnCl2 + H2O + Cl2").text()
    '2 KMnO4 + 16 HCl -> 2 KCl + 2 MnCl2 + 8 H2O + 5 Cl2'
    >>> balance("MnO4- + Fe^2+ -> Mn^2+ + Fe^3+", medium="acidic").text()
    'MnO4- + 5 Fe^2+ + 8 H+ -> Mn^2+ + 5 Fe^3+ + 4 H2O'
    """
    if isinstance(equation, str):
        equation = parse_equation(equation, groups)
    if medium is not None and medium not in MEDIA:
        message = f"unknown medium {medium!r}; use one of {', '.join(MEDIA)}"
        raise ValueError(message)
    added = _medium_species(equation, medium, electrons)
    species = list(equation.species)
    rows = _rows_of(species + added)
    signs = [1] * len(equation.reactants) + [-1] * len(equation.products)
    columns = [_column(s, rows, sign) for s, sign in zip(species, signs, strict=True)]
    columns += [_column(s, rows, 1) for s in added]
    echelon = reduced_echelon(_matrix(columns, len(rows)), len(columns))
    # An element on one side only rules out a balance. When moving species across
    # would balance everything, E_WRONG_SIDE (raised below) is the more useful report.
    if not (echelon.nullity == 1 and all(nullspace(echelon)[0][: len(species)])):
        _reject_one_sided(equation, added, rows)
    if echelon.nullity == 0:
        _raise_no_balance(equation, rows, columns)
    if echelon.nullity == 1:
        result = _unique(equation, added, rows, echelon)
    else:
        result = _several(equation, added, rows, columns, echelon.rank, elementary_limit)
    _verify(result)
    return result


def check(equation: str | Equation, groups: dict[str, dict[str, int]] | None = None) -> Check:
    """Return the per-element totals of ``equation`` with its coefficients as typed.

    A species without a typed coefficient counts once.
    """
    if isinstance(equation, str):
        equation = parse_equation(equation, groups)
    terms = [Term(s.given_coefficient or 1, s, equation.side_of(i))
             for i, s in enumerate(equation.species)]
    return Check(equation, terms, _rows_of(equation.species))


def _medium_species(equation: Equation, medium: str | None, electrons: bool) -> list[Species]:
    names = list(_MEDIUM_SPECIES[medium]) if medium else []
    if electrons:
        names.append("e-")
    present = {s.key for s in equation.species}
    added = []
    for name in names:
        candidate = parse_species(name)
        if candidate.key not in present:
            added.append(candidate)
    return added


def _reject_one_sided(equation: Equation, added: Sequence[Species], rows: Sequence[str]) -> None:
    reactant_symbols = {k for s in equation.reactants for k in s.composition}
    product_symbols = {k for s in equation.products for k in s.composition}
    free_symbols = {k for s in added for k in s.composition}
    only_left = [r for r in rows if r in reactant_symbols - product_symbols - free_symbols]
    only_right = [r for r in rows if r in product_symbols - reactant_symbols - free_symbols]
    if not only_left and not only_right:
        return
    clauses = []
    if only_left:
        clauses.append(f"{_join(only_left)} {'occurs' if len(only_left) == 1 else 'occur'} "
                       "only among the reactants")
    if only_right:
        clauses.append(f"{_join(only_right)} {'occurs' if len(only_right) == 1 else 'occur'} "
                       "only among the products")
    hint = "add the missing species, or check the formulas for typing errors"
    groups = [symbol for symbol in only_left + only_right if symbol not in ELEMENT_SYMBOLS]
    if groups:
        hint = (f"groups declared with --groups ({', '.join(groups)}) are never split into "
                "atoms, so write the formula in place of a group that the reaction breaks up")
    elif not added and set(only_left + only_right) <= {"H", "O"}:
        hint = "for a redox equation in water use --medium acidic or --medium basic"
    elif added:
        hint = "the medium species cannot supply these elements; " + hint
    message = f"{' and '.join(clauses)} of {equation.text!r}; {hint}"
    details = {"reactants_only": only_left, "products_only": only_right}
    raise NoBalanceError(message, code="E_ONE_SIDED_ELEMENT", details=details)


def _join(names: Sequence[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _raise_no_balance(equation: Equation, rows: list[str], columns: list[list[int]]) -> None:
    if CHARGE in rows:
        keep = [i for i, row in enumerate(rows) if row != CHARGE]
        atoms_only = [[column[i] for i in keep] for column in columns]
        echelon = reduced_echelon(_matrix(atoms_only, len(keep)), len(columns))
        if echelon.nullity == 1:
            vector = nullspace(echelon)[0]
            if all(v > 0 for v in vector) or all(v < 0 for v in vector):
                message = (f"the atoms of {equation.text!r} balance but the charge cannot; "
                           "add electrons (e-) to one side, pass --electrons, or use --medium")
                raise NoBalanceError(message, code="E_CHARGE_IMBALANCE")
    message = (f"only the all-zero solution balances {equation.text!r}: no positive amounts of "
               "these species conserve every element; check the formulas, or add the missing "
               "species")
    raise NoBalanceError(message, code="E_NO_BALANCE")


# --------------------------------------------------------------------------- nullity 1


def _unique(equation: Equation, added: list[Species], rows: list[str], echelon) -> Balance:
    vector = nullspace(echelon)[0]
    count = len(equation.species)
    own = vector[:count]
    positives = sum(1 for v in own if v > 0)
    negatives = sum(1 for v in own if v < 0)
    if negatives > positives or (negatives == positives and next(v for v in own if v) < 0):
        vector = [-v for v in vector]
        own = vector[:count]
    zeros = [s.text for s, v in zip(equation.species, own, strict=True) if v == 0]
    if zeros:
        suggestion = _suggest(equation, added, vector)
        message = (f"{_join(zeros)} must have coefficient 0 in every balance of "
                   f"{equation.text!r}, so {'it is' if len(zeros) == 1 else 'they are'} "
                   f"superfluous; without {'it' if len(zeros) == 1 else 'them'}: {suggestion}")
        raise NoBalanceError(message, code="E_SUPERFLUOUS", details={"species": zeros, "suggestion": suggestion})
    moved = [(s.text, equation.side_of(i))
             for i, (s, v) in enumerate(zip(equation.species, own, strict=True)) if v < 0]
    if moved:
        suggestion = _suggest(equation, added, vector)
        parts = [f"{text} as a {'product' if side == REACTANT else 'reactant'}"
                 for text, side in moved]
        message = (f"{equation.text!r} balances only with {_join(parts)}: {suggestion}; "
                   "move the species to that side if the reaction runs that way")
        raise NoBalanceError(message, code="E_WRONG_SIDE", details={"species": [t for t, _ in moved], "suggestion": suggestion})
    terms = _terms(equation, added, vector)
    total = sum(abs(v) for v in vector)
    result = Balance(equation, terms, rows, 1, echelon.rank, RULE_UNIQUE, total,
                     added=[t.species for t in terms if t.species in added])
    if any(s.is_electron for s in added) and not any(t.species.is_electron for t in terms):
        result.warnings.append(("W_NO_ELECTRONS", _no_electrons_message(equation)))
    return result


def _no_electrons_message(equation: Equation) -> str:
    return (f"electrons were requested, but e- has coefficient 0 in every balance of "
            f"{equation.text!r}, so the balance shown contains no electrons; leave out "
            "--electrons to balance it as a full reaction")


def _terms(equation: Equation, added: Sequence[Species], vector: Sequence[int]) -> list[Term]:
    """Return terms in output order; an added species goes to the side its sign selects."""
    count = len(equation.species)
    reactants = [Term(vector[i], s, REACTANT) for i, s in enumerate(equation.reactants)]
    products = [Term(vector[len(equation.reactants) + i], s, PRODUCT)
                for i, s in enumerate(equation.products)]
    for species, value in zip(added, vector[count:], strict=True):
        if value > 0:
            reactants.append(Term(value, species, REACTANT))
        elif value < 0:
            products.append(Term(-value, species, PRODUCT))
    return reactants + products


def _suggest(equation: Equation, added: Sequence[Species], vector: Sequence[int]) -> str:
    """Write the reaction that ``vector`` describes, moving negative species across."""
    count = len(equation.species)
    terms = []
    for i, species in enumerate(equation.species):
        value = vector[i]
        side = equation.side_of(i)
        if value < 0:
            side = PRODUCT if side == REACTANT else REACTANT
        terms.append(Term(abs(value), species, side))
    for species, value in zip(added, vector[count:], strict=True):
        terms.append(Term(abs(value), species, REACTANT if value > 0 else PRODUCT))
    ordered = [t for t in terms if t.side == REACTANT] + [t for t in terms if t.side == PRODUCT]
    return format_reaction(ordered, reversible=equation.reversible)


# --------------------------------------------------------------------------- nullity >= 2


def _several(
    equation: Equation, added: list[Species], rows: list[str], columns: list[list[int]],
    rank: int, elementary_limit: int | None,
) -> Balance:
    count = len(equation.species)
    # Each medium species may end on either side: give it one column per side, both >= 0.
    split_columns = columns[:count]
    extra = []
    for k in range(len(added)):
        extra.append(columns[count + k])
        extra.append([-v for v in columns[count + k]])
    split_columns = split_columns + extra
    lower = [1] * count + [0] * len(extra)
    pairs = [frozenset({count + 2 * k, count + 2 * k + 1}) for k in range(len(added))]
    split_echelon = reduced_echelon(_matrix(split_columns, len(rows)), len(split_columns))
    rays = elementary_reactions(split_columns, split_echelon.rank, exclude=pairs)
    covered = {j for ray in rays for j, v in enumerate(ray) if v}
    never = [s.text for j, s in enumerate(equation.species) if j not in covered]
    if len(never) == len(equation.species):
        message = (f"every balance of {equation.text!r} needs a negative coefficient, so some "
                   "species belong on the other side; the equation has "
                   f"{len(columns) - rank} independent reactions, none with all species "
                   "on their listed sides")
        raise NoBalanceError(message, code="E_NO_POSITIVE", details={"species": never})
    if never:
        message = (f"no balance of {equation.text!r} uses every listed species: "
                   f"{_join(never)} always {'gets' if len(never) == 1 else 'get'} coefficient 0 "
                   "(superfluous, or on the wrong side); remove or move "
                   f"{'it' if len(never) == 1 else 'them'}")
        raise NoBalanceError(message, code="E_NO_POSITIVE", details={"species": never})

    electron = next((count + 2 * k for k, s in enumerate(added) if s.is_electron), None)
    best, certified, rule = _canonical(equation, split_echelon, split_columns, lower, rays,
                                       electron)
    vector = _merge_sides(best.vector, count, len(added))
    terms = _terms(equation, added, vector)
    nullity = len(columns) - rank
    listed_rays = rays if elementary_limit is None else rays[:elementary_limit]
    elementary = [_terms(equation, added, _merge_sides(ray, count, len(added))) for ray in listed_rays]
    balance_ = Balance(
        equation, terms, rows, nullity, rank, rule, sum(abs(v) for v in vector),
        best.optima, elementary, len(rays), [t.species for t in terms if t.species in added],
        certified=certified,
    )
    among = " among those with a non-zero e- coefficient" if rule == RULE_ELECTRONS else ""
    message = (f"{equation.text!r} has {nullity} independent reactions (nullity {nullity}) and "
               f"{len(rays)} elementary ones; shown is the balance with the smallest total "
               f"coefficient sum ({balance_.total}){among}; any positive combination of the "
               "elementary reactions (--all) also balances")
    balance_.warnings.append(("W_NOT_UNIQUE", message))
    if electron is not None and rule != RULE_ELECTRONS:
        balance_.warnings.append(("W_NO_ELECTRONS", _no_electrons_message(equation)))
    if not certified:
        message = ("the exact search hit its work limit, so the balance shown comes from "
                   "scipy's MILP solver: it is checked exactly, but its minimal total and "
                   "tie-break are not proved")
        balance_.warnings.append(("W_NOT_CERTIFIED", message))
    if best.optima > 1:
        message = (f"{best.optima} balances share the smallest total {balance_.total}; "
                   "shown is the one with the lexicographically smallest coefficients in input order")
        balance_.warnings.append(("W_TIE", message))
    return balance_


def _canonical(
    equation: Equation, echelon, columns: list[list[int]], lower: list[int],
    rays: list[list[int]], electron: int | None,
) -> tuple[MinimalSum, bool, str]:
    """Choose the canonical balance; return it, whether it is proved, and the rule used.

    ``electron`` is the first of the two split columns of an added e-, or None.
    An e- written in the equation has coefficient >= 1 in every balance, so
    the plain search already obeys the electron rule.
    """
    if electron is not None:
        found = _search_with_electrons(columns, lower, rays, electron)
        if found is not None:
            best, certified = found
            return best, certified, RULE_ELECTRONS
    feasible = [sum(column) for column in zip(*rays, strict=True)]
    best, certified = _search_minimal_sum(echelon, columns, lower, feasible)
    typed = any(s.is_electron for s in equation.species)
    return best, certified, RULE_ELECTRONS if typed else RULE_MIN_TOTAL


def _search_with_electrons(
    columns: list[list[int]], lower: list[int], rays: list[list[int]], electron: int,
) -> tuple[MinimalSum, bool] | None:
    """Find the smallest-total balance whose net e- coefficient is not 0.

    ``electron`` and ``electron + 1`` are the split columns of e- as a reactant
    and as a product. Each side is searched on its own, with the other column
    dropped and the kept column at least 1, so e- sits on the kept side only.
    The winner has the smaller total, then the lexicographically smaller split
    vector, which is the tie-break of the search without this rule. Returns
    None when no balance moves electrons.
    """
    base = [sum(column) for column in zip(*rays, strict=True)]
    results = []
    for kept, dropped in ((electron, electron + 1), (electron + 1, electron)):
        # Every balance is a nonnegative combination of the rays and of the pairs
        # that put one added species on both sides, and those pairs move no net
        # e-. So electrons can sit on the kept side only if some ray puts them there.
        carriers = [ray for ray in rays if ray[kept]]
        if not carriers:
            continue
        # No ray contains both e- columns, so adding carriers raises the net
        # e- on the kept side until the starting balance has at least 1 there.
        boost = [sum(column) for column in zip(*carriers, strict=True)]
        net = base[kept] - base[dropped]
        repeats = max(0, -net // boost[kept] + 1)
        start = [b + repeats * extra for b, extra in zip(base, boost, strict=True)]
        start[kept] -= start[dropped]
        side_lower = list(lower)
        side_lower[kept] = 1
        keep = [j for j in range(len(columns)) if j != dropped]
        side_columns = [columns[j] for j in keep]
        echelon = reduced_echelon(_matrix(side_columns, len(columns[0])), len(side_columns))
        best, certified = _search_minimal_sum(
            echelon, side_columns, [side_lower[j] for j in keep], [start[j] for j in keep])
        vector = best.vector[:dropped] + [0] + best.vector[dropped:]
        results.append((MinimalSum(vector, best.total, best.optima), certified))
    if not results:
        return None
    results.sort(key=lambda item: (item[0].total, item[0].vector))
    best = results[0][0]
    # The two searches cover disjoint sets (the sign of e- differs), so tied counts add up.
    optima = sum(result.optima for result, _ in results if result.total == best.total)
    certified = all(proved for _, proved in results)
    return MinimalSum(best.vector, best.total, optima if certified else 0), certified


def _search_minimal_sum(echelon, columns, lower, feasible) -> tuple[MinimalSum, bool]:
    """Run the exact search; past its work limit, retry from a MILP incumbent.

    Returns the result and whether it is proved (True unless the MILP answer had
    to be used as it is).
    """
    try:
        return minimal_sum(echelon, lower, feasible), True
    except SearchLimitError:
        from toolbox.algos.balance.milp import milp_candidate

        candidate = milp_candidate(columns, lower)
    try:
        # A tight incumbent lets the exact search prune far more.
        return minimal_sum(echelon, lower, candidate), True
    except SearchLimitError:
        return MinimalSum(candidate, sum(candidate), 0), False


def _merge_sides(vector: Sequence[int], count: int, added: int) -> list[int]:
    merged = list(vector[:count])
    for k in range(added):
        merged.append(vector[count + 2 * k] - vector[count + 2 * k + 1])
    return merged


# --------------------------------------------------------------------------- verification


def _verify(result: Balance) -> None:
    """Check the balance in exact integers before it leaves this module."""
    unbalanced = [row for row, (left, right) in result.totals().items() if left != right]
    bad = [t.species.text for t in result.terms if t.coefficient < 1]
    if unbalanced or bad:
        message = (f"internal error: the computed balance of {result.equation.text!r} fails the "
                   f"exact check (rows {unbalanced}, coefficients below 1: {bad})")
        raise AssertionError(message)

