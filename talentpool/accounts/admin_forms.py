"""The administrator's forms for an account: disable or enable it, change its role. Each posts
with a CSRF token; the optional reason goes into the audit log."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from talentpool.auth import Role


def _reason():
    return StringField(_l("Reason (optional, kept in the audit log)"), validators=[
        Length(max=200, message=_l("Keep the reason under %(max)d characters."))])


class AccountStatusForm(FlaskForm):
    """Disable or enable an account (the URL says which)."""

    reason = _reason()


class RoleForm(FlaskForm):
    role = SelectField(_l("New role"), validators=[DataRequired(message=_l("Choose a role."))],
                       choices=lambda: [SelectChoice(role.value, role.label) for role in Role])
    reason = _reason()
