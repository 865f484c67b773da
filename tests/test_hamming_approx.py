"""Approximate profiles honour their stated guarantees over many seeds."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolbox.algos.hamming import HammingError, approx, hamming_profile
from toolbox.algos.hamming.approx import (
    approx_profile,
    approx_profiles,
    choose_product,
    equality_product,
    kp_repetitions,
    sample_size,
    sampling_profile,
    sampling_profiles,
)

SEEDS = range(60)


def random_case(seed: int, sigma: int, n: int = 400, m: int = 60):
    rng = np.random.default_rng(10_000 + seed)
    text = rng.integers(0, sigma, n).astype(np.uint8)
    pattern = text[50:50 + m].copy()
    noisy = rng.random(m) < 0.3
    pattern[noisy] = rng.integers(0, sigma, int(noisy.sum()))
    return text, pattern


@pytest.mark.parametrize("sigma", [2, 4, 20, 256])
def test_kp_never_overestimates(sigma):
    for seed in SEEDS[:20]:
        text, pattern = random_case(seed, sigma)
        exact = hamming_profile(text, pattern)
        estimate = approx_profile(text, pattern, 0.3, seed=seed, repetitions=2)
        assert (estimate <= exact).all()


def test_kp_single_repetition_failure_rate_at_most_half():
    # One colouring loses more than eps·HD with probability <= 1/2 per window.
    eps = 0.25
    failures = trials = 0
    for seed in SEEDS:
        text, pattern = random_case(seed, 20)
        exact = hamming_profile(text, pattern)
        estimate = approx_profile(text, pattern, eps, seed=seed, repetitions=1)
        failures += int((estimate < (1 - eps) * exact).sum())
        trials += exact.size
    assert failures / trials <= 0.5


def test_kp_default_repetitions_hold_everywhere():
    # With delta = 0.01 a run fails anywhere with probability <= 0.01, so 60 seeded
    # runs with more than 3 failing would contradict the bound (p < 0.003).
    eps = 0.2
    failing_runs = 0
    for seed in SEEDS:
        text, pattern = random_case(seed, 256)
        exact = hamming_profile(text, pattern)
        estimate = approx_profile(text, pattern, eps, seed=seed, delta=0.01)
        failing_runs += bool((estimate < (1 - eps) * exact).any())
    assert failing_runs <= 3


def test_sampling_additive_guarantee():
    eps, delta = 0.25, 0.05
    m = 400
    failing_runs = 0
    for seed in SEEDS[:30]:
        text, pattern = random_case(seed, 4, n=1500, m=m)
        exact = hamming_profile(text, pattern)
        rng = np.random.default_rng(seed)
        samples = sample_size(exact.size, eps, delta)
        assert samples < m
        estimate = sampling_profile(text, pattern, samples, rng)
        failing_runs += bool((np.abs(estimate - exact) > eps * m).any())
    assert failing_runs <= 5


def test_sampling_is_unbiased_on_average():
    text, pattern = random_case(1, 4, n=600, m=300)
    exact = hamming_profile(text, pattern)
    runs = [sampling_profile(text, pattern, 40, np.random.default_rng(s)) for s in range(200)]
    mean = np.mean(runs, axis=0)
    # The standard error of a 200-run mean of a 40-sample estimate is < 300/(2·sqrt(8000)) ≈ 1.7.
    assert np.abs(mean - exact).max() < 8


def test_same_seed_same_result():
    text, pattern = random_case(3, 20)
    first = approx_profile(text, pattern, 0.3, seed=7)
    second = approx_profile(text, pattern, 0.3, seed=7)
    assert first.tolist() == second.tolist()


def test_sampling_falls_back_to_exact_for_short_patterns():
    text, pattern = random_case(4, 4, m=30)
    estimate = approx_profile(text, pattern, 0.1, method="sampling")
    assert estimate.tolist() == hamming_profile(text, pattern).tolist()


def test_parameter_formulas():
    assert kp_repetitions(1000, 0.01) == 17
    assert sample_size(1000, 0.1, 0.01) == 611  # ln(2e5) / 0.02 = 610.3


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"eps": 0.0}, "eps = 0.0 is out of range"),
    ({"eps": 1.0}, "eps = 1.0 is out of range"),
    ({"eps": 0.1, "delta": 1.5}, "delta = 1.5"),
    ({"eps": 0.1, "method": "karloff"}, "unknown method"),
    ({"eps": 0.1, "repetitions": 0}, "repetitions = 0"),
])
def test_approx_errors(kwargs, message):
    eps = kwargs.pop("eps")
    with pytest.raises(HammingError, match=message):
        approx_profile([1, 2, 3], [1], eps, **kwargs)


def test_approx_cli(cli):
    result = cli(["hamming", "approx", "-", "-p", "ACGTACGTAA", "--eps", "0.5", "-a", "dna",
                  "--seed", "3"], input=">r\nACGTACGTACGTTTTTACGTACGTAA\n")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("\testimate")
    exact = cli(["hamming", "profile", "-", "-p", "ACGTACGTAA", "-a", "dna"],
                input=">r\nACGTACGTACGTTTTTACGTACGTAA\n")
    for approx_row, exact_row in zip(lines[1:], exact.stdout.splitlines()[1:], strict=True):
        assert int(approx_row.split("\t")[5]) <= int(exact_row.split("\t")[5])
    bad = cli(["hamming", "approx", "-", "-p", "AC", "--eps", "2"], input="ACGT")
    assert bad.exit_code == 2
    assert "--eps 2.0 is out of range" in bad.stderr


@st.composite
def product_case(draw):
    sigma = draw(st.sampled_from([1, 2, 4, 20, 256]))
    m = draw(st.integers(1, 40))
    n = draw(st.integers(m, 200))
    samples = draw(st.integers(1, 2 * m + 5))
    patterns = draw(st.sampled_from([1, 2, 3, 7]))
    block_entries = draw(st.sampled_from([1, 7, 64, 1 << 21]))
    doubling_ns = draw(st.sampled_from([0.0, 1e6]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    text = rng.integers(0, sigma, n).astype(np.uint8 if sigma <= 20 else np.uint16)
    offsets = rng.integers(0, m, samples)
    right = rng.integers(0, sigma, (samples, patterns)).astype(text.dtype)
    return text, offsets, right, block_entries, doubling_ns


@settings(max_examples=80, deadline=None)
@given(case=product_case())
def test_matmul_product_equals_direct(case):
    # Samples may outnumber pattern positions (repeats), and small block sizes
    # put block boundaries inside the windows. A zero cost per doubling of P makes
    # matmul share one product between the patterns, a large one splits it.
    text, offsets, right, block_entries, doubling_ns = case
    windows = np.lib.stride_tricks.sliding_window_view(text, int(offsets.max()) + 1)
    expected = (windows[:, offsets, None] == right[None]).sum(axis=1)
    direct = equality_product(text, offsets, right, product="direct")
    with (mock.patch.object(approx, "_BLOCK_ENTRIES", block_entries),
          mock.patch.object(approx, "_MATMUL_DOUBLING_NS", doubling_ns)):
        matmul = equality_product(text, offsets, right, product="matmul")
    assert direct.tolist() == expected.tolist()
    assert matmul.tolist() == expected.tolist()


def test_sampling_products_give_identical_profiles():
    text, pattern = random_case(5, 20, n=3000, m=400)
    others = [pattern, np.roll(pattern, 7), pattern[::-1].copy()]
    direct = approx_profiles(text, others, 0.2, method="sampling", seed=4, product="direct")
    matmul = approx_profiles(text, others, 0.2, method="sampling", seed=4, product="matmul")
    automatic = approx_profiles(text, others, 0.2, method="sampling", seed=4)
    for row in range(len(others)):
        assert direct[row].tolist() == matmul[row].tolist()
        assert direct[row].tolist() == automatic[row].tolist()


def test_shared_sample_matches_single_pattern_runs():
    # Each pattern's row is what it gets alone from the same generator state,
    # so its sample is uniform and its guarantee is the single-pattern one.
    text, pattern = random_case(6, 4, n=1000, m=200)
    second = np.roll(pattern, 3)
    shared = sampling_profiles(text, [pattern, second], 50, np.random.default_rng(9))
    alone = sampling_profile(text, second, 50, np.random.default_rng(9))
    assert shared.shape == (2, text.size - 200 + 1)
    assert shared[1].tolist() == alone.tolist()


def test_one_pattern_list_equals_approx_profile():
    text, pattern = random_case(7, 4, n=1500, m=400)
    for method in ("kp", "sampling"):
        single = approx_profile(text, pattern, 0.25, method=method, seed=2)
        (listed,) = approx_profiles(text, [pattern], 0.25, method=method, seed=2)
        assert single.tolist() == listed.tolist()


def test_cost_rule_prefers_matmul():
    # One product per pattern (C = s each) is predicted cheaper than direct on
    # the machine the constants were fitted on, whatever C a shared product has.
    assert choose_product(300, 300, 1) == "matmul"
    assert choose_product(300, 4 * 300, 64) == "matmul"
    assert choose_product(300, 60 * 300, 64) == "matmul"
    with mock.patch.object(approx, "_DIRECT_NS", 0.1):
        assert choose_product(300, 300, 1) == "direct"


@pytest.mark.parametrize(("call", "message"), [
    (lambda: equality_product(np.zeros(5, np.uint8), [0], np.zeros((1, 1), np.uint8),
                              product="fast"), "unknown product 'fast'"),
    (lambda: equality_product(np.zeros(5, np.uint8), [0, 1], np.zeros((1, 1), np.uint8)),
     "do not fit"),
    (lambda: equality_product(np.zeros(5, np.uint8), [5], np.zeros((1, 1), np.uint8)),
     r"offsets must lie in \[0, 5\)"),
    (lambda: equality_product(np.zeros(5, np.uint8), [0], np.zeros((1, 1))), "integer codes"),
    (lambda: approx_profiles([1, 2, 3], [[1], [1, 2]], 0.1), "patterns of 1 and 2 symbols"),
    (lambda: approx_profiles([1, 2, 3], [], 0.1), "no pattern given"),
    (lambda: approx_profile([1, 2, 3], [1], 0.1, product="fast"), "unknown product"),
])
def test_product_errors(call, message):
    with pytest.raises(HammingError, match=message):
        call()


def test_approx_cli_products_agree(cli, tmp_path):
    rng = np.random.default_rng(11)
    text = "".join(rng.choice(list("ACGT"), 600))
    fasta = tmp_path / "text.fa"
    fasta.write_text(f">a\n{text}\n>b\n{text[::-1]}\n")
    patterns = ["-p", text[100:160], "-p", text[300:360], "-p", text[10:40]]
    outputs = {}
    for product in ("direct", "matmul", "auto"):
        result = cli(["hamming", "approx", str(fasta), *patterns, "-a", "dna", "-B",
                      "-m", "sampling", "--eps", "0.45", "--seed", "5", "--product", product])
        assert result.exit_code == 0, result.stderr
        outputs[product] = result.stdout
    assert outputs["direct"] == outputs["matmul"]
    assert outputs["direct"] == outputs["auto"]
