"""The administrator's organisation forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import (
    BooleanField, IntegerField, SelectChoice, SelectField, SelectMultipleField, StringField,
    TextAreaField, widgets,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from talentpool.organisations.office import ROLE_LABELS

LEVEL_CHOICES = [SelectChoice(n, f"{zh} · Level {n}")
                 for n, zh in ((5, "五级"), (4, "四级"), (3, "三级"), (2, "二级"), (1, "一级"))]


class OrganisationForm(FlaskForm):
    """An evaluation organisation's registration and contact details."""

    slug = StringField(_l("Short name (in addresses and the DID; cannot be changed later)"),
                       validators=[DataRequired(message=_l("Give a short name.")),
                                   Length(max=40)])
    name = StringField(_l("Registered name (as printed on certificates)"), validators=[
        DataRequired(message=_l("Enter the organisation's registered name.")), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])
    code = StringField(_l("Organisation code"), validators=[Optional(), Length(max=40)])
    registration_number = StringField(_l("Registration (备案) number"),
                                      validators=[Optional(), Length(max=60)])
    registered_levels = SelectMultipleField(
        _l("Levels of 人工智能训练师 (数据标注员) covered by the registration"),
        choices=LEVEL_CHOICES, coerce=int, validate_choice=True,
        widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput())
    other_title_zh = StringField(_l("Title outside the registration (Chinese)"), validators=[
        DataRequired(message=_l("Enter the title used outside the registration, in both "
                                "languages.")), Length(max=60)])
    other_title_en = StringField(_l("Title outside the registration (English)"), validators=[
        DataRequired(message=_l("Enter the title used outside the registration, in both "
                                "languages.")), Length(max=80)])
    contact_email = StringField(_l("Contact e-mail"), validators=[
        Optional(), Email(message=_l("Enter a valid e-mail address.")), Length(max=254)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=40)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    appeal_window_days = IntegerField(
        _l("Appeal window after results are published (days; 0: certificates at once)"),
        default=7, validators=[Optional(), NumberRange(min=0, max=60)])
    public_results = BooleanField(_l("Also publish results as a public list with masked "
                                     "identities"))


class SealForm(FlaskForm):
    seal = FileField(_l("Seal image (PNG or JPEG, at most 1 MB)"), validators=[
        FileRequired(message=_l("Choose an image file.")),
        FileSize(1024 * 1024, message=_l("The seal image may be at most 1 MB."))])


class AppointForm(FlaskForm):
    email = StringField(_l("E-mail address of the account"), validators=[
        DataRequired(message=_l("Type the e-mail address of the person's account.")),
        Length(max=254)])
    role = SelectField(_l("Office role"), choices=[
        SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[DataRequired()])


class ComplaintForm(FlaskForm):
    about = SelectField(_l("The complaint is about"), choices=[
        SelectChoice("holder", _l("A certificate holder")),
        SelectChoice("organisation", _l("The organisation")),
        SelectChoice("process", _l("The certification process"))],
        validators=[DataRequired()])
    certificate_serial = StringField(_l("Certificate serial (for a complaint about a holder)"),
                                     validators=[Optional(), Length(max=40)])
    text = TextAreaField(_l("What happened"), validators=[
        DataRequired(message=_l("Describe the complaint.")), Length(max=4000)])


class AnswerForm(FlaskForm):
    text = TextAreaField(_l("Answer (mailed to the complainant)"), validators=[
        DataRequired(message=_l("Write the answer.")), Length(max=4000)])
