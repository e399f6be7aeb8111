"""Generate the annotation-review (质检) pack: text-span and bbox annotations with planted errors.

Text items come from data/review_text_source.txt ([text|LABEL] = right, {text|LABEL} = a
plausible wrong span that may be planted). Bbox items draw new scenes with scenes.py and
perturb some of the exact gold boxes. Error kinds match what the review scorer supports:
wrong type/label, wrong boundary/loose box, spurious element. Omissions are not planted
(they are practised in the base tracks). Fixed seed: reruns give the same pack.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from common import EXAMS, SEED, assign_uses, item, lm, write_pack
from gen_named_entities import LABELS as SPAN_LABELS
from gen_object_detection import LABEL_EN, acceptable, label_names, make_objects
from scenes import H, LABEL_ZH, W, render, save_png, visible_boxes

PACK = "annotation-review"
SOURCE = Path(__file__).parent / "data" / "review_text_source.txt"
TYPE_SWAP = {"PER": ["ORG", "LOC"], "ORG": ["LOC", "PRODUCT", "PER"], "LOC": ["ORG"],
             "TIME": ["PRODUCT", "LOC"], "PRODUCT": ["ORG"]}


def parse(marked: str) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    text, good, traps, i = "", [], [], 0
    while i < len(marked):
        ch = marked[i]
        if ch in "[{":
            close = marked.index("]" if ch == "[" else "}", i)
            body, label = marked[i + 1:close].split("|")
            span = {"start": len(text), "end": len(text) + len(body), "label": label}
            (good if ch == "[" else traps).append(span)
            text += body
            i = close + 1
        else:
            text += ch
            i += 1
    return text, good, traps


def boundary_error(span: dict[str, Any], text: str, taken: set[tuple[int, int]], rng: random.Random) -> dict[str, Any] | None:
    options = []
    s, e = span["start"], span["end"]
    if e < len(text) and text[e] not in "，。、：；":
        options.append((s, e + 1))
    if s > 0 and text[s - 1] not in "，。、：；":
        options.append((s - 1, e))
    if e - s >= 3:
        options += [(s + 1, e), (s, e - 1)]
    options = [o for o in options if o not in taken and text[o[0]:o[1]].strip() == text[o[0]:o[1]]]
    if not options:
        return None
    a, b = rng.choice(options)
    return {"start": a, "end": b, "label": span["label"]}


def text_items(rng: random.Random) -> list[dict[str, Any]]:
    lines = [ln for ln in SOURCE.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    clean_at = {3, 14}
    out = []
    for index, line in enumerate(lines):
        text, good, traps = parse(line)
        n_errors = 0 if index in clean_at else rng.choice([1, 1, 2, 2, 3])
        elements: list[tuple[dict[str, Any], str | None, str, str]] = []  # span, error kind, zh, en
        wrong = set(rng.sample(range(len(good)), min(n_errors, len(good))))
        taken = {(g["start"], g["end"]) for g in good}
        for k, g in enumerate(good):
            word = text[g["start"]:g["end"]]
            kind = rng.choice(["type", "boundary"]) if k in wrong else None
            if kind == "boundary":
                bad = boundary_error(g, text, taken, rng)
                if bad is None:
                    kind = "type"
                else:
                    bw = text[bad["start"]:bad["end"]]
                    elements.append((bad, kind, f"“{bw}”边界错误，应为“{word}”（{g['label']}）",
                                     f"'{bw}' has a wrong boundary; it should be '{word}' ({g['label']})"))
                    continue
            if kind == "type":
                label = rng.choice(TYPE_SWAP[g["label"]])
                elements.append(({**g, "label": label}, kind, f"“{word}”类型错误，标成了 {label}，应为 {g['label']}",
                                 f"'{word}' has the wrong type {label}; it should be {g['label']}"))
                continue
            elements.append((dict(g), None, "", ""))
        if traps and n_errors and (len(wrong) < n_errors or rng.random() < 0.5):
            t = rng.choice(traps)
            tw = text[t["start"]:t["end"]]
            elements.append((t, "spurious", f"“{tw}”不应标注：职务、称呼、通用名词和时长都不是本规范的命名实体",
                             f"'{tw}' should not be marked: titles, generic nouns and durations are not entities in this spec"))
        elements.sort(key=lambda e: (e[0]["start"], e[0]["end"]))
        spans, errors, notes_zh, notes_en = [], [], [], []
        for number, (span, kind, zh, en) in enumerate(elements, start=1):
            sid = f"s{number}"
            spans.append({"id": sid, **span})
            if kind:
                errors.append(sid)
                notes_zh.append(f"{sid} {zh}")
                notes_en.append(f"{sid}: {en}")
        if errors:
            rest = len(errors) < len(spans)
            ezh = f"有 {len(errors)} 处错误：" + "；".join(notes_zh) + ("。其余标注正确。" if rest else "。")
            een = f"{len(errors)} error(s): " + "; ".join(notes_en) + (". The other spans are right." if rest else ".")
        else:
            ezh = "这份标注完全正确：每个实体的边界和类型都符合规范，不应标记任何错误。"
            een = "This annotation is fully correct: every boundary and type follows the spec, so nothing should be flagged."
        level = "easy" if len(errors) <= 1 else ("medium" if len(errors) == 2 else "hard")
        out.append({"base_type": "text_spans", "base_spec": {"text": text, "labels": SPAN_LABELS},
                    "annotation": {"spans": spans}, "errors": errors, "expl": lm(ezh, een),
                    "level": level, "element": "P5.1"})
    return out


def iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def clip(x: int, y: int, w: int, h: int) -> tuple[int, int, int, int]:
    x, y = max(0, min(x, W - 2)), max(0, min(y, H - 2))
    return x, y, max(1, min(w, W - x)), max(1, min(h, H - y))


def loose(box: tuple[int, int, int, int], rng: random.Random) -> tuple[int, int, int, int] | None:
    x, y, w, h = box
    for _ in range(50):
        mode = rng.choice(["shift", "grow", "shrink"])
        if mode == "shift":
            cand = clip(x + int(rng.choice([-1, 1]) * w * rng.uniform(0.45, 0.7)),
                        y + int(rng.choice([-1, 1]) * h * rng.uniform(0.0, 0.3)), w, h)
        elif mode == "grow":
            f = rng.uniform(1.7, 2.2)
            cand = clip(x - int(w * (f - 1) / 2), y - int(h * (f - 1) / 2), int(w * f), int(h * f))
        else:
            cand = clip(x + int(w * 0.2), y + int(h * rng.uniform(0.35, 0.5)), int(w * 0.6), int(h * 0.45))
        if 0.15 < iou(cand, box) < 0.5:
            return cand
    return None


def jitter(box: tuple[int, int, int, int], rng: random.Random) -> tuple[int, int, int, int]:
    for _ in range(50):
        cand = clip(box[0] + rng.randint(-2, 2), box[1] + rng.randint(-2, 2),
                    box[2] + rng.randint(-2, 2), box[3] + rng.randint(-2, 2))
        if iou(cand, box) >= 0.85:
            return cand
    return box


REVIEW_TASKS = {"street": [["car", "person"], ["car", "person", "traffic_light"]],
                "park": [["person", "tree"]], "warehouse": [["parcel", "person"]]}


def bbox_items(rng: random.Random, count: int) -> list[dict[str, Any]]:
    out = []
    kinds = (["street"] * 9 + ["park"] * 5 + ["warehouse"] * 6)[:count]
    rng.shuffle(kinds)
    for number, kind in enumerate(kinds, start=1):
        labels = rng.choice(REVIEW_TASKS[kind])
        level = rng.choice(["easy", "medium", "medium", "hard"])
        seed = SEED + 1000 + number
        for _ in range(400):
            objs = make_objects(kind, rng, level)
            img, ids = render(kind, objs, seed)
            info = visible_boxes(objs, ids, seed)
            targets = [e for e in info if e["obj"].label in labels]
            if acceptable(info, level) and 2 <= len(targets) <= 9:
                break
        else:
            raise RuntimeError("no scene")
        name = f"review-{number:03d}.png"
        save_png(img, EXAMS / PACK / "assets" / name)
        n_errors = 0 if number in (7, 15) else rng.choice([1, 1, 2, 2, 3])
        wrong = set(rng.sample(range(len(targets)), min(n_errors, len(targets))))
        elements: list[tuple[tuple[int, int, int, int], str, str | None, str, str]] = []
        for k, e in enumerate(targets):
            box, label = e["box"], e["obj"].label
            kind_err = rng.choice(["label", "loose"]) if k in wrong else None
            if kind_err == "loose":
                bad = loose(box, rng)
                if bad is not None:
                    elements.append((bad, label, "loose", f"框不贴合目标（与{LABEL_ZH[label]}可见部分的 IoU 约 {iou(bad, box):.2f}）",
                                     f"the box does not fit the {LABEL_EN[label]} (IoU with its visible part ≈ {iou(bad, box):.2f})"))
                    continue
                kind_err = "label"
            if kind_err == "label":
                other = rng.choice([l for l in labels if l != label])
                elements.append((jitter(box, rng), other, "label", f"类别错误：框住的是{LABEL_ZH[label]}，却标成了{LABEL_ZH[other]}",
                                 f"wrong label: it boxes a {LABEL_EN[label]} but says {LABEL_EN[other]}"))
                continue
            elements.append((jitter(box, rng), label, None, "", ""))
        distractors = [e for e in info if e["obj"].label not in labels]
        if n_errors and (len(wrong) < n_errors or rng.random() < 0.4):
            if distractors:
                d = rng.choice(distractors)
                lab = rng.choice(labels)
                elements.append((jitter(d["box"], rng), lab, "spurious",
                                 f"多标：框住的是{LABEL_ZH[d['obj'].label]}，不属于本题要框的类别",
                                 f"spurious: it boxes a {LABEL_EN[d['obj'].label]}, which is not a requested class"))
            else:
                for _ in range(100):
                    bw, bh = rng.randint(30, 80), rng.randint(30, 80)
                    cand = (rng.randint(0, W - bw), rng.randint(0, H - bh), bw, bh)
                    if all(iou(cand, e["box"]) == 0 for e in info):
                        lab = rng.choice(labels)
                        elements.append((cand, lab, "spurious", f"多标：这个“{LABEL_ZH[lab]}”框里只有背景，没有目标",
                                         f"spurious: this '{LABEL_EN[lab]}' box holds only background"))
                        break
        rng.shuffle(elements)
        boxes, errors, nz, ne = [], [], [], []
        for j, (b, lab, kind_err, zh, en) in enumerate(elements, start=1):
            bid = f"b{j}"
            boxes.append({"id": bid, "x": b[0], "y": b[1], "w": b[2], "h": b[3], "label": lab})
            if kind_err:
                errors.append(bid)
                nz.append(f"{bid} {zh}")
                ne.append(f"{bid}: {en}")
        if errors:
            rest = len(errors) < len(boxes)
            ezh = f"有 {len(errors)} 个错误框：" + "；".join(nz) + ("。其余框类别正确、贴合可见部分（几像素的偏差可以接受）。" if rest else "。")
            een = f"{len(errors)} wrong box(es): " + "; ".join(ne) + (". The others have the right label and fit the visible part (a few pixels' slack is fine)." if rest else ".")
        else:
            ezh = "所有框的类别正确、贴合目标的可见部分，几像素的偏差在可接受范围内，不应标记任何错误。"
            een = "Every box has the right label and fits the visible part; a few pixels' slack is acceptable, so nothing should be flagged."
        lvl = "easy" if len(errors) <= 1 and level != "hard" else ("hard" if level == "hard" or len(errors) >= 3 else "medium")
        out.append({"base_type": "bbox",
                    "base_spec": {"image": f"assets/{name}", "width": W, "height": H, "labels": labels,
                                  "label_names": label_names(labels)},
                    "annotation": {"boxes": boxes}, "errors": errors, "expl": lm(ezh, een),
                    "level": lvl, "element": "P5.2"})
    return out


def build() -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    rows = text_items(rng) + bbox_items(rng, 20)
    rng.shuffle(rows)
    text_prompt = lm("质检：下面是某标注员的实体标注（按人名 PER、机构 ORG、地点 LOC、时间 TIME、产品/作品 PRODUCT 的规范）。"
                     "勾选所有有错误的标注：类型错误、边界错误、或标了不该标的内容。全部正确时不勾选。",
                     "Quality check: below is someone's entity annotation (PER, ORG, LOC, TIME, PRODUCT spec). "
                     "Flag every wrong span: wrong type, wrong boundary, or something that should not be "
                     "marked. Flag nothing if all are right.")
    box_prompt = lm("质检：下面是某标注员在图上画的框（只框可见部分）。勾选所有有错误的框：类别错误、框明显不贴合目标"
                    "（IoU 低于 0.7）、或框住了不该框的东西。全部正确时不勾选。",
                    "Quality check: below are someone's boxes on the picture (visible part only). Flag every "
                    "wrong box: wrong label, a box that clearly misses its object (IoU below 0.7), or a box "
                    "around something that should not be boxed. Flag nothing if all are right.")
    items = []
    for number, row in enumerate(rows, start=1):
        spec = {"base_type": row["base_type"], "base_spec": row["base_spec"], "annotation": row["annotation"]}
        tags = [row["base_type"], row["level"]] + (["clean"] if not row["errors"] else [])
        items.append(item(f"rev-{number:03d}", "review",
                          text_prompt if row["base_type"] == "text_spans" else box_prompt,
                          spec, {"errors": row["errors"]}, row["expl"], row["element"], tags,
                          levels=[4, 3] if row["level"] == "hard" else None))
    assign_uses(PACK, items)
    return items


if __name__ == "__main__":
    write_pack(
        PACK,
        lm("标注质检", "Annotation review"),
        lm("检查他人的实体标注和目标框标注，找出类型/类别错误、边界或框位置错误以及多标的元素。",
           "Review other people's entity and bounding-box annotations and find wrong types or labels, "
           "wrong boundaries or box positions, and spurious elements."),
        "annotation_review",
        build(),
        version=3,
        levels=[4, 3],
    )
