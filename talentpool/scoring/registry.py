"""The registry of task types, keyed by the type id stored with every item.

A type id is never renamed: it is stored in the database and in exam packs.
"""

from __future__ import annotations

from types import MappingProxyType

from talentpool.scoring import (
    bbox,
    cot_steps,
    multi_choice,
    ranking,
    review,
    rubric,
    single_choice,
    text_spans,
    transcription,
)
from talentpool.scoring.base import TaskScorer
from talentpool.scoring.errors import ScoringError

_SCORERS: MappingProxyType[str, TaskScorer] = MappingProxyType(
    {
        module.SCORER.type_id: module.SCORER
        for module in (
            single_choice,
            multi_choice,
            text_spans,
            bbox,
            transcription,
            ranking,
            cot_steps,
            review,
            rubric,
        )
    }
)

TASK_TYPES: tuple[str, ...] = tuple(_SCORERS)


def get_scorer(type_id: str) -> TaskScorer:
    """The scorer registered for ``type_id``; raises ScoringError for an unknown id."""
    if not isinstance(type_id, str) or type_id not in _SCORERS:
        raise ScoringError(
            "type", f"unknown task type {type_id!r} (known: {', '.join(TASK_TYPES)})"
        )
    return _SCORERS[type_id]
