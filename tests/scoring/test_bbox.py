"""bbox: Hungarian matching by IoU, value = F1 × mean IoU of matches, computed by hand."""

from __future__ import annotations

import pytest

from talentpool.scoring import ScoringError, get_scorer

from .examples import BOX_LABEL_NAMES, make_bbox, make_named_bbox

scorer = get_scorer("bbox")
SPEC = {"image": "a.png", "width": 100, "height": 100, "labels": ["car", "person"]}


def box(x: float, y: float, w: float, h: float, label: str = "car") -> dict:
    return {"x": x, "y": y, "w": w, "h": h, "label": label}


def test_matches_false_positive_and_formula() -> None:
    gold = {"boxes": [box(0, 0, 10, 10), box(50, 50, 20, 20, "person")]}
    answer = {
        "boxes": [
            box(2, 0, 10, 10),  # ∩ 8·10 = 80, ∪ 100 + 100 − 80 = 120 → IoU 2/3
            box(50, 50, 20, 10, "person"),  # ∩ 200, ∪ 400 → IoU 0.5, matches (≥ 0.5)
            box(80, 80, 10, 10),  # overlaps nothing → false positive
        ]
    }
    # TP = 2, F1 = 2·2 / (3 + 2) = 0.8, mean IoU = (2/3 + 1/2) / 2 = 7/12
    # value = 0.8 · 7/12 = 2·(7/6) / 5 = 7/15
    result = scorer.score(SPEC, gold, answer)
    assert result.value == pytest.approx(7 / 15)
    assert result.feedback["f1"] == pytest.approx(0.8)
    assert result.feedback["mean_iou"] == pytest.approx(7 / 12)
    assert [(m["answer_index"], m["gold_index"]) for m in result.feedback["matches"]] == [
        (0, 0),
        (1, 1),
    ]
    assert result.feedback["matches"][0]["iou"] == pytest.approx(2 / 3)
    assert result.feedback["false_positives"] == [
        {
            "answer_index": 2,
            "answer": box(80, 80, 10, 10),
            "closest_gold_index": None,
            "closest_iou": 0.0,
        }
    ]
    assert result.feedback["unmatched_gold"] == []


def test_below_threshold_and_wrong_label_do_not_match() -> None:
    gold = {"boxes": [box(0, 0, 10, 10), box(50, 50, 20, 20, "person")]}
    answer = {"boxes": [box(5, 0, 10, 10), box(50, 50, 20, 20, "car")]}
    # first: ∩ 50, ∪ 150 → IoU 1/3 < 0.5; second: IoU 1 but label car ≠ person → value 0
    result = scorer.score(SPEC, gold, answer)
    assert result.value == 0.0
    assert result.feedback["mean_iou"] is None
    unmatched = result.feedback["unmatched_gold"]
    assert unmatched[0]["closest_answer_index"] == 0
    assert unmatched[0]["closest_iou"] == pytest.approx(1 / 3)
    assert result.feedback["false_positives"][1]["closest_gold_index"] == 1
    assert result.feedback["false_positives"][1]["closest_iou"] == 1.0


def test_spec_iou_threshold_is_used() -> None:
    gold = {"boxes": [box(0, 0, 10, 10)]}
    answer = {"boxes": [box(2, 0, 10, 10)]}  # IoU 2/3
    assert scorer.score(SPEC, gold, answer).value == pytest.approx(2 / 3)  # 2·(2/3) / 2
    strict = {**SPEC, "iou_threshold": 0.7}
    assert scorer.score(strict, gold, answer).value == 0.0


def test_hungarian_matching_beats_greedy_matching() -> None:
    gold = {"boxes": [box(0, 0, 10, 10), box(4, 0, 10, 10)]}
    answer = {"boxes": [box(2, 0, 10, 10), box(0, 0, 10, 10)]}
    # A1 has IoU 2/3 with both golds; A2 has IoU 1 with G1 and 60/140 < 0.5 with G2.
    # Greedy A1→G1 would leave A2 unmatched; optimal: A1→G2, A2→G1, Σ IoU = 5/3
    # value = 2·(5/3) / (2 + 2) = 5/6
    result = scorer.score(SPEC, gold, answer)
    assert result.value == pytest.approx(5 / 6)
    assert sorted((m["answer_index"], m["gold_index"]) for m in result.feedback["matches"]) == [
        (0, 1),
        (1, 0),
    ]


def test_image_without_objects_rewards_only_an_empty_answer() -> None:
    assert scorer.score(SPEC, {"boxes": []}, {"boxes": []}).value == 1.0
    assert scorer.score(SPEC, {"boxes": []}, {"boxes": [box(0, 0, 5, 5)]}).value == 0.0


@pytest.mark.parametrize(
    ("boxes", "message"),
    [
        ([box(95, 0, 10, 10)], r"^answer\.boxes\[0\]\.w: must be positive and keep the box inside"),
        (
            [box(0, 0, 10, 10), box(0, 100, 10, 10)],
            r"^answer\.boxes\[1\]\.y: must be within the image",
        ),
        ([box(-1, 0, 10, 10)], r"^answer\.boxes\[0\]\.x: must be within the image"),
        ([box(0, 0, 0, 10)], r"^answer\.boxes\[0\]\.w: must be positive"),
        ([box(0, 0, 10, 10, "truck")], r"^answer\.boxes\[0\]\.label: unknown label 'truck'"),
        (
            [box(0, 0, 10, 10), box(0, 0, 10, 10), {**box(1, 1, 1, 1), "x": "3"}],
            r"^answer\.boxes\[2\]\.x: must be a number",
        ),
        ([{**box(1, 1, 1, 1), "x": True}], r"^answer\.boxes\[0\]\.x: must be a number"),
        (
            [{**box(1, 1, 1, 1), "h": float("nan")}],
            r"^answer\.boxes\[0\]\.h: must be a finite number",
        ),
        (
            [{**box(1, 1, 1, 1), "y": float("inf")}],
            r"^answer\.boxes\[0\]\.y: must be a finite number",
        ),
        ([box(0, 0, 1, 1)] * 201, r"^answer\.boxes: must have at most 200 elements"),
    ],
)
def test_box_errors_name_the_field(boxes: list, message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        scorer.score(SPEC, {"boxes": []}, {"boxes": boxes})


def test_spec_errors_name_the_field() -> None:
    spec, _ = make_bbox()
    with pytest.raises(ScoringError, match=r"^spec\.width: must be between 1 and 20000"):
        scorer.validate_spec({**spec, "width": 0})
    with pytest.raises(ScoringError, match=r"^spec\.iou_threshold: must be in \(0, 1\]"):
        scorer.validate_spec({**spec, "iou_threshold": 1.5})
    with pytest.raises(ScoringError, match=r"^spec\.labels\[1\]: duplicate label 'car'"):
        scorer.validate_spec({**spec, "labels": ["car", "car"]})


def test_label_names_never_change_a_score() -> None:
    named, gold = make_named_bbox()
    plain, _ = make_bbox()
    answer = {"boxes": gold["boxes"][:2]}
    assert scorer.score(named, gold, answer) == scorer.score(plain, gold, answer)


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["汽车"], r"^spec\.label_names: must be an object of label → "),
        ({**BOX_LABEL_NAMES, "truck": {"zh": "卡车", "en": "truck"}},
         r"^spec\.label_names\.truck: is not one of the labels \(car, person, bicycle\)$"),
        ({key: BOX_LABEL_NAMES[key] for key in ("car", "person")},
         r"^spec\.label_names: has no name for the label 'bicycle': name every label, or leave "
         r"label_names out"),
        ({**BOX_LABEL_NAMES, "car": {"zh": "汽车"}}, r"^spec\.label_names\.car\.en: is required$"),
        ({**BOX_LABEL_NAMES, "car": {"zh": "汽车", "en": "car", "fr": "voiture"}},
         r"^spec\.label_names\.car\.fr: unknown field \(allowed: en, zh\)$"),
        ({**BOX_LABEL_NAMES, "car": {"zh": "  ", "en": "car"}},
         r"^spec\.label_names\.car\.zh: must not be blank$"),
        ({**BOX_LABEL_NAMES, "car": {"zh": 7, "en": "car"}},
         r"^spec\.label_names\.car\.zh: must be a string$"),
        ({**BOX_LABEL_NAMES, "car": {"zh": "车" * 65, "en": "car"}},
         r"^spec\.label_names\.car\.zh: must have at most 64 characters$"),
        ({**BOX_LABEL_NAMES, "bicycle": {"zh": "自行车", "en": "passenger car"}},
         r"^spec\.label_names\.bicycle\.en: is also the name of 'car': each label needs its "
         r"own name$"),
    ],
)
def test_label_name_errors_say_what_is_wrong(names, message: str) -> None:
    spec, _ = make_bbox()
    with pytest.raises(ScoringError, match=message):
        scorer.validate_spec({**spec, "label_names": names})
