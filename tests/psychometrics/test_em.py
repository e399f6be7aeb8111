"""SQUAREM acceleration on a map whose fixed point and log-likelihood are known."""

from __future__ import annotations

import numpy as np

from talentpool.psychometrics.em import squarem

TARGET = np.array([1.0, -2.0, 0.5])
RATES = np.array([0.95, 0.5, 0.8])


def slow_map(x: np.ndarray) -> tuple[np.ndarray, float]:
    """A linear EM-like map: each coordinate closes a fixed share of its gap to TARGET, and the
    'log-likelihood' −‖x − TARGET‖² increases along the way."""
    return TARGET + RATES * (x - TARGET), -float(np.sum((x - TARGET) ** 2))


def test_squarem_finds_the_fixed_point_much_faster_than_plain_iteration() -> None:
    result = squarem(
        slow_map, np.zeros(3), is_valid=lambda x: True, tolerance=1e-8, max_evaluations=1000
    )
    assert result.converged
    assert np.allclose(result.x, TARGET, atol=1e-6)
    plain_steps = int(np.ceil(np.log(1e-8) / np.log(0.95)))  # ≈ 360 for the slowest coordinate
    assert result.evaluations < plain_steps / 5
    assert np.all(np.diff(result.log_likelihood_trace) >= -1e-12)


def test_invalid_jumps_fall_back_to_plain_em_steps() -> None:
    result = squarem(
        slow_map, np.zeros(3), is_valid=lambda x: False, tolerance=1e-6, max_evaluations=2000
    )
    assert result.converged
    assert np.allclose(result.x, TARGET, atol=1e-4)


def test_the_evaluation_budget_is_respected() -> None:
    result = squarem(
        slow_map, np.zeros(3), is_valid=lambda x: True, tolerance=1e-12, max_evaluations=2
    )
    assert result.evaluations == 2 and not result.converged
