"""Notification pages: the list, opening one, marking all read, the e-mail switch."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from talentpool.auth import Role, role_required
from talentpool.notifications import bp, service
from talentpool.notifications.forms import ActionForm, MailForm

signed_in = role_required(*Role)


@bp.get("/notifications")
@signed_in
def index():
    """The person's notifications, newest first, a page at a time."""
    page = service.page_of(current_user.id, request.args.get("page", 1, type=int))
    return render_template("notifications/index.html", page=page,
                           mail_form=MailForm(mail=service.mail_wanted(current_user.id)))


@bp.post("/notifications/<public_id>/open")
@signed_in
def open_one(public_id: str):
    """Mark one notification read and go where it leads; another person's is a 404."""
    if not ActionForm().validate_on_submit():
        abort(400)
    link = service.open_notification(current_user.id, public_id)
    if link is None:
        abort(404)
    return redirect(link)


@bp.post("/notifications/read")
@signed_in
def mark_all_read():
    """Mark every notification read."""
    if not ActionForm().validate_on_submit():
        abort(400)
    service.mark_all_read(current_user.id)
    flash(_("All notifications are marked read."), "success")
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/mail")
@signed_in
def mail_setting():
    """Turn e-mail copies on or off (the notifications themselves always stay)."""
    form = MailForm()
    if not form.validate_on_submit():
        abort(400)
    service.set_mail_wanted(current_user.id, form.mail.data)
    flash(_("E-mail copies are on.") if form.mail.data else _("E-mail copies are off."),
          "success")
    return redirect(url_for("notifications.index"))
