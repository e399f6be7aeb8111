"""The office's pages: the sittings of an organisation and their results reports."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from talentpool.assessment.models import ExamSession
from talentpool.extensions import db
from talentpool.office import archives, bp, reporting
from talentpool.office.models import ArchiveBundle
from talentpool.organisations.guards import organisation_admin_required
from talentpool.organisations.service import by_slug

KINDS = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@bp.get("/admin/organisations/<slug>/sittings")
@organisation_admin_required
def sittings(slug: str):
    """The organisation's certifying sittings, with their results reports and archives."""
    organisation = by_slug(slug)
    rows = list(db.session.scalars(select(ExamSession).where(
        ExamSession.organisation_id == organisation.id, ExamSession.plan_id.is_not(None))
        .order_by(ExamSession.opens_at.desc())))
    bundles = {session.id: archives.bundles_of(organisation, session) for session in rows}
    return render_template("office/sittings.html", organisation=organisation, sessions=rows,
                           bundles=bundles)


@bp.get("/admin/organisations/<slug>/sittings/<session_id>/report.<kind>")
@organisation_admin_required
def report(slug: str, session_id: str, kind: str):
    """The sitting's results for the authority, as CSV or XLSX (audited)."""
    if kind not in KINDS:
        abort(404)
    return _report_download(slug, session_id, kind, f"results-{slug}-{session_id}.{kind}")


@bp.get("/admin/organisations/<slug>/plans/<plan_public_id>/report.<kind>")
@organisation_admin_required
def plan_report(slug: str, plan_public_id: str, kind: str):
    """The whole plan's (batch's) results for the authority, as CSV or XLSX (audited)."""
    if kind not in KINDS:
        abort(404)
    return _report_download(slug, plan_public_id, kind,
                            f"results-{slug}-plan-{plan_public_id}.{kind}", whole_plan=True)


def _report_download(slug: str, public_id: str, kind: str, filename: str,
                     whole_plan: bool = False):
    """The audited export as a private attachment; 404 for another organisation's record."""
    try:
        data = reporting.export(by_slug(slug), public_id, kind, current_user,
                                whole_plan=whole_plan)
    except reporting.ReportError:
        abort(404)
    response = make_response(data)
    response.headers["Content-Type"] = KINDS[kind]
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/admin/organisations/<slug>/sittings/<session_id>/archive")
@organisation_admin_required
def archive(slug: str, session_id: str):
    """Archive the sitting now: a signed bundle of all its records."""
    try:
        bundle = archives.make_bundle(by_slug(slug), session_id, current_user)
    except reporting.ReportError:
        abort(404)
    flash(_("Archive bundle made (SHA-256 %(digest)s).", digest=bundle.sha256[:16] + "…"),
          "success")
    return redirect(url_for("office.sittings", slug=slug))


@bp.get("/admin/organisations/<slug>/archives/<int:bundle_id>.zip")
@organisation_admin_required
def archive_download(slug: str, bundle_id: int):
    """One archive bundle, as it was made."""
    organisation = by_slug(slug)
    bundle = db.session.get(ArchiveBundle, bundle_id)
    if bundle is None or bundle.organisation_id != organisation.id:
        abort(404)
    response = make_response(bundle.data)
    response.headers["Content-Type"] = "application/zip"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="archive-{slug}-{bundle.id}-{bundle.created_at:%Y%m%d}.zip"')
    response.headers["Cache-Control"] = "private, no-store"
    return response
