"""Converters from common annotation formats to exam packs. Pure: no Flask, no database.

Each converter returns ``(pack_data, assets)``: the ``pack.yaml`` mapping and a map
of pack-relative asset paths to source files to copy. Prompts and explanations get
a generic bilingual text per task type that authors can then refine.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

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


class ConversionError(ValueError):
    """The source cannot be converted; the message names the task or line."""


def _item(key: str, type_id: str, spec: dict, gold: dict, element: str) -> dict:
    return {"id": key, "type": type_id, "prompt": GENERIC_PROMPT[type_id], "spec": spec,
            "gold": gold, "explanation": GENERIC_EXPLANATION[type_id], "element": element,
            "tags": ["converted"]}


def _pack(pack_id: str, track: str, items: list[dict], title: str) -> dict:
    if not items:
        raise ConversionError("no convertible tasks found")
    return {"id": pack_id, "version": 1, "title": {"zh": title, "en": title}, "track": track,
            "levels": [5, 4], "licence": "CC-BY-4.0", "items": items}


def _ground_truth(task: dict, index: int) -> list[dict]:
    annotations = task.get("annotations") or []
    if not annotations:
        raise ConversionError(f"task {task.get('id', index)}: no annotations")
    chosen = next((a for a in annotations if a.get("ground_truth")), annotations[0])
    return chosen.get("result") or []


def _media(value: str, media_root: Path | None, task_ref: str) -> Path:
    if media_root is None:
        raise ConversionError(f"{task_ref}: media {value!r} needs --media-root")
    candidate = media_root / Path(value.split("?")[0]).name
    if not candidate.is_file():
        raise ConversionError(f"{task_ref}: media file {candidate.name} not found in {media_root}")
    return candidate


def from_label_studio(tasks: Any, pack_id: str, track: str, element: str,
                      media_root: Path | None = None) -> tuple[dict, dict[str, Path]]:
    """Label Studio JSON export → pack (choices, labels, rectanglelabels, textarea)."""
    if not isinstance(tasks, list):
        raise ConversionError("a Label Studio export is a JSON list of tasks")
    results = [(task, _ground_truth(task, i)) for i, task in enumerate(tasks)]
    choice_set = sorted({c for _t, res in results for r in res if r.get("type") == "choices"
                         for c in r["value"]["choices"]})
    label_set = sorted({lab for _t, res in results for r in res
                        if r.get("type") in ("labels", "rectanglelabels")
                        for lab in r["value"].get("labels", r["value"].get("rectanglelabels", []))})
    items, assets = [], {}
    for index, (task, res) in enumerate(results):
        key, data, ref = f"ls-{index + 1:04d}", task.get("data") or {}, f"task {task.get('id', index)}"
        kinds = {r.get("type") for r in res}
        if "choices" in kinds:
            chosen = [c for r in res if r["type"] == "choices" for c in r["value"]["choices"]]
            options = [{"id": f"c{n}", "text": {"zh": c, "en": c}} for n, c in enumerate(choice_set)]
            ids = [f"c{choice_set.index(c)}" for c in chosen]
            spec = {"text": str(data.get("text", "")), "options": options}
            if len(ids) == 1:
                items.append(_item(key, "single_choice", spec, {"choice": ids[0]}, element))
            else:
                items.append(_item(key, "multi_choice", spec, {"choices": ids}, element))
        elif "labels" in kinds:
            spans = [{"start": r["value"]["start"], "end": r["value"]["end"],
                      "label": r["value"]["labels"][0]} for r in res if r["type"] == "labels"]
            items.append(_item(key, "text_spans", {"text": data.get("text", ""),
                                                   "labels": label_set}, {"spans": spans}, element))
        elif "rectanglelabels" in kinds:
            source = _media(str(data.get("image", "")), media_root, ref)
            boxes, size = [], None
            for r in res:
                if r["type"] != "rectanglelabels":
                    continue
                width, height = r["original_width"], r["original_height"]
                size, v = (width, height), r["value"]
                boxes.append({"x": round(v["x"] * width / 100, 2), "y": round(v["y"] * height / 100, 2),
                              "w": round(v["width"] * width / 100, 2),
                              "h": round(v["height"] * height / 100, 2),
                              "label": v["rectanglelabels"][0]})
            asset = f"assets/image-{index + 1:04d}{source.suffix.lower()}"
            assets[asset] = source
            items.append(_item(key, "bbox", {"image": asset, "width": size[0], "height": size[1],
                                             "labels": label_set}, {"boxes": boxes}, element))
        elif "textarea" in kinds:
            source = _media(str(data.get("audio", "")), media_root, ref)
            text = "".join(t for r in res if r["type"] == "textarea" for t in r["value"]["text"])
            asset = f"assets/clip-{index + 1:04d}{source.suffix.lower()}"
            assets[asset] = source
            language = "zh" if CJK.search(text) else "en"
            items.append(_item(key, "transcription", {"media": asset, "language": language},
                               {"text": text}, element))
        else:
            raise ConversionError(f"{ref}: no choices, labels, rectanglelabels or textarea result")
    return _pack(pack_id, track, items, "Label Studio import"), assets


def from_coco(coco: Any, pack_id: str, element: str, images_root: Path) -> tuple[dict, dict[str, Path]]:
    """COCO detection JSON → bbox pack (one item per image)."""
    try:
        names = {c["id"]: c["name"] for c in coco["categories"]}
        by_image: dict[int, list] = {}
        for a in coco["annotations"]:
            by_image.setdefault(a["image_id"], []).append(a)
        images = coco["images"]
    except (KeyError, TypeError) as error:
        raise ConversionError(f"not a COCO detection file: missing {error}") from None
    labels = sorted(set(names.values()))
    items, assets = [], {}
    for index, image in enumerate(images):
        source = images_root / image["file_name"]
        if not source.is_file():
            raise ConversionError(f"image {image['file_name']} not found in {images_root}")
        asset = f"assets/image-{index + 1:04d}{source.suffix.lower()}"
        assets[asset] = source
        boxes = [{"x": a["bbox"][0], "y": a["bbox"][1], "w": a["bbox"][2], "h": a["bbox"][3],
                  "label": names[a["category_id"]]} for a in by_image.get(image["id"], [])]
        items.append(_item(f"coco-{image['id']}", "bbox",
                           {"image": asset, "width": image["width"], "height": image["height"],
                            "labels": labels}, {"boxes": boxes}, element))
    return _pack(pack_id, "object_detection", items, "COCO import"), assets


def _joined(tokens: list[str]) -> tuple[str, list[int]]:
    """Join tokens (no space between CJK characters); returns the text and each token's start."""
    text, starts = "", []
    for token in tokens:
        if text and not (CJK.match(text[-1]) or CJK.match(token[0])):
            text += " "
        starts.append(len(text))
        text += token
    return text, starts


def conll_sentences(lines: list[str]) -> list[list[tuple[str, str]]]:
    """Sentences of (token, tag) from CoNLL/BIO lines; the tag is the last column."""
    sentences, current = [], []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("-DOCSTART-"):
            if current:
                sentences.append(current)
            current = []
            continue
        columns = line.split()
        if len(columns) < 2:
            raise ConversionError(f"line {number}: expected 'token TAG'")
        current.append((columns[0], columns[-1]))
    if current:
        sentences.append(current)
    return sentences


def from_conll(lines: list[str], pack_id: str, element: str) -> tuple[dict, dict[str, Path]]:
    """CoNLL/BIO (also IOBES) token file → text_spans pack (one item per sentence)."""
    sentences = conll_sentences(lines)
    labels = sorted({tag[2:] for s in sentences for _t, tag in s if tag != "O"})
    items = []
    for index, sentence in enumerate(sentences):
        text, starts = _joined([token for token, _tag in sentence])
        spans, open_span = [], None
        for (token, tag), start in zip(sentence, starts):
            prefix, label = (tag[0], tag[2:]) if tag != "O" else ("O", None)
            continues = open_span and prefix in ("I", "E") and open_span["label"] == label
            if continues:
                open_span["end"] = start + len(token)
            else:
                if open_span:
                    spans.append(open_span)
                open_span = ({"start": start, "end": start + len(token), "label": label}
                             if prefix != "O" else None)
            if prefix in ("E", "S") and open_span:
                spans.append(open_span)
                open_span = None
        if open_span:
            spans.append(open_span)
        items.append(_item(f"conll-{index + 1:04d}", "text_spans",
                           {"text": text, "labels": labels}, {"spans": spans}, element))
    return _pack(pack_id, "named_entities", items, "CoNLL import"), {}
