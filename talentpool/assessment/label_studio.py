"""Label Studio JSON tasks ⇄ exam packs. Pure: no Flask, no database.

Import: each control (``from_name``) that a task's annotation fills becomes one item, so a task
with a bounding-box control and a choices control gives a ``bbox`` and a choice item. Option and
label sets are kept per control. Cancelled annotations are skipped; the ground-truth annotation
wins among the others. Export: the items of one Label Studio task go back into that task with
its id, data URLs and control names, and :func:`label_config` writes a labeling config that
accepts them.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree

from talentpool.assessment.converters import (
    CJK,
    EDGE_SLACK,
    Conversion,
    ConversionError,
    fit_box,
    make_item,
    make_pack,
)
from talentpool.assessment.exports import AnsweredItem, option_text
from talentpool.assessment.packs import IMAGE_SUFFIXES

TOOL = "label-studio"
CONTROLS = ("choices", "labels", "rectanglelabels", "textarea")
CONTROL_OF_TYPE = {"single_choice": "choices", "multi_choice": "choices", "text_spans": "labels",
                   "bbox": "rectanglelabels", "transcription": "textarea"}
CONTROL_TAGS = {"choices": "Choices", "labels": "Labels", "rectanglelabels": "RectangleLabels",
                "textarea": "TextArea"}
DEFAULT_NAMES = {"choices": "choice", "labels": "label", "rectanglelabels": "box",
                 "textarea": "transcript"}
USUAL_OBJECT = {"choices": "Text", "labels": "Text", "rectanglelabels": "Image",
                "textarea": "Audio"}


def from_label_studio(tasks: Any, pack_id: str, track: str, element: str,
                      media_root: Path | None = None) -> Conversion:
    """Label Studio JSON export → pack (choices, labels, rectanglelabels, textarea controls)."""
    if not isinstance(tasks, list):
        raise ConversionError("a Label Studio export is a JSON list of tasks")
    annotated, notes, cancelled, left_out = [], [], 0, 0
    for index, task in enumerate(tasks):
        ref = f"task {task.get('id', index + 1)}"
        results, skipped = _annotation(task, ref)
        cancelled += skipped
        if results is None:
            left_out += 1
            continue
        ignored = sorted({str(r.get("type")) for r in results if r.get("type") not in CONTROLS})
        if ignored:
            notes.append(f"{ref}: {', '.join(ignored)} results are not converted")
        annotated.append((index, task, ref, _controls(results)))
    if cancelled:
        notes.insert(0, f"skipped {cancelled} cancelled annotation(s); {left_out} task(s) had "
                        "no other annotation and were left out")
    vocabulary = _vocabulary(annotated)
    items, assets = [], {}
    for index, task, ref, controls in annotated:
        if not controls:
            raise ConversionError(f"{ref}: no choices, labels, rectanglelabels or textarea result")
        for n, (name, results) in enumerate(controls.items(), 1):
            key = f"ls-{index + 1:04d}" if len(controls) == 1 else f"ls-{index + 1:04d}-{n}"
            converted = _convert(key, task, ref, name, results, vocabulary[name], index, element,
                                 media_root, assets, notes)
            if converted:
                items.append(converted)
    return Conversion(make_pack(pack_id, track, items, "Label Studio import"), assets,
                      tuple(notes))


def _annotation(task: dict, ref: str) -> tuple[list | None, int]:
    """The result of the annotation to use (None if all were cancelled), and how many were."""
    annotations = task.get("annotations") or []
    if not annotations:
        raise ConversionError(f"{ref}: no annotations")
    kept = [a for a in annotations if not a.get("was_cancelled")]
    if not kept:
        return None, len(annotations)
    chosen = next((a for a in kept if a.get("ground_truth")), kept[0])
    return chosen.get("result") or [], len(annotations) - len(kept)


def _controls(results: list[dict]) -> dict[str, list[dict]]:
    """Results grouped by control (``from_name``, else the result type), in order of appearance."""
    grouped: dict[str, list[dict]] = {}
    for result in results:
        if result.get("type") in CONTROLS:
            grouped.setdefault(result.get("from_name") or result["type"], []).append(result)
    return grouped


def _vocabulary(annotated: list) -> dict[str, list[str]]:
    """The sorted choice or label values of each control over all tasks."""
    values: dict[str, set[str]] = {}
    for _index, _task, _ref, controls in annotated:
        for name, results in controls.items():
            found = values.setdefault(name, set())
            for result in results:
                found.update((result.get("value") or {}).get(result["type"], []))
    return {name: sorted(found) for name, found in values.items()}


def _convert(key, task, ref, name, results, vocabulary, index, element, media_root, assets,
             notes) -> dict | None:
    kind, first, data = results[0]["type"], results[0], task.get("data") or {}
    data_key = _data_key(kind, first.get("to_name"), data)
    value = data.get(data_key, "")
    source = {"tool": TOOL, "task": task.get("id"), "from_name": first.get("from_name"),
              "to_name": first.get("to_name"),
              "data": {data_key: str(value)} if data_key in data else None}
    source = {k: v for k, v in source.items() if v is not None}

    def media(prefix: str) -> str:
        origin = _media(str(value), media_root, ref)
        asset = f"assets/{prefix}-{index + 1:04d}{origin.suffix.lower()}"
        assets[asset] = origin
        return asset

    if kind == "choices":
        chosen = [c for r in results for c in r["value"]["choices"]]
        ids = [f"c{vocabulary.index(c)}" for c in chosen]
        spec: dict[str, Any] = {"options": [{"id": f"c{n}", "text": {"zh": c, "en": c}}
                                            for n, c in enumerate(vocabulary)]}
        if _is_image(value):
            spec["image"] = media("image")
        elif str(value):
            spec["text"] = str(value)
        source["values"] = {f"c{n}": c for n, c in enumerate(vocabulary)}
        if len(ids) == 1:
            return make_item(key, "single_choice", spec, {"choice": ids[0]}, element, source)
        return make_item(key, "multi_choice", spec, {"choices": ids}, element, source)
    if kind == "labels":
        spans = [{"start": r["value"]["start"], "end": r["value"]["end"],
                  "label": r["value"]["labels"][0]} for r in results]
        return make_item(key, "text_spans", {"text": str(value), "labels": vocabulary},
                         {"spans": spans}, element, source)
    if kind == "rectanglelabels":
        boxes, size = [], None
        for r in results:
            v = r["value"]
            if v.get("rotation"):
                raise ConversionError(
                    f"{ref}: box {r.get('id', '')} of {name} is rotated by {v['rotation']}°; "
                    "bbox items take upright boxes only: straighten it in Label Studio or "
                    "leave the task out")
            width, height = r["original_width"], r["original_height"]
            size = (width, height)
            box, excess = fit_box(v["x"] * width / 100, v["y"] * height / 100,
                                  v["width"] * width / 100, v["height"] * height / 100,
                                  width, height, ndigits=2)
            if excess >= EDGE_SLACK or box["w"] <= 0 or box["h"] <= 0:
                notes.append(f"{ref}: box {r.get('id', '')} of {name} lies {excess:.2f} px "
                             "outside the image; the control is left out")
                return None
            if round(excess, 2) > 0:
                notes.append(f"{ref}: box {r.get('id', '')} of {name} clipped to the image "
                             f"edge ({excess:.2f} px outside)")
            boxes.append({**box, "label": v["rectanglelabels"][0]})
        spec = {"image": media("image"), "width": size[0], "height": size[1],
                "labels": vocabulary}
        return make_item(key, "bbox", spec, {"boxes": boxes}, element, source)
    text = "".join(t for r in results for t in r["value"]["text"])
    spec = {"media": media("clip" if not _is_image(value) else "image"),
            "language": "zh" if CJK.search(text) else "en"}
    if _is_image(value):
        spec["media_type"] = "image"
    return make_item(key, "transcription", spec, {"text": text}, element, source)


def _data_key(kind: str, to_name: str | None, data: dict) -> str:
    """The task data field a control's object shows: its own name if the data has it."""
    if to_name in data:
        return to_name
    if kind == "choices":
        return "text" if "text" in data or "image" not in data else "image"
    return {"labels": "text", "rectanglelabels": "image", "textarea": "audio"}[kind]


def _is_image(value: Any) -> bool:
    return isinstance(value, str) and PurePosixPath(value.split("?")[0]).suffix.lower() \
        in IMAGE_SUFFIXES


def _media(value: str, media_root: Path | None, ref: str) -> Path:
    if media_root is None:
        raise ConversionError(f"{ref}: media {value!r} needs --media-root")
    candidate = media_root / Path(value.split("?")[0]).name
    if not candidate.is_file():
        raise ConversionError(f"{ref}: media file {candidate.name} not found in {media_root}")
    return candidate


def to_label_studio(answers: list[AnsweredItem]) -> list[dict]:
    """Label Studio tasks, each with the trainee's answers as its annotation.

    Items converted from one Label Studio task go back into that task (same id, data and
    control names); other items become tasks of their own, numbered after the largest id.
    """
    return _export(answers)[0]


def label_config(answers: list[AnsweredItem]) -> str:
    """The labeling config (XML) of a Label Studio project that accepts ``to_label_studio``."""
    objects, controls = _export(answers)[1:]
    view = ElementTree.Element("View")
    for to_name, (tag, data_key) in objects.items():
        ElementTree.SubElement(view, tag, name=to_name, value=f"${data_key}")
        for from_name, control in controls.items():
            if control["to_name"] != to_name:
                continue
            attributes = {"name": from_name, "toName": to_name}
            if control["kind"] == "choices":
                attributes["choice"] = "multiple" if control["multiple"] else "single"
            element = ElementTree.SubElement(view, CONTROL_TAGS[control["kind"]], attributes)
            child = "Choice" if control["kind"] == "choices" else "Label"
            for value in control["values"]:
                ElementTree.SubElement(element, child, value=value)
    ElementTree.indent(view)
    return ElementTree.tostring(view, encoding="unicode") + "\n"


def _export(answers: list[AnsweredItem]) -> tuple[list[dict], dict, dict]:
    tasks: dict[Any, dict] = {}
    objects: dict[str, tuple[str, str]] = {}
    controls: dict[str, dict] = {}
    used = {s["task"] for a in answers if (s := _source(a)) and isinstance(s.get("task"), int)}
    next_id = max(used, default=0) + 1
    for item in answers:
        if item.type_id not in CONTROL_OF_TYPE:
            continue
        source, kind = _source(item) or {}, CONTROL_OF_TYPE[item.type_id]
        tag = _object_tag(item, kind)
        to_name = source.get("to_name") or tag.lower()
        from_name = source.get("from_name") or DEFAULT_NAMES[kind] + (
            "" if tag == USUAL_OBJECT[kind] else f"_{tag.lower()}")
        data_key, data_value = next(iter(source.get("data", {}).items()),
                                    (to_name, _data_value(item, tag)))
        objects.setdefault(to_name, (tag, data_key))
        values, result = _values_and_result(item, kind, source)
        control = controls.setdefault(from_name, {"kind": kind, "to_name": to_name, "values": [],
                                                  "multiple": False})
        if (control["kind"], control["to_name"]) != (kind, to_name):
            raise ConversionError(f"item {item.key}: control {from_name} is used for two things")
        control["values"] += [v for v in values if v not in control["values"]]
        control["multiple"] |= item.type_id == "multi_choice"
        if "task" in source:
            task = tasks.setdefault(("ls", source["task"]), _task(source["task"], {}))
        else:
            task = tasks[("item", item.key)] = _task(next_id, {"item": item.key})
            next_id += 1
        task["data"][data_key] = data_value
        task["annotations"][0]["result"] += [
            {"id": f"{item.key}-{n}", "type": kind, "from_name": from_name, "to_name": to_name,
             **region} for n, region in enumerate(result, 1)]
    return list(tasks.values()), objects, controls


def _task(task_id: Any, data: dict) -> dict:
    return {"id": task_id, "data": data, "annotations": [{"result": []}]}


def _source(item: AnsweredItem) -> dict | None:
    return item.source if item.source and item.source.get("tool") == TOOL else None


def _object_tag(item: AnsweredItem, kind: str) -> str:
    if kind == "choices":
        return "Image" if "image" in item.spec and "text" not in item.spec else "Text"
    if kind == "textarea":
        return "Image" if item.spec.get("media_type") == "image" else "Audio"
    return USUAL_OBJECT[kind]


def _data_value(item: AnsweredItem, tag: str) -> str:
    if tag == "Text":
        return item.spec.get("text", "")
    return PurePosixPath(item.spec.get("image") or item.spec["media"]).name


def _values_and_result(item: AnsweredItem, kind: str, source: dict) -> tuple[list, list]:
    """The control's values (choices or labels) and the result regions of the answer."""
    spec, answer = item.spec, item.answer
    if kind == "choices":
        names = {o["id"]: source.get("values", {}).get(o["id"]) or option_text(o)
                 for o in spec["options"]}
        chosen = [answer["choice"]] if item.type_id == "single_choice" else answer["choices"]
        picked = [names[c] for c in chosen if c in names]
        return list(names.values()), [{"value": {"choices": picked}}] if picked else []
    if kind == "labels":
        return spec["labels"], [{"value": {"start": s["start"], "end": s["end"],
                                           "text": spec["text"][s["start"]:s["end"]],
                                           "labels": [s["label"]]}} for s in answer["spans"]]
    if kind == "rectanglelabels":
        width, height = spec["width"], spec["height"]
        return spec["labels"], [{"original_width": width, "original_height": height,
                                 "image_rotation": 0,
                                 "value": {"x": 100 * b["x"] / width, "y": 100 * b["y"] / height,
                                           "width": 100 * b["w"] / width,
                                           "height": 100 * b["h"] / height, "rotation": 0,
                                           "rectanglelabels": [b["label"]]}}
                                for b in answer["boxes"]]
    return [], [{"value": {"text": [answer["text"]]}}] if answer["text"] else []
