"""Text-to-pattern Hamming distances: exact profiles, k-mismatch search and estimates.

Engines follow the classic baselines (direct counting, bit planes, FFT,
Abrahamson's heavy/light split) and a letter-packing FFT inspired by Chan,
Jin, Vassilevska Williams and Xu, "Faster Algorithms for Text-to-Pattern
Hamming Distances" (FOCS 2023, arXiv:2310.13174).
"""

from toolbox.algos.hamming.alphabet import (
    ALPHABETS,
    IUPAC_POLICIES,
    Alphabet,
    guess_alphabet,
    make_alphabet,
)
from toolbox.algos.hamming.core import (
    METHODS,
    Choice,
    choose_method,
    hamming_profile,
    hamming_profiles,
)
from toolbox.algos.hamming.errors import HammingError
from toolbox.algos.hamming.kmismatch import (
    SEARCH_METHODS,
    choose_search_method,
    kmismatch_search,
)
from toolbox.algos.hamming.letters import pattern_letters
from toolbox.algos.hamming.stream import PatternJob, RecordScan, make_jobs, scan_records

__all__ = [
    "ALPHABETS",
    "IUPAC_POLICIES",
    "METHODS",
    "SEARCH_METHODS",
    "Alphabet",
    "Choice",
    "HammingError",
    "PatternJob",
    "RecordScan",
    "choose_method",
    "choose_search_method",
    "guess_alphabet",
    "hamming_profile",
    "hamming_profiles",
    "kmismatch_search",
    "make_alphabet",
    "make_jobs",
    "pattern_letters",
    "scan_records",
]
