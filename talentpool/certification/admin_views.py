"""The administrator's certificate list, search, one certificate's page, revocation,
suspension and the national certificate numbers (one at a time or a CSV list)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from talentpool.auth import Role, role_required
from talentpool.certification import admin_list as admin_list_service
from talentpool.certification import bp, holders, national, service, status_changes
from talentpool.certification.admin_list import CertificateFilter
from talentpool.certification.forms import (
    NationalImportForm, NationalNumberForm, RevokeForm, SuspendForm,
)


@bp.get("/admin/certificates")
@role_required(Role.ADMIN)
def admin_list():
    """Certificates, newest first, searchable by serial or holder name, a page at a time."""
    chosen = CertificateFilter.from_args(request.args)
    return render_template("certification/admin.html", chosen=chosen,
                           page=admin_list_service.certificate_page(chosen),
                           levels=admin_list_service.LEVELS, form=RevokeForm())


@bp.get("/admin/certificates.csv")
@role_required(Role.ADMIN)
def admin_list_csv():
    """The filtered certificates as CSV (all of them, not one page)."""
    body = admin_list_service.certificates_csv(CertificateFilter.from_args(request.args))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="certificates.csv"',
        "Cache-Control": "no-store"})


@bp.get("/admin/certificates/<serial>")
@role_required(Role.ADMIN)
def admin_certificate(serial: str):
    """One certificate with the holder's full name and identity number."""
    certificate = service.find_certificate(serial)
    if certificate is None:
        abort(404)
    return render_template(
        "certification/admin_certificate.html", certificate=certificate,
        status=service.certificate_status(certificate),
        document=holders.unmasked_identity(certificate, current_user),
        form=NationalNumberForm(national_number=certificate.national_number),
        suspend_form=SuspendForm())


@bp.post("/admin/certificates/<serial>/national-number")
@role_required(Role.ADMIN)
def admin_national_number(serial: str):
    """Record the national certificate number the authority assigned to this certificate."""
    form = NationalNumberForm()
    if not form.validate_on_submit():
        flash(" ".join(str(error) for errors in form.errors.values() for error in errors), "error")
    else:
        try:
            certificate = national.record_national_number(serial, form.national_number.data,
                                                         current_user)
        except service.CertificationError as error:
            flash(str(error), "error")
        else:
            flash(_("National number %(number)s recorded.", number=certificate.national_number),
                  "success")
    return redirect(url_for("certification.admin_certificate", serial=serial))


@bp.route("/admin/national-numbers", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_import_national_numbers():
    """Import the authority's list of national numbers and report every row it refused."""
    form, report = NationalImportForm(), None
    if form.validate_on_submit():
        try:
            report = national.import_national_numbers(form.numbers.data.read(), current_user)
        except service.CertificationError as error:
            form.numbers.errors.append(str(error))
    return render_template("certification/admin_national_import.html", form=form,
                           report=report)


@bp.post("/admin/certificates/<serial>/revoke")
@role_required(Role.ADMIN)
def admin_revoke(serial: str):
    """Revoke a certificate with a reason shown on the public verification page."""
    form = RevokeForm()
    shown = CertificateFilter.from_args(request.form)  # the list page the form was on
    back = url_for("certification.admin_list", **shown.as_args(),
                   **({"page": shown.page} if shown.page > 1 else {}))
    if not form.validate_on_submit():
        flash(" ".join(str(error) for errors in form.errors.values() for error in errors), "error")
        return redirect(back)
    try:
        certificate = status_changes.revoke(serial, form.reason.data, current_user)
    except service.CertificationError as error:
        flash(str(error), "error")
    else:
        flash(_("Certificate %(serial)s is revoked.", serial=certificate.serial), "success")
    return redirect(back)


@bp.post("/admin/certificates/<serial>/suspend")
@role_required(Role.ADMIN)
def admin_suspend(serial: str):
    """Suspend a certificate, with a public reason, until it is reinstated."""
    form = SuspendForm()
    if not form.validate_on_submit():
        flash(" ".join(str(error) for errors in form.errors.values() for error in errors), "error")
    else:
        try:
            certificate = status_changes.suspend(serial, form.reason.data, current_user)
        except service.CertificationError as error:
            flash(str(error), "error")
        else:
            flash(_("Certificate %(serial)s is suspended.", serial=certificate.serial), "success")
    return redirect(url_for("certification.admin_certificate", serial=serial))


@bp.post("/admin/certificates/<serial>/reinstate")
@role_required(Role.ADMIN)
def admin_reinstate(serial: str):
    """Lift a certificate's suspension."""
    try:
        certificate = status_changes.reinstate(serial, current_user)
    except service.CertificationError as error:
        flash(str(error), "error")
    else:
        flash(_("Certificate %(serial)s is reinstated.", serial=certificate.serial), "success")
    return redirect(url_for("certification.admin_certificate", serial=serial))
