"""The shipped exam packs: every item validates, its gold scores 1, both languages exist."""

from collections import Counter

from talentpool.assessment.packs import validate_tree
from talentpool.assessment.service import DEFAULT_EXAMS
from talentpool.assessment.tracks import TRACKS

MINIMUM = {track.id: (40 if track.practical else 150) for track in TRACKS}


def test_shipped_packs_validate_and_cover_every_track():
    packs, problems = validate_tree(DEFAULT_EXAMS, DEFAULT_EXAMS / "elements.yaml")
    assert [str(p) for p in problems] == []
    per_track = Counter()
    for pack in packs:
        per_track[pack.track] += len(pack.items)
        assert (pack.root / "ASSETS.md").is_file() or not pack.assets, pack.id
    for track, minimum in MINIMUM.items():
        assert per_track[track] >= minimum, f"{track}: {per_track[track]} items, need {minimum}"


def test_gold_is_not_always_the_first_option_or_order():
    packs, _ = validate_tree(DEFAULT_EXAMS, DEFAULT_EXAMS / "elements.yaml")
    first_choice = Counter()
    for pack in packs:
        for item in pack.items:
            if item.type_id == "single_choice":
                first_choice[item.gold["choice"] == item.spec["options"][0]["id"]] += 1
            if item.type_id == "ranking":
                ids = [r["id"] for r in item.spec["responses"]]
                first_choice[item.gold["order"] == ids] += 1
    assert first_choice[True] < 0.5 * sum(first_choice.values())
