"""Administrators schedule mock exams through one form, in their time zone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from talentpool.assessment import pools
from talentpool.assessment.models import ExamSession
from talentpool.auth import Role
from talentpool.extensions import db
from tests.conftest import csrf_from


def ready(monkeypatch) -> None:
    monkeypatch.setattr(pools, "readiness", lambda rule, part: pools.Readiness(
        rule.level, part, (), 0, 0, None, None))  # scheduling only: no bank needed


def schedule(client, **fields):
    page = client.get("/exams/admin").get_data(as_text=True)
    return client.post("/exams/admin", data={"csrf_token": csrf_from(page), **fields})


def test_a_mock_exam_is_stored_in_utc_from_the_admins_zone(app, client, auth, make_user,
                                                          monkeypatch):
    ready(monkeypatch)
    auth.login(make_user(Role.ADMIN))
    reply = schedule(client, title="五级模拟", level="5", opens_at="2030-01-01T09:00",
                     closes_at="2030-01-01T12:00")
    assert reply.status_code == 302
    with app.app_context():
        session = db.session.scalar(select(ExamSession).where(ExamSession.title == "五级模拟"))
        # entered in Asia/Shanghai (UTC+8), stored as UTC
        assert (session.opens_at, session.closes_at) == (datetime(2030, 1, 1, 1, 0),
                                                         datetime(2030, 1, 1, 4, 0))
        assert session.cohort_id is None and not session.certifying
    page = client.get("/exams/admin").get_data(as_text=True)
    assert "五级模拟" in page and "2030-01-01 09:00" in page


def test_a_window_that_closes_before_it_opens_is_refused_beside_the_field(client, auth,
                                                                          make_user,
                                                                          monkeypatch):
    ready(monkeypatch)
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "en")
    auth.login(make_user(Role.ADMIN))
    reply = schedule(client, title="Backwards", level="5", opens_at="2030-01-01T12:00",
                     closes_at="2030-01-01T09:00")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200
    assert 'id="closes_at-error"' in html and "The session must close after it opens." in html
    assert 'value="Backwards"' in html


def test_a_level_without_a_ready_pool_says_why(client, auth, make_user, monkeypatch):
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "en")
    auth.login(make_user(Role.ADMIN))
    reply = schedule(client, title="Too soon", level="4", opens_at="2030-01-01T09:00",
                     closes_at="2030-01-01T12:00")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200 and "Level 4 cannot open yet" in html
    assert 'id="level-error"' in html


def test_only_administrators_schedule(client, auth, make_user):
    auth.login(make_user(Role.INSTITUTION_STAFF))
    assert client.get("/exams/admin").status_code == 403
