"""CSV exports are formula-escaped; cohort exam sessions reach only the cohort's trainees."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from talentpool.accounts.service import find_user_by_email
from talentpool.assessment import exam, exam_bank, pools
from talentpool.auth import Role
from talentpool.cohorts import service
from talentpool.cohorts.models import Cohort
from talentpool.database import utcnow
from talentpool.extensions import db
from tests.conftest import PASSWORD, csrf_from


def test_csv_exports_escape_formulas(client, auth, make_user, two_institutions):
    mine, _other = two_institutions
    auth.login(mine.staff_email)
    url = f"/cohorts/{mine.cohort_id}/enrol"
    roster = "name,email,region\n=HYPERLINK(\"http://x\"),evil@example.org,+86 @home\n"
    client.post(url, data={"csrf_token": csrf_from(client.get(url).get_data(as_text=True)),
                           "roster": (io.BytesIO(roster.encode()), "r.csv")},
                content_type="multipart/form-data")
    reply = client.get(f"/cohorts/{mine.cohort_id}/roster.csv")
    assert reply.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(reply.get_data().decode("utf-8-sig"))))
    evil = next(r for r in rows if r[1] == "evil@example.org")
    assert evil[0] == "'=HYPERLINK(\"http://x\")" and evil[3] == "'+86 @home"
    progress = client.get(f"/cohorts/{mine.cohort_id}/progress.csv").get_data().decode("utf-8-sig")
    assert progress.splitlines()[0].startswith("name,email,region,track")
    assert "张三" in progress
    assert client.get(f"/cohorts/{mine.cohort_id}/results.csv").status_code == 200


def test_cohort_sessions_are_for_its_trainees_only(app, make_user, two_institutions, monkeypatch):
    mine, theirs = two_institutions
    outsider = make_user(Role.TRAINEE)
    monkeypatch.setattr(pools, "readiness", lambda rule, part: pools.Readiness(
        rule.level, part, (), 0, 0, None, None))  # scheduling only: no bank needed
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.public_id == mine.cohort_id))
        now = utcnow()
        session = exam.create_session(5, "春季班考试", now - timedelta(hours=1),
                                      now + timedelta(hours=2), None, cohort_id=cohort.id)
        member, stranger = find_user_by_email(mine.trainee_email), find_user_by_email(outsider)
        other_member = find_user_by_email(theirs.trainee_email)
        assert exam_bank.in_cohort(member.id, cohort.id)
        assert not exam_bank.in_cohort(stranger.id, cohort.id)
        assert not exam_bank.in_cohort(other_member.id, cohort.id)
        assert session in exam.open_sessions(now, member.id)
        assert session not in exam.open_sessions(now, stranger.id)
        assert session not in exam.open_sessions(now)
        service.archive_cohort(cohort)
        assert not exam_bank.in_cohort(member.id, cohort.id)


def test_schedule_session_from_the_dashboard(app, client, auth, two_institutions, monkeypatch):
    mine, _other = two_institutions
    monkeypatch.setattr(pools, "readiness", lambda rule, part: pools.Readiness(
        rule.level, part, (), 0, 0, None, None))  # scheduling only: no bank needed
    auth.login(mine.staff_email)
    page = client.get(f"/cohorts/{mine.cohort_id}").get_data(as_text=True)
    client.post(f"/cohorts/{mine.cohort_id}/sessions", data={
        "csrf_token": csrf_from(page), "title": "五级考试", "level": "5",
        "opens_at": "2030-01-01T09:00", "closes_at": "2030-01-01T12:00"})
    assert "五级考试" in client.get(f"/cohorts/{mine.cohort_id}").get_data(as_text=True)


def test_site_admin_names_a_new_institution_admin_by_invitation(app, client, auth, make_user):
    auth.login(make_user(Role.ADMIN))
    page = client.get("/institutions").get_data(as_text=True)
    reply = client.post("/institutions", data={"csrf_token": csrf_from(page), "name": "丙学院",
                                              "admin_email": "head@example.org"})
    html = reply.get_data(as_text=True)
    assert "/accounts/invitations/" in html or "/invitation" in html
    link = html.split("<code class=\"copyable\">")[1].split("</code>")[0]
    auth.logout()
    path = link.split("localhost", 1)[-1]
    form = client.get(path).get_data(as_text=True)
    client.post(path, data={"csrf_token": csrf_from(form), "display_name": "Head",
                            "password": PASSWORD, "confirm": PASSWORD})
    auth.login("head@example.org")
    home = client.get("/institution").get_data(as_text=True)
    assert "丙学院" in home
