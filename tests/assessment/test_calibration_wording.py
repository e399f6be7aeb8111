"""The reason an item stays pretest, rebuilt from the stored numbers in the reader's language."""

from __future__ import annotations

import pytest

from talentpool.assessment.calibration_wording import problem_text
from talentpool.assessment.models import ItemParameter


def parameter(problem, **fields) -> ItemParameter:
    values = {"n_responses": 400, "a": 1.1, "se_a": 0.1, "se_b": [0.2], "flags": []}
    return ItemParameter(problem=problem, **{**values, **fields})


@pytest.fixture
def english(app, monkeypatch):
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "en")
    with app.test_request_context():
        yield


@pytest.fixture
def chinese(app):
    with app.test_request_context():
        yield


def test_an_operational_item_has_no_reason(english):
    assert problem_text(parameter(None)) is None


@pytest.mark.parametrize("stored, fields, expected", [
    ("12 first answers; operational items need 50", {"n_responses": 12},
     "12 first answers; operational items need 50."),
    ("slope 5.20 outside 0.2–4.0 (separation or no discrimination)", {"a": 5.2},
     "Slope 5.20 is outside 0.2–4.0"),
    ("a standard error is not finite (the data cannot pin this item down)", {"se_b": [None]},
     "A standard error is not finite"),
    ("flagged: low discrimination, misfit", {"flags": ["low_discrimination", "misfit"]},
     "Flagged: low discrimination, misfit."),
    ("degenerate: no_variance: no response variance: all 60 answers are category 1", {},
     "The data cannot estimate this item: every answer fell in the same category."),
    ("drifted since the active run (curve displacement 0.61 > 0.3); review before use",
     {"flags": ["drift"]}, "Drifted since the active run (curve displacement 0.61, more than 0.3)"),
    ("the calibration did not converge", {}, "The calibration did not converge."),
])
def test_reasons_in_english(app, english, stored, fields, expected):
    app.config["CALIBRATION_MIN_RESPONSES"] = 50
    assert problem_text(parameter(stored, **fields)).startswith(expected)


def test_reasons_in_chinese_carry_no_english(app, chinese):
    app.config["CALIBRATION_MIN_RESPONSES"] = 50
    for stored, fields in (
            ("12 first answers; operational items need 50", {"n_responses": 12}),
            ("flagged: misfit", {"flags": ["misfit"]}),
            ("degenerate: separation: perfect separation", {}),
            ("drifted since the active run (curve displacement 0.61 > 0.3); review before use",
             {"flags": ["drift"]})):
        text = problem_text(parameter(stored, **fields))
        assert not any("a" <= c.lower() <= "z" for c in text), text


def test_an_old_degenerate_reason_without_kinds_is_shown_as_stored(english):
    stored = "degenerate: nobody answered this item"
    assert problem_text(parameter(stored)) == stored
