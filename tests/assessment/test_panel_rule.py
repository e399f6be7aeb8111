"""The scheme's panel-review rule: validation, and the decision by mean or by majority."""

from __future__ import annotations

import copy

import pytest

from talentpool.assessment.panel_rule import PanelRule, parse_panel_rule
from tests.exam_bank import PANEL_RULE


def parsed(raw, level=2):
    problems: list[str] = []
    return parse_panel_rule(level, raw, problems), problems


def test_the_test_rule_parses():
    rule, problems = parsed(PANEL_RULE)
    assert problems == [] and rule.members == 3 and rule.summary_min_chars == 50


@pytest.mark.parametrize("change, problem", [
    ({"members": 4}, "members: an odd number"),
    ({"members": 1}, "members: an odd number"),
    ({"rule": "vote"}, "rule: mean or majority"),
    ({"pass_mark": 0}, "pass_mark"),
    ({"summary": {"min_chars": -1}}, "summary"),
    ({"chair": "x"}, "chair: unknown field"),
])
def test_problems_are_named(change, problem):
    rule, problems = parsed({**PANEL_RULE, **change})
    assert rule is None and any(problem in p for p in problems), problems


def test_the_rubric_is_checked_and_must_total_100():
    raw = copy.deepcopy(PANEL_RULE)
    raw["rubric"]["criteria"][1]["levels"][-1]["points"] = 50
    assert any("add up to 100" in p for p in parsed(raw)[1])
    raw["rubric"]["criteria"][1]["levels"][0]["points"] = 5
    assert any("lowest level must be 0" in p for p in parsed(raw)[1])


def test_levels_2_and_1_need_one_and_others_may_not_have_one():
    assert parsed(False, level=2)[1] == ["level 2.panel_review: levels 2 and 1 require a panel "
                                         "review"]
    assert parsed(False, level=3) == (None, [])
    assert any("only levels 2 and 1" in p for p in parsed(PANEL_RULE, level=3)[1])


def test_mean_and_majority_decide_differently_on_a_split_panel():
    mean = PanelRule(3, 60.0, "mean", 0, 0, {})
    majority = PanelRule(3, 60.0, "majority", 0, 0, {})
    split = [95.0, 55.0, 58.0]  # mean 69.3, but only one member at 60 or above
    assert mean.decide(split) == (69.0, True)
    assert majority.decide(split) == (69.0, False)
    assert majority.decide([60.0, 60.0, 10.0]) == (43.0, True)
    assert mean.decide([59.0, 60.0, 60.0]) == (60.0, True)  # 59.67: the score shown is 60
    assert mean.decide([59.0, 59.0, 60.0]) == (59.0, False)
    assert mean.decide([59.0, 60.0, 59.5]) == (60.0, True)  # 59.5 rounds half up
    with pytest.raises(ValueError):
        mean.decide([70.0, 70.0])


def test_a_hearing_keeps_the_rule_it_opened_with():
    rule, _ = parsed(PANEL_RULE)
    assert PanelRule.from_record(rule.as_record()).decide([40, 60, 80]) == rule.decide(
        [40, 60, 80])
