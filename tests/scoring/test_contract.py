"""The contract every registered task type keeps (DESIGN.md house rule 2)."""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import talentpool
from talentpool.scoring import TASK_TYPES, Score, ScoringError, get_scorer, validate_thresholds

from .examples import (
    EXAMPLES, make_bbox_review, make_named_bbox, make_named_bbox_review, make_strict_text_spans,
)

FIXED_TYPE_IDS = (
    "single_choice",
    "multi_choice",
    "text_spans",
    "bbox",
    "transcription",
    "ranking",
    "cot_steps",
    "review",
    "rubric",
)
ITEMS = [(type_id, make) for type_id, make in EXAMPLES.items()] + [
    ("review", make_bbox_review),
    ("text_spans", make_strict_text_spans),
    ("bbox", make_named_bbox),
    ("review", make_named_bbox_review),
]
ITEM_IDS = [f"{type_id}-{make.__name__}" for type_id, make in ITEMS]
AUTO = [(type_id, make) for type_id, make in ITEMS if not get_scorer(type_id).human_scored]
AUTO_IDS = [f"{type_id}-{make.__name__}" for type_id, make in AUTO]
HUMAN = [(type_id, make) for type_id, make in ITEMS if get_scorer(type_id).human_scored]


def test_the_nine_type_ids_are_registered_in_order() -> None:
    assert TASK_TYPES == FIXED_TYPE_IDS
    assert set(EXAMPLES) == set(TASK_TYPES)


@pytest.mark.parametrize("type_id", FIXED_TYPE_IDS)
def test_scorer_carries_its_type_id_and_valid_default_thresholds(type_id: str) -> None:
    scorer = get_scorer(type_id)
    assert scorer.type_id == type_id
    assert validate_thresholds(list(scorer.default_thresholds)) == scorer.default_thresholds


@pytest.mark.parametrize(("type_id", "make"), AUTO, ids=AUTO_IDS)
def test_gold_validates_and_scores_exactly_one(type_id: str, make) -> None:
    scorer = get_scorer(type_id)
    spec, gold = make()
    scorer.validate_spec(spec)
    scorer.validate_gold(spec, gold)
    assert scorer.gold_answer(spec, gold) == _answer_from_gold(type_id, gold)
    result = scorer.score(spec, gold, scorer.gold_answer(spec, gold))
    assert isinstance(result, Score)
    assert result.value == 1.0
    json.dumps(result.feedback, allow_nan=False)


@pytest.mark.parametrize(("type_id", "make"), ITEMS, ids=ITEM_IDS)
def test_empty_answer_scores_exactly_zero(type_id: str, make) -> None:
    scorer = get_scorer(type_id)
    spec, gold = make()
    empty = scorer.empty_answer(spec)
    json.dumps(empty, allow_nan=False)
    result = scorer.score(spec, gold, empty)
    assert result.value == 0.0
    json.dumps(result.feedback, allow_nan=False)


@pytest.mark.parametrize(("type_id", "make"), ITEMS, ids=ITEM_IDS)
def test_the_empty_answer_is_empty_and_the_gold_is_not(type_id: str, make) -> None:
    scorer = get_scorer(type_id)
    spec, gold = make()
    assert scorer.is_empty(scorer.empty_answer(spec)) is True
    if not scorer.human_scored:
        assert scorer.is_empty(scorer.gold_answer(spec, gold)) is False


@pytest.mark.parametrize(("type_id", "make"), AUTO, ids=AUTO_IDS)
def test_empty_can_be_right_exactly_when_a_gold_may_be_empty(type_id: str, make) -> None:
    """Practice refuses an empty answer unless the type's gold may itself be empty."""
    scorer = get_scorer(type_id)
    spec, _gold = make()
    empty = scorer.empty_answer(spec)
    empty_gold = {"errors": []} if type_id == "review" else copy.deepcopy(empty)
    if scorer.empty_can_be_right:
        scorer.validate_gold(spec, empty_gold)
        assert scorer.score(spec, empty_gold, empty).value == 1.0
    else:
        with pytest.raises(ScoringError):
            scorer.validate_gold(spec, empty_gold)


@pytest.mark.parametrize(("answer", "empty"), [
    ({"choice": None}, True), ({"choice": "neg"}, False), ({"choices": []}, True),
    ({"steps": [None, None]}, True), ({"steps": [None, False]}, False), ({"text": " \n\t"}, True),
    ({"text": "。"}, False), ({"order": None}, True), ({"order": ["r1"]}, False),
    ({"boxes": [{"x": 0, "y": 0, "w": 1, "h": 1, "label": "car"}]}, False),
])
def test_is_empty_reads_nothing_chosen_marked_judged_or_typed(answer, empty) -> None:
    assert get_scorer("single_choice").is_empty(answer) is empty


@pytest.mark.parametrize(("type_id", "make"), HUMAN)
def test_human_scored_types_score_full_and_no_points_and_refuse_to_score_alone(
        type_id: str, make) -> None:
    """Full marks score 1 and no points 0; an answer with content waits for raters."""
    scorer = get_scorer(type_id)
    spec, gold = make()
    scorer.validate_spec(spec)
    scorer.validate_gold(spec, gold)
    top = {c["id"]: c["levels"][-1]["points"] for c in spec["rubric"]["criteria"]}
    assert scorer.score_points(spec, scorer.validate_rating(spec, {"points": top})).value == 1.0
    nothing = {key: 0 for key in top}
    assert scorer.score_points(spec, scorer.validate_rating(spec, {"points": nothing})).value \
        == 0.0
    with pytest.raises(ScoringError, match="^answer: .*raters"):
        scorer.score(spec, gold, {"text": "我的规范……", "files": []})


@pytest.mark.parametrize(("type_id", "make"), AUTO, ids=AUTO_IDS)
def test_scoring_does_not_change_its_inputs(type_id: str, make) -> None:
    scorer = get_scorer(type_id)
    spec, gold = make()
    answer = scorer.empty_answer(spec)
    before = json.dumps([spec, gold, answer], sort_keys=True)
    scorer.score(spec, gold, answer)
    scorer.score(spec, gold, _answer_from_gold(type_id, gold))
    assert json.dumps([spec, gold, answer], sort_keys=True) == before


@pytest.mark.parametrize("bad_id", ["", "Bbox", "box", None, 3])
def test_unknown_type_id_raises_scoring_error(bad_id: object) -> None:
    with pytest.raises(ScoringError, match="unknown task type"):
        get_scorer(bad_id)  # type: ignore[arg-type]


def test_scoring_error_is_a_value_error() -> None:
    assert issubclass(ScoringError, ValueError)


def test_scoring_core_imports_neither_flask_nor_sqlalchemy() -> None:
    code = (
        "import sys, talentpool.scoring\n"
        "roots = {m.split('.')[0] for m in sys.modules}\n"
        "bad = sorted(roots & {'flask', 'sqlalchemy', 'flask_sqlalchemy'})\n"
        "print(','.join(bad))\n"
    )
    source_root = Path(talentpool.__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(source_root)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.strip() == ""


def _answer_from_gold(type_id: str, gold: dict) -> dict:
    """The answer a trainee gives who reproduces the gold exactly."""
    if type_id == "review":
        return {"flags": list(gold["errors"])}
    return json.loads(json.dumps(gold))


def test_score_is_frozen_and_keeps_its_value_in_the_unit_interval() -> None:
    result = Score(value=0.5, feedback={})
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.value = 1.0  # type: ignore[misc]
    for bad in (1.5, -0.1, float("nan"), 1):
        with pytest.raises(ValueError):
            Score(value=bad, feedback={})  # type: ignore[arg-type]
