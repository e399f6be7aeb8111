"""Exam forms shared by the pages that schedule sessions (exam administration, cohorts)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectChoice, SelectField, StringField, ValidationError
from wtforms.validators import DataRequired, Length

LEVEL_CHOICES = [SelectChoice(n, str(n)) for n in (5, 4, 3, 2, 1)]


def _required():
    return DataRequired(message=_l("This field is required."))


class ExamSessionForm(FlaskForm):
    """A session's title, level and window; times in the user's time zone (the view converts
    them with ``timezones.from_local``)."""

    title = StringField(_l("Title"), validators=[_required(), Length(max=120)])
    level = SelectField(_l("Level"), coerce=int, choices=LEVEL_CHOICES)
    opens_at = DateTimeLocalField(_l("Opens"), validators=[_required()])
    closes_at = DateTimeLocalField(_l("Closes"), validators=[_required()])

    def validate_closes_at(self, field) -> None:
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The session must close after it opens."))


class MockExamForm(ExamSessionForm):
    """A self-paced mock exam scheduled by an administrator, for one evaluation organisation
    (the view sets the organisations as choices; none registered: the default one)."""

    organisation = SelectField(_l("Evaluation organisation (issues the certificates)"),
                               choices=[], validate_choice=False)
