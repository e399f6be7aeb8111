"""Marginal maximum-likelihood calibration by EM (Bock–Aitkin) over a fixed quadrature grid.

Responses come as a ``(n_persons, n_items)`` matrix with NaN gaps or as ``LongResponses``
triples (person, item, category); the long form never builds anything of size persons × items,
so memory grows with the number of answers.

θ ~ N(μ, σ²) with μ = 0, σ = 1 fixing the scale, unless anchor items with fixed parameters
carry the scale, in which case μ and σ are estimated too (that is what links new items onto
the anchors' scale). Each EM cycle:

1. E-step: posterior node weights W_iq ∝ π_q Π_j P_j,x_ij(θ_q) via products with the
   response indicator matrix (see ``responses``), one block of persons at a time (``estep``);
   marginal log-likelihood Σ_i log Σ_q (…).
2. M-step: expected counts r_jkq = Σ_i [x_ij = k] W_iq, then Fisher scoring on all free items of
   each model at once (see ``mstep``; priors act as ``priors`` states); with anchors,
   μ = mean_i E[θ_i], σ² = mean_i E[(θ_i − μ)²].

The cycles are accelerated by SQUAREM (see ``em``) on log L plus the log-priors; it stops when
one plain EM cycle moves no free parameter by more than ``tolerance``.
Standard errors come from the per-item cross-product of posterior person scores
(see ``standard_errors``). Degenerate items are held out or flagged (see ``item_problems``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .em import squarem
from .estep import column_log_probabilities, e_step, marginal_log_likelihood
from .item_problems import HELD_OUT_KINDS, ItemProblem, data_problems, estimate_problems
from .items import DICHOTOMOUS_MODELS, MODELS, ItemParameters
from .layout import ParameterLayout, assemble, model_groups, starting_items, with_anchors
from .mstep import NO_PRIORS, Priors, fisher_scoring
from .responses import (
    LongResponses,
    category_counts,
    check_categories,
    indicator_matrix,
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
    ``tolerance`` was met, the last plain-EM change and the objective at accepted points (the
    log-likelihood, plus the log-priors when priors are set)."""

    iterations: int
    log_likelihood: float
    converged: bool
    largest_change: float
    log_likelihood_trace: tuple[float, ...] = field(repr=False)


@dataclass(frozen=True)
class CalibrationResult:
    """Calibrated items, their standard errors, the ability distribution and the EM report.

    ``item_problems`` lists degenerate items (see ``item_problems``), at most one record per
    kind and item, in item order. Items held out (no responses, no variance, unused category)
    have NaN parameters and standard errors, and their answers are left out of the
    log-likelihood. ``convergence.converged`` is about EM only: an item with a problem is not
    cleanly calibrated even then (see ``clean``).
    """

    items: ItemParameters
    standard_errors: ItemStandardErrors
    population_mean: float
    population_sd: float
    convergence: ConvergenceReport
    nodes: np.ndarray = field(repr=False)
    log_prior: np.ndarray = field(repr=False)
    item_problems: tuple[ItemProblem, ...] = ()

    @property
    def flagged(self) -> np.ndarray:
        """Boolean per item: has at least one problem."""
        flags = np.zeros(self.items.n_items, dtype=bool)
        flags[[problem.item for problem in self.item_problems]] = True
        return flags

    @property
    def clean(self) -> bool:
        """EM converged and no item has a problem."""
        return self.convergence.converged and not self.item_problems


def calibrate(
    responses: np.ndarray | LongResponses,
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
    """Calibrate every item of ``responses``: a ``(n_persons, n_items)`` matrix (NaN = not
    administered) or ``LongResponses``.

    ``models`` is one model code for all items or one per item. ``n_categories`` defaults to the
    highest observed category + 1 (2 for right/wrong models). Anchors: ``anchor_mask`` marks the
    items whose parameters are taken from ``anchors`` (a bank of all ``n_items`` items; rows
    outside the mask are ignored) and held fixed. Degenerate items do not stop the calibration:
    they are held out or flagged in ``item_problems``.
    """
    allow_dense = not isinstance(responses, LongResponses)
    if allow_dense:
        responses = LongResponses.from_matrix(validate_responses(responses))
    n_items = responses.n_items
    models = np.asarray(np.broadcast_to(np.asarray(models, dtype="<U4"), (n_items,)))
    unknown = sorted(set(models.tolist()) - set(MODELS))
    if unknown:
        raise ValueError(f"unknown item model(s): {unknown}; expected one of {MODELS}")
    counts = category_counts(responses)
    if n_categories is None:
        observed = counts > 0
        highest = counts.shape[1] - 1 - np.argmax(observed[:, ::-1], axis=1)
        highest[~observed.any(axis=1)] = 0
        dichotomous = np.isin(models, DICHOTOMOUS_MODELS)
        n_categories = np.where(dichotomous, 2, np.maximum(highest + 1, 2))
    n_categories = np.asarray(n_categories, dtype=int)
    check_categories(responses, n_categories)
    fixed = np.zeros(n_items, bool) if anchor_mask is None else np.asarray(anchor_mask, bool)
    problems = data_problems(responses, counts, n_categories, ~fixed)
    held_out = np.zeros(n_items, dtype=bool)
    held_out[[p.item for p in problems if p.kind in HELD_OUT_KINDS]] = True
    items = starting_items(counts, models, n_categories)
    if fixed.any():
        if anchors is None:
            raise ValueError("anchor_mask needs the anchor parameters in `anchors`")
        items = with_anchors(items, anchors, fixed)

    indicator = indicator_matrix(responses, n_categories, allow_dense=allow_dense)
    nodes = quadrature.nodes
    estimate_population = bool(fixed.any())
    groups = model_groups(models, n_categories, fixed | held_out)
    layout = ParameterLayout(groups, estimate_population)
    silent_columns = held_out[indicator.col_item]

    def log_probs_of(current: ItemParameters) -> np.ndarray:
        log_probs = column_log_probabilities(nodes, current, indicator)
        log_probs[silent_columns] = 0.0  # held-out items do not enter the likelihood
        return log_probs

    def em_map(x: np.ndarray) -> tuple[np.ndarray, float]:
        etas, mean, sd = layout.unpack(x)
        current = assemble(items, layout.groups, etas)
        log_prior = normal_log_weights(nodes, mean, sd)
        step = e_step(indicator, log_probs_of(current), log_prior, current.max_categories)
        new_etas = {
            (model, n_cat): fisher_scoring(
                model, etas[(model, n_cat)], step.counts[idx, :n_cat], nodes, priors, items.a[idx]
            )
            for (model, n_cat), idx in layout.groups.items()
        }
        if estimate_population:
            mean, sd = _population_moments(step.node_mass, nodes)
        objective = step.log_likelihood + layout.log_prior(etas, priors, items.a)
        return layout.pack(new_etas, mean, sd), objective

    start = layout.pack(layout.etas_of(items), 0.0, 1.0)
    fixed_point = squarem(
        em_map,
        start,
        is_valid=layout.is_valid,
        tolerance=tolerance,
        max_evaluations=max_iterations,
    )
    etas, mean, sd = layout.unpack(fixed_point.x)
    items = assemble(items, layout.groups, etas)
    log_prior = normal_log_weights(nodes, mean, sd)
    log_probs = log_probs_of(items)
    errors = cross_product_standard_errors(
        items, indicator, log_probs, log_prior, nodes, layout.groups, etas, priors
    )
    problems += estimate_problems(items, errors, ~(fixed | held_out))
    items, errors = _blank_held_out(items, errors, held_out)
    report = ConvergenceReport(
        fixed_point.evaluations,
        marginal_log_likelihood(indicator, log_probs, log_prior),
        fixed_point.converged,
        fixed_point.largest_change,
        fixed_point.log_likelihood_trace,
    )
    ordered = tuple(sorted(problems, key=lambda problem: problem.item))
    return CalibrationResult(items, errors, mean, sd, report, nodes, log_prior, ordered)


def _blank_held_out(
    items: ItemParameters, errors: ItemStandardErrors, held_out: np.ndarray
) -> tuple[ItemParameters, ItemStandardErrors]:
    """NaN parameters and standard errors for the items left out of the calibration."""
    if not held_out.any():
        return items, errors
    a, b, c = items.a.copy(), items.b.copy(), items.c.copy()
    se_a, se_b, se_c = errors.a.copy(), errors.b.copy(), errors.c.copy()
    a[held_out] = b[held_out] = se_a[held_out] = se_b[held_out] = np.nan
    c[held_out & (items.model == "3pl")] = np.nan
    se_c[held_out] = np.nan
    blank = ItemParameters(items.model, a, b, c, items.n_categories)
    return blank, ItemStandardErrors(se_a, se_b, se_c)


def _population_moments(node_mass: np.ndarray, nodes: np.ndarray) -> tuple[float, float]:
    """μ = Σ_q m_q θ_q and σ = √(Σ_q m_q (θ_q − μ)²) with m_q = (1/n) Σ_i W_iq."""
    mean = float(node_mass @ nodes)
    sd = float(np.sqrt(node_mass @ (nodes - mean) ** 2))
    return mean, sd
