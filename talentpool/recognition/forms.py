"""Forms: import a credential, enter a national certificate, review one, edit the trust list."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from talentpool.certification.levels import LEVELS
from talentpool.recognition.national import KINDS

LEVEL_CHOICES = [SelectChoice("", "—")] + [SelectChoice(str(n), f"{lv.zh} · {lv.en}")
                                           for n, lv in LEVELS.items()]


class ImportForm(FlaskForm):
    """A credential file, or the https address where its issuer publishes it."""

    credential = FileField(_l("Credential file (JSON)"))
    url = StringField(_l("…or its https address"), validators=[Optional(), Length(max=2000)])


class NationalForm(FlaskForm):
    kind = SelectField(_l("Kind of certificate"), choices=[SelectChoice(code, label)
                                                               for code, label in KINDS.items()],
                       validators=[DataRequired()])
    number = StringField(_l("Certificate number"), validators=[
        DataRequired(message=_l("Type the certificate number.")), Length(max=60)])
    occupation = StringField(_l("Occupation or work type"), validators=[
        DataRequired(message=_l("Type the occupation or work type.")), Length(max=120)])
    level = SelectField(_l("Level"), choices=LEVEL_CHOICES, validators=[Optional()])
    issuing_body = StringField(_l("Issuing body"), validators=[
        DataRequired(message=_l("Type the issuing body.")), Length(max=200)])
    issued_on = DateField(_l("Date of issue"), validators=[
        DataRequired(message=_l("Give the date of issue."))])
    scan = FileField(_l("Scan of the certificate (PDF, JPEG or PNG)"))


class ReviewForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[SelectChoice("accept", _l("Accept")),
                                                     SelectChoice("reject", _l("Reject"))])
    level = SelectField(_l("Counts as level"), choices=LEVEL_CHOICES, validators=[Optional()])
    reason = StringField(_l("Reason (shown to the holder when rejected)"),
                         validators=[Optional(), Length(max=500)])


class TrustForm(FlaskForm):
    subject = StringField(_l("did:web DID or domain"), validators=[
        DataRequired(message=_l("Give a did:web DID or a domain.")), Length(max=300)])
    name = StringField(_l("Issuer name"), validators=[
        DataRequired(message=_l("Give the issuer's name.")), Length(max=200)])
    levels = StringField(_l("Levels it may count as (e.g. 3,4,5; empty: display only)"),
                         validators=[Optional(), Length(max=20)])
    foreign_level = SelectField(_l("Level other Open Badges credentials count as"),
                                choices=LEVEL_CHOICES, validators=[Optional()])
