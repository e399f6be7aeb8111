"""Notification forms: the e-mail switch, and the bare forms whose token guards a button."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField


class ActionForm(FlaskForm):
    """A button with nothing to fill in (open one, mark all read): only the CSRF token."""


class MailForm(FlaskForm):
    mail = BooleanField(_l("Also send me each notification by e-mail"))
