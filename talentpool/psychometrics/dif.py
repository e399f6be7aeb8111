"""Differential item functioning between a reference and a focal group, matched on ability.

Persons are matched into strata k (by default the total score). For item j only the persons who
answered it and have a matching value count; strata lacking either group, or where every person
gave the same answer, carry no information and are skipped.

Right/wrong items — Mantel–Haenszel (Holland & Thayer 1988). In stratum k, A/B = reference
right/wrong, C/D = focal right/wrong, n_R = A + B, n_F = C + D, m_1 = A + C, m_0 = B + D, N:

* α_MH = Σ_k A D/N / Σ_k B C/N; MH D-DIF = −2.35 ln α_MH (< 0: the item is harder for the
  focal group than for matched reference members, i.e. it favours the reference group).
* Var(ln α_MH) (Robins, Breslow & Greenland 1986; Phillips & Holland 1987), with
  P = (A + D)/N, Q = (B + C)/N, R = A D/N, S = B C/N:
  Σ P R / (2 (Σ R)²) + Σ (P S + Q R) / (2 Σ R Σ S) + Σ Q S / (2 (Σ S)²); SE(D) = 2.35 √Var.
* χ²_MH = (|Σ A − Σ n_R m_1/N| − ½)² / Σ n_R n_F m_1 m_0 / (N² (N − 1)), 1 df.
* ETS class: A if |D| < 1 or χ²_MH is not significant at 5 %; C if |D| ≥ 1.5 and
  (|D| − 1) / SE(D) > 1.645 (|D| significantly above 1, one-sided 5 %); B otherwise.

Polytomous items — standardized mean difference and Mantel's test (Zwick, Donoghue & Grima
1993; Zwick, Thayer & Mazzeo 1997), with F_k the focal groups' score sum in stratum k and
s_k² the stratum's item-score variance:

* SMD = Σ_k (n_Fk / n_F) (m_Fk − m_Rk), m the mean item score; SE² = Σ_k (n_Fk / n_F)²
  s_k² (1/n_Fk + 1/n_Rk). SMD < 0 favours the reference group. Effect size = SMD / SD_j, the
  item-score SD of everyone who answered it.
* Mantel χ² = (Σ F_k − Σ n_Fk m_k)² / Σ n_Rk n_Fk (N_k Σ y² − (Σ y)²) / (N_k² (N_k − 1)), 1 df.
* Class (ETS AA/BB/CC, reported as A/B/C): A if p ≥ 5 % or |SMD/SD| ≤ 0.17; C if p < 5 % and
  |SMD/SD| > 0.25; B otherwise.

SMD is also reported for right/wrong items (there it is Dorans' STD P-DIF).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.stats import chi2

from .responses import validate_responses

LEVEL = 0.05
Z_ONE_SIDED = 1.6448536269514722


@dataclass(frozen=True)
class DIFResult:
    """DIF statistics, one entry per item; NaN (or "") where an item could not be analysed.

    Attributes:
        method: "MH" (right/wrong), "SMD" (polytomous) or "" (not analysed).
        n_reference, n_focal: persons of each group who answered the item and were matched.
        n_strata: informative strata used.
        odds_ratio, delta, delta_se: α_MH, MH D-DIF and its SE (right/wrong items).
        smd, smd_se, effect_size: SMD, its SE and SMD / SD (every analysed item).
        chi_square, p_value: χ²_MH with continuity correction (MH) or Mantel's χ² (SMD).
        category: "A", "B" or "C" by the rule of ``method`` (module docstring).
        favours: "reference" or "focal" by the sign of D or SMD, "" when it is 0 or NaN.
    """

    method: np.ndarray
    n_reference: np.ndarray
    n_focal: np.ndarray
    n_strata: np.ndarray
    odds_ratio: np.ndarray
    delta: np.ndarray
    delta_se: np.ndarray
    smd: np.ndarray
    smd_se: np.ndarray
    effect_size: np.ndarray
    chi_square: np.ndarray
    p_value: np.ndarray
    category: np.ndarray
    favours: np.ndarray

    def describe(self, item: int) -> str:
        """One report line, e.g. ``item 3: D = -1.80, SE 0.30, C, favours reference``."""
        category, favours = self.category[item], self.favours[item]
        tail = f"{category}, favours {favours}" if category in ("B", "C") and favours else category
        if self.method[item] == "MH":
            delta, se = self.delta[item], self.delta_se[item]
            return f"item {item}: D = {delta:+.2f}, SE {se:.2f}, {tail}"
        if self.method[item] == "SMD":
            return (
                f"item {item}: SMD = {self.smd[item]:+.2f} ({self.effect_size[item]:+.2f} SD), "
                f"SE {self.smd_se[item]:.2f}, {tail}"
            )
        return f"item {item}: not analysed (too few informative matched persons)"


def ability_strata(theta: np.ndarray, n_strata: int = 10) -> np.ndarray:
    """Matching strata from an ability estimate: quantile groups 0..n_strata−1 (NaN stays NaN).

    Use it with ``matching=`` when persons took different items, so total scores are not
    comparable (e.g. strata of the WLE)."""
    theta = np.asarray(theta, dtype=float)
    finite = ~np.isnan(theta)
    strata = np.full(len(theta), np.nan)
    if finite.any():
        edges = np.quantile(theta[finite], np.linspace(0, 1, n_strata + 1)[1:-1])
        strata[finite] = np.searchsorted(edges, theta[finite], side="right")
    return strata


def mantel_haenszel_dif(
    responses: np.ndarray,
    focal: np.ndarray,
    *,
    matching: np.ndarray | None = None,
    n_categories: np.ndarray | None = None,
) -> DIFResult:
    """MH DIF for right/wrong items and SMD/Mantel DIF for polytomous ones (module docstring).

    ``responses`` is ``(n_persons, n_items)`` with NaN = not administered; ``focal`` is True for
    focal-group members and False for the reference group. ``matching`` holds a stratum label
    per person (NaN = leave the person out); the default is the total score over the answered
    items, which is only comparable when everyone took the same items. ``n_categories`` (e.g.
    ``items.n_categories``) tells right/wrong from polytomous items; by default an item is
    right/wrong when no response above 1 was observed. The matching score is not purified.
    """
    responses = validate_responses(responses, n_categories)
    focal = np.asarray(focal, dtype=bool)
    if focal.shape != (responses.shape[0],):
        raise ValueError("focal needs one flag per person (row of responses)")
    if matching is None:
        matching = np.nansum(responses, axis=1)
    matching = np.asarray(matching, dtype=float)
    if n_categories is None:
        top = np.max(np.where(np.isnan(responses), 0.0, responses), axis=0, initial=1.0)
        n_categories = top.astype(int) + 1
    rows = [
        _item_dif(responses[:, j], focal, matching, int(n_categories[j]))
        for j in range(responses.shape[1])
    ]
    return DIFResult(**{name: np.array([row[name] for row in rows]) for name in _EMPTY_ROW})


Row = dict[str, Any]
_EMPTY_ROW: Row = dict(
    method="", n_reference=0, n_focal=0, n_strata=0, odds_ratio=np.nan, delta=np.nan,
    delta_se=np.nan, smd=np.nan, smd_se=np.nan, effect_size=np.nan, chi_square=np.nan,
    p_value=np.nan, category="", favours="",
)  # fmt: skip


def _item_dif(scores: np.ndarray, focal: np.ndarray, matching: np.ndarray, n_cat: int) -> Row:
    used = ~np.isnan(scores) & ~np.isnan(matching)
    y, is_focal = scores[used], focal[used]
    _, stratum = np.unique(matching[used], return_inverse=True)
    n_strata = int(stratum.max()) + 1 if len(stratum) else 0

    def per_stratum(weights: np.ndarray) -> np.ndarray:
        return np.bincount(stratum, weights=weights, minlength=n_strata)

    n_f, n_r = per_stratum(is_focal * 1.0), per_stratum(~is_focal * 1.0)
    sum_f, sum_r = per_stratum(np.where(is_focal, y, 0.0)), per_stratum(np.where(is_focal, 0, y))
    total, squares = n_f + n_r, per_stratum(y**2)
    score_sum = sum_f + sum_r
    spread = total * squares - score_sum**2
    informative = (n_f > 0) & (n_r > 0) & (spread > 1e-9)
    row = dict(_EMPTY_ROW, n_reference=int(n_r.sum()), n_focal=int(n_f.sum()))
    row["n_strata"] = int(informative.sum())
    if not informative.any():
        return row
    k = informative
    n_f, n_r, sum_f, sum_r, total = n_f[k], n_r[k], sum_f[k], sum_r[k], total[k]
    spread, score_sum = spread[k], score_sum[k]
    weight = n_f / n_f.sum()
    variance_k = spread / (total * (total - 1))
    row["smd"] = float(np.sum(weight * (sum_f / n_f - sum_r / n_r)))
    row["smd_se"] = float(np.sqrt(np.sum(weight**2 * variance_k * (1 / n_f + 1 / n_r))))
    sd = float(np.std(y, ddof=1)) if len(y) > 1 else 0.0
    row["effect_size"] = row["smd"] / sd if sd > 0 else np.nan
    var_f = n_r * n_f * spread / (total**2 * (total - 1))
    if n_cat <= 2:
        _mantel_haenszel(row, sum_r, n_r - sum_r, sum_f, n_f - sum_f, var_f)
    else:
        deviation = np.sum(sum_f - n_f * score_sum / total)
        row["chi_square"] = float(deviation**2 / var_f.sum())
        row["p_value"] = float(chi2.sf(row["chi_square"], 1))
        size = abs(row["effect_size"])
        significant = row["p_value"] < LEVEL
        row["method"] = "SMD"
        row["category"] = "A" if not significant or size <= 0.17 else ("C" if size > 0.25 else "B")
        row["favours"] = _favours(row["smd"])
    return row


def _mantel_haenszel(
    row: Row, a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray, var_a: np.ndarray
) -> None:
    n = a + b + c + d
    r, s = a * d / n, b * c / n
    p, q = (a + d) / n, (b + c) / n
    expected_a = (a + b) * (a + c) / n
    row["method"] = "MH"
    corrected = max(abs(a.sum() - expected_a.sum()) - 0.5, 0.0)
    row["chi_square"] = float(corrected**2 / var_a.sum())
    row["p_value"] = float(chi2.sf(row["chi_square"], 1))
    if r.sum() == 0 or s.sum() == 0:
        # α_MH is 0 or ∞: no finite D-DIF to classify.
        row["category"] = ""
        return
    row["odds_ratio"] = float(r.sum() / s.sum())
    variance = (
        np.sum(p * r) / (2 * r.sum() ** 2)
        + np.sum(p * s + q * r) / (2 * r.sum() * s.sum())
        + np.sum(q * s) / (2 * s.sum() ** 2)
    )
    delta = -2.35 * np.log(row["odds_ratio"])
    se = 2.35 * np.sqrt(variance)
    row["delta"], row["delta_se"] = float(delta), float(se)
    size = abs(delta)
    if size < 1.0 or row["p_value"] >= LEVEL:
        row["category"] = "A"
    elif size >= 1.5 and (size - 1.0) / se > Z_ONE_SIDED:
        row["category"] = "C"
    else:
        row["category"] = "B"
    row["favours"] = _favours(delta)


def _favours(effect: float) -> str:
    if not np.isfinite(effect) or effect == 0:
        return ""
    return "focal" if effect > 0 else "reference"
