"""Property-based tests: malformed answers never escape, scores stay in [0, 1], monotonicity."""

from __future__ import annotations

import json
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talentpool.scoring import TASK_TYPES, ScoringError, get_scorer

from .examples import EXAMPLES, make_bbox, make_text_spans
from .strategies import json_values, mutated

MODEST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _score_or_reject(type_id: str, answer: object) -> None:
    scorer = get_scorer(type_id)
    spec, gold = EXAMPLES[type_id]()
    try:
        result = scorer.score(spec, gold, answer)
    except ScoringError as error:
        assert str(error).startswith("answer"), str(error)
        return
    assert isinstance(result.value, float)
    assert 0.0 <= result.value <= 1.0 and not math.isnan(result.value)
    json.dumps(result.feedback, allow_nan=False)


@MODEST
@given(type_id=st.sampled_from(TASK_TYPES), answer=json_values)
def test_arbitrary_json_answer_scores_or_raises_scoring_error(type_id: str, answer: object) -> None:
    _score_or_reject(type_id, answer)


@MODEST
@given(data=st.data(), type_id=st.sampled_from(TASK_TYPES))
def test_gold_shaped_answers_with_one_part_broken_score_or_raise_scoring_error(
    data: st.DataObject, type_id: str
) -> None:
    _, gold = EXAMPLES[type_id]()
    base = {"flags": gold["errors"]} if type_id == "review" else gold
    _score_or_reject(type_id, data.draw(mutated(base)))


def _interpolate(box: dict, target: dict, t: float) -> dict:
    moved = {key: (1 - t) * box[key] + t * target[key] for key in "xywh"}
    return {**moved, "label": box["label"]}


boxes_640x480 = st.builds(
    lambda x, y, fw, fh, label: {
        "x": x,
        "y": y,
        "w": max(1.0, fw * (640 - x)),
        "h": max(1.0, fh * (480 - y)),
        "label": label,
    },
    st.floats(0, 600),
    st.floats(0, 440),
    st.floats(0.02, 0.5),
    st.floats(0.02, 0.5),
    st.sampled_from(["car", "person", "bicycle"]),
)


@MODEST
@given(gold_boxes=st.lists(boxes_640x480, max_size=8))
def test_gold_boxes_as_the_answer_score_exactly_one(gold_boxes: list[dict]) -> None:
    spec, _ = make_bbox()
    gold = {"boxes": gold_boxes}
    assert get_scorer("bbox").score(spec, gold, {"boxes": list(gold_boxes)}).value == 1.0


def _matched_gold(feedback: dict, answer_index: int) -> int | None:
    return next(
        (m["gold_index"] for m in feedback["matches"] if m["answer_index"] == answer_index), None
    )


@MODEST
@given(
    answer_boxes=st.lists(boxes_640x480, min_size=1, max_size=6),
    gold_boxes=st.lists(boxes_640x480, min_size=1, max_size=6),
    data=st.data(),
)
def test_moving_a_box_toward_its_gold_box_never_lowers_the_score(
    answer_boxes: list[dict], gold_boxes: list[dict], data: st.DataObject
) -> None:
    """From any position where the box is matched to the target gold box or unmatched,
    a step further toward the target never lowers the value."""
    scorer = get_scorer("bbox")
    spec, _ = make_bbox()
    gold = {"boxes": gold_boxes}
    index = data.draw(st.integers(0, len(answer_boxes) - 1))
    start = scorer.score(spec, gold, {"boxes": answer_boxes})
    matched = _matched_gold(start.feedback, index)
    target_index = (
        matched if matched is not None else data.draw(st.integers(0, len(gold_boxes) - 1))
    )
    target = gold_boxes[target_index]
    steps = [0.0] + sorted(data.draw(st.lists(st.floats(0, 1), min_size=1, max_size=4)))
    previous = None
    for t in steps:
        moved = list(answer_boxes)
        moved[index] = _interpolate(answer_boxes[index], target, t)
        result = scorer.score(spec, gold, {"boxes": moved})
        if previous is not None:
            assert result.value >= previous - 1e-9
        now_matched = _matched_gold(result.feedback, index)
        previous = result.value if now_matched in (None, target_index) else None


spans_in_example = st.builds(
    lambda start, length, label: {"start": start, "end": min(19, start + length), "label": label},
    st.integers(0, 18),
    st.integers(1, 6),
    st.sampled_from(["PER", "ORG", "LOC", "DATE"]),
)


@MODEST
@given(
    answer_spans=st.lists(
        spans_in_example, max_size=8, unique_by=lambda s: (s["start"], s["end"], s["label"])
    ),
    data=st.data(),
)
def test_adding_a_correct_span_never_lowers_f1(
    answer_spans: list[dict], data: st.DataObject
) -> None:
    scorer = get_scorer("text_spans")
    spec, gold = make_text_spans()
    missing = [span for span in gold["spans"] if span not in answer_spans]
    if not missing:
        return
    added = data.draw(st.sampled_from(missing))
    before = scorer.score(spec, gold, {"spans": answer_spans}).value
    after = scorer.score(spec, gold, {"spans": answer_spans + [added]}).value
    assert after >= before
