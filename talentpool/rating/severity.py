"""Rater severity: a sitting's written work is decided together, once every answer of the
sitting has its ratings, with severity-adjusted fair scores where the design allows.

The raters' scores of the sitting's answers that were settled by the raters' mean (not by an
adjudicator) are fitted with the many-facet Rasch model (``psychometrics.facets``,
partial-credit form): facets candidate × criterion (each rubric criterion of each task) ×
rater, categories = the criterion's levels. When the candidate–rater design is connected, the
fit converged and at least ``RATING_FAIR_MIN_CANDIDATES`` candidates (default 30) were rated,
each such answer's final points per criterion are its **fair score** — the expected level under
a rater of average severity, mapped to points by linear interpolation between the levels'
points. Otherwise the raters' mean stands, and the reason is stored with every decision and
shown to the office (``TaskRow``/results) — never silently. Adjudicated answers keep the
adjudicator's points.

Then every attempt of the sitting that waited for its raters is decided
(``exam.complete_rating``).
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from talentpool.assessment.models import ExamAttempt, ExamResponse, Item
from talentpool.extensions import db
from talentpool.psychometrics.facets import fit_facets
from talentpool.rating.models import BY_MEAN, FINAL, RATER, RatingAssignment, RatingTask
from talentpool.scoring import categorize, get_scorer

BY_FAIR = "fair"


def sitting_tasks(session_id: int) -> list[RatingTask]:
    return list(db.session.scalars(
        select(RatingTask).join(ExamAttempt, ExamAttempt.id == RatingTask.attempt_id)
        .where(ExamAttempt.session_id == session_id).order_by(RatingTask.id)))


def settle_sitting(session_id: int, now: datetime) -> None:
    """Adjust for severity if possible, then decide the sitting's attempts (no commit)."""
    tasks = sitting_tasks(session_id)
    if any(task.state != FINAL for task in tasks):
        return
    outcome = _adjust([task for task in tasks if task.decided_by == BY_MEAN])
    from talentpool.assessment import exam  # exam opens rating tasks: import when used

    waiting = db.session.scalars(select(ExamAttempt).where(
        ExamAttempt.session_id == session_id, ExamAttempt.state == "awaiting_rating")).all()
    for attempt in waiting:
        exam.complete_rating(attempt, now, severity=outcome)


def _adjust(tasks: list[RatingTask]) -> dict:
    """Replace mean points by fair points where the model may decide; return what happened."""
    minimum = current_app.config["RATING_FAIR_MIN_CANDIDATES"]
    candidates = {task.attempt_id for task in tasks}
    if len(candidates) < minimum:
        return {"fair": False, "reason": _(
            "Raw means of the raters: %(n)d candidates were rated by the raters' mean, and "
            "severity adjustment needs at least %(min)d.", n=len(candidates), min=minimum)}
    items = {task.item_id: db.session.get(Item, task.item_id) for task in tasks}
    criteria = [(item_id, c["id"]) for item_id, item in items.items()
                for c in item.spec["rubric"]["criteria"]]
    levels = {(item_id, c["id"]): [level["points"] for level in c["levels"]]
              for item_id, item in items.items() for c in item.spec["rubric"]["criteria"]}
    candidate_index = {attempt_id: n for n, attempt_id in enumerate(sorted(candidates))}
    criterion_index = {key: n for n, key in enumerate(criteria)}
    rows = db.session.execute(
        select(RatingTask.attempt_id, RatingTask.item_id, RatingAssignment.rater_id,
               RatingAssignment.points)
        .join(RatingAssignment, RatingAssignment.task_id == RatingTask.id)
        .where(RatingTask.id.in_([task.id for task in tasks]), RatingAssignment.role == RATER,
               RatingAssignment.submitted_at.is_not(None))).all()
    rater_index = {rater: n for n, rater in enumerate(sorted({row[2] for row in rows}))}
    data = [(candidate_index[attempt_id], criterion_index[(item_id, key)], rater_index[rater],
             levels[(item_id, key)].index(value))
            for attempt_id, item_id, rater, points in rows for key, value in points.items()]
    columns = np.array(data, dtype=int).T
    try:
        result = fit_facets(*columns, np.array([len(levels[key]) for key in criteria]),
                            form="partial_credit")
    except ValueError as error:
        return {"fair": False, "reason": _("Raw means of the raters: the rater model could "
                                           "not be fitted (%(problem)s).", problem=error)}
    if not result.connected:
        return {"fair": False, "reason": _("Raw means of the raters: %(reason)s",
                                           reason=result.design.reason)}
    if not result.converged:
        return {"fair": False, "reason": _("Raw means of the raters: the rater model did not "
                                           "converge.")}
    for task in tasks:
        item = items[task.item_id]
        fair = {}
        for criterion in item.spec["rubric"]["criteria"]:
            key = (task.item_id, criterion["id"])
            level = float(result.fair_scores[candidate_index[task.attempt_id],
                                             criterion_index[key]])
            fair[criterion["id"]] = round(float(np.interp(
                level, np.arange(len(levels[key])), levels[key])), 3)
        _set_final(task, item, fair)
    return {"fair": True, "reason": _(
        "Severity-adjusted fair scores (many-facet Rasch model over %(n)d candidates, %(r)d "
        "raters).", n=len(candidates), r=len(rater_index))}


def _set_final(task: RatingTask, item: Item, points: dict[str, float]) -> None:
    scored = get_scorer(item.type_id).score_points(item.spec, points)
    task.final_points, task.final_value, task.decided_by = points, scored.value, BY_FAIR
    response = db.session.get(ExamResponse, task.response_id)
    response.score = scored.value
    response.category = categorize(scored.value, item.thresholds)
