"""``bbox``: draw typed, axis-aligned boxes around the objects in an image.

Coordinates are pixels, origin top-left, ``x, y`` the top-left corner::

    spec   {"image": "assets/street-01.png", "width": 640, "height": 480,
            "labels": ["car", "person"], "iou_threshold": 0.5,
            "label_names": {"car": {"zh": "汽车", "en": "car"},
                            "person": {"zh": "行人", "en": "person"}}}
           (iou_threshold and label_names optional)
    gold   {"boxes": [{"x": 40, "y": 60, "w": 120, "h": 80, "label": "car"}]}
    answer {"boxes": [...]}   ([] = nothing drawn)

Labels are ids: boxes, gold answers and exports carry them. ``label_names``, when given, names
every label in Chinese and English for the pages (the id is shown where it is absent); it
never takes part in scoring.

Score, with IoU(a, g) = area(a ∩ g) / area(a ∪ g):

* weight(a, g) = IoU(a, g) if the labels are equal and IoU ≥ t (t = iou_threshold,
  default 0.5), else 0.
* Answer and gold boxes are paired one-to-one to maximise the total weight
  (Hungarian algorithm, ``scipy.optimize.linear_sum_assignment``); the pairs with
  weight > 0 are the true positives (TP).
* F1 = 2·TP / (|answer| + |gold|), mean IoU = Σ IoU(TP pairs) / TP, and
  value = F1 × mean IoU = 2·Σ IoU(TP pairs) / (|answer| + |gold|)
  (the panoptic-quality formula). With no gold boxes an empty answer scores 1.

Moving a box toward the gold box it is matched to (or moving an unmatched box
anywhere) never lowers the value: the IoU with the target grows along the way,
so the previous best matching only gains weight. Default thresholds
``[0.4, 0.75]``: a complete answer whose boxes fit at IoU ≈ 0.8 reaches category 2.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from talentpool.scoring.base import Score, TaskScorer, clip_unit, f1_from_counts
from talentpool.scoring.errors import ScoringError
from talentpool.scoring.validation import (
    MAX_ID_CHARS,
    MAX_LABEL_CHARS,
    MAX_PATH_CHARS,
    expect_labels,
    expect_list,
    expect_member,
    expect_number,
    expect_object,
    expect_str,
)

MAX_BOXES = 200
MAX_IMAGE_SIDE = 20_000
DEFAULT_IOU_THRESHOLD = 0.5
BOX_FIELDS = ("x", "y", "w", "h", "label")
NAME_LANGUAGES = ("zh", "en")
EDGE_TOLERANCE = 1e-6  # pixels; absorbs float rounding in x + w at the image edge


def validate_box_list(
    spec: dict[str, Any], value: Any, path: str, *, with_ids: bool = False
) -> None:
    """Check a list of boxes against an already validated spec: inside the image, positive size."""
    boxes = expect_list(value, path, max_len=MAX_BOXES)
    width, height = float(spec["width"]), float(spec["height"])
    for index, box in enumerate(boxes):
        box_path = f"{path}[{index}]"
        expect_object(box, box_path, required=(("id",) if with_ids else ()) + BOX_FIELDS)
        x, y, w, h = (expect_number(box[key], f"{box_path}.{key}") for key in "xywh")
        if not 0 <= x < width:
            raise ScoringError(
                f"{box_path}.x", f"must be within the image width (0 ≤ x < {spec['width']})"
            )
        if not 0 <= y < height:
            raise ScoringError(
                f"{box_path}.y", f"must be within the image height (0 ≤ y < {spec['height']})"
            )
        if not 0 < w <= width - x + EDGE_TOLERANCE:
            raise ScoringError(
                f"{box_path}.w", "must be positive and keep the box inside the image"
            )
        if not 0 < h <= height - y + EDGE_TOLERANCE:
            raise ScoringError(
                f"{box_path}.h", "must be positive and keep the box inside the image"
            )
        label = expect_str(box["label"], f"{box_path}.label", min_len=1, max_len=64)
        expect_member(label, spec["labels"], f"{box_path}.label", "label")


def validate_label_names(value: Any, labels: list[str], path: str) -> None:
    """Check ``label_names``: every label of ``labels`` named, non-empty, in zh and en, and no
    two labels with the same name in one language (a trainee could not tell them apart)."""
    if not isinstance(value, dict):
        raise ScoringError(path, 'must be an object of label → {"zh": …, "en": …}')
    for label in value:
        if label not in labels:
            shown = str(label)[:MAX_ID_CHARS]
            raise ScoringError(f"{path}.{shown}", f"is not one of the labels ({', '.join(labels)})")
    for label in labels:
        if label not in value:
            raise ScoringError(
                path, f"has no name for the label {label!r}: name every label, or leave "
                "label_names out to show the ids"
            )
    seen: dict[tuple[str, str], str] = {}
    for label in labels:
        names = expect_object(value[label], f"{path}.{label}", required=NAME_LANGUAGES)
        for language in NAME_LANGUAGES:
            name_path = f"{path}.{label}.{language}"
            name = expect_str(names[language], name_path, min_len=1, max_len=MAX_LABEL_CHARS)
            if not name.strip():
                raise ScoringError(name_path, "must not be blank")
            other = seen.setdefault((language, name.strip()), label)
            if other != label:
                raise ScoringError(
                    name_path, f"is also the name of {other!r}: each label needs its own name"
                )


def iou_matrix(answer: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """IoU of every answer box (rows) with every gold box (columns); boxes as [x, y, w, h] rows."""
    a_x2, a_y2 = answer[:, 0] + answer[:, 2], answer[:, 1] + answer[:, 3]
    g_x2, g_y2 = gold[:, 0] + gold[:, 2], gold[:, 1] + gold[:, 3]
    overlap_w = np.minimum(a_x2[:, None], g_x2[None, :]) - np.maximum(
        answer[:, 0, None], gold[None, :, 0]
    )
    overlap_h = np.minimum(a_y2[:, None], g_y2[None, :]) - np.maximum(
        answer[:, 1, None], gold[None, :, 1]
    )
    intersection = np.clip(overlap_w, 0, None) * np.clip(overlap_h, 0, None)
    # areas from the same corner differences as the overlap, so a box identical to its
    # gold box has an IoU of exactly 1.0 despite float rounding in x + w
    area_a = (a_x2 - answer[:, 0]) * (a_y2 - answer[:, 1])
    area_g = (g_x2 - gold[:, 0]) * (g_y2 - gold[:, 1])
    union = area_a[:, None] + area_g[None, :] - intersection
    return np.clip(intersection / union, 0.0, 1.0)


def _coordinates(boxes: list[dict[str, Any]]) -> np.ndarray:
    return np.array(
        [[box["x"], box["y"], box["w"], box["h"]] for box in boxes], dtype=float
    ).reshape(-1, 4)


def _describe(box: dict[str, Any]) -> dict[str, Any]:
    return {key: box[key] for key in BOX_FIELDS}


class BoundingBoxScorer(TaskScorer):
    """value = F1 × mean IoU of matches = 2·Σ IoU(TP) / (|answer| + |gold|), matched at IoU ≥ t."""

    type_id = "bbox"
    empty_can_be_right = True
    default_thresholds = (0.4, 0.75)

    def validate_spec(self, spec: Any) -> None:
        expect_object(
            spec,
            "spec",
            required=("image", "width", "height", "labels"),
            optional=("iou_threshold", "label_names"),
        )
        expect_str(spec["image"], "spec.image", min_len=1, max_len=MAX_PATH_CHARS)
        for side in ("width", "height"):
            side_value = expect_number(spec[side], f"spec.{side}")
            if not 1 <= side_value <= MAX_IMAGE_SIDE:
                raise ScoringError(f"spec.{side}", f"must be between 1 and {MAX_IMAGE_SIDE}")
        expect_labels(spec["labels"], "spec.labels")
        if "label_names" in spec:
            validate_label_names(spec["label_names"], spec["labels"], "spec.label_names")
        if "iou_threshold" in spec:
            threshold = expect_number(spec["iou_threshold"], "spec.iou_threshold")
            if not 0 < threshold <= 1:
                raise ScoringError("spec.iou_threshold", "must be in (0, 1]")

    def validate_gold(self, spec: Any, gold: Any) -> None:
        expect_object(gold, "gold", required=("boxes",))
        validate_box_list(spec, gold["boxes"], "gold.boxes")

    def validate_answer(self, spec: Any, answer: Any) -> None:
        expect_object(answer, "answer", required=("boxes",))
        validate_box_list(spec, answer["boxes"], "answer.boxes")

    def empty_answer(self, spec: Any) -> dict[str, Any]:
        return {"boxes": []}

    def compute(self, spec: Any, gold: Any, answer: Any) -> Score:
        threshold = float(spec.get("iou_threshold", DEFAULT_IOU_THRESHOLD))
        answer_boxes, gold_boxes = answer["boxes"], gold["boxes"]
        ious = iou_matrix(_coordinates(answer_boxes), _coordinates(gold_boxes))
        label_index = {label: i for i, label in enumerate(spec["labels"])}
        answer_labels = np.array([label_index[box["label"]] for box in answer_boxes], dtype=int)
        gold_labels = np.array([label_index[box["label"]] for box in gold_boxes], dtype=int)
        same_label = answer_labels[:, None] == gold_labels[None, :]
        weights = np.where(same_label & (ious >= threshold), ious, 0.0)
        pairs: list[tuple[int, int, float]] = []
        if weights.size:
            rows, cols = linear_sum_assignment(weights, maximize=True)
            pairs = [
                (int(r), int(c), float(weights[r, c]))
                for r, c in zip(rows, cols, strict=True)
                if weights[r, c] > 0
            ]
        true_positive = len(pairs)
        iou_sum = sum(iou for _, _, iou in pairs)
        f1 = f1_from_counts(true_positive, len(answer_boxes), len(gold_boxes))
        mean_iou = iou_sum / true_positive if true_positive else None
        value = (
            1.0
            if not answer_boxes and not gold_boxes
            else clip_unit(2.0 * iou_sum / (len(answer_boxes) + len(gold_boxes)))
        )
        matched_answers = {a for a, _, _ in pairs}
        matched_golds = {g for _, g, _ in pairs}
        return Score(
            value=value,
            feedback={
                "iou_threshold": threshold,
                "matches": [
                    {
                        "gold_index": g,
                        "answer_index": a,
                        "gold": _describe(gold_boxes[g]),
                        "answer": _describe(answer_boxes[a]),
                        "iou": iou,
                    }
                    for a, g, iou in pairs
                ],
                "unmatched_gold": [
                    {
                        "gold_index": g,
                        "gold": _describe(box),
                        **self._closest(ious[:, g], "answer_index"),
                    }
                    for g, box in enumerate(gold_boxes)
                    if g not in matched_golds
                ],
                "false_positives": [
                    {
                        "answer_index": a,
                        "answer": _describe(box),
                        **self._closest(ious[a, :], "gold_index"),
                    }
                    for a, box in enumerate(answer_boxes)
                    if a not in matched_answers
                ],
                "true_positive": true_positive,
                "f1": f1,
                "mean_iou": mean_iou,
            },
        )

    @staticmethod
    def _closest(ious: np.ndarray, index_key: str) -> dict[str, Any]:
        """The best-overlapping box on the other side, so the UI can say why it did not match."""
        if ious.size == 0 or float(ious.max()) == 0.0:
            return {f"closest_{index_key}": None, "closest_iou": 0.0}
        best = int(ious.argmax())
        return {f"closest_{index_key}": best, "closest_iou": float(ious[best])}


SCORER = BoundingBoxScorer()
