"""Many-facet Rasch model: recovery of planted rater severities, fit flags, design checks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from talentpool.psychometrics.facets import (
    FacetsResult,
    fit_facets,
    inconsistent_raters,
    rating_design_connected,
)

DIFFICULTY = np.array([-0.6, -0.2, 0.2, 0.6])
SEVERITY = np.linspace(-0.8, 0.8, 6)
THRESHOLDS = np.array([-1.5, -0.5, 0.5, 1.5])


@dataclass(frozen=True)
class Simulated:
    theta: np.ndarray
    candidates: np.ndarray
    criteria: np.ndarray
    raters: np.ndarray
    categories: np.ndarray

    def fit(self, **options) -> FacetsResult:
        return fit_facets(
            self.candidates, self.criteria, self.raters, self.categories, 5, **options
        )


def category_probabilities(eta: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """P_k ∝ exp(k η − Σ_{h≤k} τ_h), written out independently of the module."""
    k = np.arange(len(thresholds) + 1)
    logits = k * eta[:, None] - np.r_[0.0, np.cumsum(thresholds)]
    weights = np.exp(logits - logits.max(axis=1, keepdims=True))
    return weights / weights.sum(axis=1, keepdims=True)


def expected_score(eta: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    return category_probabilities(eta, thresholds) @ np.arange(len(thresholds) + 1)


def make_ratings(
    rng: np.random.Generator,
    n_candidates: int = 200,
    raters_per_candidate: int = 2,
    erratic: int | None = None,
    rater_pool: np.ndarray | None = None,
) -> Simulated:
    """θ ~ N(0, 1); each candidate is scored on the 4 criteria by raters drawn at random from
    ``rater_pool`` (all six by default); rater ``erratic`` gives uniformly random categories."""
    theta = rng.normal(size=n_candidates)
    pool = np.arange(len(SEVERITY)) if rater_pool is None else rater_pool
    drawn = np.array([rng.choice(pool, raters_per_candidate, replace=False) for _ in theta])
    candidates = np.repeat(np.arange(n_candidates), raters_per_candidate * 4)
    raters = np.repeat(drawn.ravel(), 4)
    criteria = np.tile(np.arange(4), n_candidates * raters_per_candidate)
    eta = theta[candidates] - DIFFICULTY[criteria] - SEVERITY[raters]
    cumulative = np.cumsum(category_probabilities(eta, THRESHOLDS), axis=1)
    categories = (rng.random(len(eta))[:, None] > cumulative[:, :-1]).sum(axis=1)
    if erratic is not None:
        mine = raters == erratic
        categories[mine] = rng.integers(0, 5, mine.sum())
    return Simulated(theta, candidates, criteria, raters, categories)


def test_recovers_planted_severities_difficulties_and_thresholds() -> None:
    """200 candidates × 2 random raters of 6 × 4 criteria, categories 0..4 (1,600 ratings).

    JMLE spreads every facet out when a candidate has only 8 ratings. In 100 replications
    (seeds 1000–1099) the slope of estimated on true values averaged 1.16 for severities and
    difficulties and 1.19 for thresholds; the largest error of a replication was at most 0.39
    (severities), 0.29 (difficulties) and 0.58 logits (thresholds), with medians 0.22, 0.13 and
    0.32; the severity correlation was at least 0.96. The tolerances sit just above those
    maxima: 0.45, 0.35 and 0.65 logits. Model SEs of severities ≈ 0.077."""
    data = make_ratings(np.random.default_rng(2024))
    result = data.fit()
    assert result.converged and result.connected
    assert np.corrcoef(result.rater_severity, SEVERITY)[0, 1] > 0.95
    assert np.all(np.abs(result.rater_severity - SEVERITY) < 0.45)
    assert np.corrcoef(result.criterion_difficulty, DIFFICULTY)[0, 1] > 0.95
    assert np.all(np.abs(result.criterion_difficulty - DIFFICULTY) < 0.35)
    assert np.all(np.abs(result.thresholds[0] - THRESHOLDS) < 0.65)
    assert np.sum(result.rater_severity) == pytest.approx(0.0, abs=1e-9)
    assert np.sum(result.criterion_difficulty) == pytest.approx(0.0, abs=1e-9)
    assert np.sum(result.thresholds[0]) == pytest.approx(0.0, abs=1e-9)
    assert np.all((result.rater_se > 0.06) & (result.rater_se < 0.1))
    assert np.all((result.rater_infit > 0.65) & (result.rater_infit < 1.35))
    assert np.all((result.rater_outfit > 0.65) & (result.rater_outfit < 1.35))
    assert len(inconsistent_raters(result)) == 0
    usual = result.candidate_extreme == 0
    assert np.corrcoef(result.theta[usual], data.theta[usual])[0, 1] > 0.85


def test_fair_scores_are_closer_to_the_true_average_rater_scores_than_raw_means() -> None:
    """Truth: Σ_i E(θ_n − δ_i) under a rater of severity 0, on the 0..16 points scale. Over
    100 replications the ratio RMSE(fair)/RMSE(raw) had median 0.79 and maximum 0.92."""
    data = make_ratings(np.random.default_rng(2024))
    result = data.fit()
    truth = sum(expected_score(data.theta - d, THRESHOLDS) for d in DIFFICULTY)

    def rmse(values: np.ndarray) -> float:
        return float(np.sqrt(np.mean((values - truth) ** 2)))

    assert result.fair_scores.shape == (200, 4)
    assert result.max_total == 16
    assert np.allclose(result.fair_total, result.fair_scores.sum(axis=1))
    assert rmse(result.fair_total) < 0.95 * rmse(result.observed_total)


def test_an_erratic_rater_is_flagged_and_consistent_raters_are_not() -> None:
    data = make_ratings(np.random.default_rng(7), erratic=5)
    result = data.fit()
    assert inconsistent_raters(result).tolist() == [5]
    assert result.rater_infit[5] > 1.5 and result.rater_outfit[5] > 1.5
    assert result.rater_infit_z[5] > 3 and result.rater_outfit_z[5] > 3
    assert np.all(np.abs(result.rater_infit_z[:5]) < result.rater_infit_z[5])


def test_the_fit_range_is_a_parameter() -> None:
    result = make_ratings(np.random.default_rng(2024)).fit()
    assert len(inconsistent_raters(result, 0.99, 1.01)) > 0
    with pytest.raises(ValueError, match="contain 1"):
        inconsistent_raters(result, 1.1, 1.5)


def test_a_design_with_two_disjoint_rater_groups_is_not_connected() -> None:
    rng = np.random.default_rng(3)
    first = make_ratings(rng, n_candidates=50, rater_pool=np.array([0, 1]))
    second = make_ratings(rng, n_candidates=50, rater_pool=np.array([2, 3]))
    candidates = np.r_[first.candidates, second.candidates + 50]
    raters = np.r_[first.raters, second.raters]
    design = rating_design_connected(candidates, raters)
    assert not design.connected and design.n_subsets == 2
    assert "2 disconnected subsets" in design.reason and "50/2, 50/2" in design.reason
    assert set(design.candidate_subset[:50]) == {0} and set(design.candidate_subset[50:]) == {1}
    result = fit_facets(
        candidates, np.r_[first.criteria, second.criteria], raters,
        np.r_[first.categories, second.categories], 5,
    )  # fmt: skip
    assert not result.connected and result.design.reason == design.reason
    linked = rating_design_connected(np.r_[candidates, 0], np.r_[raters, 2])
    assert linked.connected and linked.reason == "" and linked.n_subsets == 1


def test_extreme_candidates_are_left_out_then_placed_by_the_03_point_adjustment() -> None:
    """Candidates 200 (all 0) and 201 (all 4) do not change the other measures; each gets the θ
    at which its expected raw score is 0.3 points from its extreme."""
    data = make_ratings(np.random.default_rng(11))
    plain = data.fit()
    extra_candidates = np.repeat([200, 201], 8)
    extra_raters = np.array([0] * 4 + [3] * 4 + [1] * 4 + [5] * 4)
    extra_criteria = np.tile(np.arange(4), 4)
    extra_categories = np.repeat([0, 4], 8)
    result = fit_facets(
        np.r_[data.candidates, extra_candidates], np.r_[data.criteria, extra_criteria],
        np.r_[data.raters, extra_raters], np.r_[data.categories, extra_categories], 5,
    )  # fmt: skip
    assert np.allclose(result.rater_severity, plain.rater_severity, atol=1e-8)
    assert np.allclose(result.criterion_difficulty, plain.criterion_difficulty, atol=1e-8)
    assert result.candidate_extreme[200] == -1 and result.candidate_extreme[201] == 1
    assert result.theta[200] < np.percentile(plain.theta, 1)
    assert result.theta[201] > np.percentile(plain.theta, 99)
    assert np.all(np.isfinite(result.theta_se[200:]))
    assert np.all(np.isnan(result.candidate_infit[200:]))
    for candidate, target in ((200, 0.3), (201, 32 - 0.3)):
        rows = slice(0, 8) if candidate == 200 else slice(8, 16)
        eta = (result.theta[candidate] - result.criterion_difficulty[extra_criteria[rows]]
               - result.rater_severity[extra_raters[rows]])  # fmt: skip
        assert expected_score(eta, result.thresholds[0]).sum() == pytest.approx(target, abs=1e-6)
    assert 0 < result.fair_total[200] < 1 and 15 < result.fair_total[201] < 16
    assert result.observed_total[200] == 0 and result.observed_total[201] == 16


def test_an_all_top_scores_rater_is_placed_by_the_adjustment_and_unrated_indices_are_nan() -> None:
    """Rater 6 gives 4 on every criterion to candidates 0–4; candidate 202 is rated by raters 0
    and 1 while indices 200 and 201 have no ratings at all."""
    data = make_ratings(np.random.default_rng(11))
    plain = data.fit()
    lenient = 20
    extra_rows = 8
    result = fit_facets(
        np.r_[data.candidates, np.repeat(np.arange(5), 4), np.full(extra_rows, 202)],
        np.r_[data.criteria, np.tile(np.arange(4), 5), np.tile(np.arange(4), 2)],
        np.r_[data.raters, np.full(lenient, 6), np.repeat([0, 1], 4)],
        np.r_[data.categories, np.full(lenient, 4), [1, 2, 2, 3, 2, 2, 1, 3]],
        5,
    )
    assert result.rater_extreme.tolist() == [0] * 6 + [1]
    assert result.rater_severity[6] < np.min(result.rater_severity[:6]) - 0.5
    assert np.isfinite(result.rater_se[6]) and np.isnan(result.rater_infit[6])
    assert result.rater_n[6] == lenient
    assert np.allclose(result.rater_severity[:6], plain.rater_severity, atol=0.05)
    assert np.all(np.isnan(result.theta[200:202]))
    assert result.candidate_n[200:202].tolist() == [0, 0]
    assert np.all(np.isnan(result.fair_total[200:202]))
    assert np.all(np.isnan(result.observed_total[200:202]))
    assert np.isfinite(result.theta[202]) and result.candidate_extreme[202] == 0


def test_partial_credit_form_allows_criteria_with_different_maxima() -> None:
    """Criteria scored 0..2, 0..4, 0..3 and 0..4, each with its own thresholds; 300 candidates.
    In 100 replications the largest errors were at most 0.36 (severities), 0.26 (difficulties)
    and 0.76 logits (thresholds, spread out by JMLE like the rating-scale ones)."""
    rng = np.random.default_rng(5)
    steps = [np.array([-0.8, 0.8]), THRESHOLDS, np.array([-1.0, 0.0, 1.0]), THRESHOLDS * 0.6]
    theta = rng.normal(size=300)
    candidates = np.repeat(np.arange(300), 8)
    raters = np.repeat(np.array([rng.choice(6, 2, replace=False) for _ in theta]).ravel(), 4)
    criteria = np.tile(np.arange(4), 600)
    categories = np.zeros(len(candidates), dtype=int)
    for i, tau in enumerate(steps):
        rows = criteria == i
        eta = theta[candidates[rows]] - DIFFICULTY[i] - SEVERITY[raters[rows]]
        cumulative = np.cumsum(category_probabilities(eta, tau), axis=1)
        categories[rows] = (rng.random(rows.sum())[:, None] > cumulative[:, :-1]).sum(axis=1)
    n_categories = np.array([3, 5, 4, 5])
    with pytest.raises(ValueError, match="same n_categories"):
        fit_facets(candidates, criteria, raters, categories, n_categories)
    result = fit_facets(candidates, criteria, raters, categories, n_categories,
                        form="partial_credit")  # fmt: skip
    assert result.converged and result.max_total == 13
    assert np.all(np.abs(result.criterion_difficulty - DIFFICULTY) < 0.35)
    assert np.all(np.abs(result.rater_severity - SEVERITY) < 0.45)
    assert np.isnan(result.thresholds[0, 2:]).all() and np.isnan(result.thresholds[2, 3])
    for i, tau in enumerate(steps):
        assert np.all(np.abs(result.thresholds[i, : len(tau)] - tau) < 0.85)
        assert np.sum(result.thresholds[i, : len(tau)]) == pytest.approx(0.0, abs=1e-9)
    assert np.all(result.fair_scores <= n_categories - 1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"categories": np.array([0, 1, 5, 2])}, "category 5 of rating 2 is outside 0..4"),
        ({"categories": np.array([0, 1, np.nan, 2])}, "categories contains NaN"),
        ({"raters": np.array([0, 1, 1])}, "same length"),
        ({"candidates": np.array([0, -1, 1, 1])}, "candidates must be non-negative integers"),
        ({"candidates": [], "criteria": [], "raters": [], "categories": []}, "no ratings"),
        ({"categories": np.array([0, 0, 0, 0])}, "extreme score"),
        ({"n_categories": 1}, "at least 2"),
        ({"n_categories": [5]}, "criterion 1 has no entry"),
        ({"form": "pcm"}, "form must be"),
        ({"criteria": np.array([0, 2, 0, 2])}, "criterion 1 has no ratings"),
    ],
)
def test_bad_input_is_rejected_with_a_message_naming_the_problem(
    change: dict, message: str
) -> None:
    arguments = {
        "candidates": np.array([0, 0, 1, 1]), "criteria": np.array([0, 1, 0, 1]),
        "raters": np.array([0, 1, 1, 0]), "categories": np.array([0, 1, 2, 4]), "n_categories": 5,
    }  # fmt: skip
    arguments.update(change)
    with pytest.raises(ValueError, match=message):
        fit_facets(**arguments)


def test_a_category_nobody_used_is_reported() -> None:
    data = make_ratings(np.random.default_rng(2024))
    categories = np.minimum(data.categories, 3)
    with pytest.raises(ValueError, match=r"category 4 \(of 0..4\) never occurs"):
        fit_facets(data.candidates, data.criteria, data.raters, categories, 5)
