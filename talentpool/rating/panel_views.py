"""Pages of the panel review (综合评审): the member's hearings and a hearing (defence, scores,
recusal), the office's panel of a plan, and the candidate's work summary."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from talentpool.assessment.models import ExamAttempt, ExamSession
from talentpool.extensions import db
from talentpool.office.registration import RegistrationError, own_registration
from talentpool.organisations.guards import organisation_admin_required
from talentpool.organisations.service import by_slug
from talentpool.rating import bp, hearings, panels, summaries
from talentpool.rating.forms import comments_of, points_of, scoring_form
from talentpool.rating.panel_forms import (
    AppointForm, RecuseForm, SummaryFileForm, SummaryForm, defence_form,
)
from talentpool.timezones import from_local, to_local

STAFF_ONLY = {"Cache-Control": "private, no-store"}


@bp.get("/panel/")
@login_required
def hearings_page():
    """The hearings I sit on: open ones first, then those decided."""
    seats = hearings.seats_of(current_user.id)
    attempts = {s.hearing_id: db.session.get(ExamAttempt, s.hearing.attempt_id) for s in seats}
    return render_template("rating/hearings.html", seats=seats, attempts=attempts), 200, \
        STAFF_ONLY


@bp.route("/panel/hearings/<public_id>", methods=["GET", "POST"])
@login_required
def hearing(public_id: str):
    """One hearing: the candidate's work, the defence record, and my own scores."""
    try:
        seat = hearings.own_seat(current_user.id, public_id)
    except panels.PanelError:
        abort(404)
    found = seat.hearing
    criteria = found.rule["rubric"]["criteria"]
    action = request.form.get("action") if request.method == "POST" else None
    scores = scoring_form(criteria, request.form if action == "scores" else None,
                          overall_required=True)
    defence = defence_form(found, request.form if action == "defence" else None)
    status = 400 if action else 200  # a form that comes back is shown again with its input
    try:
        if action == "defence" and defence.validate():
            questions = [{"question": entry.question.data, "answer": entry.answer.data}
                         for entry in defence.questions.entries]
            hearings.record_defence(current_user.id, public_id, questions, defence.notes.data,
                                    from_local(defence.held_at.data))
            flash(_("The defence record is saved."), "success")
            return redirect(url_for("rating.hearing", public_id=public_id))
        if action == "scores" and scores.validate():
            hearings.submit_scores(current_user.id, public_id, points_of(scores, criteria),
                                   comments_of(scores, criteria))
            flash(_("Your scores are in."), "success")
            return redirect(url_for("rating.hearing", public_id=public_id))
    except panels.PanelError as error:
        flash(str(error), "error")
    if found.defence_held_at and action != "defence":
        defence.held_at.data = to_local(found.defence_held_at)
    attempt = db.session.get(ExamAttempt, found.attempt_id)
    return render_template(
        "rating/hearing.html", seat=seat, hearing=found, attempt=attempt, criteria=criteria,
        session=db.session.get(ExamSession, attempt.session_id),
        registration=hearings.registration_of(found), summary=hearings.summary_of(found),
        chair=hearings.chair(found), scores=scores, defence=defence, recuse=RecuseForm(),
        seats=panels.active_seats(found)), status, STAFF_ONLY


@bp.post("/panel/hearings/<public_id>/recuse")
@login_required
def recuse_hearing(public_id: str):
    """I must stand aside from this candidate (回避): another member takes my seat."""
    form = RecuseForm()
    if not form.validate():
        flash(_("Say why you stand aside."), "error")
        return redirect(url_for("rating.hearing", public_id=public_id))
    try:
        panels.recuse(current_user.id, public_id, form.reason.data)
    except panels.PanelError as error:
        flash(str(error), "error")
        return redirect(url_for("rating.hearing", public_id=public_id))
    flash(_("You stood aside; the conflict is recorded and another member is seated where "
            "one is left."), "success")
    return redirect(url_for("rating.hearings_page"))


@bp.get("/panel/hearings/<public_id>/files/<file_id>")
@login_required
def hearing_file(public_id: str, file_id: str):
    """A PDF of the work summary of a hearing I sit on."""
    found = summaries.file_for_member(current_user.id, public_id, file_id) or abort(404)
    return _pdf(found)


def _pdf(found):
    response = send_file(io.BytesIO(found.data), mimetype="application/pdf",
                         as_attachment=True, download_name=found.filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/admin/organisations/<slug>/plans/<plan_public_id>/panel",
          methods=["GET", "POST"])
@organisation_admin_required
def plan_panel(slug: str, plan_public_id: str):
    """The plan's panel: appoint and dismiss members; its hearings and how far they are."""
    organisation = by_slug(slug)
    try:
        plan = panels.own_plan(organisation, plan_public_id)
    except panels.PanelError:
        abort(404)
    form = AppointForm()
    if request.method == "POST":
        try:
            if request.form.get("action") == "dismiss":
                panels.dismiss(organisation, plan_public_id, request.form.get("member", ""),
                               current_user)
                flash(_("The member left the panel; their unscored seats were given to others "
                        "where possible."), "success")
            elif form.validate_on_submit():
                member = panels.appoint(organisation, plan_public_id, form.email.data,
                                        current_user)
                flash(_("%(name)s is on the panel now.", name=member.user.display_name),
                      "success")
            else:
                flash(_("Give the panel member's e-mail address."), "error")
        except panels.PanelError as error:
            flash(str(error), "error")
        return redirect(url_for("rating.plan_panel", slug=slug, plan_public_id=plan_public_id))
    rows = hearings.hearings_of_plan(plan)
    return render_template("rating/plan_panel.html", organisation=organisation, plan=plan,
                           members=panels.members_of(plan), form=form, rows=rows,
                           rule=hearings.rule_for_level(plan.level)), 200, STAFF_ONLY


@bp.route("/office/registrations/<public_id>/summary", methods=["GET", "POST"])
@login_required
def work_summary(public_id: str):
    """My work summary or paper (工作总结/论文) for the panel review of levels 2 and 1."""
    try:
        registration = own_registration(current_user, public_id)
    except RegistrationError:
        abort(404)
    if summaries.rule_for(registration) is None:
        abort(404)
    summary = summaries.summary_for(registration)
    action = request.form.get("action") if request.method == "POST" else None
    form = SummaryForm(formdata=request.form if action == "save" else None, obj=summary)
    upload = SummaryFileForm() if action == "file" else SummaryFileForm(formdata=None)
    if request.method == "POST":
        try:
            message = _change_summary(public_id, form, upload)
        except panels.PanelError as error:
            flash(str(error), "error")  # shown again below with what was typed
        else:
            if message:
                flash(message, "success")
                return redirect(url_for("rating.work_summary", public_id=public_id))
    return render_template(
        "rating/work_summary.html", registration=registration, summary=summary, form=form,
        upload=upload, rule=summaries.rule_for(registration), due=summaries.due_at(registration),
        open=summaries.may_change(registration)), \
        400 if request.method == "POST" else 200, STAFF_ONLY


def _change_summary(public_id: str, form, upload) -> str | None:
    """Carry out the posted change; its success message, or None when the form is incomplete
    (its errors are shown)."""
    action = request.form.get("action")
    if action == "file" and upload.validate_on_submit():
        chosen = upload.file.data
        summaries.add_file(current_user, public_id, chosen.filename if chosen else "",
                           chosen.read() if chosen else b"")
        return _("The file is added.")
    if action == "remove":
        summaries.remove_file(current_user, public_id, request.form.get("file", ""))
        return _("The file is removed.")
    if action == "save" and form.validate_on_submit():
        summaries.save(current_user, public_id, form.title.data, form.text.data)
        return _("Your work summary is saved. You may revise it until your sitting opens.")
    return None


@bp.get("/office/registrations/<public_id>/summary/files/<file_id>")
@login_required
def work_summary_file(public_id: str, file_id: str):
    """A PDF of my own work summary."""
    try:
        found = summaries.file_for_candidate(current_user, public_id, file_id)
    except RegistrationError:
        found = None
    return _pdf(found or abort(404))

