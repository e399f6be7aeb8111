"""cot_steps: 0.5 · step accuracy + 0.5 · first-error hit, computed by hand."""

from __future__ import annotations

import pytest

from talentpool.scoring import ScoringError, get_scorer

from .examples import make_cot_steps

scorer = get_scorer("cot_steps")


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        # gold [T, T, F, F]; first error at step 2
        ([True, True, False, True], 0.5 * 3 / 4 + 0.5),  # 3 of 4 steps, first error found
        ([True, False, False, False], 0.5 * 3 / 4),  # 3 of 4 steps, error flagged too early
        ([True, True, None, False], 0.5 * 3 / 4),  # step 2 not judged: first error missed
        ([True, True, True, False], 0.5 * 3 / 4),  # first error passed over
        ([False, False, True, True], 0.0),  # nothing right
    ],
)
def test_step_accuracy_and_first_error(steps: list, expected: float) -> None:
    spec, gold = make_cot_steps()
    assert scorer.score(spec, gold, {"steps": steps}).value == pytest.approx(expected)


def test_feedback_names_both_first_errors() -> None:
    spec, gold = make_cot_steps()
    feedback = scorer.score(spec, gold, {"steps": [True, False, False, False]}).feedback
    assert feedback["gold_first_error"] == 2
    assert feedback["answer_first_error"] == 1
    assert feedback["first_error_hit"] is False
    assert feedback["steps"][1] == {"index": 1, "gold": True, "answer": False, "correct": False}


def test_a_clean_chain_needs_every_step_marked_right() -> None:
    spec = {"question": "1 + 1?", "steps": ["1 + 1 = 2", "So 2."]}
    gold = {"steps": [True, True]}
    assert scorer.score(spec, gold, {"steps": [True, True]}).value == 1.0
    # one of two steps right and a false alarm: 0.5 · 1/2 + 0 = 0.25
    assert scorer.score(spec, gold, {"steps": [True, False]}).value == 0.25
    assert scorer.score(spec, gold, {"steps": [None, None]}).value == 0.0


def test_step_errors_name_the_field() -> None:
    spec, gold = make_cot_steps()
    with pytest.raises(ScoringError, match=r"^answer\.steps: must judge every step \(4 steps\)"):
        scorer.score(spec, gold, {"steps": [True]})
    with pytest.raises(ScoringError, match=r"^answer\.steps\[1\]: must be true or false"):
        scorer.score(spec, gold, {"steps": [True, 1, None, None]})
    with pytest.raises(ScoringError, match=r"^gold\.steps\[0\]: must be true or false"):
        scorer.validate_gold(spec, {"steps": [None, True, True, True]})
