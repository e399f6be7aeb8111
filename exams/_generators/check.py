"""Check every exam pack under exams/: schema, scoring round-trip, elements, assets.

Run:  PYTHONPATH=/work/main /work/venv/bin/python exams/_generators/check.py
Exit status 1 when any problem is found.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from PIL import Image

from talentpool.scoring import ScoringError, get_scorer
from talentpool.scoring.registry import TASK_TYPES  # noqa: F401  (import check)

EXAMS = Path(__file__).resolve().parent.parent
TRACK_TYPES = {
    "text_classification": {"single_choice", "multi_choice"},
    "named_entities": {"text_spans"},
    "object_detection": {"bbox"},
    "speech_transcription": {"transcription"},
    "llm_preference": {"ranking"},
    "cot_checking": {"cot_steps"},
    "annotation_review": {"review"},
    "theory": {"single_choice", "multi_choice"},
}
PACK_FIELDS = {"id", "version", "title", "description", "track", "levels", "licence", "items"}
ITEM_FIELDS = {"id", "type", "prompt", "spec", "gold", "explanation", "element", "tags",
               "thresholds", "levels"}
ASSET_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".wav", ".ogg", ".mp3"}


def langmap_ok(value: Any) -> bool:
    return (isinstance(value, dict) and set(value) == {"zh", "en"}
            and all(isinstance(v, str) and v.strip() for v in value.values()))


def asset_paths(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.startswith("assets/") else []
    if isinstance(value, dict):
        return [p for v in value.values() for p in asset_paths(v)]
    if isinstance(value, list):
        return [p for v in value for p in asset_paths(v)]
    return []


def gold_has_something(type_id: str, gold: dict[str, Any]) -> bool:
    if type_id == "text_spans":
        return bool(gold["spans"])
    if type_id == "bbox":
        return bool(gold["boxes"])
    if type_id == "review":
        return bool(gold["errors"])
    return True


def check_item(folder: Path, track: str, elements: set[str], it: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    unknown = set(it) - ITEM_FIELDS
    if unknown:
        problems.append(f"unknown fields {sorted(unknown)}")
    type_id = it.get("type")
    if type_id not in TRACK_TYPES[track]:
        problems.append(f"type {type_id} not allowed in track {track}")
        return problems
    for key in ("prompt", "explanation"):
        if not langmap_ok(it.get(key)):
            problems.append(f"{key} needs non-empty zh and en")
    if it.get("element") not in elements:
        problems.append(f"element {it.get('element')} not in elements.yaml")
    scorer = get_scorer(type_id)
    spec, gold = it.get("spec"), it.get("gold")
    try:
        scorer.validate_spec(spec)
        scorer.validate_gold(spec, gold)
        if "thresholds" in it:
            from talentpool.scoring import validate_thresholds
            validate_thresholds(it["thresholds"])
        value = scorer.score(spec, gold, scorer.gold_answer(spec, gold)).value
        if value != 1.0:
            problems.append(f"gold scores {value} against itself")
        empty = scorer.score(spec, gold, scorer.empty_answer(spec)).value
        if gold_has_something(type_id, gold) and empty != 0.0:
            problems.append(f"empty answer scores {empty}")
    except ScoringError as error:
        problems.append(f"scoring: {error}")
        return problems
    for rel in asset_paths(spec):
        path = folder / rel
        if ".." in Path(rel).parts or not path.is_file() or path.is_symlink():
            problems.append(f"asset missing or unsafe: {rel}")
            continue
        if path.suffix.lower() not in ASSET_SUFFIXES:
            problems.append(f"asset type not allowed: {rel}")
        if path.stat().st_size > 5 * 1024 * 1024:
            problems.append(f"asset larger than 5 MB: {rel}")
        if path.suffix.lower() in {".png", ".jpg", ".jpeg", ".webp"}:
            with Image.open(path) as img:
                size = img.size
            base = spec if type_id == "bbox" else spec.get("base_spec", {})
            if "width" in base and (base["width"], base["height"]) != size:
                problems.append(f"image {rel} is {size}, spec says {base['width']}x{base['height']}")
    return problems


def check_pack(folder: Path, elements: set[str]) -> tuple[int, Counter[str]]:
    pack = yaml.safe_load((folder / "pack.yaml").read_text(encoding="utf-8"))
    problems: list[str] = []
    counts: Counter[str] = Counter()
    unknown = set(pack) - PACK_FIELDS
    if unknown:
        problems.append(f"pack: unknown fields {sorted(unknown)}")
    if pack.get("id") != folder.name:
        problems.append(f"pack: id {pack.get('id')} differs from folder name")
    if not langmap_ok(pack.get("title")):
        problems.append("pack: title needs zh and en")
    if pack.get("track") not in TRACK_TYPES:
        problems.append(f"pack: unknown track {pack.get('track')}")
        pack["items"] = []
    if not (folder / "ASSETS.md").is_file():
        problems.append("pack: ASSETS.md missing")
    seen: set[str] = set()
    for it in pack.get("items", []):
        item_id = it.get("id", "?")
        if item_id in seen:
            problems.append(f"{item_id}: duplicate id")
        seen.add(item_id)
        counts[it.get("type", "?")] += 1
        for tag in ("easy", "medium", "hard"):
            if tag in it.get("tags", []):
                counts[tag] += 1
        for problem in check_item(folder, pack["track"], elements, it):
            problems.append(f"{item_id}: {problem}")
    for problem in problems:
        print(f"  PROBLEM {folder.name}/{problem}")
    return len(problems), counts


def main() -> int:
    elements_doc = yaml.safe_load((EXAMS / "elements.yaml").read_text(encoding="utf-8"))
    elements = {e["code"] for e in elements_doc["elements"]}
    total = 0
    for folder in sorted(p for p in EXAMS.iterdir() if p.is_dir() and not p.name.startswith("_")):
        if not (folder / "pack.yaml").is_file():
            continue
        n, counts = check_pack(folder, elements)
        total += n
        size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        print(f"{folder.name}: {dict(counts)} size={size / 1024:.0f} KB problems={n}")
    print("OK" if total == 0 else f"{total} problems")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
