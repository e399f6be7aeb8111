"""What every task type shares: the ``Score`` result, the scorer interface, categories."""

from __future__ import annotations

import copy
import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from talentpool.scoring.errors import ScoringError

MAX_THRESHOLDS = 10


@dataclass(frozen=True)
class Score:
    """A scored answer: ``value`` in [0, 1] and a JSON-serialisable ``feedback`` the UI draws."""

    value: float
    feedback: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not (isinstance(self.value, float) and 0.0 <= self.value <= 1.0):
            raise ValueError(f"Score.value must be a float in [0, 1], got {self.value!r}")


class TaskScorer(ABC):
    """One task type: validates its spec, gold and answer shapes and scores answers.

    A scorer takes plain JSON data and never sees a request or a database row.
    ``score`` validates the answer first, so any JSON value given as an answer
    either scores or raises :class:`ScoringError`. The spec and gold are trusted
    to have passed ``validate_spec`` and ``validate_gold`` when the item was
    imported.
    """

    type_id: ClassVar[str]
    default_thresholds: ClassVar[tuple[float, ...]]
    # Human-scored types (``rubric``) score only the empty answer themselves; raters score
    # the rest, and ``score_points`` turns their points into a value.
    human_scored: ClassVar[bool] = False
    # Types whose gold may be empty (an image without objects, an annotation without errors):
    # for them "nothing marked" can be the right answer, so it cannot simply be refused.
    empty_can_be_right: ClassVar[bool] = False

    @abstractmethod
    def validate_spec(self, spec: Any) -> None:
        """Raise ScoringError naming the field if ``spec`` is malformed."""

    @abstractmethod
    def validate_gold(self, spec: Any, gold: Any) -> None:
        """Raise ScoringError naming the field if ``gold`` is malformed for ``spec``."""

    @abstractmethod
    def validate_answer(self, spec: Any, answer: Any) -> None:
        """Raise ScoringError naming the field if ``answer`` is malformed for ``spec``."""

    @abstractmethod
    def empty_answer(self, spec: Any) -> dict[str, Any]:
        """The answer a trainee gives by submitting nothing."""

    def is_empty(self, answer: Any) -> bool:
        """True for a valid answer that says nothing: nothing chosen, marked, judged or typed.

        An answer is empty when every value in it is ``None``, blank text, or a list of such
        values (so ``{"choices": []}`` and ``{"steps": [None, None]}`` are empty)."""
        return _says_nothing(answer)

    def gold_answer(self, spec: Any, gold: Any) -> Any:
        """The answer a trainee gives who reproduces the gold exactly (scores 1.0)."""
        return copy.deepcopy(gold)

    @abstractmethod
    def compute(self, spec: Any, gold: Any, answer: Any) -> Score:
        """Score an answer already known to be valid."""

    def score(self, spec: Any, gold: Any, answer: Any) -> Score:
        """Validate ``answer`` against ``spec``, then score it against ``gold``."""
        self.validate_answer(spec, answer)
        return self.compute(spec, gold, answer)


def _says_nothing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return all(_says_nothing(item) for item in value)
    if isinstance(value, dict):
        return all(_says_nothing(item) for item in value.values())
    return False


def f1_from_counts(true_positive: float, answer_count: int, gold_count: int) -> float:
    """F1 = 2·TP / (|answer| + |gold|); defined as 1 when both are empty."""
    if answer_count + gold_count == 0:
        return 1.0
    return clip_unit(2.0 * true_positive / (answer_count + gold_count))


def clip_unit(value: float) -> float:
    """Clip a finite number to [0, 1] and return it as a plain float."""
    return float(min(1.0, max(0.0, value)))


def validate_thresholds(thresholds: Any, path: str = "thresholds") -> tuple[float, ...]:
    """Check category thresholds: 1–10 finite numbers, strictly increasing, each in (0, 1]."""
    if not isinstance(thresholds, (list, tuple)):
        raise ScoringError(path, "must be a list of numbers")
    if not 1 <= len(thresholds) <= MAX_THRESHOLDS:
        raise ScoringError(path, f"must have between 1 and {MAX_THRESHOLDS} thresholds")
    checked: list[float] = []
    for index, threshold in enumerate(thresholds):
        item_path = f"{path}[{index}]"
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
            raise ScoringError(item_path, "must be a number")
        if not math.isfinite(threshold) or not 0.0 < threshold <= 1.0:
            raise ScoringError(item_path, "must be in (0, 1]")
        if checked and threshold <= checked[-1]:
            raise ScoringError(item_path, "must be greater than the previous threshold")
        checked.append(float(threshold))
    return tuple(checked)


def categorize(value: float, thresholds: list[float] | tuple[float, ...]) -> int:
    """Ordered category of a score: the number of thresholds t with t ≤ value.

    With thresholds ``[0.5, 0.9]``: 0.3 → 0, 0.5 → 1, 0.95 → 2. The thresholds
    must pass :func:`validate_thresholds`; an item with k thresholds has the
    categories 0 … k.
    """
    checked = validate_thresholds(thresholds)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ScoringError("value", "must be a number in [0, 1]")
    return sum(1 for threshold in checked if threshold <= value)
