"""review: F1 of the flags against the planted errors, computed by hand."""

from __future__ import annotations

import copy

import pytest

from talentpool.scoring import ScoringError, get_scorer

from .examples import make_bbox_review, make_named_bbox_review, make_review

scorer = get_scorer("review")


def test_one_hit_one_miss_one_false_flag() -> None:
    spec, gold = make_review()  # planted errors s2, s4
    # flags {s2, s3}: |F ∩ E| = 1, F1 = 2·1 / (2 + 2) = 0.5
    result = scorer.score(spec, gold, {"flags": ["s3", "s2"]})
    assert result.value == 0.5
    assert [e["id"] for e in result.feedback["hit"]] == ["s2"]
    assert [e["id"] for e in result.feedback["missed"]] == ["s4"]
    assert [e["id"] for e in result.feedback["false_flags"]] == ["s3"]
    assert result.feedback["missed"][0] == {"id": "s4", "start": 11, "end": 13, "label": "LOC"}
    # flags {s2}: F1 = 2·1 / (1 + 2) = 2/3
    assert scorer.score(spec, gold, {"flags": ["s2"]}).value == pytest.approx(2 / 3)


def test_clean_annotation_scores_one_only_when_nothing_is_flagged() -> None:
    spec, _ = make_review()
    gold = {"errors": []}
    scorer.validate_gold(spec, gold)
    assert scorer.score(spec, gold, {"flags": []}).value == 1.0
    assert scorer.score(spec, gold, {"flags": ["s1"]}).value == 0.0


def test_bbox_review_scores_the_same_way() -> None:
    spec, gold = make_bbox_review()
    assert scorer.score(spec, gold, {"flags": ["b1", "b2"]}).value == pytest.approx(2 / 3)


def test_errors_name_the_field() -> None:
    spec, gold = make_review()
    with pytest.raises(ScoringError, match=r"^answer\.flags\[0\]: unknown element id 's9'"):
        scorer.score(spec, gold, {"flags": ["s9"]})
    with pytest.raises(ScoringError, match=r"^answer\.flags\[1\]: duplicate element id 's1'"):
        scorer.score(spec, gold, {"flags": ["s1", "s1"]})
    broken = copy.deepcopy(spec)
    broken["base_spec"]["labels"] = []
    with pytest.raises(
        ScoringError, match=r"^spec\.base_spec\.labels: must have at least 1 element"
    ):
        scorer.validate_spec(broken)
    duplicated = copy.deepcopy(spec)
    duplicated["annotation"]["spans"][1]["id"] = "s1"
    with pytest.raises(
        ScoringError, match=r"^spec\.annotation\.spans\[1\]: duplicate element id 's1'"
    ):
        scorer.validate_spec(duplicated)
    with pytest.raises(ScoringError, match=r"^spec\.base_type: unknown base type 'ranking'"):
        scorer.validate_spec({**spec, "base_type": "ranking"})
    missing_id = copy.deepcopy(spec)
    del missing_id["annotation"]["spans"][0]["id"]
    with pytest.raises(ScoringError, match=r"^spec\.annotation\.spans\[0\]\.id: is required"):
        scorer.validate_spec(missing_id)


def test_a_reviewed_annotation_of_boxes_may_name_its_labels() -> None:
    spec, gold = make_named_bbox_review()
    assert scorer.score(spec, gold, {"flags": ["b2"]}).value == 1.0
    spec["base_spec"]["label_names"]["car"] = {"zh": "汽车"}
    with pytest.raises(ScoringError, match=r"^spec\.base_spec\.label_names\.car\.en: is required"):
        scorer.validate_spec(spec)
