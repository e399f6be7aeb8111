"""Warm's WLE against simulated truth at a cut, and Rudner's decision accuracy/consistency."""

from __future__ import annotations

import numpy as np
import pytest

from talentpool.psychometrics.ability import eap
from talentpool.psychometrics.decisions import (
    classification_accuracy_consistency,
    classify,
    probability_above,
    wle,
)
from talentpool.psychometrics.models import log_likelihood, test_information
from talentpool.psychometrics.simulate import simulate_responses

from .factories import make_items

CUT = 0.8


def make_at_cut(model: str, n_items: int, n_persons: int, seed: int) -> tuple:
    rng = np.random.default_rng(seed)
    items = make_items(model, n_items, rng)
    return items, simulate_responses(np.full(n_persons, CUT), items, rng)


@pytest.mark.parametrize("model", ["2pl", "3pl", "grm", "gpcm"])
def test_wle_is_nearly_unbiased_at_the_cut_where_eap_shrinks(model: str) -> None:
    """3,000 simulees all at θ = 0.8 on a 20-item test (6 four-category polytomous items).

    The Monte Carlo SE of a mean is about 0.4/√3000 ≈ 0.007; EAP's N(0, 1) prior pulls the
    mean down by roughly 0.8 × (1 − reliability) ≈ 0.1.
    """
    n_items = 6 if model in ("grm", "gpcm") else 20
    items, responses = make_at_cut(model, n_items, 3000, seed=31)
    wle_bias = wle(responses, items).theta.mean() - CUT
    eap_bias = eap(responses, items).theta.mean() - CUT
    assert abs(wle_bias) < 0.04
    assert eap_bias < -0.04
    assert abs(wle_bias) < abs(eap_bias) / 2


def test_wle_passes_about_half_of_those_exactly_at_the_cut() -> None:
    """On a 30-item test a person exactly at the cut passes about half the time under WLE; with
    EAP they pass markedly less often."""
    items, responses = make_at_cut("2pl", 30, 3000, seed=32)
    pass_rate = np.mean(classify(wle(responses, items).theta, CUT))
    assert 0.40 <= pass_rate <= 0.60
    assert np.mean(classify(eap(responses, items).theta, CUT)) < pass_rate - 0.05


@pytest.mark.parametrize("model", ["2pl", "gpcm"])
def test_wle_is_the_jeffreys_mode_for_exponential_family_items(model: str) -> None:
    """For 2PL and GPCM items Warm's WLE maximises log L(θ) + ½ log I(θ); checked on a fine grid
    over the items each person answered."""
    rng = np.random.default_rng(33)
    items = make_items(model, 12, rng)
    responses = simulate_responses(rng.normal(size=6), items, rng, answered_fraction=0.7)
    estimates = wle(responses, items)
    grid = np.linspace(-4, 4, 8001)
    for person, row in enumerate(responses):
        answered = ~np.isnan(row)
        taken = items.subset(answered)
        pattern = np.tile(row[answered], (len(grid), 1))
        objective = log_likelihood(grid, pattern, taken) + 0.5 * np.log(
            test_information(grid, taken)
        )
        assert estimates.theta[person] == pytest.approx(grid[np.argmax(objective)], abs=2e-3)
        assert estimates.se[person] == pytest.approx(
            1 / np.sqrt(test_information(estimates.theta[person], taken)[0])
        )


def test_extreme_patterns_are_finite_and_empty_rows_are_nan() -> None:
    rng = np.random.default_rng(34)
    items = make_items("2pl", 20, rng)
    responses = np.array([np.ones(20), np.zeros(20), np.full(20, np.nan)])
    estimates = wle(responses, items, bounds=(-6.0, 6.0))
    assert np.all(np.isfinite(estimates.theta[:2]))
    assert -6 < estimates.theta[1] < -2 < 2 < estimates.theta[0] < 6
    assert not estimates.at_bound[:2].any()
    assert np.all(estimates.se[:2] > 0)
    assert np.isnan(estimates.theta[2]) and np.isnan(estimates.se[2])


def test_rudner_indices_match_simulated_accuracy_and_consistency() -> None:
    """4,000 simulees θ ~ N(0, 1) take a 30-item test twice (independent responses).

    Rudner's accuracy is compared with the share classified on their true side of the cut,
    consistency with the share classified alike on both administrations; binomial SEs are
    about 0.005.
    """
    rng = np.random.default_rng(35)
    items = make_items("2pl", 30, rng)
    theta = rng.normal(size=4000)
    first = wle(simulate_responses(theta, items, rng), items)
    second = wle(simulate_responses(theta, items, rng), items)
    for cuts in (np.array([0.5]), np.array([-0.5, 0.8])):
        indices = classification_accuracy_consistency(first.theta, first.se, cuts)
        observed, truth = classify(first.theta, cuts), classify(theta, cuts)
        assert indices.accuracy == pytest.approx(np.mean(observed == truth), abs=0.02)
        agreement = np.mean(observed == classify(second.theta, cuts))
        assert indices.consistency == pytest.approx(agreement, abs=0.025)
        assert indices.false_positive == pytest.approx(np.mean(observed > truth), abs=0.015)
        assert indices.false_negative == pytest.approx(np.mean(observed < truth), abs=0.015)
        total = indices.accuracy + indices.false_positive + indices.false_negative
        assert total == pytest.approx(1.0)
        assert indices.n_persons == 4000


def test_rudner_formula_on_hand_values() -> None:
    theta_hat = np.array([0.0, 0.0 + 1.0, np.nan, 5.0])
    se = np.array([0.5, 0.5, 0.3, 0.01])
    indices = classification_accuracy_consistency(theta_hat, se, 0.0)
    p = probability_above(np.array([1.0]), np.array([0.5]), 0.0)[0]
    assert p == pytest.approx(0.97725, abs=1e-5)
    assert indices.n_persons == 3
    assert np.isnan(indices.person_accuracy[2])
    assert indices.person_accuracy[[0, 1, 3]] == pytest.approx([0.5, p, 1.0])
    assert indices.person_consistency[[0, 1, 3]] == pytest.approx([0.5, p**2 + (1 - p) ** 2, 1])
    assert indices.false_positive == pytest.approx((0.5 + (1 - p)) / 3)
    assert indices.false_negative == 0.0
    assert indices.accuracy_at_cut == pytest.approx([indices.accuracy])
    with pytest.raises(ValueError):
        classification_accuracy_consistency(theta_hat, se, np.array([1.0, 0.0]))


def test_nobody_passes_without_evidence() -> None:
    assert classify(np.array([np.nan, 0.79, 0.8, 2.0]), CUT).tolist() == [0, 0, 1, 1]
    assert classify(np.array([-1.0, 0.0, 1.0]), np.array([-0.5, 0.5])).tolist() == [0, 1, 2]
