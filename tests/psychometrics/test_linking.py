"""Scale linking recovers known constants from noisy and from really calibrated parameters.

How the tolerances are set: when the new-scale parameters carry independent noise of SD σ on
every threshold (and on log a), the linking constants are essentially moments of n noisy
anchors, so SE(B) ≈ A·σ/√n and SE(log A) ≈ σ / (√n·SD(b_new)). Over 30 replications the RMS
error must stay below 1.5 × that prediction (a pilot gave 0.6–1.2 ×; the RMS of 30 draws has a
relative spread of ≈ 13 %); a wrong transformation or criterion misses by far more.
"""

from __future__ import annotations


import numpy as np
import pytest

from talentpool.psychometrics.calibration import calibrate
from talentpool.psychometrics.items import ItemParameters, concatenate_items
from talentpool.psychometrics.linking import (
    haebara,
    link_with_drift_screening,
    mean_sigma,
    stocking_lord,
    transform,
)
from talentpool.psychometrics.models import probabilities
from talentpool.psychometrics.simulate import simulate_responses
from talentpool.psychometrics.standard_errors import design_standard_errors

from .factories import make_items, rms

METHODS = {"mean_sigma": mean_sigma, "stocking_lord": stocking_lord, "haebara": haebara}
TRUE_A, TRUE_B = 1.3, -0.4


def make_mixed_bank(rng: np.random.Generator) -> ItemParameters:
    """30 anchors: 12 2PL, 6 3PL, 6 four-category GRM, 6 three-category GPCM."""
    return concatenate_items(
        make_items("2pl", 12, rng),
        make_items("3pl", 6, rng),
        make_items("grm", 6, rng),
        make_items("gpcm", 6, rng, 3),
    )


def on_new_scale(base: ItemParameters, A: float, B: float) -> ItemParameters:
    """The same items as a calibration whose scale satisfies θ_base = A·θ_new + B would see them."""
    return transform(base, 1.0 / A, -B / A)


def with_noise(items: ItemParameters, sd: float, rng: np.random.Generator) -> ItemParameters:
    """Estimation noise: N(0, sd²) on every threshold, log-normal(0, sd²) on the slopes."""
    a = items.a * np.exp(rng.normal(0.0, sd, items.n_items))
    b = items.b + rng.normal(0.0, sd, items.b.shape)
    return ItemParameters(items.model, a, b, items.c, items.n_categories)


@pytest.mark.parametrize("method", list(METHODS))
def test_exact_parameters_give_the_exact_constants(method: str) -> None:
    base = make_mixed_bank(np.random.default_rng(40))
    result = METHODS[method](on_new_scale(base, TRUE_A, TRUE_B), base)
    assert result.A == pytest.approx(TRUE_A, abs=1e-6)
    assert result.B == pytest.approx(TRUE_B, abs=1e-6)
    assert np.all(result.displacement < 1e-6)
    assert result.anchors_used.all() and len(result.dropped) == 0
    assert np.isnan(result.criterion) if method == "mean_sigma" else result.criterion < 1e-12


def test_transform_keeps_every_category_probability() -> None:
    """P_jk(θ_new; new) = P_jk(A·θ_new + B; transformed) for every model."""
    rng = np.random.default_rng(42)
    new = make_mixed_bank(rng)
    theta_new = np.linspace(-3, 3, 13)
    linked = transform(new, TRUE_A, TRUE_B)
    assert np.allclose(
        probabilities(theta_new, new), probabilities(TRUE_A * theta_new + TRUE_B, linked)
    )
    assert np.array_equal(linked.c, new.c)
    with pytest.raises(ValueError, match="A > 0"):
        transform(new, -1.0, 0.0)


@pytest.mark.parametrize("method", list(METHODS))
def test_recovers_constants_within_the_noise_of_the_anchors(method: str) -> None:
    rng = np.random.default_rng(43)
    base = make_mixed_bank(rng)
    new = on_new_scale(base, TRUE_A, TRUE_B)
    noise, n_replications = 0.1, 30
    errors = np.array(
        [
            (np.log(r.A / TRUE_A), r.B - TRUE_B)
            for r in (
                METHODS[method](with_noise(new, noise, rng), base) for _ in range(n_replications)
            )
        ]
    )
    thresholds = new.b[~np.isnan(new.b)]
    predicted_log_a = noise / (np.sqrt(base.n_items) * np.std(thresholds))
    predicted_b = TRUE_A * noise / np.sqrt(base.n_items)
    assert rms(errors[:, 0]) < 1.5 * predicted_log_a, (rms(errors[:, 0]), predicted_log_a)
    assert rms(errors[:, 1]) < 1.5 * predicted_b, (rms(errors[:, 1]), predicted_b)


def normal_grid() -> tuple[np.ndarray, np.ndarray]:
    """The default linking grid: 41 nodes on [−4, 4], N(0, 1) weights summing to 1."""
    nodes = np.linspace(-4.0, 4.0, 41)
    weights = np.exp(-0.5 * nodes**2)
    return nodes, weights / weights.sum()


def criterion(method: str, new: ItemParameters, base: ItemParameters, A: float, B: float):
    """The Stocking–Lord or Haebara criterion, written out from the docstring."""
    nodes, weights = normal_grid()
    p_base, p_linked = probabilities(nodes, base), probabilities(nodes, transform(new, A, B))
    if method == "stocking_lord":
        score = np.arange(p_base.shape[2])
        gap = (p_base @ score).sum(axis=1) - (p_linked @ score).sum(axis=1)
        return float(weights @ gap**2)
    return float(weights @ ((p_base - p_linked) ** 2).sum(axis=(1, 2)))


@pytest.mark.parametrize("method", ["stocking_lord", "haebara"])
def test_constants_minimise_the_stated_criterion(method: str) -> None:
    rng = np.random.default_rng(46)
    base = make_mixed_bank(rng)
    new = with_noise(on_new_scale(base, TRUE_A, TRUE_B), 0.1, rng)
    result = METHODS[method](new, base)
    best = criterion(method, new, base, result.A, result.B)
    assert result.criterion == pytest.approx(best, rel=1e-8)
    for dA, dB in [(0.01, 0), (-0.01, 0), (0, 0.01), (0, -0.01)]:
        assert criterion(method, new, base, result.A + dA, result.B + dB) > best


def test_displacement_is_the_rms_gap_of_expected_scores_per_top_score() -> None:
    """An exact 2PL anchor set plus one 2PL and one 4-category GRM anchor moved by 0.5 logit."""
    rng = np.random.default_rng(47)
    base = concatenate_items(make_items("2pl", 8, rng), make_items("grm", 2, rng))
    moved = base.b.copy()
    moved[[0, 9]] += 0.5
    moved_base = ItemParameters(base.model, base.a, moved, base.c, base.n_categories)
    new = on_new_scale(base, TRUE_A, TRUE_B)
    result = link_with_drift_screening(new, moved_base, threshold=1.0, min_anchors=2)
    nodes, weights = normal_grid()
    linked = transform(new, result.A, result.B)
    for j, top in [(0, 1), (9, 3)]:
        score = np.arange(4)[: int(base.n_categories[j])]
        gap = (probabilities(nodes, moved_base)[:, j, : len(score)] @ score) - (
            probabilities(nodes, linked)[:, j, : len(score)] @ score
        )
        assert result.displacement[j] == pytest.approx(np.sqrt(weights @ gap**2) / top)
    assert sorted(np.argsort(result.displacement)[-2:].tolist()) == [0, 9]


@pytest.fixture(scope="module")
def two_calibrations():
    """Two groups, 20 shared anchors (14 2PL + 6 three-category GRM) and 15 own items each.

    The base group is θ ~ N(0, 1), so its calibration's scale is the true one; the new group is
    θ ~ N(0.5, 1.2²), and its separate calibration fixes its own N(0, 1), so the true constants
    are A = 1.2, B = 0.5.
    """
    rng = np.random.default_rng(31)
    anchors = concatenate_items(make_items("2pl", 14, rng), make_items("grm", 6, rng, 3))
    base_form = concatenate_items(anchors, make_items("2pl", 15, rng))
    new_form = concatenate_items(anchors, make_items("2pl", 15, rng))
    theta_new = rng.normal(0.5, 1.2, 2000)
    responses_new = simulate_responses(theta_new, new_form, rng)
    base_fit = calibrate(
        simulate_responses(rng.normal(0.0, 1.0, 2000), base_form, rng),
        base_form.model,
        n_categories=base_form.n_categories,
    )
    new_fit = calibrate(responses_new, new_form.model, n_categories=new_form.n_categories)
    bound = design_standard_errors(new_form, theta_new, ~np.isnan(responses_new))
    return new_form, base_fit.items, new_fit.items, bound


@pytest.mark.parametrize("method", list(METHODS))
def test_separately_calibrated_forms_land_on_the_base_scale(two_calibrations, method) -> None:
    """A and B within 0.1 of (1.2, 0.5): about 3 SE of the group moments (1/√2000) plus the anchor
    error (√2 · SE(b) ≈ 0.09 over √20 anchors). The new form's own items, transformed, are
    recovered as in the recovery tests (RMSE < 2 × known-θ SE); unlinked they are ≈ 0.4 off."""
    truth, base_items, new_items, bound = two_calibrations
    anchors, own = np.arange(20), np.arange(20, 35)
    result = METHODS[method](new_items.subset(anchors), base_items.subset(anchors))
    assert result.A == pytest.approx(1.2, abs=0.1)
    assert result.B == pytest.approx(0.5, abs=0.1)
    linked = transform(new_items.subset(own), result.A, result.B)
    assert rms(linked.b - truth.b[own, :1]) < 2 * rms(bound.b[own, :1])
    assert rms(linked.a - truth.a[own]) < 2 * rms(bound.a[own])
    assert rms(new_items.b[own, :1] - truth.b[own, :1]) > 4 * rms(bound.b[own, :1])
    screened = link_with_drift_screening(new_items.subset(anchors), base_items.subset(anchors))
    assert len(screened.dropped) == 0


@pytest.mark.parametrize("method", list(METHODS))
def test_drifted_anchors_are_dropped_and_the_constants_recovered(method: str) -> None:
    """Anchors 4 (2PL) and 21 (GRM) moved by +1 logit on the base scale; the rest carry noise
    σ = 0.05, so the constants must come back within 4 × the noise prediction."""
    rng = np.random.default_rng(41)
    base = make_mixed_bank(rng)
    noise = 0.05
    new = with_noise(on_new_scale(base, TRUE_A, TRUE_B), noise, rng)
    drifted_b = new.b.copy()
    drifted_b[[4, 21]] += 1.0 / TRUE_A
    new = ItemParameters(new.model, new.a, drifted_b, new.c, new.n_categories)

    result = link_with_drift_screening(new, base, method=method, threshold=0.1)
    assert sorted(result.dropped.tolist()) == [4, 21]
    assert result.method == method
    assert np.flatnonzero(~result.anchors_used).tolist() == [4, 21]
    assert np.all(result.displacement[[4, 21]] > 0.1)
    assert np.all(result.displacement[result.anchors_used] <= 0.1)
    tolerance = 4 * TRUE_A * noise / np.sqrt(base.n_items - 2)
    assert result.B == pytest.approx(TRUE_B, abs=tolerance)
    assert result.A == pytest.approx(TRUE_A, rel=tolerance)
    if method != "haebara":  # Haebara's ICC criterion already resists the two outliers
        unscreened = METHODS[method](new, base)
        assert abs(unscreened.B - TRUE_B) > tolerance


def test_too_few_anchors_left_after_dropping_raises() -> None:
    rng = np.random.default_rng(44)
    base = make_items("2pl", 6, rng)
    b = on_new_scale(base, TRUE_A, TRUE_B).b.copy()
    b[[1, 4]] += 1.5
    new = ItemParameters(base.model, base.a * TRUE_A, b, base.c, base.n_categories)
    with pytest.raises(ValueError, match="cannot link: only 4 anchors left after dropping"):
        link_with_drift_screening(new, base, threshold=0.1, min_anchors=5)
    with pytest.raises(ValueError, match="cannot link: only 6 anchors, at least 8 needed"):
        link_with_drift_screening(new, base, min_anchors=8)


def test_banks_must_hold_the_same_common_items() -> None:
    rng = np.random.default_rng(45)
    base = make_mixed_bank(rng)
    with pytest.raises(ValueError, match="same common items: 29 vs 30"):
        stocking_lord(base.subset(np.arange(29)), base)
    swapped = concatenate_items(base.subset(np.arange(12, 30)), base.subset(np.arange(12)))
    with pytest.raises(ValueError, match="common item 0 differs"):
        haebara(swapped, base)
