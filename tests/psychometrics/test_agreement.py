"""Inter-rater agreement: kappa and ICC against hand-computed and published values."""

from __future__ import annotations

import numpy as np
import pytest

from talentpool.psychometrics.agreement import (
    adjacent_agreement,
    exact_agreement,
    icc,
    one_way_icc,
    rater_agreement,
    weighted_kappa,
)

# Shrout & Fleiss (1979), Table 2: 6 targets × 4 judges.
SHROUT_FLEISS = np.array(
    [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
)


def scores_from_table(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rater A's and rater B's scores for a contingency table (rows A, columns B)."""
    k = np.arange(len(table))
    a = np.repeat(np.repeat(k, len(k)), table.ravel())
    b = np.repeat(np.tile(k, len(k)), table.ravel())
    return a, b


def test_unweighted_kappa_of_a_two_by_two_table() -> None:
    """[[20, 5], [10, 15]]: p_o = 35/50 = 0.7; marginals A (0.5, 0.5), B (0.6, 0.4);
    p_e = 0.5·0.6 + 0.5·0.4 = 0.5; κ = (0.7 − 0.5)/(1 − 0.5) = 0.4. With two categories every
    weighting gives the same value."""
    a, b = scores_from_table(np.array([[20, 5], [10, 15]]))
    for weights in ("unweighted", "linear", "quadratic"):
        assert weighted_kappa(a, b, 2, weights) == pytest.approx(0.4)


def test_weighted_kappa_of_a_three_by_three_table_by_hand() -> None:
    """Rows A, columns B, N = 50: [[10, 4, 1], [3, 12, 5], [0, 2, 13]].
    Row marginals (15, 20, 15)/50, column marginals (13, 18, 19)/50.
    In counts (the common factor 1/N cancels): linear weights |k − l|/2 give observed
    Σ w n = (4 + 3 + 5 + 2)·½ + (1 + 0)·1 = 8 and expected Σ w n_k· n_·l / N
    = [½(15·18 + 20·13 + 20·19 + 15·18) + (15·19 + 15·13)]/50 = (590 + 480)/50 = 21.4, so
    κ_lin = 1 − 8/21.4 = 0.626168…; quadratic weights (k − l)²/4 give observed 14·¼ + 1·1 = 4.5
    and expected (¼·1180 + 480)/50 = 15.5, so κ_quad = 1 − 4.5/15.5 = 0.709677…
    Unweighted: p_o = 35/50; p_e = (15·13 + 20·18 + 15·19)/2500 = 840/2500;
    κ = (0.7 − 0.336)/(1 − 0.336) = 0.548193…"""
    a, b = scores_from_table(np.array([[10, 4, 1], [3, 12, 5], [0, 2, 13]]))
    assert weighted_kappa(a, b, 3, "linear") == pytest.approx(1 - 8 / 21.4)
    assert weighted_kappa(a, b, 3, "quadratic") == pytest.approx(1 - 4.5 / 15.5)
    assert weighted_kappa(a, b, 3, "unweighted") == pytest.approx((0.7 - 0.336) / (1 - 0.336))


def test_kappa_matches_scikit_learn() -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(8)
    a = rng.integers(0, 5, 80)
    b = np.clip(a + rng.integers(-2, 3, 80), 0, 4)
    for ours, theirs in (("quadratic", "quadratic"), ("linear", "linear"), ("unweighted", None)):
        expected = metrics.cohen_kappa_score(a, b, weights=theirs)
        assert weighted_kappa(a, b, 5, ours) == pytest.approx(expected)


def test_identical_ratings_have_kappa_one_and_constant_ones_are_undefined() -> None:
    scores = np.array([0, 1, 2, 3, 4, 4, 2, 0])
    for weights in ("quadratic", "linear", "unweighted"):
        assert weighted_kappa(scores, scores, 5, weights) == pytest.approx(1.0)
    assert np.isnan(weighted_kappa([3, 3, 3], [3, 3, 3], 5))


def test_exact_and_adjacent_agreement() -> None:
    a, b = np.array([0, 1, 2, 3, 4]), np.array([0, 2, 4, 3, 3])
    assert exact_agreement(a, b) == pytest.approx(2 / 5)
    assert adjacent_agreement(a, b) == pytest.approx(4 / 5)


def test_icc_reproduces_shrout_and_fleiss() -> None:
    """Published: ICC(1,1) = 0.17, ICC(2,1) = 0.29, ICC(3,1) = 0.71; BMS = 11.24, WMS = 6.26,
    JMS = 32.49, EMS = 1.02."""
    result = icc(SHROUT_FLEISS)
    assert (result.n_subjects, result.n_raters) == (6, 4)
    assert result.icc_1 == pytest.approx(0.17, abs=0.005)
    assert result.icc_a1 == pytest.approx(0.29, abs=0.005)
    assert result.icc_c1 == pytest.approx(0.71, abs=0.005)
    assert (result.bms, result.wms, result.jms, result.ems) == pytest.approx(
        (11.24, 6.26, 32.49, 1.02), abs=0.005
    )


def test_one_way_icc_of_long_ratings() -> None:
    """Balanced data give ICC(1,1). Unbalanced by hand: A (1, 2), B (3, 3, 4), C (0, 1):
    grand mean 2, BMS = (2·¼ + 3·16/9 + 2·9/4)/2 = 31/6, WMS = (½ + ⅔ + ½)/4 = 5/12,
    k₀ = (7 − 17/7)/2 = 16/7, ICC = (31/6 − 5/12)/(31/6 + (9/7)(5/12)) = 399/479."""
    subjects = np.repeat(np.arange(6), 4)
    assert one_way_icc(subjects, SHROUT_FLEISS.ravel()) == pytest.approx(icc(SHROUT_FLEISS).icc_1)
    labels = np.array(["A", "A", "B", "B", "B", "C", "C"])
    assert one_way_icc(labels, [1, 2, 3, 3, 4, 0, 1]) == pytest.approx(399 / 479)


def test_one_way_icc_estimates_absolute_agreement_when_raters_differ_per_subject() -> None:
    """2,000 subjects (σ = 1), each scored by 2 or 3 of 10 raters (severity σ = 0.5, error
    σ = 0.5): the target is σ²_s/(σ²_s + σ²_r + σ²_e) with the realised variances; raters are
    drawn without replacement from the pool, so σ²_r is the pool's variance with divisor 9."""
    rng = np.random.default_rng(21)
    true, severity = rng.normal(size=2000), rng.normal(0, 0.5, 10)
    counts = rng.integers(2, 4, 2000)
    subjects = np.repeat(np.arange(2000), counts)
    raters = np.concatenate([rng.choice(10, c, replace=False) for c in counts])
    scores = true[subjects] + severity[raters] + rng.normal(0, 0.5, len(subjects))
    target = np.var(true) / (np.var(true) + np.var(severity, ddof=1) + 0.25)
    assert one_way_icc(subjects, scores) == pytest.approx(target, abs=0.03)


def test_rater_agreement_summarises_each_rater_against_the_others() -> None:
    subjects = ["s1", "s1", "s2", "s2", "s2", "s3", "s3", "s4", "s4"]
    raters = ["ann", "bo", "ann", "bo", "cy", "bo", "cy", "ann", "cy"]
    scores = [3, 3, 1, 2, 1, 4, 2, 0, 0]
    result = rater_agreement(subjects, raters, scores, 5)
    assert result.raters.tolist() == ["ann", "bo", "cy"]
    assert result.n_ratings.tolist() == [3, 3, 3]
    assert result.mean_score == pytest.approx([4 / 3, 3.0, 1.0])
    # ann's pairs: (3, 3) with bo, (1, 2) with bo, (1, 1) with cy, (0, 0) with cy.
    assert result.n_pairs.tolist() == [4, 4, 4]
    assert result.exact[0] == pytest.approx(3 / 4) and result.adjacent[0] == 1.0
    assert result.kappa[0] == pytest.approx(weighted_kappa([3, 1, 1, 0], [3, 2, 1, 0], 5))
    # bo: (3, 3) ann, (2, 1) ann, (2, 1) cy, (4, 2) cy.
    assert result.exact[1] == pytest.approx(1 / 4) and result.adjacent[1] == pytest.approx(3 / 4)
    # The six pairs once: s1 (3, 3); s2 (1, 2), (1, 1), (2, 1); s3 (4, 2); s4 (0, 0).
    assert result.overall_exact == pytest.approx(3 / 6)
    assert result.overall_adjacent == pytest.approx(5 / 6)
    assert result.icc == pytest.approx(one_way_icc(subjects, scores))
    assert (result.n_subjects, result.n_total_ratings, result.weights) == (4, 9, "quadratic")


def test_a_careless_rater_has_the_lowest_agreement() -> None:
    rng = np.random.default_rng(4)
    true = rng.integers(0, 5, 300)
    subjects = np.repeat(np.arange(300), 2)
    raters = np.concatenate([rng.choice(5, 2, replace=False) for _ in range(300)])
    scores = np.clip(true[subjects] + rng.integers(-1, 2, 600) * (rng.random(600) < 0.3), 0, 4)
    careless = raters == 4
    scores[careless] = rng.integers(0, 5, careless.sum())
    result = rater_agreement(subjects, raters, scores, 5)
    assert np.argmin(result.kappa) == 4 and np.argmin(result.exact) == 4
    # The others' kappas include their pairs with the careless rater, hence only > 0.5.
    assert result.kappa[4] < 0.1
    assert np.min(result.kappa[:4]) > 0.5


@pytest.mark.parametrize(
    ("subjects", "raters", "scores", "message"),
    [
        ([], [], [], "non-empty"),
        ([1, 1], ["a", "b"], [2, 7], "score 7 of rating 1 is not a category 0..4"),
        ([1, 1], ["a", "b"], [2, 1.5], "score 1.5 of rating 1 is not a category"),
        ([1, 1, 2], ["a", "b", "a"], [2, 3, 1], "subject 2 was rated only once"),
        ([1, 1], ["a", "b"], [2, np.nan], "contain NaN"),
        ([1, 1], ["a", "a"], [2, 3], "rater 'a' scored subject 1 more than once"),
        ([1, 1], ["a", "b", "c"], [2, 3], "same length"),
        ([1.0, np.nan], ["a", "b"], [2, 3], "subjects contain NaN"),
    ],
)
def test_bad_ratings_are_rejected_with_a_message_naming_the_problem(
    subjects: list, raters: list, scores: list, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        rater_agreement(np.array(subjects), np.array(raters), np.array(scores), 5)


def test_bad_pairs_and_matrices_are_rejected() -> None:
    with pytest.raises(ValueError, match="equal lengths"):
        weighted_kappa([0, 1], [0], 3)
    with pytest.raises(ValueError, match="weights must be"):
        weighted_kappa([0, 1], [0, 1], 3, "cubic")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="n_categories"):
        weighted_kappa([0, 1], [0, 1], 1)
    with pytest.raises(ValueError, match="complete matrix"):
        icc(np.array([[1, 2], [3, np.nan], [2, 2]]))
    with pytest.raises(ValueError, match="at least 2"):
        icc(np.array([[1, 2]]))
    with pytest.raises(ValueError, match="rated only once"):
        one_way_icc([1, 1, 2], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="non-empty"):
        exact_agreement([], [])
