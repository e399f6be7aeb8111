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

from dataclasses import dataclass
from datetime import datetime

import numpy as np
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from talentpool.assessment.models import ExamAttempt, ExamResponse, Item
from talentpool.extensions import db
from talentpool.psychometrics.facets import FacetsResult, fit_facets
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
    rows = db.session.execute(
        select(RatingTask.attempt_id, RatingTask.item_id, RatingAssignment.rater_id,
               RatingAssignment.points)
        .join(RatingAssignment, RatingAssignment.task_id == RatingTask.id)
        .where(RatingTask.id.in_([task.id for task in tasks]), RatingAssignment.role == RATER,
               RatingAssignment.submitted_at.is_not(None))).all()
    try:
        fitted = fit_ratings(rows)
    except ValueError as error:
        return {"fair": False, "reason": _("Raw means of the raters: the rater model could "
                                           "not be fitted (%(problem)s).",
                                           problem=model_problem(error))}
    result, items, levels = fitted.result, fitted.items, fitted.levels
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
            level = float(result.fair_scores[fitted.candidates[task.attempt_id],
                                             fitted.criteria[key]])
            fair[criterion["id"]] = round(float(np.interp(
                level, np.arange(len(levels[key])), levels[key])), 3)
        _set_final(task, item, fair)
    return {"fair": True, "reason": _(
        "Severity-adjusted fair scores (many-facet Rasch model over %(n)d candidates, %(r)d "
        "raters).", n=len(candidates), r=len(fitted.raters))}


def model_problem(error: ValueError) -> str:
    """Why the rater model could not be fitted, in the reader's language where it is known
    (the pure core's messages are English)."""
    text = str(error)
    if "extreme score" in text:
        return _("every score so far is at the top or the bottom of its scale")
    if "never occurs" in text:
        return _("a level of a criterion has not been given yet")
    if text == "no ratings":
        return _("no ratings yet")
    return text


@dataclass(frozen=True)
class RatingsFit:
    """The many-facet Rasch fit of a set of ratings, with each element's index in it."""

    result: FacetsResult
    items: dict[int, Item]
    candidates: dict[int, int]  # attempt id → candidate index
    criteria: dict[tuple[int, str], int]  # (item id, criterion id) → criterion index
    raters: dict[int, int]  # rater id → rater index
    levels: dict[tuple[int, str], list[int]]  # the points of each criterion's levels


def fit_ratings(rows) -> RatingsFit:
    """Fit the partial-credit many-facet Rasch model to ratings given as (attempt id, item id,
    rater id, points per criterion): facets candidate × criterion of a task × rater, categories
    the criterion's levels. Raises ValueError when the model cannot be fitted."""
    items = {item_id: db.session.get(Item, item_id) for item_id in sorted({r[1] for r in rows})}
    levels = {(item_id, c["id"]): [level["points"] for level in c["levels"]]
              for item_id, item in items.items() for c in item.spec["rubric"]["criteria"]}
    criteria = {key: n for n, key in enumerate(levels)}
    candidates = {a: n for n, a in enumerate(sorted({r[0] for r in rows}))}
    raters = {rater: n for n, rater in enumerate(sorted({r[2] for r in rows}))}
    data = [(candidates[attempt_id], criteria[(item_id, key)], raters[rater],
             levels[(item_id, key)].index(value))
            for attempt_id, item_id, rater, points in rows for key, value in points.items()]
    if not data:
        raise ValueError("no ratings")
    result = fit_facets(*np.array(data, dtype=int).T,
                        np.array([len(points) for points in levels.values()]),
                        form="partial_credit")
    return RatingsFit(result, items, candidates, criteria, raters, levels)


def _set_final(task: RatingTask, item: Item, points: dict[str, float]) -> None:
    scored = get_scorer(item.type_id).score_points(item.spec, points)
    task.final_points, task.final_value, task.decided_by = points, scored.value, BY_FAIR
    response = db.session.get(ExamResponse, task.response_id)
    response.score = scored.value
    response.category = categorize(scored.value, item.thresholds)
