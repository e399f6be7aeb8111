"""Priors on item parameters, as log-densities and their derivatives in slope–intercept form.

Items are estimated in η (see ``mstep``): α = log a, intercepts d_k (GPCM: cumulative D_v),
γ = logit c. Priors enter as log-densities added to the expected log-likelihood ℓ_j (a
penalty), so an estimate is the mode of ℓ_j + log p(log a) + log p(b) + log p(c) — the
posterior mode in (log a, b, c); a mode does not depend on the coordinates it is searched in,
so it is found in η:

* slope: log a ~ N(μ_a, σ_a²) is a normal prior on α;
* guessing (3PL): c ~ beta(α_c, β_c) is, in γ, (α_c − 1) log c + (β_c − 1) log(1 − c), with
  curvature max(0, (α_c + β_c − 2) c (1 − c));
* difficulty: every threshold b_k ~ N(μ_b, σ_b²) (2PL/3PL: b; GRM: each b_k; GPCM: each step
  b_v). With b_k = −d_k e^{−α} (GPCM: b_v = −(D_v − D_{v−1}) e^{−α}; 1PL: b = −d / a, a fixed)
  the penalty −(b_k − μ_b)² / (2σ_b²) has gradient −(b_k − μ_b)/σ_b² · J_k and curvature
  J_k J_kᵀ / σ_b² (Gauss–Newton) in η, with J_k = ∂b_k/∂η: ∂b_k/∂α = −b_k, ∂b_k/∂d_k = −1/a
  (GPCM also ∂b_v/∂D_{v−1} = +1/a).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit


@dataclass(frozen=True)
class Priors:
    """Optional priors: log a ~ N(slope_log_mean, slope_log_sd²); every threshold
    b_k ~ N(difficulty_mean, difficulty_sd²); c ~ beta(guessing_alpha, guessing_beta).

    ``None`` switches a prior off; the guessing prior applies to 3PL items only, the slope prior
    to every model but 1PL. See the module docstring for how they act in slope–intercept form.
    """

    slope_log_mean: float = 0.0
    slope_log_sd: float | None = None
    guessing_alpha: float | None = None
    guessing_beta: float | None = None
    difficulty_mean: float = 0.0
    difficulty_sd: float | None = None

    @property
    def active(self) -> bool:
        return (
            self.slope_log_sd is not None
            or self.difficulty_sd is not None
            or (self.guessing_alpha is not None and self.guessing_beta is not None)
        )


NO_PRIORS = Priors()
RECOMMENDED_3PL_PRIORS = Priors(slope_log_sd=0.5, guessing_alpha=5.0, guessing_beta=17.0)
# For routine bank maintenance: keeps slopes and thresholds finite on small or separated data.
OPERATIONAL_PRIORS = Priors(
    slope_log_sd=0.5, difficulty_sd=2.0, guessing_alpha=5.0, guessing_beta=17.0
)


def prior_terms(
    model: str, eta: np.ndarray, priors: Priors, fixed_slope: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Gradient ``(n, m)`` and curvature ``(n, m, m)`` of the log-priors in η."""
    n, m = eta.shape
    grad, info = np.zeros((n, m)), np.zeros((n, m, m))
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
    if priors.difficulty_sd is not None:
        b, jac = _thresholds_and_jacobian(model, eta, fixed_slope)
        residual = (b - priors.difficulty_mean) / priors.difficulty_sd**2
        grad -= np.einsum("nk,nkm->nm", residual, jac)
        info += np.einsum("nkm,nkl->nml", jac, jac) / priors.difficulty_sd**2
    return grad, info


def log_prior(model: str, eta: np.ndarray, priors: Priors, fixed_slope: np.ndarray) -> float:
    """Σ_j of the log-prior densities (up to constants) at η."""
    return float(np.sum(item_log_priors(model, eta, priors, fixed_slope)))


def item_log_priors(
    model: str, eta: np.ndarray, priors: Priors, fixed_slope: np.ndarray
) -> np.ndarray:
    """Each item's log-prior density (up to constants) at η, shape ``(n,)``."""
    total = np.zeros(len(eta))
    if model != "1pl" and priors.slope_log_sd is not None:
        total -= (eta[:, 0] - priors.slope_log_mean) ** 2 / (2.0 * priors.slope_log_sd**2)
    if model == "3pl" and priors.guessing_alpha is not None and priors.guessing_beta is not None:
        guess = expit(eta[:, 2])
        total += (priors.guessing_alpha - 1.0) * np.log(guess) + (
            priors.guessing_beta - 1.0
        ) * np.log1p(-guess)
    if priors.difficulty_sd is not None:
        b, _ = _thresholds_and_jacobian(model, eta, fixed_slope)
        squares = np.sum((b - priors.difficulty_mean) ** 2, axis=1)
        total -= squares / (2.0 * priors.difficulty_sd**2)
    return total


def _thresholds_and_jacobian(
    model: str, eta: np.ndarray, fixed_slope: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Thresholds b ``(n, T)`` and J = ∂b/∂η ``(n, T, m)`` (see the module docstring)."""
    n, m = eta.shape
    a = fixed_slope if model == "1pl" else np.exp(eta[:, 0])
    if model == "1pl":
        b = -eta[:, :1] / a[:, None]
    elif model in ("2pl", "3pl"):
        b = -eta[:, 1:2] / a[:, None]
    elif model == "grm":
        b = -eta[:, 1:] / a[:, None]
    else:  # GPCM steps
        b = -np.diff(np.hstack([np.zeros((n, 1)), eta[:, 1:]]), axis=1) / a[:, None]
    n_thresholds = b.shape[1]
    jac = np.zeros((n, n_thresholds, m))
    if model == "1pl":
        jac[:, 0, 0] = -1.0 / a
        return b, jac
    for k in range(n_thresholds):
        jac[:, k, 0] = -b[:, k]
        jac[:, k, 1 + k] = -1.0 / a
        if model == "gpcm" and k > 0:
            jac[:, k, k] = 1.0 / a
    return b, jac
