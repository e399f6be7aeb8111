"""``single_choice``: pick one label — text or image classification, true/false, theory items.

Shapes::

    spec   {"options": [{"id": "pos", "text": {"zh": "正面", "en": "Positive"}}, ...],
            "text": "optional text to classify", "image": "optional/asset/path.png"}
    gold   {"choice": "pos"}
    answer {"choice": "pos"}   or  {"choice": null}  (nothing chosen)

Score: exact match, value = 1 if answer.choice == gold.choice else 0. The item
is dichotomous (default thresholds ``[1.0]``).
"""

from __future__ import annotations

from typing import Any

from talentpool.scoring.base import Score, TaskScorer
from talentpool.scoring.errors import ScoringError
from talentpool.scoring.validation import (
    MAX_PATH_CHARS,
    expect_distinct,
    expect_id,
    expect_list,
    expect_localised_text,
    expect_member,
    expect_object,
    expect_str,
)

MAX_OPTIONS = 50
MAX_STIMULUS_CHARS = 20_000


def validate_choice_spec(spec: Any) -> list[str]:
    """Validate a spec with ``options`` (2–50, distinct ids) and return the option ids."""
    expect_object(spec, "spec", required=("options",), optional=("text", "image"))
    options = expect_list(spec["options"], "spec.options", min_len=2, max_len=MAX_OPTIONS)
    option_ids: list[str] = []
    for index, option in enumerate(options):
        path = f"spec.options[{index}]"
        expect_object(option, path, required=("id", "text"))
        option_ids.append(expect_id(option["id"], f"{path}.id"))
        expect_localised_text(option["text"], f"{path}.text")
    expect_distinct(option_ids, "spec.options", "option id")
    if "text" in spec:
        expect_str(spec["text"], "spec.text", min_len=1, max_len=MAX_STIMULUS_CHARS)
    if "image" in spec:
        expect_str(spec["image"], "spec.image", min_len=1, max_len=MAX_PATH_CHARS)
    return option_ids


def option_ids_of(spec: dict[str, Any]) -> list[str]:
    """The option ids of an already validated spec, in display order."""
    return [option["id"] for option in spec["options"]]


def _check_choice(spec: Any, value: Any, path: str, *, allow_null: bool) -> None:
    if value is None and allow_null:
        return
    if value is None:
        raise ScoringError(path, "must be an option id")
    choice = expect_id(value, path)
    expect_member(choice, option_ids_of(spec), path, "option")


class SingleChoiceScorer(TaskScorer):
    """Exact match: value = 1 if the chosen option is the gold option, else 0."""

    type_id = "single_choice"
    default_thresholds = (1.0,)

    def validate_spec(self, spec: Any) -> None:
        validate_choice_spec(spec)

    def validate_gold(self, spec: Any, gold: Any) -> None:
        expect_object(gold, "gold", required=("choice",))
        _check_choice(spec, gold["choice"], "gold.choice", allow_null=False)

    def validate_answer(self, spec: Any, answer: Any) -> None:
        expect_object(answer, "answer", required=("choice",))
        _check_choice(spec, answer["choice"], "answer.choice", allow_null=True)

    def empty_answer(self, spec: Any) -> dict[str, Any]:
        return {"choice": None}

    def compute(self, spec: Any, gold: Any, answer: Any) -> Score:
        correct = answer["choice"] == gold["choice"]
        return Score(
            value=1.0 if correct else 0.0,
            feedback={
                "correct": correct,
                "gold_choice": gold["choice"],
                "answer_choice": answer["choice"],
            },
        )


SCORER = SingleChoiceScorer()
