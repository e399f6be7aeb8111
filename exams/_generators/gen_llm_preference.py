"""Generate the llm-preference pack from data/preference_source.yaml.

Responses are written best first in the source; each item gets its response ids
(r1…rn) in a shuffled display order, so the gold order is never simply r1, r2, r3.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import yaml

from common import SEED, assign_uses, item, lm, write_pack

PACK = "llm-preference"

SOURCE = Path(__file__).parent / "data" / "preference_source.yaml"


ZH_ORD = {"第一条": 0, "第二条": 1, "第三条": 2, "第四条": 3}
EN_ORD = {"first": 0, "second": 1, "third": 2, "fourth": 3}
EN_PATTERN = re.compile(r"\b[Tt]he (first|second|third|fourth)\b(?![-\w])(?! book)")


def name_responses(why: dict[str, str], shown: list[str]) -> dict[str, str]:
    """Rewrite 第一条 / the first … (listed positions) to the display ids."""
    zh = why["zh"].replace("前两条", f"{shown[0]} 和 {shown[1]}")
    for word, pos in ZH_ORD.items():
        if word in zh:
            zh = zh.replace(word, f" {shown[pos]} ").replace("  ", " ")
    en = re.sub(r"\b[Tt]he first two\b", f"{shown[0]} and {shown[1]}", why["en"])
    en = EN_PATTERN.sub(lambda m: shown[EN_ORD[m.group(1)]], en)
    zh = re.sub(r"([，。；：、（“])\s+", r"\1", zh)
    return lm(zh.strip(), en)


def build() -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    rows = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    prompt = lm("阅读用户问题和几条模型回答，按“有用、真实准确、无害、遵循指令”的综合质量从好到差排序。",
                "Read the user's prompt and the model responses; rank them best to worst by overall "
                "quality: helpful, truthful and accurate, harmless, following the instructions.")
    items = []
    for number, row in enumerate(rows, start=1):
        texts: list[str] = row["responses"]
        best_first = [k - 1 for k in row.get("order", range(1, len(texts) + 1))]
        assert sorted(best_first) == list(range(len(texts))), row["q"]
        display = list(range(len(texts)))  # display[pos] = listed index shown at pos
        while [display.index(k) for k in best_first] == sorted(display):  # not r1 > r2 > …
            rng.shuffle(display)
        shown = {listed: f"r{pos + 1}" for pos, listed in enumerate(display)}
        responses = [{"id": f"r{pos + 1}", "text": texts[listed]} for pos, listed in enumerate(display)]
        order = [shown[k] for k in best_first]
        why = name_responses(row["why"], [shown[k] for k in range(len(texts))])
        explanation = lm(f"正确顺序：{' > '.join(order)}。{why['zh']}",
                         f"Gold order: {' > '.join(order)}. {why['en']}")
        items.append(item(f"pref-{number:03d}", "ranking", prompt,
                          {"prompt": row["q"], "responses": responses}, {"order": order},
                          explanation, "P4.1", [row["level"], *row["tags"]],
                          levels=[4, 3] if row["level"] == "hard" else None))
    assign_uses(PACK, items)
    return items


if __name__ == "__main__":
    write_pack(
        PACK,
        lm("大模型回答偏好排序", "LLM response preference ranking"),
        lm("对同一问题的 3–4 条模型回答按有用性、正确性、无害性和指令遵循排序，用于 RLHF 偏好数据标注训练。",
           "Rank 3–4 model responses to one prompt by helpfulness, correctness, harmlessness and "
           "instruction following: practice for RLHF preference labeling."),
        "llm_preference",
        build(),
        version=2,
    )
