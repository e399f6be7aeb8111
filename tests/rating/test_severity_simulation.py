"""Rater severity through the product: a sitting of simulated candidates whose written answers
are scored by raters of known severity (many-facet Rasch, partial credit). The fair scores the
product decides with are closer to what an average rater would give than the raters' means.
"""

from __future__ import annotations

import numpy as np
import pytest

from talentpool.accounts.service import create_user
from talentpool.assessment.models import ExamAttempt
from talentpool.auth import Role
from talentpool.certification.service import issue_certificate
from talentpool.extensions import db
from talentpool.organisations import service as organisations
from talentpool.organisations.models import OfficeRole, OrganisationMember
from talentpool.rating import service as rating
from talentpool.rating.models import FINAL, RATER
from tests.conftest import PASSWORD
from tests.exam_bank import make_ready_bank
from tests.office.helpers import make_sitting, seat
from tests.rating.test_rating import WRITTEN, sit

SEVERITY = np.array([-1.0, -0.6, -0.2, 0.2, 0.6, 1.0])
# The test rubric (tests/scoring/examples.make_rubric): scope 0/2/4 points, examples 0/3.
THRESHOLDS = {"scope": np.array([-0.5, 0.5]), "examples": np.array([0.0])}
POINTS = {"scope": np.array([0, 2, 4]), "examples": np.array([0, 3])}


def probabilities(eta: float, thresholds: np.ndarray) -> np.ndarray:
    """Partial-credit category probabilities at η = θ − α (criterion difficulty 0)."""
    logits = np.concatenate([[0.0], np.cumsum(eta - thresholds)])
    weights = np.exp(logits - logits.max())
    return weights / weights.sum()


@pytest.mark.slow
def test_fair_scores_undo_rater_severity(app, tmp_path):
    rng = np.random.default_rng(7)
    n = 40
    make_ready_bank(app, tmp_path, rated_levels=(3,), rated={"adjudication_gap": 1.0})
    app.config["RATING_FAIR_MIN_CANDIDATES"] = 30
    with app.test_request_context():
        session = make_sitting(3, "Level 3 · simulated sitting")
        organisation = organisations.default_organisation()
        raters = {}
        for j in range(len(SEVERITY)):
            person = create_user(f"rater{j}@example.org", f"Rater {j}", PASSWORD, Role.TRAINEE)
            db.session.add(OrganisationMember(organisation_id=organisation.id,
                                              user_id=person.id, role=OfficeRole.RATER))
            raters[person.id] = SEVERITY[j]
        db.session.commit()
        theta, attempts = {}, []
        for k in range(n):
            person = create_user(f"c{k}@example.org", f"C {k}", PASSWORD, Role.TRAINEE)
            for level in (5, 4):
                issue_certificate(person, level, 80, 80)
            seat(session, person.id)
            attempt = sit(person.id, session.public_id, written=(WRITTEN, WRITTEN))
            theta[attempt.id] = rng.normal()
            attempts.append(attempt.id)
        raw = {}
        for rater_id, alpha in raters.items():
            for assignment in rating.queue_of(rater_id):
                eta = theta[assignment.task.attempt_id] - alpha
                points = {key: int(rng.choice(POINTS[key], p=probabilities(eta, THRESHOLDS[key])))
                          for key in POINTS}
                rating.submit_rating(rater_id, assignment.public_id, points, {})
        tasks = [t for a in attempts for t in rating.tasks_of_attempt(a)]
        assert all(task.state == FINAL and task.decided_by == "fair" for task in tasks)
        truth, fair = [], []
        for task in tasks:
            expected = sum(float(POINTS[key] @ probabilities(theta[task.attempt_id],
                                                             THRESHOLDS[key])) for key in POINTS)
            truth.append(expected)
            fair.append(sum(task.final_points.values()))
            given = [sum(a.points.values()) for a in task.assignments if a.role == RATER]
            raw[task.id] = sum(given) / len(given)
        truth, fair = np.array(truth), np.array(fair)
        raw_means = np.array([raw[task.id] for task in tasks])
        rmse_fair = float(np.sqrt(np.mean((fair - truth) ** 2)))
        rmse_raw = float(np.sqrt(np.mean((raw_means - truth) ** 2)))
        print(f"RMSE against an average rater's expected points: fair {rmse_fair:.3f}, "
              f"raw mean {rmse_raw:.3f} (of 7 points per task)")
        assert rmse_fair < rmse_raw
        decided = db.session.get(ExamAttempt, attempts[0])
        assert decided.state in ("passed", "failed")
        assert decided.part_results["practical"]["severity"]["fair"] is True
