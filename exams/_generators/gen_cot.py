"""Generate the cot-checking pack from data/cot_source.yaml.

In the source a wrong step starts with "x "; the marker becomes a `false` in the gold, so a
right step must never begin with "x " itself (write "解得 x = 6", not "x = 6"). The script
checks that the explanation's verdict ("All correct…" or not) agrees with the marked steps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from common import assign_uses, item, lm, write_pack

PACK = "cot-checking"

SOURCE = Path(__file__).parent / "data" / "cot_source.yaml"


def build() -> list[dict[str, Any]]:
    rows = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    prompt = lm("逐步检查下面的推理：每一步判断正确或错误。步骤本身推理/计算有误，或沿用前面的错误结果得出错误结论，都判为错误。",
                "Check the reasoning step by step: mark each step right or wrong. A step is wrong if its "
                "own reasoning or arithmetic is wrong, or if it carries an earlier wrong result into a "
                "wrong statement.")
    items = []
    for number, row in enumerate(rows, start=1):
        steps = [s[2:] if s.startswith("x ") else s for s in row["steps"]]
        gold = [not s.startswith("x ") for s in row["steps"]]
        assert 1 <= len(steps) <= 8
        first = next((i for i, ok in enumerate(gold) if not ok), None)
        says_all_correct = row["why"]["en"].startswith(("All correct", "Every step is correct"))
        assert says_all_correct == (first is None), (number, row["why"]["en"])
        tags = [row["level"], "all-correct" if first is None else "has-error"]
        items.append(item(f"cot-{number:03d}", "cot_steps", prompt,
                          {"question": row["q"], "steps": steps}, {"steps": gold},
                          lm(row["why"]["zh"], row["why"]["en"]), "P4.2", tags,
                          levels=[4, 3] if row["level"] == "hard" else None))
    assign_uses(PACK, items)
    return items


if __name__ == "__main__":
    write_pack(
        PACK,
        lm("思维链步骤校验", "Chain-of-thought checking"),
        lm("判断算术、单位换算、逻辑推理、阅读理解和标注质量计算中每一步推理的正误，找出第一个错误步骤。",
           "Judge each reasoning step in arithmetic, unit conversion, logic, reading comprehension and "
           "labeling-quality calculations, and find the first wrong step."),
        "cot_checking",
        build(),
        version=2,
    )
