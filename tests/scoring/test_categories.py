"""Category thresholds turn a score into an ordered category for polytomous IRT."""

from __future__ import annotations

import pytest

from talentpool.scoring import ScoringError, categorize, validate_thresholds


@pytest.mark.parametrize(
    ("value", "thresholds", "category"),
    [
        (0.3, [0.5, 0.9], 0),
        (0.5, [0.5, 0.9], 1),  # a threshold equal to the value counts
        (0.89, [0.5, 0.9], 1),
        (0.95, [0.5, 0.9], 2),
        (1.0, [1.0], 1),  # dichotomous single-choice item
        (0.999, [1.0], 0),
        (0.0, [0.25, 0.5, 0.75], 0),
        (1.0, (0.25, 0.5, 0.75), 3),
    ],
)
def test_category_counts_thresholds_at_or_below_the_value(
    value: float, thresholds, category: int
) -> None:
    assert categorize(value, thresholds) == category


@pytest.mark.parametrize(
    ("thresholds", "message"),
    [
        ([], r"^thresholds: must have between 1 and 10"),
        ([0.5, 0.5], r"^thresholds\[1\]: must be greater than the previous threshold"),
        ([0.9, 0.5], r"^thresholds\[1\]: must be greater than the previous threshold"),
        ([0.0, 0.5], r"^thresholds\[0\]: must be in \(0, 1\]"),
        ([0.5, 1.1], r"^thresholds\[1\]: must be in \(0, 1\]"),
        ([True], r"^thresholds\[0\]: must be a number"),
        ([float("nan")], r"^thresholds\[0\]: must be in \(0, 1\]"),
        ("0.5", r"^thresholds: must be a list of numbers"),
    ],
)
def test_invalid_thresholds_name_the_position(thresholds: object, message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        validate_thresholds(thresholds)


def test_categorize_rejects_a_value_outside_the_unit_interval() -> None:
    with pytest.raises(ScoringError, match=r"^value: must be a number in \[0, 1\]"):
        categorize(1.5, [0.5])
