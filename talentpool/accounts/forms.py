"""Account forms; field errors say what is wrong in the person's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField, HiddenField, PasswordField, SelectChoice, SelectField, StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from talentpool.accounts.passwords import MAX_LENGTH, password_problem
from talentpool.accounts.service import email_problem
from talentpool.auth import INVITABLE_ROLES


def valid_email(_form, field) -> None:
    """WTForms validator wrapping the service's address check."""
    field.data = (field.data or "").strip()
    problem = email_problem(field.data.lower())
    if problem:
        raise ValidationError(problem)


class StrongPasswordMixin:
    """Checks ``password`` against the policy, using the e-mail and name fields if present."""

    def validate_password(self, field) -> None:
        email = getattr(getattr(self, "email", None), "data", None) or getattr(self, "known_email", "")
        name = getattr(getattr(self, "display_name", None), "data", None) or ""
        problem = password_problem(field.data or "", email=email or "", name=name)
        if problem:
            raise ValidationError(problem)


def _required():
    return DataRequired(message=_l("This field is required."))


def _confirm():
    return [_required(), EqualTo("password", message=_l("The two passwords do not match."))]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[_required(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[_required(), Length(max=MAX_LENGTH)])
    next = HiddenField()


class SignupForm(StrongPasswordMixin, FlaskForm):
    display_name = StringField(_l("Your name"), validators=[_required(), Length(max=80)])
    email = EmailField(_l("E-mail address"), validators=[_required(), valid_email])
    password = PasswordField(_l("Password"), validators=[_required()])
    confirm = PasswordField(_l("Repeat the password"), validators=_confirm())
    next = HiddenField()


class ConfirmSignupForm(FlaskForm):
    """A button that creates the account of a confirmed sign-up (GET never writes)."""


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[_required(), valid_email])


class ResetPasswordForm(StrongPasswordMixin, FlaskForm):
    password = PasswordField(_l("New password"), validators=[_required()])
    confirm = PasswordField(_l("Repeat the new password"), validators=_confirm())


class ChangePasswordForm(StrongPasswordMixin, FlaskForm):
    current = PasswordField(_l("Current password"), validators=[_required()])
    password = PasswordField(_l("New password"), validators=[_required()])
    confirm = PasswordField(_l("Repeat the new password"), validators=_confirm())


class InvitationForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[_required(), valid_email])
    role = SelectField(_l("Role"), validators=[_required()],
                       choices=lambda: [SelectChoice(role.value, role.label)
                                        for role in INVITABLE_ROLES])


class AcceptInvitationForm(StrongPasswordMixin, FlaskForm):
    display_name = StringField(_l("Your name"), validators=[_required(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[_required()])
    confirm = PasswordField(_l("Repeat the password"), validators=_confirm())


class SettingsForm(FlaskForm):
    """The interface language and the time zone pages use for this account."""

    locale = SelectField(_l("Language"), choices=[SelectChoice("zh_CN", "中文"),
                                                   SelectChoice("en", "English")])
    timezone = SelectField(_l("Time zone"), validate_choice=False)

    def validate_timezone(self, field) -> None:
        from talentpool.timezones import is_timezone

        if not is_timezone(field.data):
            raise ValidationError(_l("Choose a time zone from the list."))
