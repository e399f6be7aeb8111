"""Read and validate exam packs (docs/exam-packs.md). Pure: no Flask, no database.

``load_pack`` returns the pack and the complete list of problems found, each
naming its file and item, so an author can fix everything in one pass.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from talentpool.assessment.converters import source_problem
from talentpool.assessment.tracks import PACK_TRACKS_BY_ID
from talentpool.scoring import ScoringError, get_scorer, validate_thresholds

PACK_FILE = "pack.yaml"
MAX_PACK_FILE_BYTES = 20 * 1024 * 1024
MAX_ASSET_BYTES = 5 * 1024 * 1024
MAX_IMAGE_SIDE = 4096
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp"}
ASSET_SUFFIXES = IMAGE_SUFFIXES | {".wav", ".ogg", ".mp3"}
MEDIA_KEYS = ("image", "media")
PACK_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")
ITEM_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
PACK_FIELDS = {"id", "version", "title", "description", "track", "levels", "licence", "items"}
ITEM_FIELDS = {"id", "type", "prompt", "spec", "gold", "explanation", "element", "tags",
               "thresholds", "levels", "use", "source"}
REQUIRED_ITEM_FIELDS = ITEM_FIELDS - {"tags", "thresholds", "levels", "use", "source"}
PRACTICE = "practice"
EXAM = "exam"
USES = (PRACTICE, EXAM)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a pack."""

    file: str
    item: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file} [{self.item}]" if self.item else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class PackItem:
    """One validated item as the pack defines it."""

    key: str
    type_id: str
    prompt: dict
    spec: dict
    gold: Any
    explanation: dict
    element: str
    tags: tuple[str, ...]
    thresholds: tuple[float, ...]
    levels: tuple[int, ...]
    use: str = PRACTICE
    source: dict | None = None  # where a converted item came from; not part of its content

    @property
    def content_hash(self) -> str:
        """Digest of everything that defines the item; a change means a new item version."""
        fields = [self.type_id, self.prompt, self.spec, self.gold, self.explanation,
                  self.element, self.tags, self.thresholds, self.levels]
        if self.use != PRACTICE:  # practice items keep the digest they had before uses existed
            fields.append(self.use)
        body = json.dumps(fields, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(body.encode()).hexdigest()


@dataclass(frozen=True)
class Pack:
    """A validated pack."""

    id: str
    version: int
    title: dict
    description: dict
    track: str
    levels: tuple[int, ...]
    licence: str
    items: tuple[PackItem, ...]
    root: Path
    assets: tuple[str, ...] = field(default=())

    @property
    def content_hash(self) -> str:
        """Digest of the items and the asset bytes."""
        digest = hashlib.sha256()
        for item in self.items:
            digest.update(item.key.encode() + item.content_hash.encode())
        for asset in self.assets:
            digest.update(asset.encode() + (self.root / asset).read_bytes())
        return digest.hexdigest()


def load_elements(path: Path) -> tuple[dict[str, dict], list[Problem]]:
    """Assessment-element codes from ``elements.yaml``: code → {name, part}."""
    problems: list[Problem] = []
    data, error = _read_yaml(path)
    if error:
        return {}, [Problem(path.name, None, error)]
    elements: dict[str, dict] = {}
    for index, entry in enumerate((data or {}).get("elements") or []):
        code = entry.get("code") if isinstance(entry, dict) else None
        if not isinstance(code, str) or not code:
            problems.append(Problem(path.name, None, f"elements[{index}].code: missing"))
        elif _bilingual_problem(entry.get("name")):
            problems.append(Problem(path.name, None, f"{code}.name: needs zh and en"))
        else:
            elements[code] = entry
    return elements, problems


def discover(path: Path) -> list[Path]:
    """Pack folders at ``path``: the folder itself if it has pack.yaml, else its children."""
    if (path / PACK_FILE).is_file():
        return [path]
    return sorted(child for child in path.iterdir() if child.is_dir()
                  and not child.name.startswith(("_", ".")) and (child / PACK_FILE).is_file())


def load_pack(folder: Path, elements: dict[str, dict]) -> tuple[Pack | None, list[Problem]]:
    """Read and check one pack folder; the pack is None when any problem was found."""
    name = f"{folder.name}/{PACK_FILE}"
    pack_file = folder / PACK_FILE
    if pack_file.is_symlink() or not pack_file.is_file():
        return None, [Problem(name, None, "missing (or a symbolic link)")]
    if pack_file.stat().st_size > MAX_PACK_FILE_BYTES:
        return None, [Problem(name, None, "larger than 20 MB")]
    data, error = _read_yaml(pack_file)
    if error:
        return None, [Problem(name, None, error)]
    if not isinstance(data, dict):
        return None, [Problem(name, None, "must be a mapping with id, version, items …")]
    problems = _check_header(name, data)
    items, assets = [], set()
    seen: set[str] = set()
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        problems.append(Problem(name, None, "items: must be a non-empty list"))
        raw_items = []
    track = PACK_TRACKS_BY_ID.get(data.get("track"))
    pack_levels = tuple(data.get("levels") or ())
    for index, raw in enumerate(raw_items):
        item, item_problems, item_assets = _check_item(folder, name, index, raw, elements,
                                                       track, pack_levels, seen)
        problems.extend(item_problems)
        assets |= item_assets
        if item:
            items.append(item)
    if problems:
        return None, problems
    return Pack(id=data["id"], version=data["version"], title=data["title"],
                description=data.get("description") or {}, track=data["track"],
                levels=pack_levels, licence=data["licence"], items=tuple(items), root=folder,
                assets=tuple(sorted(assets))), []


def _read_yaml(path: Path) -> tuple[Any, str | None]:
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle), None
    except yaml.YAMLError as error:
        return None, f"not valid YAML: {error}".replace("\n", " ")
    except UnicodeDecodeError:
        return None, "not UTF-8 text"


def _bilingual_problem(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "must be a map with zh and en"
    for language in ("zh", "en"):
        text = value.get(language)
        if not isinstance(text, str) or not text.strip() or text.strip() == "TODO":
            return f"needs a non-empty {language} text"
    if set(value) - {"zh", "en"}:
        return f"unknown language keys {sorted(set(value) - {'zh', 'en'})}"
    return None


def _levels_problem(levels: Any) -> str | None:
    if (not isinstance(levels, list) or not levels
            or not all(isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 5
                       for v in levels)):
        return "must be a non-empty list of levels 1–5"
    return None


def _check_header(name: str, data: dict) -> list[Problem]:
    problems = [Problem(name, None, f"{key}: unknown field") for key in set(data) - PACK_FIELDS]

    def add(message: str) -> None:
        problems.append(Problem(name, None, message))

    if not isinstance(data.get("id"), str) or not PACK_ID.match(data["id"]):
        add("id: 3–64 characters of a-z, 0-9 and '-'")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        add("version: must be a positive integer")
    for key in ("title",) + (("description",) if "description" in data else ()):
        if problem := _bilingual_problem(data.get(key)):
            add(f"{key}: {problem}")
    if data.get("track") not in PACK_TRACKS_BY_ID:
        add(f"track: must be one of {', '.join(PACK_TRACKS_BY_ID)}")
    if problem := _levels_problem(data.get("levels")):
        add(f"levels: {problem}")
    if not isinstance(data.get("licence"), str) or not data["licence"].strip():
        add("licence: required (an SPDX id such as CC-BY-4.0)")
    return problems


def _check_item(folder, name, index, raw, elements, track, pack_levels, seen):
    label = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else f"#{index + 1}"
    problems: list[Problem] = []

    def add(message: str) -> None:
        problems.append(Problem(name, label, message))

    if not isinstance(raw, dict):
        add("must be a mapping")
        return None, problems, set()
    for key in sorted(set(raw) - ITEM_FIELDS):
        add(f"{key}: unknown field")
    for key in sorted(REQUIRED_ITEM_FIELDS - set(raw)):
        add(f"{key}: required")
    if not ITEM_ID.match(str(raw.get("id", ""))):
        add("id: 1–64 characters of A-Z a-z 0-9 _ . -")
    elif raw["id"] in seen:
        add("id: used twice in this pack")
    seen.add(str(raw.get("id")))
    for key in ("prompt", "explanation"):
        if key in raw and (problem := _bilingual_problem(raw[key])):
            add(f"{key}: {problem}")
    if "element" in raw and raw["element"] not in elements:
        add(f"element: {raw['element']!r} is not in elements.yaml")
    tags = raw.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and 0 < len(t) <= 40 for t in tags):
        add("tags: must be a list of words (1–40 characters)")
    if "levels" in raw and (problem := _levels_problem(raw["levels"])):
        add(f"levels: {problem}")
    if raw.get("use", PRACTICE) not in USES:
        add(f"use: {raw.get('use')!r} must be practice (open, feedback with the gold answer) "
            "or exam (secure, never shown in practice)")
    if "source" in raw and (problem := source_problem(raw["source"])):
        add(f"source: {problem}")
    type_id = raw.get("type")
    try:
        scorer = get_scorer(type_id) if isinstance(type_id, str) else None
    except ScoringError:
        scorer = None
    if scorer is None:
        add(f"type: unknown task type {type_id!r}")
    elif track and type_id not in track.task_types:
        add(f"type: {type_id} is not used in track {track.id} ({', '.join(track.task_types)})")
    thresholds = ()
    if scorer is not None and not problems:
        thresholds = _check_scoring(scorer, raw, add)
    assets = _check_assets(folder, raw.get("spec"), add)
    if problems:
        return None, problems, assets
    return PackItem(key=raw["id"], type_id=type_id, prompt=raw["prompt"], spec=raw["spec"],
                    gold=raw["gold"], explanation=raw["explanation"], element=raw["element"],
                    tags=tuple(tags), thresholds=thresholds,
                    levels=tuple(raw.get("levels") or pack_levels),
                    use=raw.get("use", PRACTICE), source=raw.get("source")), problems, assets


def _check_scoring(scorer, raw, add) -> tuple[float, ...]:
    try:
        scorer.validate_spec(raw["spec"])
        scorer.validate_gold(raw["spec"], raw["gold"])
        if scorer.human_scored:  # raters score it: no gold answer, and never in practice
            if raw.get("use", PRACTICE) != EXAM:
                add(f"use: a {scorer.type_id} task is scored by raters, so it is exam only")
        elif scorer.score(raw["spec"], raw["gold"],
                          scorer.gold_answer(raw["spec"], raw["gold"])).value != 1.0:
            add("gold: does not score 1.0 against itself")
        return tuple(validate_thresholds(raw.get("thresholds",
                                                 list(scorer.default_thresholds))))
    except ScoringError as error:
        add(str(error))
        return ()


def asset_refs(value: Any, parent: dict | None = None):
    """Yield (path, the mapping that holds it) for every ``assets/…`` string in a spec."""
    if isinstance(value, str) and value.startswith("assets/"):
        yield value, parent
    elif isinstance(value, dict):
        for child in value.values():
            yield from asset_refs(child, value)
    elif isinstance(value, list):
        for child in value:
            yield from asset_refs(child, parent)


def _links_inside(folder: Path, parts: tuple[str, ...]) -> bool:
    current = folder
    for part in parts:
        current = current / part
        if current.is_symlink():
            return True
    return False


def _media_fields(value: Any):
    """Yield every value stored under an ``image`` or ``media`` key of a spec."""
    if isinstance(value, dict):
        for key, child in value.items():
            if key in MEDIA_KEYS:
                yield child
            yield from _media_fields(child)
    elif isinstance(value, list):
        for child in value:
            yield from _media_fields(child)


def _check_assets(folder: Path, spec: Any, add) -> set[str]:
    found = set()
    for media in _media_fields(spec):
        if not isinstance(media, str) or not media.startswith("assets/"):
            add(f"spec: media {media!r} must be a file under assets/ in the pack")
    for ref, holder in asset_refs(spec):
        path = PurePosixPath(ref)
        if path.is_absolute() or ".." in path.parts or "\\" in ref:
            add(f"spec: asset path {ref!r} leaves the pack")
            continue
        full = folder.joinpath(*path.parts)
        if path.suffix.lower() not in ASSET_SUFFIXES:
            add(f"spec: asset {ref!r} has a type that is not allowed")
        elif _links_inside(folder, path.parts):
            add(f"spec: asset {ref!r} is a symbolic link")
        elif not full.is_file():
            add(f"spec: asset {ref!r} does not exist")
        elif full.stat().st_size > MAX_ASSET_BYTES:
            add(f"spec: asset {ref!r} is larger than 5 MB")
        else:
            found.add(ref)
            if path.suffix.lower() in IMAGE_SUFFIXES:
                _check_image(full, ref, holder, add)
    return found


def _check_image(full: Path, ref: str, holder: dict | None, add) -> None:
    from PIL import Image

    try:
        with Image.open(full) as image:  # reads the header only: no pixel flood
            width, height = image.size
    except Exception:  # noqa: BLE001 - any decoder failure means "not an image"
        add(f"spec: asset {ref!r} is not a readable image")
        return
    if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE:
        add(f"spec: image {ref!r} is {width}×{height}, at most {MAX_IMAGE_SIDE} per side")
    elif holder and "width" in holder and (holder["width"], holder.get("height")) != (width, height):
        add(f"spec: width/height {holder['width']}×{holder.get('height')} do not "
            f"match the image {ref!r} ({width}×{height})")


def find_elements_file(path: Path, fallback: Path) -> Path:
    """``elements.yaml`` beside the packs: in ``path``, its parent, else ``fallback``."""
    for folder in (path, path.parent):
        candidate = folder / "elements.yaml"
        if candidate.is_file():
            return candidate
    return fallback


def validate_tree(path: Path, elements_file: Path) -> tuple[list[Pack], list[Problem]]:
    """Load every pack under ``path``; returns the valid packs and all problems."""
    elements, problems = load_elements(elements_file)
    packs: list[Pack] = []
    folders = discover(path)
    if not folders:
        problems.append(Problem(str(path), None, "no pack.yaml here or in its sub-folders"))
    seen: dict[str, Path] = {}
    for folder in folders:
        pack, pack_problems = load_pack(folder, elements)
        problems.extend(pack_problems)
        if pack and pack.id in seen:
            problems.append(Problem(f"{folder.name}/{PACK_FILE}", None,
                                    f"id {pack.id!r} is also used by {seen[pack.id].name}"))
        elif pack:
            seen[pack.id] = folder
            packs.append(pack)
    return packs, problems
