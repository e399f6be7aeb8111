"""text_spans: entity-level F1 with one-to-one matching and half credit for boundary errors."""

from __future__ import annotations

import pytest

from talentpool.scoring import ScoringError, get_scorer

from .examples import make_text_spans

scorer = get_scorer("text_spans")
# gold: 张伟 PER [0,2), 2023年 DATE [3,8), 北京大学 ORG [10,14), 上海 LOC [17,19)


def span(start: int, end: int, label: str) -> dict:
    return {"start": start, "end": end, "label": label}


def test_strict_matching_gives_no_credit_for_a_boundary_error() -> None:
    spec, gold = make_text_spans()
    answer = {"spans": [span(0, 2, "PER"), span(10, 12, "ORG")]}
    # partial: TP = 1.5, F1 = 3 / 6 = 0.5; strict (CoNLL entity F1): TP = 1, F1 = 2 / 6
    assert scorer.score(spec, gold, answer).value == pytest.approx(0.5)
    strict = scorer.score({**spec, "matching": "strict"}, gold, answer)
    assert strict.value == pytest.approx(1 / 3)
    assert strict.feedback["partial"] == []
    assert [s["text"] for s in strict.feedback["spurious"]] == ["北京"]
    scorer.validate_spec({**spec, "matching": "partial"})
    with pytest.raises(ScoringError, match=r"^spec\.matching: unknown matching 'loose'"):
        scorer.validate_spec({**spec, "matching": "loose"})


def test_exact_partial_wrong_type_and_spurious() -> None:
    spec, gold = make_text_spans()
    answer = {
        "spans": [
            span(0, 2, "PER"),  # exact → 1
            span(10, 12, "ORG"),  # 北京 overlaps 北京大学, same type → 0.5
            span(17, 19, "ORG"),  # 上海 right boundaries, wrong type → 0
            span(15, 17, "PER"),  # 现居 spurious → 0
        ]
    }
    # TP = 1 + 0.5 = 1.5; F1 = 2·1.5 / (4 + 4) = 0.375
    result = scorer.score(spec, gold, answer)
    assert result.value == pytest.approx(0.375)
    feedback = result.feedback
    assert [s["text"] for s in feedback["correct"]] == ["张伟"]
    assert feedback["partial"] == [
        {
            "answer": {"start": 10, "end": 12, "label": "ORG", "text": "北京"},
            "gold": {"start": 10, "end": 14, "label": "ORG", "text": "北京大学"},
            "credit": 0.5,
        }
    ]
    assert [s["text"] for s in feedback["missing"]] == ["2023年", "上海"]
    assert [(s["text"], s["label"]) for s in feedback["spurious"]] == [
        ("现居", "PER"),
        ("上海", "ORG"),
    ]
    assert feedback["precision"] == pytest.approx(1.5 / 4)
    assert feedback["recall"] == pytest.approx(1.5 / 4)


def test_matching_is_one_to_one() -> None:
    spec, gold = make_text_spans()
    # two answers overlap the same gold ORG; only one may take its credit:
    # TP = 0.5, F1 = 2·0.5 / (2 + 4) = 1/6
    answer = {"spans": [span(10, 12, "ORG"), span(11, 14, "ORG")]}
    assert scorer.score(spec, gold, answer).value == pytest.approx(1 / 6)


def test_matching_prefers_exact_credit() -> None:
    spec, gold = make_text_spans()
    # 北京大学 exact (1) + 北京 partial against the same gold: the exact one wins.
    # TP = 1, F1 = 2·1 / (2 + 4) = 1/3
    answer = {"spans": [span(10, 12, "ORG"), span(10, 14, "ORG")]}
    result = scorer.score(spec, gold, answer)
    assert result.value == pytest.approx(1 / 3)
    assert [s["text"] for s in result.feedback["correct"]] == ["北京大学"]


def test_no_gold_spans_rewards_only_an_empty_answer() -> None:
    spec = {"text": "今天天气很好。", "labels": ["PER"]}
    gold = {"spans": []}
    scorer.validate_gold(spec, gold)
    assert scorer.score(spec, gold, {"spans": []}).value == 1.0
    assert scorer.score(spec, gold, {"spans": [span(0, 2, "PER")]}).value == 0.0


@pytest.mark.parametrize(
    ("spans", "message"),
    [
        (
            [span(0, 2, "PER"), span(0, 21, "LOC")],
            r"^answer\.spans\[1\]\.end: must be between 1 and 20",
        ),
        ([span(3, 3, "PER")], r"^answer\.spans\[0\]\.end: must be between 4 and 20"),
        ([span(0, 2, "NAME")], r"^answer\.spans\[0\]\.label: unknown label 'NAME'"),
        ([span(0, 2, "PER"), span(0, 2, "PER")], r"^answer\.spans\[1\]: duplicate span"),
        (
            [{"start": True, "end": 2, "label": "PER"}],
            r"^answer\.spans\[0\]\.start: must be an integer",
        ),
        (
            [{"start": 0.0, "end": 2, "label": "PER"}],
            r"^answer\.spans\[0\]\.start: must be an integer",
        ),
        ([{"start": 0, "end": 2}], r"^answer\.spans\[0\]\.label: is required"),
    ],
)
def test_span_errors_name_the_field(spans: list, message: str) -> None:
    spec, gold = make_text_spans()
    with pytest.raises(ScoringError, match=message):
        scorer.score(spec, gold, {"spans": spans})


def test_too_many_spans_are_rejected() -> None:
    spec, gold = make_text_spans()
    spans = [span(i % 18, i % 18 + 1, "PER") for i in range(501)]
    with pytest.raises(ScoringError, match=r"^answer\.spans: must have at most 500 elements"):
        scorer.score(spec, gold, {"spans": spans})
