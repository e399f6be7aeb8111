"""The assessment office's people and audit log, for the organisation's administrators, and each
person's own list of appointments."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from talentpool.organisations import bp, office
from talentpool.organisations.forms import AppointForm
from talentpool.organisations.service import OrganisationError, by_slug
from talentpool.organisations.guards import organisation_admin_required


@bp.get("/office")
@login_required
def my_offices():
    """The organisations in which I hold office roles."""
    return render_template("organisations/my_offices.html",
                           memberships=office.memberships_of(current_user.id),
                           labels=office.ROLE_LABELS)


@bp.route("/admin/organisations/<slug>/members", methods=["GET", "POST"])
@organisation_admin_required
def members(slug: str):
    """Appoint people to the organisation's office roles, and see who holds which."""
    organisation = by_slug(slug)
    form = AppointForm()
    if form.validate_on_submit():
        try:
            member = office.appoint(organisation, form.email.data, form.role.data, current_user)
        except OrganisationError as error:
            form.email.errors.append(str(error))
        else:
            flash(_("Appointed as %(role)s.", role=office.ROLE_LABELS[member.role]), "success")
            return redirect(url_for("organisations.members", slug=slug))
    return render_template("organisations/members.html", organisation=organisation, form=form,
                           members=office.members(organisation), labels=office.ROLE_LABELS)


@bp.post("/admin/organisations/<slug>/members/<int:member_id>/dismiss")
@organisation_admin_required
def dismiss(slug: str, member_id: int):
    """End an appointment."""
    try:
        office.dismiss(by_slug(slug), member_id, current_user)
    except OrganisationError as error:
        flash(str(error), "error")
    else:
        flash(_("Appointment ended."), "success")
    return redirect(url_for("organisations.members", slug=slug))


@bp.get("/admin/organisations/<slug>/audit")
@organisation_admin_required
def audit(slug: str):
    """The office's audit log, newest first."""
    organisation = by_slug(slug)
    return render_template("organisations/audit.html", organisation=organisation,
                           entries=office.audit_log(organisation))


@bp.get("/admin/organisations/<slug>/audit.csv")
@organisation_admin_required
def audit_export(slug: str):
    """The whole audit log as CSV."""
    response = make_response(office.audit_csv(by_slug(slug)))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="audit-{slug}.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
