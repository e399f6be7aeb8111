"""Administrator pages for the standard: readiness of every pool, standard-setting studies,
and the classification accuracy of each level's decisions."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from talentpool.assessment import pools, standards
from talentpool.assessment.exam_views import exams_bp
from talentpool.assessment.forms import StandardStudyForm
from talentpool.auth import Role, role_required


@exams_bp.route("/admin/standards", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def standards_admin():
    """Readiness per level and part, the active cuts, studies, and recording a new study."""
    form = StandardStudyForm()
    if form.validate_on_submit():
        try:
            study = standards.record_study(
                form.level.data, form.part.data, form.title.data,
                standards.parse_ratings(form.ratings_text()), current_user.id, form.note.data or "")
        except standards.StandardSettingError as error:
            form.ratings.errors.append(str(error))
        else:
            flash(_("Study recorded: cut θ %(cut).2f (standard error %(se).2f). Review it, "
                    "then activate it.", cut=study.cut_theta, se=study.cut_se), "success")
            return redirect(url_for("exams.standards_admin"))
    scheme = pools.scheme()
    rows = [(pools.readiness(scheme.levels[level], part),
             standards.decision_quality(level, part))
            for level in sorted(scheme.levels, reverse=True) for part in ("theory", "practical")]
    return render_template("exams/standards.html", rows=rows, studies=standards.studies(),
                           form=form), 400 if form.errors else 200


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
