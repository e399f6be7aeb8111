"""Angoff and bookmark cut scores recover a known cut from simulated panels.

Simulated panellist p has a personal cut θ_p ~ N(θ*, 0.25²) and rates each item with its true
expected share of the top score at θ_p plus N(0, 0.08²) judgement noise (clipped to [0, 1]).
The panel's cut must lie within 3 reported standard errors of θ*; across 80 panels the
reported SE must match the empirical SD of the cut (ratio 0.75–1.33: the SD of 80 draws has a
relative spread of ≈ 8 %).
"""

from __future__ import annotations


import numpy as np
import pytest
from scipy.special import logit

from talentpool.psychometrics.items import (
    ItemParameters,
    concatenate_items,
    dichotomous_items,
    max_scores,
)
from talentpool.psychometrics.models import expected_scores, probabilities
from talentpool.psychometrics.standard_setting import angoff, bookmark, item_map

from .factories import make_items, rms

TRUE_CUT = 0.3
PANEL_SD = 0.25
RATING_NOISE = 0.08


def make_test_form(rng: np.random.Generator) -> ItemParameters:
    """30 items: 16 2PL, 4 3PL, 5 three-category GRM, 5 three-category GPCM."""
    return concatenate_items(
        make_items("2pl", 16, rng),
        make_items("3pl", 4, rng),
        make_items("grm", 5, rng, 3),
        make_items("gpcm", 5, rng, 3),
    )


def make_ratings(
    items: ItemParameters, panellist_cuts: np.ndarray, rng: np.random.Generator, noise: float
) -> np.ndarray:
    """True expected share of the top score at each panellist's cut, plus N(0, noise²)."""
    share = expected_scores(panellist_cuts, items) / max_scores(items)
    return np.clip(share + rng.normal(0.0, noise, share.shape), 0.0, 1.0)


def tcc(theta: float, items: ItemParameters) -> float:
    return float(expected_scores(np.array([theta]), items).sum())


def test_exact_ratings_give_each_panellists_cut_and_the_tcc_at_the_mean_raw_cut() -> None:
    items = make_test_form(np.random.default_rng(60))
    cuts = np.array([-0.4, 0.1, 0.3, 0.9])
    result = angoff(make_ratings(items, cuts, np.random.default_rng(0), 0.0), items)
    assert np.allclose(result.panellist_thetas, cuts, atol=1e-6)
    raw = expected_scores(cuts, items).sum(axis=1)
    assert np.allclose(result.panellist_raw, raw)
    assert result.cut_raw == pytest.approx(raw.mean())
    assert tcc(result.cut_theta, items) == pytest.approx(raw.mean())
    assert result.median_theta == pytest.approx(0.2, abs=1e-6)
    assert result.spread_sd == pytest.approx(np.std(cuts, ddof=1), abs=1e-6)
    assert result.standard_error == pytest.approx(result.spread_sd / 2)
    assert (result.n_panellists, result.n_items) == (4, 30)


def test_noisy_panel_recovers_the_cut_and_each_panellists_cut() -> None:
    """Per panellist, the rating noise moves the raw cut by σ·√(Σ m_j²), i.e. θ_p by that over
    the TCC slope T'(θ_p); the estimates must stay within 2 × that prediction (RMS)."""
    rng = np.random.default_rng(61)
    items = make_test_form(rng)
    cuts = rng.normal(TRUE_CUT, PANEL_SD, 15)
    result = angoff(make_ratings(items, cuts, rng, RATING_NOISE), items)
    assert abs(result.cut_theta - TRUE_CUT) < 3 * result.standard_error
    assert 0.5 * PANEL_SD < result.spread_sd < 1.5 * PANEL_SD
    slope = np.array([(tcc(c + 1e-4, items) - tcc(c - 1e-4, items)) / 2e-4 for c in cuts])
    predicted = RATING_NOISE * np.sqrt(np.sum(max_scores(items) ** 2)) / slope
    assert rms(result.panellist_thetas - cuts) < 2 * rms(predicted)
    assert result.median_theta == pytest.approx(np.median(result.panellist_thetas))


def test_reported_standard_error_matches_the_spread_of_the_cut_over_panels() -> None:
    rng = np.random.default_rng(62)
    items = make_test_form(rng)
    results = [
        angoff(make_ratings(items, rng.normal(TRUE_CUT, PANEL_SD, 10), rng, RATING_NOISE), items)
        for _ in range(80)
    ]
    cuts = np.array([r.cut_theta for r in results])
    reported = rms(np.array([r.standard_error for r in results]))
    assert 0.75 < np.std(cuts, ddof=1) / reported < 1.33
    assert abs(cuts.mean() - TRUE_CUT) < 3 * np.std(cuts, ddof=1) / np.sqrt(len(cuts))


def test_unrated_items_are_left_out_of_each_cut() -> None:
    rng = np.random.default_rng(63)
    items = make_test_form(rng)
    ratings = make_ratings(items, rng.normal(TRUE_CUT, PANEL_SD, 12), rng, RATING_NOISE)
    ratings[rng.random(ratings.shape) < 0.3] = np.nan
    ratings[:, 7] = np.nan  # nobody rated item 7
    result = angoff(ratings, items)
    assert result.n_items == 29
    rated = np.arange(30) != 7
    assert result.cut_raw == pytest.approx(
        np.nanmean(ratings[:, rated], axis=0) @ max_scores(items)[rated]
    )
    first = ~np.isnan(ratings[0])
    assert tcc(result.panellist_thetas[0], items.subset(first)) == pytest.approx(
        np.nansum(ratings[0] * max_scores(items))
    )
    assert abs(result.cut_theta - TRUE_CUT) < 3 * result.standard_error


@pytest.mark.parametrize(("value", "shown"), [(1.3, "1.3"), (-0.1, "-0.1"), (np.inf, "inf")])
def test_rating_outside_zero_one_names_panellist_and_item(value: float, shown: str) -> None:
    items = make_test_form(np.random.default_rng(64))
    ratings = np.full((4, 30), 0.5)
    ratings[2, 5] = value
    with pytest.raises(ValueError, match=f"panellist 2, item 5 is {shown}"):
        angoff(ratings, items)


def test_malformed_panels_are_refused() -> None:
    items = make_test_form(np.random.default_rng(65))
    with pytest.raises(ValueError, match=r"\(n_panellists, 30\)"):
        angoff(np.full((3, 29), 0.5), items)
    with pytest.raises(ValueError, match="at least 2 panellists"):
        angoff(np.full((1, 30), 0.5), items)
    ratings = np.full((3, 30), 0.5)
    ratings[1] = np.nan
    with pytest.raises(ValueError, match="panellist 1 rated no items"):
        angoff(ratings, items)


def test_raw_cut_outside_the_tcc_raises_floor_or_ceiling() -> None:
    """3PL items with c = 0.2: a borderline candidate below chance level has no θ."""
    items = dichotomous_items(np.ones(10), np.linspace(-1, 1, 10), np.full(10, 0.2))
    ratings = np.full((3, 10), 0.5)
    ratings[1] = 0.15
    with pytest.raises(ValueError, match=r"panellist 1: raw cut 1\.500 is at or below the floor"):
        angoff(ratings, items)
    ratings[1] = 1.0
    with pytest.raises(ValueError, match=r"panellist 1: raw cut 10\.000 is at or above the ceil"):
        angoff(ratings, items)


def test_item_map_places_each_score_point_at_its_response_probability() -> None:
    rng = np.random.default_rng(66)
    items = make_test_form(rng)
    rp = 0.67
    pages = item_map(items, rp)
    assert pages.n_pages == 16 + 4 + 2 * 5 + 2 * 5
    assert np.all(np.diff(pages.theta) >= 0)
    for item, k, theta in zip(pages.item, pages.category, pages.theta, strict=True):
        a, b, c = items.a[item], items.b[item, k - 1], items.c[item]
        if items.model[item] in ("2pl", "3pl"):
            assert theta == pytest.approx(b + logit((rp - c) / (1 - c)) / a)
        elif items.model[item] == "grm":
            assert theta == pytest.approx(b + logit(rp) / a)
        at_least_k = probabilities(np.array([theta]), items)[0, item, k:].sum()
        assert at_least_k == pytest.approx(rp)


def test_item_map_puts_unreachable_locations_on_the_bound() -> None:
    items = dichotomous_items(np.array([1.0, 1.0]), np.array([0.0, 8.0]), np.array([0.7, 0.0]))
    pages = item_map(items, 0.67, bounds=(-5.0, 5.0))
    assert pages.theta.tolist() == [-5.0, 5.0] and pages.item.tolist() == [0, 1]


def test_bookmark_panel_recovers_the_cut() -> None:
    """Each panellist bookmarks the last page located at or below their own cut, so the cut is
    biased down by at most one page gap; allow 3 SE plus the largest gap near θ*."""
    rng = np.random.default_rng(67)
    items = make_items("2pl", 60, rng)
    pages = item_map(items)
    cuts = rng.normal(TRUE_CUT, PANEL_SD, 15)
    marks = np.searchsorted(pages.theta, cuts, side="right") - 1
    result = bookmark(marks, pages)
    assert np.allclose(result.panellist_thetas, pages.theta[marks])
    assert np.all(result.panellist_thetas <= cuts)
    near = (pages.theta > TRUE_CUT - 1) & (pages.theta < TRUE_CUT + 1)
    largest_gap = np.diff(pages.theta[near]).max()
    assert abs(result.cut_theta - TRUE_CUT) < 3 * result.standard_error + largest_gap
    assert result.standard_error == pytest.approx(np.std(pages.theta[marks], ddof=1) / np.sqrt(15))
    assert result.response_probability == 0.67


def test_bookmark_outside_the_booklet_names_the_panellist() -> None:
    pages = item_map(make_items("2pl", 10, np.random.default_rng(68)))
    with pytest.raises(ValueError, match="bookmark of panellist 1 is 10.0"):
        bookmark(np.array([3, 10, 4]), pages)
    with pytest.raises(ValueError, match="bookmark of panellist 2 is 2.5"):
        bookmark(np.array([3, 4, 2.5]), pages)
