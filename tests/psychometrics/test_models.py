"""Model functions: probabilities are distributions, information matches its definition."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from talentpool.psychometrics.items import concatenate_items, dichotomous_items, polytomous_items
from talentpool.psychometrics.models import (
    expected_scores,
    item_information,
    log_likelihood,
    probabilities,
    probabilities_and_slopes,
)
from talentpool.psychometrics.models import (
    test_information as bank_information,
)

from .factories import make_items

THETA = np.linspace(-4, 4, 33)


def make_mixed_bank():
    rng = np.random.default_rng(0)
    return concatenate_items(
        make_items("2pl", 3, rng),
        make_items("3pl", 3, rng),
        make_items("grm", 3, rng, 4),
        make_items("gpcm", 3, rng, 3),
        dichotomous_items(np.ones(2), np.array([0.0, 1.0]), model="1pl"),
    )


def test_probabilities_are_distributions_over_each_items_categories() -> None:
    bank = make_mixed_bank()
    probs = probabilities(THETA, bank)
    assert np.allclose(probs.sum(axis=2), 1.0)
    assert np.all(probs >= 0)
    beyond = np.arange(probs.shape[2])[None, :] >= bank.n_categories[:, None]
    assert np.all(probs[:, beyond] == 0)


def test_slopes_match_numerical_derivatives() -> None:
    bank = make_mixed_bank()
    _, slopes = probabilities_and_slopes(THETA, bank)
    h = 1e-5
    numeric = (probabilities(THETA + h, bank) - probabilities(THETA - h, bank)) / (2 * h)
    assert np.allclose(slopes, numeric, atol=1e-7)


def test_two_category_grm_and_gpcm_equal_the_2pl() -> None:
    a, b = np.array([0.8, 1.5]), np.array([-0.5, 1.0])
    two_pl = probabilities(THETA, dichotomous_items(a, b))
    assert np.allclose(probabilities(THETA, polytomous_items(a, b[:, None], "grm")), two_pl)
    assert np.allclose(probabilities(THETA, polytomous_items(a, b[:, None], "gpcm")), two_pl)


def test_2pl_information_is_a_squared_p_q() -> None:
    a, b = np.array([1.7]), np.array([0.3])
    p = 1 / (1 + np.exp(-a * (THETA - b)))
    assert np.allclose(item_information(THETA, dichotomous_items(a, b))[:, 0], a**2 * p * (1 - p))


def test_test_information_sums_item_information() -> None:
    bank = make_mixed_bank()
    assert np.allclose(bank_information(THETA, bank), item_information(THETA, bank).sum(axis=1))


def test_log_likelihood_skips_items_not_administered() -> None:
    bank = dichotomous_items(np.array([1.0, 2.0]), np.array([0.0, 0.5]))
    responses = np.array([[1.0, np.nan], [0.0, 1.0]])
    theta = np.array([0.2, -0.1])
    probs = probabilities(theta, bank)
    expected = [np.log(probs[0, 0, 1]), np.log(probs[1, 0, 0]) + np.log(probs[1, 1, 1])]
    assert np.allclose(log_likelihood(theta, responses, bank), expected)


def test_expected_scores_rise_with_ability() -> None:
    scores = expected_scores(THETA, make_mixed_bank())
    assert np.all(np.diff(scores, axis=0) > 0)


@settings(max_examples=50, deadline=None)
@given(
    a=st.floats(0.1, 4.0),
    steps=st.lists(st.floats(-3.0, 3.0), min_size=1, max_size=5),
    theta=st.floats(-8.0, 8.0),
)
def test_gpcm_and_grm_probabilities_are_valid_for_any_parameters(a, steps, theta) -> None:
    ordered = np.sort(np.asarray(steps)) + 1e-3 * np.arange(len(steps))
    for model, thresholds in (("gpcm", np.asarray(steps)), ("grm", ordered)):
        bank = polytomous_items(np.array([a]), thresholds[None, :], model)
        probs = probabilities(np.array([theta]), bank)
        assert np.all(probs >= 0) and np.isclose(probs.sum(), 1.0)
        assert np.isfinite(item_information(np.array([theta]), bank)).all()
