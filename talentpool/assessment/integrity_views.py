"""Administrator page for exam integrity: person fit, response times, DIF and item drift.
Reports only: nothing on this page changes a score."""

from __future__ import annotations

from flask import render_template, request

from talentpool.assessment import integrity
from talentpool.assessment.exam_views import exams_bp
from talentpool.auth import Role, role_required


@exams_bp.get("/admin/integrity")
@role_required(Role.ADMIN)
def integrity_admin():
    """Flagged attempts, DIF per item (B and C, or all with ?dif=all) and item drift."""
    return render_template("exams/integrity.html", report=integrity.integrity_report(),
                           show_all=request.args.get("dif") == "all",
                           min_group=integrity.MIN_GROUP, drift_b=integrity.DRIFT_DELTA_B)
