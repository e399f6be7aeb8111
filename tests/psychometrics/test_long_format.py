"""Long-format responses (person, item, category): the same calibration as the matrix, at a
memory cost that grows with the answers, not with persons × items."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from scipy.special import expit

from talentpool.psychometrics import (
    LongResponses,
    calibrate,
    eap,
    eap_long,
    item_analysis,
    simulate_responses,
)
from talentpool.psychometrics.items import ItemParameters, concatenate_items
from talentpool.psychometrics.models import probabilities
from talentpool.psychometrics.mstep import OPERATIONAL_PRIORS

from .factories import make_items, make_responses
from .test_calibration_recovery import assert_recovered


def make_long_responses(
    items: ItemParameters, n_persons: int, rng: np.random.Generator, answered_fraction: float
) -> tuple[np.ndarray, LongResponses]:
    """(θ, answers) drawn straight into triples, person by block; no persons × items matrix."""
    theta = rng.normal(size=n_persons)
    person, item, category = [], [], []
    for start in range(0, n_persons, 1000):
        rows = min(1000, n_persons - start)
        row, column = np.nonzero(rng.random((rows, items.n_items)) < answered_fraction)
        if items.max_categories == 2:
            guess = items.c[column]
            right = guess + (1 - guess) * expit(
                items.a[column] * (theta[start + row] - items.b[column, 0])
            )
            probs = np.stack([1 - right, right], axis=1)
        else:
            probs = probabilities(theta[start : start + rows], items)[row, column]
        draws = rng.random(len(row))[:, None]
        person.append(start + row)
        item.append(column)
        category.append(np.sum(draws > np.cumsum(probs, axis=1)[:, :-1], axis=1))
    answers = LongResponses.from_arrays(
        np.concatenate(person),
        np.concatenate(item),
        np.concatenate(category),
        n_persons=n_persons,
        n_items=items.n_items,
    )
    return theta, answers


@pytest.mark.parametrize(
    ("model", "answered_fraction"), [("2pl", 1.0), ("2pl", 0.25), ("grm", 0.4), ("gpcm", 0.5)]
)
def test_long_and_matrix_paths_give_the_same_calibration(
    model: str, answered_fraction: float
) -> None:
    rng = np.random.default_rng(61)
    items = make_items(model, 25, rng, 3)
    _, responses = make_responses(items, 1000, rng, answered_fraction)
    from_matrix = calibrate(responses, model)
    from_long = calibrate(LongResponses.from_matrix(responses), model)
    assert from_long.convergence.iterations == from_matrix.convergence.iterations
    assert from_long.convergence.log_likelihood == pytest.approx(
        from_matrix.convergence.log_likelihood, rel=1e-12
    )
    for name in ("a", "b", "c"):
        long_values = getattr(from_long.items, name)
        assert np.allclose(long_values, getattr(from_matrix.items, name), atol=1e-9, equal_nan=True)
        assert np.allclose(
            getattr(from_long.standard_errors, name),
            getattr(from_matrix.standard_errors, name),
            atol=1e-9,
            equal_nan=True,
        )


def test_mixed_models_anchors_and_priors_agree_between_the_paths() -> None:
    rng = np.random.default_rng(62)
    items = concatenate_items(make_items("2pl", 12, rng), make_items("grm", 8, rng, 4))
    theta = rng.normal(0.3, 1.1, size=1200)
    responses = simulate_responses(theta, items, rng, answered_fraction=0.5)
    anchors = np.arange(items.n_items) < 6
    results = [
        calibrate(
            data,
            items.model,
            n_categories=items.n_categories,
            priors=OPERATIONAL_PRIORS,
            anchors=items,
            anchor_mask=anchors,
        )
        for data in (responses, LongResponses.from_matrix(responses))
    ]
    from_matrix, from_long = results
    assert np.allclose(from_long.items.a, from_matrix.items.a, atol=1e-9)
    assert np.allclose(from_long.items.b, from_matrix.items.b, atol=1e-9, equal_nan=True)
    assert from_long.population_mean == pytest.approx(from_matrix.population_mean, abs=1e-9)
    assert from_long.population_sd == pytest.approx(from_matrix.population_sd, abs=1e-9)


@pytest.mark.parametrize(("model", "n_items", "seed"), [("2pl", 120, 63), ("grm", 80, 64)])
def test_recovers_parameters_from_answers_simulated_in_long_form(
    model: str, n_items: int, seed: int
) -> None:
    """Same thresholds as the matrix recovery tests: RMSE < 2 × RMS known-θ SE."""
    rng = np.random.default_rng(seed)
    items = make_items(model, n_items, rng, 4)
    theta, answers = make_long_responses(items, 3000, rng, answered_fraction=0.2)
    result = calibrate(answers, model)
    assert result.convergence.converged and not result.item_problems
    assert_recovered(result.items, items, theta, answers.to_matrix(), result=result)


def test_triples_are_sorted_and_checked() -> None:
    answers = LongResponses.from_arrays([2, 0, 1, 0, 2], [1, 1, 0, 0, 0], [1, 0, 1, 1, 0])
    assert answers.person.tolist() == [0, 0, 1, 2, 2]
    assert answers.item.tolist() == [0, 1, 0, 0, 1]
    assert answers.category.tolist() == [1, 0, 1, 0, 1]
    assert answers.indptr.tolist() == [0, 2, 3, 5]
    assert (answers.n_persons, answers.n_items, answers.n_answers) == (3, 2, 5)
    assert not answers.person.flags.writeable
    matrix = np.array([[1.0, np.nan], [np.nan, 0.0], [2.0, 1.0]])
    assert np.array_equal(LongResponses.from_matrix(matrix).to_matrix(), matrix, equal_nan=True)
    with pytest.raises(ValueError, match="person 0 answered item 1 more than once"):
        LongResponses.from_arrays([0, 1, 0], [1, 0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match=r"category 0\.5"):
        LongResponses.from_arrays([0, 1], [0, 0], [0.5, 1.0])
    with pytest.raises(ValueError, match="item 3 is outside 0..1"):
        LongResponses(np.array([0, 1]), np.array([0, 3]), np.array([0, 1]), 2, 2)
    with pytest.raises(ValueError, match="exceeds the item's 2 categories"):
        calibrate(LongResponses.from_arrays([0, 1, 1], [0, 0, 1], [0, 2, 1]), "2pl")


def test_read_only_arrays_of_the_storage_types_are_shared_not_copied() -> None:
    person = np.array([0, 0, 1], dtype=np.int32)
    item = np.array([0, 1, 1], dtype=np.int32)
    category = np.array([1, 0, 1], dtype=np.int16)
    for array in (person, item, category):
        array.setflags(write=False)
    answers = LongResponses(person, item, category, 2, 2)
    assert answers.person is person and answers.item is item and answers.category is category


def test_item_analysis_and_eap_agree_between_the_paths() -> None:
    rng = np.random.default_rng(65)
    items = make_items("grm", 15, rng, 3)
    _, responses = make_responses(items, 700, rng, 0.5)
    answers = LongResponses.from_matrix(responses)
    dense, long = item_analysis(responses, items), item_analysis(answers, items)
    for name in ("n_responses", "p_value", "point_biserial", "infit", "outfit", "exposure_rate"):
        assert np.allclose(getattr(dense, name), getattr(long, name), atol=1e-10)
    assert np.array_equal(dense.flagged, long.flagged)
    assert np.allclose(eap(responses, items).theta, eap_long(answers, items).theta, atol=1e-12)


def test_calibrating_long_answers_never_builds_a_persons_by_items_array() -> None:
    """100,000 persons × 1,000 items at 1 %: a dense float matrix would take 800 MB."""
    rng = np.random.default_rng(66)
    items = make_items("2pl", 1000, rng)
    _, answers = make_long_responses(items, 100_000, rng, answered_fraction=0.01)
    tracemalloc.start()
    try:
        result = calibrate(answers, "2pl", max_iterations=6)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.convergence.iterations == 6
    assert peak < 100 * 2**20, peak / 2**20
