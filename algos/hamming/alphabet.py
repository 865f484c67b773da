"""Alphabets: how input symbols become integer codes, and when two codes match.

* ``bytes``: each byte is a code (0-255); case-sensitive unless folded.
* ``text``: each Unicode code point is a code (UTF-8 input).
* ``protein``: letters A-Z and ``*``, case-insensitive; each letter is its own code.
* ``dna``: IUPAC nucleotide codes, case-insensitive, stored as 4-bit base sets
  (A=1, C=2, G=4, T=U=8, N=15, R=A|G and so on), which makes the reverse
  complement a bit permutation.

DNA ambiguity codes follow one of four policies (``IUPAC_POLICIES``):

* ``exact``: identical codes match; N matches only N and R only R.
* ``strict``: only the four bases match, each only itself; an ambiguity
  code (N included) is a mismatch against everything, so runs of N never
  produce hits.
* ``pattern``: a pattern code matches a text symbol whose bases all belong to
  it, so pattern N matches anything and pattern R matches A, G and R.
* ``both``: two codes match when their base sets overlap, so N in the text
  matches every pattern base.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from toolbox.algos.hamming.errors import HammingError

__all__ = [
    "ALPHABETS",
    "IUPAC_POLICIES",
    "Alphabet",
    "guess_alphabet",
    "make_alphabet",
]

ALPHABETS = ("bytes", "text", "dna", "protein")
IUPAC_POLICIES = ("exact", "strict", "pattern", "both")

INVALID = 255
_BASES = {"A": 1, "C": 2, "G": 4, "T": 8, "U": 8}
_AMBIGUOUS = {
    "R": 1 | 4, "Y": 2 | 8, "S": 2 | 4, "W": 1 | 8, "K": 4 | 8, "M": 1 | 2,
    "B": 2 | 4 | 8, "D": 1 | 4 | 8, "H": 1 | 2 | 8, "V": 1 | 2 | 4, "N": 15,
}
_DNA_LETTERS = "".join(_BASES) + "".join(_AMBIGUOUS)
_PROTEIN_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ*"
_COMPLEMENT_LETTERS = str.maketrans(
    "ACGTURYSWKMBDHVNacgturyswkmbdhvn", "TGCAAYRSWMKVHDBNtgcaayrswmkvhdbn"
)


def _complement_mask(mask: int) -> int:
    # A (bit 0) <-> T (bit 3) and C (bit 1) <-> G (bit 2).
    return ((mask & 1) << 3) | ((mask & 8) >> 3) | ((mask & 2) << 1) | ((mask & 4) >> 1)


def _dna_mismatch_table(policy: str) -> np.ndarray | None:
    if policy == "exact":
        return None
    table = np.ones((16, 16), dtype=np.uint8)
    for t in range(1, 16):
        for p in range(1, 16):
            single = t in (1, 2, 4, 8) and p in (1, 2, 4, 8)
            if policy == "strict":
                match = single and t == p
            elif policy == "pattern":
                match = (t & ~p) == 0
            else:
                match = (t & p) != 0
            table[t, p] = 0 if match else 1
    return table


@dataclass(frozen=True)
class Alphabet:
    """Encoding of input symbols into codes, with the mismatch rule between codes.

    ``lookup`` maps each byte to its code (``INVALID`` for a byte outside the
    alphabet) for byte-based alphabets; it is None for ``text``.
    ``mismatch_table[t, p]`` is 1 where text code ``t`` does not match pattern
    code ``p``; None means codes match exactly when equal.
    """

    name: str
    lookup: np.ndarray | None
    mismatch_table: np.ndarray | None
    fold_case: bool
    policy: str = "exact"

    @property
    def allowed_bytes(self) -> bytes | None:
        """Return the bytes a sequence file may contain, or None if any byte is allowed."""
        if self.lookup is None or self.name == "bytes":
            return None
        return bytes(int(b) for b in np.flatnonzero(self.lookup != INVALID))

    @property
    def has_strands(self) -> bool:
        return self.name == "dna"

    def encode(self, data: bytes | str, what: str = "sequence", offset: int = 0) -> np.ndarray:
        """Return the codes of ``data`` (bytes, or str for ``text``).

        Raises HammingError naming the first symbol outside the alphabet and
        its 1-based position, counted from ``offset`` (the position of
        ``data[0]`` in the whole sequence).
        """
        if self.name == "text":
            text = data if isinstance(data, str) else data.decode("utf-8")
            if self.fold_case:
                text = fold_text(text)
            return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).copy()
        raw = data.encode("utf-8") if isinstance(data, str) else data
        codes = self.lookup[np.frombuffer(raw, dtype=np.uint8)]
        if self.name != "bytes":
            bad = np.flatnonzero(codes == INVALID)
            if bad.size:
                position = int(bad[0])
                symbol = raw[position:position + 1].decode("latin-1")
                message = (
                    f"{what} has symbol {symbol!r} at position {offset + position + 1}, which is not "
                    f"in the {self.name} alphabet; choose --alphabet bytes or protein, or fix "
                    "the input"
                )
                raise HammingError(message)
        return codes

    def reverse_complement(self, codes: np.ndarray) -> np.ndarray:
        """Return the reverse complement of DNA codes."""
        if self.name != "dna":
            message = f"reverse complement needs the dna alphabet, not {self.name}"
            raise HammingError(message)
        complement = np.array([_complement_mask(i) for i in range(256)], dtype=np.uint8)
        return complement[codes[::-1]]


def complement_byte_table() -> np.ndarray:
    """Return a 256-entry uint8 table mapping each IUPAC letter to its complement (case kept)."""
    table = np.arange(256, dtype=np.uint8)
    for source, target in _COMPLEMENT_LETTERS.items():
        table[source] = target
    return table


def reverse_complement_text(sequence: str) -> str:
    """Return the reverse complement of an IUPAC DNA string, keeping letter case."""
    return sequence.translate(_COMPLEMENT_LETTERS)[::-1]


def fold_text(text: str) -> str:
    """Lower-case ``text`` one code point at a time, so positions never shift.

    Code points whose lower case is longer than one code point (such as the
    dotted capital I) are left unchanged.
    """
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def make_alphabet(name: str, *, fold_case: bool = False, policy: str = "exact") -> Alphabet:
    """Build the alphabet ``name`` (one of ``ALPHABETS``).

    ``fold_case`` applies to ``bytes`` (ASCII letters) and ``text``; ``dna`` and
    ``protein`` always ignore case. ``policy`` is the IUPAC policy for ``dna``.
    """
    if name not in ALPHABETS:
        message = f"unknown alphabet {name!r}; choose one of {', '.join(ALPHABETS)}"
        raise HammingError(message)
    if policy not in IUPAC_POLICIES:
        message = f"unknown IUPAC policy {policy!r}; choose one of {', '.join(IUPAC_POLICIES)}"
        raise HammingError(message)
    if policy != "exact" and name != "dna":
        message = f"the IUPAC policy {policy!r} applies only to the dna alphabet"
        raise HammingError(message)
    if name == "text":
        return Alphabet("text", None, None, fold_case)
    lookup = np.full(256, INVALID, dtype=np.uint8)
    if name == "bytes":
        lookup = np.arange(256, dtype=np.uint8)
        if fold_case:
            upper = np.arange(ord("A"), ord("Z") + 1)
            lookup[upper] = upper + 32
        return Alphabet("bytes", lookup, None, fold_case)
    if name == "protein":
        for letter in _PROTEIN_LETTERS:
            lookup[ord(letter)] = ord(letter)
            lookup[ord(letter.lower())] = ord(letter)
        return Alphabet("protein", lookup, None, True)
    for letter, mask in {**_BASES, **_AMBIGUOUS}.items():
        lookup[ord(letter)] = mask
        lookup[ord(letter.lower())] = mask
    return Alphabet("dna", lookup, _dna_mismatch_table(policy), True, policy)


def guess_alphabet(sample: bytes) -> str:
    """Return ``dna``, ``protein`` or ``bytes`` for a sample of text and patterns.

    ``dna`` when every symbol is an IUPAC nucleotide letter and at least half
    are A, C, G, T, U or N; ``protein`` when every symbol is a letter or ``*``;
    ``bytes`` otherwise.
    """
    if not sample:
        return "bytes"
    upper = sample.upper()
    if not upper.translate(None, _DNA_LETTERS.encode()):
        plain = len(upper) - len(upper.translate(None, b"ACGTUN"))
        if 2 * plain >= len(upper):
            return "dna"
    if not upper.translate(None, _PROTEIN_LETTERS.encode()):
        return "protein"
    return "bytes"
