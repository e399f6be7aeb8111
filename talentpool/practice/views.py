"""Practice pages: tracks, an item with its labeling UI, instant feedback, history."""

from __future__ import annotations

import re

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, \
    send_from_directory, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from talentpool.assessment import item_reports
from talentpool.assessment.packs import PACK_ID
from talentpool.assessment.service import asset_root, asset_urls
from talentpool.assessment.tracks import TRACKS_BY_ID
from talentpool.auth import Role, role_required
from talentpool.database import done_writing
from talentpool.i18n import current_locale
from talentpool.practice import bp, service, wording
from talentpool.scoring import get_scorer

ASSET_VERSION = re.compile(r"^[0-9a-f]{12}$")
SKIPPED = "practice_skipped"  # session: public ids of items skipped, oldest first
OPEN_DURING_EXAMS = {"practice.asset", "practice.skills_page"}


@bp.before_request
def closed_during_an_exam():
    """Practice (items and gold answers) is closed while the trainee has an exam in progress."""
    if request.endpoint in OPEN_DURING_EXAMS or not current_user.is_authenticated:
        return None
    from talentpool.assessment.exam import open_attempt_of

    attempt = open_attempt_of(current_user.id)
    if attempt is None:
        return None
    message = _("Practice is closed while your level %(level)d exam is in progress. Finish "
                "the exam first.", level=attempt.level)
    link = url_for("exams.attempt", public_id=attempt.public_id)
    if request.is_json:  # the answer endpoint; a form (skip, report) gets the page
        return jsonify(error=message, attempt_url=link), 409
    return render_template("practice/closed_during_exam.html", message=message,
                           attempt_url=link), 409


@bp.get("/")
@role_required(Role.TRAINEE)
def index():
    """Tracks with the trainee's progress."""
    return render_template("practice/index.html", progress=service.overview(current_user.id))


@bp.get("/tracks/<track_id>")
@role_required(Role.TRAINEE)
def track(track_id: str):
    """Open the next item of a track."""
    if track_id not in TRACKS_BY_ID:
        abort(404)
    item = service.next_item(current_user.id, track_id, exclude=request.args.get("after"),
                             skipped=session.get(SKIPPED, []))
    if item is None:
        return render_template("practice/empty_track.html", track=TRACKS_BY_ID[track_id])
    return redirect(url_for("practice.item", public_id=item.public_id))


@bp.get("/items/<public_id>")
@role_required(Role.TRAINEE)
def item(public_id: str):
    """An item with its labeling UI (the gold answer is not on this page)."""
    found = service.practice_item(public_id) or abort(404)
    empty_can_be_right = get_scorer(found.type_id).empty_can_be_right
    return render_template("practice/item.html", item=found, spec=found.spec,
                           assets=asset_urls(found), track=TRACKS_BY_ID[found.track],
                           locale=current_locale(), reasons=item_reports.REASONS,
                           empty_can_be_right=empty_can_be_right,
                           empty_message=service.empty_answer_message(empty_can_be_right))


@bp.post("/items/<public_id>/answer")
@role_required(Role.TRAINEE)
def answer(public_id: str):
    """Score a JSON answer; the reply carries the score, feedback and explanation."""
    found = service.practice_item(public_id)
    if found is None:
        return jsonify(error=_("This item does not exist or was retired.")), 404
    try:
        given, duration, nothing = service.parse_practice_body(request.get_data(cache=False))
        response = service.submit(current_user.id, found, given, duration, nothing)
    except service.EmptyAnswer as error:
        return jsonify(error=str(error), empty=True), 400
    except service.AnswerError as error:
        return jsonify(error=str(error)), 400
    if public_id in session.get(SKIPPED, []):
        session[SKIPPED] = service.forget_skip(session[SKIPPED], public_id)
    done_writing()  # the rest only reads: on SQLite no second wait for the write lock
    # The next item is chosen now, so that "next" opens it without a redirect in between.
    upcoming = service.next_item_id(current_user.id, found.track, exclude=public_id,
                                    skipped=session.get(SKIPPED, []))
    next_url = url_for("practice.item", public_id=upcoming[1]) if upcoming else \
        url_for("practice.track", track_id=found.track, after=public_id)
    return jsonify(score=response.score, category=response.category,
                   max_category=response.max_category, feedback=response.feedback,
                   explanation=wording.explanation(found), retry=response.retry,
                   response_id=response.public_id, next_url=next_url)


@bp.post("/items/<public_id>/skip")
@role_required(Role.TRAINEE)
def skip(public_id: str):
    """Leave an item unanswered for the next one; it comes back after the others."""
    found = service.practice_item(public_id) or abort(404)
    session[SKIPPED] = service.remember_skip(session.get(SKIPPED, []), found.public_id)
    return redirect(url_for("practice.track", track_id=found.track, after=found.public_id))


@bp.post("/items/<public_id>/report")
@role_required(Role.TRAINEE)
def report(public_id: str):
    """Report a problem with an item I answered; administrators review it."""
    try:
        item_reports.report(current_user.id, public_id, request.form.get("reason", ""),
                            request.form.get("text", ""))
    except item_reports.ReportError as error:
        flash(str(error), "error")
    else:
        flash(_("Thank you: the report was sent to the item bank's administrators."), "success")
    return redirect(url_for("practice.item", public_id=public_id))


@bp.get("/tracks/<track_id>/history")
@role_required(Role.TRAINEE)
def history(track_id: str):
    """The trainee's past answers in a track."""
    if track_id not in TRACKS_BY_ID:
        abort(404)
    return render_template("practice/history.html", track=TRACKS_BY_ID[track_id],
                           responses=service.history(current_user.id, track_id))


@bp.get("/responses/<public_id>")
@role_required(Role.TRAINEE)
def response(public_id: str):
    """A past answer with its feedback drawn on the task."""
    found = service.own_response(current_user.id, public_id) or abort(404)
    return render_template("practice/item.html", item=found.item, spec=found.item.spec,
                           assets=asset_urls(found.item), track=TRACKS_BY_ID[found.track],
                           locale=current_locale(), past=found, reasons=item_reports.REASONS,
                           past_explanation=wording.explanation(found.item))


@bp.get("/assets/<pack>/<version>/<path:path>")
@login_required
def asset(pack: str, version: str, path: str):
    """An imported pack asset (images, audio)."""
    if not PACK_ID.match(pack) or not ASSET_VERSION.match(version):
        abort(404)
    folder = asset_root() / pack / version
    max_age = 86400 if not current_app.debug else 0
    return send_from_directory(folder, path, max_age=max_age)


@bp.get("/skills")
@role_required(Role.TRAINEE)
def skills_page():
    """Skill per track on the 0–100 scale with its uncertainty, and how it moved."""
    from talentpool.practice import skills

    return render_template("practice/skills.html", cards=skills.skill_cards(current_user.id))
