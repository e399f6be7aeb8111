"""Degenerate items, found in the answers before calibration or in the estimates after it.

Only free items are checked (anchors keep their given parameters). For item j with K_j declared
categories:

Held out of the calibration — their answers do not enter the likelihood and their parameters
and standard errors are NaN:

* ``no_responses``: nobody answered the item.
* ``no_variance``: every answer is the same category; the likelihood keeps rising as the
  threshold runs to ±∞.
* ``unused_category``: a polytomous item whose declared categories 0..K_j−1 are not all
  observed; the thresholds next to an unused category run to ±∞. Merge it into a neighbour (or
  declare fewer categories) and calibrate again.

Calibrated, but flagged:

* ``separation``: the item's categories are perfectly ordered by the rest score (the share of
  the available points the person earned on the *other* items they answered, as in
  ``item_analysis``): for consecutive observed categories k < k', max rest(k) < min rest(k'),
  over the answers that have a rest score. As in logistic regression, the likelihood then
  rises without bound with the slope; a slope prior keeps the estimate finite, but it rests on
  the prior.
* ``slope_at_bound``: log a ended on a bound of the M-step, a = 40 (near-perfect separation) or
  a = 0.02 (no discrimination, or discrimination the wrong way).
* ``unstable``: a standard error of a, a threshold or c is not finite or exceeds
  ``MAX_STANDARD_ERROR``; the data hardly determine that parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .items import ItemParameters
from .mstep import LOG_SLOPE_BOUNDS
from .responses import LongResponses, answer_blocks
from .standard_errors import ItemStandardErrors

HELD_OUT_KINDS = ("no_responses", "no_variance", "unused_category")
MAX_STANDARD_ERROR = 10.0
# A slope within 1 % of a bound of the M-step counts as on it (EM may still be creeping there).
AT_BOUND = 0.01


@dataclass(frozen=True)
class ItemProblem:
    """Why item ``item`` (its index) is degenerate: a ``kind`` (see module docstring) and a
    sentence for people."""

    item: int
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"item {self.item}: {self.detail}"


def data_problems(
    responses: LongResponses, counts: np.ndarray, n_categories: np.ndarray, free: np.ndarray
) -> list[ItemProblem]:
    """Problems visible in the answers; ``counts`` are the category counts N_jk."""
    problems = []
    for j in np.flatnonzero(free):
        k_j = int(n_categories[j])
        observed = np.flatnonzero(counts[j, :k_j])
        total = int(counts[j].sum())
        if total == 0:
            problems.append(ItemProblem(int(j), "no_responses", "nobody answered this item"))
        elif len(observed) == 1:
            detail = f"no response variance: all {total} answers are category {observed[0]}"
            problems.append(ItemProblem(int(j), "no_variance", detail))
        elif len(observed) < k_j:
            unused = ", ".join(str(k) for k in sorted(set(range(k_j)) - set(observed.tolist())))
            detail = (
                f"unused category: {unused} of 0..{k_j - 1} never observed (merge it into a "
                "neighbour or declare fewer categories)"
            )
            problems.append(ItemProblem(int(j), "unused_category", detail))
    held = np.zeros(len(free), dtype=bool)
    held[[p.item for p in problems]] = True
    for j in np.flatnonzero(separated_items(responses, n_categories, free & ~held)):
        detail = (
            "perfect separation: its categories are perfectly ordered by the rest score, so "
            "the slope is not determined by the data"
        )
        problems.append(ItemProblem(int(j), "separation", detail))
    return problems


def separated_items(
    responses: LongResponses, n_categories: np.ndarray, candidates: np.ndarray
) -> np.ndarray:
    """Per item: are its observed categories perfectly ordered by the rest score?"""
    n_persons, n_items = responses.n_persons, responses.n_items
    width = int(n_categories.max()) if n_items else 2
    top = (np.asarray(n_categories) - 1).astype(float)
    earned, available = np.zeros(n_persons), np.zeros(n_persons)
    for block in answer_blocks(responses.n_answers):
        person = responses.person[block]
        earned += np.bincount(person, weights=responses.category[block], minlength=n_persons)
        available += np.bincount(person, weights=top[responses.item[block]], minlength=n_persons)
    low = np.full(n_items * width, np.inf)
    high = np.full(n_items * width, -np.inf)
    for block in answer_blocks(responses.n_answers):
        person, item = responses.person[block], responses.item[block]
        category = responses.category[block]
        rest_available = available[person] - top[item]
        usable = (rest_available > 0) & candidates[item]
        rest = (earned[person][usable] - category[usable]) / rest_available[usable]
        key = item[usable].astype(np.int64) * width + category[usable]
        np.minimum.at(low, key, rest)
        np.maximum.at(high, key, rest)
    low, high = low.reshape(n_items, width), high.reshape(n_items, width)
    separated = np.zeros(n_items, dtype=bool)
    for j in np.flatnonzero(candidates):
        seen = np.flatnonzero(np.isfinite(low[j]))
        if len(seen) >= 2:
            separated[j] = bool(np.all(high[j, seen[:-1]] < low[j, seen[1:]]))
    return separated


def estimate_problems(
    items: ItemParameters, errors: ItemStandardErrors, estimated: np.ndarray
) -> list[ItemProblem]:
    """Problems visible in the estimates of the ``estimated`` items."""
    problems = []
    low, high = LOG_SLOPE_BOUNDS
    for j in np.flatnonzero(estimated):
        model = str(items.model[j])
        if model != "1pl":
            log_a = float(np.log(items.a[j]))
            if log_a >= high - AT_BOUND:
                detail = (
                    f"slope ran to its upper bound (a = {items.a[j]:.3g}): the likelihood keeps "
                    "rising with the slope (near-perfect separation)"
                )
                problems.append(ItemProblem(int(j), "slope_at_bound", detail))
            elif log_a <= low + AT_BOUND:
                detail = (
                    f"slope ran to its lower bound (a = {items.a[j]:.3g}): the item does not "
                    "discriminate, or discriminates the wrong way"
                )
                problems.append(ItemProblem(int(j), "slope_at_bound", detail))
        named = [("a", errors.a[j])] if model != "1pl" else []
        thresholds = int(items.n_categories[j]) - 1
        named += [
            ("b" if thresholds == 1 else f"b{k + 1}", errors.b[j, k]) for k in range(thresholds)
        ]
        if model == "3pl":
            named.append(("c", errors.c[j]))
        for name, value in named:
            if not np.isfinite(value) or value > MAX_STANDARD_ERROR:
                detail = f"standard error of {name} is {value:.3g}: the data hardly determine it"
                problems.append(ItemProblem(int(j), "unstable", detail))
                break
    return problems
