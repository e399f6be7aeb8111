"""Scale linking: put a separate calibration of common (anchor) items onto a base scale.

Two calibrations of the same anchor items differ by a linear change of the θ scale,
θ_base = A·θ_new + B. The item parameters follow as a* = a / A, b* = A·b + B (every GRM
threshold and GPCM step), c* = c, which leaves every P_jk(θ) unchanged.

* Mean–sigma: A = σ(b_base) / σ(b_new), B = μ(b_base) − A·μ(b_new), over all thresholds of the
  anchors (population SDs); the starting value of the curve methods.
* Characteristic-curve methods minimise a weighted squared difference between the base curves
  and the transformed new curves over a θ grid on the base scale, with weights w_q of
  N(mean, sd²) discretised on the grid (Σ_q w_q = 1); see ``stocking_lord`` and ``haebara``.
* Drift screening: an anchor's displacement is the weighted RMS difference of its expected-score
  curves after linking, as a share of its top score m_j = K_j − 1:
  d_j = √(Σ_q w_q [E_j^base(θ_q) − E_j^*(θ_q)]²) / m_j. For a right/wrong item that is the RMS
  gap between its two item characteristic curves, in probability units.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
from scipy.optimize import least_squares

from .calibration import Quadrature, normal_log_weights
from .items import ItemParameters, max_scores
from .models import expected_scores, probabilities

Method = Literal["mean_sigma", "stocking_lord", "haebara"]
LINKING_QUADRATURE = Quadrature(n_nodes=41, bound=4.0)


@dataclass(frozen=True)
class LinkingResult:
    """Linking constants for θ_base = A·θ_new + B and how they were found.

    Attributes:
        A, B: slope and intercept of the scale transformation.
        method: ``"mean_sigma"``, ``"stocking_lord"`` or ``"haebara"``.
        anchors_used: boolean mask over the common items that the constants were computed from.
        dropped: indices of the anchors removed for drift, in the order they were dropped.
        displacement: d_j of every common item (dropped ones included) under (A, B).
        criterion: the minimised criterion at (A, B); NaN for mean–sigma, which minimises none.
    """

    A: float
    B: float
    method: str
    anchors_used: np.ndarray
    dropped: np.ndarray
    displacement: np.ndarray
    criterion: float

    def to_base(self, theta_new: np.ndarray) -> np.ndarray:
        """θ_base = A·θ_new + B."""
        return self.A * np.asarray(theta_new, dtype=float) + self.B


def transform(items: ItemParameters, A: float, B: float) -> ItemParameters:
    """The bank on the base scale: a* = a / A, b* = A·b + B (all thresholds), c* = c."""
    if not (np.isfinite(A) and np.isfinite(B) and A > 0):
        raise ValueError(f"linking constants must be finite with A > 0, got A={A}, B={B}")
    return ItemParameters(
        model=items.model,
        a=items.a / A,
        b=A * items.b + B,
        c=items.c,
        n_categories=items.n_categories,
    )


def mean_sigma(
    new: ItemParameters,
    base: ItemParameters,
    *,
    mean: float = 0.0,
    sd: float = 1.0,
    quadrature: Quadrature = LINKING_QUADRATURE,
) -> LinkingResult:
    """A = σ(b_base) / σ(b_new), B = μ(b_base) − A·μ(b_new) over every anchor threshold.

    ``mean``, ``sd`` and ``quadrature`` only set the grid on which ``displacement`` is reported.
    """
    return _link(new, base, _all_items(new, base), "mean_sigma", _Grid.of(quadrature, mean, sd))


def stocking_lord(
    new: ItemParameters,
    base: ItemParameters,
    *,
    mean: float = 0.0,
    sd: float = 1.0,
    quadrature: Quadrature = LINKING_QUADRATURE,
) -> LinkingResult:
    """Minimise the test-characteristic-curve criterion over (A, B):

    F(A, B) = Σ_q w_q [Σ_j E_j^base(θ_q) − Σ_j E_j^*(θ_q; A, B)]²,

    with E_j(θ) = Σ_k k·P_jk(θ) the expected score of common item j, E^* computed from the new
    parameters transformed by (A, B), θ_q the nodes of ``quadrature`` on the base scale and w_q
    the N(mean, sd²) weights. Solved by ``scipy.optimize.least_squares`` from mean–sigma.
    """
    return _link(
        new, base, _all_items(new, base), "stocking_lord", _Grid.of(quadrature, mean, sd)
    )


def haebara(
    new: ItemParameters,
    base: ItemParameters,
    *,
    mean: float = 0.0,
    sd: float = 1.0,
    quadrature: Quadrature = LINKING_QUADRATURE,
) -> LinkingResult:
    """Minimise the item-characteristic-curve criterion over (A, B):

    H(A, B) = Σ_q w_q Σ_j Σ_k [P_jk^base(θ_q) − P_jk^*(θ_q; A, B)]²,

    summing over every category k of every common item (for a right/wrong item both curves,
    i.e. twice the squared ICC gap, as in the mixed-format extension of Kim & Lee, 2006).
    Grid, weights and solver as in ``stocking_lord``.
    """
    return _link(new, base, _all_items(new, base), "haebara", _Grid.of(quadrature, mean, sd))


def link_with_drift_screening(
    new: ItemParameters,
    base: ItemParameters,
    *,
    method: Method = "stocking_lord",
    threshold: float = 0.1,
    min_anchors: int = 5,
    mean: float = 0.0,
    sd: float = 1.0,
    quadrature: Quadrature = LINKING_QUADRATURE,
) -> LinkingResult:
    """Link, then drop drifted anchors one at a time, worst first, re-linking after each drop.

    An anchor drifts when d_j > ``threshold`` (d_j as in the module docstring: weighted RMS gap
    of its expected-score curves, as a share of its top score). The loop stops when no anchor
    still in use exceeds the threshold. The default 0.1 is what a 0.4-logit shift of b does to a
    typical right/wrong item (a ≈ 1.2, b near the centre); estimation noise of SE(b) ≈ 0.05–0.1
    gives d_j of about 0.01–0.05. Raises ``ValueError`` when fewer than ``min_anchors`` anchors
    would remain.
    """
    grid = _Grid.of(quadrature, mean, sd)
    used = _all_items(new, base)
    if min_anchors < 2:
        raise ValueError("min_anchors must be at least 2: two anchors are needed to fix A and B")
    if used.sum() < min_anchors:
        raise ValueError(f"cannot link: only {used.sum()} anchors, at least {min_anchors} needed")
    dropped: list[int] = []
    while True:
        result = _link(new, base, used, method, grid)
        in_use = np.where(used, result.displacement, -np.inf)
        worst = int(np.argmax(in_use))
        if in_use[worst] <= threshold:
            return replace(result, dropped=np.array(dropped, dtype=int))
        used[worst] = False
        dropped.append(worst)
        if used.sum() < min_anchors:
            raise ValueError(
                f"cannot link: only {used.sum()} anchors left after dropping items {dropped} "
                f"(displacement above {threshold}); at least {min_anchors} are needed"
            )


@dataclass(frozen=True)
class _Grid:
    nodes: np.ndarray
    weights: np.ndarray

    @staticmethod
    def of(quadrature: Quadrature, mean: float, sd: float) -> _Grid:
        nodes = quadrature.nodes
        return _Grid(nodes, np.exp(normal_log_weights(nodes, mean, sd)))


def _all_items(new: ItemParameters, base: ItemParameters) -> np.ndarray:
    """Check that both banks hold the same common items in the same order; all-True mask."""
    if new.n_items != base.n_items:
        raise ValueError(
            f"the new and base banks must hold the same common items: {new.n_items} vs "
            f"{base.n_items} items"
        )
    for j in range(new.n_items):
        if new.model[j] != base.model[j] or new.n_categories[j] != base.n_categories[j]:
            raise ValueError(
                f"common item {j} differs between the banks: {new.model[j]} with "
                f"{new.n_categories[j]} categories vs {base.model[j]} with "
                f"{base.n_categories[j]} categories"
            )
    if new.n_items < 2:
        raise ValueError("cannot link: at least 2 common items are needed")
    return np.ones(new.n_items, dtype=bool)


def _mean_sigma_constants(new: ItemParameters, base: ItemParameters) -> tuple[float, float]:
    width = min(new.b.shape[1], base.b.shape[1])
    b_new, b_base = new.b[:, :width], base.b[:, :width]
    both = ~np.isnan(b_new) & ~np.isnan(b_base)
    b_new, b_base = b_new[both], b_base[both]
    if np.std(b_new) == 0 or np.std(b_base) == 0:
        raise ValueError("cannot link by mean–sigma: the anchor thresholds do not vary")
    A = float(np.std(b_base) / np.std(b_new))
    return A, float(np.mean(b_base) - A * np.mean(b_new))


def _residuals(
    params: np.ndarray, new: ItemParameters, target: np.ndarray, method: Method, grid: _Grid
) -> np.ndarray:
    """r such that Σ r² is the Stocking–Lord or Haebara criterion at (A, B) = params."""
    linked = transform(new, params[0], params[1])
    root_w = np.sqrt(grid.weights)
    if method == "stocking_lord":
        return root_w * (target - expected_scores(grid.nodes, linked).sum(axis=1))
    return (root_w[:, None, None] * (target - probabilities(grid.nodes, linked))).ravel()


def _link(
    new: ItemParameters, base: ItemParameters, used: np.ndarray, method: Method, grid: _Grid
) -> LinkingResult:
    anchors_new, anchors_base = new.subset(used), base.subset(used)
    A, B = _mean_sigma_constants(anchors_new, anchors_base)
    criterion = float("nan")
    if method in ("stocking_lord", "haebara"):
        if method == "stocking_lord":
            target = expected_scores(grid.nodes, anchors_base).sum(axis=1)
        else:
            target = probabilities(grid.nodes, anchors_base)
        fit = least_squares(
            _residuals,
            x0=np.array([A, B]),
            bounds=([1e-3, -np.inf], [np.inf, np.inf]),
            args=(anchors_new, target, method, grid),
            xtol=1e-10,
            ftol=1e-12,
            gtol=1e-12,
        )
        if not fit.success:
            raise ValueError(f"{method} linking did not converge: {fit.message}")
        A, B, criterion = float(fit.x[0]), float(fit.x[1]), float(2.0 * fit.cost)
    elif method != "mean_sigma":
        raise ValueError(f"unknown linking method {method!r}")
    return LinkingResult(
        A=A,
        B=B,
        method=method,
        anchors_used=used.copy(),
        dropped=np.zeros(0, dtype=int),
        displacement=_displacement(transform(new, A, B), base, grid),
        criterion=criterion,
    )


def _displacement(linked: ItemParameters, base: ItemParameters, grid: _Grid) -> np.ndarray:
    """d_j = √(Σ_q w_q [E_j^base(θ_q) − E_j^*(θ_q)]²) / m_j."""
    gap = expected_scores(grid.nodes, base) - expected_scores(grid.nodes, linked)
    return np.sqrt(grid.weights @ gap**2) / max_scores(base)
