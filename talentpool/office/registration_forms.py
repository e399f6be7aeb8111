"""Forms of registration (报名) and its review: the candidate's registration and added evidence,
the reviewer's decision. Files are checked by content in ``office.registration``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import MultipleFileField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from talentpool.office.registration import NAME_MAX, REASON_MAX, STATEMENT_MAX


class RegisterForm(FlaskForm):
    """The candidate's registration; ``route`` choices are the level's eligibility routes."""

    real_name = StringField(_l("Real name (as on your identity document)"), validators=[
        DataRequired(message=_l("Type your real name as on your identity document.")),
        Length(max=NAME_MAX)])
    # Any value reaches the service, which names the problem (choices are set by the view).
    route = RadioField(_l("Eligibility route (申报条件)"), choices=[], validate_choice=False,
                       validators=[DataRequired(message=_l(
                           "Choose one of the eligibility routes of this level."))])
    statement = TextAreaField(_l("Your account of it (employers, years, school, training)"),
                              validators=[Optional(), Length(max=STATEMENT_MAX)])
    evidence = MultipleFileField(_l("Evidence (PDF, PNG or JPEG)"))


class EvidenceForm(FlaskForm):
    """More evidence, after the office asked for it."""

    evidence = MultipleFileField(_l("More evidence (PDF, PNG or JPEG)"))
    statement = TextAreaField(_l("A note for the reviewer (optional)"),
                              validators=[Optional(), Length(max=STATEMENT_MAX)])


class ReviewForm(FlaskForm):
    """The reviewer's decision; reject and ask-for-more need a reason the candidate reads."""

    decision = RadioField(_l("Decision"), choices=[
        SelectChoice("approve", _l("Approve")), SelectChoice("reject", _l("Reject")),
        SelectChoice("more", _l("Ask for more evidence"))],
        validators=[DataRequired(message=_l("Choose a decision."))])
    reason = TextAreaField(_l("Reason (the candidate reads it; required to reject or ask for "
                              "more)"), validators=[Optional(), Length(max=REASON_MAX)])


class ConfirmForm(FlaskForm):
    """A button with its CSRF token (withdraw, show in full)."""

