"""The drafts queue: imported items waiting for a second administrator's review."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from talentpool.assessment import bp, drafts
from talentpool.auth import Role, role_required
from talentpool.urls import local_path


@bp.get("/drafts")
@role_required(Role.ADMIN)
def drafts_queue():
    """Drafts grouped by pack, with what changed; approve or return each, or several at once."""
    return render_template("assessment/drafts.html", groups=drafts.queue()), 200, {
        "Cache-Control": "private, no-store"}


@bp.post("/drafts")
@role_required(Role.ADMIN)
def review_drafts():
    """Approve or return one draft (``action`` = ``approved:<id>`` or ``returned:<id>``), or
    approve the selected ones (``approve-selected``)."""
    seen = {key[len("hash-"):]: value for key, value in request.form.items()
            if key.startswith("hash-")}
    action = request.form.get("action", "")
    try:
        if action == "approve-selected":
            chosen = request.form.getlist("item")
            reviews = drafts.approve_many([(i, seen.get(i, "")) for i in chosen], current_user)
            flash(_("Approved %(n)d drafts: they are live.", n=len(reviews)), "success")
        else:
            decision, _sep, public_id = action.partition(":")
            review = drafts.review(public_id, decision, request.form.get(f"note-{public_id}", ""),
                                   current_user, seen.get(public_id, ""))
            flash(_("Item %(key)s approved: it is live.", key=review.item.key)
                  if review.decision == drafts.APPROVED else
                  _("Item %(key)s returned with your note; it stays a draft.",
                    key=review.item.key), "success")
    except drafts.ReviewError as error:
        flash(str(error), "error")
    return redirect(local_path(request.form.get("back")) or url_for("bank.drafts_queue"))
