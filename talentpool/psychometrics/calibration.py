"""Marginal maximum-likelihood calibration by EM (Bock–Aitkin) over a fixed quadrature grid.

θ ~ N(μ, σ²) with μ = 0, σ = 1 fixing the scale, unless anchor items with fixed parameters
carry the scale, in which case μ and σ are estimated too (that is what links new items onto
the anchors' scale). Each EM cycle:

1. E-step: posterior node weights W_iq ∝ π_q Π_j P_j,x_ij(θ_q) via one matrix product with the
   response indicator matrix (see ``responses``); marginal log-likelihood Σ_i log Σ_q (…).
2. M-step: expected counts r_jkq = Σ_i [x_ij = k] W_iq, then Fisher scoring on all free items of
   each model at once (see ``mstep``); with anchors, μ = mean_i E[θ_i], σ² = mean_i E[(θ_i − μ)²].

The cycles are accelerated by SQUAREM (see ``em``); it stops when one plain EM cycle moves no
free parameter by more than ``tolerance``.
Standard errors come from the per-item cross-product of posterior person scores
(see ``standard_errors``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .em import squarem
from .items import DICHOTOMOUS_MODELS, MODELS, ItemParameters
from .mstep import NO_PRIORS, Priors, fisher_scoring, from_internal, to_internal
from .responses import (
    column_log_probabilities,
    expected_counts,
    indicator_matrix,
    posterior_weights,
    validate_responses,
)
from .standard_errors import ItemStandardErrors, cross_product_standard_errors


@dataclass(frozen=True)
class Quadrature:
    """Equally spaced nodes on [−bound, bound]; weights come from the ability distribution."""

    n_nodes: int = 41
    bound: float = 6.0

    @property
    def nodes(self) -> np.ndarray:
        return np.linspace(-self.bound, self.bound, self.n_nodes)


def normal_log_weights(nodes: np.ndarray, mean: float = 0.0, sd: float = 1.0) -> np.ndarray:
    """log π_q for N(mean, sd²) discretised on ``nodes`` (weights sum to 1)."""
    log_density = -0.5 * ((nodes - mean) / sd) ** 2
    return log_density - np.log(np.exp(log_density).sum())


@dataclass(frozen=True)
class ConvergenceReport:
    """How EM ended: E-steps run (``iterations``), final marginal log-likelihood, whether
    ``tolerance`` was met, the last plain-EM change and the log-likelihoods of accepted points."""

    iterations: int
    log_likelihood: float
    converged: bool
    largest_change: float
    log_likelihood_trace: tuple[float, ...] = field(repr=False)


@dataclass(frozen=True)
class CalibrationResult:
    """Calibrated items, their standard errors, the ability distribution and the EM report."""

    items: ItemParameters
    standard_errors: ItemStandardErrors
    population_mean: float
    population_sd: float
    convergence: ConvergenceReport
    nodes: np.ndarray = field(repr=False)
    log_prior: np.ndarray = field(repr=False)


def starting_items(
    responses: np.ndarray, models: np.ndarray, n_categories: np.ndarray
) -> ItemParameters:
    """Rough starting values: a = 1, thresholds from observed cumulative category proportions."""
    width = max(int(n_categories.max()) - 1, 1)
    b = np.full((len(models), width), np.nan)
    for k in range(1, width + 1):
        has_k = n_categories > k
        answered = ~np.isnan(responses)
        at_least = np.sum(np.where(answered, responses >= k, False), axis=0)
        proportion = (at_least + 0.5) / (answered.sum(axis=0) + 1.0)
        # A unit-slope item's marginal logit is about −b / 1.16 under θ ~ N(0, 1).
        b[has_k, k - 1] = -1.16 * np.log(proportion[has_k] / (1.0 - proportion[has_k]))
    gpcm = models == "gpcm"
    if gpcm.any():
        # GPCM step parameters are not cumulative thresholds; spread them evenly instead.
        centre = np.nanmean(b[gpcm], axis=1, keepdims=True)
        offsets = np.linspace(-1.0, 1.0, width)[None, :]
        b[gpcm] = np.where(np.isnan(b[gpcm]), np.nan, centre + offsets)
    for j in np.flatnonzero(models == "grm"):
        used = int(n_categories[j]) - 1
        b[j, :used] = np.maximum.accumulate(b[j, :used] + 1e-3 * np.arange(used))
    c = np.where(models == "3pl", 0.15, 0.0)
    return ItemParameters(model=models, a=np.ones(len(models)), b=b, c=c, n_categories=n_categories)


def calibrate(
    responses: np.ndarray,
    models: np.ndarray | str,
    *,
    n_categories: np.ndarray | None = None,
    priors: Priors = NO_PRIORS,
    anchors: ItemParameters | None = None,
    anchor_mask: np.ndarray | None = None,
    quadrature: Quadrature = Quadrature(),
    max_iterations: int = 500,
    tolerance: float = 1e-4,
) -> CalibrationResult:
    """Calibrate every item of ``responses`` ``(n_persons, n_items)`` (NaN = not administered).

    ``models`` is one model code for all items or one per item. ``n_categories`` defaults to the
    highest observed category + 1 (2 for right/wrong models). Anchors: ``anchor_mask`` marks the
    items whose parameters are taken from ``anchors`` (a bank of all ``n_items`` items; rows
    outside the mask are ignored) and held fixed.
    """
    responses = validate_responses(responses)
    n_items = responses.shape[1]
    models = np.asarray(np.broadcast_to(np.asarray(models, dtype="<U4"), (n_items,)))
    unknown = sorted(set(models.tolist()) - set(MODELS))
    if unknown:
        raise ValueError(f"unknown item model(s): {unknown}; expected one of {MODELS}")
    if n_categories is None:
        highest = np.nanmax(np.where(np.isnan(responses), -1, responses), axis=0)
        n_categories = np.where(np.isin(models, DICHOTOMOUS_MODELS), 2, highest + 1).astype(int)
    n_categories = np.asarray(n_categories, dtype=int)
    validate_responses(responses, n_categories)
    fixed = np.zeros(n_items, bool) if anchor_mask is None else np.asarray(anchor_mask, bool)
    items = starting_items(responses, models, n_categories)
    if fixed.any():
        if anchors is None:
            raise ValueError("anchor_mask needs the anchor parameters in `anchors`")
        items = _with_anchors(items, anchors, fixed)

    indicator = indicator_matrix(responses, n_categories)
    nodes = quadrature.nodes
    estimate_population = bool(fixed.any())
    layout = _ParameterLayout(_model_groups(models, n_categories, fixed), estimate_population)

    def em_map(x: np.ndarray) -> tuple[np.ndarray, float]:
        etas, mean, sd = layout.unpack(x)
        current = _assemble(items, layout.groups, etas)
        log_prior = normal_log_weights(nodes, mean, sd)
        log_probs = column_log_probabilities(nodes, current, indicator)
        posterior = posterior_weights(log_probs, log_prior, indicator)
        counts = expected_counts(posterior.weights, indicator, current.max_categories)
        new_etas = {
            (model, n_cat): fisher_scoring(
                model, etas[(model, n_cat)], counts[idx, :n_cat], nodes, priors, items.a[idx]
            )
            for (model, n_cat), idx in layout.groups.items()
        }
        if estimate_population:
            mean, sd = _population_moments(posterior.weights, nodes)
        return layout.pack(new_etas, mean, sd), posterior.log_likelihood

    start = layout.pack(layout.etas_of(items), 0.0, 1.0)
    fixed_point = squarem(
        em_map,
        start,
        is_valid=layout.is_valid,
        tolerance=tolerance,
        max_evaluations=max_iterations,
    )
    etas, mean, sd = layout.unpack(fixed_point.x)
    items = _assemble(items, layout.groups, etas)
    log_prior = normal_log_weights(nodes, mean, sd)
    posterior = posterior_weights(
        column_log_probabilities(nodes, items, indicator), log_prior, indicator
    )
    errors = cross_product_standard_errors(
        items, posterior.weights, indicator, nodes, layout.groups, etas, priors
    )
    report = ConvergenceReport(
        fixed_point.evaluations,
        posterior.log_likelihood,
        fixed_point.converged,
        fixed_point.largest_change,
        fixed_point.log_likelihood_trace,
    )
    return CalibrationResult(items, errors, mean, sd, report, nodes, log_prior)


class _ParameterLayout:
    """Packs the free parameters (η of every model group, then μ and σ) into one vector."""

    def __init__(self, groups: dict[tuple[str, int], np.ndarray], estimate_population: bool):
        self.groups = groups
        self.estimate_population = estimate_population

    def etas_of(self, items: ItemParameters) -> dict[tuple[str, int], np.ndarray]:
        return {
            (model, n_cat): to_internal(
                model, items.a[idx], items.b[idx][:, : n_cat - 1], items.c[idx]
            )
            for (model, n_cat), idx in self.groups.items()
        }

    def pack(self, etas: dict, mean: float, sd: float) -> np.ndarray:
        parts = [etas[key].ravel() for key in self.groups]
        if self.estimate_population:
            parts.append(np.array([mean, sd]))
        return np.concatenate(parts) if parts else np.zeros(0)

    def unpack(self, x: np.ndarray) -> tuple[dict, float, float]:
        etas, offset = {}, 0
        for (model, n_cat), idx in self.groups.items():
            width = _n_parameters(model, n_cat)
            etas[(model, n_cat)] = x[offset : offset + len(idx) * width].reshape(len(idx), width)
            offset += len(idx) * width
        if self.estimate_population:
            return etas, float(x[offset]), float(x[offset + 1])
        return etas, 0.0, 1.0

    def is_valid(self, x: np.ndarray) -> bool:
        """Finite, GRM intercepts still decreasing, slopes in range, σ positive."""
        if not np.all(np.isfinite(x)):
            return False
        etas, _, sd = self.unpack(x)
        for (model, _), eta in etas.items():
            if model == "grm" and np.any(np.diff(eta[:, 1:], axis=1) >= 0):
                return False
            if model != "1pl" and np.any(np.abs(eta[:, 0]) > 4.0):
                return False
        return sd > 0.05


def _n_parameters(model: str, n_categories: int) -> int:
    return {"1pl": 1, "2pl": 2, "3pl": 3}.get(model, n_categories)


def _model_groups(
    models: np.ndarray, n_categories: np.ndarray, fixed: np.ndarray
) -> dict[tuple[str, int], np.ndarray]:
    """Indices of the free items, grouped by (model, number of categories)."""
    groups: dict[tuple[str, int], np.ndarray] = {}
    for model in MODELS:
        for n_cat in np.unique(n_categories[models == model]):
            index = np.flatnonzero((models == model) & (n_categories == n_cat) & ~fixed)
            if len(index):
                groups[(model, int(n_cat))] = index
    return groups


def _assemble(
    items: ItemParameters, groups: dict[tuple[str, int], np.ndarray], etas: dict
) -> ItemParameters:
    a, b, c = items.a.copy(), items.b.copy(), items.c.copy()
    for (model, n_cat), idx in groups.items():
        a_new, b_new, c_new = from_internal(model, etas[(model, n_cat)], items.a[idx])
        a[idx], c[idx] = a_new, c_new
        b[idx, : n_cat - 1] = b_new
    return ItemParameters(items.model, a, b, c, items.n_categories)


def _with_anchors(
    items: ItemParameters, anchors: ItemParameters, fixed: np.ndarray
) -> ItemParameters:
    if anchors.n_items != items.n_items:
        raise ValueError("`anchors` must hold a row for every item (only anchor rows are used)")
    if np.any(anchors.model[fixed] != items.model[fixed]):
        raise ValueError("anchor models differ from the calibration models")
    a, b, c = items.a.copy(), items.b.copy(), items.c.copy()
    width = min(b.shape[1], anchors.b.shape[1])
    a[fixed], c[fixed] = anchors.a[fixed], anchors.c[fixed]
    b[fixed, :width] = anchors.b[fixed, :width]
    return ItemParameters(items.model, a, b, c, items.n_categories)


def _population_moments(weights: np.ndarray, nodes: np.ndarray) -> tuple[float, float]:
    node_mass = weights.sum(axis=0) / weights.shape[0]
    mean = float(node_mass @ nodes)
    sd = float(np.sqrt(node_mass @ (nodes - mean) ** 2))
    return mean, sd
