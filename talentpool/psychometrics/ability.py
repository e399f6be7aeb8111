"""Ability estimation for many people at once: EAP, MAP and MLE with standard errors.

* EAP: θ̂ = Σ_q θ_q W_iq and posterior SD √(Σ_q (θ_q − θ̂)² W_iq), with
  W_iq ∝ φ((θ_q − μ)/σ) Π_j P_j,x_ij(θ_q) on a fixed quadrature grid.
* MAP: the mode of log L_i(θ) − (θ − μ)² / (2σ²), by Fisher scoring; SE = 1 / √(I(θ̂) + 1/σ²).
* MLE: the mode of log L_i(θ), by Fisher scoring, kept inside ``bounds``; SE = 1 / √I(θ̂).
  All-correct or all-wrong patterns have no finite MLE: they end on a bound (``at_bound``).

I(θ) is the test information of the items the person answered.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .calibration import Quadrature, normal_log_weights
from .items import ItemParameters
from .models import PROBABILITY_FLOOR, probabilities_and_slopes
from .responses import (
    column_log_probabilities,
    indicator_matrix,
    posterior_weights,
    validate_responses,
)

PERSON_CHUNK = 2048
EAP_QUADRATURE = Quadrature(n_nodes=61)


@dataclass(frozen=True)
class AbilityEstimates:
    """θ̂ and its standard error (posterior SD for EAP) per person; ``at_bound`` flags MLEs that
    ran to a bound."""

    theta: np.ndarray
    se: np.ndarray
    at_bound: np.ndarray


def eap(
    responses: np.ndarray,
    items: ItemParameters,
    *,
    mean: float = 0.0,
    sd: float = 1.0,
    quadrature: Quadrature = EAP_QUADRATURE,
) -> AbilityEstimates:
    """Expected a posteriori θ and posterior SD for every row of ``responses``."""
    responses = validate_responses(responses, items.n_categories)
    indicator = indicator_matrix(responses, items.n_categories)
    nodes = quadrature.nodes
    log_probs = column_log_probabilities(nodes, items, indicator)
    weights = posterior_weights(log_probs, normal_log_weights(nodes, mean, sd), indicator).weights
    theta = weights @ nodes
    variance = weights @ nodes**2 - theta**2
    return AbilityEstimates(theta, np.sqrt(np.maximum(variance, 0.0)), np.zeros(len(theta), bool))


def map_estimate(
    responses: np.ndarray,
    items: ItemParameters,
    *,
    mean: float = 0.0,
    sd: float = 1.0,
    bounds: tuple[float, float] = (-6.0, 6.0),
) -> AbilityEstimates:
    """Maximum a posteriori θ under a N(mean, sd²) prior, with SE = 1/√(I(θ̂) + 1/sd²)."""
    return _fisher_scoring(responses, items, mean, sd, bounds)


def mle(
    responses: np.ndarray, items: ItemParameters, *, bounds: tuple[float, float] = (-6.0, 6.0)
) -> AbilityEstimates:
    """Maximum-likelihood θ with SE = 1/√I(θ̂); estimates that reach a bound are flagged."""
    return _fisher_scoring(responses, items, 0.0, None, bounds)


def _fisher_scoring(
    responses: np.ndarray,
    items: ItemParameters,
    mean: float,
    sd: float | None,
    bounds: tuple[float, float],
    max_iterations: int = 100,
    tolerance: float = 1e-6,
) -> AbilityEstimates:
    responses = validate_responses(responses, items.n_categories)
    # EAP is a good, always finite starting point.
    theta = eap(responses, items, mean=mean, sd=sd if sd is not None else 2.0).theta
    info = np.zeros_like(theta)
    for start in range(0, len(theta), PERSON_CHUNK):
        rows = slice(start, start + PERSON_CHUNK)
        theta[rows], info[rows] = _score_rows(
            responses[rows], items, theta[rows], mean, sd, bounds, max_iterations, tolerance
        )
    prior_info = 0.0 if sd is None else 1.0 / sd**2
    with np.errstate(divide="ignore"):
        se = 1.0 / np.sqrt(info + prior_info)
    at_bound = (theta <= bounds[0] + 1e-6) | (theta >= bounds[1] - 1e-6)
    return AbilityEstimates(theta, se, at_bound)


def _score_rows(
    responses: np.ndarray,
    items: ItemParameters,
    theta: np.ndarray,
    mean: float,
    sd: float | None,
    bounds: tuple[float, float],
    max_iterations: int,
    tolerance: float,
) -> tuple[np.ndarray, np.ndarray]:
    answered = ~np.isnan(responses)
    category = np.where(answered, responses, 0).astype(int)[:, :, None]
    info = np.zeros_like(theta)
    for _ in range(max_iterations):
        probs, slopes = probabilities_and_slopes(theta, items)
        safe = np.maximum(probs, PROBABILITY_FLOOR)
        chosen_score = np.take_along_axis(slopes / safe, category, axis=2)[:, :, 0]
        grad = np.sum(np.where(answered, chosen_score, 0.0), axis=1)
        item_info = np.sum(slopes**2 / safe, axis=2)
        info = np.sum(np.where(answered, item_info, 0.0), axis=1)
        curvature = info.copy()
        if sd is not None:
            grad -= (theta - mean) / sd**2
            curvature += 1.0 / sd**2
        step = np.clip(grad / np.maximum(curvature, 1e-12), -1.0, 1.0)
        updated = np.clip(theta + step, *bounds)
        moved = np.max(np.abs(updated - theta), initial=0.0)
        theta = updated
        if moved < tolerance:
            break
    return theta, info
