"""The free parameters of a calibration: starting values, grouping by model, packing into one
vector for the accelerated EM, and anchors.

Free items are grouped by (model, number of categories) so that each group's M-step is one
batched Fisher-scoring update (see ``mstep``). The vector x = (η of every group, then μ, σ when
the ability distribution is estimated) is what SQUAREM iterates on.
"""

from __future__ import annotations

import numpy as np

from .items import MODELS, ItemParameters
from .mstep import Priors, from_internal, log_prior, to_internal

# SQUAREM may jump a little past the M-step's slope bounds (LOG_SLOPE_BOUNDS); beyond this
# the point is invalid.
VALID_LOG_SLOPE = 4.0


def starting_items(
    counts: np.ndarray, models: np.ndarray, n_categories: np.ndarray
) -> ItemParameters:
    """Rough starting values from the category counts N_jk: a = 1 and thresholds from the
    smoothed cumulative proportions p_jk = (Σ_{h≥k} N_jh + 0.5) / (Σ_h N_jh + 1)."""
    width = max(int(n_categories.max()) - 1, 1)
    b = np.full((len(models), width), np.nan)
    answered = counts.sum(axis=1)
    for k in range(1, width + 1):
        has_k = n_categories > k
        at_least = counts[:, k:].sum(axis=1)
        proportion = (at_least + 0.5) / (answered + 1.0)
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


def n_parameters(model: str, n_categories: int) -> int:
    return {"1pl": 1, "2pl": 2, "3pl": 3}.get(model, n_categories)


def model_groups(
    models: np.ndarray, n_categories: np.ndarray, held: np.ndarray
) -> dict[tuple[str, int], np.ndarray]:
    """Indices of the free items (not ``held``), grouped by (model, number of categories)."""
    groups: dict[tuple[str, int], np.ndarray] = {}
    for model in MODELS:
        for n_cat in np.unique(n_categories[models == model]):
            index = np.flatnonzero((models == model) & (n_categories == n_cat) & ~held)
            if len(index):
                groups[(model, int(n_cat))] = index
    return groups


class ParameterLayout:
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
            width = n_parameters(model, n_cat)
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
            if model != "1pl" and np.any(np.abs(eta[:, 0]) > VALID_LOG_SLOPE):
                return False
        return sd > 0.05

    def log_prior(self, etas: dict, priors: Priors, slopes: np.ndarray) -> float:
        """Σ of the items' log-prior densities (0 without priors)."""
        if not priors.active:
            return 0.0
        return sum(
            log_prior(model, etas[(model, n_cat)], priors, slopes[idx])
            for (model, n_cat), idx in self.groups.items()
        )


def assemble(
    items: ItemParameters, groups: dict[tuple[str, int], np.ndarray], etas: dict
) -> ItemParameters:
    """``items`` with the free items' parameters taken from ``etas``."""
    a, b, c = items.a.copy(), items.b.copy(), items.c.copy()
    for (model, n_cat), idx in groups.items():
        a_new, b_new, c_new = from_internal(model, etas[(model, n_cat)], items.a[idx])
        a[idx], c[idx] = a_new, c_new
        b[idx, : n_cat - 1] = b_new
    return ItemParameters(items.model, a, b, c, items.n_categories)


def with_anchors(
    items: ItemParameters, anchors: ItemParameters, fixed: np.ndarray
) -> ItemParameters:
    """``items`` with the rows marked ``fixed`` taken from the anchor bank."""
    if anchors.n_items != items.n_items:
        raise ValueError("`anchors` must hold a row for every item (only anchor rows are used)")
    if np.any(anchors.model[fixed] != items.model[fixed]):
        raise ValueError("anchor models differ from the calibration models")
    a, b, c = items.a.copy(), items.b.copy(), items.c.copy()
    width = min(b.shape[1], anchors.b.shape[1])
    a[fixed], c[fixed] = anchors.a[fixed], anchors.c[fixed]
    b[fixed, :width] = anchors.b[fixed, :width]
    return ItemParameters(items.model, a, b, c, items.n_categories)
