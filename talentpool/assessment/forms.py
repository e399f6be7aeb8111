"""Exam forms: scheduling sessions (exam administration, cohorts), standard-setting studies,
problem reports and item status in the bank."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import (DateTimeLocalField, HiddenField, SelectChoice, SelectField, StringField,
                     TextAreaField, ValidationError)
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


class StandardStudyForm(FlaskForm):
    """A standard-setting study: level, part, and the panel's ratings as a CSV file or text."""

    title = StringField(_l("Title"), validators=[_required(), Length(max=200)])
    level = SelectField(_l("Level"), coerce=int, choices=LEVEL_CHOICES)
    part = SelectField(_l("Part"), choices=[SelectChoice("theory", _l("Theory")),
                                            SelectChoice("practical", _l("Practical"))])
    ratings_file = FileField(_l("Ratings file (CSV)"), validators=[
        FileAllowed(["csv", "txt"], _l("Upload the ratings as a .csv file."))],
        render_kw={"accept": ".csv,text/csv"})
    ratings = TextAreaField(_l("or paste the CSV"), render_kw={"rows": 5})
    note = TextAreaField(_l("Note (panel, date, method details)"),
                         validators=[Length(max=2000)], render_kw={"rows": 2})

    def ratings_text(self) -> str:
        """The ratings CSV: the uploaded file if one was chosen, else the pasted text."""
        upload = self.ratings_file.data
        if upload and getattr(upload, "filename", ""):
            return upload.read().decode("utf-8-sig", "replace")
        return self.ratings.data or ""

    def validate_ratings(self, field) -> None:
        upload = self.ratings_file.data
        if not (upload and getattr(upload, "filename", "")) and not (field.data or "").strip():
            raise ValidationError(_l("Upload the ratings file or paste its CSV here."))


class ReportResolutionForm(FlaskForm):
    """Closing a trainee's problem report with what was done (one such form per open report)."""

    report = HiddenField(validators=[_required()])
    resolution = TextAreaField(_l("What was done"), validators=[
        DataRequired(message=_l("Say what was done.")),
        Length(max=2000, message=_l("Say what was done in at most %(max)d characters."))])


class ItemStatusForm(FlaskForm):
    """Retiring an item or restoring a retired one."""

    status = SelectField(choices=[SelectChoice("retired", _l("Retire")),
                                  SelectChoice("active", _l("Restore"))])
