"""The holder's pages: recognised certificates, importing a credential, entering a national
certificate, and the scan (holder and administrators only)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from talentpool.auth import Role, role_required
from talentpool.recognition import bp, national, service
from talentpool.recognition.fetch import MAX_BYTES
from talentpool.recognition.forms import ImportForm, NationalForm
from talentpool.recognition.reasons import ImportRefused, RecognitionError


def _page(form: ImportForm, error: str | None = None, status: int = 200):
    body = render_template("recognition/index.html", form=form, error=error,
                           rows=service.recognitions_of(current_user.id))
    return body, status


@bp.get("/")
@role_required(Role.TRAINEE)
def index():
    """The holder's recognised certificates and the import form."""
    return _page(ImportForm())


@bp.post("/import")
@role_required(Role.TRAINEE)
def import_credential():
    """Import a credential from a file or an https address; nothing is stored on a refusal."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(form, _("The form has expired. Please try again."), 400)
    upload, url = form.credential.data, (form.url.data or "").strip()
    if not upload and not url:
        return _page(form, _("Choose a credential file or give its https address."), 400)
    try:
        if upload:
            row = service.import_credential(current_user, upload.read(MAX_BYTES + 1))
        else:
            row = service.import_from_url(current_user, url)
    except ImportRefused as refused:
        return _page(form, str(refused), 422)
    flash(_("Recognised: %(name)s from %(issuer)s.", name=row.achievement_name,
            issuer=row.issuer_name), "success")
    return redirect(url_for("recognition.index"))


@bp.route("/national", methods=["GET", "POST"])
@role_required(Role.TRAINEE)
def national_entry():
    """Enter a national certificate with its scan, for staff to review."""
    form = NationalForm()
    if form.validate_on_submit():
        scan = form.scan.data.read(national.scan_limit() + 1) if form.scan.data else b""
        entry = national.NationalEntry(
            form.kind.data, form.number.data, form.occupation.data,
            int(form.level.data) if form.level.data else None, form.issuing_body.data,
            form.issued_on.data)
        try:
            national.submit_national(current_user, entry, scan)
        except RecognitionError as error:
            form.number.errors = [*form.number.errors, str(error)]
        else:
            flash(_("Your certificate was sent for review. You will see the decision here."),
                  "success")
            return redirect(url_for("recognition.index"))
    return render_template("recognition/national.html", form=form,
                           max_kb=national.scan_limit() // 1024)


@bp.get("/<public_id>/scan")
@login_required
def scan(public_id: str):
    """The scan of a hand-entered certificate, for its holder and administrators only."""
    row = national.scan_for(public_id, current_user)
    if row is None:
        abort(404)
    response = current_app.response_class(row.scan, mimetype=row.scan_type)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = "inline"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
