"""Institution pages: institutions, staff, cohorts, enrolment, plans, dashboards and reports.

Staff pages find every cohort and trainee inside the signed-in person's own institution,
so another institution's ids answer 404; other roles get 403 from ``role_required``.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from talentpool.assessment import exam
from talentpool.assessment.tracks import TRACKS
from talentpool.assessment.forms import ExamSessionForm
from talentpool.auth import Role, role_required
from talentpool.cohorts import bp, enrolment, pages, reports, service
from talentpool.cohorts.forms import (
    CohortForm, InstitutionForm, InstructorForm, RosterForm,
)
from talentpool.cohorts.models import INSTITUTION_ADMIN
from talentpool.database import utcnow
from talentpool.security_headers import no_referrer
from talentpool.timezones import from_local

staff_only = role_required(Role.INSTITUTION_STAFF)


def _member():
    return service.membership(current_user) or abort(404)


def _cohort(public_id: str):
    return service.staff_cohort(_member().institution_id, public_id) or abort(404)


def _attachment(body: bytes, mimetype: str, filename: str):
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/institutions", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def institutions():
    """Site admin: institutions and their first administrator."""
    form, link = InstitutionForm(), None
    if form.validate_on_submit():
        try:
            institution, link = service.create_institution(form.name.data, form.admin_email.data,
                                                           current_user)
        except service.CohortError as error:
            form.name.errors.append(str(error))
        else:
            flash(_("Institution %(name)s created.", name=institution.name), "success")
            if link is None:
                return redirect(url_for("cohorts.institutions"))
    return render_template("cohorts/institutions.html", form=form, link=link,
                           institutions=service.institutions())


@bp.get("/institution")
@staff_only
def institution():
    """The staff member's institution: cohorts and staff."""
    member = service.membership(current_user)
    if member is None:
        return render_template("cohorts/no_institution.html")
    return render_template("cohorts/institution.html", member=member,
                           cohorts=service.cohorts_of(member.institution_id, include_archived=True),
                           staff=service.staff_of(member.institution_id), form=InstructorForm(),
                           is_admin=member.role == INSTITUTION_ADMIN, link=None)


@bp.post("/institution/instructors")
@staff_only
def add_instructor():
    """An institution admin adds an instructor."""
    member = _member()
    if member.role != INSTITUTION_ADMIN:
        abort(403)
    form, link = InstructorForm(), None
    if form.validate_on_submit():
        try:
            link = service.add_instructor(member.institution, form.email.data, current_user)
        except service.CohortError as error:
            form.email.errors.append(str(error))
        else:
            flash(_("Instructor added."), "success")
    return render_template("cohorts/institution.html", member=member,
                           cohorts=service.cohorts_of(member.institution_id, include_archived=True),
                           staff=service.staff_of(member.institution_id), form=form,
                           is_admin=True, link=link)


@bp.route("/cohorts/new", methods=["GET", "POST"])
@staff_only
def new_cohort():
    """Create a cohort with its training plan."""
    member = _member()
    form = CohortForm(target_level=5)
    if form.validate_on_submit():
        try:
            cohort = service.create_cohort(member.institution_id, form.name.data,
                                           form.target_level.data, form.quotas(),
                                           form.starts_on.data, form.deadline.data, current_user)
        except service.CohortError as error:
            form.show_error(str(error), error.field)
        else:
            return redirect(url_for("cohorts.enrol", public_id=cohort.public_id))
    return render_template("cohorts/plan_form.html", form=form, cohort=None, tracks=TRACKS,
                           available=service.practice_items_available())


@bp.route("/cohorts/<public_id>/plan", methods=["GET", "POST"])
@staff_only
def plan(public_id: str):
    """Edit a cohort's name and training plan."""
    cohort = _cohort(public_id)
    form = CohortForm(obj=cohort)
    if not form.is_submitted():
        for track, quota in cohort.quotas.items():
            getattr(form, f"quota_{track}").data = quota
    if form.validate_on_submit():
        try:
            service.update_plan(cohort, form.name.data, form.target_level.data, form.quotas(),
                                form.starts_on.data, form.deadline.data)
        except service.CohortError as error:
            form.show_error(str(error), error.field)
        else:
            flash(_("Training plan saved."), "success")
            return redirect(url_for("cohorts.dashboard", public_id=cohort.public_id))
    return render_template("cohorts/plan_form.html", form=form, cohort=cohort, tracks=TRACKS,
                           available=service.practice_items_available())


@bp.post("/cohorts/<public_id>/archive")
@staff_only
def archive(public_id: str):
    """Archive a cohort (institution admins only)."""
    if _member().role != INSTITUTION_ADMIN:
        abort(403)
    service.archive_cohort(_cohort(public_id))
    flash(_("Cohort archived."), "success")
    return redirect(url_for("cohorts.institution"))


@bp.route("/cohorts/<public_id>/enrol", methods=["GET", "POST"])
@no_referrer
@staff_only
def enrol(public_id: str):
    """Enrol trainees: the open join link and the roster upload with its row report."""
    cohort = _cohort(public_id)
    form, report = RosterForm(), None
    if form.validate_on_submit():
        try:
            report = enrolment.enrol_roster(cohort, form.roster.data.read())
        except service.CohortError as error:
            form.roster.errors.append(str(error))
    return render_template("cohorts/enrol.html", cohort=cohort, form=form, report=report,
                           join_url=url_for("cohorts.join", code=cohort.join_code, _external=True))


@bp.post("/cohorts/<public_id>/join-link")
@staff_only
def renew_join_link(public_id: str):
    """Replace the cohort's open join link."""
    enrolment.new_join_link(_cohort(public_id))
    flash(_("A new join link was made; the old one no longer works."), "success")
    return redirect(url_for("cohorts.enrol", public_id=public_id))


@bp.get("/cohorts/<public_id>")
@staff_only
def dashboard(public_id: str):
    """The cohort dashboard: progress, skills, pass probability, weak elements, exams."""
    cohort = _cohort(public_id)
    return render_template("cohorts/dashboard.html", cohort=cohort,
                           session_form=ExamSessionForm(level=cohort.target_level),
                           **pages.cohort_dashboard(cohort, utcnow().date()))


@bp.get("/cohorts/<public_id>/trainees/<user_id>")
@staff_only
def trainee(public_id: str, user_id: str):
    """One trainee's progress in the cohort."""
    cohort = _cohort(public_id)
    row = service.cohort_trainee(cohort, user_id) or abort(404)
    return render_template("cohorts/trainee.html", cohort=cohort, enrolment=row,
                           **pages.trainee_dashboard(cohort, row, utcnow().date()))


@bp.post("/cohorts/<public_id>/sessions")
@staff_only
def schedule_session(public_id: str):
    """Schedule an exam session open only to this cohort."""
    cohort = _cohort(public_id)
    form = ExamSessionForm()
    if form.validate_on_submit():
        try:
            exam.create_session(form.level.data, form.title.data, from_local(form.opens_at.data),
                                from_local(form.closes_at.data), current_user.id,
                                cohort_id=cohort.id)
        except exam.ExamError as error:
            flash(str(error), "error")
        else:
            flash(_("Exam session scheduled."), "success")
    else:
        flash(_("Fill in the title, level and both times."), "error")
    return redirect(url_for("cohorts.dashboard", public_id=public_id) + "#exams")


@bp.get("/cohorts/<public_id>/report.pdf")
@staff_only
def report_pdf(public_id: str):
    """The cohort report as a PDF."""
    cohort = _cohort(public_id)
    return _attachment(reports.cohort_pdf(cohort, utcnow()), "application/pdf",
                       f"cohort-{cohort.public_id}.pdf")


@bp.get("/cohorts/<public_id>/<kind>.csv")
@staff_only
def export_csv(public_id: str, kind: str):
    """Progress, roster or exam results as CSV (cells escaped against formulas)."""
    cohort = _cohort(public_id)
    exports = {"progress": lambda: reports.progress_csv(cohort, utcnow().date()),
               "roster": lambda: reports.roster_csv(cohort),
               "results": lambda: reports.results_csv(cohort)}
    body = exports.get(kind, lambda: abort(404))()
    return _attachment(body, "text/csv; charset=utf-8", f"cohort-{cohort.public_id}-{kind}.csv")


from talentpool.cohorts import join_views  # noqa: E402,F401  (trainee-facing routes)
