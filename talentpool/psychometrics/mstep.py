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
batched solve. Priors are added in the same parametrisation: a log-normal slope prior is a
normal prior on α, and a beta(α_c, β_c) guessing prior is, in γ, a log-density
(α_c − 1) log c + (β_c − 1) log(1 − c); estimates are posterior modes in η.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, logit

from .models import PROBABILITY_FLOOR

MAX_STEP = 1.0
LOG_SLOPE_BOUNDS = (np.log(0.02), np.log(40.0))


@dataclass(frozen=True)
class Priors:
    """Optional priors: log a ~ N(slope_log_mean, slope_log_sd²); c ~ beta(guessing_alpha, _beta).

    ``None`` switches a prior off; the guessing prior applies to 3PL items only.
    """

    slope_log_mean: float = 0.0
    slope_log_sd: float | None = None
    guessing_alpha: float | None = None
    guessing_beta: float | None = None


NO_PRIORS = Priors()
RECOMMENDED_3PL_PRIORS = Priors(slope_log_sd=0.5, guessing_alpha=5.0, guessing_beta=17.0)


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
    if model != "1pl" and priors.slope_log_sd is not None:
        grad[:, 0] -= (eta[:, 0] - priors.slope_log_mean) / priors.slope_log_sd**2
        info[:, 0, 0] += 1.0 / priors.slope_log_sd**2
    if model == "3pl" and priors.guessing_alpha is not None and priors.guessing_beta is not None:
        guess = expit(eta[:, 2])
        grad[:, 2] += (priors.guessing_alpha - 1.0) * (1.0 - guess) - (
            priors.guessing_beta - 1.0
        ) * guess
        curvature = (priors.guessing_alpha + priors.guessing_beta - 2.0) * guess * (1.0 - guess)
        info[:, 2, 2] += np.maximum(curvature, 0.0)
    return grad, info


def fisher_scoring(
    model: str,
    eta: np.ndarray,
    counts: np.ndarray,
    nodes: np.ndarray,
    priors: Priors,
    fixed_slope: np.ndarray,
    n_steps: int = 2,
) -> np.ndarray:
    """A few damped Fisher-scoring steps on all items of one model; returns the new η."""
    m = eta.shape[1]
    ridge = 1e-8 * np.eye(m)
    for _ in range(n_steps):
        grad, info = gradient_and_information(model, eta, counts, nodes, priors, fixed_slope)
        step = np.linalg.solve(info + ridge, grad[:, :, None])[:, :, 0]
        largest = np.max(np.abs(step), axis=1, keepdims=True)
        step *= np.minimum(1.0, MAX_STEP / np.maximum(largest, 1e-300))
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
        eta = candidate
    return eta
