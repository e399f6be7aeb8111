"""The view guard for an organisation's own pages, used by every domain's views (like
``auth.role_required``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from talentpool.organisations import office, service


def organisation_admin_required(view: Callable) -> Callable:
    """Allow the view (taking ``slug``) to the organisation's administrators: instance
    administrators and its office administrators; others get 403, visitors the login page."""

    @wraps(view)
    def wrapped(slug: str, *args, **kwargs):
        if not current_user.is_authenticated:
            from talentpool.extensions import login_manager

            return login_manager.unauthorized()
        if not office.may_manage(current_user, (service.by_slug(slug) or abort(404))):
            abort(403)
        return view(slug, *args, **kwargs)

    return wrapped
