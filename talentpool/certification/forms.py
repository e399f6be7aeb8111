"""The administrator's revocation form and the verifier's name check."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class RevokeForm(FlaskForm):
    reason = StringField(_l("Reason (shown on the public verification page)"), validators=[
        DataRequired(message=_l("Give a reason for the revocation.")), Length(max=500)])


class NameCheckForm(FlaskForm):
    """A verifier's typed full name, checked against the holder's (never shown)."""

    holder_name = StringField(_l("Holder's full name"), validators=[
        DataRequired(message=_l("Type the holder's full name.")), Length(max=80)])
