"""The holder's pages: the identity document certificates name, and the downloads (PDF, signed
credential) of the holder's own certificates."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from talentpool.certification import bp, holders, service
from talentpool.certification.forms import IdentityForm
from talentpool.certification.models import Certificate
from talentpool.certification.public import certificate_pdf


def _own_certificate(serial: str) -> Certificate:
    """The signed-in person's certificate, or 404 (also for someone else's)."""
    certificate = service.find_certificate(serial)
    if certificate is None or certificate.user_id != current_user.id:
        abort(404)
    return certificate


def _attachment(body: bytes | str, mimetype: str, filename: str):
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/certificates/<serial>.pdf")
@login_required
def download_pdf(serial: str):
    """The holder's certificate as a PDF."""
    certificate = _own_certificate(serial)
    return _attachment(certificate_pdf(certificate), "application/pdf",
                       f"certificate-{certificate.serial}.pdf")


@bp.get("/certificates/<serial>.json")
@login_required
def download_credential(serial: str):
    """The holder's signed Open Badges credential."""
    certificate = _own_certificate(serial)
    return _attachment(certificate.credential, "application/json",
                       f"credential-{certificate.serial}.json")


@bp.route("/certificates/identity", methods=["GET", "POST"])
@login_required
def holder_identity():
    """The holder's identity document (证件类型, 证件号码), shown in full to the holder only."""
    row = holders.identity_of(current_user.id)
    form = IdentityForm(data={"id_type": row.id_type, "id_number": row.id_number} if row else None)
    if form.validate_on_submit():
        try:
            holders.set_identity(current_user, form.id_type.data, form.id_number.data)
        except service.CertificationError as error:
            form.id_number.errors = [str(error)]
        else:
            flash(_("Your identity document is saved. Your certificates show it masked."),
                  "success")
            return redirect(url_for("certification.holder_identity"))
    return render_template("certification/identity.html", form=form,
                           record=holders.identity_record(row, masked=False))
