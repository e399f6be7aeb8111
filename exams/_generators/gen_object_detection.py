"""Generate the object-detection pack: Pillow-drawn scenes with exact gold boxes.

Run from the repository root:  python exams/_generators/gen_object_detection.py
Scenes are random but reproducible (fixed seed). Gold boxes are the visible
extent of each object (see scenes.py); file names are neutral (scene-001.png).
"""

from __future__ import annotations

import random
from typing import Any

from common import EXAMS, SEED, assign_uses, item, lm, write_pack
from scenes import (CAR_COLOURS, H, LABEL_ZH, SHIRTS, W, Obj, render, save_png, visible_boxes)

PACK = "object-detection"
LABEL_EN = {"car": "car", "person": "person", "tree": "tree", "traffic_light": "traffic light",
            "parcel": "parcel"}
GREENS = [(60, 140, 60), (40, 120, 70), (90, 160, 60)]


def label_names(labels: list[str]) -> dict[str, dict[str, str]]:
    """The spec's display names of ``labels`` (the pages show these; boxes keep the ids)."""
    return {label: {"zh": LABEL_ZH[label], "en": LABEL_EN[label]} for label in labels}


def scale(bottom: int, horizon: int) -> float:
    return max(0.12, (bottom - horizon) / (H - horizon))


def make_objects(kind: str, rng: random.Random, level: str) -> list[Obj]:
    n = {"easy": (2, 4), "medium": (4, 7), "hard": (7, 11)}[level]
    count = rng.randint(*n)
    objs: list[Obj] = []
    edge = level == "hard"
    for _ in range(count):
        if kind == "street":
            label = rng.choices(["car", "person", "traffic_light", "tree"], [4, 4, 1.3, 1.3])[0]
        elif kind == "park":
            label = rng.choices(["person", "tree"], [3, 2])[0]
        else:
            label = rng.choices(["parcel", "person"], [4, 1.5])[0]
        if label == "car":
            b = rng.randint(370, 475)
            size = int(260 * scale(b, 290))
            x = rng.randint(-size // 3 if edge else 0, W - (2 * size // 3 if edge else size))
            objs.append(Obj("car", x, b, size, rng.choice(CAR_COLOURS), rng.randint(0, 9)))
        elif label == "person":
            lo = {"street": 305, "park": 265, "warehouse": 340}[kind]
            b = rng.randint(lo, 475)
            size = max(22, int(175 * scale(b, lo - 40)))
            x = rng.randint(0, W - int(size * 0.34) - 1)
            objs.append(Obj("person", x, b, size, rng.choice(SHIRTS), rng.randint(0, 9)))
        elif label == "traffic_light":
            size = rng.randint(36, 66)
            objs.append(Obj("traffic_light", rng.randint(5, W - 30), rng.randint(110, 200), size,
                            (0, 0, 0), rng.randint(0, 9)))
        elif label == "tree":
            lo = 300 if kind == "street" else 255
            b = rng.randint(lo, lo + 30) if kind == "street" else rng.randint(lo, 470)
            size = int(rng.randint(110, 220) * (1 if kind == "street" else scale(b, lo - 80) + 0.3))
            x = rng.randint(-size // 4 if edge else 0, W - int(size * 0.6) - 1)
            objs.append(Obj("tree", x, b, size, rng.choice(GREENS), rng.randint(0, 9)))
        else:
            b = rng.randint(336, 475)
            size = int(rng.randint(70, 130) * scale(b, 250))
            x = rng.randint(0, W - size - 1)
            brown = rng.choice([(190, 140, 80), (170, 120, 70), (205, 160, 100)])
            objs.append(Obj("parcel", x, b, size, brown, rng.randint(0, 9)))
            if level != "easy" and rng.random() < 0.5:  # stack another parcel on top
                h = int(size * (0.6 + 0.25 * (objs[-1].variant % 3)))
                objs.append(Obj("parcel", x + rng.randint(-5, 10), b - h, int(size * 0.85), brown, rng.randint(0, 9)))
    # far things first, lights and trees behind street objects
    order = {"traffic_light": 0, "tree": 1}
    objs.sort(key=lambda o: (order.get(o.label, 2), o.y))
    return objs


def acceptable(info: list[dict[str, Any]], level: str) -> bool:
    min_visible = {"easy": 0.97, "medium": 0.6, "hard": 0.35}[level]
    for entry in info:
        box = entry["box"]
        if box is None or box[2] < 8 or box[3] < 10 or entry["visible"] < min_visible:
            return False
        if level == "easy" and entry["truncated"]:
            return False
    return True


TASKS = {
    "street": [["car", "person"], ["car", "person", "traffic_light"], ["car", "person", "traffic_light", "tree"], ["car"], ["person"]],
    "park": [["person", "tree"], ["person"], ["tree"]],
    "warehouse": [["parcel", "person"], ["parcel"]],
}


def describe(labels: list[str], present: dict[str, int], golds: list[dict[str, Any]],
             info: list[dict[str, Any]]) -> dict[str, str]:
    counts_zh = "、".join(f"{LABEL_ZH[l]} {present.get(l, 0)} 个" for l in labels)
    counts_en = ", ".join(f"{present.get(l, 0)} {LABEL_EN[l]}" for l in labels)
    zh = f"金标准共 {len(golds)} 个框：{counts_zh}。"
    en = f"The gold answer has {len(golds)} boxes: {counts_en}."
    target = [e for e in info if e["obj"].label in labels]
    occluded = [e for e in target if e["visible"] < 0.97]
    truncated = [e for e in target if e["truncated"]]
    if occluded:
        names = "、".join(sorted({LABEL_ZH[e["obj"].label] for e in occluded}))
        zh += f"其中 {len(occluded)} 个目标（{names}）被部分遮挡，按规范只框可见部分。"
        en += f" {len(occluded)} of them are partly hidden; by the spec only the visible part is boxed."
    if truncated:
        zh += f"{len(truncated)} 个目标被图片边缘截断，框到图片边缘为止。"
        en += f" {len(truncated)} object(s) are cut off by the image border; box up to the border."
    if target:
        small = min(target, key=lambda e: e["box"][2] * e["box"][3])
        bx = small["box"]
        zh += f"最小的目标是位于（{bx[0]}, {bx[1]}）附近的{LABEL_ZH[small['obj'].label]}，只有 {bx[2]}×{bx[3]} 像素，容易漏标。"
        en += f" The smallest is a {LABEL_EN[small['obj'].label]} near ({bx[0]}, {bx[1]}), only {bx[2]}×{bx[3]} px: easy to miss."
    others = sorted({e["obj"].label for e in info} - set(labels))
    if others:
        zh += "图中的" + "、".join(LABEL_ZH[o] for o in others) + "不在本题标签内，不要框。"
        en += " The " + ", ".join(LABEL_EN[o] for o in others) + " in the picture are not asked for: do not box them."
    if "traffic_light" in labels:
        zh += "交通信号灯只框灯箱，不含灯杆。"
        en += " A traffic light box covers the signal head, not the pole."
    if not golds:
        zh += "本图没有要求的目标，正确做法是不画任何框。"
        en += " There is no requested object in this picture: the right answer is no box at all."
    return lm(zh, en)


def build() -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    plan = (["street"] * 18 + ["park"] * 12 + ["warehouse"] * 12)
    levels = ["easy"] * 12 + ["medium"] * 16 + ["hard"] * 14
    rng.shuffle(plan)
    rng.shuffle(levels)
    items = []
    for number, (kind, level) in enumerate(zip(plan, levels), start=1):
        seed = SEED + number
        labels = rng.choice(TASKS[kind])
        empty = number == 17  # one picture with nothing to find
        for _ in range(400):
            objs = make_objects(kind, rng, level)
            if empty:
                kind, labels = "park", ["person"]
                objs = [o for o in make_objects("park", rng, "easy") if o.label == "tree"] or objs[:0]
            img, ids = render(kind, objs, seed)
            info = visible_boxes(objs, ids, seed)
            if acceptable(info, level) and (empty or any(o.label in labels for o in objs)):
                break
        else:
            raise RuntimeError(f"no acceptable scene for {number}")
        name = f"scene-{number:03d}.png"
        save_png(img, EXAMS / PACK / "assets" / name)
        golds = [{"x": e["box"][0], "y": e["box"][1], "w": e["box"][2], "h": e["box"][3], "label": e["obj"].label}
                 for e in info if e["obj"].label in labels]
        rng.shuffle(golds)
        present: dict[str, int] = {}
        for g in golds:
            present[g["label"]] = present.get(g["label"], 0) + 1
        names_zh = "、".join(LABEL_ZH[l] for l in labels)
        names_en = ", ".join(LABEL_EN[l] for l in labels)
        prompt = lm(f"框出图中所有的{names_zh}。只框目标的可见部分，框要贴紧；被图片边缘截断的目标框到边缘为止。",
                    f"Draw a tight box around every {names_en} in the picture. Box only the visible "
                    "part; for an object cut off by the border, box up to the border.")
        tags = [kind, level] + (["occlusion"] if any(e["visible"] < 0.97 for e in info) else [])
        element = "P2.2" if level == "hard" or any(e["visible"] < 0.97 or e["truncated"] for e in info) else "P2.1"
        items.append(item(f"od-{number:03d}", "bbox", prompt,
                          {"image": f"assets/{name}", "width": W, "height": H, "labels": labels,
                           "iou_threshold": 0.5, "label_names": label_names(labels)},
                          {"boxes": golds}, describe(labels, present, golds, info), element, tags))
    assign_uses(PACK, items)
    return items


if __name__ == "__main__":
    write_pack(
        PACK,
        lm("图像目标检测", "Image object detection"),
        lm("在程序绘制的街道、公园和仓库场景中框出汽车、行人、树、交通信号灯和包裹，含遮挡、截断和小目标。",
           "Box cars, people, trees, traffic lights and parcels in drawn street, park and warehouse "
           "scenes, with occlusion, truncation and small objects."),
        "object_detection",
        build(),
        version=3,
    )
