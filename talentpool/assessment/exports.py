"""A trainee's answers, ready to export in common annotation formats. Pure: no Flask, no database.

The exports themselves live with their format: ``label_studio.to_label_studio``,
``coco.to_coco`` / ``coco.to_coco_results`` and ``conll.to_conll``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AnsweredItem:
    """An item's key, type, spec and ``source`` (where it was converted from), and an answer."""

    key: str
    type_id: str
    spec: dict
    answer: Any
    source: dict | None = None


def option_text(option: dict) -> str:
    """An option's display text (Chinese first), as a plain string."""
    text = option.get("text")
    return text.get("zh") or text.get("en") if isinstance(text, dict) else str(text)
