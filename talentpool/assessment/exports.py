"""A trainee's answers in common annotation formats. Pure: no Flask, no database.

Each function takes ``answers``: a list of ``AnsweredItem`` (the item's key, type,
spec and the trainee's answer) and returns the document to write as JSON or text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from talentpool.assessment.converters import CJK


@dataclass(frozen=True)
class AnsweredItem:
    key: str
    type_id: str
    spec: dict
    answer: Any


def _option_text(option: dict) -> str:
    text = option.get("text")
    return text.get("zh") or text.get("en") if isinstance(text, dict) else str(text)


def to_label_studio(answers: list[AnsweredItem]) -> list[dict]:
    """Label Studio tasks, each with the trainee's answer as its annotation."""
    tasks = []
    for n, item in enumerate(answers, 1):
        spec, answer, result = item.spec, item.answer, []
        if item.type_id in ("single_choice", "multi_choice"):
            chosen = [answer["choice"]] if item.type_id == "single_choice" else answer["choices"]
            names = {o["id"]: _option_text(o) for o in spec["options"]}
            result.append({"type": "choices", "from_name": "label", "to_name": "text",
                           "value": {"choices": [names[c] for c in chosen if c in names]}})
            data = {"text": spec.get("text", "")}
        elif item.type_id == "text_spans":
            data = {"text": spec["text"]}
            result += [{"type": "labels", "from_name": "label", "to_name": "text",
                        "value": {"start": s["start"], "end": s["end"], "labels": [s["label"]],
                                  "text": spec["text"][s["start"]:s["end"]]}}
                       for s in answer["spans"]]
        elif item.type_id == "bbox":
            width, height = spec["width"], spec["height"]
            data = {"image": PurePosixPath(spec["image"]).name}
            result += [{"type": "rectanglelabels", "from_name": "label", "to_name": "image",
                        "original_width": width, "original_height": height,
                        "value": {"x": 100 * b["x"] / width, "y": 100 * b["y"] / height,
                                  "width": 100 * b["w"] / width, "height": 100 * b["h"] / height,
                                  "rectanglelabels": [b["label"]]}} for b in answer["boxes"]]
        elif item.type_id == "transcription":
            data = {"audio": PurePosixPath(spec["media"]).name}
            result.append({"type": "textarea", "from_name": "transcript", "to_name": "audio",
                           "value": {"text": [answer["text"]]}})
        else:
            continue
        tasks.append({"id": n, "data": {**data, "item": item.key},
                      "annotations": [{"result": result}]})
    return tasks


def to_coco(answers: list[AnsweredItem]) -> dict:
    """COCO detection JSON of the trainee's boxes."""
    boxes = [a for a in answers if a.type_id == "bbox"]
    labels = sorted({label for a in boxes for label in a.spec["labels"]})
    categories = [{"id": n, "name": label} for n, label in enumerate(labels, 1)]
    ids = {c["name"]: c["id"] for c in categories}
    images, annotations = [], []
    for image_id, item in enumerate(boxes, 1):
        images.append({"id": image_id, "file_name": PurePosixPath(item.spec["image"]).name,
                       "width": item.spec["width"], "height": item.spec["height"]})
        for box in item.answer["boxes"]:
            annotations.append({"id": len(annotations) + 1, "image_id": image_id,
                                "category_id": ids[box["label"]], "iscrowd": 0,
                                "bbox": [box["x"], box["y"], box["w"], box["h"]],
                                "area": box["w"] * box["h"]})
    return {"images": images, "annotations": annotations, "categories": categories}


def _tokens(text: str) -> list[tuple[int, int]]:
    """(start, end) of each token: one per CJK character, whitespace-separated otherwise."""
    tokens, start = [], None
    for i, char in enumerate(text):
        if char.isspace() or CJK.match(char):
            if start is not None:
                tokens.append((start, i))
                start = None
            if CJK.match(char):
                tokens.append((i, i + 1))
        elif start is None:
            start = i
    if start is not None:
        tokens.append((start, len(text)))
    return tokens


def to_conll(answers: list[AnsweredItem]) -> str:
    """BIO-tagged tokens of the trainee's spans, a blank line between items."""
    blocks = []
    for item in (a for a in answers if a.type_id == "text_spans"):
        text, lines = item.spec["text"], []
        for start, end in _tokens(text):
            tag = "O"
            for span in item.answer["spans"]:
                if span["start"] <= start and end <= span["end"]:
                    tag = ("B-" if start == span["start"] or start == _first_token(text, span)
                           else "I-") + span["label"]
                    break
            lines.append(f"{text[start:end]} {tag}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def _first_token(text: str, span: dict) -> int:
    return next((s for s, _e in _tokens(text) if s >= span["start"]), span["start"])
