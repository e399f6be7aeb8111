"""Forms of the office's plans, sittings, staff, check-in and proctor log. Times are entered in
the user's time zone; the services take UTC (``timezones.from_local``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DateTimeLocalField, EmailField, HiddenField, IntegerField, SelectChoice,
    SelectField, StringField, TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from talentpool.office.models import ABSENT, IRREGULAR, PRESENT
from talentpool.organisations.forms import LEVEL_CHOICES


def _when(label):
    return DateTimeLocalField(label, validators=[
        InputRequired(message=_l("Enter the date and time."))])


class PlanForm(FlaskForm):
    """A new assessment plan."""

    title = StringField(_l("Title"), validators=[
        DataRequired(message=_l("Give the plan a title.")), Length(max=120)])
    level = SelectField(_l("Level"), choices=LEVEL_CHOICES, coerce=int)
    batch = StringField(_l("Batch (e.g. 2026-04)"), validators=[
        DataRequired(message=_l("Give the batch.")), Length(max=40)])
    registration_opens_at = _when(_l("Registration opens"))
    registration_closes_at = _when(_l("Registration closes"))


class SittingForm(FlaskForm):
    """A sitting of a plan."""

    title = StringField(_l("Title"), validators=[Optional(), Length(max=120)])
    opens_at = _when(_l("Starts"))
    closes_at = _when(_l("Ends"))
    room = StringField(_l("Room"), validators=[Optional(), Length(max=120)])
    online = BooleanField(_l("Online sitting (proctored remotely)"))
    capacity = IntegerField(_l("Capacity (seats)"), validators=[
        InputRequired(message=_l("Enter the number of seats.")), NumberRange(min=1, max=2000)])


class StaffForm(FlaskForm):
    """Appoint a proctor or supervisor to a sitting."""

    email = EmailField(_l("E-mail address"), validators=[
        DataRequired(message=_l("Enter the person's e-mail address.")), Length(max=254)])
    duty = SelectField(_l("Duty"), choices=[SelectChoice("proctor", _l("Proctor (监考员)")),
                                            SelectChoice("supervisor", _l("Supervisor (督导员)"))])


class TicketForm(FlaskForm):
    """A scanned or typed ticket number."""

    ticket = StringField(_l("Ticket number"), validators=[
        DataRequired(message=_l("Scan or type the ticket number.")), Length(max=40)])


class MarkForm(FlaskForm):
    """The proctor's mark for the candidate on the card."""

    ticket = HiddenField(validators=[DataRequired()])
    attendance = SelectField(choices=[SelectChoice(PRESENT, _l("Present")),
                                      SelectChoice(ABSENT, _l("Absent")),
                                      SelectChoice(IRREGULAR, _l("Irregular"))])
    photo_matches = BooleanField(_l("The photo and the identity document match this person"))


class IncidentForm(FlaskForm):
    note = TextAreaField(_l("What happened"), validators=[
        DataRequired(message=_l("Describe the incident.")), Length(max=1000)])
    candidate = StringField(_l("Ticket number (optional)"), validators=[Optional(),
                                                                        Length(max=40)])


class ExtensionForm(FlaskForm):
    candidate = StringField(_l("Ticket number"), validators=[
        DataRequired(message=_l("Give the candidate's ticket number.")), Length(max=40)])
    minutes = IntegerField(_l("Minutes (1–60)"), validators=[
        InputRequired(message=_l("Enter the minutes.")), NumberRange(min=1, max=60)])
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(message=_l("Give the reason for the extension.")), Length(max=1000)])


class TerminationForm(FlaskForm):
    candidate = StringField(_l("Ticket number"), validators=[
        DataRequired(message=_l("Give the candidate's ticket number.")), Length(max=40)])
    reason = TextAreaField(_l("Reason"), validators=[
        DataRequired(message=_l("Give the reason for ending the candidate's attempt.")),
        Length(max=1000)])


class SignOffForm(FlaskForm):
    note = TextAreaField(_l("Remarks (optional)"), validators=[Optional(), Length(max=1000)])
