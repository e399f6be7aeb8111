"""Priors on slope and difficulty, and items the data cannot calibrate (flagged, never fatal)."""

from __future__ import annotations

import numpy as np
import pytest

from talentpool.psychometrics import (
    OPERATIONAL_PRIORS,
    LongResponses,
    Priors,
    calibrate,
    dichotomous_items,
    simulate_responses,
)
from talentpool.psychometrics.mstep import LOG_SLOPE_BOUNDS, log_prior, prior_terms, to_internal

from .factories import make_items, make_responses, rms
from .test_calibration_recovery import assert_recovered

@pytest.mark.parametrize(
    ("model", "n_categories"), [("1pl", 2), ("2pl", 2), ("3pl", 2), ("grm", 4), ("gpcm", 4)]
)
def test_prior_gradient_is_the_derivative_of_the_log_prior(model: str, n_categories: int) -> None:
    """Central differences of Σ log p(log a) + log p(b_k) (+ log p(c)) in η."""
    rng = np.random.default_rng(71)
    items = make_items(model if model != "1pl" else "2pl", 4, rng, n_categories)
    slopes = items.a if model != "1pl" else np.full(4, 1.3)
    eta = to_internal(model, slopes, items.b, np.full(4, 0.2) if model == "3pl" else items.c)
    priors = Priors(
        slope_log_sd=0.5,
        difficulty_mean=0.3,
        difficulty_sd=1.5,
        guessing_alpha=5.0,
        guessing_beta=17.0,
    )
    gradient, curvature = prior_terms(model, eta, priors, slopes)
    numeric = np.zeros_like(eta)
    for index in np.ndindex(eta.shape):
        step = np.zeros_like(eta)
        step[index] = 1e-6
        up = log_prior(model, eta + step, priors, slopes)
        down = log_prior(model, eta - step, priors, slopes)
        numeric[index] = (up - down) / 2e-6
    assert np.allclose(gradient, numeric, atol=1e-6)
    assert np.all(np.linalg.eigvalsh(curvature) >= -1e-12)


def test_operational_priors_are_the_documented_ones() -> None:
    assert OPERATIONAL_PRIORS == Priors(
        slope_log_mean=0.0,
        slope_log_sd=0.5,
        difficulty_mean=0.0,
        difficulty_sd=2.0,
        guessing_alpha=5.0,
        guessing_beta=17.0,
    )


def test_slope_prior_keeps_an_extreme_slope_in() -> None:
    """100 persons, 5 items, item 0 with a = 8: unpenalised, its slope runs to the bound."""
    rng = np.random.default_rng(0)
    a = 1.2 * np.exp(rng.normal(0, 0.25, 5))
    a[0] = 8.0
    items = dichotomous_items(a, rng.normal(0, 1, 5))
    responses = simulate_responses(rng.normal(size=100), items, rng)
    free = calibrate(responses, "2pl")
    assert np.log(free.items.a[0]) == pytest.approx(LOG_SLOPE_BOUNDS[1], abs=0.01)
    assert ("slope_at_bound", 0) in {(p.kind, p.item) for p in free.item_problems}
    held = calibrate(responses, "2pl", priors=Priors(slope_log_sd=0.5))
    assert held.items.a[0] < 3.0
    assert held.convergence.converged and not held.flagged[0]


def test_difficulty_prior_keeps_a_runaway_threshold_in() -> None:
    """A weak, very hard item (a = 0.5, b = 5) answered by 100 persons: without a prior its
    slope drops to the bound and b runs off; b ~ N(0, 2²) keeps both reasonable."""
    rng = np.random.default_rng(4)
    a = 1.2 * np.exp(rng.normal(0, 0.25, 8))
    b = rng.normal(0, 1, 8)
    a[0], b[0] = 0.5, 5.0
    items = dichotomous_items(a, b)
    responses = simulate_responses(rng.normal(size=100), items, rng)
    free = calibrate(responses, "2pl")
    assert free.items.b[0, 0] > 20 and free.flagged[0]
    held = calibrate(responses, "2pl", priors=Priors(difficulty_sd=2.0))
    assert 1.5 < held.items.b[0, 0] < 4.0 and not held.flagged[0]
    assert held.convergence.converged


@pytest.mark.parametrize("model", ["2pl", "grm", "gpcm"])
def test_a_tight_difficulty_prior_pulls_every_threshold_to_its_mean(model: str) -> None:
    rng = np.random.default_rng(72)
    items = make_items(model, 10, rng, 3)
    _, responses = make_responses(items, 500, rng)
    free = calibrate(responses, model)
    assert np.nanmax(np.abs(free.items.b - 0.4)) > 1.0
    pinned = calibrate(responses, model, priors=Priors(difficulty_mean=0.4, difficulty_sd=0.01))
    assert np.nanmax(np.abs(pinned.items.b - 0.4)) < 0.15
    loose = calibrate(responses, model, priors=Priors(difficulty_mean=0.4, difficulty_sd=1.0))
    assert rms(loose.items.b - 0.4) < rms(free.items.b - 0.4)


def make_degenerate_bank(rng: np.random.Generator):
    """20 2PL items, 2,000 persons, 60 % answered; item 3 always right, item 7 perfectly
    ordered by the rest score, item 15 never administered."""
    items = make_items("2pl", 20, rng)
    theta, responses = make_responses(items, 2000, rng, 0.6)
    answered = ~np.isnan(responses)
    responses[answered[:, 3], 3] = 1.0
    responses[:, 15] = np.nan
    rest = np.nanmean(np.delete(responses, 7, axis=1), axis=1)
    responses[answered[:, 7], 7] = (rest > np.median(rest))[answered[:, 7]]
    return items, theta, responses


@pytest.mark.parametrize("long", [False, True])
def test_degenerate_items_are_flagged_and_the_rest_recovered(long: bool) -> None:
    rng = np.random.default_rng(41)
    items, theta, responses = make_degenerate_bank(rng)
    data = LongResponses.from_matrix(responses) if long else responses
    result = calibrate(data, "2pl")
    kinds = {(p.item, p.kind) for p in result.item_problems}
    expected = {(3, "no_variance"), (7, "separation"), (7, "slope_at_bound"), (15, "no_responses")}
    assert expected <= kinds
    assert {p.item for p in result.item_problems} == {3, 7, 15}
    assert "item 3: no response variance: all" in str(
        next(p for p in result.item_problems if p.item == 3)
    )
    assert result.flagged.tolist() == [j in (3, 7, 15) for j in range(20)]
    assert not result.clean
    for j in (3, 15):
        assert np.isnan(result.items.a[j]) and np.isnan(result.items.b[j, 0])
        assert np.isnan(result.standard_errors.a[j])
    good = np.setdiff1d(np.arange(20), [3, 7, 15])
    assert_recovered(
        result.items.subset(good), items.subset(good), theta, responses[:, good], check_se=False
    )


def test_unused_categories_of_a_polytomous_item_are_flagged() -> None:
    """GRM with 4 declared categories: item 2 never uses category 1, item 5 never the top one."""
    rng = np.random.default_rng(73)
    items = make_items("grm", 15, rng, 4)
    theta, responses = make_responses(items, 2000, rng, 0.7)
    responses[responses[:, 2] == 1, 2] = 2
    responses[responses[:, 5] == 3, 5] = 2
    result = calibrate(responses, "grm", n_categories=np.full(15, 4))
    problems = {p.item: p for p in result.item_problems}
    assert set(problems) == {2, 5}
    assert problems[2].kind == problems[5].kind == "unused_category"
    assert "1 of 0..3 never observed" in problems[2].detail
    assert "3 of 0..3 never observed" in problems[5].detail
    assert np.all(np.isnan(result.items.b[[2, 5]]))
    good = np.setdiff1d(np.arange(15), [2, 5])
    assert result.convergence.converged
    assert_recovered(
        result.items.subset(good), items.subset(good), theta, responses[:, good], check_se=False
    )


def test_priors_keep_a_separated_item_finite_but_it_stays_flagged() -> None:
    rng = np.random.default_rng(41)
    _, _, responses = make_degenerate_bank(rng)
    result = calibrate(responses, "2pl", priors=OPERATIONAL_PRIORS)
    assert 1.0 < np.log(result.items.a[7]) < LOG_SLOPE_BOUNDS[1] - 0.5
    assert result.convergence.converged
    assert {(p.item, p.kind) for p in result.item_problems if p.item == 7} == {(7, "separation")}
