"""Shared helpers for the pack generators: language maps and YAML output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

EXAMS = Path(__file__).resolve().parent.parent
SEED = 20251127


class NoAliasDumper(yaml.SafeDumper):
    """Safe dumper that writes repeated objects in full (no &anchors / *aliases)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def lm(zh: str, en: str) -> dict[str, str]:
    """A language map {zh, en}."""
    return {"zh": zh, "en": en}


def item(
    item_id: str,
    type_id: str,
    prompt: dict[str, str],
    spec: dict[str, Any],
    gold: dict[str, Any],
    explanation: dict[str, str],
    element: str,
    tags: list[str],
    **extra: Any,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": item_id,
        "type": type_id,
        "prompt": prompt,
        "spec": spec,
        "gold": gold,
        "explanation": explanation,
        "element": element,
        "tags": tags,
    }
    out.update({key: value for key, value in extra.items() if value is not None})
    return out


def write_pack(
    pack_id: str,
    title: dict[str, str],
    description: dict[str, str],
    track: str,
    items: list[dict[str, Any]],
    levels: list[int] | None = None,
    version: int = 1,
) -> Path:
    """Write exams/<pack_id>/pack.yaml and return its path."""
    folder = EXAMS / pack_id
    folder.mkdir(parents=True, exist_ok=True)
    pack = {
        "id": pack_id,
        "version": version,
        "title": title,
        "description": description,
        "track": track,
        "levels": levels or [5, 4],
        "licence": "CC-BY-4.0",
        "items": items,
    }
    path = folder / "pack.yaml"
    text = yaml.dump(pack, Dumper=NoAliasDumper, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(text, encoding="utf-8")
    print(f"{pack_id}: {len(items)} items -> {path}")
    return path
