"""The rater's pages: the queue of answers to score, and the blind scoring page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from talentpool.assessment.models import ExamResponse, Item
from talentpool.extensions import db
from talentpool.rating import bp, service
from talentpool.rating.forms import comments_of, points_of, scoring_form
from talentpool.rating.models import ADJUDICATOR


@bp.get("/")
@login_required
def queue():
    """The answers waiting for my scoring, the earliest due first."""
    rows = [(a, db.session.get(Item, a.task.item_id)) for a in service.queue_of(current_user.id)]
    return render_template("rating/queue.html", rows=rows)


@bp.route("/answers/<public_id>", methods=["GET", "POST"])
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
                           adjudicating=assignment.role == ADJUDICATOR)
