"""Shared helpers for the pack generators: language maps, practice/exam split, YAML output."""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

EXAMS = Path(__file__).resolve().parent.parent
SEED = 20251127
PRACTICE, EXAM = "practice", "exam"
DIFFICULTIES = ("easy", "medium", "hard")
HALF = Fraction(1, 2)


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


def difficulty(entry: dict[str, Any]) -> str:
    """The item's difficulty tag (easy, medium or hard)."""
    found = [tag for tag in entry.get("tags", []) if tag in DIFFICULTIES]
    assert len(found) == 1, (entry["id"], entry.get("tags"))
    return found[0]


def assign_uses(
    pack_id: str,
    items: list[dict[str, Any]],
    share: Callable[[str, str], Fraction] = lambda _element, _difficulty: HALF,
) -> None:
    """Give every item a ``use``: ``practice`` (open, feedback with gold) or ``exam`` (secure).

    Items are stratified by (element code, difficulty), so both uses cover every element and
    difficulty. Within a stratum, in item order, items are cut into consecutive blocks of
    ``share.denominator``; in every block ``share.numerator`` positions, drawn with a generator
    seeded by (SEED, pack, element, difficulty, block number), are practice, the rest exam.
    A block's draw depends only on its own number, so appending source rows never changes the
    use of an existing item. Never change the share of a stratum that already has items:
    that would move published items between uses.
    """
    seen: dict[tuple[str, str], int] = {}
    for entry in items:
        stratum = (entry["element"], difficulty(entry))
        position = seen.get(stratum, 0)
        seen[stratum] = position + 1
        fraction = share(*stratum)
        block, slot = divmod(position, fraction.denominator)
        draw = random.Random(f"{SEED}/{pack_id}/{stratum[0]}/{stratum[1]}/{block}")
        practice_slots = draw.sample(range(fraction.denominator), fraction.numerator)
        entry["use"] = PRACTICE if slot in practice_slots else EXAM


def guard_uses(path: Path, items: list[dict[str, Any]]) -> None:
    """Refuse to turn an item that was published for practice into an exam item.

    The pack on disk is the published record. Once it has a split (any item with ``use``),
    an item id that was practice there must stay practice: its gold answer has been shown.
    """
    if not path.is_file():
        return
    old = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    old_items = old.get("items") or []
    if not any("use" in entry for entry in old_items):
        return  # first split: every item was open before uses existed
    was_practice = {entry["id"] for entry in old_items if entry.get("use", PRACTICE) == PRACTICE}
    moved = [entry["id"] for entry in items if entry["id"] in was_practice and entry["use"] == EXAM]
    if moved:
        raise SystemExit(f"{path}: {', '.join(moved)} were practice items and would become exam "
                         "items; add the content again under new ids instead")


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
    assert all(entry.get("use") in (PRACTICE, EXAM) for entry in items), "assign_uses first"
    guard_uses(path, items)
    text = yaml.dump(pack, Dumper=NoAliasDumper, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(text, encoding="utf-8")
    practice = sum(entry["use"] == PRACTICE for entry in items)
    print(f"{pack_id}: {len(items)} items ({practice} practice, {len(items) - practice} exam)"
          f" -> {path}")
    return path
