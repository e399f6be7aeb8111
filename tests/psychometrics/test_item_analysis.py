"""Item statistics and flags on simulations with planted bad items."""

from __future__ import annotations

import numpy as np
import pytest

from talentpool.psychometrics.item_analysis import FlagThresholds, item_analysis, point_biserial
from talentpool.psychometrics.items import dichotomous_items

from .factories import make_items, make_responses


def make_bank_with_bad_items(rng: np.random.Generator):
    """20 good 2PL items; item 0 answered at random (misfit), item 1 barely discriminating."""
    items = make_items("2pl", 20, rng)
    theta, responses = make_responses(items, 3000, rng)
    responses[:, 0] = rng.integers(0, 2, size=3000)
    a = items.a.copy()
    a[1] = 0.2
    flat = dichotomous_items(a, items.b[:, 0])
    _, flat_responses = make_responses(flat, 3000, rng)
    responses[:, 1] = flat_responses[:, 1]
    return items, theta, responses


def test_flags_the_random_item_as_misfit_and_the_flat_item_as_weak() -> None:
    rng = np.random.default_rng(31)
    items, theta, responses = make_bank_with_bad_items(rng)
    stats = item_analysis(responses, items, theta=theta)
    assert stats.misfit[0]
    assert stats.low_discrimination[1]
    assert not stats.misfit[2:].any()
    assert not stats.low_discrimination[2:].any()
    assert np.all(np.abs(stats.infit[2:] - 1) < 0.1)


def test_p_values_and_point_biserials_are_classical() -> None:
    responses = np.array([[1, 1, 0], [1, 0, 0], [0, 0, 1], [1, 1, 1]], dtype=float)
    items = dichotomous_items(np.ones(3), np.zeros(3))
    stats = item_analysis(responses, items, theta=np.zeros(4))
    assert stats.p_value == pytest.approx([0.75, 0.5, 0.5])
    rest = (responses.sum(axis=1) - responses[:, 0]) / 2
    assert stats.point_biserial[0] == pytest.approx(np.corrcoef(responses[:, 0], rest)[0, 1])


def test_point_biserial_in_a_sparse_design_uses_the_other_answered_items() -> None:
    responses = np.array([[1, np.nan, 1], [0, 0, np.nan], [1, 1, 0], [0, np.nan, 0]])
    correlation = point_biserial(responses, np.ones(3))
    rest_of_item0 = np.array([1.0, 0.0, 0.5, 0.0])
    assert correlation[0] == pytest.approx(np.corrcoef(responses[:, 0], rest_of_item0)[0, 1])


def test_over_exposure_is_the_share_of_tests_using_the_item() -> None:
    rng = np.random.default_rng(32)
    items = make_items("2pl", 4, rng)
    _, responses = make_responses(items, 100, rng)
    responses[40:, 1:] = np.nan  # items 1–3 only in the first 40 tests
    stats = item_analysis(
        responses, items, n_tests=100, thresholds=FlagThresholds(max_exposure=0.5)
    )
    assert stats.exposure_rate == pytest.approx([1.0, 0.4, 0.4, 0.4])
    assert stats.over_exposed.tolist() == [True, False, False, False]
    assert stats.flagged[0]


def test_polytomous_p_value_is_a_share_of_the_top_score() -> None:
    rng = np.random.default_rng(33)
    items = make_items("grm", 3, rng, 3)
    responses = np.array([[2, 0, 1], [1, 2, np.nan]], dtype=float)
    stats = item_analysis(responses, items)
    assert stats.p_value == pytest.approx([0.75, 0.5, 0.5])
