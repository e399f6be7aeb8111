"""Category probabilities, Fisher information and log-likelihood for mixed item banks.

All functions are vectorised over abilities and items. Category arrays have shape
``(n_theta, n_items, max_categories)``; categories an item does not have get probability 0.

Formulas (logistic metric, D = 1; s(z) = 1 / (1 + exp(−z))):

* right/wrong: P_1 = c + (1 − c) s(a(θ − b)), P_0 = 1 − P_1.
* GRM: P*_k = s(a(θ − b_k)) for k = 1..K−1, P*_0 = 1, P*_K = 0, P_k = P*_k − P*_{k+1}.
* GPCM: P_k = exp(Σ_{v≤k} a(θ − b_v)) / Σ_h exp(Σ_{v≤h} a(θ − b_v)).
* item information I_j(θ) = Σ_k (∂P_jk/∂θ)² / P_jk; test information is the sum over items.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from .items import DICHOTOMOUS_MODELS, ItemParameters

# Probabilities are kept away from 0 before taking logs or dividing: an item whose category is
# (numerically) impossible at an extreme node must not produce −inf or warnings.
PROBABILITY_FLOOR = 1e-12
THETA_CHUNK = 1024


def _dichotomous_index(items: ItemParameters) -> np.ndarray:
    return np.flatnonzero(np.isin(items.model, DICHOTOMOUS_MODELS))


def probabilities(theta: np.ndarray, items: ItemParameters) -> np.ndarray:
    """P(X_j = k | θ) for every θ, item j and category k: shape ``(n_theta, n_items, max_K)``."""
    theta = np.atleast_1d(np.asarray(theta, dtype=float))
    probs = np.empty((len(theta), items.n_items, items.max_categories))
    # Chunks of abilities bound the temporaries (slopes, GRM cumulative terms) for big batches.
    for start in range(0, len(theta), THETA_CHUNK):
        chunk = slice(start, start + THETA_CHUNK)
        probs[chunk], _ = probabilities_and_slopes(theta[chunk], items)
    return probs


def probabilities_and_slopes(
    theta: np.ndarray, items: ItemParameters
) -> tuple[np.ndarray, np.ndarray]:
    """Category probabilities and their derivatives ∂P_jk/∂θ, both ``(n_theta, n_items, max_K)``."""
    theta = np.atleast_1d(np.asarray(theta, dtype=float))[:, None]
    n_cat = items.max_categories
    probs = np.zeros((len(theta), items.n_items, n_cat))
    slopes = np.zeros_like(probs)

    index = _dichotomous_index(items)
    if len(index):
        a, b, c = items.a[index], items.b[index, 0], items.c[index]
        s = expit(a * (theta - b))
        p1 = c + (1.0 - c) * s
        dp1 = (1.0 - c) * a * s * (1.0 - s)
        probs[:, index, 1], probs[:, index, 0] = p1, 1.0 - p1
        slopes[:, index, 1], slopes[:, index, 0] = dp1, -dp1

    index = np.flatnonzero(items.model == "grm")
    if len(index):
        a = items.a[index][:, None]
        b = items.b[index][:, : n_cat - 1]
        with np.errstate(invalid="ignore"):
            # NaN thresholds (categories the item lacks) act as b = +inf, i.e. P* = 0.
            star = np.nan_to_num(expit(a * (theta[:, :, None] - b)), nan=0.0)
        ones = np.ones(star.shape[:2] + (1,))
        zeros = np.zeros_like(ones)
        upper = np.concatenate([ones, star], axis=2)
        lower = np.concatenate([star, zeros], axis=2)
        probs[:, index, :] = upper - lower
        w = a * star * (1.0 - star)
        w_upper = np.concatenate([zeros, w], axis=2)
        w_lower = np.concatenate([w, zeros], axis=2)
        slopes[:, index, :] = w_upper - w_lower

    index = np.flatnonzero(items.model == "gpcm")
    if len(index):
        a = items.a[index][:, None]
        b = items.b[index][:, : n_cat - 1]
        steps = np.where(np.isnan(b), -np.inf, a * (theta[:, :, None] - np.nan_to_num(b)))
        eta = np.concatenate([np.zeros(steps.shape[:2] + (1,)), np.cumsum(steps, axis=2)], axis=2)
        eta -= eta.max(axis=2, keepdims=True)
        expo = np.exp(eta)
        p = expo / expo.sum(axis=2, keepdims=True)
        k = np.arange(n_cat)
        mean_k = (p * k).sum(axis=2, keepdims=True)
        probs[:, index, :] = p
        slopes[:, index, :] = a * p * (k - mean_k)
    return probs, slopes


def item_information(theta: np.ndarray, items: ItemParameters) -> np.ndarray:
    """Fisher information I_j(θ) = Σ_k (∂P_jk/∂θ)² / P_jk, shape ``(n_theta, n_items)``."""
    probs, slopes = probabilities_and_slopes(theta, items)
    return np.sum(slopes**2 / np.maximum(probs, PROBABILITY_FLOOR), axis=2)


def test_information(theta: np.ndarray, items: ItemParameters) -> np.ndarray:
    """Test information I(θ) = Σ_j I_j(θ), shape ``(n_theta,)``; SE(θ) ≈ 1 / √I(θ)."""
    return item_information(theta, items).sum(axis=1)


# The name is the textbook one; this keeps pytest from collecting it where tests import it.
test_information.__test__ = False  # type: ignore[attr-defined]


def expected_scores(theta: np.ndarray, items: ItemParameters) -> np.ndarray:
    """E[X_j | θ] = Σ_k k P_jk(θ), shape ``(n_theta, n_items)``."""
    probs = probabilities(theta, items)
    return probs @ np.arange(probs.shape[2])


def log_likelihood(theta: np.ndarray, responses: np.ndarray, items: ItemParameters) -> np.ndarray:
    """log L_i = Σ_{j answered by i} log P_j,x_ij(θ_i) for each person: shape ``(n_persons,)``.

    ``theta`` has one ability per person; ``responses`` is ``(n_persons, n_items)``, NaN = not
    administered.
    """
    responses = np.asarray(responses, dtype=float)
    answered = ~np.isnan(responses)
    probs = probabilities(np.asarray(theta, dtype=float), items)
    category = np.where(answered, responses, 0).astype(int)
    chosen = np.take_along_axis(probs, category[:, :, None], axis=2)[:, :, 0]
    return np.sum(np.where(answered, np.log(np.maximum(chosen, PROBABILITY_FLOOR)), 0.0), axis=1)
