"""COCO detection JSON ⇄ ``bbox`` exam packs. Pure: no Flask, no database.

Import: one item per image; the image id, file name and category ids are kept in the item's
``source``, so exports carry the ids of the source file and COCOeval can score them against it.
A box that crosses the image edge by less than a pixel is clipped (with a note); an image with
a box further out is left out, naming the image and annotation. Crowd regions (``iscrowd``) are
left out of the gold and the item is tagged ``crowd-regions``.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from talentpool.assessment.converters import (
    EDGE_SLACK,
    Conversion,
    ConversionError,
    fit_box,
    make_item,
    make_pack,
)
from talentpool.assessment.exports import AnsweredItem

TOOL = "coco"
CROWD_TAG = "crowd-regions"


def from_coco(coco: Any, pack_id: str, element: str, images_root: Path) -> Conversion:
    """COCO detection JSON → bbox pack (one item per image)."""
    try:
        names = {c["id"]: c["name"] for c in coco["categories"]}
        by_image: dict[Any, list] = {}
        for a in coco["annotations"]:
            by_image.setdefault(a["image_id"], []).append(a)
        images = coco["images"]
    except (KeyError, TypeError) as error:
        raise ConversionError(f"not a COCO detection file: missing {error}") from None
    category_ids: dict[str, int] = {}
    for category_id, name in names.items():
        if name in category_ids:
            raise ConversionError(f"category name {name!r} is used by ids "
                                  f"{category_ids[name]} and {category_id}")
        category_ids[name] = category_id
    items, assets, notes = [], {}, []
    for index, image in enumerate(images):
        source = images_root / image["file_name"]
        if not source.is_file():
            raise ConversionError(f"image {image['file_name']} not found in {images_root}")
        ref = f"image {image['id']} ({image['file_name']})"
        boxes, crowd = _gold_boxes(image, by_image.get(image["id"], []), names, ref, notes)
        if boxes is None:
            continue
        asset = f"assets/image-{index + 1:04d}{source.suffix.lower()}"
        assets[asset] = source
        item = make_item(f"coco-{image['id']}", "bbox",
                         {"image": asset, "width": image["width"], "height": image["height"],
                          "labels": sorted(category_ids)}, {"boxes": boxes}, element,
                         {"tool": TOOL, "image_id": image["id"], "file_name": image["file_name"],
                          "categories": category_ids})
        if crowd:
            item["tags"].append(CROWD_TAG)
            notes.append(f"{ref}: {crowd} crowd region(s) (iscrowd) left out of the gold; "
                         f"the item is tagged {CROWD_TAG}")
        items.append(item)
    return Conversion(make_pack(pack_id, "object_detection", items, "COCO import"), assets,
                      tuple(notes))


def _gold_boxes(image: dict, annotations: list, names: dict, ref: str,
                notes: list[str]) -> tuple[list[dict] | None, int]:
    """The image's boxes, clipped to it; None if one lies a pixel or more outside."""
    boxes, crowd = [], 0
    for a in annotations:
        if a.get("iscrowd"):
            crowd += 1
            continue
        if a.get("category_id") not in names:
            raise ConversionError(f"{ref}: annotation {a.get('id')} has an unknown category "
                                  f"{a.get('category_id')!r}")
        bbox = a.get("bbox")
        if not (isinstance(bbox, list) and len(bbox) == 4 and all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in bbox)):
            raise ConversionError(f"{ref}: annotation {a.get('id')}: bbox must be "
                                  "[x, y, width, height]")
        box, excess = fit_box(*bbox, image["width"], image["height"])
        if excess >= EDGE_SLACK or box["w"] <= 0 or box["h"] <= 0:
            notes.append(f"{ref}: annotation {a['id']} lies {excess:.2f} px outside the image "
                         "or has no area; the image is left out")
            return None, crowd
        if excess > 0:
            notes.append(f"{ref}: annotation {a['id']} clipped to the image edge "
                         f"({excess:.2f} px outside)")
        boxes.append({**box, "label": names[a["category_id"]]})
    return boxes, crowd


def to_coco(answers: list[AnsweredItem]) -> dict:
    """COCO detection JSON of the trainee's boxes, with the source file's ids and file names."""
    images, categories = _numbering([a for a in answers if a.type_id == "bbox"])
    annotations = [{"id": n, "image_id": image["id"], "category_id": categories[box["label"]],
                    "iscrowd": 0, "bbox": [box["x"], box["y"], box["w"], box["h"]],
                    "area": box["w"] * box["h"]}
                   for n, (image, box) in enumerate(_boxes(images), 1)]
    return {"images": [{k: v for k, v in image.items() if k != "item"} for image in images],
            "annotations": annotations,
            "categories": [{"id": i, "name": name}
                           for name, i in sorted(categories.items(), key=lambda pair: pair[1])]}


def to_coco_results(answers: list[AnsweredItem]) -> list[dict]:
    """The COCO results format (``loadRes``/COCOeval): one entry per box, score 1."""
    images, categories = _numbering([a for a in answers if a.type_id == "bbox"])
    return [{"image_id": image["id"], "category_id": categories[box["label"]],
             "bbox": [box["x"], box["y"], box["w"], box["h"]], "score": 1.0}
            for image, box in _boxes(images)]


def _boxes(images: list[dict]):
    for image in images:
        for box in image["item"].answer["boxes"]:
            yield image, box


def _numbering(items: list[AnsweredItem]) -> tuple[list[dict], dict[str, int]]:
    """Image entries and category ids: the source's where known, fresh numbers after them."""
    sources = [item.source if item.source and item.source.get("tool") == TOOL else None
               for item in items]
    categories: dict[str, int] = {}
    for source in filter(None, sources):
        for name, category_id in source["categories"].items():
            categories.setdefault(name, category_id)
    next_category = max(categories.values(), default=0) + 1
    for name in sorted({label for item in items for label in item.spec["labels"]}):
        if name not in categories:
            categories[name], next_category = next_category, next_category + 1
    used = {s["image_id"] for s in sources if s and isinstance(s["image_id"], int)}
    next_image, images = max(used, default=0) + 1, []
    for item, source in zip(items, sources, strict=True):
        if source:
            image_id, file_name = source["image_id"], source["file_name"]
        else:
            image_id, file_name = next_image, PurePosixPath(item.spec["image"]).name
            next_image += 1
        images.append({"id": image_id, "file_name": file_name, "width": item.spec["width"],
                       "height": item.spec["height"], "item": item})
    return images, categories
