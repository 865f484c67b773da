"""Every exact Hamming engine against a brute-force numpy oracle."""

from __future__ import annotations

import platform

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolbox.algos.hamming import (
    HammingError,
    choose_method,
    hamming_profile,
    hamming_profiles,
    kmismatch_search,
    make_alphabet,
)

ENGINES = ("naive", "bitpacked", "fft", "sumset", "abrahamson")
SEARCH_ENGINES = ("filter", "scan", "bitpacked", "naive", "fft", "sumset")


def oracle(text: np.ndarray, pattern: np.ndarray, table: np.ndarray | None = None) -> np.ndarray:
    windows = np.lib.stride_tricks.sliding_window_view(text, pattern.size)
    if table is None:
        return (windows != pattern).sum(axis=1)
    return table[windows, pattern].sum(axis=1)


def engines_for(pattern: np.ndarray) -> list[str]:
    return [e for e in ENGINES if e != "bitpacked" or np.unique(pattern).size <= 15]


@st.composite
def text_and_pattern(draw, sigma=None):
    sigma = sigma or draw(st.sampled_from([1, 2, 4, 20, 256]))
    n = draw(st.integers(1, 300))
    m = draw(st.integers(1, n))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    text = rng.integers(0, sigma, n).astype(np.uint8)
    if draw(st.booleans()):
        start = int(rng.integers(0, n - m + 1))
        pattern = text[start:start + m].copy()
        flips = rng.random(m) < 0.2
        pattern[flips] = rng.integers(0, sigma, int(flips.sum()))
    else:
        pattern = rng.integers(0, sigma, m).astype(np.uint8)
    return text, pattern


@settings(max_examples=60, deadline=None)
@given(case=text_and_pattern())
def test_engines_equal_oracle(case):
    text, pattern = case
    expected = oracle(text, pattern)
    for engine in engines_for(pattern):
        got = hamming_profile(text, pattern, method=engine)
        assert got.tolist() == expected.tolist(), engine


@pytest.mark.parametrize("m", [1, 21, 22, 31, 32, 33, 63, 64, 65, 127, 128, 129, 1000])
def test_word_boundaries(m):
    rng = np.random.default_rng(m)
    text = rng.integers(0, 4, 3000).astype(np.uint8)
    pattern = text[100:100 + m].copy()
    pattern[::7] = (pattern[::7] + 1) % 4
    expected = oracle(text, pattern)
    for engine in ENGINES:
        assert hamming_profile(text, pattern, method=engine).tolist() == expected.tolist(), engine


def test_pattern_equals_text_length():
    text = np.array([3, 1, 2, 2], dtype=np.uint8)
    for engine in ENGINES:
        assert hamming_profile(text, text, method=engine).tolist() == [0]


def test_periodic_text():
    text = np.tile(np.array([0, 1, 2, 3], dtype=np.uint8), 2500)
    pattern = np.tile(np.array([0, 1, 2, 3], dtype=np.uint8), 50)
    expected = oracle(text, pattern)
    assert set(expected.tolist()) == {0, 200}
    for engine in ENGINES:
        assert hamming_profile(text, pattern, method=engine).tolist() == expected.tolist(), engine


def test_wide_codes_text_alphabet():
    rng = np.random.default_rng(5)
    text = rng.choice(np.array([65, 0x4E2D, 0x1F600, 0x10FFFF], dtype=np.uint32), 2000)
    pattern = text[10:90].copy()
    pattern[::5] = 66
    expected = oracle(text, pattern)
    for engine in ENGINES:
        assert hamming_profile(text, pattern, method=engine).tolist() == expected.tolist(), engine


def test_many_letters_fft_blocks():
    # Text longer than several FFT blocks, 200 distinct letters.
    rng = np.random.default_rng(9)
    text = rng.integers(0, 200, 40000).astype(np.uint8)
    pattern = rng.integers(0, 200, 700).astype(np.uint8)
    expected = oracle(text, pattern)
    for engine in ("fft", "sumset", "abrahamson"):
        assert hamming_profile(text, pattern, method=engine).tolist() == expected.tolist(), engine


@pytest.mark.parametrize("policy", ["exact", "strict", "pattern", "both"])
def test_iupac_table_policies(policy):
    alphabet = make_alphabet("dna", policy=policy)
    rng = np.random.default_rng(3)
    text = alphabet.encode(rng.choice(np.frombuffer(b"ACGTNRY", np.uint8), 500).tobytes())
    pattern = alphabet.encode(b"ACNRGTA")
    table = alphabet.mismatch_table
    expected = oracle(text, pattern, table)
    assert hamming_profile(text, pattern, mismatch_table=table).tolist() == expected.tolist()
    starts, counts = kmismatch_search(text, pattern, 2, mismatch_table=table)
    assert starts.tolist() == np.flatnonzero(expected <= 2).tolist()
    assert counts.tolist() == expected[expected <= 2].tolist()


def test_iupac_policy_semantics():
    def distance(policy, text, pattern):
        alphabet = make_alphabet("dna", policy=policy)
        return hamming_profile(alphabet.encode(text), alphabet.encode(pattern),
                               mismatch_table=alphabet.mismatch_table).tolist()

    assert distance("exact", b"N", b"N") == [0]
    assert distance("exact", b"A", b"N") == [1]
    assert distance("strict", b"N", b"N") == [1]
    assert distance("strict", b"A", b"A") == [0]
    assert distance("pattern", b"AGN", b"NRN") == [0]
    assert distance("pattern", b"N", b"A") == [1]
    assert distance("both", b"NR", b"AG") == [0]
    assert distance("both", b"Y", b"R") == [1]
    assert distance("exact", b"U", b"T") == [0]


@settings(max_examples=50, deadline=None)
@given(case=text_and_pattern(), k=st.integers(0, 12))
def test_search_engines_equal_oracle(case, k):
    text, pattern = case
    distances = oracle(text, pattern)
    expected = np.flatnonzero(distances <= k).tolist()
    for engine in (*SEARCH_ENGINES, "auto"):
        if engine == "bitpacked" and np.unique(pattern).size > 15:
            continue
        starts, counts = kmismatch_search(text, pattern, k, method=engine)
        assert starts.tolist() == expected, engine
        assert counts.tolist() == distances[expected].tolist(), engine


@settings(max_examples=30, deadline=None)
@given(case=text_and_pattern(sigma=4), k=st.integers(0, 8))
def test_search_monotone_in_k(case, k):
    text, pattern = case
    smaller = set(kmismatch_search(text, pattern, k, method="filter")[0].tolist())
    larger = set(kmismatch_search(text, pattern, k + 1, method="filter")[0].tolist())
    assert smaller <= larger


def test_search_many_hits_grow_buffers():
    text = np.zeros(200000, dtype=np.uint8)
    pattern = np.zeros(10, dtype=np.uint8)
    for engine in ("filter", "scan"):
        starts, counts = kmismatch_search(text, pattern, 0, method=engine)
        assert starts.size == text.size - 9
        assert not counts.any()


def test_errors():
    with pytest.raises(HammingError, match="longer than the text"):
        hamming_profile([1, 2], [1, 2, 3])
    with pytest.raises(HammingError, match="empty"):
        hamming_profile([1, 2], [])
    with pytest.raises(HammingError, match="longer than the text"):
        hamming_profile([], [1])
    with pytest.raises(HammingError, match="unknown method"):
        hamming_profile([1, 2], [1], method="magic")
    with pytest.raises(HammingError, match="negative code"):
        hamming_profile([1, -2], [1])
    with pytest.raises(HammingError, match="one-dimensional"):
        hamming_profile([[1, 2]], [1])
    with pytest.raises(HammingError, match="integer codes"):
        hamming_profile([1.5, 2.0], [1.5])
    with pytest.raises(HammingError, match="at most 15"):
        hamming_profile(np.arange(40), np.arange(20), method="bitpacked")
    with pytest.raises(HammingError, match="negative"):
        kmismatch_search([1, 2], [1], -1)
    table = make_alphabet("dna", policy="both").mismatch_table
    with pytest.raises(HammingError, match="only exact symbol equality"):
        hamming_profile([1, 2], [1], method="fft", mismatch_table=table)


def test_auto_choice_follows_sizes():
    assert choose_method(10**7, 8, 4).method in ("naive", "bitpacked")
    assert choose_method(10**7, 5000, 4).method in ("fft", "sumset")
    assert choose_method(10**7, 5000, 4, table=True).method == "naive"


@pytest.mark.parametrize("engine", ["naive", "bitpacked"])
def test_threads_give_same_profile(engine):
    rng = np.random.default_rng(21)
    text = rng.integers(0, 4, 20000).astype(np.uint8)
    for m in (20, 300):
        pattern = text[500:500 + m].copy()
        expected = oracle(text, pattern)
        got = hamming_profile(text, pattern, method=engine, threads=2)
        assert got.tolist() == expected.tolist()
    table = make_alphabet("dna", policy="both").mismatch_table
    codes = np.array([1, 2, 4, 8, 15], dtype=np.uint8)[rng.integers(0, 5, 20000)]
    pattern = codes[:50].copy()
    assert hamming_profile(codes, pattern, mismatch_table=table, threads=2).tolist() == \
        oracle(codes, pattern, table).tolist()


@settings(max_examples=25, deadline=None)
@given(case=text_and_pattern(), count=st.integers(1, 4), seed=st.integers(0, 1000))
def test_shared_transforms_equal_oracle(case, count, seed):
    text, first = case
    rng = np.random.default_rng(seed)
    patterns = [first] + [rng.permutation(first) for _ in range(count - 1)]
    for engine in ("fft", "sumset", "auto"):
        got = hamming_profiles(text, patterns, method=engine)
        for pattern, distances in zip(patterns, got, strict=True):
            assert distances.tolist() == oracle(text, pattern).tolist(), engine


def test_shared_transforms_reject_mixed_lengths():
    with pytest.raises(HammingError, match="one length"):
        hamming_profiles([1, 2, 3], [[1], [1, 2]])


def test_auto_considers_abrahamson_for_many_letters():
    rng = np.random.default_rng(8)
    text = rng.integers(0, 95, 1 << 20).astype(np.uint8)
    pattern = text[100:1100].copy()
    choice = choose_method(10**7, pattern.size, np.unique(pattern).size, pattern=pattern,
                           text_sample=text)
    assert choice.method == "abrahamson"
    assert hamming_profile(text[:5000], pattern).tolist() == oracle(text[:5000], pattern).tolist()


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"),
                    reason="checks x86-64 instruction names")
def test_naive_kernel_is_vectorised():
    # The slice-view loop must compile to packed byte comparisons; a scalar loop
    # is several times slower. Cached code cannot be inspected, so compile a copy.
    import re

    import numba

    from toolbox.algos.hamming.naive import _naive_equal

    fresh = numba.njit(_naive_equal.py_func)
    fresh(np.zeros(100, np.uint8), np.zeros(10, np.uint8), np.empty(91, np.int32))
    assembly = fresh.inspect_asm(fresh.signatures[0])
    assert re.search(r"\bv?pcmpn?eqb\b", assembly)
