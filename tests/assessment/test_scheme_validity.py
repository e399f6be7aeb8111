"""The scheme's validity period is optional: absent means certificates never expire."""

import pytest
import yaml

from talentpool.assessment.packs import load_elements
from talentpool.assessment.scheme import SchemeError, parse_scheme
from talentpool.assessment.service import DEFAULT_EXAMS


@pytest.fixture(scope="module")
def shipped():
    elements, problems = load_elements(DEFAULT_EXAMS / "elements.yaml")
    assert problems == []
    text = (DEFAULT_EXAMS / "certification-scheme.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text), set(elements)


def test_the_shipped_scheme_sets_no_validity_period(shipped):
    data, elements = shipped
    assert all("validity_years" not in level for level in data["levels"])
    scheme = parse_scheme(data, elements)
    assert {rule.validity_years for rule in scheme.levels.values()} == {None}


def test_a_level_may_still_set_a_validity_period(shipped):
    data, elements = shipped
    data = {**data, "levels": [{**level, "validity_years": 3} if level["level"] == 4 else level
                               for level in data["levels"]]}
    scheme = parse_scheme(data, elements)
    assert scheme.levels[4].validity_years == 3 and scheme.levels[5].validity_years is None


@pytest.mark.parametrize("years", [0, 11, "3", True, 2.5])
def test_a_bad_validity_period_is_named(shipped, years):
    data, elements = shipped
    data = {**data, "levels": [{**level, "validity_years": years} if level["level"] == 3
                               else level for level in data["levels"]]}
    with pytest.raises(SchemeError) as error:
        parse_scheme(data, elements)
    assert any(problem.startswith("level 3.validity_years") for problem in error.value.problems)
