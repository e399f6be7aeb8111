"""Pages of results publication (成绩公示) and appeals (复核): the office's results page, the
raters' queue and re-check form, the candidate's appeal, and the public list."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from talentpool.assessment import exam
from talentpool.auth import Role, role_required
from talentpool.database import utcnow
from talentpool.office import appeals, bp, publication, results
from talentpool.office.appeal_forms import (
    AppealForm, AssignForm, DecisionForm, corrections_from,
)
from talentpool.organisations.guards import (
    organisation_admin_required, organisation_role_required,
)
from talentpool.organisations.models import OfficeRole
from talentpool.organisations.office import may_manage
from talentpool.organisations.service import by_slug

STAFF_ONLY = {"Cache-Control": "private, no-store"}


def readable(value) -> str:
    """An answer or gold as indented JSON with its characters as they are (escaped by Jinja)."""
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


@bp.route("/admin/organisations/<slug>/sittings/<sitting_public_id>/results",
          methods=["GET", "POST"], endpoint="results")
@organisation_admin_required
def results_page(slug: str, sitting_public_id: str):
    """A sitting's graded results: publish them, follow and assign their appeals."""
    organisation = by_slug(slug)
    session = publication.own_sitting(organisation, sitting_public_id) or abort(404)
    if request.method == "POST":
        assign_form = AssignForm()
        try:
            if request.form.get("action") == "publish":
                publication.publish(organisation, sitting_public_id, current_user)
                flash(_("Results published; the candidates have been told."), "success")
            elif request.form.get("action") == "assign" and assign_form.validate_on_submit():
                appeals.assign(organisation, assign_form.appeal.data or "",
                               assign_form.rater.data or "", current_user)
                flash(_("Appeal assigned."), "success")
            else:
                flash(_("The form was not sent completely; reload the page and try again."),
                      "error")
        except (publication.PublicationError, appeals.AppealError) as error:
            flash(str(error), "error")
        return redirect(url_for("office.results", slug=slug, sitting_public_id=sitting_public_id))
    rows = results.office_rows(session)
    raters = {appeal.id: appeals.eligible_raters(row["attempt"], appeal.part)
              for row in rows for appeal in row["appeals"] if appeal.state == "open"}
    return render_template("office/results.html", organisation=organisation, session=session,
                           rows=rows, raters=raters, now=utcnow(), outcome=appeals.outcome,
                           part_label=appeals.part_label), 200, STAFF_ONLY


@bp.get("/admin/organisations/<slug>/appeals", endpoint="appeals")
@organisation_role_required(OfficeRole.RATER, OfficeRole.PANEL_MEMBER)
def appeals_page(slug: str):
    """The appeals to decide: a rater's own, or all of them for the office administrator."""
    organisation = by_slug(slug)
    admin = may_manage(current_user, organisation)
    rows = (appeals.appeals_of(organisation) if admin
            else appeals.appeals_for_rater(current_user, organisation))
    return render_template("office/appeals.html", organisation=organisation, rows=rows,
                           admin=admin, outcome=appeals.outcome, part_label=appeals.part_label)


@bp.route("/admin/organisations/<slug>/appeals/<public_id>", methods=["GET", "POST"])
@organisation_role_required(OfficeRole.RATER, OfficeRole.PANEL_MEMBER)
def appeal(slug: str, public_id: str):
    """Re-check an appealed part: the scored answers with gold and score, and the decision."""
    organisation = by_slug(slug)
    found = appeals.own_appeal(organisation, public_id)
    if found is None or not (found[0].rater_id == current_user.id
                             or may_manage(current_user, organisation)):
        abort(404)
    item, attempt = found
    responses = [] if item.part == "panel" else appeals.scored_responses(attempt, item.part)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            appeals.decide(organisation, public_id, current_user, form.reason.data,
                           corrections=corrections_from(request.form, responses),
                           panel_score=form.panel_score.data)
        except ValueError:
            flash(_("A corrected score must be a number from 0 to 1."), "error")
        except appeals.AppealError as error:
            flash(str(error), "error")
        else:
            flash(_("Appeal decided; the candidate has been told."), "success")
            return redirect(url_for("office.appeals", slug=slug))
    for message in [m for errors in form.errors.values() for m in errors]:
        flash(message, "error")
    return render_template("office/appeal.html", organisation=organisation, appeal=item,
                           attempt=attempt, responses=responses, form=form,
                           may_decide=item.rater_id == current_user.id and item.state == "open",
                           outcome=appeals.outcome, part_label=appeals.part_label,
                           readable=readable), 200, STAFF_ONLY


@bp.post("/exams/attempts/<attempt_public_id>/appeal")
@role_required(Role.TRAINEE)
def file_appeal(attempt_public_id: str):
    """The candidate asks for a part of their published result to be scored again."""
    attempt = exam.own_attempt(current_user.id, attempt_public_id) or abort(404)
    form = AppealForm().offer(results.candidate_result(attempt, utcnow()).appealable
                              or ["theory", "practical", "panel"])
    form.part.validate_choice = False  # the service gives the precise refusal
    if not form.validate_on_submit():
        for message in [m for errors in form.errors.values() for m in errors]:
            flash(message, "error")
    else:
        try:
            appeals.file_appeal(current_user, attempt_public_id, form.part.data,
                                form.reason.data)
        except appeals.AppealError as error:
            flash(str(error), "error")
        else:
            flash(_("Your appeal is filed. A rater other than the one who scored the part "
                    "will re-check it; you will be told the decision by e-mail."), "success")
    return redirect(url_for("exams.attempt", public_id=attempt_public_id))


@bp.get("/issuers/<slug>/results/<sitting_public_id>")
def public_results(slug: str, sitting_public_id: str):
    """The public list of a sitting's published results, with masked identities."""
    found = results.public_list(slug, sitting_public_id) or abort(404)
    organisation, session, rows = found
    return render_template("office/public_results.html", organisation=organisation,
                           session=session, rows=rows)
