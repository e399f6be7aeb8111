"""Mantel–Haenszel and SMD DIF: planted DIF is found, null items stay in class A."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2_contingency
from scipy.stats.contingency import odds_ratio

from talentpool.psychometrics.decisions import wle
from talentpool.psychometrics.dif import ability_strata, mantel_haenszel_dif
from talentpool.psychometrics.items import ItemParameters, dichotomous_items, polytomous_items
from talentpool.psychometrics.simulate import simulate_responses

from .factories import make_items

N_REFERENCE, N_FOCAL = 2000, 1000


def make_groups(
    items: ItemParameters,
    focal_items: ItemParameters,
    rng: np.random.Generator,
    answered_fraction: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Reference θ ~ N(0, 1), focal θ ~ N(−0.5, 1) (a real ability gap, which is not DIF)."""
    reference = simulate_responses(rng.normal(0.0, 1.0, N_REFERENCE), items, rng, answered_fraction)
    focal = simulate_responses(rng.normal(-0.5, 1.0, N_FOCAL), focal_items, rng, answered_fraction)
    is_focal = np.r_[np.zeros(N_REFERENCE, bool), np.ones(N_FOCAL, bool)]
    return np.vstack([reference, focal]), is_focal


def shifted_right_wrong(items: ItemParameters, item: int, shift: float) -> ItemParameters:
    b = items.b[:, 0].copy()
    b[item] += shift
    return dichotomous_items(items.a, b)


def test_mantel_haenszel_finds_planted_dif_and_leaves_null_items_in_class_a() -> None:
    """20 2PL items, 3 replications; the item of middle difficulty (b nearest 0) is 0.8 logits
    harder for the focal group (expected D ≈ −2.35 × a × 0.8 ≈ −2.3). Of the 57 null item
    analyses at most 4 may leave class A."""
    non_a = 0
    for seed in range(3):
        rng = np.random.default_rng(50 + seed)
        items = make_items("2pl", 20, rng)
        dif = int(np.argmin(np.abs(items.b[:, 0])))
        responses, focal = make_groups(items, shifted_right_wrong(items, dif, 0.8), rng)
        result = mantel_haenszel_dif(responses, focal)
        assert result.category[dif] == "C"
        assert result.favours[dif] == "reference"
        assert result.delta[dif] < -1.5
        assert result.p_value[dif] < 1e-6
        assert result.method.tolist() == ["MH"] * 20
        null = np.arange(20) != dif
        non_a += int(np.sum(result.category[null] != "A"))
        assert np.all(np.abs(result.delta[null]) < 1.0)
        assert result.describe(dif).startswith(f"item {dif}: D = -")
        assert result.describe(dif).endswith(", C, favours reference")
    assert non_a <= 4


def test_sparse_designs_match_on_ability_strata() -> None:
    """30 % of cells missing: totals are not comparable, so persons are matched on WLE deciles;
    a planted item favouring the focal group is still found."""
    rng = np.random.default_rng(53)
    items = make_items("2pl", 30, rng)
    responses, focal = make_groups(items, shifted_right_wrong(items, 4, -0.9), rng, 0.7)
    strata = ability_strata(wle(responses, items).theta, n_strata=10)
    result = mantel_haenszel_dif(responses, focal, matching=strata)
    assert result.category[4] in ("B", "C") and result.favours[4] == "focal"
    assert result.delta[4] > 1.0
    assert np.sum(np.delete(result.category, 4) != "A") <= 2
    answered = ~np.isnan(responses[:, 4])
    assert result.n_focal[4] + result.n_reference[4] == answered.sum()


def test_polytomous_items_use_smd_and_mantel() -> None:
    """12 four-category GRM items; item 0's thresholds are 1 logit higher for the focal group."""
    rng = np.random.default_rng(54)
    items = make_items("grm", 12, rng)
    thresholds = items.b.copy()
    thresholds[0] += 1.0
    shifted = polytomous_items(items.a, thresholds, "grm")
    responses, focal = make_groups(items, shifted, rng)
    result = mantel_haenszel_dif(responses, focal, n_categories=items.n_categories)
    assert result.method.tolist() == ["SMD"] * 12
    assert result.category[0] == "C" and result.favours[0] == "reference"
    assert result.effect_size[0] < -0.25
    assert np.isnan(result.delta).all()
    assert np.sum(result.category[1:] != "A") <= 1
    assert "SMD = -" in result.describe(0)


def test_one_stratum_agrees_with_scipy_two_by_two_statistics() -> None:
    """With one stratum α_MH is the sample odds ratio, Var(ln α) is Woolf's 1/A + 1/B + 1/C + 1/D
    and χ²_MH = (N − 1)/N × Pearson's χ² with Yates' correction."""
    a, b, c, d = 60, 40, 30, 50
    responses = np.r_[np.ones(a), np.zeros(b), np.ones(c), np.zeros(d)][:, None]
    focal = np.r_[np.zeros(a + b, bool), np.ones(c + d, bool)]
    result = mantel_haenszel_dif(responses, focal, matching=np.zeros(len(focal)))
    table = np.array([[a, b], [c, d]])
    reference = odds_ratio(table, kind="sample")
    assert result.odds_ratio[0] == pytest.approx(reference.statistic)
    low, high = reference.confidence_interval(0.95)
    woolf_se = (np.log(high) - np.log(low)) / (2 * 1.959963984540054)
    assert result.delta_se[0] == pytest.approx(2.35 * woolf_se, rel=1e-6)
    n = a + b + c + d
    yates = chi2_contingency(table, correction=True).statistic
    assert result.chi_square[0] == pytest.approx((n - 1) / n * yates)
    assert result.delta[0] == pytest.approx(-2.35 * np.log(a * d / (b * c)))


def test_swapping_groups_flips_the_sign_and_keeps_the_test() -> None:
    rng = np.random.default_rng(55)
    items = make_items("2pl", 15, rng)
    responses, focal = make_groups(items, shifted_right_wrong(items, 2, 0.7), rng)
    forward = mantel_haenszel_dif(responses, focal)
    backward = mantel_haenszel_dif(responses, ~focal)
    assert backward.delta == pytest.approx(-forward.delta)
    assert backward.chi_square == pytest.approx(forward.chi_square)
    assert backward.favours[2] == "focal"


def test_items_without_information_are_not_analysed() -> None:
    responses = np.array([[1.0, 1.0], [1.0, 0.0], [1.0, np.nan], [1.0, 1.0]])
    focal = np.array([False, False, True, True])
    result = mantel_haenszel_dif(responses, focal, matching=np.zeros(4))
    assert result.method[0] == "" and result.category[0] == ""
    assert result.describe(0) == "item 0: not analysed (too few informative matched persons)"
    assert result.n_strata[0] == 0
    assert result.n_focal[1] == 1 and result.n_reference[1] == 2
