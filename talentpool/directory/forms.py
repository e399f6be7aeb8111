"""Talent-pool forms. Profile forms have no tier, level, skill or role field, and the
service ignores such fields anyway (SECURITY row 11)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, HiddenField, PasswordField, SelectChoice, SelectField, SelectMultipleField,
    StringField, TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from talentpool.directory.api_tokens import SCOPES
from talentpool.directory.privacy import AVAILABILITY, LANGUAGES


def _choices(options: dict) -> list[SelectChoice]:
    return [SelectChoice(value, str(label)) for value, label in options.items()]


def _required():
    return DataRequired(message=_l("This field is required."))


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProfileForm(FlaskForm):
    pool_name = StringField(_l("Display name in the pool"), validators=[_required(), Length(2, 40)])
    headline = StringField(_l("One-line introduction"), validators=[Optional(), Length(max=160)])
    region = StringField(_l("City or region"), validators=[Optional(), Length(max=40)])
    languages = CheckboxList(_l("Languages you work in"), validate_choice=False,
                             choices=lambda: _choices(LANGUAGES))
    availability = SelectField(_l("Availability"), choices=lambda: _choices(AVAILABILITY))
    phone = StringField(_l("Phone (shared only with employers whose request you accept)"),
                        validators=[Optional(), Length(max=32)])


class ConsentForm(FlaskForm):
    share_region = BooleanField(_l("Also show my city or region"))
    share_languages = BooleanField(_l("Also show my languages"))
    share_real_name = BooleanField(_l("Also show my real name"))
    agree = BooleanField(_l("I agree to be listed as described above"), validators=[
        DataRequired(message=_l("Tick the box to give your consent."))])


class PasswordConfirmForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[_required(), Length(max=200)])


class DeleteAccountForm(PasswordConfirmForm):
    revoke_certificates = BooleanField(_l("Also revoke my certificates (their verification "
                                          "page will then say they were withdrawn at my "
                                          "request)"))


class OrganisationForm(FlaskForm):
    name = StringField(_l("Organisation name"), validators=[_required(), Length(2, 120)])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=200)])


class NameForm(FlaskForm):
    name = StringField(_l("Name"), validators=[_required(), Length(1, 80)])


class AlertForm(FlaskForm):
    """The alert switch of a saved search: ``alert`` sent means on, left out means off."""

    alert = BooleanField(_l("Alert me about new matches"))


class ContactForm(FlaskForm):
    message = TextAreaField(_l("Message to the trainee"),
                            validators=[_required(), Length(10, 1000)])


class ShortlistAddForm(FlaskForm):
    """Add a profile to one of the employer's shortlists, or to a new one named here."""

    shortlist = SelectField(_l("Shortlist"), choices=[], validate_choice=False)
    new_name = StringField(_l("…or a new shortlist named"),
                           validators=[Optional(), Length(max=80)])
    note = StringField(_l("Note (only you see it)"), validators=[Optional(), Length(max=300)])
    next = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not (self.new_name.data or "").strip() and not self.shortlist.data:
            self.new_name.errors = [*self.new_name.errors,
                                    _l("Choose a shortlist or name a new one.")]
            return False
        return True


class TokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[_required(), Length(1, 80)])
    scopes = CheckboxList(_l("Permissions"), choices=lambda: _choices(SCOPES))
