"""The quadrature E-step on the indicator matrix Z (see ``responses``), whole or in person blocks.

For nodes θ_q with prior log-weights log π_q and (log P)[col(j, k), q] = log P_jk(θ_q):

* joint log-density L_iq = (Z · log P)_iq + log π_q;
* person marginal log-likelihood ℓ_i = log Σ_q exp L_iq, and log L = Σ_i ℓ_i;
* posterior node weights W_iq = exp(L_iq − ℓ_i) (rows sum to 1);
* expected counts r_jkq = Σ_i [x_ij = k] W_iq = (Zᵀ W)[col(j, k), q].

``e_step`` walks over blocks of ``PERSON_BLOCK`` persons, so only a block of W (persons × nodes)
exists at a time and memory stays at Z plus O(block × nodes), whatever the number of persons.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import logsumexp

from .items import ItemParameters
from .models import PROBABILITY_FLOOR, probabilities

if TYPE_CHECKING:
    from .responses import IndicatorMatrix

PERSON_BLOCK = 8192


def column_log_probabilities(
    nodes: np.ndarray, items: ItemParameters, indicator: IndicatorMatrix
) -> np.ndarray:
    """(log P)[col(j, k), q] = log P_jk(θ_q), shape ``(n_cols, n_nodes)``."""
    probs = probabilities(nodes, items)
    chosen = probs[:, indicator.col_item, indicator.col_category]
    return np.log(np.maximum(chosen, PROBABILITY_FLOOR)).T


@dataclass(frozen=True)
class Posterior:
    """Posterior node weights per person (rows sum to 1) and the marginal log-likelihood."""

    weights: np.ndarray
    log_likelihood: float
    person_log_likelihood: np.ndarray


def posterior_weights(
    log_probs: np.ndarray, log_prior: np.ndarray, indicator: IndicatorMatrix
) -> Posterior:
    """W_iq ∝ π_q Π_j P_j,x_ij(θ_q); marginal log L = Σ_i log Σ_q π_q Π_j P_j,x_ij(θ_q)."""
    joint = np.asarray(indicator.z @ log_probs) + log_prior[None, :]
    person_ll = logsumexp(joint, axis=1)
    weights = np.exp(joint - person_ll[:, None])
    return Posterior(weights, float(person_ll.sum()), person_ll)


def expected_counts(
    weights: np.ndarray, indicator: IndicatorMatrix, max_categories: int
) -> np.ndarray:
    """r_jkq = Σ_i [x_ij = k] W_iq, shape ``(n_items, max_categories, n_nodes)``."""
    by_column = np.asarray(indicator.z_transposed @ weights)
    return _counts_by_item(by_column, indicator, max_categories)


def _counts_by_item(
    by_column: np.ndarray, indicator: IndicatorMatrix, max_categories: int
) -> np.ndarray:
    counts = np.zeros((indicator.n_items, max_categories, by_column.shape[1]))
    counts[indicator.col_item, indicator.col_category] = by_column
    return counts


@dataclass(frozen=True)
class PosteriorBlock:
    """Persons ``start:stop``: their rows of Z, weights W and log-likelihoods ℓ_i."""

    start: int
    stop: int
    z: object
    weights: np.ndarray
    person_log_likelihood: np.ndarray


def posterior_blocks(
    indicator: IndicatorMatrix,
    log_probs: np.ndarray,
    log_prior: np.ndarray,
    block_size: int = PERSON_BLOCK,
) -> Iterator[PosteriorBlock]:
    """The posterior of each block of persons in turn (see module docstring)."""
    for start in range(0, indicator.n_persons, block_size):
        stop = min(start + block_size, indicator.n_persons)
        z = indicator.row_block(start, stop)
        joint = np.asarray(z @ log_probs)
        joint += log_prior[None, :]
        # In place: W = exp(L − max) / Σ exp(L − max), ℓ = max + log Σ exp(L − max).
        largest = joint.max(axis=1)
        joint -= largest[:, None]
        np.exp(joint, out=joint)
        total = joint.sum(axis=1)
        joint /= total[:, None]
        yield PosteriorBlock(start, stop, z, joint, largest + np.log(total))


@dataclass(frozen=True)
class EStep:
    """Expected counts r_jkq ``(n_items, K, Q)``, log L, and the mean weight per node
    (1/n) Σ_i W_iq (the posterior ability distribution, used to estimate μ and σ)."""

    counts: np.ndarray
    log_likelihood: float
    node_mass: np.ndarray


def e_step(
    indicator: IndicatorMatrix,
    log_probs: np.ndarray,
    log_prior: np.ndarray,
    max_categories: int,
) -> EStep:
    """One E-step over all persons, block by block."""
    by_column = np.zeros(log_probs.shape)
    mass = np.zeros(log_probs.shape[1])
    log_likelihood = 0.0
    for block in posterior_blocks(indicator, log_probs, log_prior):
        by_column += np.asarray(block.z.T @ block.weights)
        mass += block.weights.sum(axis=0)
        log_likelihood += float(block.person_log_likelihood.sum())
    counts = _counts_by_item(by_column, indicator, max_categories)
    return EStep(counts, log_likelihood, mass / max(indicator.n_persons, 1))


def marginal_log_likelihood(
    indicator: IndicatorMatrix, log_probs: np.ndarray, log_prior: np.ndarray
) -> float:
    """log L = Σ_i ℓ_i, block by block."""
    return sum(
        float(block.person_log_likelihood.sum())
        for block in posterior_blocks(indicator, log_probs, log_prior)
    )


def posterior_mean_sd(
    indicator: IndicatorMatrix, log_probs: np.ndarray, log_prior: np.ndarray, nodes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """EAP θ̂_i = Σ_q θ_q W_iq and posterior SD √(Σ_q θ_q² W_iq − θ̂_i²) for every person."""
    mean = np.empty(indicator.n_persons)
    sd = np.empty(indicator.n_persons)
    for block in posterior_blocks(indicator, log_probs, log_prior):
        theta = block.weights @ nodes
        mean[block.start : block.stop] = theta
        sd[block.start : block.stop] = np.sqrt(np.maximum(block.weights @ nodes**2 - theta**2, 0))
    return mean, sd
