"""Seeded simulation of items and responses, for recovery tests, benchmarks and demos."""

from __future__ import annotations

import numpy as np

from .items import ItemParameters, dichotomous_items, polytomous_items
from .models import probabilities

PERSON_CHUNK = 2048


def simulate_responses(
    theta: np.ndarray,
    items: ItemParameters,
    rng: np.random.Generator,
    answered_fraction: float = 1.0,
) -> np.ndarray:
    """Responses ``(n_persons, n_items)`` drawn from the model; each cell is administered with
    probability ``answered_fraction`` (NaN otherwise), every person and item keeping at least one
    response."""
    theta = np.asarray(theta, dtype=float)
    responses = np.empty((len(theta), items.n_items))
    for start in range(0, len(theta), PERSON_CHUNK):
        rows = slice(start, start + PERSON_CHUNK)
        cumulative = np.cumsum(probabilities(theta[rows], items), axis=2)
        draws = rng.random(cumulative.shape[:2])[:, :, None]
        responses[rows] = np.sum(draws > cumulative[:, :, :-1], axis=2)
    if answered_fraction < 1.0:
        administered = rng.random(responses.shape) < answered_fraction
        # Keep at least one response per person and per item so the design is estimable.
        n_persons, n_items = responses.shape
        administered[np.arange(n_persons), rng.integers(0, n_items, n_persons)] = True
        administered[rng.integers(0, n_persons, n_items), np.arange(n_items)] = True
        responses[~administered] = np.nan
    return responses


def random_dichotomous_items(
    n_items: int, rng: np.random.Generator, model: str = "2pl"
) -> ItemParameters:
    """a ~ logN(0, 0.25²)·1.2 (about 0.7–2), b ~ N(0, 1), c ~ U(0.1, 0.25) for 3PL."""
    a = 1.2 * np.exp(rng.normal(0.0, 0.25, n_items))
    b = rng.normal(0.0, 1.0, n_items)
    c = rng.uniform(0.1, 0.25, n_items) if model == "3pl" else np.zeros(n_items)
    return dichotomous_items(a, b, c, model=model)


def random_polytomous_items(
    n_items: int, n_categories: int, rng: np.random.Generator, model: str = "grm"
) -> ItemParameters:
    """Slopes as for right/wrong items; thresholds centred on N(0, 0.7²), spaced 0.5–1.3 apart.

    GRM thresholds are increasing; GPCM step parameters are drawn the same way."""
    a = 1.2 * np.exp(rng.normal(0.0, 0.25, n_items))
    gaps = rng.uniform(0.5, 1.3, (n_items, n_categories - 1))
    thresholds = np.cumsum(gaps, axis=1)
    thresholds += rng.normal(0.0, 0.7, (n_items, 1)) - thresholds.mean(axis=1, keepdims=True)
    return polytomous_items(a, thresholds, model)
