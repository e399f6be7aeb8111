"""Roles and the ``role_required`` view guard."""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user


class Role(enum.StrEnum):
    """The four kinds of account; the value is stored in the database and never renamed."""

    TRAINEE = "trainee"
    INSTITUTION_STAFF = "institution_staff"
    EMPLOYER = "employer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """Translated name of the role for pages."""
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.TRAINEE: _l("Trainee"),
    Role.INSTITUTION_STAFF: _l("Institution staff"),
    Role.EMPLOYER: _l("Employer"),
    Role.ADMIN: _l("Administrator"),
}

# Roles an admin may invite; trainees sign up by themselves.
INVITABLE_ROLES = (Role.INSTITUTION_STAFF, Role.EMPLOYER, Role.ADMIN)


def role_required(*roles: Role) -> Callable:
    """Allow the view only to signed-in users holding one of ``roles``.

    Anonymous visitors are sent to the login page; signed-in users of another
    role get a 403.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from talentpool.extensions import login_manager

                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
