"""The administrator's read-only page of the certification scheme and each part's cut score."""

from __future__ import annotations

from flask import render_template

from talentpool.assessment import scheme_overview
from talentpool.assessment.exam_views import exams_bp
from talentpool.assessment.scheme import SchemeError
from talentpool.auth import Role, role_required


@exams_bp.get("/admin/scheme")
@role_required(Role.ADMIN)
def scheme_admin():
    """Levels, parts, modes, lengths, time limits and the cut of every part with its source."""
    try:
        overview = scheme_overview.overview()
    except SchemeError as error:  # a broken file is shown with every problem, not as a bare 500
        return render_template("exams/scheme.html", overview=None, problems=error.problems), 500
    return render_template("exams/scheme.html", overview=overview, problems=())
