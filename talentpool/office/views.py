"""The office's pages: the sittings of an organisation and their results reports."""

from __future__ import annotations

from flask import abort, make_response, render_template
from flask_login import current_user
from sqlalchemy import select

from talentpool.assessment.models import ExamSession
from talentpool.extensions import db
from talentpool.office import bp, reporting
from talentpool.organisations.guards import organisation_admin_required
from talentpool.organisations.service import by_slug

KINDS = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@bp.get("/admin/organisations/<slug>/sittings")
@organisation_admin_required
def sittings(slug: str):
    """The organisation's sittings, with their results reports."""
    organisation = by_slug(slug)
    rows = list(db.session.scalars(select(ExamSession).where(
        ExamSession.organisation_id == organisation.id).order_by(ExamSession.opens_at.desc())))
    return render_template("office/sittings.html", organisation=organisation, sessions=rows)


@bp.get("/admin/organisations/<slug>/sittings/<session_id>/report.<kind>")
@organisation_admin_required
def report(slug: str, session_id: str, kind: str):
    """The sitting's results for the authority, as CSV or XLSX (audited)."""
    if kind not in KINDS:
        abort(404)
    try:
        data = reporting.export(by_slug(slug), session_id, kind, current_user)
    except reporting.ReportError:
        abort(404)
    response = make_response(data)
    response.headers["Content-Type"] = KINDS[kind]
    response.headers["Content-Disposition"] = (
        f'attachment; filename="results-{slug}-{session_id}.{kind}"')
    response.headers["Cache-Control"] = "private, no-store"
    return response
