"""Approximate profiles honour their stated guarantees over many seeds."""

from __future__ import annotations

import numpy as np
import pytest

from toolbox.algos.hamming import HammingError, hamming_profile
from toolbox.algos.hamming.approx import (
    approx_profile,
    kp_repetitions,
    sample_size,
    sampling_profile,
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
