"""Pass/fail decisions: Warm's unbiased ability estimate and Rudner's decision accuracy.

EAP and MAP pull every estimate toward the population mean, so near a cut above the mean they
fail too many people who truly reach it. Decisions are therefore made on Warm's (1989) weighted
likelihood estimate, which removes the O(1/n) bias of the MLE instead of adding a prior:

* WLE: the root of Σ_j ∂ log P_j,x_ij(θ)/∂θ + J(θ) / (2 I(θ)) = 0, with
  I(θ) = Σ_j Σ_k P'_jk² / P_jk and J(θ) = Σ_j Σ_k P'_jk P''_jk / P_jk over the answered items
  (Samejima 1998 for polytomous items). For 1PL/2PL and GPCM items this is the mode of
  log L(θ) + ½ log I(θ). SE = 1 / √I(θ̂).
* Rudner (2001, 2005): treating the true θ as N(θ̂, SE²), P(θ ≥ cut) = Φ((θ̂ − cut) / SE).

Second derivatives P''_jk (logistic metric, s = 1/(1 + exp(−z))):

* right/wrong: P''_1 = (1 − c) a² s(1 − s)(1 − 2s), P''_0 = −P''_1.
* GRM: P''_k = P*''_k − P*''_{k+1}, P*''_k = a² s_k(1 − s_k)(1 − 2s_k), P*''_0 = P*''_K = 0.
* GPCM: P''_k = a² P_k ((k − m)² − v), m = Σ_k k P_k, v = Σ_k (k − m)² P_k.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, ndtr

from .ability import AbilityEstimates
from .items import DICHOTOMOUS_MODELS, ItemParameters
from .models import PROBABILITY_FLOOR, probabilities_and_slopes
from .responses import validate_responses

PERSON_CHUNK = 2048
GRID_STEP = 0.05
BISECTION_STEPS = 30


def probability_curvature(theta: np.ndarray, items: ItemParameters) -> np.ndarray:
    """∂²P_jk/∂θ² for every θ, item and category: shape ``(n_theta, n_items, max_K)``.

    Formulas in the module docstring.
    """
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    return _curvature(theta, items, probabilities_and_slopes(theta, items)[0])


def _curvature(theta: np.ndarray, items: ItemParameters, probs: np.ndarray) -> np.ndarray:
    theta = theta[:, None]
    n_cat = items.max_categories
    curvature = np.zeros_like(probs)

    index = np.flatnonzero(np.isin(items.model, DICHOTOMOUS_MODELS))
    if len(index):
        a, b, c = items.a[index], items.b[index, 0], items.c[index]
        s = expit(a * (theta - b))
        second = (1.0 - c) * a**2 * s * (1.0 - s) * (1.0 - 2.0 * s)
        curvature[:, index, 1], curvature[:, index, 0] = second, -second

    index = np.flatnonzero(items.model == "grm")
    if len(index):
        a = items.a[index][:, None]
        b = items.b[index][:, : n_cat - 1]
        with np.errstate(invalid="ignore"):
            star = np.nan_to_num(expit(a * (theta[:, :, None] - b)), nan=0.0)
        star_second = a**2 * star * (1.0 - star) * (1.0 - 2.0 * star)
        zeros = np.zeros(star.shape[:2] + (1,))
        upper = np.concatenate([zeros, star_second], axis=2)
        lower = np.concatenate([star_second, zeros], axis=2)
        curvature[:, index, :] = upper - lower

    index = np.flatnonzero(items.model == "gpcm")
    if len(index):
        p = probs[:, index, :]
        k = np.arange(n_cat)
        mean_k = (p * k).sum(axis=2, keepdims=True)
        var_k = (p * (k - mean_k) ** 2).sum(axis=2, keepdims=True)
        a = items.a[index][None, :, None]
        curvature[:, index, :] = a**2 * p * ((k - mean_k) ** 2 - var_k)
    return curvature


def _person_terms(
    theta: np.ndarray, responses: np.ndarray, items: ItemParameters
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per person at their own θ: (Σ_j ∂ log P_j,x_ij/∂θ, I(θ), J(θ)) over answered items."""
    answered = ~np.isnan(responses)
    category = np.where(answered, responses, 0).astype(int)[:, :, None]
    probs, slopes = probabilities_and_slopes(theta, items)
    safe = np.maximum(probs, PROBABILITY_FLOOR)
    score = np.take_along_axis(slopes / safe, category, axis=2)[:, :, 0]
    item_j = np.sum(slopes * _curvature(theta, items, probs) / safe, axis=2)
    item_info = np.sum(slopes**2 / safe, axis=2)

    def total(values: np.ndarray) -> np.ndarray:
        return np.sum(np.where(answered, values, 0.0), axis=1)

    return total(score), total(item_info), total(item_j)


def warm_correction(theta: np.ndarray, responses: np.ndarray, items: ItemParameters) -> np.ndarray:
    """J(θ_i) / (2 I(θ_i)) per person over the items person i answered (NaN if none).

    I(θ) = Σ_j Σ_k P'_jk² / P_jk and J(θ) = Σ_j Σ_k P'_jk P''_jk / P_jk; this is the term Warm
    adds to the likelihood equation (r_0 in Snijders' notation).
    """
    theta = np.asarray(theta, dtype=float)
    responses = validate_responses(responses, items.n_categories)
    _, info, j_term = _person_terms(np.nan_to_num(theta), responses, items)
    usable = (info > 0) & ~np.isnan(theta)
    return np.where(usable, j_term / (2.0 * np.where(usable, info, 1.0)), np.nan)


def _estimating_function(
    theta: np.ndarray, responses: np.ndarray, items: ItemParameters
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of (g(θ_i) = Σ_j score + J/(2I), I(θ_i)) at each person's own θ."""
    score, info, j_term = _person_terms(theta, responses, items)
    return score + j_term / (2.0 * np.maximum(info, 1e-300)), info


def _grid_estimating_function(
    grid: np.ndarray, responses: np.ndarray, items: ItemParameters
) -> np.ndarray:
    """g for every person at every grid point: ``(n_persons, n_grid)``, by matrix products."""
    answered = ~np.isnan(responses)
    probs, slopes = probabilities_and_slopes(grid, items)
    safe = np.maximum(probs, PROBABILITY_FLOOR)
    item_info = np.sum(slopes**2 / safe, axis=2)
    item_j = np.sum(slopes * _curvature(grid, items, probs) / safe, axis=2)
    weights = answered.astype(float)
    info = weights @ item_info.T
    j_term = weights @ item_j.T
    category = np.where(answered, responses, 0).astype(int)
    item_score = slopes / safe
    score = np.zeros((responses.shape[0], len(grid)))
    for k in range(items.max_categories):
        score += (answered & (category == k)).astype(float) @ item_score[:, :, k].T
    return score + j_term / (2.0 * np.maximum(info, 1e-300))


def wle(
    responses: np.ndarray, items: ItemParameters, bounds: tuple[float, float] = (-4.0, 4.0)
) -> AbilityEstimates:
    """Warm's weighted likelihood estimate θ̂ with SE = 1/√I(θ̂) for every row of ``responses``.

    θ̂ solves Σ_j ∂ log P_j,x_ij(θ)/∂θ + J(θ)/(2 I(θ)) = 0 (module docstring) inside ``bounds``.
    The estimating function g is integrated on a 0.05 grid; the grid maximum of ∫ g brackets the
    root of g that maximises the weighted likelihood, which bisection then refines. All-correct
    and all-wrong patterns get finite estimates (the correction pulls them in), and only
    estimates whose weighted likelihood still rises at a bound stay on it (``at_bound``).
    Persons with no answered item get NaN.
    """
    responses = validate_responses(responses, items.n_categories)
    low, high = bounds
    grid = np.linspace(low, high, int(round((high - low) / GRID_STEP)) + 1)
    theta = np.full(responses.shape[0], np.nan)
    info = np.full(responses.shape[0], np.nan)
    for start in range(0, len(theta), PERSON_CHUNK):
        rows = slice(start, start + PERSON_CHUNK)
        theta[rows], info[rows] = _solve_rows(responses[rows], items, grid)
    se = np.where(info > 0, 1.0 / np.sqrt(np.where(info > 0, info, 1.0)), np.nan)
    at_bound = (theta <= low + 1e-9) | (theta >= high - 1e-9)
    return AbilityEstimates(theta, se, at_bound)


def _solve_rows(
    responses: np.ndarray, items: ItemParameters, grid: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    anyone = ~np.all(np.isnan(responses), axis=1)
    theta = np.full(responses.shape[0], np.nan)
    info = np.full(responses.shape[0], np.nan)
    if not anyone.any():
        return theta, info
    responses = responses[anyone]
    g = _grid_estimating_function(grid, responses, items)
    # Trapezoid integral of g: the weighted log-likelihood up to a constant.
    objective = np.concatenate(
        [np.zeros((len(g), 1)), np.cumsum((g[:, 1:] + g[:, :-1]) / 2.0, axis=1)], axis=1
    )
    best = np.argmax(objective, axis=1)
    # Around the grid maximum g falls from ≥ 0 to ≤ 0: in [q, q+1] when g_q ≥ 0, else in
    # [q−1, q]. At a bound where g points outward the bracket collapses onto the bound.
    left = np.where(g[np.arange(len(g)), best] >= 0, best, np.maximum(best - 1, 0))
    right = np.minimum(left + 1, len(grid) - 1)
    lo, hi = grid[left], grid[right]
    for _ in range(BISECTION_STEPS):
        middle = (lo + hi) / 2.0
        value, _ = _estimating_function(middle, responses, items)
        lo, hi = np.where(value >= 0, middle, lo), np.where(value >= 0, hi, middle)
    estimate = (lo + hi) / 2.0
    theta[anyone] = estimate
    info[anyone] = _estimating_function(estimate, responses, items)[1]
    return theta, info


def classify(theta_hat: np.ndarray, cuts: np.ndarray | float) -> np.ndarray:
    """Observed level per person: the number of cuts with θ̂ ≥ cut (0 = below every cut).

    With one cut this is the pass (1) / fail (0) decision. NaN θ̂ (no responses) gives level 0:
    nobody passes without evidence.
    """
    theta_hat = np.asarray(theta_hat, dtype=float)
    cuts = np.atleast_1d(np.asarray(cuts, dtype=float))
    return np.sum(np.nan_to_num(theta_hat, nan=-np.inf)[:, None] >= cuts[None, :], axis=1)


def probability_above(theta_hat: np.ndarray, se: np.ndarray, cut: float) -> np.ndarray:
    """P(true θ ≥ cut | θ̂, SE) = Φ((θ̂ − cut) / SE) per person (Rudner 2001)."""
    theta_hat = np.asarray(theta_hat, dtype=float)
    se = np.asarray(se, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return ndtr((theta_hat - cut) / se)


@dataclass(frozen=True)
class ClassificationIndices:
    """Rudner's expected decision accuracy and consistency for one set of cuts.

    Attributes:
        cuts: the increasing cut scores.
        n_persons: persons with a finite θ̂ and a positive SE (the others are left out).
        accuracy: mean P(true level = observed level).
        consistency: mean P(two independent administrations give the same level).
        false_positive: mean P(true level < observed level) — false passes with one cut.
        false_negative: mean P(true level > observed level) — false fails with one cut.
        accuracy_at_cut, consistency_at_cut: the same two indices for each cut taken alone.
        person_accuracy, person_consistency: per-person values (NaN for left-out persons).
    """

    cuts: np.ndarray
    n_persons: int
    accuracy: float
    consistency: float
    false_positive: float
    false_negative: float
    accuracy_at_cut: np.ndarray
    consistency_at_cut: np.ndarray
    person_accuracy: np.ndarray
    person_consistency: np.ndarray


def classification_accuracy_consistency(
    theta_hat: np.ndarray, se: np.ndarray, cut: float | np.ndarray
) -> ClassificationIndices:
    """Rudner's (2001, 2005) decision accuracy and consistency from θ̂ and SE.

    With cuts c_1 < … < c_L (c_0 = −∞, c_{L+1} = +∞) and true θ ~ N(θ̂_i, SE_i²), the chance of
    true level l is π_il = Φ((θ̂_i − c_l)/SE_i) − Φ((θ̂_i − c_{l+1})/SE_i). For observed level o_i:
    accuracy = mean_i π_i,o_i; consistency = mean_i Σ_l π_il² (p² + (1 − p)² for one cut, with
    p = Φ((θ̂ − cut)/SE)); false positive = mean_i Σ_{l<o_i} π_il; false negative = mean_i
    Σ_{l>o_i} π_il.
    """
    theta_hat = np.asarray(theta_hat, dtype=float)
    se = np.asarray(se, dtype=float)
    cuts = np.atleast_1d(np.asarray(cut, dtype=float))
    if np.any(np.diff(cuts) <= 0):
        raise ValueError("cuts must be strictly increasing")
    usable = np.isfinite(theta_hat) & np.isfinite(se) & (se > 0)
    n = int(usable.sum())
    person_accuracy = np.full(len(theta_hat), np.nan)
    person_consistency = np.full(len(theta_hat), np.nan)
    if n == 0:
        nan, nans = float("nan"), np.full(len(cuts), np.nan)
        return ClassificationIndices(
            cuts, 0, nan, nan, nan, nan, nans, nans, person_accuracy, person_consistency
        )
    above = np.column_stack([probability_above(theta_hat[usable], se[usable], c) for c in cuts])
    edges = np.column_stack([np.ones(n), above, np.zeros(n)])
    level_probs = edges[:, :-1] - edges[:, 1:]
    observed = classify(theta_hat[usable], cuts)
    levels = np.arange(len(cuts) + 1)
    accuracy = level_probs[np.arange(n), observed]
    consistency = np.sum(level_probs**2, axis=1)
    below_observed = levels[None, :] < observed[:, None]
    above_observed = levels[None, :] > observed[:, None]
    passed = theta_hat[usable][:, None] >= cuts[None, :]
    person_accuracy[usable], person_consistency[usable] = accuracy, consistency
    return ClassificationIndices(
        cuts=cuts,
        n_persons=n,
        accuracy=float(accuracy.mean()),
        consistency=float(consistency.mean()),
        false_positive=float(np.sum(np.where(below_observed, level_probs, 0.0), axis=1).mean()),
        false_negative=float(np.sum(np.where(above_observed, level_probs, 0.0), axis=1).mean()),
        accuracy_at_cut=np.where(passed, above, 1.0 - above).mean(axis=0),
        consistency_at_cut=(above**2 + (1.0 - above) ** 2).mean(axis=0),
        person_accuracy=person_accuracy,
        person_consistency=person_consistency,
    )
