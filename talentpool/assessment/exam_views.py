"""Exam pages: open sessions, the timed attempt, results; sessions and panel reviews for staff."""

from __future__ import annotations


from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from talentpool.assessment import exam
from talentpool.assessment.forms import MockExamForm
from talentpool.assessment.service import asset_urls
from talentpool.auth import Role, role_required
from talentpool.database import done_writing, utcnow
from talentpool.i18n import current_locale
from talentpool.office import results
from talentpool.practice.service import AnswerError, parse_answer_body
from talentpool.scoring import TASK_TYPES
from talentpool.timezones import from_local

exams_bp = Blueprint("exams", __name__, url_prefix="/exams")


@exams_bp.get("/")
@role_required(Role.TRAINEE)
def index():
    """Open sessions (certifying sittings the person is seated in, mock exams) with what stops
    the person from starting each, and past attempts."""
    now = utcnow()
    sessions = [(s, exam.admission_problem(current_user.id, s)
                 or exam.eligibility_problem(current_user.id, s.level, now, s.certifying))
                for s in exam.open_sessions(now, current_user.id)]
    return render_template("exams/index.html", sessions=sessions,
                           attempts=exam.attempts_of(current_user.id), now=now)


@exams_bp.post("/sessions/<public_id>/start")
@role_required(Role.TRAINEE)
def start(public_id: str):
    """Start the exam (or resume the open attempt)."""
    try:
        attempt = exam.start_attempt(current_user.id, public_id)
    except exam.ExamError as error:
        flash(str(error), "error")
        return redirect(url_for("exams.index"))
    return redirect(url_for("exams.attempt", public_id=attempt.public_id))


@exams_bp.get("/attempts/<public_id>")
@role_required(Role.TRAINEE)
def attempt(public_id: str):
    """The current item with the server's deadline, or the result once finished."""
    found = exam.own_attempt(current_user.id, public_id) or abort(404)
    now = utcnow()
    if found.state not in ("theory", "practical"):
        return render_template("exams/result.html", attempt=found,
                               results=found.part_results or {},
                               elements=exam.element_feedback(found, now),
                               published=results.candidate_result(found, now))
    if now > exam.deadline_with_grace(found):  # closed by the job or the next POST
        return render_template("exams/time_up.html", attempt=found)
    return render_template("exams/attempt.html", task_types=TASK_TYPES, **_item_context(found, now))


def _item_context(found, now) -> dict:
    """What ``exams/_item.html`` shows: the current item, the progress and the part's clock."""
    item = exam.current_item(found)
    answered, maximum = exam.progress(found)
    remaining = max(0, int((found.part_deadline - now).total_seconds()))
    return dict(attempt=found, item=item, spec=item.spec, assets=asset_urls(item),
                locale=current_locale(), remaining=remaining, answered=answered, maximum=maximum)


@exams_bp.post("/attempts/<public_id>/answer")
@role_required(Role.TRAINEE)
def answer(public_id: str):
    """Store an answer (no feedback during an exam). Within a part the reply carries the next
    question's markup, which the page swaps in; otherwise the page loads ``next_url``."""
    found = exam.own_attempt(current_user.id, public_id)
    if found is None:
        return jsonify(error=_("No such attempt.")), 404
    try:
        given, duration = parse_answer_body(request.get_data(cache=False))
        sequence = request.args.get("sequence", type=int)
        if sequence is None:
            raise exam.StaleAnswer(_("The page did not say which question it answers. Reload."))
        part = found.state
        exam.submit_answer(found, sequence, given, duration_ms=duration)
    except AnswerError as error:
        return jsonify(error=str(error)), 400
    except exam.ExamError as error:
        return jsonify(error=str(error)), error.status
    done_writing()  # what follows only reads: on SQLite no second wait for the write lock
    reply = {"next_url": url_for("exams.attempt", public_id=public_id), "state": found.state}
    if found.state == part:  # the next question of the same part goes with the reply
        context = _item_context(found, utcnow())
        reply["item"] = {"type": context["item"].type_id,
                         "html": render_template("exams/_item.html", **context)}
    return jsonify(reply)


@exams_bp.post("/attempts/<public_id>/finish")
@role_required(Role.TRAINEE)
def finish(public_id: str):
    """Hand in the attempt now."""
    found = exam.own_attempt(current_user.id, public_id) or abort(404)
    now = utcnow()
    try:
        if found.state in ("theory", "practical") and now > exam.deadline_with_grace(found):
            exam.close_overdue_attempt(found.id, now)
        else:
            exam.finish(found, request.form.get("sequence", type=int, default=-1), now)
    except exam.ExamError as error:
        flash(str(error), "error")
    return redirect(url_for("exams.attempt", public_id=public_id))


@exams_bp.route("/admin", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def sessions_admin():
    """Schedule self-paced mock exams; the list of every session."""
    organisations = exam.issuing_organisations()
    form = MockExamForm()
    form.organisation.choices = [SelectChoice(o.slug, o.name) for o in organisations]
    if form.validate_on_submit():
        try:
            session = exam.create_session(
                form.level.data, form.title.data, from_local(form.opens_at.data),
                from_local(form.closes_at.data), current_user.id,
                organisation=form.organisation.data or None)
        except exam.ExamError as error:
            form.level.errors.append(str(error))
        else:
            flash(_("Session “%(title)s” scheduled.", title=session.title), "success")
            return redirect(url_for("exams.sessions_admin"))
    return render_template("exams/admin.html", form=form, sessions=exam.all_sessions(),
                           now=utcnow(), organisations=organisations)


from talentpool.assessment import standards_views  # noqa: E402,F401  (its routes join exams_bp)
from talentpool.assessment import integrity_views  # noqa: E402,F401  (its routes join exams_bp)
from talentpool.assessment import scheme_views  # noqa: E402,F401  (its routes join exams_bp)
