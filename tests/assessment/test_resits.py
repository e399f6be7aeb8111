"""Resits (补考): after passing one part and failing the other, a candidate sits only the failed
part within the window, keeping the passed part; outside it, or after failing both, the whole
exam. Run through the product's exam service and pages."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from talentpool.assessment import exam
from talentpool.assessment.field_test import FIELD_TEST_STATE
from talentpool.assessment.models import ExamAttempt, ExamResponse, Item
from talentpool.auth import Role
from talentpool.database import utcnow
from talentpool.extensions import db
from tests.assessment.test_exam import gold_for, start
from tests.conftest import csrf_from
from tests.exam_bank import make_ready_bank
from tests.office.helpers import make_sitting, publish_now


@pytest.fixture
def session_id(app, tmp_path):
    """A certifying sitting; ``start`` seats and checks in the signed-in candidate."""
    make_ready_bank(app, tmp_path)
    with app.app_context():
        return make_sitting(5, "Level 5", closes_at=utcnow() + timedelta(days=3)).public_id


def latest(app) -> ExamAttempt:
    with app.app_context():
        return db.session.scalars(select(ExamAttempt).where(
            ExamAttempt.state != FIELD_TEST_STATE).order_by(ExamAttempt.id.desc())).first()


def sit(app, client, right: dict[str, bool]) -> ExamAttempt:
    """Answer every item of each part met, right or wrong as ``right[part]`` says."""
    for _ in range(40):
        attempt = latest(app)
        if attempt.state not in ("theory", "practical"):
            return attempt
        with app.app_context():
            item = db.session.get(Item, attempt.current_item_id)
            answer = gold_for(item.id) if right[attempt.state] else (
                {"text": "x"} if item.type_id == "transcription" else {"choice": "pos"})
        page = client.get(f"/exams/attempts/{attempt.public_id}").get_data(as_text=True)
        reply = client.post(f"/exams/attempts/{attempt.public_id}/answer?sequence="
                            f"{attempt.sequence}", json={"answer": answer},
                            headers={"X-CSRFToken": csrf_from(page)})
        assert reply.status_code == 200
    raise AssertionError("the attempt did not end")


def age(app, attempt: ExamAttempt, days: int) -> None:
    """Move a finished attempt ``days`` into the past (past the retake wait)."""
    from datetime import datetime

    with app.app_context():
        row = db.session.get(ExamAttempt, attempt.id)
        row.finished_at -= timedelta(days=days)
        for part, result in (row.part_results or {}).items():  # a kept part ages alike
            if result.get("passed_at"):
                moved = datetime.fromisoformat(result["passed_at"]) - timedelta(days=days)
                row.part_results = {**row.part_results,
                                    part: {**result, "passed_at": moved.isoformat()}}
        db.session.commit()


def parts_sat(app, attempt: ExamAttempt) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(ExamResponse.part).where(
            ExamResponse.attempt_id == attempt.id)))


@pytest.fixture
def candidate(client, auth, make_user):
    auth.login(make_user(Role.TRAINEE))


def test_a_failed_practical_is_resat_alone_and_the_theory_is_kept(app, client, session_id,
                                                                  candidate):
    start(client, session_id)
    first = sit(app, client, {"theory": True, "practical": False})
    assert first.state == "failed"
    assert first.part_results["theory"]["score"] >= 60 > first.part_results["practical"]["score"]
    age(app, first, 30)
    assert start(client, session_id).status_code == 302
    resit = latest(app)
    assert resit.id != first.id and resit.state == "practical"  # straight to the failed part
    page = client.get(f"/exams/attempts/{resit.public_id}").get_data(as_text=True)
    assert 'data-kept="theory"' in page
    resit = sit(app, client, {"theory": False, "practical": True})
    assert resit.state == "passed"
    with app.app_context():
        publish_now(session_id, appeal_window_days=0)
    resit = latest(app)
    assert resit.certificate_serial
    assert parts_sat(app, resit) == {"practical"}
    kept = resit.part_results["theory"]
    assert kept["carried_from"] == first.public_id
    assert kept["score"] == first.part_results["theory"]["score"]
    assert resit.theory_score == first.theory_score
    with app.app_context():
        from talentpool.certification.service import find_certificate

        certificate = find_certificate(resit.certificate_serial)
        assert certificate.theory_score == round(first.theory_score)
        assert certificate.decision["theory"]["carried_from"] == first.public_id
        assert certificate.decision["practical"]["carried_from"] is None


def test_a_failed_theory_is_resat_alone(app, client, session_id, candidate):
    start(client, session_id)
    first = sit(app, client, {"theory": False, "practical": True})
    assert first.state == "failed"
    age(app, first, 30)
    start(client, session_id)
    resit = latest(app)
    assert resit.state == "theory"
    resit = sit(app, client, {"theory": True, "practical": False})
    assert resit.state == "passed"
    assert parts_sat(app, resit) == {"theory"}  # the practical part never started


def test_the_kept_part_expires_with_the_window_and_through_further_resits(
        app, client, session_id, candidate):
    app.config["RESIT_WINDOW_DAYS"] = 100
    start(client, session_id)
    first = sit(app, client, {"theory": True, "practical": False})
    age(app, first, 60)
    start(client, session_id)
    second = sit(app, client, {"theory": False, "practical": False})  # practical fails again
    assert second.state == "failed" and parts_sat(app, second) == {"practical"}
    assert second.part_results["theory"]["carried_from"] == first.public_id
    age(app, second, 30)  # theory now passed 90 days ago: still kept
    start(client, session_id)
    third = latest(app)
    assert third.state == "practical"
    third = sit(app, client, {"theory": False, "practical": False})
    age(app, third, 30)  # 120 days since the theory was passed: the window has closed
    start(client, session_id)
    assert latest(app).state == "theory" and "theory" not in (latest(app).part_results or {})


def test_failing_both_parts_means_sitting_both_again(app, client, session_id, candidate):
    start(client, session_id)
    first = sit(app, client, {"theory": False, "practical": False})
    age(app, first, 30)
    start(client, session_id)
    again = sit(app, client, {"theory": True, "practical": True})
    assert again.state == "passed" and parts_sat(app, again) == {"theory", "practical"}


def test_a_mock_exam_keeps_no_part_for_a_certifying_sitting(app, client, session_id, candidate):
    with app.app_context():
        now = utcnow()
        mock = exam.create_session(5, "Mock", now - timedelta(hours=1), now + timedelta(days=3),
                                   None).public_id
    start(client, mock)
    practice_run = sit(app, client, {"theory": True, "practical": False})
    assert practice_run.state == "failed" and not practice_run.session_id == session_id
    age(app, practice_run, 30)
    start(client, session_id)
    real = latest(app)
    assert real.state == "theory" and "theory" not in (real.part_results or {})
