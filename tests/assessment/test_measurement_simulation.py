"""The certification's measurement, checked by simulation with known truth through the
product's own services: simulated candidates of known ability sit real sessions (exam service,
scoring, grading), on a bank calibrated by the product from a simulated field test and a
standard recorded from a simulated Angoff panel. Slow: CI runs these once."""

from datetime import timedelta

import numpy as np
import pytest

from talentpool.accounts.models import User
from talentpool.assessment import exam, exposure, grading
from talentpool.assessment.calibration import active_run
from talentpool.assessment.field_test import simulate_field_test, simulate_sitting
from talentpool.auth import Role
from talentpool.database import utcnow
from talentpool.extensions import db
from tests.exam_bank import make_ready_bank

pytestmark = pytest.mark.slow

CUT = 0.5
# Realistic lengths: a 20-item theory form and an adaptive practical part of 8–16 items.
SCHEME = {"theory_items": 20, "practical_min": 8, "practical_max": 16}
PACKS = {"n_theory": 90, "n_practical": 70, "practical_type": "single_choice"}


@pytest.fixture
def measured(app, tmp_path):
    cuts = {(level, part): CUT for level in (5, 4, 3, 2, 1) for part in ("theory", "practical")}
    truth = make_ready_bank(app, tmp_path, cuts=cuts, n_persons=500, packs=PACKS, **SCHEME)
    return truth


def candidates(n, prefix):
    rows = [User(email=f"{prefix}{k}@example.org", display_name=f"Sim {k}", password_hash="!",
                 role=Role.TRAINEE) for k in range(n)]
    db.session.add_all(rows)
    db.session.commit()
    return [u.id for u in rows]


def session(level=5):
    now = utcnow()
    return exam.create_session(level, "sim", now - timedelta(hours=1), now + timedelta(days=1),
                               None).public_id


def test_decisions_at_the_cut_are_even_and_accurate_and_exposure_stays_capped(app, measured):
    rng = np.random.default_rng(2026)
    with app.test_request_context():
        sitting = session()
        at_cut = candidates(300, "cut")
        passes = {"theory": [], "practical": []}
        for user_id in at_cut:
            attempt = simulate_sitting(user_id, sitting, CUT, rng, measured)
            for part in passes:
                passes[part].append(grading.passes(attempt.part_results[part]["score"]))
        for part, outcomes in passes.items():
            assert 0.40 <= np.mean(outcomes) <= 0.60, (part, np.mean(outcomes))
        population = rng.normal(0.0, 1.0, 700)
        right = {"theory": [], "practical": []}
        for user_id, theta in zip(candidates(len(population), "pop"), population, strict=True):
            attempt = simulate_sitting(user_id, sitting, float(theta), rng, measured)
            for part in right:
                decided = grading.passes(attempt.part_results[part]["score"])
                right[part].append(decided == (theta >= CUT))
        for part, outcomes in right.items():
            print(f"{part}: P(pass | θ = cut) {np.mean(passes[part]):.3f}, "
                  f"accuracy {np.mean(outcomes):.3f}")
        for part, outcomes in right.items():
            assert np.mean(outcomes) >= 0.92, (part, np.mean(outcomes))
        for part in ("theory", "practical"):  # 1,000 forms of level 5
            shown = exposure.exposure(5, part, utcnow())
            assert shown.administrations == 1000
            assert max(shown.counts.values()) / shown.administrations <= 0.25 + 0.01, part


def test_recalibration_with_a_stronger_cohort_keeps_identical_answers_within_a_point(
        app, measured):
    rng = np.random.default_rng(7)
    with app.test_request_context():
        sitting = session()
        attempts = [simulate_sitting(u, sitting, float(t), rng, measured)
                    for u, t in zip(candidates(60, "link"), rng.normal(0.3, 1.0, 60), strict=True)]
        base = {part: active_run(part) for part in ("theory", "practical")}
        simulate_field_test(400, rng, theta_mean=1.0)  # a stronger cohort joins; recalibrate
        for part, run in base.items():
            new = active_run(part)
            assert new.id != run.id and new.link_method == "stocking-lord", new.link_problem
            before = [grading.score_part(a, part)["score"] for a in attempts]
            after = [grading.score_part(a, part, new.id)["score"] for a in attempts]
            assert np.mean(np.abs(np.subtract(after, before))) <= 1.0, (part, new.link_a,
                                                                        new.link_b)
