"""Evaluation organisations: the public issuer page and the administrator's pages."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from talentpool.auth import Role, role_required
from talentpool.organisations import bp, service
from talentpool.organisations.guards import organisation_admin_required
from talentpool.organisations.forms import OrganisationForm, SealForm


def _fields(form: OrganisationForm, window_days: int = 7) -> service.OrganisationFields:
    """The form's fields; a blank appeal window keeps ``window_days``."""
    return service.OrganisationFields(
        name=form.name.data or "", name_en=form.name_en.data or "", code=form.code.data or "",
        registration_number=form.registration_number.data or "",
        registered_levels=tuple(form.registered_levels.data or ()),
        other_title_zh=form.other_title_zh.data or "", other_title_en=form.other_title_en.data or "",
        contact_email=form.contact_email.data or "", contact_phone=form.contact_phone.data or "",
        address=form.address.data or "",
        appeal_window_days=window_days if form.appeal_window_days.data is None
        else form.appeal_window_days.data, public_results=bool(form.public_results.data))


def _organisation_or_404(slug: str):
    organisation = service.by_slug(slug)
    if organisation is None:
        abort(404)
    return organisation


@bp.get("/issuers/<slug>")
def issuer_page(slug: str):
    """Who an evaluation organisation is, what its registration covers, and its DID."""
    organisation = _organisation_or_404(slug)
    return render_template("organisations/issuer.html", organisation=organisation,
                           did=service.organisation_did(organisation),
                           levels=sorted(organisation.registered_levels or [], reverse=True))


@bp.get("/admin/organisations")
@role_required(Role.ADMIN)
def admin_list():
    """The evaluation organisations hosted here; the first issues by default."""
    return render_template("organisations/admin_list.html",
                           organisations=service.organisations())


@bp.route("/admin/organisations/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_new():
    """Add an evaluation organisation."""
    form = OrganisationForm(other_title_zh=service.OTHER_TITLE["zh"],
                            other_title_en=service.OTHER_TITLE["en"])
    if form.validate_on_submit():
        try:
            organisation = service.create_organisation(form.slug.data, _fields(form), current_user)
        except service.OrganisationError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("Organisation %(name)s added.", name=organisation.name), "success")
            return redirect(url_for("organisations.admin_edit", slug=organisation.slug))
    return render_template("organisations/admin_edit.html", form=form, organisation=None,
                           seal_form=None)


@bp.route("/admin/organisations/<slug>", methods=["GET", "POST"])
@organisation_admin_required
def admin_edit(slug: str):
    """Change an organisation's registration and contact details."""
    organisation = _organisation_or_404(slug)
    form = OrganisationForm(obj=organisation)
    form.slug.data = organisation.slug  # fixed: it is the organisation's DID
    if form.validate_on_submit():
        try:
            service.update_organisation(organisation,
                                        _fields(form, organisation.appeal_window_days),
                                        current_user)
        except service.OrganisationError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("Organisation %(name)s saved.", name=organisation.name), "success")
            return redirect(url_for("organisations.admin_edit", slug=slug))
    return render_template("organisations/admin_edit.html", form=form,
                           organisation=organisation, seal_form=SealForm(),
                           did=service.organisation_did(organisation),
                           is_instance_admin=current_user.role == Role.ADMIN)


@bp.post("/admin/organisations/<slug>/seal")
@organisation_admin_required
def admin_seal(slug: str):
    """Upload the seal printed on the organisation's certificates."""
    organisation = _organisation_or_404(slug)
    form = SealForm()
    if not form.validate_on_submit():
        flash(" ".join(str(error) for errors in form.errors.values() for error in errors), "error")
    else:
        try:
            service.set_seal(organisation, form.seal.data.read(service.MAX_SEAL_BYTES + 1),
                             current_user)
        except service.OrganisationError as error:
            flash(str(error), "error")
        else:
            flash(_("Seal saved."), "success")
    return redirect(url_for("organisations.admin_edit", slug=slug))


@bp.post("/admin/organisations/<slug>/seal/remove")
@organisation_admin_required
def admin_remove_seal(slug: str):
    """Remove the organisation's seal: its certificates print without one."""
    service.set_seal(_organisation_or_404(slug), None, current_user)
    flash(_("Seal removed."), "success")
    return redirect(url_for("organisations.admin_edit", slug=slug))


@bp.get("/admin/organisations/<slug>/seal.png")
@organisation_admin_required
def admin_seal_image(slug: str):
    """The stored seal image, for the administrator's preview."""
    organisation = _organisation_or_404(slug)
    if not organisation.seal_image:
        abort(404)
    kind = "image/png" if organisation.seal_image[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
    return organisation.seal_image, 200, {"Content-Type": kind,
                                          "Cache-Control": "private, no-store"}
