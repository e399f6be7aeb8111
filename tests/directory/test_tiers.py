"""Tier rules: the file validates, placement is explained, the next step is named."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from talentpool.directory.tiers import (
    Evidence, TierRulesError, load_rules, place, validate,
)

NOW = datetime(2026, 6, 1)


def test_shipped_rules_validate_and_run_lowest_first():
    rules = load_rules()
    assert [tier.id for tier in rules] == ["reserve", "junior", "intermediate", "senior", "expert"]
    assert rules[0].requires == {}


@pytest.mark.parametrize("document, problem", [
    ({}, "tiers"),
    ({"tiers": [{"id": "a", "zh": "甲", "en": "A", "requires": {"skill_min": 10}}]}, "first"),
    ({"tiers": [{"id": "a", "zh": "甲", "en": "A"}, {"id": "a", "zh": "乙", "en": "B"}]}, "twice"),
    ({"tiers": [{"id": "a", "zh": "甲", "en": "A"},
                {"id": "b", "zh": "乙", "en": "B", "requires": {"charm": 3}}]}, "among"),
    ({"tiers": [{"id": "a", "zh": "甲", "en": "A"},
                {"id": "b", "zh": "乙", "en": "B", "requires": {"certificate_level": 9}}]},
     "1 to 5"),
])
def test_invalid_rules_are_refused_with_a_reason(document, problem):
    with pytest.raises(TierRulesError, match=problem):
        validate(document)


def test_nobody_starts_above_reserve_and_sees_the_next_step():
    placement = place(Evidence(best_level=None), load_rules(), NOW)
    assert placement.tier.id == "reserve" and placement.reasons == []
    assert {step["rule"] for step in placement.next_steps} == {"certificate", "activity"}
    assert all(step["tier"] == "junior" for step in placement.next_steps)


def test_certificate_skill_and_activity_together_decide():
    recent = NOW - timedelta(days=10)
    evidence = Evidence(best_level=3, skills={"theory": 75, "bbox": 72, "ner": 50},
                        last_active_at=recent)
    placement = place(evidence, load_rules(), NOW)
    assert placement.tier.id == "senior"
    assert all(check["met"] for check in placement.reasons)
    assert {step["rule"] for step in placement.next_steps} == {"certificate", "skill"}


def test_old_activity_drops_the_tier():
    evidence = Evidence(4, {"theory": 90}, NOW - timedelta(days=400))
    assert place(evidence, load_rules(), NOW).tier.id == "reserve"
    evidence = Evidence(4, {"theory": 90}, NOW - timedelta(days=200))
    assert place(evidence, load_rules(), NOW).tier.id == "junior"
