"""Panel reviews (综合评审) of level 2 and 1: only people appointed to the candidate's session
see and decide them, never the candidate's own teachers, and administrators only when
appointed. A pass by an appointed panel member leads to the certificate once the sitting's
results are published."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from talentpool.accounts.service import find_user_by_email
from talentpool.assessment import exam, panels
from talentpool.assessment.models import ExamAttempt
from talentpool.auth import Role
from talentpool.certification.service import issue_certificate
from talentpool.cohorts import enrolment
from talentpool.cohorts import service as cohorts
from talentpool.database import utcnow
from talentpool.extensions import db
from tests.assessment.test_exam import gold_for
from tests.conftest import csrf_from
from tests.exam_bank import make_ready_bank
from talentpool.organisations import office
from tests.office.helpers import make_sitting, publish_now, seat


@pytest.fixture
def waiting(app, tmp_path, make_user):
    """A level-2 attempt awaiting its panel; the candidate is in a cohort of institution A."""
    make_ready_bank(app, tmp_path)
    people = {"candidate": make_user(), "admin": make_user(Role.ADMIN),
              "home_admin": make_user(Role.INSTITUTION_STAFF),
              "own_teacher": make_user(Role.INSTITUTION_STAFF),
              "other_staff": make_user(Role.INSTITUTION_STAFF),
              "instructor": make_user(Role.INSTITUTION_STAFF),
              "outsider": make_user(Role.INSTITUTION_STAFF)}
    with app.test_request_context():
        admin = find_user_by_email(people["admin"])
        home, _link = cohorts.create_institution("Institution A", people["home_admin"], admin)
        other, _link = cohorts.create_institution("Institution B", people["other_staff"], admin)
        cohorts.create_institution("Institution C", people["outsider"], admin)
        # The candidate's own instructor, and an instructor elsewhere, both never appointed.
        cohorts.add_instructor(home, people["own_teacher"], admin)
        cohorts.add_instructor(other, people["instructor"], admin)
        db.session.commit()
        cohort = cohorts.create_cohort(home.id, "Spring", 2, {"theory": 10}, date.today(),
                                       date.today() + timedelta(days=60), admin)
        candidate = find_user_by_email(people["candidate"])
        enrolment.join(cohort.join_code, candidate)
        issue_certificate(candidate, 3, 80, 80)
        session = make_sitting(2, "Level 2 · panel")
        seat(session, candidate.id)
        for member in ("own_teacher", "other_staff", "admin"):  # the organisation's experts
            office.appoint(session.organisation, people[member], "panel_member", admin)
        attempt = exam.start_attempt(candidate.id, session.public_id)
        while attempt.state in ("theory", "practical"):
            exam.submit_answer(attempt, attempt.sequence, gold_for(attempt.current_item_id))
        assert attempt.state == "awaiting_panel" and attempt.certificate_serial is None
        return {**people, "session": session.public_id, "attempt": attempt.public_id}


def review(client, auth, email, attempt_id):
    client.delete_cookie("session")
    auth.login(email)
    page = client.get("/exams/panel")
    listed = attempt_id in page.get_data(as_text=True)
    reply = client.post("/exams/panel", data={
        "attempt": attempt_id, "score": "75", "comment": "Sound, well-argued work.",
        "csrf_token": csrf_from(page.get_data(as_text=True))}, follow_redirects=True)
    return listed, reply


def state(app, attempt_id):
    with app.app_context():
        return db.session.scalar(select(ExamAttempt.state).where(
            ExamAttempt.public_id == attempt_id))


def appoint(client, auth, admin_email, session_id, email):
    client.delete_cookie("session")
    auth.login(admin_email)
    return client.post(
        f"/exams/admin/sessions/{session_id}/panel",
        data={"email": email, "csrf_token": csrf_from(
            client.get("/exams/admin").get_data(as_text=True))}, follow_redirects=True)


def test_only_an_appointed_reviewer_who_does_not_teach_the_candidate_decides(
        app, client, auth, waiting):
    attempt = waiting["attempt"]
    # Nobody is appointed yet: staff of another institution, an instructor, the candidate's
    # own instructor and the site administrator all see nothing and decide nothing.
    for who in ("outsider", "instructor", "own_teacher", "home_admin", "admin"):
        listed, reply = review(client, auth, waiting[who], attempt)
        assert not listed and reply.status_code == 200
        assert state(app, attempt) == "awaiting_panel", who
    # The candidate's own teacher, even when appointed, stands aside.
    appoint(client, auth, waiting["admin"], waiting["session"], waiting["own_teacher"])
    listed, _reply = review(client, auth, waiting["own_teacher"], attempt)
    assert not listed and state(app, attempt) == "awaiting_panel"
    # Staff of another institution, appointed to this session, decide it.
    page = appoint(client, auth, waiting["admin"], waiting["session"], waiting["other_staff"])
    assert waiting["other_staff"] in page.get_data(as_text=True)
    listed, _reply = review(client, auth, waiting["other_staff"], attempt)
    assert listed and state(app, attempt) == "passed"
    with app.app_context():
        row = db.session.scalar(select(ExamAttempt).where(ExamAttempt.public_id == attempt))
        assert row.certificate_serial is None and row.panel_score == 75
        publish_now(waiting["session"], appeal_window_days=0)
        db.session.refresh(row)
        assert row.certificate_serial
        from talentpool.certification.service import find_certificate

        assert find_certificate(row.certificate_serial).panel_score == 75


def test_an_admin_decides_only_when_appointed(app, client, auth, waiting):
    with app.test_request_context():
        admin = find_user_by_email(waiting["admin"])
        with pytest.raises(exam.ExamError):
            panels.record_review(waiting["attempt"], admin.id, 80, "Fine.")
        panels.appoint(waiting["session"], waiting["admin"], admin)
        done = panels.record_review(waiting["attempt"], admin.id, 50, "Not yet at level 2.")
        assert done.state == "failed" and done.certificate_serial is None
        with pytest.raises(exam.ExamError):  # decided once
            panels.record_review(waiting["attempt"], admin.id, 90, "again")
        from talentpool.organisations.service import default_organisation

        entries = office.audit_log(default_organisation())
        assert [e.action for e in entries][:2] == ["panel.review", "panel.appoint"]
        assert entries[0].after == {"state": "failed", "panel_score": 50}
        assert entries[0].subject == waiting["attempt"] and waiting["admin"] in entries[0].actor


def test_appointment_checks_the_person(app, waiting):
    with app.test_request_context():
        admin = find_user_by_email(waiting["admin"])
        with pytest.raises(exam.ExamError, match="staff|工作人员|管理员"):
            panels.appoint(waiting["session"], waiting["candidate"], admin)
        with pytest.raises(exam.ExamError):
            panels.appoint(waiting["session"], "nobody@example.org", admin)
        with pytest.raises(exam.ExamError, match="panel member|评审专家"):  # staff, no role
            panels.appoint(waiting["session"], waiting["outsider"], admin)
        panels.appoint(waiting["session"], waiting["other_staff"], admin)
        with pytest.raises(exam.ExamError):
            panels.appoint(waiting["session"], waiting["other_staff"], admin)
        member = find_user_by_email(waiting["other_staff"])
        panels.dismiss(waiting["session"], member.public_id, admin)
        assert panels.awaiting_review_by(member.id) == []
        from talentpool.organisations.service import default_organisation

        # Refused appointments wrote nothing; the one appointment and its end are recorded.
        assert [e.action for e in office.audit_log(default_organisation())][:2] == [
            "panel.dismiss", "panel.appoint"]
