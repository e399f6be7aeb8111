"""Standard errors of calibrated item parameters.

``cross_product_standard_errors`` estimates the observed information of item j's parameters by
the cross-product of posterior person scores (the "XPD" estimator):
I_j ≈ Σ_i ḡ_ij ḡ_ijᵀ + (prior curvature), with ḡ_ij = Σ_q W_iq ∂ log P_j,x_ij(θ_q)/∂η_j the
gradient of person i's marginal log-likelihood. Unlike the M-step information it includes the
uncertainty about each person's θ (Louis's "missing information"). Items are treated one block
at a time, ignoring covariances between items. Errors in slope–intercept form η are carried to
(a, b, c) by the delta method (``mstep`` lists the parametrisation).

``design_standard_errors`` gives the known-θ lower bound used to plan sample sizes and to set
parameter-recovery thresholds: I_j = Σ_{i answered j} Σ_k (∂P_jk(θ_i)/∂η)(∂P_jk(θ_i)/∂η)ᵀ / P_jk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .items import ItemParameters
from .models import PROBABILITY_FLOOR
from .mstep import NO_PRIORS, Priors, category_derivatives, gradient_and_information, to_internal

PERSON_CHUNK = 2048


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
    weights: np.ndarray,
    indicator,
    nodes: np.ndarray,
    groups: dict,
    etas: dict,
    priors: Priors,
) -> ItemStandardErrors:
    """Per-item XPD standard errors at the final estimates (see module docstring)."""
    covariances = {}
    z = indicator.z.tocsc() if sp.issparse(indicator.z) else indicator.z
    for (model, n_cat), idx in groups.items():
        eta = etas[(model, n_cat)]
        m = eta.shape[1]
        probs, deriv = category_derivatives(model, eta, nodes, n_cat, items.a[idx])
        scores = deriv / np.maximum(probs, PROBABILITY_FLOOR)[..., None]  # (n, Q, K, m)
        position = np.full(indicator.n_items, -1)
        position[idx] = np.arange(len(idx))
        cols = np.flatnonzero(position[indicator.col_item] >= 0)
        col_group = position[indicator.col_item[cols]]
        col_scores = scores[col_group, :, indicator.col_category[cols], :]  # (n_cols, Q, m)
        z_group = z[:, cols]
        cross = np.zeros((len(cols), m, m))
        for start in range(0, indicator.n_persons, PERSON_CHUNK):
            stop = min(start + PERSON_CHUNK, indicator.n_persons)
            mask = z_group[start:stop]
            mask = mask.toarray() if sp.issparse(mask) else mask
            person_scores = [weights[start:stop] @ col_scores[:, :, p].T for p in range(m)]
            for p in range(m):
                weighted = mask * person_scores[p]
                for q in range(p, m):
                    total = np.einsum("ic,ic->c", weighted, person_scores[q])
                    cross[:, p, q] = total
                    cross[:, q, p] = total
        info = np.zeros((len(idx), m, m))
        np.add.at(info, col_group, cross)
        info += _prior_curvature(model, eta, priors)
        covariances[(model, n_cat)] = _invert(info)
    return _to_output_errors(items, groups, covariances)


def _prior_curvature(model: str, eta: np.ndarray, priors: Priors) -> np.ndarray:
    """−∂² log prior / ∂η², the same terms the M-step adds."""
    n_categories = 2 if model in ("1pl", "2pl", "3pl") else eta.shape[1]
    zero_counts = np.zeros((eta.shape[0], n_categories, 1))
    _, info = gradient_and_information(
        model, eta, zero_counts, np.zeros(1), priors, np.ones(eta.shape[0])
    )
    return info


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
