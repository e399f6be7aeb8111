"""The view guard for an organisation's own pages, used by every domain's views (like
``auth.role_required``)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from talentpool.organisations import office, service
from talentpool.organisations.models import OfficeRole


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


def organisation_role_required(*roles: OfficeRole) -> Callable:
    """Allow the view (taking ``slug``) to the organisation's administrators and to the people
    holding one of ``roles`` in it (e.g. its proctors); others get 403, visitors the login
    page."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(slug: str, *args, **kwargs):
            if not current_user.is_authenticated:
                from talentpool.extensions import login_manager

                return login_manager.unauthorized()
            organisation = service.by_slug(slug) or abort(404)
            if not (office.may_manage(current_user, organisation)
                    or office.roles_in(current_user.id, organisation.id) & set(roles)):
                abort(403)
            return view(slug, *args, **kwargs)

        return wrapped

    return decorator
