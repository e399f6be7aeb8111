"""The occupation, its work type and the five skill levels, in Chinese and English.

A certificate is always bilingual, so these texts are fixed here rather than translated.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

OCCUPATION_CODE = "4-04-05-05"
OCCUPATION = {"zh": "人工智能训练师", "en": "Artificial Intelligence Trainer"}
WORK_TYPE = {"zh": "数据标注员", "en": "Data Annotator"}
STANDARD = {"zh": "国家职业技能标准 人工智能训练师", "en": "National occupational skill standard, "
            "Artificial Intelligence Trainer"}
PANEL_LEVELS = (1, 2)  # levels that add a panel review (综合评审)


@dataclass(frozen=True)
class Level:
    number: int
    zh: str
    en: str

    @property
    def short_zh(self) -> str:
        """``五级`` of ``五级/初级工``."""
        return self.zh.split("/")[0]


LEVELS = {
    5: Level(5, "五级/初级工", "Level 5 / Elementary"),
    4: Level(4, "四级/中级工", "Level 4 / Intermediate"),
    3: Level(3, "三级/高级工", "Level 3 / Advanced"),
    2: Level(2, "二级/技师", "Level 2 / Technician"),
    1: Level(1, "一级/高级技师", "Level 1 / Senior Technician"),
}


def level(number: int) -> Level:
    """The level with this number (1–5); KeyError otherwise."""
    return LEVELS[number]


_LEVEL_WORDS = (("高级技师", 1), ("技师", 2), ("高级工", 3), ("中级工", 4), ("初级工", 5),
                ("一级", 1), ("二级", 2), ("三级", 3), ("四级", 4), ("五级", 5))


def parse_level(text: str) -> int | None:
    """The level a person typed in a spreadsheet: ``4``, ``4级``, ``四级``, ``四级/中级工``,
    ``中级工`` or ``Level 4``; None when it names no level or several."""
    text = unicodedata.normalize("NFKC", text or "")
    digits = [character for character in text if character.isdigit()]
    if len(digits) > 1 or (digits and digits[0] not in "12345"):
        return None
    found, remaining = {int(d) for d in digits}, text
    for word, number in _LEVEL_WORDS:  # 高级技师 before 技师, so it is not read twice
        if word in remaining:
            found.add(number)
            remaining = remaining.replace(word, "")
    return found.pop() if len(found) == 1 else None
