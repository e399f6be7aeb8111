"""Generate the theory pack from data/theory/*.txt.

Block format (see the header of each source file): `@ ELEMENT DIFFICULTY [tf]`, `Q zh | en`,
options `* correct` / `- wrong`, `A true|false` for true/false items, `E zh | en`.
Options are shuffled with a fixed seed and get neutral ids (a, b, c …) so the correct
position varies; true/false items always show 正确/错误 with ids true/false. The shuffle draws
from one generator in file order, so keep the number of options of an existing item and add
new items only at the end (or in a later-sorting file): otherwise later items change.
A third of each (element, difficulty) stratum is practice and the rest exam: the exam pools
must hold blueprint / exposure cap items per element at levels 5 and 4 (see check.py).
"""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path
from typing import Any

from common import SEED, assign_uses, item, lm, write_pack

PACK = "theory"
PRACTICE_SHARE = Fraction(1, 3)

SOURCE = Path(__file__).parent / "data" / "theory"
PREFIX = {
    "tf": ("判断正误：", "True or false: "),
    "single": ("（单选）", "(Single choice) "),
    "multi": ("（多选，选出所有正确项）", "(Multiple choice: pick every correct answer) "),
}


def pair(text: str) -> dict[str, str]:
    zh, en = (part.strip() for part in text.split(" | "))
    assert zh and en, text
    return lm(zh, en)


def parse_blocks(text: str) -> list[dict[str, Any]]:
    blocks, current = [], None
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        tag, rest = line[0], line[2:]
        if tag == "@":
            current = {"head": rest.split(), "options": []}
            blocks.append(current)
        elif tag == "Q":
            current["q"] = pair(rest)
        elif tag in "*-":
            current["options"].append((tag == "*", pair(rest)))
        elif tag == "A":
            current["answer"] = rest.strip()
        elif tag == "E":
            current["e"] = pair(rest)
        else:
            raise ValueError(f"bad line: {line}")
    return blocks


def spec_and_gold(block: dict[str, Any], true_false: bool, rng: random.Random
                  ) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    """(kind, type id, spec, gold) of a block: true/false with ids true/false, or its options
    shuffled with ``rng`` under neutral ids a, b, c …; one correct option is single choice,
    several are multiple choice."""
    if true_false:
        assert block["answer"] in ("true", "false") and not block["options"], block["q"]
        spec = {"options": [{"id": "true", "text": lm("正确", "True")},
                            {"id": "false", "text": lm("错误", "False")}]}
        return "tf", "single_choice", spec, {"choice": block["answer"]}
    options = list(block["options"])
    assert 2 <= len(options) and any(ok for ok, _ in options), block["q"]
    rng.shuffle(options)
    ids = "abcdefgh"
    spec = {"options": [{"id": ids[i], "text": text} for i, (_, text) in enumerate(options)]}
    correct = [ids[i] for i, (ok, _) in enumerate(options) if ok]
    if len(correct) == 1:
        return "single", "single_choice", spec, {"choice": correct[0]}
    return "multi", "multi_choice", spec, {"choices": correct}


def build() -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    items = []
    blocks = [b for f in sorted(SOURCE.glob("*.txt")) for b in parse_blocks(f.read_text(encoding="utf-8"))]
    seen: set[str] = set()
    for number, block in enumerate(blocks, start=1):
        element, difficulty, *flags = block["head"]
        assert block["q"]["zh"] not in seen, block["q"]["zh"]
        seen.add(block["q"]["zh"])
        kind, type_id, spec, gold = spec_and_gold(block, "tf" in flags, rng)
        levels = [4, 3] if difficulty == "hard" else None
        zh, en = PREFIX[kind]
        prompt = lm(zh + block["q"]["zh"], en + block["q"]["en"])
        items.append(item(f"th-{number:03d}", type_id, prompt, spec, gold, block["e"], element,
                          [kind, difficulty, element.split(".")[0]], levels=levels))
    assign_uses(PACK, items, lambda _element, _difficulty: PRACTICE_SHARE)
    return items


if __name__ == "__main__":
    write_pack(
        PACK,
        lm("理论知识", "Theory"),
        lm("人工智能训练师（数据标注员）理论知识题库：职业道德、职业标准与政策、人工智能与大模型基础、标注规范与方法、质量控制、数据安全与个人信息保护。",
           "Theory item bank for AI trainers (data annotators): ethics, the occupational standard and "
           "policy, AI and large-model basics, labeling methods, quality control, data security and "
           "personal-information protection."),
        "theory",
        build(),
        version=2,
        levels=[5, 4],
    )
