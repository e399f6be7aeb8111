"""The holder's downloads: the PDF and the signed credential of its own certificates."""

from __future__ import annotations

from flask import abort, current_app
from flask_login import current_user, login_required

from talentpool.certification import bp, service
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
