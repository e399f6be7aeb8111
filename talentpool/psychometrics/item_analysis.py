"""Classical and IRT item statistics, with flags for items an editor should look at.

For item j (sums over the persons who answered it; m_j = K_j − 1 is the top score):

* p-value: p_j = mean_i x_ij / m_j (proportion of the top score).
* point-biserial: the correlation between x_ij and the person's rest score, which in a sparse
  design is the proportion of the available points earned on the *other* items they answered:
  (S_i − x_ij) / (M_i − m_j), S_i and M_i being the person's earned and available points.
* outfit = mean_i z_ij², infit = Σ_i (x_ij − E_ij)² / Σ_i V_ij, with E_ij and V_ij the model mean
  and variance of x_ij at θ̂_i and z_ij = (x_ij − E_ij)/√V_ij. Both have expectation 1 under the
  model; values well above 1 mean noise, well below 1 mean over-predictable (dependence).
* exposure rate: the share of tests (default: the persons in ``responses``) that used the item.

``responses`` is a ``(n_persons, n_items)`` matrix with NaN gaps or ``LongResponses``; the long
form is summed answer by answer (``np.bincount`` per item), with model probabilities evaluated
for one block of persons at a time, so nothing of size persons × items is built.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .ability import eap
from .items import ItemParameters
from .long_ability import eap_long
from .models import probabilities
from .responses import LongResponses, answer_blocks, check_categories, validate_responses

PERSON_CHUNK = 2048


@dataclass(frozen=True)
class FlagThresholds:
    """Limits beyond which an item is flagged."""

    min_slope: float = 0.5
    min_point_biserial: float = 0.15
    fit_range: tuple[float, float] = (0.7, 1.3)
    max_exposure: float = 0.25


@dataclass(frozen=True)
class ItemStatistics:
    """Per-item statistics (arrays of length ``n_items``) and boolean flags."""

    n_responses: np.ndarray
    p_value: np.ndarray
    point_biserial: np.ndarray
    infit: np.ndarray
    outfit: np.ndarray
    exposure_rate: np.ndarray
    low_discrimination: np.ndarray
    misfit: np.ndarray
    over_exposed: np.ndarray

    @property
    def flagged(self) -> np.ndarray:
        return self.low_discrimination | self.misfit | self.over_exposed


def _nan_ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan
        )


def point_biserial(responses: np.ndarray, max_scores: np.ndarray) -> np.ndarray:
    """Item–rest correlation per item (see module docstring); NaN when undefined."""
    answered = ~np.isnan(responses)
    scores = np.where(answered, responses, 0.0)
    available = answered * max_scores[None, :]
    rest_points = scores.sum(axis=1, keepdims=True) - scores
    rest_available = available.sum(axis=1, keepdims=True) - available
    usable = answered & (rest_available > 0)
    rest = np.where(usable, rest_points / np.where(usable, rest_available, 1), 0.0)
    count = usable.sum(axis=0)
    mean_x = _nan_ratio(np.where(usable, scores, 0).sum(axis=0), count)
    mean_r = _nan_ratio(rest.sum(axis=0), count)
    dx = np.where(usable, scores - mean_x, 0.0)
    dr = np.where(usable, rest - mean_r, 0.0)
    covariance = (dx * dr).sum(axis=0)
    scale = np.sqrt((dx**2).sum(axis=0) * (dr**2).sum(axis=0))
    return _nan_ratio(covariance, scale)


def fit_mean_squares(
    responses: np.ndarray, items: ItemParameters, theta: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(infit, outfit) per item at the given abilities."""
    n_items = items.n_items
    squared = np.zeros(n_items)
    variance_sum = np.zeros(n_items)
    standardized = np.zeros(n_items)
    counts = np.zeros(n_items)
    categories = np.arange(items.max_categories)
    for start in range(0, len(theta), PERSON_CHUNK):
        rows = slice(start, start + PERSON_CHUNK)
        probs = probabilities(theta[rows], items)
        expected = probs @ categories
        variance = probs @ categories**2 - expected**2
        answered = ~np.isnan(responses[rows])
        residual2 = np.where(answered, (np.nan_to_num(responses[rows]) - expected) ** 2, 0.0)
        safe_variance = np.maximum(variance, 1e-9)
        squared += residual2.sum(axis=0)
        variance_sum += np.where(answered, variance, 0.0).sum(axis=0)
        standardized += (residual2 / safe_variance).sum(axis=0)
        counts += answered.sum(axis=0)
    return _nan_ratio(squared, variance_sum), _nan_ratio(standardized, counts)


def point_biserial_long(responses: LongResponses, max_scores: np.ndarray) -> np.ndarray:
    """``point_biserial`` for long responses, two passes of per-item sums over the answers."""
    n_items, n_persons = responses.n_items, responses.n_persons
    earned, available = np.zeros(n_persons), np.zeros(n_persons)
    for block in answer_blocks(responses.n_answers):
        person = responses.person[block]
        earned += np.bincount(person, weights=responses.category[block], minlength=n_persons)
        available += np.bincount(person, max_scores[responses.item[block]], minlength=n_persons)

    def answers():
        for block in answer_blocks(responses.n_answers):
            person, item = responses.person[block], responses.item[block]
            score = responses.category[block].astype(float)
            rest_available = available[person] - max_scores[item]
            usable = rest_available > 0
            rest = (earned[person] - score)[usable] / rest_available[usable]
            yield item[usable], score[usable], rest

    count, sum_x, sum_r = np.zeros(n_items), np.zeros(n_items), np.zeros(n_items)
    for item, score, rest in answers():
        count += np.bincount(item, minlength=n_items)
        sum_x += np.bincount(item, score, minlength=n_items)
        sum_r += np.bincount(item, rest, minlength=n_items)
    mean_x, mean_r = _nan_ratio(sum_x, count), _nan_ratio(sum_r, count)
    covariance, var_x, var_r = np.zeros(n_items), np.zeros(n_items), np.zeros(n_items)
    for item, score, rest in answers():
        dx, dr = score - mean_x[item], rest - mean_r[item]
        covariance += np.bincount(item, dx * dr, minlength=n_items)
        var_x += np.bincount(item, dx**2, minlength=n_items)
        var_r += np.bincount(item, dr**2, minlength=n_items)
    return _nan_ratio(covariance, np.sqrt(var_x * var_r))


def fit_mean_squares_long(
    responses: LongResponses, items: ItemParameters, theta: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``fit_mean_squares`` for long responses, one block of persons at a time."""
    n_items = items.n_items
    squared, variance_sum = np.zeros(n_items), np.zeros(n_items)
    standardized, counts = np.zeros(n_items), np.zeros(n_items)
    categories = np.arange(items.max_categories)
    for start in range(0, responses.n_persons, PERSON_CHUNK):
        stop = min(start + PERSON_CHUNK, responses.n_persons)
        answers = slice(responses.indptr[start], responses.indptr[stop])
        probs = probabilities(theta[start:stop], items)
        row = responses.person[answers] - start
        item = responses.item[answers]
        chosen = probs[row, item]  # (n_answers, K)
        expected = chosen @ categories
        variance = chosen @ categories**2 - expected**2
        residual2 = (responses.category[answers] - expected) ** 2
        squared += np.bincount(item, residual2, minlength=n_items)
        variance_sum += np.bincount(item, variance, minlength=n_items)
        standardized += np.bincount(item, residual2 / np.maximum(variance, 1e-9), n_items)
        counts += np.bincount(item, minlength=n_items)
    return _nan_ratio(squared, variance_sum), _nan_ratio(standardized, counts)


def item_analysis(
    responses: np.ndarray | LongResponses,
    items: ItemParameters,
    *,
    theta: np.ndarray | None = None,
    n_tests: int | None = None,
    thresholds: FlagThresholds = FlagThresholds(),
) -> ItemStatistics:
    """All statistics and flags; ``theta`` defaults to the EAP estimates of the same responses."""
    max_scores = (items.n_categories - 1).astype(float)
    if isinstance(responses, LongResponses):
        check_categories(responses, items.n_categories)
        if theta is None:
            theta = eap_long(responses, items).theta
        n_responses = np.zeros(items.n_items, dtype=np.int64)
        earned = np.zeros(items.n_items)
        for block in answer_blocks(responses.n_answers):
            item = responses.item[block]
            n_responses += np.bincount(item, minlength=items.n_items)
            earned += np.bincount(item, responses.category[block], minlength=items.n_items)
        correlation = point_biserial_long(responses, max_scores)
        fit = fit_mean_squares_long(responses, items, np.asarray(theta, dtype=float))
        n_persons = responses.n_persons
    else:
        responses = validate_responses(responses, items.n_categories)
        if theta is None:
            theta = eap(responses, items).theta
        n_responses = (~np.isnan(responses)).sum(axis=0)
        earned = np.nansum(responses, axis=0)
        correlation = point_biserial(responses, max_scores)
        fit = fit_mean_squares(responses, items, np.asarray(theta, dtype=float))
        n_persons = len(responses)
    p_value = _nan_ratio(earned, n_responses * max_scores)
    infit, outfit = fit
    exposure = n_responses / float(n_tests if n_tests is not None else n_persons)
    low, high = thresholds.fit_range
    with np.errstate(invalid="ignore"):
        low_discrimination = (items.a < thresholds.min_slope) | (
            correlation < thresholds.min_point_biserial
        )
        misfit = (infit < low) | (infit > high) | (outfit < low) | (outfit > high)
    return ItemStatistics(
        n_responses=n_responses,
        p_value=p_value,
        point_biserial=correlation,
        infit=infit,
        outfit=outfit,
        exposure_rate=exposure,
        low_discrimination=low_discrimination,
        misfit=misfit,
        over_exposed=exposure > thresholds.max_exposure,
    )
