"""Forms of results publication and appeals (复核)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FloatField, HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

PART_LABELS = {"theory": _l("Theory"), "practical": _l("Practical"),
               "panel": _l("Panel review")}


class AppealForm(FlaskForm):
    """The candidate's request to re-score one part."""

    part = SelectField(_l("Part to be scored again"), choices=[])
    reason = TextAreaField(_l("Why should it be scored again?"), validators=[
        DataRequired(message=_l("Say why the part should be scored again.")),
        Length(max=4000)])

    def offer(self, parts: list[str]) -> AppealForm:
        self.part.choices = [(part, PART_LABELS[part]) for part in parts]
        return self


class AssignForm(FlaskForm):
    """The office administrator assigns an appeal to a rater."""

    appeal = HiddenField()
    rater = SelectField(_l("Rater"), choices=[], validate_choice=False)  # the service checks


class DecisionForm(FlaskForm):
    """The rater's decision; corrected answer scores arrive as ``score-<response id>``."""

    panel_score = FloatField(_l("New panel score (0–100)"), validators=[
        Optional(), NumberRange(min=0, max=100, message=_l("Give a panel score from 0 to 100."))])
    reason = TextAreaField(_l("Reason for the decision (the candidate reads it)"), validators=[
        DataRequired(message=_l("Give the reason for the decision; the candidate reads it.")),
        Length(max=4000)])


def corrections_from(data, responses) -> dict[int, float]:
    """Corrected scores (response id → 0–1) from the submitted ``score-<id>`` fields that differ
    from the stored score; ValueError when one is not a number."""
    corrections = {}
    for row in responses:
        raw = (data.get(f"score-{row.id}") or "").strip()
        if raw == "":
            continue
        value = float(raw)
        if value != row.score:
            corrections[row.id] = value
    return corrections
