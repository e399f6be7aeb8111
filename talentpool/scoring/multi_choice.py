"""``multi_choice``: pick every label that applies — multi-label classification, theory items.

Shapes::

    spec   {"options": [{"id": "violence", "text": {"zh": "暴力", "en": "Violence"}}, ...],
            "text": "optional text to classify", "image": "optional/asset/path.png"}
    gold   {"choices": ["violence", "threat"]}     (at least one option)
    answer {"choices": ["violence"]}               ([] = nothing chosen)

Score: Jaccard index of the label sets, value = |A ∩ G| / |A ∪ G|. The gold set is
never empty (add an explicit "none of these" option when nothing may apply), so
an empty answer scores 0. Default thresholds ``[0.5, 1.0]``: category 2 only for
the exact set.
"""

from __future__ import annotations

from typing import Any

from talentpool.scoring.base import Score, TaskScorer, clip_unit
from talentpool.scoring.single_choice import MAX_OPTIONS, option_ids_of, validate_choice_spec
from talentpool.scoring.validation import (
    expect_distinct,
    expect_id,
    expect_list,
    expect_member,
    expect_object,
)


def _check_choices(spec: Any, value: Any, path: str, *, min_len: int) -> None:
    choices = expect_list(value, path, min_len=min_len, max_len=MAX_OPTIONS)
    allowed = option_ids_of(spec)
    for index, choice in enumerate(choices):
        expect_member(expect_id(choice, f"{path}[{index}]"), allowed, f"{path}[{index}]", "option")
    expect_distinct(choices, path, "option")


class MultiChoiceScorer(TaskScorer):
    """Jaccard index: value = |answer ∩ gold| / |answer ∪ gold| (gold is never empty)."""

    type_id = "multi_choice"
    default_thresholds = (0.5, 1.0)

    def validate_spec(self, spec: Any) -> None:
        validate_choice_spec(spec)

    def validate_gold(self, spec: Any, gold: Any) -> None:
        expect_object(gold, "gold", required=("choices",))
        _check_choices(spec, gold["choices"], "gold.choices", min_len=1)

    def validate_answer(self, spec: Any, answer: Any) -> None:
        expect_object(answer, "answer", required=("choices",))
        _check_choices(spec, answer["choices"], "answer.choices", min_len=0)

    def empty_answer(self, spec: Any) -> dict[str, Any]:
        return {"choices": []}

    def compute(self, spec: Any, gold: Any, answer: Any) -> Score:
        gold_set = set(gold["choices"])
        answer_set = set(answer["choices"])
        order = option_ids_of(spec)
        union = gold_set | answer_set
        value = clip_unit(len(gold_set & answer_set) / len(union)) if union else 1.0
        return Score(
            value=value,
            feedback={
                "correct": [o for o in order if o in gold_set and o in answer_set],
                "missed": [o for o in order if o in gold_set and o not in answer_set],
                "wrong": [o for o in order if o in answer_set and o not in gold_set],
                "gold_choices": [o for o in order if o in gold_set],
                "jaccard": value,
            },
        )


SCORER = MultiChoiceScorer()
