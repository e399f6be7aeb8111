"""Person fit (lz*) and response-time aberrance under van der Linden's lognormal model.

Person fit (Snijders 2001; Sinharay 2016 for polytomous items). With v_j(x) = log P_jx(θ) and
sums over the items person i answered, evaluated at θ̂_i:

* l_0 = Σ_j log P_j,x_ij, E = Σ_j Σ_k P_jk log P_jk,
  V = Σ_j [Σ_k P_jk (log P_jk)² − (Σ_k P_jk log P_jk)²]; the classical lz = (l_0 − E)/√V.
* c = Σ_j Σ_k P'_jk log P_jk / I(θ), I(θ) = Σ_j Σ_k P'_jk² / P_jk, and r_0 the term the
  estimator adds to the likelihood equation Σ_j ∂ log P_j,x_ij/∂θ + r_0(θ) = 0
  (0 for the MLE, J/(2I) for Warm's WLE).
* lz* = (l_0 − E + c r_0) / √(V − c² I), asymptotically N(0, 1) when θ is estimated. For
  right/wrong items this is exactly Snijders' lz*. Large negative values mean aberrance.

Response times (van der Linden 2006): log T_ij = β_j − τ_i + ε_ij / α_j, ε ~ N(0, 1); β_j is
the item's time intensity, α_j its time discrimination, τ_i the person's speed. The standardized
residual is z_ij = α_j (log t_ij − (β_j − τ_i)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.stats import chi2

from .decisions import warm_correction
from .items import ItemParameters
from .models import PROBABILITY_FLOOR, probabilities_and_slopes
from .responses import validate_responses


def lz_star(
    responses: np.ndarray,
    items: ItemParameters,
    theta: np.ndarray,
    *,
    estimator: Literal["wle", "mle"] = "wle",
) -> np.ndarray:
    """Snijders' corrected person-fit statistic lz* per person (module docstring).

    ``theta`` must be the estimate named by ``estimator`` computed from these same responses and
    items (e.g. ``decisions.wle``); the correction c r_0 depends on it. NaN where θ is NaN, the
    person answered nothing, or the variance V − c² I vanishes (e.g. a single item).
    """
    if estimator not in ("wle", "mle"):
        raise ValueError("estimator must be 'wle' or 'mle'")
    responses = validate_responses(responses, items.n_categories)
    theta = np.asarray(theta, dtype=float)
    if theta.shape != (responses.shape[0],):
        raise ValueError("theta needs one value per person (row of responses)")
    answered = ~np.isnan(responses)
    probs, slopes = probabilities_and_slopes(np.nan_to_num(theta), items)
    log_p = np.log(np.maximum(probs, PROBABILITY_FLOOR))
    category = np.where(answered, responses, 0).astype(int)[:, :, None]

    def total(values: np.ndarray) -> np.ndarray:
        return np.sum(np.where(answered, values, 0.0), axis=1)

    observed = total(np.take_along_axis(log_p, category, axis=2)[:, :, 0])
    item_mean = np.sum(probs * log_p, axis=2)
    expected = total(item_mean)
    variance = total(np.sum(probs * log_p**2, axis=2) - item_mean**2)
    info = total(np.sum(slopes**2 / np.maximum(probs, PROBABILITY_FLOOR), axis=2))
    covariance = total(np.sum(slopes * log_p, axis=2))
    usable = ~np.isnan(theta) & (info > 0)
    c = np.where(usable, covariance / np.where(usable, info, 1.0), 0.0)
    r0 = np.zeros_like(theta)
    if estimator == "wle":
        r0 = np.nan_to_num(warm_correction(theta, responses, items))
    corrected_variance = variance - c**2 * info
    # Round-off leaves a tiny positive variance where it is truly 0 (one item, or all items
    # with proportional weights): treat anything below 1e-9 of V as zero.
    usable &= corrected_variance > 1e-9 * np.maximum(variance, 1e-300)
    root = np.sqrt(np.where(usable, corrected_variance, 1.0))
    return np.where(usable, (observed - expected + c * r0) / root, np.nan)


@dataclass(frozen=True)
class SpeedEstimates:
    """Speed τ̂ per person and its standard error (NaN for persons without times)."""

    tau: np.ndarray
    se: np.ndarray


@dataclass(frozen=True)
class LognormalRT:
    """Fitted lognormal response-time model: item β (intensity), α (discrimination), person τ."""

    beta: np.ndarray
    alpha: np.ndarray
    tau: np.ndarray
    tau_se: np.ndarray
    n_iterations: int
    converged: bool


def _validate_log_times(log_times: np.ndarray) -> np.ndarray:
    log_times = np.asarray(log_times, dtype=float)
    if log_times.ndim != 2:
        raise ValueError("log_times must be a 2-d array (n_persons, n_items)")
    if np.any(np.isinf(log_times)):
        raise ValueError("log_times must be finite or NaN (a zero time has no logarithm)")
    return log_times


def estimate_speed(log_times: np.ndarray, beta: np.ndarray, alpha: np.ndarray) -> SpeedEstimates:
    """ML speed given item parameters: τ̂_i = Σ_j α_j² (β_j − log t_ij) / Σ_j α_j²,
    SE = 1/√(Σ_j α_j²), sums over the items with a time."""
    log_times = _validate_log_times(log_times)
    observed = ~np.isnan(log_times)
    weights = np.where(observed, np.asarray(alpha, dtype=float)[None, :] ** 2, 0.0)
    gaps = np.where(observed, np.asarray(beta, dtype=float)[None, :] - log_times, 0.0)
    total = weights.sum(axis=1)
    usable = total > 0
    safe = np.where(usable, total, 1.0)
    tau = np.where(usable, (weights * gaps).sum(axis=1) / safe, np.nan)
    return SpeedEstimates(tau, np.where(usable, 1.0 / np.sqrt(safe), np.nan))


def fit_lognormal_rt(
    log_times: np.ndarray, *, max_iterations: int = 500, tolerance: float = 1e-8
) -> LognormalRT:
    """Estimate β, α and τ from log response times ``(n_persons, n_items)``, NaN = no time.

    Alternating estimators, repeated until no parameter moves more than ``tolerance``:
    β_j = mean_i (log t_ij + τ_i); τ_i = Σ_j α_j² (β_j − log t_ij) / Σ_j α_j² (weighted least
    squares), then τ and β shifted so that mean_i τ_i = 0 (identification);
    1/α_j² = mean_i [e_ij² + 1/A_i] with e_ij = log t_ij − β_j + τ_i and A_i = Σ_j α_j². The
    1/A_i term is the moment correction for the estimated τ_i: E e_ij² = 1/α_j² − 1/A_i.
    """
    log_times = _validate_log_times(log_times)
    observed = ~np.isnan(log_times)
    if np.any(observed.sum(axis=0) < 2):
        raise ValueError("every item needs at least two observed times")
    counts = observed.sum(axis=0)
    y = np.where(observed, log_times, 0.0)
    alpha = np.ones(log_times.shape[1])
    beta = y.sum(axis=0) / counts
    tau = np.zeros(log_times.shape[0])
    converged = False
    iteration = 0
    for iteration in range(1, max_iterations + 1):
        speed = estimate_speed(log_times, beta, alpha)
        has_times = ~np.isnan(speed.tau)
        new_tau = np.where(has_times, speed.tau, 0.0)
        shift = new_tau[has_times].mean()
        new_tau -= shift
        new_beta = np.where(observed, y + new_tau[:, None], 0.0).sum(axis=0) / counts
        residual = np.where(observed, y - new_beta[None, :] + new_tau[:, None], 0.0)
        correction = np.where(observed, np.where(has_times, speed.se**2, 0.0)[:, None], 0.0)
        new_alpha = 1.0 / np.sqrt(((residual**2 + correction).sum(axis=0)) / counts)
        moved = max(
            np.max(np.abs(new_beta - beta)),
            np.max(np.abs(new_alpha - alpha)),
            np.max(np.abs(new_tau - tau)),
        )
        beta, alpha, tau = new_beta, new_alpha, new_tau
        if moved < tolerance:
            converged = True
            break
    speed = estimate_speed(log_times, beta, alpha)
    return LognormalRT(beta, alpha, speed.tau, speed.se, iteration, converged)


def rt_residuals(
    log_times: np.ndarray, beta: np.ndarray, alpha: np.ndarray, tau: np.ndarray
) -> np.ndarray:
    """z_ij = α_j (log t_ij − (β_j − τ_i)), shape ``(n_persons, n_items)``, NaN = no time.

    Under the model each z_ij ~ N(0, 1); z_ij < 0 is faster than expected for this person."""
    log_times = _validate_log_times(log_times)
    alpha = np.asarray(alpha, dtype=float)[None, :]
    expected = np.asarray(beta, dtype=float)[None, :] - np.asarray(tau, dtype=float)[:, None]
    return alpha * (log_times - expected)


@dataclass(frozen=True)
class RTAberrance:
    """Response-time aberrance per person, and which responses (cells) were unusually fast.

    Attributes:
        residuals: z_ij, ``(n_persons, n_items)``.
        statistic: Σ_j z_ij² per person; df: its degrees of freedom n_i − 1.
        p_value: P(χ²_df ≥ statistic); flagged: p_value < level.
        fast, slow: cells with z_ij < −z_critical, z_ij > z_critical.
        n_fast, n_slow: their counts per person.
        item_fast_rate: share of an item's timed responses that are fast.
    """

    residuals: np.ndarray
    statistic: np.ndarray
    df: np.ndarray
    p_value: np.ndarray
    flagged: np.ndarray
    fast: np.ndarray
    slow: np.ndarray
    n_fast: np.ndarray
    n_slow: np.ndarray
    item_fast_rate: np.ndarray

    def fast_items(self, person: int) -> np.ndarray:
        """Indices of the items person ``person`` answered unusually fast."""
        return np.flatnonzero(self.fast[person])


def rt_aberrance(
    log_times: np.ndarray,
    beta: np.ndarray,
    alpha: np.ndarray,
    *,
    level: float = 0.05,
    z_critical: float = 1.96,
) -> RTAberrance:
    """Flag persons whose response times do not fit the lognormal model (van der Linden & Guo
    2008).

    τ_i is estimated from the person's own times (``estimate_speed``), so a uniformly fast
    person is not aberrant; then l_i = Σ_j z_ij² ~ χ²(n_i − 1) exactly under the model, and
    p_i = P(χ²_{n_i−1} ≥ l_i). Persons with fewer than two times get NaN and are not flagged.
    """
    log_times = _validate_log_times(log_times)
    observed = ~np.isnan(log_times)
    speed = estimate_speed(log_times, beta, alpha)
    residuals = rt_residuals(log_times, beta, alpha, speed.tau)
    n_times = observed.sum(axis=1)
    df = n_times - 1
    squares = np.where(observed, residuals, 0.0) ** 2
    statistic = np.where(n_times > 1, squares.sum(axis=1), np.nan)
    p_value = np.where(df > 0, chi2.sf(np.nan_to_num(statistic), np.maximum(df, 1)), np.nan)
    fast = observed & (np.nan_to_num(residuals) < -z_critical)
    slow = observed & (np.nan_to_num(residuals) > z_critical)
    timed = observed.sum(axis=0)
    item_fast_rate = np.where(timed > 0, fast.sum(axis=0) / np.maximum(timed, 1), np.nan)
    return RTAberrance(
        residuals=residuals,
        statistic=statistic,
        df=df,
        p_value=p_value,
        flagged=np.nan_to_num(p_value, nan=1.0) < level,
        fast=fast,
        slow=slow,
        n_fast=fast.sum(axis=1),
        n_slow=slow.sum(axis=1),
        item_fast_rate=item_fast_rate,
    )
