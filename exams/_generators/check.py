"""Check every exam pack under exams/: schema, scoring round-trip, elements, assets, and the
practice/exam split (enough open practice items; exam pools deep enough for the scheme).

Run:  PYTHONPATH=/work/main /work/venv/bin/python exams/_generators/check.py
Exit status 1 when any problem is found.
"""

from __future__ import annotations

import math
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
    "written_work": {"rubric"},
}
PACK_FIELDS = {"id", "version", "title", "description", "track", "levels", "licence", "items"}
ITEM_FIELDS = {"id", "type", "prompt", "spec", "gold", "explanation", "element", "tags",
               "thresholds", "levels", "use"}
ASSET_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".wav", ".ogg", ".mp3"}
USES = ("practice", "exam")
DIFFICULTIES = ("easy", "medium", "hard")
# An exam item may be shown in at most a quarter of a level's administrations
# (EXPOSURE_CAP in talentpool/assessment/exposure.py), so a blueprint code that takes n items
# per exam needs at least n / 0.25 exam items at that level.
EXPOSURE_CAP = 0.25
CAPPED_LEVELS = (5, 4)
MIN_PRACTICE_PER_PRACTICAL_TRACK = 20
MIN_THEORY_PRACTICE = 60
MIN_THEORY_PRACTICE_PER_ELEMENT = 6
MIN_ADVANCED_EXAM = 60  # new secure theory items per level 3, 2 and 1
# Theory exam items per element and level, with a margin above blueprint / cap.
THEORY_EXAM_MINIMUM = {
    5: {"T1": 13, "T2": 13, "T3": 17, "T4": 17, "T5": 21, "T6": 17},
    4: {"T1": 9, "T2": 9, "T3": 13, "T4": 17, "T5": 21, "T6": 17},
}


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
    if it.get("use") not in USES:
        problems.append(f"use {it.get('use')!r}: every generated item says practice or exam")
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
        if scorer.human_scored:  # scored by raters: no gold answer, exam only
            if it.get("use") != "exam":
                problems.append(f"use {it.get('use')!r}: a {type_id} task is exam only")
            criteria = spec["rubric"]["criteria"]
            top = scorer.validate_rating(spec, {"points": {
                c["id"]: c["levels"][-1]["points"] for c in criteria}})
            if scorer.score_points(spec, top).value != 1.0:
                problems.append("full marks do not score 1.0")
            return problems
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


def check_pack(folder: Path, elements: set[str]) -> tuple[int, Counter[str], dict[str, Any]]:
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
        counts[it.get("use", "?")] += 1
        for tag in DIFFICULTIES:
            if tag in it.get("tags", []):
                counts[tag] += 1
        for problem in check_item(folder, pack["track"], elements, it):
            problems.append(f"{item_id}: {problem}")
    problems += split_problems(pack)
    for problem in problems:
        print(f"  PROBLEM {folder.name}/{problem}")
    return len(problems), counts, pack


def item_levels(pack: dict[str, Any], it: dict[str, Any]) -> list[int]:
    return it.get("levels") or pack["levels"]


def top_code(element: str) -> str:
    return element.split(".")[0]


def split_problems(pack: dict[str, Any]) -> list[str]:
    """Both uses cover every element code and difficulty of the pack; enough practice items."""
    problems = []
    items = pack.get("items", [])
    if pack.get("track") == "written_work":  # exam only (check_item); no practice to split
        return problems
    for key, name in ((lambda it: it.get("element"), "element"),
                      (lambda it: next((t for t in it.get("tags", []) if t in DIFFICULTIES), None),
                       "difficulty")):
        for value in sorted({key(it) for it in items} - {None}):
            uses = {it.get("use") for it in items if key(it) == value}
            if uses != set(USES):
                problems.append(f"split: {name} {value} has only {sorted(uses)} items")
    practice = [it for it in items if it.get("use") == "practice"]
    if pack.get("id") == "theory-advanced":
        for level in (3, 2, 1):
            if exam_count([pack], "T", [level]) < MIN_ADVANCED_EXAM:
                problems.append(f"split: level {level} has {exam_count([pack], 'T', [level])} "
                                f"exam items, need {MIN_ADVANCED_EXAM}")
    elif pack.get("track") == "theory":
        if len(practice) < MIN_THEORY_PRACTICE:
            problems.append(f"split: {len(practice)} practice items, need {MIN_THEORY_PRACTICE}")
        per_code = Counter(top_code(it["element"]) for it in practice)
        for code in THEORY_EXAM_MINIMUM[5]:
            if per_code[code] < MIN_THEORY_PRACTICE_PER_ELEMENT:
                problems.append(f"split: {code} has {per_code[code]} practice items, "
                                f"need {MIN_THEORY_PRACTICE_PER_ELEMENT}")
        for level, minimum in THEORY_EXAM_MINIMUM.items():
            for code, need in minimum.items():
                have = exam_count([pack], code, [level])
                if have < need:
                    problems.append(f"split: {code} has {have} exam items at level {level}, "
                                    f"need {need}")
    elif len(practice) < MIN_PRACTICE_PER_PRACTICAL_TRACK:
        problems.append(f"split: {len(practice)} practice items, "
                        f"need {MIN_PRACTICE_PER_PRACTICAL_TRACK}")
    return problems


def exam_count(packs: list[dict[str, Any]], code: str, levels: list[int]) -> int:
    """Exam items of the blueprint code (or its sub-codes) that serve any of the levels."""
    return sum(1 for pack in packs for it in pack.get("items", [])
               if it.get("use") == "exam" and set(levels) & set(item_levels(pack, it))
               and (it["element"] == code or it["element"].startswith(code)
                    and (code == "T" or it["element"].startswith(code + "."))))


def pool_problems(packs: list[dict[str, Any]]) -> list[str]:
    """Exam pools against the scheme. Every level can draw its forms from exam items; every
    blueprint code of a theory part, and of a practical part at levels 5 and 4, has
    count / exposure cap exam items, and an adaptive part has max_items / cap. A rated part
    (written tasks, one paper per sitting) needs one task per count and no cap."""
    scheme = yaml.safe_load((EXAMS / "certification-scheme.yaml").read_text(encoding="utf-8"))
    problems = []
    for rule in scheme["levels"]:
        level = rule["level"]
        for part in ("theory", "practical"):
            spec = rule[part]
            rated = spec["mode"] == "rated"
            capped = not rated and (part == "theory" or level in CAPPED_LEVELS)
            if part == "theory":
                pool = [p for p in packs if p.get("track") == "theory"]
            else:
                pool = [p for p in packs if p.get("track") not in ("theory", "written_work")
                        or rated and p.get("track") == "written_work"]
                pool = [p for p in pool if (p.get("track") == "written_work") == rated]
            levels = spec.get("item_levels") or [level]
            checks = [(code, count, exam_count(pool, code, levels))
                      for code, count in spec["blueprint"].items()]
            if spec["mode"] == "adaptive":
                total = sum(have for _code, _count, have in checks)
                checks.append(("all codes", spec["max_items"], total))
            for code, count, have in checks:
                at_cap = math.ceil(count / EXPOSURE_CAP)
                need = at_cap if capped else count
                note = "" if have >= at_cap or rated else \
                    f"; {at_cap} needed under the exposure cap"
                print(f"  level {level} {part} {code}: {have} exam items for {count} per exam{note}")
                if have < need:
                    problems.append(f"level {level} {part} {code}: {have} exam items, need {need}")
    return problems


def main() -> int:
    elements_doc = yaml.safe_load((EXAMS / "elements.yaml").read_text(encoding="utf-8"))
    elements = {e["code"] for e in elements_doc["elements"]}
    total = 0
    packs = []
    for folder in sorted(p for p in EXAMS.iterdir() if p.is_dir() and not p.name.startswith("_")):
        if not (folder / "pack.yaml").is_file():
            continue
        n, counts, pack = check_pack(folder, elements)
        total += n
        packs.append(pack)
        size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        print(f"{folder.name}: {dict(counts)} size={size / 1024:.0f} KB problems={n}")
    print("exam pools:")
    for problem in pool_problems(packs):
        print(f"  PROBLEM {problem}")
        total += 1
    print("OK" if total == 0 else f"{total} problems")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
