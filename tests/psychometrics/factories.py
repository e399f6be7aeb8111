"""Small builders of seeded items, abilities and responses for the psychometrics tests."""

from __future__ import annotations

import numpy as np

from talentpool.psychometrics.items import ItemParameters
from talentpool.psychometrics.simulate import (
    random_dichotomous_items,
    random_polytomous_items,
    simulate_responses,
)


def make_items(
    model: str, n_items: int, rng: np.random.Generator, n_categories: int = 4
) -> ItemParameters:
    """Random items of one model (see ``talentpool.psychometrics.simulate`` for the ranges)."""
    if model in ("grm", "gpcm"):
        return random_polytomous_items(n_items, n_categories, rng, model)
    return random_dichotomous_items(n_items, rng, model)


def make_responses(
    items: ItemParameters, n_persons: int, rng: np.random.Generator, answered_fraction: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """(true θ ~ N(0, 1), responses) for ``n_persons`` simulated people."""
    theta = rng.normal(size=n_persons)
    return theta, simulate_responses(theta, items, rng, answered_fraction)


def rms(values: np.ndarray) -> float:
    """Root mean square, ignoring NaN padding."""
    return float(np.sqrt(np.nanmean(np.asarray(values, dtype=float) ** 2)))
