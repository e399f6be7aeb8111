"""The panel's decision rule, by simulation with known truth through the product's services.

Simulated level-2 candidates with a known true panel score τ (the score a perfectly calibrated
panel would give) sit a certifying sitting; their hearings are seated from a plan's panel of
five members whose severities are known (points) and who score each rubric
criterion with noise (SD 8 % of its points), rounding to the nearest level of the rubric. The
product's own services seat the panels, take the scores and decide. A plan's panel sits in
order of appointment, so the first three (severities −8, 0, +8) hear every candidate, as one
评审组 hears a whole batch.

The three-member mean must certify the candidates who should pass: every candidate at least
12 points from the pass mark is decided as τ says, and the mean of three decides at least as
many candidates right as the first seated member alone would have. Slow: CI runs it once.
"""

from __future__ import annotations

import numpy as np
import pytest

from talentpool.accounts.service import find_user_by_email
from talentpool.assessment import exam
from talentpool.auth import Role
from talentpool.certification.service import issue_certificate
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.organisations import office
from talentpool.organisations.service import default_organisation
from talentpool.rating import hearings, panels
from tests.assessment.test_exam import gold_for
from tests.exam_bank import PANEL_RULE, make_ready_bank
from tests.office.helpers import make_sitting, seat

pytestmark = pytest.mark.slow

SEVERITIES = (-8.0, 0.0, 8.0, -4.0, 4.0)  # in order of appointment
CANDIDATES = 24
PASS_MARK = PANEL_RULE["pass_mark"]


def rated_points(criterion: dict, share: float) -> int:
    """The rubric level nearest to ``share`` of the criterion's top points."""
    levels = [level["points"] for level in criterion["levels"]]
    target = share * levels[-1]
    return min(levels, key=lambda points: abs(points - target))


def member_points(true_score: float, severity: float, rng) -> dict[str, int]:
    criteria = PANEL_RULE["rubric"]["criteria"]
    return {c["id"]: rated_points(c, float(np.clip(
        (true_score - severity) / 100 + rng.normal(0, 0.08), 0, 1))) for c in criteria}


def test_the_mean_of_three_certifies_the_candidates_who_should_pass(app, tmp_path, make_user):
    make_ready_bank(app, tmp_path)
    rng = np.random.default_rng(17024)
    members = [make_user(Role.INSTITUTION_STAFF) for _ in SEVERITIES]
    candidates = [make_user() for _ in range(CANDIDATES)]
    truth = rng.uniform(30, 90, CANDIDATES)
    decided, alone = [], []
    with app.test_request_context():
        admin = find_user_by_email(make_user(Role.ADMIN))
        organisation = default_organisation()
        for email in members:
            office.appoint(organisation, email, "panel_member", admin)
        sitting = make_sitting(2, "Level 2 · simulated")
        from talentpool.office.models import Plan

        plan = db.session.get(Plan, sitting.plan_id).public_id
        for email in members:
            panels.appoint(organisation, plan, email, admin)
        severity = {find_user_by_email(e).id: s for e, s in zip(members, SEVERITIES)}
        for email, tau in zip(candidates, truth):
            person = find_user_by_email(email)
            issue_certificate(person, 3, 80, 80)
            seat(sitting, person.id)
            attempt = exam.start_attempt(person.id, sitting.public_id)
            while attempt.state in ("theory", "practical"):
                exam.submit_answer(attempt, attempt.sequence,
                                   gold_for(attempt.current_item_id))
            hearing = hearings.hearing_of(attempt.id)
            seats = panels.active_seats(hearing)
            assert len(seats) == 3 and attempt.state == "awaiting_panel"
            hearings.record_defence(seats[0].member_id, hearing.public_id,
                                    [{"question": "Q", "answer": "A"}], "", utcnow())
            given = [member_points(tau, severity[s.member_id], rng) for s in seats]
            alone.append(sum(given[0].values()) >= PASS_MARK)
            for s, points in zip(seats, given):
                hearings.submit_scores(s.member_id, hearing.public_id, points,
                                       {"": "simulated"})
            db.session.refresh(attempt)
            decided.append(attempt.passed)
    should = truth >= PASS_MARK
    decided, alone = np.array(decided), np.array(alone)
    clear = np.abs(truth - PASS_MARK) >= 12
    assert clear.sum() >= CANDIDATES // 2
    assert (decided[clear] == should[clear]).all()
    assert (decided == should).sum() >= (alone == should).sum()
    assert (decided == should).mean() >= 0.85
