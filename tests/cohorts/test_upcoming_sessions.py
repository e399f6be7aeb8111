"""A trainee sees the exam sessions their cohorts scheduled, in their time zone."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from talentpool.assessment.models import ExamSession
from talentpool.cohorts.models import Cohort
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.organisations.service import default_organisation


def add_session(app, cohort_public_id: str, title: str, opens_at: datetime,
                closes_at: datetime) -> None:
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.public_id == cohort_public_id))
        db.session.add(ExamSession(level=5, title=title, opens_at=opens_at, closes_at=closes_at,
                                   cohort_id=cohort.id, organisation=default_organisation()))
        db.session.commit()


def test_upcoming_and_open_sessions_of_my_cohorts_only(app, client, auth, two_institutions):
    mine, other = two_institutions
    now = utcnow().replace(second=0, microsecond=0)
    tomorrow = now + timedelta(days=1)
    add_session(app, mine.cohort_id, "模拟考试 A", tomorrow, tomorrow + timedelta(hours=2))
    add_session(app, mine.cohort_id, "模拟考试 B", now - timedelta(hours=1),
                now + timedelta(hours=1))
    add_session(app, mine.cohort_id, "已结束", now - timedelta(days=2),
                now - timedelta(days=1))
    add_session(app, other.cohort_id, "别的班", tomorrow, tomorrow + timedelta(hours=2))
    auth.login(mine.trainee_email)
    html = client.get("/my/cohorts").get_data(as_text=True)
    assert "模拟考试 A" in html and "模拟考试 B" in html
    assert "已结束" not in html and "别的班" not in html
    assert html.index("模拟考试 B") < html.index("模拟考试 A")  # soonest first
    shanghai = tomorrow + timedelta(hours=8)  # shown in the trainee's zone, Asia/Shanghai
    assert f"{shanghai:%Y-%m-%d %H:%M}" in html
    assert "Open now: go to exams" in html and "Not open yet" in html


def test_no_session_says_so(client, auth, two_institutions):
    mine, _other = two_institutions
    auth.login(mine.trainee_email)
    assert "Your cohorts have no exam session scheduled." in client.get(
        "/my/cohorts").get_data(as_text=True)
