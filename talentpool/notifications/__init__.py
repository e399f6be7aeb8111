"""Notifications (站内信): what happened for a person, in the app and optionally by e-mail.

Other domains call ``service.notify`` inside their use cases; this package imports none of
theirs (only the accounts model, the mailer and the shared helpers)."""

from flask import Blueprint

bp = Blueprint("notifications", __name__)


@bp.app_template_global("unread_notifications")
def _unread_notifications(user) -> int:
    """The bell's number: the signed-in person's unread notifications (one COUNT query)."""
    from talentpool.notifications.service import unread_count

    return unread_count(user.id) if getattr(user, "is_authenticated", False) else 0


from talentpool.notifications import views  # noqa: F401  (registers the routes)
