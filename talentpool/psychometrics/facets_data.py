"""Long-format ratings for the many-facet Rasch model: validation, extreme scores, start values.

Private helpers of ``facets.fit_facets``; the model and its conventions are in ``facets``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Ratings:
    """Validated long-format ratings (integer arrays of one length) and each criterion's top m_i.

    ``facet(0|1|2)`` gives the candidate, criterion or rater index of every rating."""

    candidate: np.ndarray
    criterion: np.ndarray
    rater: np.ndarray
    category: np.ndarray
    top: np.ndarray
    sizes: tuple[int, int, int]

    def facet(self, which: int) -> np.ndarray:
        return (self.candidate, self.criterion, self.rater)[which]


def validated_ratings(
    candidates: np.ndarray,
    criteria: np.ndarray,
    raters: np.ndarray,
    categories: np.ndarray,
    n_categories: int | np.ndarray,
    form: str,
) -> Ratings:
    """The arguments of ``facets.fit_facets`` checked, as integer arrays; ValueError otherwise."""
    arrays = [
        indices(values, name)
        for values, name in zip(
            (candidates, criteria, raters, categories),
            ("candidates", "criteria", "raters", "categories"),
        )
    ]
    if len({len(a) for a in arrays}) != 1:
        raise ValueError("candidates, criteria, raters and categories must have the same length")
    if len(arrays[0]) == 0:
        raise ValueError("no ratings given")
    counts = np.asarray(n_categories, dtype=float)
    if counts.ndim > 1 or np.any(counts < 2) or np.any(counts != np.round(counts)):
        raise ValueError("n_categories must be integers of at least 2 (categories 0..m, m ≥ 1)")
    if counts.ndim == 0:
        counts = np.full(int(arrays[1].max()) + 1, int(counts))
    elif arrays[1].max() >= counts.size:
        raise ValueError(f"criterion {arrays[1].max()} has no entry in n_categories")
    if form == "rating_scale" and len(np.unique(counts)) > 1:
        raise ValueError(
            "the rating-scale form needs the same n_categories for every criterion; "
            "use form='partial_credit' for criteria with different maxima"
        )
    top = counts.astype(np.int64) - 1
    above = arrays[3] > top[arrays[1]]
    if above.any():
        row = int(np.flatnonzero(above)[0])
        raise ValueError(
            f"category {arrays[3][row]} of rating {row} is outside 0..{top[arrays[1][row]]} "
            f"for criterion {arrays[1][row]}"
        )
    unrated = np.flatnonzero(np.bincount(arrays[1], minlength=len(top)) == 0)
    if len(unrated):
        raise ValueError(f"criterion {unrated[0]} has no ratings")
    sizes = (int(arrays[0].max()) + 1, len(top), int(arrays[2].max()) + 1)
    return Ratings(*arrays, top=top, sizes=sizes)


def find_extremes(r: Ratings) -> tuple[np.ndarray, list[np.ndarray]]:
    """Drop elements whose every rating is the minimum (−1) or the maximum (+1), repeatedly.

    Returns the mask of ratings left for estimation and, per facet, −1/0/+1 per element."""
    active = np.ones(len(r.category), dtype=bool)
    extreme = [np.zeros(size, dtype=np.int8) for size in r.sizes]
    maximum = r.top[r.criterion]
    changed = True
    while changed:
        changed = False
        for facet in range(3):
            index, size = r.facet(facet)[active], r.sizes[facet]
            count = np.bincount(index, minlength=size)
            score = np.bincount(index, r.category[active], minlength=size)
            top = np.bincount(index, maximum[active], minlength=size)
            low, high = (count > 0) & (score == 0), (count > 0) & (score == top)
            if low.any() or high.any():
                extreme[facet][low], extreme[facet][high] = -1, 1
                active &= ~np.isin(r.facet(facet), np.flatnonzero(low | high))
                changed = True
    return active, extreme


def threshold_groups(r: Ratings, shared: bool) -> list[np.ndarray]:
    """Criteria sharing one set of thresholds: all of them (rating scale) or each alone."""
    return [np.arange(len(r.top))] if shared else [np.array([i]) for i in range(len(r.top))]


def require_categories(r: Ratings, active: np.ndarray, form: str) -> None:
    """Raise unless every category of every threshold set occurs among the ``active`` ratings."""
    for group in threshold_groups(r, form == "rating_scale"):
        rows = active & np.isin(r.criterion, group)
        seen = np.bincount(r.category[rows], minlength=r.top[group[0]] + 1)
        if np.all(seen > 0):
            continue
        missing = int(np.flatnonzero(seen == 0)[0])
        where = "" if form == "rating_scale" else f" of criterion {group[0]}"
        raise ValueError(
            f"category {missing}{where} (of 0..{r.top[group[0]]}) never occurs among the "
            "non-extreme ratings, so its threshold cannot be estimated; merge categories"
        )


def start_thresholds(r: Ratings, active: np.ndarray, shared: bool) -> np.ndarray:
    """τ_k = log(n_{k−1}/n_k), centred: the thresholds if every η were 0."""
    thresholds = np.full((len(r.top), int(r.top.max())), np.nan)
    for group in threshold_groups(r, shared):
        top = int(r.top[group[0]])
        seen = np.bincount(r.category[active & np.isin(r.criterion, group)], minlength=top + 1)
        steps = np.log(seen[:-1] / seen[1:])
        thresholds[group, :top] = steps - steps.mean()
    return thresholds


def indices(values: np.ndarray, name: str) -> np.ndarray:
    """``values`` as non-negative int64 indices; ValueError naming ``name`` otherwise."""
    values = np.asarray(values)
    if values.ndim != 1:
        raise ValueError(f"{name} must be a 1-d array")
    if values.dtype.kind not in "iuf" and len(values):
        raise ValueError(f"{name} must be integer indices")
    as_float = values.astype(float)
    if np.any(~np.isfinite(as_float)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if np.any(as_float < 0) or np.any(as_float != np.round(as_float)):
        raise ValueError(f"{name} must be non-negative integers")
    return as_float.astype(np.int64)
