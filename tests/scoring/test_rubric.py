"""The ``rubric`` type: spec checks name the field; ratings give every criterion a level."""

from __future__ import annotations

import copy

import pytest

from talentpool.scoring import ScoringError, get_scorer

from .examples import make_rubric

SCORER = get_scorer("rubric")


def spec_with(change) -> dict:
    spec, _gold = make_rubric()
    spec = copy.deepcopy(spec)
    change(spec)
    return spec


@pytest.mark.parametrize(("change", "message"), [
    (lambda s: s["rubric"]["criteria"][0]["levels"][0].update(points=1),
     r"spec.rubric.criteria\[0\].levels\[0\].points: the lowest level must be 0 points"),
    (lambda s: s["rubric"]["criteria"][0]["levels"][2].update(points=2),
     r"levels\[2\].points: must be more than the level before"),
    (lambda s: s["rubric"]["criteria"][1].update(id="scope"),
     r"spec.rubric.criteria\[1\]: duplicate criterion id"),
    (lambda s: s["rubric"].update(criteria=[]), r"spec.rubric.criteria: must have at least 1"),
    (lambda s: s["answer"].update(text=False, files=0), r"spec.answer: must allow a text"),
    (lambda s: s["materials"][0].pop("text"), r"spec.materials\[0\]: needs a text or an image"),
    (lambda s: s["answer"].update(files=9), r"spec.answer.files: must be between 0 and 5"),
])
def test_a_bad_spec_is_refused_naming_the_field(change, message) -> None:
    with pytest.raises(ScoringError, match=message):
        SCORER.validate_spec(spec_with(change))


def test_the_marking_notes_are_required() -> None:
    spec, _gold = make_rubric()
    with pytest.raises(ScoringError, match="gold.notes: is required"):
        SCORER.validate_gold(spec, {})


def test_answers_respect_the_tasks_limits() -> None:
    spec, _gold = make_rubric()
    ok = {"text": "规范正文", "files": [{"id": "f1", "name": "plan.pdf", "type": "pdf",
                                     "bytes": 1200}]}
    SCORER.validate_answer(spec, ok)
    with pytest.raises(ScoringError, match="answer.files: must have at most 1"):
        SCORER.validate_answer(spec, {**ok, "files": ok["files"] * 2})
    with pytest.raises(ScoringError, match=r"answer.files\[0\].type: .*file type"):
        SCORER.validate_answer(spec, {**ok, "files": [{**ok["files"][0], "type": "exe"}]})
    with pytest.raises(ScoringError, match="answer.text: must have at most 5000"):
        SCORER.validate_answer(spec, {**ok, "text": "字" * 5001})


def test_a_blank_answer_scores_zero_without_raters() -> None:
    spec, gold = make_rubric()
    assert SCORER.score(spec, gold, {"text": "  \n", "files": []}).value == 0.0


@pytest.mark.parametrize(("points", "message"), [
    ({"scope": 4}, "rating.points.examples: is missing"),
    ({"scope": 3, "examples": 0}, "rating.points.scope: .*level's points"),
    ({"scope": 4, "examples": True}, "rating.points.examples: must be an integer"),
    ({"scope": 4, "examples": 3, "extra": 1}, "rating.points.extra: unknown field"),
])
def test_a_rating_gives_every_criterion_one_of_its_levels(points, message) -> None:
    spec, _gold = make_rubric()
    with pytest.raises(ScoringError, match=message):
        SCORER.validate_rating(spec, {"points": points})


def test_points_score_as_a_share_of_the_maximum() -> None:
    spec, _gold = make_rubric()
    result = SCORER.score_points(spec, {"scope": 2, "examples": 3})
    assert result.value == pytest.approx(5 / 7)
    assert result.feedback["total"] == 5 and result.feedback["max"] == 7
    # Means of several raters are allowed, and clipped to each criterion's range.
    assert SCORER.score_points(spec, {"scope": 3.0, "examples": 9}).value == pytest.approx(6 / 7)
