"""Accelerated EM: SQUAREM (Varadhan & Roland, 2008, scheme S3) around any EM map.

Plain EM converges linearly, and slowly when the data pin θ down well (long dense tests): the
slopes of all items creep up together by a shrinking amount each cycle. SQUAREM takes two EM
steps x1 = F(x0), x2 = F(x1), forms r = x1 − x0 and v = x2 − x1 − r, and jumps to
x' = x0 − 2αr + α²v with α = −‖r‖/‖v‖ (α ≤ −1; α = −1 gives back x2). The jump is accepted when
the objective at x' is no lower than at x1 (the log-likelihood; in calibration with priors, the
log-likelihood plus the log-priors, which penalised EM increases); otherwise α is moved halfway
towards −1 and retried. An EM step from the accepted point follows, which keeps the iteration
stable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

EMMap = Callable[[np.ndarray], tuple[np.ndarray, float]]


@dataclass(frozen=True)
class FixedPoint:
    """Where the iteration ended; ``evaluations`` counts EM map calls (one E-step each)."""

    x: np.ndarray
    evaluations: int
    converged: bool
    largest_change: float
    log_likelihood_trace: tuple[float, ...]


def squarem(
    em_map: EMMap,
    x0: np.ndarray,
    *,
    is_valid: Callable[[np.ndarray], bool],
    tolerance: float,
    max_evaluations: int,
) -> FixedPoint:
    """Iterate ``em_map`` (x ↦ (F(x), log L(x))) to a fixed point, with SQUAREM jumps.

    Converged means one plain EM step moved no coordinate by more than ``tolerance``.
    """
    trace: list[float] = []
    x = x0
    evaluations = 0
    change = np.inf

    def step(point: np.ndarray) -> tuple[np.ndarray, float]:
        nonlocal evaluations
        evaluations += 1
        return em_map(point)

    while evaluations < max_evaluations:
        x1, log_l0 = step(x)
        trace.append(log_l0)
        change = float(np.max(np.abs(x1 - x), initial=0.0))
        if change < tolerance or evaluations >= max_evaluations:
            return FixedPoint(x1, evaluations, change < tolerance, change, tuple(trace))
        x2, log_l1 = step(x1)
        trace.append(log_l1)
        change = float(np.max(np.abs(x2 - x1), initial=0.0))
        if change < tolerance or evaluations >= max_evaluations:
            return FixedPoint(x2, evaluations, change < tolerance, change, tuple(trace))
        r = x1 - x
        v = x2 - x1 - r
        v_norm = float(np.sqrt(v @ v))
        alpha = min(-float(np.sqrt(r @ r)) / v_norm, -1.0) if v_norm > 0 else -1.0
        while True:
            candidate = x2 if alpha == -1.0 else x - 2.0 * alpha * r + alpha**2 * v
            if alpha == -1.0 or is_valid(candidate):
                following, log_l = step(candidate)
                if alpha == -1.0 or (np.isfinite(log_l) and log_l >= log_l1):
                    trace.append(log_l)
                    x = following
                    break
            # The jump overshot: retreat halfway towards the plain EM point x2.
            alpha = (alpha - 1.0) / 2.0
            if alpha > -1.05:
                alpha = -1.0
    return FixedPoint(x, evaluations, False, change, tuple(trace))
