"""``cot_steps``: judge each step of a chain of reasoning right or wrong, and find the first error.

Shapes::

    spec   {"question": {"zh": "...", "en": "..."},
            "steps": ["Step text 1", "Step text 2", ...]}          (1–50 steps)
    gold   {"steps": [true, true, false, true]}    (first wrong step = first false)
    answer {"steps": [true, false, null, true]}    (null = not judged; all null = nothing submitted)

The first error is derived from the step judgements, never given separately.

Score, with n steps:

* step accuracy = (number of steps whose judgement equals gold) / n; null never equals.
* first-error hit = 1 if the answer agrees with gold on every step up to and including
  gold's first false step (so its own first non-true judgement is a false at the same
  step); when gold has no false step, it is 1 only if the answer marks every step true.
* value = 0.5 · step accuracy + 0.5 · first-error hit.

Default thresholds ``[0.5, 0.9]``: category 1 needs the first error found (or a clean
chain confirmed), category 2 needs nearly every step right as well.
"""

from __future__ import annotations

from typing import Any

from talentpool.scoring.base import Score, TaskScorer, clip_unit
from talentpool.scoring.errors import ScoringError
from talentpool.scoring.validation import (
    expect_bool,
    expect_list,
    expect_localised_text,
    expect_object,
)

MAX_STEPS = 50
STEP_ACCURACY_WEIGHT = 0.5
FIRST_ERROR_WEIGHT = 0.5


def first_error(judgements: list[bool | None]) -> int | None:
    """Index of the first step judged false, or None."""
    return next((index for index, judged in enumerate(judgements) if judged is False), None)


def _check_judgements(spec: dict[str, Any], value: Any, path: str, *, allow_null: bool) -> None:
    step_count = len(spec["steps"])
    judgements = expect_list(value, path, max_len=step_count)
    if len(judgements) != step_count:
        raise ScoringError(path, f"must judge every step ({step_count} steps)")
    for index, judged in enumerate(judgements):
        if judged is None and allow_null:
            continue
        expect_bool(judged, f"{path}[{index}]")


class ChainOfThoughtScorer(TaskScorer):
    """value = 0.5 · step accuracy + 0.5 · [answer agrees with gold up to its first wrong step]."""

    type_id = "cot_steps"
    default_thresholds = (0.5, 0.9)

    def validate_spec(self, spec: Any) -> None:
        expect_object(spec, "spec", required=("question", "steps"))
        expect_localised_text(spec["question"], "spec.question")
        steps = expect_list(spec["steps"], "spec.steps", min_len=1, max_len=MAX_STEPS)
        for index, step in enumerate(steps):
            expect_localised_text(step, f"spec.steps[{index}]")

    def validate_gold(self, spec: Any, gold: Any) -> None:
        expect_object(gold, "gold", required=("steps",))
        _check_judgements(spec, gold["steps"], "gold.steps", allow_null=False)

    def validate_answer(self, spec: Any, answer: Any) -> None:
        expect_object(answer, "answer", required=("steps",))
        _check_judgements(spec, answer["steps"], "answer.steps", allow_null=True)

    def empty_answer(self, spec: Any) -> dict[str, Any]:
        return {"steps": [None] * len(spec["steps"])}

    def compute(self, spec: Any, gold: Any, answer: Any) -> Score:
        gold_steps: list[bool] = gold["steps"]
        answer_steps: list[bool | None] = answer["steps"]
        correct = [answer_steps[i] is gold_steps[i] for i in range(len(gold_steps))]
        accuracy = sum(correct) / len(gold_steps)
        gold_first = first_error(gold_steps)
        checked_until = len(gold_steps) if gold_first is None else gold_first + 1
        hit = all(correct[:checked_until])
        value = STEP_ACCURACY_WEIGHT * accuracy + FIRST_ERROR_WEIGHT * float(hit)
        return Score(
            value=clip_unit(value),
            feedback={
                "steps": [
                    {
                        "index": i,
                        "gold": gold_steps[i],
                        "answer": answer_steps[i],
                        "correct": correct[i],
                    }
                    for i in range(len(gold_steps))
                ],
                "step_accuracy": accuracy,
                "gold_first_error": gold_first,
                "answer_first_error": first_error(answer_steps),
                "first_error_hit": hit,
            },
        )


SCORER = ChainOfThoughtScorer()
