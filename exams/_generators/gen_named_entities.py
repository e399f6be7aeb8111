"""Generate exams/named-entities/pack.yaml from data/ner_source.txt.

Entities are written inline as [text|LABEL]; this script strips the markup and
computes exact code-point offsets, so the gold spans cannot drift from the text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from common import assign_uses, item, lm, write_pack

PACK = "named-entities"

SOURCE = Path(__file__).parent / "data" / "ner_source.txt"
LABELS = ["PER", "ORG", "LOC", "TIME", "PRODUCT"]
LABEL_NAMES = {"PER": "人名", "ORG": "机构", "LOC": "地点", "TIME": "时间", "PRODUCT": "产品/作品"}
MARK = re.compile(r"\[([^\[\]|]+)\|([A-Z]+)\]")


def parse(marked: str) -> tuple[str, list[dict[str, Any]]]:
    """Return the plain text and its spans from a sentence with [text|LABEL] markup."""
    text, spans, pos = "", [], 0
    for match in MARK.finditer(marked):
        text += marked[pos:match.start()]
        start = len(text)
        text += match.group(1)
        label = match.group(2)
        assert label in LABELS, label
        spans.append({"start": start, "end": len(text), "label": label})
        pos = match.end()
    text += marked[pos:]
    assert "[" not in text and "|" not in text, marked
    return text, spans


def explanation(text: str, spans: list[dict[str, Any]], note_zh: str, note_en: str) -> dict[str, str]:
    if spans:
        zh = "应标注：" + "、".join(
            f"“{text[s['start']:s['end']]}”{s['label']}（{s['start']}–{s['end']}）" for s in spans) + "。"
        en = "Gold: " + "; ".join(
            f"'{text[s['start']:s['end']]}' {s['label']} ({s['start']}–{s['end']})" for s in spans) + "."
    else:
        zh, en = "本句没有需要标注的实体。", "This sentence has no entity to mark."
    if note_zh != "-":
        zh += note_zh
        en += " " + note_en
    return lm(zh, en)


def build() -> list[dict[str, Any]]:
    prompt = lm("标出句中所有的人名（PER）、机构（ORG）、地点（LOC）、时间（TIME）和产品/作品（PRODUCT）。"
                "按字符选取，不含书名号、引号等标点；没有实体时不标注。",
                "Mark every person (PER), organisation (ORG), location (LOC), time (TIME) and "
                "product/work (PRODUCT). Select by character, without title marks or quotes; mark "
                "nothing if there is no entity.")
    items = []
    lines = [ln for ln in SOURCE.read_text(encoding="utf-8").splitlines()
             if ln.strip() and not ln.startswith("#")]
    for number, line in enumerate(lines, start=1):
        difficulty, marked, note_zh, note_en = line.split("\t")
        text, spans = parse(marked)
        labels_used = sorted({s["label"] for s in spans})
        tags = ["english" if text.isascii() else "chinese", difficulty] + [x.lower() for x in labels_used]
        items.append(item(f"ner-{number:03d}", "text_spans", prompt,
                          {"text": text, "labels": LABELS}, {"spans": spans},
                          explanation(text, spans, note_zh, note_en), "P1.4", tags))
    assign_uses(PACK, items)
    return items


if __name__ == "__main__":
    write_pack(
        PACK,
        lm("命名实体标注", "Named-entity labeling"),
        lm("在中文（含少量英文）句子中按字符标注人名、机构、地点、时间和产品实体，考察边界和类型判断。",
           "Mark person, organisation, location, time and product entities by character in Chinese "
           "(and some English) sentences; tests boundaries and types."),
        "named_entities",
        build(),
        version=2,
    )
