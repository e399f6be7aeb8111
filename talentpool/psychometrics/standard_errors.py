"""Standard errors of calibrated item parameters.

``cross_product_standard_errors`` estimates the observed information of item j's parameters by
the cross-product of posterior person scores (the "XPD" estimator):
I_j ≈ Σ_i ḡ_ij ḡ_ijᵀ + (prior curvature), with ḡ_ij = Σ_q W_iq ∂ log P_j,x_ij(θ_q)/∂η_j the
gradient of person i's marginal log-likelihood (persons are visited in blocks, so memory is
independent of the number of persons). Unlike the M-step information it includes the
uncertainty about each person's θ (Louis's "missing information"). Items are treated one block
at a time, ignoring covariances between items. Errors in slope–intercept form η are carried to
(a, b, c) by the delta method (``mstep`` lists the parametrisation).

``design_standard_errors`` gives the known-θ lower bound used to plan sample sizes and to set
parameter-recovery thresholds: I_j = Σ_{i answered j} Σ_k (∂P_jk(θ_i)/∂η)(∂P_jk(θ_i)/∂η)ᵀ / P_jk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from .estep import posterior_blocks
from .items import ItemParameters
from .models import PROBABILITY_FLOOR
from .mstep import (
    NO_PRIORS,
    Priors,
    category_derivatives,
    gradient_and_information,
    prior_terms,
    to_internal,
)

if TYPE_CHECKING:
    from .responses import IndicatorMatrix

# Persons per block, and answers per gathered part (keeps W and S rows in cache).
SCORE_BLOCK = 2048
ANSWER_PART = 16384


@dataclass(frozen=True)
class ItemStandardErrors:
    """SE(a), SE(b) ``(n_items, max_K − 1)`` and SE(c); 0 for fixed parameters, NaN if undefined."""

    a: np.ndarray
    b: np.ndarray
    c: np.ndarray


def _jacobian(
    model: str, eta: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray
) -> np.ndarray:
    """∂(a, b_1..b_{K−1}, c)/∂η, shape ``(n, K + 1, n_params)``."""
    n, m = eta.shape
    n_thresholds = b.shape[1]
    jac = np.zeros((n, n_thresholds + 2, m))
    if model == "1pl":
        jac[:, 1, 0] = -1.0 / a
        return jac
    jac[:, 0, 0] = a
    for k in range(n_thresholds):
        jac[:, 1 + k, 0] = -b[:, k]
        jac[:, 1 + k, 1 + k] = -1.0 / a
        if model == "gpcm" and k > 0:
            jac[:, 1 + k, k] = 1.0 / a
    if model == "3pl":
        jac[:, -1, 2] = c * (1.0 - c)
    return jac


def _to_output_errors(items: ItemParameters, groups: dict, covariances: dict) -> ItemStandardErrors:
    se_a = np.zeros(items.n_items)
    se_b = np.where(np.isnan(items.b), np.nan, 0.0)
    se_c = np.zeros(items.n_items)
    for (model, n_cat), idx in groups.items():
        b = items.b[idx][:, : n_cat - 1]
        eta = to_internal(model, items.a[idx], b, items.c[idx])
        jac = _jacobian(model, eta, items.a[idx], b, items.c[idx])
        variances = np.einsum("nrm,nml,nrl->nr", jac, covariances[(model, n_cat)], jac)
        se = np.sqrt(np.maximum(variances, 0.0))
        se_a[idx], se_c[idx] = se[:, 0], se[:, -1]
        se_b[idx, : n_cat - 1] = se[:, 1:-1]
    return ItemStandardErrors(se_a, se_b, se_c)


def _invert(info: np.ndarray) -> np.ndarray:
    # A nearly singular block (e.g. an item everyone got right) gets a huge, not a failing, SE.
    ridge = 1e-10 * np.eye(info.shape[1])
    return np.linalg.pinv(info + ridge, hermitian=True)


def cross_product_standard_errors(
    items: ItemParameters,
    indicator: IndicatorMatrix,
    log_probs: np.ndarray,
    log_prior: np.ndarray,
    nodes: np.ndarray,
    groups: dict,
    etas: dict,
    priors: Priors,
) -> ItemStandardErrors:
    """Per-item XPD standard errors at the final estimates (see module docstring).

    Persons are visited in blocks; ḡ_ij = Σ_q W_iq S_jk(θ_q) is formed at each answer (i, j, k)
    as a row-wise dot product of W_i with the score column S_jk = ∂ log P_jk/∂η, so the work is
    proportional to the number of answers.
    """
    scores = {
        key: _GroupScores(items, indicator, nodes, idx, key, etas[key])
        for key, idx in groups.items()
    }
    info = {key: np.zeros((len(idx),) + 2 * (etas[key].shape[1],)) for key, idx in groups.items()}
    for block in posterior_blocks(indicator, log_probs, log_prior, SCORE_BLOCK):
        rows, cols = _answers(block.z)
        for key, group in scores.items():
            where = group.position[cols]
            chosen = where >= 0
            where, chosen_rows = where[chosen], rows[chosen]
            m = group.n_parameters
            g = _person_scores(block.weights, group, chosen_rows, where, sp.issparse(block.z))
            item_of = group.item_of_column[where]
            for p in range(m):
                for q in range(p, m):
                    total = np.bincount(item_of, g[:, p] * g[:, q], minlength=len(info[key]))
                    info[key][:, p, q] += total
                    if q != p:
                        info[key][:, q, p] += total
    covariances = {}
    for key, idx in groups.items():
        curvature = _prior_curvature(key[0], etas[key], priors, items.a[idx])
        covariances[key] = _invert(info[key] + curvature)
    return _to_output_errors(items, groups, covariances)


class _GroupScores:
    """For one model group: S[m, col, q] = ∂ log P_jk(θ_q)/∂η_m for each of its columns of Z,
    the position of every column of Z among them (−1 if not in the group) and their items'
    positions within the group."""

    def __init__(
        self,
        items: ItemParameters,
        indicator: IndicatorMatrix,
        nodes: np.ndarray,
        idx: np.ndarray,
        key: tuple[str, int],
        eta: np.ndarray,
    ):
        model, n_cat = key
        probs, deriv = category_derivatives(model, eta, nodes, n_cat, items.a[idx])
        scores = deriv / np.maximum(probs, PROBABILITY_FLOOR)[..., None]  # (n, Q, K, m)
        in_group = np.zeros(indicator.n_items, dtype=bool)
        in_group[idx] = True
        columns = np.flatnonzero(in_group[indicator.col_item])
        self.item_of_column = _item_position(idx, indicator.col_item[columns])
        per_column = scores[self.item_of_column, :, indicator.col_category[columns], :]
        self.n_parameters = eta.shape[1]
        self.node_scores = np.ascontiguousarray(per_column.transpose(2, 0, 1))  # (m, cols, Q)
        self.position = np.full(len(indicator.col_item), -1)
        self.position[columns] = np.arange(len(columns))


def _person_scores(
    weights: np.ndarray, group: _GroupScores, rows: np.ndarray, where: np.ndarray, sparse: bool
) -> np.ndarray:
    """ḡ at each answer (row ``rows``, group column ``where``), shape ``(n_answers, m)``.

    Sparse blocks: one row-wise dot product W_i · S_jk per answer (work ∝ answers). Dense blocks
    (most cells answered): G = W · S for the whole block by BLAS, read off at the answers.
    """
    m = group.n_parameters
    if not sparse:
        n_nodes = weights.shape[1]
        flat = group.node_scores.transpose(2, 1, 0).reshape(n_nodes, -1)  # (Q, cols · m)
        return (weights @ flat).reshape(len(weights), -1, m)[rows, where]
    g = np.empty((len(where), m))
    for part in range(0, len(where), ANSWER_PART):
        span = slice(part, part + ANSWER_PART)
        person_weights = weights[rows[span]]
        for p in range(m):
            g[span, p] = np.einsum("nq,nq->n", person_weights, group.node_scores[p][where[span]])
    return g


def _item_position(idx: np.ndarray, item: np.ndarray) -> np.ndarray:
    """Position of each ``item`` within the group ``idx`` (sorted item indices)."""
    return np.searchsorted(idx, item)


def _answers(z_block) -> tuple[np.ndarray, np.ndarray]:
    """(row within the block, column of Z) of every answer in a block of Z."""
    if sp.issparse(z_block):
        rows = np.repeat(np.arange(z_block.shape[0]), np.diff(z_block.indptr))
        return rows, z_block.indices
    return np.nonzero(z_block)


def _prior_curvature(
    model: str, eta: np.ndarray, priors: Priors, fixed_slope: np.ndarray
) -> np.ndarray:
    """−∂² log prior / ∂η², the same terms the M-step adds."""
    return prior_terms(model, eta, priors, fixed_slope)[1]


def design_standard_errors(
    items: ItemParameters, theta: np.ndarray, answered: np.ndarray
) -> ItemStandardErrors:
    """Known-θ standard errors: what calibration would achieve if every θ_i were known.

    ``answered`` is a boolean ``(n_persons, n_items)`` design. MML errors are larger, since θ is
    unknown; the ratio shrinks as persons answer more items.
    """
    theta = np.asarray(theta, dtype=float)
    answered = np.asarray(answered, dtype=bool)
    groups: dict = {}
    covariances = {}
    for model in np.unique(items.model):
        for n_cat in np.unique(items.n_categories[items.model == model]):
            idx = np.flatnonzero((items.model == model) & (items.n_categories == n_cat))
            key = (str(model), int(n_cat))
            groups[key] = idx
            b = items.b[idx][:, : n_cat - 1]
            eta = to_internal(key[0], items.a[idx], b, items.c[idx])
            counts = np.zeros((len(idx), n_cat, len(theta)))
            counts[:, 0, :] = answered[:, idx].T
            _, info = gradient_and_information(key[0], eta, counts, theta, NO_PRIORS, items.a[idx])
            covariances[key] = _invert(info)
    return _to_output_errors(items, groups, covariances)
