"""Inter-rater agreement on ordinal scores 0..m: weighted kappa, ICC, exact and adjacent agreement.

Weighted kappa (Cohen 1968) for two raters who scored the same subjects: with p_kl the share of
subjects that rater A put in category k and rater B in l, the marginals p_k· and p_·l, expected
shares e_kl = p_k· p_·l and disagreement weights w_kl,

    κ_w = 1 − Σ_kl w_kl p_kl / Σ_kl w_kl e_kl,

with w_kl = (k − l)²/m² (quadratic; Fleiss & Cohen 1973 show it approximates the ICC),
|k − l|/m (linear) or 1[k ≠ l] (unweighted Cohen's κ) for categories 0..m. κ_w = 1 for perfect
agreement, 0 for chance agreement; it is NaN when Σ w e = 0 (both raters gave one and the same
category every time, so chance already explains everything).

Exact agreement: share of pairs with equal scores; adjacent agreement: share with |a − b| ≤ 1
(exact included), the usual "exact plus adjacent" rate of essay scoring.

Intraclass correlation (Shrout & Fleiss 1979; McGraw & Wong 1996) from a complete n × k matrix
(subjects × raters), with BMS, JMS, EMS, WMS the mean squares of subjects (df n − 1), raters
(df k − 1), residual (df (n − 1)(k − 1)) and within subjects (df n(k − 1)):

* ICC(1,1) = (BMS − WMS) / (BMS + (k − 1) WMS)  (one-way random: each subject its own raters);
* ICC(2,1) = ICC(A,1) = (BMS − EMS) / (BMS + (k − 1) EMS + k (JMS − EMS)/n)
  (two-way random, absolute agreement of single ratings);
* ICC(3,1) = ICC(C,1) = (BMS − EMS) / (BMS + (k − 1) EMS)  (consistency, raters fixed).

Incomplete designs. Answers are scored by 2–3 raters drawn from a pool, so the subject × rater
matrix is mostly empty and the two-way ANOVA has no rater margin to estimate. The overall ICC of
long-format ratings is therefore the one-way ICC(1) for unequal group sizes (ANOVA estimator,
Shrout & Fleiss case 1; Donner 1986): with N ratings, k_s ratings of subject s and
k₀ = (N − Σ_s k_s²/N)/(n − 1), ICC(1) = (BMS − WMS)/(BMS + (k₀ − 1) WMS). With raters drawn at
random it estimates the same quantity as ICC(A,1), σ²_subject/(σ²_subject + σ²_rater + σ²_error):
rater severity differences count as disagreement, which is what a candidate scored by different
raters experiences. For one pair of raters who share subjects, ``icc`` on their complete
two-column matrix gives ICC(A,1) proper. Negative ICC estimates are reported as computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

Weights = Literal["quadratic", "linear", "unweighted"]


@dataclass(frozen=True)
class ICCResult:
    """Shrout–Fleiss ICCs of a complete matrix and the ANOVA mean squares behind them."""

    n_subjects: int
    n_raters: int
    icc_1: float
    icc_a1: float
    icc_c1: float
    bms: float
    jms: float
    ems: float
    wms: float


@dataclass(frozen=True)
class AgreementSummary:
    """Agreement of long-format ratings, per rater (arrays aligned with ``raters``) and overall.

    For a rater, pairs are (their score, another rater's score of the same subject); ``kappa``
    is the weighted kappa of those pairs. Overall figures use every pair of ratings of a subject
    once; ``icc`` is the one-way ICC(1) (module docstring).
    """

    raters: np.ndarray
    n_ratings: np.ndarray
    mean_score: np.ndarray
    n_pairs: np.ndarray
    exact: np.ndarray
    adjacent: np.ndarray
    kappa: np.ndarray
    n_subjects: int
    n_total_ratings: int
    overall_exact: float
    overall_adjacent: float
    icc: float
    weights: str


def weighted_kappa(
    a: np.ndarray, b: np.ndarray, n_categories: int, weights: Weights = "quadratic"
) -> float:
    """Cohen's weighted kappa of two raters' scores 0..n_categories−1 of the same subjects."""
    a = validate_scores(a, n_categories, "a")
    b = validate_scores(b, n_categories, "b")
    if len(a) != len(b):
        raise ValueError("a and b need one score each for the same subjects (equal lengths)")
    m = n_categories - 1
    k = np.arange(n_categories)
    gap = np.abs(k[:, None] - k[None, :]).astype(float)
    if weights == "quadratic":
        w = gap**2 / m**2
    elif weights == "linear":
        w = gap / m
    elif weights == "unweighted":
        w = (gap > 0).astype(float)
    else:
        raise ValueError("weights must be 'quadratic', 'linear' or 'unweighted'")
    observed = np.zeros((n_categories, n_categories))
    np.add.at(observed, (a, b), 1.0)
    observed /= len(a)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    chance = float(np.sum(w * expected))
    if chance <= 1e-15:
        return float("nan")
    return 1.0 - float(np.sum(w * observed)) / chance


def exact_agreement(a: np.ndarray, b: np.ndarray) -> float:
    """Share of subjects both raters scored the same."""
    a, b = _pair(a, b)
    return float(np.mean(a == b))


def adjacent_agreement(a: np.ndarray, b: np.ndarray) -> float:
    """Share of subjects the two raters scored at most one point apart (exact included)."""
    a, b = _pair(a, b)
    return float(np.mean(np.abs(a - b) <= 1))


def icc(matrix: np.ndarray) -> ICCResult:
    """ICC(1,1), ICC(A,1) = ICC(2,1) and ICC(C,1) of a complete (subjects × raters) matrix."""
    y = np.asarray(matrix, dtype=float)
    if y.ndim != 2 or y.shape[0] < 2 or y.shape[1] < 2:
        raise ValueError("icc needs a (subjects × raters) matrix with at least 2 of each")
    if np.isnan(y).any():
        raise ValueError(
            "icc needs a complete matrix (found NaN); for designs where raters differ per "
            "subject use one_way_icc on long-format ratings"
        )
    n, k = y.shape
    grand = y.mean()
    rows, columns = y.mean(axis=1), y.mean(axis=0)
    bms = k * np.sum((rows - grand) ** 2) / (n - 1)
    jms = n * np.sum((columns - grand) ** 2) / (k - 1)
    ems = np.sum((y - rows[:, None] - columns[None, :] + grand) ** 2) / ((n - 1) * (k - 1))
    wms = np.sum((y - rows[:, None]) ** 2) / (n * (k - 1))
    return ICCResult(
        n_subjects=n,
        n_raters=k,
        icc_1=_ratio(bms - wms, bms + (k - 1) * wms),
        icc_a1=_ratio(bms - ems, bms + (k - 1) * ems + k * (jms - ems) / n),
        icc_c1=_ratio(bms - ems, bms + (k - 1) * ems),
        bms=float(bms),
        jms=float(jms),
        ems=float(ems),
        wms=float(wms),
    )


def one_way_icc(subjects: np.ndarray, scores: np.ndarray) -> float:
    """One-way ICC(1) of long-format ratings, subjects with unequal numbers of ratings allowed."""
    subjects = _labels(subjects, "subjects")
    y = np.asarray(scores, dtype=float)
    if len(y) != len(subjects) or len(y) == 0:
        raise ValueError("subjects and scores need one entry per rating, and at least one")
    if np.isnan(y).any():
        raise ValueError(f"scores contain NaN (rating {int(np.flatnonzero(np.isnan(y))[0])})")
    _, group = np.unique(subjects, return_inverse=True)
    counts = np.bincount(group)
    _require_two_ratings(subjects, group, counts)
    n, total = len(counts), len(y)
    if n < 2:
        raise ValueError("an ICC needs at least two subjects")
    means = np.bincount(group, y) / counts
    bms = np.sum(counts * (means - y.mean()) ** 2) / (n - 1)
    wms = np.sum((y - means[group]) ** 2) / (total - n)
    k0 = (total - np.sum(counts**2) / total) / (n - 1)
    return _ratio(bms - wms, bms + (k0 - 1) * wms)


def rater_agreement(
    subjects: np.ndarray,
    raters: np.ndarray,
    scores: np.ndarray,
    n_categories: int,
    *,
    weights: Weights = "quadratic",
) -> AgreementSummary:
    """Per-rater and overall agreement of long-format ratings (one row per subject and rater).

    Subjects and raters may be any labels (ints or strings). Every subject needs at least two
    ratings from different raters. Call it once per item for a per-item view."""
    subjects, raters = _labels(subjects, "subjects"), _labels(raters, "raters")
    y = validate_scores(scores, n_categories, "scores")
    if not len(subjects) == len(raters) == len(y):
        raise ValueError("subjects, raters and scores must have the same length")
    _, group = np.unique(subjects, return_inverse=True)
    rater_ids, who = np.unique(raters, return_inverse=True)
    _require_two_ratings(subjects, group, np.bincount(group))
    cell = group * len(rater_ids) + who
    repeated = np.flatnonzero(np.bincount(cell) > 1)
    if len(repeated):
        row = int(np.flatnonzero(cell == repeated[0])[0])
        raise ValueError(
            f"rater {_show(raters[row])} scored subject {_show(subjects[row])} more than once"
        )
    one, two = _pairs(group)
    first, second = np.concatenate([one, two]), np.concatenate([two, one])
    n_raters = len(rater_ids)
    per_rater = [np.flatnonzero(who[first] == j) for j in range(n_raters)]
    own = [y[first[p]] for p in per_rater]
    other = [y[second[p]] for p in per_rater]
    return AgreementSummary(
        raters=rater_ids,
        n_ratings=np.bincount(who, minlength=n_raters),
        mean_score=np.bincount(who, y, minlength=n_raters) / np.bincount(who, minlength=n_raters),
        n_pairs=np.array([len(p) for p in per_rater]),
        exact=np.array([np.mean(a == b) for a, b in zip(own, other)]),
        adjacent=np.array([np.mean(np.abs(a - b) <= 1) for a, b in zip(own, other)]),
        kappa=np.array([weighted_kappa(a, b, n_categories, weights) for a, b in zip(own, other)]),
        n_subjects=int(group.max()) + 1,
        n_total_ratings=len(y),
        overall_exact=exact_agreement(y[one], y[two]),
        overall_adjacent=adjacent_agreement(y[one], y[two]),
        icc=one_way_icc(group, y) if group.max() > 0 else float("nan"),
        weights=weights,
    )


def validate_scores(scores: np.ndarray, n_categories: int, name: str) -> np.ndarray:
    """Scores as integers, checked to be finite and within 0..n_categories−1."""
    if int(n_categories) != n_categories or n_categories < 2:
        raise ValueError("n_categories must be an integer of at least 2 (scores 0..m, m ≥ 1)")
    values = np.asarray(scores, dtype=float)
    if values.ndim != 1 or len(values) == 0:
        raise ValueError(f"{name} must be a non-empty 1-d array of scores")
    bad = np.flatnonzero(np.isnan(values))
    if len(bad):
        raise ValueError(f"{name} contain NaN (rating {int(bad[0])})")
    bad = np.flatnonzero((values < 0) | (values > n_categories - 1) | (values != np.round(values)))
    if len(bad):
        raise ValueError(
            f"{name}: score {values[bad[0]]:g} of rating {int(bad[0])} is not a category "
            f"0..{int(n_categories) - 1}"
        )
    return values.astype(np.int64)


def _pairs(group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every unordered pair of ratings of the same subject once, as two index arrays."""
    order = np.argsort(group, kind="stable")
    sorted_group = group[order]
    one, two = [], []
    for lag in range(1, int(np.bincount(group).max())):
        same = sorted_group[:-lag] == sorted_group[lag:]
        one.append(order[:-lag][same])
        two.append(order[lag:][same])
    return np.concatenate(one), np.concatenate(two)


def _pair(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.ndim != 1 or a.shape != b.shape or len(a) == 0:
        raise ValueError("a and b need one score each for the same subjects (equal, non-empty)")
    if np.isnan(a).any() or np.isnan(b).any():
        raise ValueError("scores contain NaN")
    return a, b


def _labels(values: np.ndarray, name: str) -> np.ndarray:
    values = np.asarray(values)
    if values.ndim != 1:
        raise ValueError(f"{name} must be a 1-d array of labels")
    if values.dtype.kind == "f" and np.isnan(values).any():
        raise ValueError(f"{name} contain NaN")
    if values.dtype.kind == "O" and any(v is None for v in values):
        raise ValueError(f"{name} contain None")
    return values


def _require_two_ratings(subjects: np.ndarray, group: np.ndarray, counts: np.ndarray) -> None:
    single = np.flatnonzero(counts < 2)
    if len(single):
        label = subjects[int(np.flatnonzero(group == single[0])[0])]
        raise ValueError(
            f"subject {_show(label)} was rated only once; agreement needs at least two ratings of "
            f"every subject ({len(single)} subject(s) rated once)"
        )


def _show(label: object) -> str:
    """A label as the caller wrote it: 'a' or 7, not np.str_('a') or np.int64(7)."""
    return repr(label.item() if isinstance(label, np.generic) else label)


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if abs(denominator) > 1e-15 else float("nan")
