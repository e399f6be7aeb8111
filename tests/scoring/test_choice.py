"""single_choice and multi_choice: exact match and Jaccard, computed by hand."""

from __future__ import annotations

import pytest

from talentpool.scoring import ScoringError, get_scorer

from .examples import make_multi_choice, make_single_choice

single = get_scorer("single_choice")
multi = get_scorer("multi_choice")


def test_single_choice_is_exact_match() -> None:
    spec, gold = make_single_choice()
    assert single.score(spec, gold, {"choice": "neg"}).value == 1.0
    wrong = single.score(spec, gold, {"choice": "pos"})
    assert wrong.value == 0.0
    assert wrong.feedback == {"correct": False, "gold_choice": "neg", "answer_choice": "pos"}


def test_single_choice_no_choice_is_null_and_scores_zero() -> None:
    spec, gold = make_single_choice()
    assert single.empty_answer(spec) == {"choice": None}
    assert single.score(spec, gold, {"choice": None}).value == 0.0


def test_true_false_item_is_a_single_choice_with_two_options() -> None:
    spec = {
        "options": [
            {"id": "true", "text": {"zh": "对", "en": "True"}},
            {"id": "false", "text": {"zh": "错", "en": "False"}},
        ]
    }
    single.validate_spec(spec)
    assert single.score(spec, {"choice": "false"}, {"choice": "false"}).value == 1.0


@pytest.mark.parametrize(
    ("answer", "path"),
    [
        ({"choice": "maybe"}, "answer.choice: unknown option 'maybe'"),
        ({"choice": 2}, "answer.choice: must be a string"),
        ({"choice": True}, "answer.choice: must be a string"),
        ({}, "answer.choice: is required"),
        ({"choice": "neg", "why": "x"}, "answer.why: unknown field"),
        (["neg"], "answer: must be an object"),
    ],
)
def test_single_choice_errors_name_the_field(answer: object, path: str) -> None:
    spec, gold = make_single_choice()
    with pytest.raises(ScoringError) as caught:
        single.score(spec, gold, answer)
    assert str(caught.value).startswith(path)


def test_gold_must_choose_an_option() -> None:
    spec, _ = make_single_choice()
    with pytest.raises(ScoringError, match=r"^gold\.choice: must be an option id"):
        single.validate_gold(spec, {"choice": None})


def test_spec_rejects_duplicate_option_ids() -> None:
    spec, _ = make_single_choice()
    spec["options"][2]["id"] = "pos"
    with pytest.raises(ScoringError, match=r"^spec\.options\[2\]: duplicate option id 'pos'"):
        single.validate_spec(spec)


def test_multi_choice_is_the_jaccard_index() -> None:
    spec, gold = make_multi_choice()  # gold = {privacy, threat, jailbreak}
    # answer {privacy, threat, spam}: |A∩G| = 2, |A∪G| = 4 → 2/4 = 0.5
    result = multi.score(spec, gold, {"choices": ["spam", "threat", "privacy"]})
    assert result.value == 0.5
    assert result.feedback["correct"] == ["privacy", "threat"]
    assert result.feedback["missed"] == ["jailbreak"]
    assert result.feedback["wrong"] == ["spam"]
    # answer {privacy}: 1/3
    assert multi.score(spec, gold, {"choices": ["privacy"]}).value == pytest.approx(1 / 3)
    # answer = all five options: 3/5
    everything = {"choices": ["privacy", "threat", "jailbreak", "spam", "none"]}
    assert multi.score(spec, gold, everything).value == pytest.approx(0.6)


def test_multi_choice_gold_may_not_be_empty_and_answers_may_not_repeat() -> None:
    spec, gold = make_multi_choice()
    with pytest.raises(ScoringError, match=r"^gold\.choices: must have at least 1 element"):
        multi.validate_gold(spec, {"choices": []})
    with pytest.raises(ScoringError, match=r"^answer\.choices\[1\]: duplicate option 'threat'"):
        multi.score(spec, gold, {"choices": ["threat", "threat"]})
