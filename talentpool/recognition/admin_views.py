"""The administrators' pages: the review queue of hand-entered certificates and the trust list."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from talentpool.auth import Role, role_required
from talentpool.recognition import bp, national, trust
from talentpool.recognition.forms import ReviewForm, TrustForm
from talentpool.recognition.reasons import RecognitionError


def _form_errors(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@bp.get("/review")
@role_required(Role.ADMIN)
def review_queue():
    """Hand-entered national certificates waiting for review, oldest first."""
    return render_template("recognition/review.html", waiting=national.review_queue(),
                           form=ReviewForm(), kinds=national.KINDS)


@bp.post("/review/<public_id>")
@role_required(Role.ADMIN)
def review(public_id: str):
    """Accept a certificate as a level, or reject it with a reason the holder sees."""
    form = ReviewForm()
    if not form.validate_on_submit():
        flash(_form_errors(form) or _("The form has expired. Please try again."), "error")
        return redirect(url_for("recognition.review_queue"))
    try:
        national.review(public_id, current_user, form.decision.data == "accept",
                        int(form.level.data) if form.level.data else None, form.reason.data)
    except RecognitionError as error:
        flash(str(error), "error")
    else:
        flash(_("Decision saved."), "success")
    return redirect(url_for("recognition.review_queue"))


@bp.route("/trust", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def trust_list():
    """The issuers whose credentials are recognised here, and as which levels."""
    form = TrustForm()
    if form.validate_on_submit():
        try:
            entry = trust.add_entry(form.subject.data, form.name.data, form.levels.data,
                                    int(form.foreign_level.data) if form.foreign_level.data
                                    else None)
        except RecognitionError as error:
            form.subject.errors = [*form.subject.errors, str(error)]
        else:
            flash(_("%(subject)s is trusted.", subject=entry.subject), "success")
            return redirect(url_for("recognition.trust_list"))
    status = 400 if form.errors else 200
    return render_template("recognition/trust.html", form=form, entries=trust.entries(),
                           levels_of=trust.levels_of), status


@bp.post("/trust/remove")
@role_required(Role.ADMIN)
def trust_remove():
    """Remove an issuer from the trust list (recognitions already accepted stay)."""
    form = TrustForm()  # only for its CSRF check
    form.validate()
    if "csrf_token" in form.errors:
        flash(_("The form has expired. Please try again."), "error")
    else:
        try:
            entry = trust.remove_entry(request.form.get("subject", ""))
        except RecognitionError as error:
            flash(str(error), "error")
        else:
            flash(_("%(subject)s is no longer trusted.", subject=entry.subject), "success")
    return redirect(url_for("recognition.trust_list"))
