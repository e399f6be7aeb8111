"""Honest decisions: what unanswered items count, not-attempted parts, one rounding, no
decision without calibration and a standard, held levels, a standard that stays fixed."""

from datetime import timedelta

import numpy as np
import pytest
from sqlalchemy import select

from talentpool.accounts.service import find_user_by_email
from talentpool.assessment import exam, grading
from talentpool.assessment.field_test import simulate_field_test, simulate_sitting
from talentpool.auth import Role
from talentpool.certification.models import Certificate
from talentpool.database import utcnow
from talentpool.extensions import db
from tests.exam_bank import bank_packs, make_ready_bank, make_scheme
from tests.office.helpers import make_sitting, publish_now, seat
from tests.packs import import_live


def open_session(level=5):
    now = utcnow()
    return exam.create_session(level, "t", now - timedelta(hours=1), now + timedelta(hours=5),
                               None).public_id


def test_the_score_is_rounded_once_and_the_verdict_follows_the_number_shown():
    assert grading.report_score(0.8, 0.8) == 60 and grading.passes(60)
    assert grading.report_score(0.8 - 0.039, 0.8) == 60  # 59.51 shows as 60: a pass
    assert grading.report_score(0.8 - 0.041, 0.8) == 59 and not grading.passes(59)
    assert grading.report_score(9.0, 0.0) == 100 and grading.report_score(-9.0, 0.0) == 0


def test_a_blank_attempt_fails_both_parts(app, tmp_path, make_user):
    make_ready_bank(app, tmp_path)
    email = make_user(Role.TRAINEE)
    with app.test_request_context():
        attempt = exam.start_attempt(find_user_by_email(email).id, open_session())
        attempt = exam.finish(attempt, attempt.sequence)
        theory, practical = attempt.part_results["theory"], attempt.part_results["practical"]
        assert attempt.state == "failed" and attempt.certificate_serial is None
        assert theory["status"] == "incomplete" and theory["unanswered"] == 3
        assert theory["answered"] == 0 and theory["score"] < 60
        assert practical == {**practical, "status": "not_attempted", "score": 0}
        assert attempt.practical_score == 0


def test_the_result_page_shows_raw_figures_interval_and_not_attempted(app, client, auth,
                                                                      tmp_path, make_user):
    make_ready_bank(app, tmp_path)
    email = make_user(Role.TRAINEE)
    auth.login(email, follow_redirects=True)
    with app.test_request_context():
        attempt = exam.start_attempt(find_user_by_email(email).id, open_session())
        public_id = exam.finish(attempt, attempt.sequence).public_id
    html = client.get(f"/exams/attempts/{public_id}").get_data(as_text=True)
    assert "未作答" in html or "not attempted" in html
    assert "0 of 3" in html or "3 道计分题中答了 0 道" in html
    assert "±" in html


def test_a_level_already_held_cannot_be_sat_again(app, tmp_path, make_user):
    make_ready_bank(app, tmp_path)
    email = make_user(Role.TRAINEE)
    with app.test_request_context():
        user = find_user_by_email(email)
        sitting = make_sitting(5)
        seat(sitting, user.id)
        attempt = simulate_sitting(user.id, sitting.public_id, 3.0, np.random.default_rng(1))
        assert attempt.state == "passed"
        publish_now(sitting, appeal_window_days=0)
        certificate = db.session.scalar(select(Certificate).where(
            Certificate.serial == attempt.certificate_serial))
        assert certificate.decision["theory"]["run"] == attempt.part_results["theory"]["run"]
        assert certificate.decision["practical"]["standard"] is not None
        with pytest.raises(exam.ExamError, match="already hold|已持有"):
            exam.start_attempt(user.id, open_session())
        later = make_sitting(5)
        seat(later, user.id)
        with pytest.raises(exam.ExamError, match="already hold|已持有"):
            exam.start_attempt(user.id, later.public_id)


def test_nothing_certifies_before_calibration_and_a_standard(app, tmp_path):
    app.config["EXAM_SCHEME"] = str(make_scheme(tmp_path / "scheme"))
    with app.test_request_context():
        for pack in bank_packs(tmp_path / "packs"):
            import_live(pack)
        with pytest.raises(exam.ExamError) as refused:
            open_session()
        message = str(refused.value)
        assert "no active calibration" in message or "没有生效的标定" in message
        simulate_field_test(300, np.random.default_rng(3))
        with pytest.raises(exam.ExamError, match="standard|标准"):
            open_session()
