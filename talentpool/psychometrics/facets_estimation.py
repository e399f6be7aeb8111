"""Joint maximum likelihood for the many-facet Rasch model; formulas in ``facets``.

Private engine of ``facets.fit_facets``: validated long-format ratings in, measures out. One
observation o is a rating x_o of candidate n_o on criterion i_o by rater j_o, with
η_o = θ_n − δ_i − α_j and P_ok ∝ exp(k η_o − Σ_{h≤k} τ_ih).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from .facets_data import Ratings, threshold_groups

EXTREME_ADJUSTMENT = 0.3
MAX_STEP = 1.0
SEARCH_BOUND = 40.0


@dataclass(frozen=True)
class Moments:
    """Per rating: category probabilities, E = Σ k P_k and W = Σ (k − E)² P_k."""

    probs: np.ndarray
    expected: np.ndarray
    variance: np.ndarray

    def kurtosis(self) -> np.ndarray:
        """C = Σ_k (k − E)⁴ P_k, for the standardised fit statistics."""
        gap = np.arange(self.probs.shape[1])[None, :] - self.expected[:, None]
        return np.sum(self.probs * gap**4, axis=1)


def cumulative_thresholds(thresholds: np.ndarray, top: np.ndarray) -> np.ndarray:
    """(n_criteria, M + 1): Σ_{h≤k} τ_ih, +∞ above a criterion's top so that P_k = 0 there."""
    steps = np.nan_to_num(thresholds, nan=0.0)
    cumulative = np.concatenate([np.zeros((len(steps), 1)), np.cumsum(steps, axis=1)], axis=1)
    k = np.arange(cumulative.shape[1])
    return np.where(k[None, :] <= top[:, None], cumulative, np.inf)


def moments(eta: np.ndarray, cumulative: np.ndarray) -> Moments:
    """Category probabilities and moments for logits ``eta`` and matching rows of Σ τ.

    Written for speed (this is the inner loop): column-wise maxima and matrix products
    instead of reductions along the short category axis; W = Σ k² P_k − E²."""
    k = np.arange(cumulative.shape[1], dtype=float)
    probs = np.multiply.outer(eta, k)
    probs -= cumulative
    largest = probs[:, 0].copy()
    for column in range(1, len(k)):
        np.maximum(largest, probs[:, column], out=largest)
    probs -= largest[:, None]
    np.exp(probs, out=probs)
    probs /= (probs @ np.ones(len(k)))[:, None]
    expected = probs @ k
    return Moments(probs, expected, np.maximum(probs @ (k * k) - expected**2, 0.0))


def joint_estimates(
    r: Ratings,
    active: np.ndarray,
    thresholds: np.ndarray,
    shared: bool,
    max_iterations: int,
    tolerance: float,
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray, int, bool]:
    """Alternating Newton–Raphson on the joint likelihood of the ``active`` ratings.

    Each sweep takes one Newton step per element for θ, then δ, then α (Δ = ±Σ(x − E)/Σ W,
    capped at ±1 logit), re-centres δ and α on 0 (shifting θ so every η is unchanged), and one
    constrained Newton step for the thresholds. Stops when no step exceeds ``tolerance``.
    Returns ([θ, δ, α], thresholds, threshold SEs, sweeps, converged)."""
    index = [r.facet(f)[active] for f in range(3)]
    x = r.category[active].astype(float)
    measures = [np.zeros(size) for size in r.sizes]
    present = [np.bincount(ix, minlength=size) > 0 for ix, size in zip(index, r.sizes)]
    share = np.bincount(index[0], x / r.top[index[1]], minlength=r.sizes[0])
    share /= np.maximum(np.bincount(index[0], minlength=r.sizes[0]), 1)
    measures[0] = np.log(np.clip(share, 0.02, 0.98) / (1 - np.clip(share, 0.02, 0.98)))
    thresholds = thresholds.copy()
    se = np.full_like(thresholds, np.nan)
    sweep, converged = 0, False
    for sweep in range(1, max_iterations + 1):
        moved = 0.0
        for facet, sign in ((0, 1.0), (1, -1.0), (2, -1.0)):
            m = _moments(measures, index, thresholds, r.top)
            size = r.sizes[facet]
            gradient = np.bincount(index[facet], x - m.expected, minlength=size)
            information = np.bincount(index[facet], m.variance, minlength=size)
            usable = present[facet] & (information > 0)
            step = np.zeros(size)
            step[usable] = np.clip(gradient[usable] / information[usable], -MAX_STEP, MAX_STEP)
            measures[facet] += sign * step
            moved = max(moved, float(np.max(np.abs(step))))
        for facet in (1, 2):
            centre = measures[facet][present[facet]].mean()
            measures[facet][present[facet]] -= centre
            measures[0] -= centre
        m = _moments(measures, index, thresholds, r.top)
        for group in threshold_groups(r, shared):
            rows = np.isin(index[1], group)
            top = int(r.top[group[0]])
            step, step_se = _threshold_step(x[rows], m.probs[rows, : top + 1], top)
            thresholds[group, :top] += step
            se[group, :top] = step_se
            moved = max(moved, float(np.max(np.abs(step), initial=0.0)))
        if moved < tolerance:
            converged = True
            break
    return measures, thresholds, se, sweep, converged


def _moments(
    measures: list[np.ndarray], index: list[np.ndarray], thresholds: np.ndarray, top: np.ndarray
) -> Moments:
    eta = measures[0][index[0]] - measures[1][index[1]] - measures[2][index[2]]
    return moments(eta, cumulative_thresholds(thresholds, top)[index[1]])


def _threshold_step(x: np.ndarray, probs: np.ndarray, top: int) -> tuple[np.ndarray, np.ndarray]:
    """Newton step for τ_1..τ_m under Σ τ = 0, and the model SEs.

    With f_k = 1[x ≥ k]: ∂ log L/∂τ_k = −Σ (f_k − P(X ≥ k)) and the information is
    Σ Cov(f_k, f_l) = Σ P(X ≥ max(k, l)) − P(X ≥ k) P(X ≥ l)."""
    if top < 2:
        return np.zeros(top), np.zeros(top)
    at_least = np.cumsum(probs[:, ::-1], axis=1)[:, ::-1][:, 1:]
    k = np.arange(1, top + 1)
    gradient = -np.sum((x[:, None] >= k[None, :]) - at_least, axis=0)
    column = at_least.sum(axis=0)
    information = column[np.maximum.outer(k, k) - 1] - at_least.T @ at_least
    centring = np.eye(top) - 1.0 / top
    inverse = np.linalg.pinv(centring @ information @ centring)
    step = inverse @ centring @ gradient
    step *= min(1.0, MAX_STEP / max(float(np.max(np.abs(step))), 1e-300))
    return step, np.sqrt(np.clip(np.diag(inverse), 0.0, None))


def adjusted_measures(
    r: Ratings, measures: list[np.ndarray], extreme: list[np.ndarray], thresholds: np.ndarray
) -> list[np.ndarray]:
    """Measures of extreme elements (criteria, then raters, then candidates).

    Each solves Σ_o E_o = r' over its ratings whose other two elements have a measure, where r'
    is the raw score moved EXTREME_ADJUSTMENT points inwards when it is the minimum or maximum.
    NaN when no such rating exists, and for elements without any rating."""
    measures = [values.copy() for values in measures]
    for facet in range(3):
        rated = np.bincount(r.facet(facet), minlength=r.sizes[facet]) > 0
        measures[facet][(extreme[facet] != 0) | ~rated] = np.nan
    cumulative = cumulative_thresholds(thresholds, r.top)
    for facet in (1, 2, 0):
        for element in np.flatnonzero(extreme[facet]):
            measures[facet][element] = 0.0
            rows = r.facet(facet) == element
            offset = measures[0][r.candidate] - measures[1][r.criterion] - measures[2][r.rater]
            measures[facet][element] = np.nan
            rows &= np.isfinite(offset)
            sign = 1.0 if facet == 0 else -1.0
            if not rows.any():
                continue
            offset, rows_cumulative = offset[rows], cumulative[r.criterion[rows]]
            observed = float(r.category[rows].sum())
            maximum = float(r.top[r.criterion[rows]].sum())
            target = min(max(observed, EXTREME_ADJUSTMENT), maximum - EXTREME_ADJUSTMENT)

            bound, gap_args = SEARCH_BOUND, (offset, rows_cumulative, target)
            shift = brentq(_score_gap, -bound, bound, args=gap_args, xtol=1e-10)
            measures[facet][element] = sign * shift
    return measures


def _score_gap(shift: float, offset: np.ndarray, cumulative: np.ndarray, target: float) -> float:
    return float(moments(offset + shift, cumulative).expected.sum() - target)


def information_and_fit(
    r: Ratings, rows: np.ndarray, measures: list[np.ndarray], thresholds: np.ndarray
) -> list[dict[str, np.ndarray]]:
    """Per facet and element over ``rows``: n, SE = 1/√Σ W, infit and outfit MnSq and ZSTD."""
    index = [r.facet(f)[rows] for f in range(3)]
    m = _moments(measures, index, thresholds, r.top)
    residual = r.category[rows] - m.expected
    variance, kurtosis = np.maximum(m.variance, 1e-12), m.kurtosis()
    out = []
    for facet, size in enumerate(r.sizes):

        def total(values: np.ndarray, facet: int = facet, size: int = size) -> np.ndarray:
            return np.bincount(index[facet], values, minlength=size)

        n, info = total(np.ones(len(residual))), total(m.variance)
        has = n > 0
        safe_n, safe_info = np.where(has, n, 1.0), np.where(info > 0, info, 1.0)
        outfit = np.where(has, total(residual**2 / variance) / safe_n, np.nan)
        infit = np.where(info > 0, total(residual**2) / safe_info, np.nan)
        q_out = np.sqrt(np.clip(total(kurtosis / variance**2) / safe_n**2 - 1 / safe_n, 0, None))
        q_in = np.sqrt(np.clip(total(kurtosis - m.variance**2), 0, None)) / safe_info
        out.append(
            {
                "n": n.astype(int),
                "se": np.where(info > 0, 1.0 / np.sqrt(safe_info), np.nan),
                "infit": infit,
                "outfit": outfit,
                "infit_z": _wilson_hilferty(infit, q_in),
                "outfit_z": _wilson_hilferty(outfit, q_out),
            }
        )
    return out


def _wilson_hilferty(mean_square: np.ndarray, q: np.ndarray) -> np.ndarray:
    usable = np.isfinite(mean_square) & (q > 0)
    safe_q = np.where(usable, q, 1.0)
    cube = np.cbrt(np.where(usable, mean_square, 1.0))
    return np.where(usable, (cube - 1.0) * 3.0 / safe_q + safe_q / 3.0, np.nan)
