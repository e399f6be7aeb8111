"""Generate the theory pack of levels 3, 2 and 1 from data/theory-advanced/*.txt.

Same block format as the level-5/4 theory (gen_theory.py), with the item's level added to the
head: ``@ ELEMENT DIFFICULTY LEVEL [tf]`` (LEVEL is 3, 2 or 1). Each item serves exactly its
level, so the three levels' exam pools never share an item. Options are shuffled with a fixed
seed and get neutral ids (a, b, c …); true/false items show 正确/错误 with ids true/false.
One seeded shuffle runs through every item in file order: append new items at the end of a
file (or in a later-sorting file) and keep the number of options of existing items.

A quarter of each (element, difficulty) stratum of a level is practice and the rest exam
(``PRACTICE_SHARE``); the exam pools must hold blueprint / exposure cap items per code.

    python exams/_generators/gen_theory_advanced.py              # write exams/theory-advanced
    python exams/_generators/gen_theory_advanced.py --check F    # parse and count one file only
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Any

from common import SEED, assign_uses, item, lm, write_pack
from gen_theory import PREFIX, parse_blocks, spec_and_gold

PACK = "theory-advanced"
PRACTICE_SHARE = Fraction(1, 4)
LEVELS = (3, 2, 1)
SOURCE = Path(__file__).parent / "data" / "theory-advanced"
ELEMENTS = Path(__file__).resolve().parent.parent / "elements.yaml"


def known_elements() -> set[str]:
    import yaml

    return {entry["code"] for entry in yaml.safe_load(ELEMENTS.read_text("utf-8"))["elements"]
            if entry["part"] == "theory"}


def build_items(blocks: list[dict[str, Any]], rng: random.Random) -> list[dict[str, Any]]:
    codes = known_elements()
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, block in enumerate(blocks, start=1):
        element, difficulty, level, *flags = block["head"]
        where = f"item {number} ({block['q']['zh'][:20]}…)"
        assert element in codes, f"{where}: unknown element {element}"
        assert difficulty in ("easy", "medium", "hard"), f"{where}: difficulty {difficulty}"
        assert level.isdigit() and int(level) in LEVELS, f"{where}: level {level}"
        assert block["q"]["zh"] not in seen, f"{where}: the same question twice"
        assert "e" in block, f"{where}: no explanation"
        seen.add(block["q"]["zh"])
        if "tf" not in flags:
            assert 3 <= len(block["options"]) <= 6, f"{where}: 3–6 options"
            assert any(ok for ok, _ in block["options"]), f"{where}: no correct option"
        kind, type_id, spec, gold = spec_and_gold(block, "tf" in flags, rng)
        zh, en = PREFIX[kind]
        prompt = lm(zh + block["q"]["zh"], en + block["q"]["en"])
        items.append(item(f"ta-{number:03d}", type_id, prompt, spec, gold, block["e"], element,
                          [kind, difficulty, element.split(".")[0], f"level-{level}"],
                          levels=[int(level)]))
    return items


def read_blocks(files: list[Path]) -> list[dict[str, Any]]:
    return [b for f in files for b in parse_blocks(f.read_text(encoding="utf-8"))]


def summary(items: list[dict[str, Any]]) -> str:
    """Exam and practice items per level and element."""
    counts = Counter((entry["levels"][0], entry["element"], entry["use"]) for entry in items)
    lines = []
    for level in LEVELS:
        exam = sum(n for (lv, _e, use), n in counts.items() if lv == level and use == "exam")
        total = sum(n for (lv, _e, _u), n in counts.items() if lv == level)
        per_code = ", ".join(
            f"{code} {counts[(level, code, 'exam')]}/{counts[(level, code, 'exam')] + counts[(level, code, 'practice')]}"
            for code in sorted({e for (lv, e, _u) in counts if lv == level}))
        lines.append(f"level {level}: {exam} exam of {total} ({per_code})")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", type=Path, help="parse one source file and print its counts")
    args = parser.parse_args()
    files = [args.check] if args.check else sorted(SOURCE.glob("*.txt"))
    items = build_items(read_blocks(files), random.Random(SEED))
    for level in LEVELS:  # each level's pool is split on its own (strata never mix levels)
        assign_uses(PACK, [entry for entry in items if entry["levels"] == [level]],
                    lambda _element, _difficulty: PRACTICE_SHARE)
    print(summary(items))
    if args.check:
        return
    write_pack(
        PACK,
        lm("理论知识（三级至一级）", "Theory (levels 3 to 1)"),
        lm("人工智能训练师（数据标注员）三级、二级、一级理论知识题库：基本要求（职业守则、计算机与办公基础、"
           "劳动法与劳动合同法、知识产权法、网络安全法）、业务分析与智能训练（流程设计、规范编写、算法测试、"
           "培训指导）、质量管理与技术管理。",
           "Theory item bank for levels 3, 2 and 1 of the AI trainer (data annotator): the basic "
           "requirements (code of conduct, computer and office basics, labour and labour-contract "
           "law, intellectual-property law, cybersecurity law), business analysis and training "
           "work (process design, specifications, algorithm testing, training and guidance), "
           "quality and technical management."),
        "theory",
        items,
        version=1,
        levels=list(LEVELS),
    )


if __name__ == "__main__":
    main()
