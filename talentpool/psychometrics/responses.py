"""Response matrices as category-indicator matrices, and the quadrature E-step built on them.

A response matrix ``(n_persons, n_items)`` holds integer categories 0..K_j−1 and NaN where an
item was not administered. It is encoded once as an indicator matrix Z with one column per
(item, category) pair: Z[i, col(j, k)] = 1 when person i answered k on item j. Then, for
quadrature nodes θ_q,

* person log-likelihoods at every node: L = Z · log P, where (log P)[col(j, k), q] = log P_jk(θ_q);
* expected counts of the EM algorithm: r = Zᵀ · W, where W holds the posterior node weights.

Z is a ``scipy.sparse`` CSR matrix when few cells are answered and a dense array otherwise
(dense BLAS products beat sparse ones once more than about a tenth of Z is non-zero).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.special import logsumexp

from .items import ItemParameters
from .models import PROBABILITY_FLOOR, probabilities

DENSE_ABOVE_DENSITY = 0.1


@dataclass(frozen=True)
class IndicatorMatrix:
    """Z and its column layout; ``col_item``/``col_category`` describe each column of Z."""

    z: np.ndarray | sp.csr_matrix
    z_transposed: np.ndarray | sp.csr_matrix
    col_item: np.ndarray
    col_category: np.ndarray
    n_persons: int
    n_items: int


def validate_responses(responses: np.ndarray, n_categories: np.ndarray | None = None) -> np.ndarray:
    """Check a response matrix and return it as float; raise ``ValueError`` naming the culprit.

    Every cell must be NaN or an integer in 0..K_j−1 (when ``n_categories`` is given).
    """
    responses = np.asarray(responses, dtype=float)
    if responses.ndim != 2:
        raise ValueError("responses must be a 2-d array (n_persons, n_items)")
    answered = ~np.isnan(responses)
    values = np.where(answered, responses, 0.0)
    bad = answered & ((values != np.round(values)) | (values < 0) | ~np.isfinite(values))
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise ValueError(f"response at person {row}, item {col} is not a category 0, 1, 2, …")
    if n_categories is not None:
        too_high = answered & (values >= np.asarray(n_categories)[None, :])
        if too_high.any():
            row, col = np.argwhere(too_high)[0]
            raise ValueError(
                f"response {int(values[row, col])} at person {row}, item {col} exceeds the "
                f"item's {int(n_categories[col])} categories"
            )
    return responses


def indicator_matrix(responses: np.ndarray, n_categories: np.ndarray) -> IndicatorMatrix:
    """Encode ``responses`` (validated, NaN = not administered) as the indicator matrix Z."""
    n_persons, n_items = responses.shape
    starts = np.concatenate([[0], np.cumsum(n_categories)[:-1]])
    n_cols = int(np.sum(n_categories))
    col_item = np.repeat(np.arange(n_items), n_categories)
    col_category = np.arange(n_cols) - starts[col_item]
    rows, items = np.nonzero(~np.isnan(responses))
    cols = starts[items] + responses[rows, items].astype(np.int64)
    z = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_persons, n_cols))
    dense = len(rows) > DENSE_ABOVE_DENSITY * n_persons * n_cols
    return IndicatorMatrix(
        z=z.toarray() if dense else z,
        z_transposed=np.ascontiguousarray(z.T.toarray()) if dense else z.T.tocsr(),
        col_item=col_item,
        col_category=col_category,
        n_persons=n_persons,
        n_items=n_items,
    )


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
    counts = np.zeros((indicator.n_items, max_categories, weights.shape[1]))
    counts[indicator.col_item, indicator.col_category] = by_column
    return counts
