"""Item-bank pages for administrators: scales (each track, and the practical exam scale),
items with statistics, calibration runs with their linking."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from talentpool.assessment import bank, bp, calibration, drafts, item_reports
from talentpool.assessment.calibration_wording import problem_text
from talentpool.assessment.forms import ItemStatusForm, ReportResolutionForm
from talentpool.assessment.models import ACTIVE, DRAFT, RETIRED
from talentpool.assessment.tracks import SCALES, SCALES_BY_ID
from talentpool.auth import Role, role_required
from talentpool.urls import back_path


@bp.get("/")
@role_required(Role.ADMIN)
def index():
    """Every track with its items and active calibration."""
    return render_template("assessment/bank.html", summaries=bank.summaries(SCALES),
                           tracks=SCALES_BY_ID, open_reports=len(item_reports.open_reports()),
                           waiting_drafts=drafts.draft_count())


@bp.get("/tracks/<track_id>")
@role_required(Role.ADMIN)
def track(track_id: str):
    """Items of a scale with statistics and flags, the test information curve and the runs."""
    if track_id not in SCALES_BY_ID:
        abort(404)
    chart = bank.information_chart(track_id, _("Test information over ability θ"))
    runs = bank.runs(track_id)
    comparison = None
    if len(runs) >= 2:
        comparison = bank.compare(runs[1], runs[0])
    return render_template("assessment/track.html", track=SCALES_BY_ID[track_id],
                           rows=bank.item_rows(track_id), chart=chart, runs=runs,
                           comparison=comparison, problem_text=problem_text)


@bp.get("/items")
@role_required(Role.ADMIN)
def items():
    """Search and filter the bank: words of the id or prompt, track, use, status, element."""
    found, total = bank.search(request.args.get("q", ""), request.args.get("track", ""),
                               request.args.get("use", ""), request.args.get("status", ""),
                               request.args.get("element", ""))
    return render_template("assessment/items.html", items=found, total=total,
                           tracks=bank.pack_tracks(), args=request.args,
                           statuses=drafts.STATUSES)


@bp.get("/items/<public_id>")
@role_required(Role.ADMIN)
def item(public_id: str):
    """One item as its pack defines it — prompt, task, gold answer, explanation — its review
    (draft state, what changed, every decision) and the problems trainees reported. Staff only:
    never show gold answers to candidates."""
    found = bank.item_by_public_id(public_id) or abort(404)
    readable = lambda value: json.dumps(value, ensure_ascii=False, indent=1)  # noqa: E731
    changed = drafts.changed_fields(found)
    before = {name: readable(found.previous_content[field])
              for field, name in zip(changed or [], drafts.field_names(changed or []))}
    return render_template("assessment/item.html", item=found, spec_text=readable(found.spec),
                           gold_text=readable(found.gold),
                           reports=item_reports.reports_of(found.id),
                           reasons=item_reports.REASONS, reviews=drafts.reviews_of(found.id),
                           changed=changed, before=before, statuses=drafts.STATUSES,
                           field_names=drafts.field_names), 200, {
        "Cache-Control": "private, no-store"}


@bp.route("/reports", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def reports():
    """Open problem reports from practice feedback; resolve one with a note."""
    form = ReportResolutionForm()
    if request.method == "POST":
        if not form.validate():
            flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
            return redirect(url_for("bank.reports"))
        try:
            item_reports.resolve(form.report.data, form.resolution.data, current_user)
            flash(_("Report resolved."), "success")
        except item_reports.ReportError as error:
            flash(str(error), "error")
        return redirect(url_for("bank.reports"))
    return render_template("assessment/reports.html", reports=item_reports.open_reports(),
                           reasons=item_reports.REASONS)


@bp.post("/items/<public_id>/status")
@role_required(Role.ADMIN)
def item_status(public_id: str):
    """Retire an item, or bring a retired one back."""
    form = ItemStatusForm()
    if not form.validate():
        abort(400)
    try:
        item = bank.set_item_status(public_id, RETIRED if form.status.data == RETIRED else ACTIVE)
    except bank.BankError:
        abort(404)
    if item.status == RETIRED:
        flash(_("Item %(key)s retired.", key=item.key), "success")
    elif item.status == DRAFT:
        flash(_("Item %(key)s is a draft: it goes live once another administrator approves it "
                "in the drafts queue.", key=item.key), "success")
    else:
        flash(_("Item %(key)s is active again.", key=item.key), "success")
    return redirect(url_for("bank.track", track_id=item.track))


@bp.post("/tracks/<track_id>/calibrate")
@role_required(Role.ADMIN)
def calibrate(track_id: str):
    """Calibrate a scale now from all first answers."""
    if track_id not in SCALES_BY_ID:
        abort(404)
    try:
        run = calibration.calibrate_track(track_id, trigger="admin")
    except calibration.CalibrationError as error:
        flash(_("Calibration did not run: %(reason)s", reason=str(error)), "error")
    else:
        flash(_("Calibrated %(n)d items from %(p)d people.", n=run.n_items, p=run.n_persons),
              "success")
    return redirect(url_for("bank.track", track_id=track_id))


@bp.post("/runs/<public_id>/activate")
@role_required(Role.ADMIN)
def activate(public_id: str):
    """Make an older or newer run the active one."""
    try:
        run = calibration.activate_run(public_id)
    except calibration.CalibrationError as error:
        if str(error) == "no such calibration run":
            abort(404)
        flash(_("This run cannot be activated: %(reason)s", reason=str(error)), "error")
        return redirect(back_path(request.referrer, request.host) or url_for("bank.index"))
    flash(_("Calibration run activated."), "success")
    return redirect(url_for("bank.track", track_id=run.track))
