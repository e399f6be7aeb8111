"""The M-step: Fisher scoring on every item of one model at once, from expected counts.

Items are calibrated in slope–intercept form, which keeps the likelihood well conditioned and
the slope positive:

* 1PL  η = (d),            z = aθ + d with a fixed
* 2PL  η = (α, d),         z = e^α θ + d
* 3PL  η = (α, d, γ),      P_1 = c + (1 − c) s(z), c = s(γ)
* GRM  η = (α, d_1..d_{K−1}),  P*_k = s(e^α θ + d_k), d_1 > … > d_{K−1}
* GPCM η = (α, D_1..D_{K−1}),  P_k ∝ exp(k e^α θ + D_k), D_0 = 0

with b = −d / a for right/wrong and GRM items and b_v = −(D_v − D_{v−1}) / a for GPCM items.

Given expected counts r_jkq (category k of item j at node θ_q) and n_jq = Σ_k r_jkq, the
expected complete-data log-likelihood of item j is ℓ_j = Σ_q Σ_k r_jkq log P_jk(θ_q). Its
gradient is g = Σ_q Σ_k r_jkq ∂P_jk/∂η / P_jk and its expected (Fisher) information is
I = Σ_q n_jq Σ_k (∂P_jk/∂η)(∂P_jk/∂η)ᵀ / P_jk. A step solves I δ = g for all items in one
batched solve.

Priors (see ``priors``) enter as log-densities added to ℓ_j; estimates are posterior modes.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, logit

from .models import PROBABILITY_FLOOR
from .priors import (
    NO_PRIORS,
    OPERATIONAL_PRIORS,
    RECOMMENDED_3PL_PRIORS,
    Priors,
    item_log_priors,
    log_prior,
    prior_terms,
)

__all__ = [
    "LOG_SLOPE_BOUNDS",
    "NO_PRIORS",
    "OPERATIONAL_PRIORS",
    "RECOMMENDED_3PL_PRIORS",
    "Priors",
    "category_derivatives",
    "fisher_scoring",
    "from_internal",
    "gradient_and_information",
    "log_prior",
    "penalised_objective",
    "prior_terms",
    "to_internal",
]

MAX_STEP = 1.0
MAX_HALVINGS = 10
LOG_SLOPE_BOUNDS = (np.log(0.02), np.log(40.0))


def to_internal(model: str, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Slope–intercept parameters η, shape ``(n_items, n_params)``; ``b`` is ``(n_items, K−1)``."""
    alpha = np.log(a)[:, None]
    if model == "1pl":
        return -(a[:, None] * b[:, :1])
    if model == "2pl":
        return np.hstack([alpha, -(a[:, None] * b[:, :1])])
    if model == "3pl":
        return np.hstack([alpha, -(a[:, None] * b[:, :1]), logit(c)[:, None]])
    if model == "grm":
        return np.hstack([alpha, -(a[:, None] * b)])
    return np.hstack([alpha, np.cumsum(-(a[:, None] * b), axis=1)])


def from_internal(
    model: str, eta: np.ndarray, fixed_slope: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, c) from η; ``fixed_slope`` supplies a for 1PL items."""
    if model == "1pl":
        a = fixed_slope
        return a, -eta[:, :1] / a[:, None], np.zeros_like(a)
    a = np.exp(eta[:, 0])
    if model == "3pl":
        return a, -eta[:, 1:2] / a[:, None], expit(eta[:, 2])
    if model == "gpcm":
        steps = np.diff(np.hstack([np.zeros((len(a), 1)), eta[:, 1:]]), axis=1)
        return a, -steps / a[:, None], np.zeros_like(a)
    return a, -eta[:, 1:] / a[:, None], np.zeros_like(a)


def category_derivatives(
    model: str, eta: np.ndarray, nodes: np.ndarray, n_categories: int, fixed_slope: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """P_jqk and ∂P_jqk/∂η_m: shapes ``(n, Q, K)`` and ``(n, Q, K, n_params)``."""
    n, m = eta.shape
    theta = nodes[None, :]
    if model == "1pl":
        a = fixed_slope[:, None]
    else:
        a = np.exp(eta[:, :1])
    a_theta = a * theta
    if model in ("1pl", "2pl", "3pl"):
        d = eta[:, 0:1] if model == "1pl" else eta[:, 1:2]
        s = expit(a_theta + d)
        guess = expit(eta[:, 2:3]) if model == "3pl" else np.zeros_like(d)
        p1 = guess + (1.0 - guess) * s
        dz = (1.0 - guess) * s * (1.0 - s)
        dp1 = np.empty(s.shape + (m,))
        if model == "1pl":
            dp1[..., 0] = dz
        else:
            dp1[..., 0], dp1[..., 1] = dz * a_theta, dz
        if model == "3pl":
            dp1[..., 2] = (1.0 - s) * guess * (1.0 - guess)
        probs = np.stack([1.0 - p1, p1], axis=2)
        return probs, np.stack([-dp1, dp1], axis=2)
    if model == "grm":
        star = expit(a_theta[:, :, None] + eta[:, None, 1:])
        pad1, pad0 = np.ones(star.shape[:2] + (1,)), np.zeros(star.shape[:2] + (1,))
        probs = np.concatenate([pad1, star], axis=2) - np.concatenate([star, pad0], axis=2)
        w = star * (1.0 - star)
        w_upper = np.concatenate([pad0, w], axis=2)
        w_lower = np.concatenate([w, pad0], axis=2)
        deriv = np.zeros(probs.shape + (m,))
        deriv[..., 0] = a_theta[:, :, None] * (w_upper - w_lower)
        for k in range(1, n_categories):
            deriv[:, :, k - 1, k] = -w[:, :, k - 1]
            deriv[:, :, k, k] = w[:, :, k - 1]
        return probs, deriv
    cats = np.arange(n_categories)
    logits = (
        a_theta[:, :, None] * cats
        + np.concatenate([np.zeros((n, 1)), eta[:, 1:]], axis=1)[:, None, :]
    )
    logits -= logits.max(axis=2, keepdims=True)
    probs = np.exp(logits)
    probs /= probs.sum(axis=2, keepdims=True)
    deriv = np.zeros(probs.shape + (m,))
    mean_cat = (probs * cats).sum(axis=2, keepdims=True)
    deriv[..., 0] = probs * a_theta[:, :, None] * (cats - mean_cat)
    for v in range(1, n_categories):
        deriv[..., v] = probs * ((cats == v) - probs[:, :, v : v + 1])
    return probs, deriv


def gradient_and_information(
    model: str,
    eta: np.ndarray,
    counts: np.ndarray,
    nodes: np.ndarray,
    priors: Priors,
    fixed_slope: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Gradient ``(n, m)`` and Fisher information ``(n, m, m)`` of ℓ_j plus log-priors.

    ``counts`` is r_jkq with shape ``(n, K, Q)``.
    """
    n_categories = counts.shape[1]
    probs, deriv = category_derivatives(model, eta, nodes, n_categories, fixed_slope)
    safe = np.maximum(probs, PROBABILITY_FLOOR)
    r = counts.transpose(0, 2, 1)
    grad = np.einsum("nqk,nqkm->nm", r / safe, deriv)
    per_node = r.sum(axis=2)
    info = np.einsum("nqkm,nqkl->nml", deriv * (per_node[:, :, None] / safe)[..., None], deriv)
    prior_grad, prior_info = prior_terms(model, eta, priors, fixed_slope)
    return grad + prior_grad, info + prior_info


def penalised_objective(
    model: str,
    eta: np.ndarray,
    counts: np.ndarray,
    nodes: np.ndarray,
    priors: Priors,
    fixed_slope: np.ndarray,
) -> np.ndarray:
    """ℓ_j + log p(η_j) per item: Σ_q Σ_k r_jkq log P_jk(θ_q) plus the log-priors."""
    probs, _ = category_derivatives(model, eta, nodes, counts.shape[1], fixed_slope)
    log_probs = np.log(np.maximum(probs, PROBABILITY_FLOOR))
    fit = np.einsum("nkq,nqk->n", counts, log_probs)
    return fit + item_log_priors(model, eta, priors, fixed_slope)


def fisher_scoring(
    model: str,
    eta: np.ndarray,
    counts: np.ndarray,
    nodes: np.ndarray,
    priors: Priors,
    fixed_slope: np.ndarray,
    n_steps: int = 2,
) -> np.ndarray:
    """A few damped Fisher-scoring steps on all items of one model; returns the new η.

    An item's step is halved (up to ``MAX_HALVINGS`` times, then dropped) while it would lower
    that item's penalised objective, so each M-step is an ascent step and EM stays monotone.
    """
    m = eta.shape[1]
    ridge = 1e-8 * np.eye(m)
    current = penalised_objective(model, eta, counts, nodes, priors, fixed_slope)
    for _ in range(n_steps):
        grad, info = gradient_and_information(model, eta, counts, nodes, priors, fixed_slope)
        step = np.linalg.solve(info + ridge, grad[:, :, None])[:, :, 0]
        largest = np.max(np.abs(step), axis=1, keepdims=True)
        step *= np.minimum(1.0, MAX_STEP / np.maximum(largest, 1e-300))
        for _ in range(MAX_HALVINGS + 1):
            candidate = _feasible(model, eta, step)
            value = penalised_objective(model, candidate, counts, nodes, priors, fixed_slope)
            worse = ~(value >= current - 1e-12 * np.abs(current))
            if not worse.any():
                break
            step[worse] *= 0.5
        else:
            candidate[worse], value[worse] = eta[worse], current[worse]
        eta, current = candidate, value
    return eta


def _feasible(model: str, eta: np.ndarray, step: np.ndarray) -> np.ndarray:
    """η + step, with GRM thresholds kept in order (by halving) and parameters kept in range."""
    candidate = eta + step
    if model == "grm":
        # Thresholds must stay ordered; halve the step of any item that would cross them.
        for _ in range(20):
            crossed = np.any(np.diff(candidate[:, 1:], axis=1) >= 0, axis=1)
            if not crossed.any():
                break
            step[crossed] *= 0.5
            candidate = eta + step
    if model != "1pl":
        candidate[:, 0] = np.clip(candidate[:, 0], *LOG_SLOPE_BOUNDS)
    if model == "3pl":
        candidate[:, 2] = np.clip(candidate[:, 2], -12.0, 3.0)
    return candidate
