"""Element symbols accepted in formulas: the 118 IUPAC elements plus D and T.

Deuterium (D) and tritium (T) are kept as their own symbols, so ``D2O`` and
``H2O`` are different species that never exchange atoms in a balance.
"""

from __future__ import annotations

__all__ = ["ELEMENT_SYMBOLS", "ISOTOPE_SYMBOLS"]

_PERIODIC_TABLE = (
    "H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn "
    "Ga Ge As Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce "
    "Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn "
    "Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl "
    "Mc Lv Ts Og"
)

ISOTOPE_SYMBOLS = frozenset({"D", "T"})
ELEMENT_SYMBOLS = frozenset(_PERIODIC_TABLE.split()) | ISOTOPE_SYMBOLS

assert len(ELEMENT_SYMBOLS) == 120, "the periodic table above must list 118 symbols"
