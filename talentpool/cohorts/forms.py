"""Institution forms: institutions, staff, cohorts with their plan, roster upload, sessions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import (
    DateField, EmailField, IntegerField, PasswordField, SelectChoice,
    SelectField, StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from talentpool.accounts.forms import StrongPasswordMixin, valid_email
from talentpool.assessment.tracks import TRACKS

ROSTER_MAX_BYTES = 512 * 1024
LEVEL_CHOICES = [SelectChoice(n, str(n)) for n in (5, 4, 3, 2, 1)]


def _required():
    return DataRequired(message=_l("This field is required."))


class InstitutionForm(FlaskForm):
    name = StringField(_l("Institution name"), validators=[_required(), Length(max=120)])
    admin_email = EmailField(_l("E-mail address of its first administrator"),
                             validators=[_required(), valid_email])


class InstructorForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[_required(), valid_email])


class CohortForm(FlaskForm):
    """Name and training plan; one quota field per track (``quota_<track id>``)."""

    name = StringField(_l("Cohort name"), validators=[_required(), Length(max=120)])
    target_level = SelectField(_l("Target level"), coerce=int, choices=LEVEL_CHOICES)
    starts_on = DateField(_l("Start date"), validators=[_required()])
    deadline = DateField(_l("Deadline"), validators=[_required()])

    def quotas(self) -> dict[str, int | None]:
        """Quota per track as typed; the service says what is wrong with a value."""
        return {t.id: getattr(self, f"quota_{t.id}").data for t in TRACKS}

    def show_error(self, message: str, field: str | None) -> None:
        """Put a refused plan's message beside the field it is about."""
        target = getattr(self, field, None) if field else None
        (target.errors if target is not None else self.plan_errors).append(message)

    @property
    def plan_errors(self) -> list[str]:
        return self.__dict__.setdefault("_plan_errors", [])


for _track in TRACKS:
    # The label is the track id: the page shows each track's name in the reader's language.
    setattr(CohortForm, f"quota_{_track.id}", IntegerField(
        _track.id, validators=[Optional()]))


class RosterForm(FlaskForm):
    roster = FileField(_l("Roster (CSV)"), validators=[
        FileRequired(message=_l("Choose a CSV file.")),
        FileSize(ROSTER_MAX_BYTES, message=_l("The file is larger than 512 KB."))])


class AcceptEnrolmentForm(StrongPasswordMixin, FlaskForm):
    display_name = StringField(_l("Your name"), validators=[_required(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[_required()])
    confirm = PasswordField(_l("Repeat the password"), validators=[
        _required(), EqualTo("password", message=_l("The two passwords do not match."))])


class JoinSignupForm(AcceptEnrolmentForm):
    email = EmailField(_l("E-mail address"), validators=[_required(), valid_email])


class ConfirmForm(FlaskForm):
    """A button with its CSRF token."""
