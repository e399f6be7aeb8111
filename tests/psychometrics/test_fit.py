"""Person fit (lz*) and lognormal response-time aberrance against simulated truth."""

from __future__ import annotations

import numpy as np
import pytest

from talentpool.psychometrics.decisions import wle
from talentpool.psychometrics.fit import (
    estimate_speed,
    fit_lognormal_rt,
    lz_star,
    rt_aberrance,
    rt_residuals,
)
from talentpool.psychometrics.simulate import simulate_responses

from .factories import make_items, make_responses, rms

ONE_SIDED_5 = -1.645


@pytest.mark.parametrize(
    ("model", "n_items", "max_mean"), [("2pl", 40, 0.1), ("3pl", 40, 0.1), ("gpcm", 20, 0.18)]
)
def test_lz_star_is_standard_normal_for_model_fitting_simulees(
    model: str, n_items: int, max_mean: float
) -> None:
    """With θ̂ = WLE, lz* of 3,000 model-fitting simulees has mean ≈ 0, SD ≈ 1 and flags about
    5 % at the one-sided 5 % point. The statistic is asymptotic: a small positive mean remains
    on short tests (measured +0.07 for 40 right/wrong items, +0.13 for 20 GPCM items; leaving
    out Warm's r_0 term raises it to +0.15 and +0.21)."""
    rng = np.random.default_rng(41)
    items = make_items(model, n_items, rng)
    _, responses = make_responses(items, 3000, rng)
    values = lz_star(responses, items, wle(responses, items).theta)
    assert abs(np.mean(values)) < max_mean
    assert np.std(values) == pytest.approx(1.0, abs=0.08)
    assert 0.03 <= np.mean(values < ONE_SIDED_5) <= 0.08


def test_lz_star_is_clearly_negative_for_cheaters_and_careless_responders() -> None:
    """200 weak simulees (θ = −1) copy the right answers to the 10 hardest of 40 items; 200 able
    ones (θ = 1) carelessly miss the 10 easiest."""
    rng = np.random.default_rng(42)
    items = make_items("2pl", 40, rng)
    order = np.argsort(items.b[:, 0])
    cheaters = simulate_responses(np.full(200, -1.0), items, rng)
    cheaters[:, order[-10:]] = 1.0
    careless = simulate_responses(np.full(200, 1.0), items, rng)
    careless[:, order[:10]] = 0.0
    for aberrant in (cheaters, careless):
        values = lz_star(aberrant, items, wle(aberrant, items).theta)
        assert np.mean(values) < -2.5
        assert np.mean(values < ONE_SIDED_5) > 0.75


def test_lz_star_is_nan_where_undefined() -> None:
    rng = np.random.default_rng(43)
    items = make_items("2pl", 5, rng)
    responses = np.array(
        [[1, 0, 1, 0, 1], [np.nan] * 5, [1, np.nan, np.nan, np.nan, np.nan], [0, 1, 1, 0, 0]]
    )
    theta = np.array([0.2, 0.0, 0.5, np.nan])
    values = lz_star(responses, items, theta)
    assert np.isfinite(values[0])
    assert np.isnan(values[1:]).all()
    with pytest.raises(ValueError):
        lz_star(responses, items, theta, estimator="eap")  # type: ignore[arg-type]


def make_log_times(
    n_persons: int, n_items: int, rng: np.random.Generator, answered_fraction: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(β, α, τ, log t) with β ~ N(4, 0.5²) (≈ 1 min per item), α ~ U(1.5, 2.5), τ ~ N(0, 0.3²)."""
    beta = rng.normal(4.0, 0.5, n_items)
    alpha = rng.uniform(1.5, 2.5, n_items)
    tau = rng.normal(0.0, 0.3, n_persons)
    noise = rng.normal(size=(n_persons, n_items)) / alpha[None, :]
    log_times = beta[None, :] - tau[:, None] + noise
    log_times[rng.random(log_times.shape) > answered_fraction] = np.nan
    return beta, alpha, tau, log_times


def test_lognormal_model_recovers_item_and_speed_parameters() -> None:
    """2,000 persons × 30 items, 20 % of times missing; τ is centred, so β shifts by mean τ."""
    rng = np.random.default_rng(44)
    beta, alpha, tau, log_times = make_log_times(2000, 30, rng, answered_fraction=0.8)
    fitted = fit_lognormal_rt(log_times)
    assert fitted.converged
    shift = tau.mean()
    assert rms(fitted.beta - (beta - shift)) < 0.03
    assert rms(fitted.alpha / alpha - 1.0) < 0.04
    assert abs(np.mean(fitted.alpha / alpha) - 1.0) < 0.015
    assert rms(fitted.tau - (tau - shift)) == pytest.approx(rms(fitted.tau_se), rel=0.1)
    assert np.corrcoef(fitted.tau, tau)[0, 1] > 0.9
    residuals = rt_residuals(log_times, fitted.beta, fitted.alpha, fitted.tau)
    assert np.nanstd(residuals) == pytest.approx(np.sqrt(29 / 30), abs=0.03)


def test_rt_aberrance_flags_planted_rapid_responses() -> None:
    """100 of 2,000 persons answer 8 of 30 items about 7 times faster than their own pace
    (log t lower by 2: rapid guessing); 200 others are uniformly fast (τ + 1), which is speed,
    not aberrance. The model is fitted on the contaminated data, which lowers every α̂ a little
    and makes the test conservative for everyone else."""
    rng = np.random.default_rng(45)
    _, _, _, log_times = make_log_times(2000, 30, rng)
    planted = np.zeros(log_times.shape, bool)
    for person in range(100):
        planted[person, rng.choice(30, 8, replace=False)] = True
    log_times[planted] -= 2.0
    log_times[100:300] -= 1.0
    fitted = fit_lognormal_rt(log_times)
    report = rt_aberrance(log_times, fitted.beta, fitted.alpha)
    assert np.mean(report.flagged[:100]) > 0.9
    assert np.mean(report.flagged[100:]) <= 0.06
    assert np.mean(report.flagged[100:300]) <= 0.1
    assert np.mean(report.fast[planted]) > 0.7
    assert np.mean(report.n_fast[:100]) > 5 > 1 > np.mean(report.n_fast[100:])
    hits = [np.isin(report.fast_items(i), np.flatnonzero(planted[i])) for i in range(100)]
    assert np.mean(np.concatenate(hits)) > 0.9
    assert report.df[0] == 29


def test_rt_chi_square_is_calibrated_and_handles_missing_times() -> None:
    rng = np.random.default_rng(46)
    beta, alpha, _, log_times = make_log_times(3000, 12, rng, answered_fraction=0.7)
    log_times[0] = np.nan
    log_times[1, 1:] = np.nan
    report = rt_aberrance(log_times, beta, alpha)
    assert np.isnan(report.p_value[:2]).all() and not report.flagged[:2].any()
    p_values = report.p_value[2:]
    assert np.mean(p_values < 0.05) == pytest.approx(0.05, abs=0.015)
    assert np.mean(p_values) == pytest.approx(0.5, abs=0.02)
    speed = estimate_speed(log_times, beta, alpha)
    assert np.isnan(speed.tau[0]) and speed.se[1] == pytest.approx(1 / alpha[0])
    with pytest.raises(ValueError):
        fit_lognormal_rt(np.array([[-np.inf, 1.0], [1.0, 2.0]]))
