"""``review`` (质检): find the errors planted in someone else's annotation.

The spec shows a base task and an annotation of it in which every labelled
element has an id; the trainee flags the elements that are wrong::

    spec   {"base_type": "text_spans",
            "base_spec": {"text": "张伟在北京大学工作。", "labels": ["PER", "ORG", "LOC"]},
            "annotation": {"spans": [{"id": "s1", "start": 0, "end": 2, "label": "PER"},
                                     {"id": "s2", "start": 3, "end": 5, "label": "LOC"}]}}
    gold   {"errors": ["s2"]}       (ids of the planted errors; may be empty)
    answer {"flags": ["s2"]}        ([] = nothing flagged)

Base types: ``text_spans`` (annotation ``{"spans": [...]}``) and ``bbox``
(annotation ``{"boxes": [...]}``); their elements follow the base type's answer
shape plus an ``id``. Errors of omission are practised with the base type itself.

Score: F1 of the flags against the planted errors, value = 2·|F ∩ E| / (|F| + |E|).
With no planted errors the annotation is clean: value = 1 if nothing is flagged,
else 0. Default thresholds ``[0.5, 0.9]``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from talentpool.scoring import bbox, text_spans
from talentpool.scoring.base import Score, TaskScorer, f1_from_counts
from talentpool.scoring.errors import ScoringError
from talentpool.scoring.validation import (
    expect_distinct,
    expect_id,
    expect_list,
    expect_member,
    expect_object,
    expect_str,
)

ElementCheck = Callable[..., None]
BASE_TYPES: dict[str, tuple[TaskScorer, str, ElementCheck]] = {
    "text_spans": (text_spans.SCORER, "spans", text_spans.validate_span_list),
    "bbox": (bbox.SCORER, "boxes", bbox.validate_box_list),
}
MAX_ELEMENTS = 500


def _element_ids(spec: dict[str, Any]) -> list[str]:
    _, key, _ = BASE_TYPES[spec["base_type"]]
    return [element["id"] for element in spec["annotation"][key]]


def _check_ids(spec: dict[str, Any], value: Any, path: str) -> None:
    ids = _element_ids(spec)
    flagged = expect_list(value, path, max_len=len(ids))
    for index, element_id in enumerate(flagged):
        expect_member(
            expect_id(element_id, f"{path}[{index}]"), ids, f"{path}[{index}]", "element id"
        )
    expect_distinct(flagged, path, "element id")


def _elements_by_id(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    _, key, _ = BASE_TYPES[spec["base_type"]]
    return {element["id"]: element for element in spec["annotation"][key]}


class ReviewScorer(TaskScorer):
    """value = F1 = 2·|flags ∩ errors| / (|flags| + |errors|); no errors: 1 if no flags else 0."""

    type_id = "review"
    empty_can_be_right = True
    default_thresholds = (0.5, 0.9)

    def validate_spec(self, spec: Any) -> None:
        expect_object(spec, "spec", required=("base_type", "base_spec", "annotation"))
        base_type = expect_str(spec["base_type"], "spec.base_type", min_len=1, max_len=64)
        expect_member(base_type, BASE_TYPES, "spec.base_type", "base type")
        base_scorer, key, check_elements = BASE_TYPES[base_type]
        try:
            base_scorer.validate_spec(spec["base_spec"])
        except ScoringError as error:
            raise ScoringError(
                "spec.base_spec" + error.path.removeprefix("spec"), error.problem
            ) from None
        expect_object(spec["annotation"], "spec.annotation", required=(key,))
        path = f"spec.annotation.{key}"
        check_elements(spec["base_spec"], spec["annotation"][key], path, with_ids=True)
        elements = expect_list(spec["annotation"][key], path, min_len=1, max_len=MAX_ELEMENTS)
        ids = [
            expect_id(element["id"], f"{path}[{index}].id")
            for index, element in enumerate(elements)
        ]
        expect_distinct(ids, path, "element id")

    def validate_gold(self, spec: Any, gold: Any) -> None:
        expect_object(gold, "gold", required=("errors",))
        _check_ids(spec, gold["errors"], "gold.errors")

    def validate_answer(self, spec: Any, answer: Any) -> None:
        expect_object(answer, "answer", required=("flags",))
        _check_ids(spec, answer["flags"], "answer.flags")

    def gold_answer(self, spec: Any, gold: Any) -> dict[str, Any]:
        """Flagging exactly the planted errors."""
        return {"flags": list(gold["errors"])}

    def empty_answer(self, spec: Any) -> dict[str, Any]:
        return {"flags": []}

    def compute(self, spec: Any, gold: Any, answer: Any) -> Score:
        planted, flagged = set(gold["errors"]), set(answer["flags"])
        order = _element_ids(spec)
        elements = _elements_by_id(spec)
        value = f1_from_counts(len(planted & flagged), len(flagged), len(planted))
        if not planted:
            value = 1.0 if not flagged else 0.0

        def listed(ids: set[str]) -> list[dict[str, Any]]:
            return [elements[element_id] for element_id in order if element_id in ids]

        return Score(
            value=value,
            feedback={
                "hit": listed(planted & flagged),
                "missed": listed(planted - flagged),
                "false_flags": listed(flagged - planted),
                "gold_errors": [element_id for element_id in order if element_id in planted],
                "f1": value,
            },
        )


SCORER = ReviewScorer()
