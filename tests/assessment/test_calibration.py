"""Calibration in the product, checked against simulated answers with known item parameters."""

import numpy as np
import pytest
from sqlalchemy import select

from talentpool.accounts.models import User
from talentpool.assessment.calibration import (
    CalibrationError, activate_run, active_run, calibrate_track, merge_sparse_categories,
)
from talentpool.assessment.models import Item
from talentpool.auth import Role
from talentpool.extensions import db
from talentpool.practice import skills
from talentpool.practice.models import Response
from talentpool.psychometrics import random_dichotomous_items, simulate_responses
from tests.packs import import_live, make_item, make_pack

N_ITEMS, N_PERSONS = 12, 600


def make_answers(app, tmp_path, seed=7, n_persons=N_PERSONS):
    """Import 12 right/wrong items and store simulated first answers of ``n_persons`` people."""
    rng = np.random.default_rng(seed)
    truth = random_dichotomous_items(N_ITEMS, rng)
    theta = rng.normal(0, 1, n_persons)
    answers = simulate_responses(theta, truth, rng)
    items = [make_item("single_choice", f"q{j:02d}") for j in range(N_ITEMS)]
    with app.app_context():
        import_live(make_pack(tmp_path / "sim", "sim-pack", items=items))
        by_key = {i.key: i for i in db.session.scalars(select(Item))}
        users = [User(email=f"p{n}@example.org", display_name=f"P{n}", password_hash="x",
                      role=Role.TRAINEE) for n in range(n_persons)]
        db.session.add_all(users)
        db.session.flush()
        for n, user in enumerate(users):
            for j in range(N_ITEMS):
                item = by_key[f"q{j:02d}"]
                value = int(answers[n, j])
                db.session.add(Response(user_id=user.id, item_id=item.id, item_revision=1,
                                        track=item.track, answer={}, score=float(value),
                                        category=value, max_category=1, feedback={}))
        db.session.commit()
    return truth, theta


def test_calibration_recovers_known_parameters(app, tmp_path):
    truth, _theta = make_answers(app, tmp_path)
    with app.app_context():
        run = calibrate_track("text_classification", "test", min_responses=50)
        assert run.converged and run.active and run.n_items == N_ITEMS
        params = sorted(run.parameters, key=lambda p: p.item.key)
        b = np.array([p.b[0] for p in params])
        a = np.array([p.a for p in params])
        # With 600 people the SE of b is about 0.1 and of a about 0.12 (2PL, a≈1.2):
        # allow three SEs of root-mean-square error.
        assert np.sqrt(np.mean((b - truth.b[:, 0]) ** 2)) < 0.3
        assert np.sqrt(np.mean((a - truth.a) ** 2)) < 0.36
        assert all(p.p_value is not None and p.point_biserial > 0 for p in params)


def test_skill_estimates_follow_true_ability(app, tmp_path):
    _truth, theta = make_answers(app, tmp_path, seed=11, n_persons=300)
    with app.app_context():
        calibrate_track("text_classification", "test", min_responses=50)
        users = list(db.session.scalars(select(User).where(User.role == Role.TRAINEE)
                                        .order_by(User.id)))
        estimates = [skills.estimate(u.id, "text_classification") for u in users[:150]]
        est = np.array([e.theta for e in estimates])
        assert np.corrcoef(est, theta[:150])[0, 1] > 0.75  # 12 items: reliability ≈ 0.7–0.8
        assert all(not e.provisional and 0.3 < e.se < 0.9 for e in estimates)
        assert all(0 <= e.score <= 100 for e in estimates)


def test_too_little_data_is_refused_with_a_reason(app, tmp_path):
    make_answers(app, tmp_path, n_persons=15)
    with app.app_context(), pytest.raises(CalibrationError, match="needs 2 items and 20 persons"):
        calibrate_track("text_classification", "test", min_responses=10)


def test_runs_are_kept_and_can_be_reactivated(app, tmp_path):
    make_answers(app, tmp_path, n_persons=200)
    with app.app_context():
        first = calibrate_track("text_classification", "test", min_responses=50)
        second = calibrate_track("text_classification", "test", min_responses=50)
        assert active_run("text_classification").id == second.id
        activate_run(first.public_id)
        assert active_run("text_classification").id == first.id


def test_provisional_skill_before_calibration(app, tmp_path, make_user):
    email = make_user()
    with app.app_context():
        import_live(make_pack(tmp_path, items=[make_item("single_choice", "q0", tags=["hard"])]))
        from talentpool.accounts.service import find_user_by_email
        from talentpool.practice.service import submit

        user = find_user_by_email(email)
        item = db.session.scalars(select(Item)).one()
        submit(user.id, item, {"choice": "neg"}, None)
        latest = skills.current(user.id)["text_classification"]
        assert latest.provisional and latest.n_items == 1
        assert latest.score > 50 and latest.score_se > 8  # one right answer: up, but uncertain


@pytest.mark.parametrize("counts, mapping", [
    ([50, 40, 30], [0, 1, 2]),
    ([50, 40, 2], [0, 1, 1]),     # nobody really reached the top: merged down
    ([3, 40, 30], [0, 0, 1]),     # bottom joins its upper neighbour
    ([50, 1, 30], [0, 0, 1]),
    ([80, 0, 0], [0, 0, 0]),      # no variation left
])
def test_merge_sparse_categories(counts, mapping):
    assert merge_sparse_categories(counts, minimum=5) == mapping


def test_score_scale():
    assert skills.report_score(0) == 50 and skills.report_score(0.8) == pytest.approx(60)
    assert skills.report_score(10) == 100 and skills.report_score(-10) == 0
    assert skills.theta_for_score(60) == pytest.approx(0.8)
