"""Scoring a part and deciding an attempt: the certification's reporting scale and rules.

**Reporting scale.** Each level's cut maps to 60 on every part, at every level (the standard's
rule: each part passes at 60): score = 60 + 12.5·(θ̂ − θ_cut), clipped to 0–100 and rounded
half up to a whole number once. The verdict is derived from that shown number (pass ⇔ ≥ 60),
so a displayed 60 always passes and a 59 always fails. 12.5 points are one logit; the score's
standard error is 12.5·SE(θ̂).

**Estimator.** θ̂ is Warm's weighted likelihood estimate within [−4, 4] over the part's
operational items: unlike an EAP it does not shrink towards the population mean, so a candidate
exactly at the cut passes about half the time. Adaptive parts choose items and stop with the
same estimator, so the stop and the decision agree.

**What counts.** Unanswered items score in the lowest category: every unanswered item of a
fixed form, and in an adaptive part the item on screen and, up to the part's minimum length,
the items the test would have given next. A part never started scores 0 and reads
"not attempted"; an abandoned attempt is graded the same way. Pretest items never count.

**Rated parts** (written work of levels 3–1, ``rating``): the score is the share of the
paper's rubric points that the final ratings give, × 100, rounded half up once; a blank or
unanswered task gives 0 of its points. Each part passes at 60, the same rule. Until every
answer's rating is final the part reads "awaiting rating" and has no score.
"""

from __future__ import annotations

import math

import numpy as np
from sqlalchemy import select

from talentpool.assessment import exam_bank, exposure, pools
from talentpool.assessment.models import ExamAttempt, ExamResponse, Item
from talentpool.psychometrics import record_response
from talentpool.psychometrics.decisions import wle
from talentpool.extensions import db
from talentpool.scoring.rubric import max_points

PASS_MARK = 60
POINTS_PER_LOGIT = 12.5
THETA_BOUNDS = (-4.0, 4.0)
SCORED, NOT_ATTEMPTED, INCOMPLETE = "scored", "not_attempted", "incomplete"
AWAITING_RATING = "awaiting_rating"


def report_score(theta: float, cut_theta: float) -> int:
    """The whole 0–100 score of θ̂ on a part whose cut is ``cut_theta`` (rounded once)."""
    value = PASS_MARK + POINTS_PER_LOGIT * (theta - cut_theta)
    return int(math.floor(min(max(value, 0.0), 100.0) + 0.5))


def passes(score: int) -> bool:
    return score >= PASS_MARK


def score_part(attempt: ExamAttempt, part: str, run_id: int | None = None) -> dict:
    """The part's result: raw figures, θ̂ and SE, the 0–100 score and its status.

    ``run_id`` rescores the same answers with another calibration run of the scale (to see
    what a recalibration would change); by default the run stored when the part started.
    """
    form = attempt.form or {}
    if part not in form:
        return {"status": NOT_ATTEMPTED, "score": 0, "score_se": None, "items": 0,
                "answered": 0, "points": 0.0, "right": 0}
    if pools.scheme().levels[attempt.level].part(part).rated:
        return score_rated_part(attempt, part)
    bank = exam_bank.part_bank(attempt, part, run_id)
    rule = pools.scheme().levels[attempt.level].part(part)
    rows = db.session.execute(
        select(ExamResponse.item_id, ExamResponse.category, ExamResponse.score)
        .where(ExamResponse.attempt_id == attempt.id, ExamResponse.part == part,
               ExamResponse.pretest.is_(False))
        .order_by(ExamResponse.position)).all()
    operational = ~bank.test.bank.pretest
    answered = [(i, c) for i, c, _s in rows if i in bank.index]
    unanswered = _unanswered(attempt, part, bank, rule, answered)
    counted = answered + [(i, 0) for i in unanswered]
    responses = np.full((1, len(bank.item_ids)), np.nan)
    for item_id, category in counted:
        index = bank.index[item_id]
        responses[0, index] = exam_bank.mapped_category(bank.entries[index], category)
    responses[0, ~operational] = np.nan
    columns = np.flatnonzero(~np.isnan(responses[0]))  # only what was given or counted
    estimate = wle(responses[:, columns], bank.test.bank.items.subset(columns), THETA_BOUNDS)
    theta, se = float(estimate.theta[0]), float(estimate.se[0])
    if not np.isfinite(theta):  # nothing operational was answered or shown
        theta, se = THETA_BOUNDS[0], math.nan
    score = report_score(theta, bank.cut_theta)
    seen = exam_bank.seen_before(attempt)
    shown = exposure.shown_in_attempt(attempt.id, part)
    return {
        "status": INCOMPLETE if unanswered else SCORED, "score": score,
        "score_se": round(POINTS_PER_LOGIT * se, 1) if np.isfinite(se) else None,
        "theta": round(theta, 4), "se": round(se, 4) if np.isfinite(se) else None,
        "cut_theta": round(bank.cut_theta, 4), "estimator": "wle",
        "items": len(counted), "answered": len(answered), "unanswered": len(unanswered),
        "points": round(sum(s for i, _c, s in rows if i in bank.index), 2),
        "right": sum(1 for i, _c, s in rows if i in bank.index and s >= 1.0),
        "run": form.get(f"{part}_run"), "standard": form.get(f"{part}_standard"),
        "reused": len(set(shown) & seen),
    }


def score_rated_part(attempt: ExamAttempt, part: str) -> dict:
    """A rated part's result from its answers' final ratings (see the module docstring)."""
    paper = (attempt.form or {}).get(part, [])
    items = {item.id: item for item in db.session.scalars(
        select(Item).where(Item.id.in_(paper)))}
    scores = dict(db.session.execute(select(ExamResponse.item_id, ExamResponse.score).where(
        ExamResponse.attempt_id == attempt.id, ExamResponse.part == part)).all())
    earned = possible = 0.0
    for item_id in paper:
        top = max_points(items[item_id].spec)
        possible += top
        earned += (scores.get(item_id) or 0.0) * top
    result = {"items": len(paper), "answered": len(scores), "rated": True,
              "unanswered": len(paper) - len(scores), "max_points": possible,
              "score_se": None, "right": 0}
    if any(item_id in scores and scores[item_id] is None for item_id in paper):
        return {**result, "status": AWAITING_RATING, "score": None, "points": None}
    score = int(math.floor(100.0 * earned / possible + 0.5)) if possible else 0
    return {**result, "status": INCOMPLETE if len(scores) < len(paper) else SCORED,
            "score": score, "points": round(earned, 2)}


def awaiting_rating(attempt: ExamAttempt) -> bool:
    return any(result.get("status") == AWAITING_RATING
               for result in (attempt.part_results or {}).values())


def _unanswered(attempt, part, bank, rule, answered) -> list[int]:
    """Operational items that count as unanswered (see the module docstring)."""
    done = {i for i, _c in answered}
    if rule.mode == "fixed":
        return [i for i in (attempt.form or {}).get(part, []) if i not in done
                and i in bank.index and not bank.test.bank.pretest[bank.index[i]]]
    missing = []
    current = attempt.current_item_id if attempt.state == part else None
    if current in bank.index and current not in done and \
            not bank.test.bank.pretest[bank.index[current]]:
        missing.append(current)
    state = exam_bank.state_of(bank, answered + [(i, 0) for i in missing])
    rng = np.random.default_rng(attempt.id)
    while len(state.operational(bank.test.bank)[0]) < rule.min_items:
        try:
            choice = bank.test.selector.select(bank.test.bank, state, rng, None,
                                               bank.test.membership,
                                               exam_bank.excluded_mask(bank, attempt, part))
        except ValueError:  # the pool ran out (cannot happen for a ready pool)
            break
        missing.append(bank.item_ids[choice])
        state = record_response(bank.test, state, choice, 0)
    return missing


def verdict(attempt: ExamAttempt) -> bool:
    """Both parts at 60 or more (the panel review of levels 2 and 1 comes after)."""
    results = attempt.part_results or {}
    return all(passes(results.get(part, {}).get("score") or 0) for part in ("theory", "practical"))

