"""``make_*`` helpers that write small, valid exam packs for tests, and ``import_live``."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml
from PIL import Image

from tests.scoring.examples import EXAMPLES

TRACK_OF_TYPE = {"single_choice": "text_classification", "multi_choice": "text_classification",
                 "text_spans": "named_entities", "bbox": "object_detection",
                 "transcription": "speech_transcription", "ranking": "llm_preference",
                 "cot_steps": "cot_checking", "review": "annotation_review",
                 "rubric": "written_work"}
ELEMENTS = [{"code": "P1.1", "part": "practical", "name": {"zh": "数据分类", "en": "Classify"}},
            {"code": "T1.1", "part": "theory", "name": {"zh": "职业道德", "en": "Ethics"}}]


def make_elements(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / "elements.yaml"
    path.write_text(yaml.safe_dump({"elements": ELEMENTS}, allow_unicode=True))
    return path


def make_item(type_id: str, key: str, **overrides) -> dict:
    spec, gold = EXAMPLES[type_id]()
    spec = copy.deepcopy(spec)
    if type_id == "bbox":
        spec["image"] = "assets/scene-1.png"
    if type_id == "transcription":
        spec["media"] = "assets/clip-1.wav"
    item = {"id": key, "type": type_id,
            "prompt": {"zh": f"题目 {key}", "en": f"Item {key}"},
            "spec": spec, "gold": gold,
            "explanation": {"zh": f"解析 {key}", "en": f"Explanation {key}"},
            "element": "P1.1", "tags": ["test"]}
    item.update(overrides)
    return item


def make_pack(root: Path, pack_id: str = "test-pack", version: int = 1, items=None,
              track: str | None = None) -> Path:
    """Write ``root/pack_id/pack.yaml`` (and its assets) and return the pack folder."""
    items = items if items is not None else [make_item("single_choice", f"q{n}") for n in range(3)]
    folder = root / pack_id
    (folder / "assets").mkdir(parents=True, exist_ok=True)
    types = {item["type"] for item in items if isinstance(item, dict) and "type" in item}
    if "bbox" in types:
        Image.new("RGB", (640, 480), "white").save(folder / "assets" / "scene-1.png")
    if "transcription" in types:
        (folder / "assets" / "clip-1.wav").write_bytes(b"RIFF0000WAVEfmt ")
    data = {"id": pack_id, "version": version, "title": {"zh": "测试包", "en": "Test pack"},
            "track": track or TRACK_OF_TYPE[next(iter(types))] if types else "theory",
            "levels": [5, 4], "licence": "CC-BY-4.0", "items": items}
    (folder / "pack.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    make_elements(root)
    return folder


TEST_REVIEWER = "content-reviewer@tests.talentpool.test"


def content_reviewer():
    """The test suite's second administrator, who reviews drafts (made on first use)."""
    from talentpool.accounts.service import create_user, find_user_by_email
    from talentpool.auth import Role

    return find_user_by_email(TEST_REVIEWER) or create_user(
        TEST_REVIEWER, "Content reviewer", "reviewer passphrase 1", Role.ADMIN)


def import_live(path: Path, by=None):
    """Import packs like ``import_path``, then approve every draft as the test reviewer, so the
    imported items are live (inside an app context)."""
    from talentpool.assessment import drafts
    from talentpool.assessment.service import import_path

    results, problems = import_path(path, by=by)
    if not problems:
        waiting = [(row.item.public_id, row.item.content_hash)
                   for _pack, rows in drafts.queue() for row in rows]
        if waiting:
            drafts.approve_many(waiting, content_reviewer())
    return results, problems


def make_practice_bank(root: Path, counts: dict[str, int]) -> None:
    """Live practice items: ``counts[track]`` of the track's first task type, one pack per
    track (inside an app context). Training plans may ask for at most this many per track."""
    from talentpool.assessment.tracks import TRACKS_BY_ID

    for track, count in counts.items():
        type_id = TRACKS_BY_ID[track].task_types[0]
        folder = make_pack(root / "practice-bank", f"practice-{track.replace('_', '-')}",
                           items=[make_item(type_id, f"pb-{n}") for n in range(count)],
                           track=track)
        _results, problems = import_live(folder)
        assert problems == [], problems
