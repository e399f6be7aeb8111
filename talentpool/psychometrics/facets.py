"""Many-facet Rasch model for rubric tasks scored by raters (Linacre 1989).

Facets: candidate n (ability θ_n), criterion i (difficulty δ_i), rater j (severity α_j). A rating
is a category k ∈ 0..m_i of criterion i. Rating-scale form (Andrich thresholds τ_k shared by all
criteria, which must then have the same top category m):

    log(P_nijk / P_nij(k−1)) = θ_n − δ_i − α_j − τ_k,   k = 1..m,

so P_nijk = exp(k η − Σ_{h≤k} τ_h) / Σ_c exp(c η − Σ_{h≤c} τ_h) with η = θ_n − δ_i − α_j.
Partial-credit form: τ_ik per criterion (Masters 1982), criteria may have different m_i.

Identification: Σ_i δ_i = 0 and Σ_j α_j = 0 over the elements that have non-extreme ratings,
and Σ_k τ_k = 0 (per criterion in the partial-credit form); θ is free. A larger α_j is a more
severe rater; a larger δ_i a harder criterion.

Estimation: joint maximum likelihood (JMLE/UCON, as FACETS does; Wright & Masters 1982)
by alternating Newton–Raphson. Per sweep, for each element one step Δθ_n = Σ(x − E)/Σ W (for δ
and α the sign is reversed; steps capped at 1 logit), with E = Σ_k k P_k and W = Σ_k (k − E)² P_k
over the element's ratings; then δ and α are re-centred (θ shifted so η is unchanged); then one
Newton step for the thresholds under Σ τ = 0, using ∂ log L/∂τ_k = −Σ (1[x ≥ k] − P(X ≥ k)) and
the information Σ Cov(1[X ≥ k], 1[X ≥ l]). Converged when no step exceeds ``tolerance``.
Data stay in long format (one row per rating), so memory grows with the number of ratings.
JMLE is not consistent for short tests: measures are spread too far (for the dichotomous
Rasch model by about L/(L − 1) with L ratings per candidate; 16–19 % for every facet in the
tests' simulation with 8 ratings per candidate); no correction is applied, as in FACETS. Every category must occur among the non-extreme ratings (of every criterion in the
partial-credit form), otherwise its threshold is infinite and the fit raises ValueError.

Extreme scores: an element whose every rating is the minimum (or maximum) has an infinite
estimate. Such elements are found repeatedly (removing one may make another extreme), left out
of the joint estimation and flagged −1 (all minimum) or +1 (all maximum). Afterwards each gets
the measure that makes its expected raw score equal its observed raw score moved 0.3 score
points inwards (the convention of Linacre's programs, e.g. Winsteps EXTRSCORE=0.3), given the
other measures; its SE is 1/√Σ W at that measure; its fit statistics are NaN. Criteria and
raters are placed before candidates.

Fit (Wright & Masters 1982), over an element's non-extreme ratings, with residual y = x − E and
z = y/√W:

* infit (information-weighted) MnSq = Σ y² / Σ W; outfit (unweighted) MnSq = mean z².
* ZSTD by the Wilson–Hilferty cube root, t = (MnSq^⅓ − 1)(3/q) + q/3, with
  q²_outfit = Σ (C/W²)/N² − 1/N, q²_infit = Σ (C − W²)/(Σ W)², C = Σ_k (k − E)⁴ P_k.
* Expected value 1. Linacre's "productive for measurement" range is 0.5–1.5: above 1.5 a rater
  is erratic (noise), below 0.5 too predictable (halo, central tendency, muted ratings).
* Model SE of any measure = 1/√Σ W over its ratings (other measures treated as known).

Fair scores (Linacre's "fair average"): the score the candidate would expect from a rater of
average severity (α = 0), F_ni = Σ_k k P_k(θ_n − δ_i; τ_i); the fair total Σ_i F_ni runs over
every criterion on the raw points scale 0..Σ_i m_i. The observed total Σ_i (mean of the ratings
the candidate got on criterion i) is given for comparison (NaN if a criterion was not rated).

Connectedness: severities are comparable only when the bipartite candidate–rater graph of the
ratings is one component (every rater of an answer scores all its criteria, so criteria join
every subset). When it is not, fair scores of different subsets are on different origins: use
the observed totals and show ``design.reason``.

References: Linacre, J. M. (1989). Many-Facet Rasch Measurement. MESA Press. Eckes, T. (2015).
Introduction to Many-Facet Rasch Measurement (2nd ed.). Peter Lang. Wright, B. D. & Masters,
G. N. (1982). Rating Scale Analysis. MESA Press. Masters, G. N. (1982). A Rasch model for
partial credit scoring. Psychometrika, 47, 149–174.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .facets_data import (
    Ratings,
    find_extremes,
    indices,
    require_categories,
    start_thresholds,
    validated_ratings,
)
from .facets_estimation import (
    adjusted_measures,
    cumulative_thresholds,
    information_and_fit,
    joint_estimates,
    moments,
)

PRODUCTIVE_RANGE = (0.5, 1.5)


@dataclass(frozen=True)
class RatingDesign:
    """Connectedness of the candidate–rater graph; subsets are numbered 0.., −1 = no ratings."""

    connected: bool
    n_subsets: int
    candidate_subset: np.ndarray
    rater_subset: np.ndarray
    reason: str


@dataclass(frozen=True)
class FacetsResult:
    """Measures in logits, one entry per element index; NaN where an element has no ratings.

    ``*_extreme`` is −1/0/+1 (all minimum / not extreme / all maximum); ``*_n`` counts ratings.
    ``thresholds`` is ``(n_criteria, max m)``, NaN-padded; its rows are identical in the
    rating-scale form. ``fair_scores`` is ``(n_candidates, n_criteria)``. ``max_total`` = Σ m_i.
    """

    form: str
    theta: np.ndarray
    theta_se: np.ndarray
    candidate_infit: np.ndarray
    candidate_outfit: np.ndarray
    candidate_n: np.ndarray
    candidate_extreme: np.ndarray
    criterion_difficulty: np.ndarray
    criterion_se: np.ndarray
    criterion_infit: np.ndarray
    criterion_outfit: np.ndarray
    criterion_n: np.ndarray
    criterion_extreme: np.ndarray
    rater_severity: np.ndarray
    rater_se: np.ndarray
    rater_infit: np.ndarray
    rater_outfit: np.ndarray
    rater_infit_z: np.ndarray
    rater_outfit_z: np.ndarray
    rater_n: np.ndarray
    rater_extreme: np.ndarray
    thresholds: np.ndarray
    threshold_se: np.ndarray
    fair_scores: np.ndarray
    fair_total: np.ndarray
    observed_total: np.ndarray
    max_total: int
    design: RatingDesign
    n_iterations: int
    converged: bool

    @property
    def connected(self) -> bool:
        return self.design.connected


def rating_design_connected(candidates: np.ndarray, raters: np.ndarray) -> RatingDesign:
    """Whether the candidate–rater graph of the ratings (one pair per rating) is connected."""
    candidates, raters = indices(candidates, "candidates"), indices(raters, "raters")
    if len(candidates) != len(raters) or len(candidates) == 0:
        raise ValueError("candidates and raters need one entry per rating, and at least one")
    n_candidates, n_raters = int(candidates.max()) + 1, int(raters.max()) + 1
    size = n_candidates + n_raters
    edges = coo_matrix(
        (np.ones(len(raters)), (candidates, n_candidates + raters)), shape=(size, size)
    )
    _, label = connected_components(edges, directed=False)
    rated = np.zeros(size, dtype=bool)
    rated[candidates], rated[n_candidates + raters] = True, True
    _, subset = np.unique(label[rated], return_inverse=True)
    labels = np.full(size, -1)
    labels[rated] = subset
    n_subsets = int(subset.max()) + 1
    candidate_subset, rater_subset = labels[:n_candidates], labels[n_candidates:]
    reason = ""
    if n_subsets > 1:
        counts = ", ".join(
            f"{np.sum(candidate_subset == s)}/{np.sum(rater_subset == s)}" for s in range(n_subsets)
        )
        reason = (
            f"the ratings form {n_subsets} disconnected subsets (candidates/raters: {counts}); "
            "rater severities in different subsets cannot be compared, so raw means are used"
        )
    return RatingDesign(n_subsets == 1, n_subsets, candidate_subset, rater_subset, reason)


def inconsistent_raters(
    result: FacetsResult, lower: float = PRODUCTIVE_RANGE[0], upper: float = PRODUCTIVE_RANGE[1]
) -> np.ndarray:
    """Indices of raters whose infit or outfit MnSq lies outside [lower, upper] (default
    0.5–1.5, Linacre's range productive for measurement). Raters without fit are not listed."""
    if not lower < 1.0 < upper:
        raise ValueError("the fit range must contain 1 (lower < 1 < upper)")
    fits = np.vstack([result.rater_infit, result.rater_outfit])
    outside = np.isfinite(fits) & ((np.nan_to_num(fits) < lower) | (np.nan_to_num(fits) > upper))
    return np.flatnonzero(outside.any(axis=0))


def fit_facets(
    candidates: np.ndarray,
    criteria: np.ndarray,
    raters: np.ndarray,
    categories: np.ndarray,
    n_categories: int | np.ndarray,
    *,
    form: Literal["rating_scale", "partial_credit"] = "rating_scale",
    max_iterations: int = 500,
    tolerance: float = 1e-6,
) -> FacetsResult:
    """Fit the many-facet Rasch model by JMLE (module docstring) to long-format ratings.

    One entry per rating in each array: 0-based candidate, criterion and rater indices and the
    category 0..m_i given. ``n_categories`` is m + 1, one int for every criterion or one per
    criterion (partial-credit form only; the rating-scale form requires equal maxima rather than
    rescaling them). Raises ValueError naming the problem for invalid input.
    """
    if form not in ("rating_scale", "partial_credit"):
        raise ValueError("form must be 'rating_scale' or 'partial_credit'")
    r = validated_ratings(candidates, criteria, raters, categories, n_categories, form)
    active, extreme = find_extremes(r)
    if not active.any():
        raise ValueError("every rating belongs to an element with an extreme score")
    require_categories(r, active, form)
    start = start_thresholds(r, active, form == "rating_scale")
    measures, thresholds, threshold_se, sweeps, converged = joint_estimates(
        r, active, start, form == "rating_scale", max_iterations, tolerance
    )
    measures = adjusted_measures(r, measures, extreme, thresholds)
    fit = information_and_fit(r, active, measures, thresholds)
    finite = np.isfinite(measures[0][r.candidate] - measures[1][r.criterion])
    finite &= np.isfinite(measures[2][r.rater])
    everything = information_and_fit(r, finite, measures, thresholds)
    se = [np.where(extreme[f] != 0, everything[f]["se"], fit[f]["se"]) for f in range(3)]
    counts = [np.bincount(r.facet(f), minlength=r.sizes[f]) for f in range(3)]
    fair = _fair_scores(measures[0], measures[1], thresholds, r.top)
    return FacetsResult(
        form=form,
        theta=measures[0], theta_se=se[0],
        candidate_infit=fit[0]["infit"], candidate_outfit=fit[0]["outfit"],
        candidate_n=counts[0], candidate_extreme=extreme[0],
        criterion_difficulty=measures[1], criterion_se=se[1],
        criterion_infit=fit[1]["infit"], criterion_outfit=fit[1]["outfit"],
        criterion_n=counts[1], criterion_extreme=extreme[1],
        rater_severity=measures[2], rater_se=se[2],
        rater_infit=fit[2]["infit"], rater_outfit=fit[2]["outfit"],
        rater_infit_z=fit[2]["infit_z"], rater_outfit_z=fit[2]["outfit_z"],
        rater_n=counts[2], rater_extreme=extreme[2],
        thresholds=thresholds, threshold_se=threshold_se,
        fair_scores=fair, fair_total=fair.sum(axis=1),
        observed_total=_observed_total(r), max_total=int(r.top.sum()),
        design=rating_design_connected(r.candidate, r.rater),
        n_iterations=sweeps, converged=converged,
    )  # fmt: skip


def _fair_scores(
    theta: np.ndarray, difficulty: np.ndarray, thresholds: np.ndarray, top: np.ndarray
) -> np.ndarray:
    n, n_criteria = len(theta), len(difficulty)
    eta = (theta[:, None] - difficulty[None, :]).ravel()
    rows = np.tile(cumulative_thresholds(thresholds, top), (n, 1))
    finite = np.isfinite(eta)
    fair = np.full(eta.shape, np.nan)
    fair[finite] = moments(eta[finite], rows[finite]).expected
    return fair.reshape(n, n_criteria)


def _observed_total(r: Ratings) -> np.ndarray:
    cells = r.candidate * len(r.top) + r.criterion
    size = r.sizes[0] * len(r.top)
    count = np.bincount(cells, minlength=size).reshape(r.sizes[0], -1)
    score = np.bincount(cells, r.category, minlength=size).reshape(r.sizes[0], -1)
    mean = np.where(count > 0, score / np.maximum(count, 1), np.nan)
    return mean.sum(axis=1)
