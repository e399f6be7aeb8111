"""The rater's pages (the queue of answers to score, the blind scoring page, recusal) and the
office's rating page (what waits, drawing raters, conflicts, agreement and severity)."""

from __future__ import annotations

import io

from flask import (
    abort, current_app, flash, jsonify, redirect, render_template, request, send_file, url_for,
)
from werkzeug.exceptions import RequestEntityTooLarge
from flask_babel import gettext as _
from flask_login import current_user, login_required

from talentpool.assessment.models import ExamResponse, Item
from talentpool.database import utcnow
from talentpool.errors import render_error
from talentpool.extensions import db
from talentpool.organisations.guards import organisation_admin_required
from talentpool.organisations.service import by_slug
from talentpool.assessment import exam
from talentpool.auth import Role, role_required
from talentpool.rating import answer_files, bp, dashboard, office, service
from talentpool.rating.forms import ConflictForm, comments_of, points_of, scoring_form
from talentpool.rating.models import ADJUDICATOR


STAFF_ONLY = {"Cache-Control": "private, no-store"}
UPLOAD_ENDPOINTS = ("rating.upload_file", "rating.work_summary")
ENVELOPE = 256 * 1024  # the form around the file


def _file_limit() -> int:
    return int(current_app.config["RATING_FILE_MAX_BYTES"])


@bp.url_value_preprocessor
def _room_for_files(endpoint: str | None, _values) -> None:
    """Let an answer file or a work-summary PDF of the full allowed size through (this runs
    before the CSRF check reads the form under the app-wide MAX_CONTENT_LENGTH)."""
    if endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = _file_limit() + ENVELOPE


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    """An oversized file is told the limit: as JSON to the exam page, else on an error page."""
    message = _("The file is larger than %(size)d MB.", size=_file_limit() // 1048576)
    if request.endpoint == "rating.upload_file":
        return jsonify(error=message), 413
    return render_error(413, message)


@bp.get("/rating/")
@login_required
def queue():
    """The answers waiting for my scoring, the earliest due first."""
    rows = [(a, db.session.get(Item, a.task.item_id)) for a in service.queue_of(current_user.id)]
    return render_template("rating/queue.html", rows=rows)


@bp.route("/rating/answers/<public_id>", methods=["GET", "POST"])
@login_required
def score(public_id: str):
    """Score one assigned answer, criterion by criterion; the candidate stays anonymous."""
    try:
        assignment = service.own_assignment(current_user.id, public_id)
    except service.RatingError:
        abort(404)
    task = assignment.task
    item = db.session.get(Item, task.item_id)
    response = db.session.get(ExamResponse, task.response_id)
    criteria = item.spec["rubric"]["criteria"]
    form = scoring_form(criteria, request.form if request.method == "POST" else None)
    if request.method == "POST" and assignment.submitted_at is None and form.validate():
        try:
            service.submit_rating(current_user.id, public_id, points_of(form, criteria),
                                  comments_of(form, criteria))
        except service.RatingError as error:
            flash(str(error), "error")
        else:
            flash(_("Your scores are saved."), "success")
            return redirect(url_for("rating.queue"))
    return render_template("rating/score.html", assignment=assignment, task=task, item=item,
                           answer=response.answer or {}, form=form, criteria=criteria,
                           files=answer_files.files_of(task.attempt_id, task.item_id),
                           adjudicating=assignment.role == ADJUDICATOR), 200, STAFF_ONLY


@bp.post("/rating/answers/<public_id>/recuse")
@login_required
def recuse(public_id: str):
    """I know who wrote this answer (or have another conflict): give it to another rater."""
    try:
        office.recuse(current_user.id, public_id)
    except service.RatingError as error:
        flash(str(error), "error")
    else:
        flash(_("The answer was taken off your queue and the conflict recorded."), "success")
    return redirect(url_for("rating.queue"))


@bp.route("/admin/organisations/<slug>/rating", methods=["GET", "POST"])
@organisation_admin_required
def office_page(slug: str):
    """Written work with the raters: what waits, raters to draw, conflicts, agreement."""
    organisation = by_slug(slug)
    form = ConflictForm()
    if request.method == "POST":
        try:
            if request.form.get("action") == "reassign":
                new = office.reassign(organisation, request.form.get("assignment", ""),
                                      current_user)
                flash(_("The answer was given to another rater.") if new else
                      _("The answer was taken off its rater; no eligible rater is left, so it "
                        "waits for one."), "success" if new else "error")
            elif request.form.get("action") == "fill":
                drawn = office.fill(organisation, request.form.get("task", ""), current_user)
                flash(_("%(n)d rater(s) drawn.", n=drawn), "success")
            elif request.form.get("action") == "conflict" and form.validate_on_submit():
                office.declare_conflict(organisation, form.rater.data, form.candidate.data,
                                        form.reason.data, current_user)
                flash(_("Conflict recorded; any open assignment was given to another rater."),
                      "success")
            else:
                flash(_("The form was not sent completely; reload the page and try again."),
                      "error")
        except service.RatingError as error:
            flash(str(error), "error")
        return redirect(url_for("rating.office_page", slug=slug))
    return render_template(
        "rating/office.html", organisation=organisation, rows=office.overview(organisation),
        conflicts=office.conflicts(organisation), form=form, now=utcnow(),
        agreement=dashboard.agreement_by_item(organisation),
        severity=dashboard.severities(organisation)), 200, STAFF_ONLY


@bp.get("/exams/attempts/<public_id>/files")
@role_required(Role.TRAINEE)
def list_files(public_id: str):
    """The files added so far to the written task on the candidate's screen (JSON)."""
    attempt = exam.own_attempt(current_user.id, public_id)
    if attempt is None or not attempt.current_item_id:
        return jsonify(error=_("No such attempt.")), 404
    return jsonify(files=[answer_files.listing(f) for f in answer_files.files_of(
        attempt.id, attempt.current_item_id)])


@bp.post("/exams/attempts/<public_id>/files")
@role_required(Role.TRAINEE)
def upload_file(public_id: str):
    """Add a file to the written task on the candidate's screen (JSON: the answer's entry)."""
    attempt = exam.own_attempt(current_user.id, public_id)
    if attempt is None:
        return jsonify(error=_("No such attempt.")), 404
    chosen = request.files.get("file")
    try:
        stored = answer_files.upload(attempt, chosen.filename if chosen else "",
                                     chosen.read() if chosen else b"")
    except answer_files.FileError as error:
        return jsonify(error=str(error)), 400
    return jsonify(file=answer_files.listing(stored))


@bp.post("/exams/attempts/<public_id>/files/<file_id>/remove")
@role_required(Role.TRAINEE)
def remove_file(public_id: str, file_id: str):
    """Take a file off the written task on the candidate's screen."""
    attempt = exam.own_attempt(current_user.id, public_id)
    if attempt is None:
        return jsonify(error=_("No such attempt.")), 404
    try:
        answer_files.remove(attempt, file_id)
    except answer_files.FileError as error:
        return jsonify(error=str(error)), 400
    return jsonify(removed=file_id)


@bp.get("/rating/answers/<public_id>/files/<file_id>")
@login_required
def answer_file(public_id: str, file_id: str):
    """A file of an answer assigned to me, as a download."""
    found = answer_files.for_rater(current_user.id, public_id, file_id) or abort(404)
    response = send_file(io.BytesIO(found.data), mimetype=answer_files.MEDIA_TYPES[
        found.file_type], as_attachment=True, download_name=found.filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response
