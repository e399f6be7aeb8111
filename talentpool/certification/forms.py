"""The administrator's revocation form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length


class RevokeForm(FlaskForm):
    reason = StringField(_l("Reason (shown on the public verification page)"), validators=[
        DataRequired(message=_l("Give a reason for the revocation.")), Length(max=500)])
