"""The office's view of how its raters agree: per written task, agreement of the raters' total
points (exact, within one point, quadratic-weighted kappa per rater, one-way ICC), and over all
tasks the many-facet Rasch severities and fit of each rater (``psychometrics``).

Only the first ratings count (the raters of a task, not its adjudicator), from every rated
answer of the organisation. A task with too few double-rated answers, or a model that cannot be
fitted, says why instead of showing a figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from flask_babel import gettext as _
from sqlalchemy import select

from talentpool.accounts.models import User
from talentpool.assessment.models import Item
from talentpool.extensions import db
from talentpool.organisations.models import Organisation
from talentpool.psychometrics.agreement import rater_agreement
from talentpool.psychometrics.facets import PRODUCTIVE_RANGE
from talentpool.rating.models import RATER, RatingAssignment, RatingTask
from talentpool.rating.severity import fit_ratings, model_problem
from talentpool.scoring.rubric import max_points

MIN_ANSWERS = 2


@dataclass(frozen=True)
class ItemAgreement:
    item: Item
    answers: int
    rows: list[dict]  # per rater: name, n, mean, exact, adjacent, kappa
    exact: float | None
    icc: float | None
    problem: str | None


@dataclass(frozen=True)
class Severity:
    rows: list[dict]  # per rater: name, n, severity, se, infit, outfit, flagged
    problem: str | None
    connected: bool


def _ratings(organisation: Organisation):
    return db.session.execute(
        select(RatingTask.id, RatingTask.attempt_id, RatingTask.item_id,
               RatingAssignment.rater_id, RatingAssignment.points)
        .join(RatingAssignment, RatingAssignment.task_id == RatingTask.id)
        .where(RatingTask.organisation_id == organisation.id, RatingAssignment.role == RATER,
               RatingAssignment.submitted_at.is_not(None),
               RatingAssignment.rater_id.is_not(None))
        .order_by(RatingTask.id, RatingAssignment.id)).all()


def _names(ids) -> dict[int, str]:
    return dict(db.session.execute(select(User.id, User.display_name)
                                   .where(User.id.in_(list(ids)))).all())


def agreement_by_item(organisation: Organisation) -> list[ItemAgreement]:
    rows = _ratings(organisation)
    names = _names({row.rater_id for row in rows})
    result = []
    for item_id in sorted({row.item_id for row in rows}):
        item = db.session.get(Item, item_id)
        mine = [row for row in rows if row.item_id == item_id]
        counts: dict[int, int] = {}
        for row in mine:
            counts[row.id] = counts.get(row.id, 0) + 1
        doubled = [row for row in mine if counts[row.id] >= 2]
        answers = len({row.id for row in doubled})
        if answers < MIN_ANSWERS:
            result.append(ItemAgreement(item, answers, [], None, None, _(
                "Fewer than %(n)d answers scored by two raters yet.", n=MIN_ANSWERS)))
            continue
        try:
            summary = rater_agreement(
                np.array([row.id for row in doubled]),
                np.array([row.rater_id for row in doubled]),
                np.array([sum(row.points.values()) for row in doubled]),
                max_points(item.spec) + 1)
        except ValueError as error:
            result.append(ItemAgreement(item, answers, [], None, None, str(error)))
            continue
        per_rater = [{"name": names.get(int(rater), "—"), "n": int(summary.n_ratings[j]),
                      "mean": float(summary.mean_score[j]), "exact": float(summary.exact[j]),
                      "adjacent": float(summary.adjacent[j]),
                      "kappa": _number(summary.kappa[j])}
                     for j, rater in enumerate(summary.raters)]
        result.append(ItemAgreement(item, answers, per_rater, float(summary.overall_exact),
                                    _number(summary.icc), None))
    return result


def severities(organisation: Organisation) -> Severity:
    """Each rater's severity (logits, positive = harsher) and fit over all written tasks."""
    rows = _ratings(organisation)
    if not rows:
        return Severity([], _("No written answers have been scored yet."), False)
    try:
        fitted = fit_ratings([(row.attempt_id, row.item_id, row.rater_id, row.points)
                              for row in rows])
    except ValueError as error:
        return Severity([], _("The rater model cannot be fitted yet: %(problem)s",
                              problem=model_problem(error)), False)
    fit, raters = fitted.result, fitted.raters
    names = _names(raters)
    low, high = PRODUCTIVE_RANGE
    table = [{"name": names.get(rater, "—"), "n": int(fit.rater_n[j]),
              "severity": _number(fit.rater_severity[j]), "se": _number(fit.rater_se[j]),
              "infit": _number(fit.rater_infit[j]), "outfit": _number(fit.rater_outfit[j]),
              "flagged": bool(not low <= fit.rater_infit[j] <= high
                              or not low <= fit.rater_outfit[j] <= high)}
             for rater, j in raters.items()]
    problem = None if fit.connected else fit.design.reason
    return Severity(table, problem, fit.connected)


def _number(value) -> float | None:
    return float(value) if value is not None and np.isfinite(value) else None
