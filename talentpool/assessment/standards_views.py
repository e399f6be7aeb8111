"""Administrator pages for the standard: readiness of every pool, standard-setting studies,
and the classification accuracy of each level's decisions."""

from __future__ import annotations

import numpy as np
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from talentpool.assessment import pools, standards
from talentpool.assessment.exam_views import exams_bp
from talentpool.assessment.models import ExamAttempt
from talentpool.auth import Role, role_required
from talentpool.extensions import db
from talentpool.psychometrics.decisions import classification_accuracy_consistency

GRADED = ("passed", "failed", "awaiting_panel")


@exams_bp.route("/admin/standards", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def standards_admin():
    """Readiness per level and part, the active cuts, studies, and recording a new study."""
    if request.method == "POST":
        upload = request.files.get("ratings_file")
        text = upload.read().decode("utf-8-sig", "replace") if upload and upload.filename \
            else request.form.get("ratings", "")
        try:
            study = standards.record_study(
                request.form.get("level", type=int, default=0), request.form.get("part", ""),
                request.form.get("title", ""), standards.parse_ratings(text), current_user.id,
                request.form.get("note", ""))
        except standards.StandardSettingError as error:
            flash(str(error), "error")
        else:
            flash(_("Study recorded: cut θ %(cut).2f (standard error %(se).2f). Review it, "
                    "then activate it.", cut=study.cut_theta, se=study.cut_se), "success")
            return redirect(url_for("exams.standards_admin"))
    scheme = pools.scheme()
    rows = [(pools.readiness(scheme.levels[level], part),
             decision_quality(level, part))
            for level in sorted(scheme.levels, reverse=True) for part in ("theory", "practical")]
    return render_template("exams/standards.html", rows=rows, studies=standards.studies())


@exams_bp.post("/admin/standards/<public_id>/activate")
@role_required(Role.ADMIN)
def activate_standard(public_id: str):
    """Make a study the level's standard for its part."""
    try:
        study = standards.activate(public_id, current_user.id)
    except standards.StandardSettingError as error:
        flash(str(error), "error")
    else:
        flash(_("Level %(level)d %(part)s now passes at cut θ %(cut).2f.", level=study.level,
                part=pools.part_name(study.part), cut=study.cut_theta), "success")
    return redirect(url_for("exams.standards_admin"))


def decision_quality(level: int, part: str):
    """Rudner's classification accuracy and consistency over the level's graded attempts."""
    results = [a.part_results.get(part, {}) for a in db.session.scalars(
        select(ExamAttempt).where(ExamAttempt.level == level, ExamAttempt.state.in_(GRADED)))]
    scored = [r for r in results if r.get("se") and r.get("theta") is not None]
    if not scored:
        return None
    theta = np.array([r["theta"] for r in scored], float)
    se = np.array([r["se"] for r in scored], float)
    cuts = np.array([r["cut_theta"] for r in scored], float)
    return classification_accuracy_consistency(theta - cuts, se, 0.0)
