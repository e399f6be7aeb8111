"""Scoring of labeling tasks against gold answers — pure Python, numpy and scipy.

One module per task type; the registry maps the type id stored with each item to
its scorer::

    from talentpool.scoring import get_scorer
    scorer = get_scorer("bbox")
    scorer.validate_spec(spec); scorer.validate_gold(spec, gold)
    result = scorer.score(spec, gold, answer)     # Score(value, feedback)
    category = categorize(result.value, item_thresholds or scorer.default_thresholds)

Every malformed input raises :class:`ScoringError` (a ``ValueError``) whose
message begins with the path of the offending field. See ``docs/scoring.md``.
"""

from talentpool.scoring.base import Score, TaskScorer, categorize, validate_thresholds
from talentpool.scoring.errors import ScoringError
from talentpool.scoring.registry import TASK_TYPES, get_scorer

__all__ = [
    "TASK_TYPES",
    "Score",
    "ScoringError",
    "TaskScorer",
    "categorize",
    "get_scorer",
    "validate_thresholds",
]
