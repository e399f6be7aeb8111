"""Parameter recovery on seeded simulations, for every model, dense and sparse.

How the thresholds are set: for each simulation we compute the known-θ standard errors of
the true items (``design_standard_errors``: the information the design would give if every θ
were known). MML errors are somewhat larger because θ is unknown (by 5–30 % in a pilot of three
seeds per case), and the RMSE of 30–60 items has a relative sampling spread of about
1/√(2·n_items) ≈ 10–13 %. So the RMSE of the estimates must stay below
``RECOVERY_FACTOR`` = 2 × the RMS known-θ SE: a correct calibration passes with a wide margin,
while a biased one (e.g. a wrong gradient or scale) exceeds it by far. The reported standard
errors are checked against the empirical RMSE too (ratio within 0.7–1.5).
"""

from __future__ import annotations

import numpy as np
import pytest

from talentpool.psychometrics import responses as responses_module
from talentpool.psychometrics.calibration import calibrate
from talentpool.psychometrics.items import concatenate_items, dichotomous_items
from talentpool.psychometrics.mstep import NO_PRIORS, RECOMMENDED_3PL_PRIORS
from talentpool.psychometrics.simulate import simulate_responses
from talentpool.psychometrics.standard_errors import design_standard_errors

from .factories import make_items, make_responses, rms

RECOVERY_FACTOR = 2.0
N_PERSONS = 2000


def assert_recovered(
    estimated, true, theta, responses, check_se: bool = True, result=None, check_a: bool = True
) -> None:
    bound = design_standard_errors(true, theta, ~np.isnan(responses))
    error_b = rms(estimated.b - true.b)
    assert error_b < RECOVERY_FACTOR * rms(bound.b), (error_b, rms(bound.b))
    if check_se and result is not None:
        assert 0.7 < error_b / rms(result.standard_errors.b) < 1.5
    if check_a:
        error_a = rms(estimated.a - true.a)
        assert error_a < RECOVERY_FACTOR * rms(bound.a), (error_a, rms(bound.a))
        if check_se and result is not None:
            assert 0.7 < error_a / rms(result.standard_errors.a) < 1.5


@pytest.mark.parametrize(
    ("model", "n_items", "answered_fraction", "seed"),
    [
        ("2pl", 30, 1.0, 1),
        ("2pl", 60, 0.5, 2),
        ("2pl", 150, 0.15, 13),
        ("grm", 30, 1.0, 3),
        ("grm", 60, 0.5, 4),
        ("grm", 90, 0.3, 14),
        ("gpcm", 30, 1.0, 5),
        ("gpcm", 60, 0.5, 6),
        ("gpcm", 90, 0.3, 15),
    ],
)
def test_recovers_parameters(model: str, n_items: int, answered_fraction: float, seed: int) -> None:
    """Dense designs, and sparse ones (15–50 % of cells answered, 22–30 items per person);
    the sparsest cases are encoded as ``scipy.sparse`` matrices, the others as dense arrays."""
    rng = np.random.default_rng(seed)
    items = make_items(model, n_items, rng)
    theta, responses = make_responses(items, N_PERSONS, rng, answered_fraction)
    result = calibrate(responses, model)
    assert result.convergence.converged
    assert_recovered(result.items, items, theta, responses, result=result)


def test_3pl_with_priors_recovers_parameters_and_guessing() -> None:
    """Priors shrink 3PL estimates, so SE calibration is not checked; c must be near truth."""
    rng = np.random.default_rng(7)
    items = make_items("3pl", 30, rng)
    theta, responses = make_responses(items, 3000, rng)
    result = calibrate(responses, "3pl", priors=RECOMMENDED_3PL_PRIORS)
    assert result.convergence.converged
    assert_recovered(result.items, items, theta, responses, check_se=False)
    assert rms(result.items.c - items.c) < 0.06
    assert np.all((result.items.c > 0) & (result.items.c < 0.5))


def test_1pl_keeps_its_slope_and_recovers_difficulties() -> None:
    rng = np.random.default_rng(12)
    items = dichotomous_items(np.ones(25), rng.normal(size=25), model="1pl")
    theta, responses = make_responses(items, N_PERSONS, rng, 0.6)
    result = calibrate(responses, "1pl")
    assert np.all(result.items.a == 1.0) and np.all(result.standard_errors.a == 0)
    assert_recovered(result.items, items, theta, responses, result=result, check_a=False)


def test_3pl_without_priors_still_returns_finite_parameters() -> None:
    rng = np.random.default_rng(8)
    items = make_items("3pl", 20, rng)
    _, responses = make_responses(items, 500, rng)
    result = calibrate(responses, "3pl", priors=NO_PRIORS, max_iterations=100)
    assert np.all(np.isfinite(result.items.a)) and np.all(np.isfinite(result.items.b[:, 0]))


def test_mixed_right_wrong_and_partial_credit_items_in_one_sparse_run() -> None:
    rng = np.random.default_rng(9)
    items = concatenate_items(
        make_items("2pl", 20, rng), make_items("grm", 10, rng, 3), make_items("gpcm", 10, rng, 4)
    )
    theta = rng.normal(size=N_PERSONS)
    responses = simulate_responses(theta, items, rng, answered_fraction=0.6)
    result = calibrate(responses, items.model, n_categories=items.n_categories)
    assert result.convergence.converged
    assert_recovered(result.items, items, theta, responses, result=result)


def test_convergence_report_traces_an_increasing_log_likelihood() -> None:
    rng = np.random.default_rng(10)
    items = make_items("2pl", 15, rng)
    _, responses = make_responses(items, 1000, rng, 0.7)
    report = calibrate(responses, "2pl").convergence
    trace = np.asarray(report.log_likelihood_trace)
    assert report.converged and report.iterations == len(trace)
    assert np.all(np.diff(trace) > -1e-6 * abs(trace[-1]))
    assert report.log_likelihood >= trace[-1]


def test_too_few_iterations_is_reported_as_not_converged() -> None:
    rng = np.random.default_rng(11)
    items = make_items("gpcm", 10, rng)
    _, responses = make_responses(items, 500, rng)
    report = calibrate(responses, "gpcm", max_iterations=2).convergence
    assert not report.converged and report.iterations == 2


def test_rejects_non_integer_responses_naming_the_cell() -> None:
    responses = np.array([[0.0, 1.0], [0.5, 1.0]])
    with pytest.raises(ValueError, match="person 1, item 0"):
        calibrate(responses, "2pl")


@pytest.mark.parametrize("model", ["2pl", "grm"])
def test_sparse_and_dense_encodings_give_the_same_calibration(monkeypatch, model: str) -> None:
    """The encoding of the response matrix is a speed choice only."""
    rng = np.random.default_rng(16)
    items = make_items(model, 20, rng, 3)
    _, responses = make_responses(items, 600, rng, 0.4)
    results = []
    for threshold in (0.0, 1.1):  # always dense, always sparse
        monkeypatch.setattr(responses_module, "DENSE_ABOVE_DENSITY", threshold)
        results.append(calibrate(responses, model))
    dense, sparse = results
    assert np.allclose(dense.items.a, sparse.items.a, atol=1e-8)
    assert np.allclose(dense.items.b, sparse.items.b, atol=1e-8, equal_nan=True)
    assert np.allclose(dense.standard_errors.b, sparse.standard_errors.b, atol=1e-8, equal_nan=True)
