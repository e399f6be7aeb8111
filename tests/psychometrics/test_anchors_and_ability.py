"""Scale linking through fixed anchor items, and ability estimation against simulated θ."""

from __future__ import annotations

import numpy as np
import pytest

from talentpool.psychometrics.ability import eap, map_estimate, mle
from talentpool.psychometrics.calibration import calibrate
from talentpool.psychometrics.simulate import simulate_responses
from talentpool.psychometrics.standard_errors import design_standard_errors

from .factories import make_items, make_responses, rms


def test_fixed_anchors_put_new_items_on_the_anchor_scale() -> None:
    """A more able, more spread group (θ ~ N(0.6, 1.2²)) takes 20 anchors and 20 new items.

    With the anchors fixed, μ and σ are estimated and the new items land on the true scale
    (RMSE below 2 × the known-θ SE, as in the recovery tests); calibrating the same data without
    anchors would shift every b by about −0.6.
    """
    rng = np.random.default_rng(21)
    items = make_items("2pl", 40, rng)
    theta = rng.normal(0.6, 1.2, size=3000)
    responses = simulate_responses(theta, items, rng, answered_fraction=0.8)
    anchors = np.arange(40) < 20
    linked = calibrate(responses, "2pl", anchors=items, anchor_mask=anchors)
    new = ~anchors
    bound = design_standard_errors(items, theta, ~np.isnan(responses))
    assert rms(linked.items.b[new, 0] - items.b[new, 0]) < 2 * rms(bound.b[new, 0])
    assert rms(linked.items.a[new] - items.a[new]) < 2 * rms(bound.a[new])
    assert np.allclose(linked.items.a[anchors], items.a[anchors])
    assert np.all(linked.standard_errors.a[anchors] == 0)
    assert linked.population_mean == pytest.approx(0.6, abs=0.1)
    assert linked.population_sd == pytest.approx(1.2, abs=0.1)
    unlinked = calibrate(responses, "2pl")
    shift = np.mean(unlinked.items.b[new, 0] - items.b[new, 0])
    assert shift < -0.4


@pytest.mark.parametrize("model", ["2pl", "grm"])
def test_eap_tracks_true_ability_with_calibrated_posterior_sd(model: str) -> None:
    """EAP θ̂ correlates with θ as the test's reliability allows, and ±1.96 SD covers ≈ 95 %."""
    rng = np.random.default_rng(22)
    items = make_items(model, 30, rng)
    theta, responses = make_responses(items, 4000, rng)
    scores = eap(responses, items)
    assert np.corrcoef(scores.theta, theta)[0, 1] > 0.9
    coverage = np.mean(np.abs(scores.theta - theta) < 1.96 * scores.se)
    # 4,000 people: the coverage's binomial SE is 0.0034, so ±0.015 is more than 4 SE.
    assert coverage == pytest.approx(0.95, abs=0.015)


def test_eap_scores_sparse_designs_in_one_batch() -> None:
    rng = np.random.default_rng(23)
    items = make_items("gpcm", 80, rng, 3)
    theta, responses = make_responses(items, 3000, rng, answered_fraction=0.25)
    scores = eap(responses, items)
    assert scores.theta.shape == (3000,)
    assert np.corrcoef(scores.theta, theta)[0, 1] > 0.85


def test_map_and_mle_standard_errors_cover_the_truth() -> None:
    rng = np.random.default_rng(24)
    items = make_items("2pl", 40, rng)
    theta, responses = make_responses(items, 3000, rng)
    for estimate in (map_estimate(responses, items), mle(responses, items)):
        inside = ~estimate.at_bound
        coverage = np.mean(np.abs(estimate.theta - theta)[inside] < 1.96 * estimate.se[inside])
        assert coverage == pytest.approx(0.95, abs=0.02)
        assert np.corrcoef(estimate.theta, theta)[0, 1] > 0.9


def test_mle_of_a_perfect_score_runs_to_the_bound_and_says_so() -> None:
    items = make_items("2pl", 5, np.random.default_rng(25))
    responses = np.array([[1.0] * 5, [0.0, 1.0, 0.0, 1.0, np.nan]])
    estimate = mle(responses, items, bounds=(-5.0, 5.0))
    assert estimate.at_bound.tolist() == [True, False]
    assert estimate.theta[0] == 5.0
    assert np.isfinite(map_estimate(responses, items).theta).all()


def test_map_equals_mle_under_a_very_wide_prior() -> None:
    rng = np.random.default_rng(26)
    items = make_items("grm", 10, rng)
    _, responses = make_responses(items, 50, rng)
    wide = map_estimate(responses, items, sd=1e4)
    plain = mle(responses, items)
    ok = ~plain.at_bound
    assert np.allclose(wide.theta[ok], plain.theta[ok], atol=1e-4)
