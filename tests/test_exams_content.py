"""The shipped exam packs: every item validates, its gold scores 1, both languages exist, and
the practice/exam split keeps open practice material and secure exam pools deep enough for
the certification scheme under the exposure cap."""

import math
from collections import Counter, defaultdict

import pytest
import yaml

from talentpool.assessment.packs import EXAM, PRACTICE, load_elements, validate_tree
from talentpool.assessment.scheme import load_scheme
from talentpool.assessment.service import DEFAULT_EXAMS
from talentpool.assessment.tracks import TRACKS

MINIMUM = {track.id: (40 if track.practical else 150) for track in TRACKS}
# An exam item may appear in at most a quarter of a level's administrations
# (talentpool/assessment/exposure.py), so n items per exam need n / 0.25 in the pool.
EXPOSURE_CAP = 0.25
CAPPED_LEVELS = (5, 4)
MIN_PRACTICE_PER_PRACTICAL_TRACK = 20
MIN_THEORY_PRACTICE = 60
MIN_THEORY_PRACTICE_PER_ELEMENT = 6
THEORY_EXAM_MINIMUM = {  # exam items per element whose levels include the level
    5: {"T1": 13, "T2": 13, "T3": 17, "T4": 17, "T5": 21, "T6": 17},
    4: {"T1": 9, "T2": 9, "T3": 13, "T4": 17, "T5": 21, "T6": 17},
}
DIFFICULTIES = ("easy", "medium", "hard")


@pytest.fixture(scope="module")
def packs():
    packs, problems = validate_tree(DEFAULT_EXAMS, DEFAULT_EXAMS / "elements.yaml")
    assert [str(p) for p in problems] == []
    return packs


@pytest.fixture(scope="module")
def scheme():
    elements, problems = load_elements(DEFAULT_EXAMS / "elements.yaml")
    assert problems == []
    return load_scheme(DEFAULT_EXAMS / "certification-scheme.yaml", set(elements))


def matches(element, code):
    return element == code or element.startswith(code + ".")


def exam_items(packs, part, levels):
    """Exam items of the part's tracks that serve any of the levels."""
    return [item for pack in packs if (pack.track == "theory") == (part == "theory")
            for item in pack.items if item.use == EXAM and set(item.levels) & set(levels)]


def test_shipped_packs_validate_and_cover_every_track(packs):
    per_track = Counter()
    for pack in packs:
        per_track[pack.track] += len(pack.items)
        assert (pack.root / "ASSETS.md").is_file() or not pack.assets, pack.id
    for track, minimum in MINIMUM.items():
        assert per_track[track] >= minimum, f"{track}: {per_track[track]} items, need {minimum}"


def test_gold_is_not_always_the_first_option_or_order(packs):
    first_choice = Counter()
    for pack in packs:
        for item in pack.items:
            if item.type_id == "single_choice":
                first_choice[item.gold["choice"] == item.spec["options"][0]["id"]] += 1
            if item.type_id == "ranking":
                ids = [r["id"] for r in item.spec["responses"]]
                first_choice[item.gold["order"] == ids] += 1
    assert first_choice[True] < 0.5 * sum(first_choice.values())


def test_every_shipped_box_item_names_its_labels_in_both_languages(packs):
    """The Chinese page must not show ids such as traffic_light: every bbox item, and every
    review of boxes, names each label (the validator checks the names themselves)."""
    box_specs = [(item.key, item.spec if item.type_id == "bbox" else item.spec["base_spec"])
                 for pack in packs for item in pack.items
                 if item.type_id == "bbox" or (item.type_id == "review"
                                               and item.spec["base_type"] == "bbox")]
    assert len(box_specs) >= 60
    unnamed = [key for key, spec in box_specs if "label_names" not in spec]
    assert unnamed == []
    assert all(spec["label_names"]["traffic_light"]["zh"] == "交通信号灯"
               for _key, spec in box_specs if "traffic_light" in spec["labels"])


def test_every_item_says_its_use_in_the_pack_file(packs):
    for pack in packs:
        raw = yaml.safe_load((pack.root / "pack.yaml").read_text(encoding="utf-8"))
        missing = [entry["id"] for entry in raw["items"]
                   if entry.get("use") not in (PRACTICE, EXAM)]
        assert missing == [], f"{pack.id}: no use on {missing[:5]}"


def test_every_practical_track_keeps_open_practice_items(packs):
    practice = Counter({track.id: 0 for track in TRACKS if track.practical})
    for pack in packs:
        if pack.track in practice:
            practice[pack.track] += sum(item.use == PRACTICE for item in pack.items)
    short = {track: n for track, n in practice.items() if n < MIN_PRACTICE_PER_PRACTICAL_TRACK}
    assert short == {}, f"practice items per track, need {MIN_PRACTICE_PER_PRACTICAL_TRACK}"


def test_exam_pools_cover_every_blueprint_code_under_the_exposure_cap(packs, scheme):
    short = []
    for level in CAPPED_LEVELS:
        for part in ("theory", "practical"):
            rule = scheme.levels[level].part(part)
            pool = exam_items(packs, part, rule.item_levels)
            for code, count in rule.blueprint:
                have = sum(matches(item.element, code) for item in pool)
                if have < math.ceil(count / EXPOSURE_CAP):
                    short.append(f"level {level} {part} {code}: {have} exam items for {count}")
            if rule.mode == "adaptive":
                in_blueprint = [item for item in pool
                                if any(matches(item.element, code) for code, _n in rule.blueprint)]
                if len(in_blueprint) < math.ceil(rule.max_items / EXPOSURE_CAP):
                    short.append(f"level {level} {part}: {len(in_blueprint)} exam items for an "
                                 f"adaptive test of up to {rule.max_items}")
    assert short == []


def test_levels_3_to_1_have_their_own_secure_theory_and_written_papers(packs, scheme):
    """At least 60 new secure theory items serve each of levels 3, 2 and 1 alone, their theory
    forms fit under the exposure cap, and each rated paper has a written task per count."""
    advanced = next(pack for pack in packs if pack.id == "theory-advanced")
    for level in (3, 2, 1):
        own = [item for item in advanced.items if item.use == EXAM and item.levels == (level,)]
        assert len(own) >= 60, (level, len(own))
        theory = scheme.levels[level].theory
        pool = exam_items(packs, "theory", theory.item_levels)
        for code, count in theory.blueprint:
            have = sum(matches(item.element, code) for item in pool)
            assert have >= math.ceil(count / EXPOSURE_CAP), (level, code, have, count)
        practical = scheme.levels[level].practical
        assert practical.rated and practical.raters == (2 if level == 3 else 3)
        written = [item for pack in packs if pack.track == "written_work"
                   for item in pack.items if item.use == EXAM and level in item.levels]
        for code, count in practical.blueprint:
            assert sum(matches(item.element, code) for item in written) >= count, (level, code)


def test_every_level_can_draw_a_form_from_exam_items(packs, scheme):
    for level, rule in scheme.levels.items():
        for part in ("theory", "practical"):
            part_rule = rule.part(part)
            pool = exam_items(packs, part, part_rule.item_levels)
            for code, count in part_rule.blueprint:
                have = sum(matches(item.element, code) for item in pool)
                assert have >= count, f"level {level} {part} {code}: {have} exam items"


def test_theory_keeps_practice_for_every_element_and_deep_exam_pools(packs):
    theory = [item for pack in packs if pack.track == "theory" for item in pack.items]
    practice = Counter(item.element.split(".")[0] for item in theory if item.use == PRACTICE)
    assert sum(practice.values()) >= MIN_THEORY_PRACTICE
    for code in THEORY_EXAM_MINIMUM[5]:
        assert practice[code] >= MIN_THEORY_PRACTICE_PER_ELEMENT, (code, practice[code])
    for level, minimum in THEORY_EXAM_MINIMUM.items():
        for code, need in minimum.items():
            have = sum(item.use == EXAM and level in item.levels and matches(item.element, code)
                       for item in theory)
            assert have >= need, f"theory {code} level {level}: {have} exam items, need {need}"


def test_both_uses_cover_every_element_and_difficulty_of_a_pack(packs):
    for pack in packs:
        if pack.track == "written_work":  # scored by raters: exam only, nothing to practise
            assert {item.use for item in pack.items} == {EXAM}, pack.id
            continue
        uses = defaultdict(set)
        for item in pack.items:
            uses[item.element].add(item.use)
            for tag in set(item.tags) & set(DIFFICULTIES):
                uses[tag].add(item.use)
        partial = {key: sorted(found) for key, found in uses.items() if found != {PRACTICE, EXAM}}
        assert partial == {}, pack.id


def test_no_item_id_has_different_content_in_two_packs(packs):
    seen = {}
    for pack in packs:
        for item in pack.items:
            earlier = seen.setdefault(item.key, (pack.id, item.content_hash))
            assert earlier[1] == item.content_hash, \
                f"{item.key} differs between {earlier[0]} and {pack.id}"
