"""Registration pages: open plans, registering, the candidate's registrations; the office's
queue of a plan, one registration with its decision, evidence downloads and the approved
roster."""

from __future__ import annotations

import io
from base64 import b64encode

from flask import (
    abort, flash, make_response, redirect, render_template, request, send_file, url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import SelectChoice

from talentpool.errors import render_error
from talentpool.i18n import localized
from talentpool.office import bp, registration, registration_review, roster
from talentpool.office.models import REGISTRATION_STATES
from talentpool.office.registration import NotFound, RegistrationError, Upload
from talentpool.office.registration_forms import ConfirmForm, EvidenceForm, RegisterForm, ReviewForm
from talentpool.organisations.guards import organisation_admin_required
from talentpool.organisations.service import by_slug

STATE_LABELS = {"submitted": _l("Waiting for review"), "more_requested": _l("More evidence asked"),
                "approved": _l("Approved"), "rejected": _l("Rejected"),
                "withdrawn": _l("Withdrawn")}
ROSTER_KINDS = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}
UPLOAD_ENDPOINTS = ("office.register", "office.add_evidence")


@bp.url_value_preprocessor
def _room_for_evidence(endpoint: str | None, _values) -> None:
    """Let an upload carry the most evidence files allowed plus the form around them (this
    runs before the CSRF check reads the form under the app-wide limit)."""
    if endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = (registration.MAX_FILES * registration.evidence_limit()
                                      + 256 * 1024)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    """An oversized upload is told the limits; elsewhere the usual page."""
    if request.endpoint in UPLOAD_ENDPOINTS:
        return render_error(413, _("Upload at most %(most)d files of at most %(size)s each.",
                                   most=registration.MAX_FILES,
                                   size=registration.size_text(registration.evidence_limit())))
    return render_error(413)


def _uploads(files) -> list[Upload]:
    limit = registration.evidence_limit()
    return [Upload(f.filename, f.read(limit + 1)) for f in files or [] if f and f.filename]


def _route_label(route) -> str:
    return localized({"zh": route.zh, "en": route.en})


@bp.get("/office/plans")
@login_required
def open_plans():
    """Assessment plans open for registration, across organisations."""
    return render_template("office/plans_open.html", plans=registration.open_plans())


@bp.route("/office/plans/<plan_public_id>/register", methods=["GET", "POST"])
@login_required
def register(plan_public_id: str):
    """Register for a plan: real name, eligibility route, statement and evidence."""
    try:
        plan = registration.find_plan(plan_public_id)
    except NotFound:
        abort(404)
    rule = registration.level_rule(plan.level)
    form = RegisterForm(data=None if request.method == "POST"
                        else {"real_name": current_user.display_name})
    form.route.choices = [SelectChoice(route.id, _route_label(route)) for route in rule.routes]
    problem = None
    if form.validate_on_submit():
        try:
            registration.register(current_user, plan.public_id, form.route.data,
                                  form.real_name.data, form.statement.data,
                                  _uploads(form.evidence.data))
        except RegistrationError as error:
            problem = str(error)
        else:
            flash(_("Your registration is submitted. The office reviews it and mails you the "
                    "decision."), "success")
            return redirect(url_for("office.my_registrations"))
    held = {route.id: registration.prior_level_met(current_user.id, route) for route in rule.routes}
    status = 400 if problem or form.errors else 200
    return render_template(
        "office/register.html", plan=plan, form=form, problem=problem, rule=rule, held=held,
        is_open=registration.window_open(plan),
        missing=registration.missing_prerequisites(current_user.id),
        max_files=registration.MAX_FILES,
        max_size=registration.size_text(registration.evidence_limit())), status


@bp.get("/office/registrations")
@login_required
def my_registrations():
    """The signed-in person's registrations: state, the reviewer's reason, next steps."""
    rows = registration.my_registrations(current_user)
    routes = {row.id: registration.level_rule(row.plan.level).route(row.route) for row in rows}
    labels = {row.id: _route_label(routes[row.id]) if routes[row.id] else row.route
              for row in rows}
    panel = {row.id for row in rows
             if registration.level_rule(row.plan.level).panel_review is not None}
    return render_template("office/my_registrations.html", registrations=rows, labels=labels,
                           panel=panel, states=STATE_LABELS, evidence_form=EvidenceForm(),
                           confirm=ConfirmForm(), max_files=registration.MAX_FILES,
                           max_size=registration.size_text(registration.evidence_limit()))


@bp.post("/office/registrations/<public_id>/evidence")
@login_required
def add_evidence(public_id: str):
    """Add evidence (after the office asked for more); the registration waits for review."""
    form = EvidenceForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("office.my_registrations"))
    try:
        registration.add_evidence(current_user, public_id, _uploads(form.evidence.data),
                                  form.statement.data)
    except NotFound:
        abort(404)
    except RegistrationError as error:
        flash(str(error), "error")
    else:
        flash(_("Your evidence is added; the registration waits for review again."), "success")
    return redirect(url_for("office.my_registrations"))


@bp.post("/office/registrations/<public_id>/withdraw")
@login_required
def withdraw(public_id: str):
    """Withdraw a registration before its review or before the sitting."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        registration.withdraw(current_user, public_id)
    except NotFound:
        abort(404)
    except RegistrationError as error:
        flash(str(error), "error")
    else:
        flash(_("Your registration is withdrawn."), "success")
    return redirect(url_for("office.my_registrations"))


@bp.get("/admin/organisations/<slug>/plans/<plan_public_id>/registrations")
@organisation_admin_required
def registrations(slug: str, plan_public_id: str):
    """The registrations of one of the organisation's plans, filterable by state."""
    organisation = by_slug(slug)
    state = request.args.get("state") if request.args.get("state") in REGISTRATION_STATES else None
    try:
        plan, rows = registration_review.plan_registrations(organisation, plan_public_id, state)
    except NotFound:
        abort(404)
    return render_template("office/registrations.html", organisation=organisation, plan=plan,
                           registrations=rows, state=state, states=STATE_LABELS,
                           counts=registration_review.state_counts(plan))


@bp.route("/admin/organisations/<slug>/registrations/<public_id>", methods=["GET", "POST"],
          endpoint="registration")
@organisation_admin_required
def registration_detail(slug: str, public_id: str):
    """One registration for review: identity (masked; shown in full on request, audited),
    photo, route, statement, evidence, the prior-level note and the decision."""
    organisation = by_slug(slug)
    form, shown, problem = ReviewForm(), None, None
    try:
        if request.method == "POST" and request.form.get("action") == "reveal":
            if ConfirmForm().validate_on_submit():
                shown = registration_review.reveal_identity(organisation, public_id, current_user)
        elif form.validate_on_submit():
            registration_review.review(organisation, public_id, form.decision.data,
                                       form.reason.data, current_user)
            flash(_("The decision is saved and the candidate is mailed."), "success")
            return redirect(url_for("office.registration", slug=slug, public_id=public_id))
        facts = registration_review.review_facts(organisation, public_id)
    except NotFound:
        abort(404)
    except RegistrationError as error:
        problem = str(error)
        facts = registration_review.review_facts(organisation, public_id)
    photo = "data:image/jpeg;base64," + b64encode(facts.photo).decode() if facts.photo else None
    status = 400 if problem or form.errors else 200
    return render_template(
        "office/registration.html", organisation=organisation, facts=facts, form=form,
        confirm=ConfirmForm(), shown=shown, photo=photo, problem=problem, states=STATE_LABELS,
        route_label=_route_label(facts.route) if facts.route else facts.registration.route
    ), status


@bp.get("/admin/organisations/<slug>/evidence/<int:evidence_id>")
@organisation_admin_required
def evidence(slug: str, evidence_id: int):
    """One evidence file, as an attachment, never cached (audited)."""
    try:
        row = registration_review.evidence_file(by_slug(slug), evidence_id, current_user)
    except NotFound:
        abort(404)
    response = send_file(io.BytesIO(row.data), mimetype=row.content_type,
                         as_attachment=True, download_name=row.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/admin/organisations/<slug>/plans/<plan_public_id>/roster.<kind>", endpoint="roster")
@organisation_admin_required
def roster_export(slug: str, plan_public_id: str, kind: str):
    """The plan's approved roster (审核名册) as CSV or PDF (audited: full identity numbers)."""
    if kind not in ROSTER_KINDS:
        abort(404)
    try:
        data = roster.export(by_slug(slug), plan_public_id, kind, current_user)
    except NotFound:
        abort(404)
    response = make_response(data)
    response.headers["Content-Type"] = ROSTER_KINDS[kind]
    response.headers["Content-Disposition"] = (
        f'attachment; filename="roster-{slug}-{plan_public_id}.{kind}"')
    response.headers["Cache-Control"] = "private, no-store"
    return response
