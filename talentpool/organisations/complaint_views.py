"""Complaints: filed by a signed-in person, handled by the organisation's administrators."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from talentpool.organisations import bp, complaints
from talentpool.organisations.forms import AnswerForm, ComplaintForm
from talentpool.organisations.service import OrganisationError, by_slug
from talentpool.organisations.guards import organisation_admin_required


@bp.route("/issuers/<slug>/complaints/new", methods=["GET", "POST"])
@login_required
def file_complaint(slug: str):
    """File a complaint with an evaluation organisation."""
    organisation = by_slug(slug) or abort(404)
    form = ComplaintForm()
    if request.method == "GET" and request.args.get("serial"):
        form.about.data = "holder"
        form.certificate_serial.data = request.args["serial"][:40]
    if form.validate_on_submit():
        try:
            complaint = complaints.file_complaint(organisation, current_user, form.about.data,
                                                  form.text.data, form.certificate_serial.data)
        except OrganisationError as error:
            form.text.errors.append(str(error))
        else:
            flash(_("Complaint %(reference)s received; the answer will be mailed to you.",
                    reference=complaint.reference), "success")
            return redirect(url_for("organisations.my_complaints"))
    return render_template("organisations/complaint_new.html", organisation=organisation,
                           form=form)


@bp.get("/complaints")
@login_required
def my_complaints():
    """My complaints and their answers."""
    return render_template("organisations/my_complaints.html",
                           rows=complaints.complaints_of(current_user.id),
                           about=complaints.ABOUT, states=complaints.STATE_LABELS)


@bp.get("/admin/organisations/<slug>/complaints")
@organisation_admin_required
def complaints_admin(slug: str):
    """The organisation's complaints, open ones first."""
    organisation = by_slug(slug)
    return render_template("organisations/complaints.html", organisation=organisation,
                           complaints=complaints.complaints_to(organisation),
                           about=complaints.ABOUT, states=complaints.STATE_LABELS)


def _complaint_or_404(slug: str, reference: str):
    organisation = by_slug(slug)
    return organisation, complaints.complaint_of(organisation, reference) or abort(404)


@bp.get("/admin/organisations/<slug>/complaints/<reference>")
@organisation_admin_required
def complaint_admin(slug: str, reference: str):
    """One complaint: take it up, answer it."""
    organisation, complaint = _complaint_or_404(slug, reference)
    return render_template("organisations/complaint.html", organisation=organisation,
                           complaint=complaint, form=AnswerForm(), about=complaints.ABOUT,
                           states=complaints.STATE_LABELS)


@bp.post("/admin/organisations/<slug>/complaints/<reference>/take-up")
@organisation_admin_required
def take_up_complaint(slug: str, reference: str):
    """Start investigating a complaint."""
    _organisation, complaint = _complaint_or_404(slug, reference)
    try:
        complaints.take_up(complaint, current_user)
    except OrganisationError as error:
        flash(str(error), "error")
    return redirect(url_for("organisations.complaint_admin", slug=slug, reference=reference))


@bp.post("/admin/organisations/<slug>/complaints/<reference>/answer")
@organisation_admin_required
def answer_complaint(slug: str, reference: str):
    """Answer a complaint; the answer is mailed to the complainant."""
    _organisation, complaint = _complaint_or_404(slug, reference)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(" ".join(str(error) for errors in form.errors.values() for error in errors), "error")
    else:
        try:
            complaints.answer(complaint, current_user, form.text.data)
        except OrganisationError as error:
            flash(str(error), "error")
        else:
            flash(_("Answer sent."), "success")
    return redirect(url_for("organisations.complaint_admin", slug=slug, reference=reference))
