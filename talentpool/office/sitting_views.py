"""The office's pages for plans and sittings: plans and their sittings, staff and seats for the
organisation's administrators; check-in and the proctor log for the sitting's appointed
proctors and supervisors; the candidate's own admission ticket."""

from __future__ import annotations

from flask import (
    abort, current_app, flash, make_response, redirect, render_template, request, url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from talentpool.office import bp, plans, proctor_log, tickets
from talentpool.office import checkin as check_ins
from talentpool.office.models import ATTENDANCE
from talentpool.office.sitting_forms import (
    ExtensionForm, IncidentForm, MarkForm, PlanForm, SignOffForm, SittingForm, StaffForm,
    TerminationForm, TicketForm,
)
from talentpool.organisations.guards import organisation_admin_required, organisation_role_required
from talentpool.organisations.models import OfficeRole
from talentpool.organisations.office import may_manage
from talentpool.organisations.service import by_slug
from talentpool.timezones import from_local

ADMIN = "/admin/organisations/<slug>"
SITTING = ADMIN + "/sittings/<sitting_public_id>"
STAFF_ROLES = (OfficeRole.PROCTOR, OfficeRole.SUPERVISOR)


def _pdf(data: bytes, filename: str):
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _plan_or_404(slug: str, plan_public_id: str):
    organisation = by_slug(slug)
    return organisation, plans.own_plan(organisation, plan_public_id) or abort(404)


def _staffed_sitting(slug: str, sitting_public_id: str):
    """The organisation and its sitting, for its administrators and the people appointed to
    it (others in the organisation get 403)."""
    organisation = by_slug(slug)
    sitting = plans.own_sitting(organisation, sitting_public_id) or abort(404)
    if not (may_manage(current_user, organisation)
            or plans.is_appointed(current_user.id, sitting)):
        abort(403)
    return organisation, sitting


@bp.route(ADMIN + "/plans", methods=["GET", "POST"], endpoint="plans")
@organisation_admin_required
def plans_page(slug: str):
    """The organisation's assessment plans, and a form for a new one."""
    organisation = by_slug(slug)
    form = PlanForm()
    if form.validate_on_submit():
        try:
            plan = plans.create_plan(
                organisation, form.level.data, form.title.data, form.batch.data,
                from_local(form.registration_opens_at.data),
                from_local(form.registration_closes_at.data), current_user)
        except plans.PlanError as error:
            form.batch.errors.append(str(error))
        else:
            flash(_("Plan created; add its sittings."), "success")
            return redirect(url_for("office.plan", slug=slug, plan_public_id=plan.public_id))
    return render_template("office/plans.html", organisation=organisation, form=form,
                           plans=plans.plans_of(organisation))


@bp.get(ADMIN + "/plans/<plan_public_id>")
@organisation_admin_required
def plan(slug: str, plan_public_id: str):
    """A plan: its sittings with seats and staffing, seat assignment and the registrations."""
    organisation, found = _plan_or_404(slug, plan_public_id)
    return _plan_page(organisation, found, SittingForm())


def _plan_page(organisation, found, form, status: int = 200):
    sittings = plans.sittings_of(found)
    return render_template(
        "office/plan.html", organisation=organisation, plan=found, form=form, sittings=sittings,
        seated={s.id: plans.seated_count(s) for s in sittings},
        problems=plans.plan_problems(found),
        has_panel=plans.has_panel_review(found),
        has_registrations="office.registrations" in current_app.view_functions), status


@bp.post(ADMIN + "/plans/<plan_public_id>/sittings")
@organisation_admin_required
def add_sitting(slug: str, plan_public_id: str):
    """Add a sitting to the plan."""
    organisation, found = _plan_or_404(slug, plan_public_id)
    form = SittingForm()
    if form.validate_on_submit():
        try:
            plans.add_sitting(organisation, plan_public_id, form.title.data,
                              from_local(form.opens_at.data),
                              from_local(form.closes_at.data), form.room.data,
                              form.online.data, form.capacity.data, current_user)
        except plans.PlanError as error:
            form.title.errors.append(str(error))
        else:
            flash(_("Sitting added."), "success")
            return redirect(url_for("office.plan", slug=slug, plan_public_id=plan_public_id))
    return _plan_page(organisation, found, form, 400)


@bp.post(ADMIN + "/plans/<plan_public_id>/seats")
@organisation_admin_required
def assign_seats(slug: str, plan_public_id: str):
    """Seat every approved candidate without a seat and issue their ticket numbers."""
    organisation, _found = _plan_or_404(slug, plan_public_id)
    try:
        seated = plans.assign_seats(organisation, plan_public_id, current_user)
    except plans.PlanError as error:
        flash(str(error), "error")
    else:
        flash(_("%(count)d candidates seated.", count=seated) if seated
              else _("Every approved candidate already has a seat."), "success")
    return redirect(url_for("office.plan", slug=slug, plan_public_id=plan_public_id))


@bp.route(SITTING + "/staff", methods=["GET", "POST"])
@organisation_admin_required
def sitting_staff(slug: str, sitting_public_id: str):
    """Appoint the sitting's proctors and supervisors, and see what the scheme asks for."""
    organisation = by_slug(slug)
    sitting = plans.own_sitting(organisation, sitting_public_id) or abort(404)
    form = StaffForm()
    if form.validate_on_submit():
        try:
            plans.appoint_staff(organisation, sitting_public_id, form.email.data,
                                form.duty.data, current_user)
        except plans.PlanError as error:
            form.email.errors.append(str(error))
        else:
            flash(_("Appointed."), "success")
            return redirect(url_for("office.sitting_staff", slug=slug,
                                    sitting_public_id=sitting_public_id))
    return render_template("office/sitting_staff.html", organisation=organisation,
                           sitting=sitting, form=form, staff=plans.staff_of(sitting),
                           problems=plans.staffing_problems(sitting),
                           plan=plans.plan_of(sitting))


@bp.post(SITTING + "/staff/<int:appointment_id>/dismiss")
@organisation_admin_required
def dismiss_staff(slug: str, sitting_public_id: str, appointment_id: int):
    """End a proctor's or supervisor's appointment to the sitting."""
    try:
        plans.dismiss_staff(by_slug(slug), sitting_public_id, appointment_id, current_user)
    except plans.PlanError as error:
        flash(str(error), "error")
    else:
        flash(_("Appointment ended."), "success")
    return redirect(url_for("office.sitting_staff", slug=slug,
                            sitting_public_id=sitting_public_id))


@bp.get(SITTING + "/tickets.pdf")
@organisation_admin_required
def sitting_tickets(slug: str, sitting_public_id: str):
    """Every admission ticket of the sitting in one PDF, by seat."""
    data = tickets.sitting_tickets(by_slug(slug), sitting_public_id, current_user)
    return _pdf(data if data is not None else abort(404), f"tickets-{sitting_public_id}.pdf")


@bp.route(SITTING + "/checkin", methods=["GET", "POST"])
@organisation_role_required(*STAFF_ROLES)
def checkin(slug: str, sitting_public_id: str):
    """Scan a ticket, compare the candidate with the card, and mark them."""
    organisation, sitting = _staffed_sitting(slug, sitting_public_id)
    scan, mark, card, status = TicketForm(), MarkForm(), None, 200
    if request.method == "POST" and request.form.get("action") == "mark":
        if mark.validate_on_submit() and mark.attendance.data in ATTENDANCE:
            try:
                done = check_ins.check_in(organisation, sitting_public_id, mark.ticket.data,
                                        mark.attendance.data, current_user,
                                        photo_matches=mark.photo_matches.data)
            except check_ins.CheckInError as error:
                flash(str(error), "error")
                card, status = _card(organisation, sitting_public_id, mark.ticket.data), 400
            else:
                flash(_("%(name)s (seat %(seat)s) marked %(mark)s.", name=done.candidate_name,
                        seat=done.seat, mark=_mark_label(done.attendance)), "success")
                return redirect(url_for("office.checkin", slug=slug,
                                        sitting_public_id=sitting_public_id))
    elif request.method == "POST" and scan.validate_on_submit():
        try:
            card = check_ins.lookup(organisation, sitting_public_id, scan.ticket.data)
        except check_ins.CheckInError as error:
            scan.ticket.errors.append(str(error))
            status = 400
        else:
            mark = MarkForm(formdata=None, ticket=card.ticket_number)
    candidates = check_ins.roll(sitting)
    return render_template("office/checkin.html", organisation=organisation, sitting=sitting,
                           scan=TicketForm(formdata=None) if card else scan, mark=mark,
                           card=card, roll=candidates, tally=check_ins.tally(candidates),
                           closed=proctor_log.is_closed(sitting),
                           labels=_mark_labels()), status


def _card(organisation, sitting_public_id: str, ticket: str):
    try:
        return check_ins.lookup(organisation, sitting_public_id, ticket)
    except check_ins.CheckInError:
        return None


def _mark_labels() -> dict:
    return {"present": _("present"), "absent": _("absent"), "irregular": _("irregular"),
            None: _("not marked")}


def _mark_label(attendance: str | None) -> str:
    return _mark_labels()[attendance]


@bp.get(SITTING + "/candidates/<registration_public_id>/photo.jpg")
@organisation_role_required(*STAFF_ROLES)
def checkin_photo(slug: str, sitting_public_id: str, registration_public_id: str):
    """A seated candidate's approved photo, for the proctor comparing it at check-in."""
    _organisation, sitting = _staffed_sitting(slug, sitting_public_id)
    data = check_ins.seated_photo(sitting, registration_public_id) or abort(404)
    response = make_response(data)
    response.headers["Content-Type"] = "image/jpeg"
    response.headers["Cache-Control"] = "private, no-store"
    return response


LOG_FORMS = {"incident": IncidentForm, "extension": ExtensionForm,
             "termination": TerminationForm, "sign_off": SignOffForm}


@bp.route(SITTING + "/log", methods=["GET", "POST"], endpoint="proctor_log")
@organisation_role_required(*STAFF_ROLES)
def proctor_log_page(slug: str, sitting_public_id: str):
    """The sitting's proctor log: incidents, extensions, terminations and the sign-off."""
    organisation, sitting = _staffed_sitting(slug, sitting_public_id)
    action = request.form.get("action") if request.method == "POST" else None
    forms = {name: form(prefix=name, formdata=request.form if name == action else None)
             for name, form in LOG_FORMS.items()}
    status = 200
    if action in forms:
        form = forms[action]
        if form.validate():
            try:
                _log_action(action, form, organisation, sitting_public_id)
            except proctor_log.LogError as error:
                form.form_errors.append(str(error))
            else:
                flash(_("Recorded in the proctor log."), "success")
                return redirect(url_for("office.proctor_log", slug=slug,
                                        sitting_public_id=sitting_public_id))
        status = 400
    return render_template("office/proctor_log.html", organisation=organisation,
                           sitting=sitting, forms=forms, entries=proctor_log.entries(sitting),
                           closed=proctor_log.is_closed(sitting),
                           may_sign_off=proctor_log.may_sign_off(current_user, organisation,
                                                                 sitting)), status


def _log_action(action: str, form, organisation, sitting_public_id: str) -> None:
    if action == "incident":
        proctor_log.add_incident(organisation, sitting_public_id, form.note.data, current_user,
                                 candidate=form.candidate.data)
    elif action == "extension":
        proctor_log.extend_time(organisation, sitting_public_id, form.candidate.data,
                                form.minutes.data, form.reason.data, current_user)
    elif action == "termination":
        proctor_log.terminate(organisation, sitting_public_id, form.candidate.data,
                              form.reason.data, current_user)
    else:
        proctor_log.sign_off(organisation, sitting_public_id, current_user, form.note.data)


@bp.get("/office/registrations/<registration_public_id>/ticket.pdf")
@login_required
def ticket(registration_public_id: str):
    """My admission ticket (准考证), once I am seated."""
    data = tickets.candidate_ticket(current_user.id, registration_public_id) or abort(404)
    return _pdf(data, f"ticket-{registration_public_id}.pdf")
