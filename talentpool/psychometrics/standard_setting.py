"""Cut scores on the θ scale from standard-setting studies: modified Angoff and bookmark.

Modified Angoff: panellist p rates item j with r_pj ∈ [0, 1], the probability that a minimally
competent candidate answers it right (for a partial-credit item, the expected share of its top
score m_j = K_j − 1); NaN = not rated. The expected raw score of that candidate on the items
rated is R = Σ_j m_j·r_j, and the θ cut is where the test characteristic curve of those items,
T(θ) = Σ_j E_j(θ) with E_j(θ) = Σ_k k·P_jk(θ), reaches it: θ = T⁻¹(R) (Brent's method on
``bounds``).

Bookmark: the items are laid out on an item map, one page per score point k ≥ 1 of each item,
ordered by the response-probability location θ_jk solving P(X_j ≥ k | θ) = RP (RP = 0.67 by
default). A panellist's bookmark is the last page a minimally competent candidate masters with
probability RP; the panellist's cut is that page's θ_jk.

In both methods the spread is the SD (n − 1 denominator) of the panellists' θ cuts and the
standard error of the cut is SD / √n_panellists.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from .items import ItemParameters, max_scores
from .models import expected_scores, probabilities

THETA_BOUNDS = (-6.0, 6.0)


@dataclass(frozen=True)
class AngoffResult:
    """Angoff cut on the θ and raw-score scales, with the panellists' own cuts.

    Attributes:
        cut_theta: T⁻¹(cut_raw) on the items rated by anyone.
        cut_raw: Σ_j m_j·r̄_j, with r̄_j the mean rating of item j over the panellists who rated
            it; with complete ratings it is the mean of ``panellist_raw``.
        median_theta: median of ``panellist_thetas``.
        panellist_thetas: T_p⁻¹(R_p) per panellist, on the items that panellist rated.
        panellist_raw: R_p = Σ_j m_j·r_pj per panellist.
        spread_sd: SD of ``panellist_thetas``.
        standard_error: spread_sd / √n_panellists.
        n_panellists, n_items: panellists, and items rated by at least one of them.
    """

    cut_theta: float
    cut_raw: float
    median_theta: float
    panellist_thetas: np.ndarray
    panellist_raw: np.ndarray
    spread_sd: float
    standard_error: float
    n_panellists: int
    n_items: int


@dataclass(frozen=True)
class ItemMap:
    """Pages of an ordered item booklet: ``item`` index and score point ``category`` per page,
    ordered by ``theta`` (the RP location, clipped to the bounds used to compute it)."""

    item: np.ndarray
    category: np.ndarray
    theta: np.ndarray
    response_probability: float

    @property
    def n_pages(self) -> int:
        return len(self.item)


@dataclass(frozen=True)
class BookmarkResult:
    """Bookmark cut: ``cut_theta`` is the mean of the panellists' page locations.

    Attributes:
        cut_theta: mean of ``panellist_thetas``.
        median_theta: median of ``panellist_thetas``.
        panellist_thetas: θ of each panellist's bookmarked page.
        bookmarks: the pages (0-based positions in the item map).
        spread_sd: SD of ``panellist_thetas``.
        standard_error: spread_sd / √n_panellists.
        n_panellists: number of panellists.
        response_probability: RP of the item map.
    """

    cut_theta: float
    median_theta: float
    panellist_thetas: np.ndarray
    bookmarks: np.ndarray
    spread_sd: float
    standard_error: float
    n_panellists: int
    response_probability: float


def angoff(
    ratings: np.ndarray,
    items: ItemParameters,
    *,
    bounds: tuple[float, float] = THETA_BOUNDS,
) -> AngoffResult:
    """Modified-Angoff cut: θ = T⁻¹(Σ_j m_j·r̄_j), and T_p⁻¹(Σ_j m_j·r_pj) per panellist.

    ``ratings`` is ``(n_panellists, n_items)`` in [0, 1], NaN = not rated. A raw cut at or
    below T(bounds[0]) (e.g. under the guessing floor of 3PL items) or at or above
    T(bounds[1]) has no θ and raises ``ValueError``.
    """
    ratings = _validate_ratings(ratings, items.n_items)
    rated = ~np.isnan(ratings)
    top = max_scores(items).astype(float)
    panellist_raw = np.sum(np.where(rated, ratings, 0.0) * top, axis=1)
    panellist_thetas = np.array(
        [
            _theta_at_raw(raw, items.subset(rated[p]), bounds, f"panellist {p}")
            for p, raw in enumerate(panellist_raw)
        ]
    )
    rated_items = rated.any(axis=0)
    rating_sums = np.sum(np.where(rated, ratings, 0.0), axis=0)[rated_items]
    item_means = rating_sums / rated.sum(axis=0)[rated_items]
    cut_raw = float(item_means @ top[rated_items])
    cut_theta = _theta_at_raw(cut_raw, items.subset(rated_items), bounds, "the panel's mean")
    spread_sd, standard_error = _spread(panellist_thetas)
    return AngoffResult(
        cut_theta=cut_theta,
        cut_raw=cut_raw,
        median_theta=float(np.median(panellist_thetas)),
        panellist_thetas=panellist_thetas,
        panellist_raw=panellist_raw,
        spread_sd=spread_sd,
        standard_error=standard_error,
        n_panellists=ratings.shape[0],
        n_items=int(rated_items.sum()),
    )


def item_map(
    items: ItemParameters,
    response_probability: float = 0.67,
    *,
    bounds: tuple[float, float] = THETA_BOUNDS,
) -> ItemMap:
    """One page per score point k = 1..K_j − 1, at θ_jk solving P(X_j ≥ k | θ) = RP, ascending.

    For a right/wrong item θ_j1 = b + logit((RP − c)/(1 − c)) / a. A page whose location lies
    outside ``bounds`` (e.g. a 3PL item with c ≥ RP) is placed on the nearer bound.
    """
    if not 0.0 < response_probability < 1.0:
        raise ValueError(f"response_probability must lie in (0, 1), got {response_probability}")
    pages = []
    for j in range(items.n_items):
        item = items.subset(np.array([j]))
        for k in range(1, int(items.n_categories[j])):
            pages.append((j, k, _rp_location(item, k, response_probability, bounds)))
    order = sorted(range(len(pages)), key=lambda i: (pages[i][2], i))
    return ItemMap(
        item=np.array([pages[i][0] for i in order], dtype=int),
        category=np.array([pages[i][1] for i in order], dtype=int),
        theta=np.array([pages[i][2] for i in order], dtype=float),
        response_probability=response_probability,
    )


def bookmark(bookmarks: np.ndarray, booklet: ItemMap) -> BookmarkResult:
    """Bookmark cut: panellist p's cut is θ of page ``bookmarks[p]`` (0-based; the last page a
    minimally competent candidate masters with probability RP); the cut is their mean."""
    bookmarks = np.asarray(bookmarks, dtype=float)
    if bookmarks.ndim != 1 or len(bookmarks) < 2:
        raise ValueError("bookmarks must be a 1-D array with one page per panellist (at least 2)")
    for p, page in enumerate(bookmarks):
        if not (page == np.round(page) and 0 <= page < booklet.n_pages):
            raise ValueError(
                f"bookmark of panellist {p} is {page}; it must be a page index in "
                f"0..{booklet.n_pages - 1}"
            )
    pages = bookmarks.astype(int)
    thetas = booklet.theta[pages]
    spread_sd, standard_error = _spread(thetas)
    return BookmarkResult(
        cut_theta=float(np.mean(thetas)),
        median_theta=float(np.median(thetas)),
        panellist_thetas=thetas,
        bookmarks=pages,
        spread_sd=spread_sd,
        standard_error=standard_error,
        n_panellists=len(pages),
        response_probability=booklet.response_probability,
    )


def _validate_ratings(ratings: np.ndarray, n_items: int) -> np.ndarray:
    ratings = np.asarray(ratings, dtype=float)
    if ratings.ndim != 2 or ratings.shape[1] != n_items:
        raise ValueError(
            f"ratings must be (n_panellists, {n_items}), one column per item; got {ratings.shape}"
        )
    if ratings.shape[0] < 2:
        raise ValueError("an Angoff study needs at least 2 panellists")
    outside = ~np.isnan(ratings) & ~((ratings >= 0.0) & (ratings <= 1.0))
    if outside.any():
        p, j = np.argwhere(outside)[0]
        raise ValueError(
            f"rating of panellist {p}, item {j} is {ratings[p, j]}; ratings must lie in [0, 1] "
            "(NaN = not rated)"
        )
    silent = np.flatnonzero(np.isnan(ratings).all(axis=1))
    if len(silent):
        raise ValueError(f"panellist {silent[0]} rated no items")
    return ratings


def _theta_at_raw(
    raw: float, items: ItemParameters, bounds: tuple[float, float], who: str
) -> float:
    """θ with T(θ) = raw on ``items``, by Brent's method on ``bounds``."""

    def tcc(theta: float) -> float:
        return float(expected_scores(np.array([theta]), items).sum())

    low, high = bounds
    floor, ceiling = tcc(low), tcc(high)
    if raw <= floor:
        raise ValueError(
            f"{who}: raw cut {raw:.3f} is at or below the floor of the test characteristic "
            f"curve ({floor:.3f} at θ = {low}); no θ in [{low}, {high}] matches it"
        )
    if raw >= ceiling:
        raise ValueError(
            f"{who}: raw cut {raw:.3f} is at or above the ceiling of the test characteristic "
            f"curve ({ceiling:.3f} at θ = {high}); no θ in [{low}, {high}] matches it"
        )
    return float(brentq(lambda theta: tcc(theta) - raw, low, high, xtol=1e-10))


def _rp_location(
    item: ItemParameters, k: int, response_probability: float, bounds: tuple[float, float]
) -> float:
    """θ where P(X ≥ k | θ) = RP for a one-item bank, clipped to ``bounds``."""

    def at_least_k(theta: float) -> float:
        return float(probabilities(np.array([theta]), item)[0, 0, k:].sum())

    low, high = bounds
    if at_least_k(low) >= response_probability:
        return low
    if at_least_k(high) <= response_probability:
        return high
    return float(brentq(lambda t: at_least_k(t) - response_probability, low, high, xtol=1e-10))


def _spread(thetas: np.ndarray) -> tuple[float, float]:
    """(SD with n − 1 denominator, SD / √n)."""
    sd = float(np.std(thetas, ddof=1))
    return sd, sd / float(np.sqrt(len(thetas)))
