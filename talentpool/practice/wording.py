"""Explanations in the words the task page shows.

Pack authors write explanations with the element ids of the spec ("Gold order: r3 > r1 > r2",
"s2 '周涛' has the wrong type", "b4: wrong label"), while the page shows ranking cards as
A, B, C and reviewed spans and boxes by their number. The scorers keep the ids in their
feedback; the page's text is translated here. Only id-like tokens (letters then digits, such
as ``r3`` or ``b12``) that are ids of this item's spec are replaced, so ordinary words stay.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

from talentpool.i18n import localized

# The ranking template letters its cards in this order (ranking allows at most 20 responses).
CARD_LETTERS = "ABCDEFGHIJKLMNOPQRST"
ID_TOKEN = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z][A-Za-z_]*[0-9]+)(?![A-Za-z0-9_])")


def display_labels(type_id: str, spec: Any) -> dict[str, str]:
    """Element id → what the task page calls that element, for the types that show one."""
    if type_id == "ranking":
        return {response["id"]: CARD_LETTERS[index]
                for index, response in enumerate(spec["responses"])}
    if type_id == "review":
        if spec["base_type"] == "bbox":
            return {box["id"]: _("box %(n)s", n=index)
                    for index, box in enumerate(spec["annotation"]["boxes"], start=1)}
        return {span["id"]: _("span %(n)s", n=index)
                for index, span in enumerate(spec["annotation"]["spans"], start=1)}
    return {}


def relabel(text: str, labels: dict[str, str]) -> str:
    """``text`` with every id of ``labels`` replaced by its label."""
    if not labels:
        return text
    return ID_TOKEN.sub(lambda match: labels.get(match.group(1), match.group(1)), text)


def explanation(item) -> str:
    """The item's explanation in the current language, in the words the page shows."""
    return relabel(localized(item.explanation), display_labels(item.type_id, item.spec))
