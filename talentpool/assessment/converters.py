"""What the format converters share. Pure: no Flask, no database.

Each format has its own module (``label_studio``, ``coco``, ``conll``) with a
``from_…`` converter to an exam pack and ``to_…`` exports of a trainee's answers.
A converter returns a :class:`Conversion`: the ``pack.yaml`` mapping, a map of
pack-relative asset paths to source files to copy, and notes for the author
(what was skipped or adjusted). Prompts and explanations get a generic bilingual
text per task type that authors can then refine.

An item converted from Label Studio or COCO keeps where it came from in its
``source`` field (task id, control names, data URL; image id, file name, category
ids), so its answers export back into the source project unchanged. ``source`` is
stored beside the item, never in its spec: the spec is sent to the trainee, and
file names or URLs can give the answer away.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

GENERIC_PROMPT = {
    "single_choice": {"zh": "请选择最符合的一个标签。", "en": "Choose the one label that fits best."},
    "multi_choice": {"zh": "请选择所有适用的标签。", "en": "Choose every label that applies."},
    "text_spans": {"zh": "请标出文本中的所有实体及其类型。", "en": "Mark every entity in the text with its type."},
    "bbox": {"zh": "请用矩形框标出图中所有列出的目标。", "en": "Draw a box around every listed object in the image."},
    "transcription": {"zh": "请逐字转写所听到的内容。", "en": "Transcribe exactly what you hear."},
}
GENERIC_EXPLANATION = {
    "single_choice": {"zh": "与标准答案的标签进行比对。", "en": "Compared with the gold label."},
    "multi_choice": {"zh": "按与标准标签集合的重合程度计分。", "en": "Scored by overlap with the gold label set."},
    "text_spans": {"zh": "实体的边界与类型都须与标准答案一致。", "en": "Entity boundaries and types must match the gold answer."},
    "bbox": {"zh": "标准框已叠加显示，并标出每个框的 IoU。", "en": "Gold boxes are drawn over yours with each IoU."},
    "transcription": {"zh": "按字错误率（CER）计分，差异已高亮。", "en": "Scored by character error rate; differences are highlighted."},
}
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
EDGE_SLACK = 1.0  # pixels a box may cross the image edge and still be clipped, not refused
MAX_SOURCE_CHARS = 8_000
# tool → field → accepted JSON shape; the first group of fields is required
SOURCE_FIELDS = {
    "label-studio": ({"tool": "str"},
                     {"task": "id", "from_name": "str", "to_name": "str", "data": "str-map",
                      "values": "str-map"}),
    "coco": ({"tool": "str", "image_id": "id", "file_name": "str", "categories": "int-map"}, {}),
}


class ConversionError(ValueError):
    """The source cannot be converted; the message names the task, image or line."""


@dataclass(frozen=True)
class Conversion:
    """A converted pack: ``pack`` (the pack.yaml mapping), ``assets`` to copy, ``notes``."""

    pack: dict
    assets: dict[str, Path] = field(default_factory=dict)
    notes: tuple[str, ...] = ()


def make_item(key: str, type_id: str, spec: dict, gold: dict, element: str,
              source: dict | None = None) -> dict:
    """One pack item with the generic prompt and explanation of its type."""
    item = {"id": key, "type": type_id, "prompt": GENERIC_PROMPT[type_id], "spec": spec,
            "gold": gold, "explanation": GENERIC_EXPLANATION[type_id], "element": element,
            "tags": ["converted"]}
    if source:
        item["source"] = source
    return item


def make_pack(pack_id: str, track: str, items: list[dict], title: str) -> dict:
    """The pack.yaml mapping; refuses an empty pack."""
    if not items:
        raise ConversionError("no convertible tasks found")
    return {"id": pack_id, "version": 1, "title": {"zh": title, "en": title}, "track": track,
            "levels": [5, 4], "licence": "CC-BY-4.0", "items": items}


def fit_box(x: float, y: float, w: float, h: float, width: float, height: float,
            ndigits: int | None = None) -> tuple[dict, float]:
    """The box clipped to the image, and how many pixels it reached past the nearest edge."""
    excess = max(0.0, -x, -y, x + w - width, y + h - height)
    corners = [max(0.0, x), max(0.0, y), min(width, x + w), min(height, y + h)]
    if ndigits is not None:
        corners = [round(v, ndigits) for v in corners]
    x0, y0, x1, y1 = corners
    w, h = x1 - x0, y1 - y0
    if ndigits is not None:
        w, h = round(w, ndigits), round(h, ndigits)
    return {"x": x0, "y": y0, "w": w, "h": h}, excess


def source_problem(source: object) -> str | None:
    """What is wrong with an item's ``source`` field, or None (see SOURCE_FIELDS)."""
    if not isinstance(source, dict):
        return "must be a mapping"
    if source.get("tool") not in SOURCE_FIELDS:
        return f"tool: must be one of {', '.join(SOURCE_FIELDS)}"
    required, optional = SOURCE_FIELDS[source["tool"]]
    for key in sorted(set(source) - set(required) - set(optional)):
        return f"{key}: unknown field"
    for key in sorted(set(required) - set(source)):
        return f"{key}: required"
    for key, value in source.items():
        if not _has_shape(value, {**required, **optional}[key]):
            return f"{key}: must be {_SHAPE_NAMES[{**required, **optional}[key]]}"
    if len(json.dumps(source, ensure_ascii=False)) > MAX_SOURCE_CHARS:
        return f"must have at most {MAX_SOURCE_CHARS} characters as JSON"
    return None


_SHAPE_NAMES = {"str": "a string", "id": "an integer or a string",
                "str-map": "a mapping of strings to strings",
                "int-map": "a mapping of strings to integers"}


def _has_shape(value: object, shape: str) -> bool:
    if shape == "str":
        return isinstance(value, str)
    if shape == "id":
        return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))
    kind = str if shape == "str-map" else int
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, kind) and not isinstance(v, bool)
        for k, v in value.items())
