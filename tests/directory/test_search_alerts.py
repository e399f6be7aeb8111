"""Saved-search alerts: the switch on the search page, and the daily job that tells an employer
how many people newly match (once per search and day; nothing new, no alert)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from talentpool.database import utcnow
from talentpool.directory.models import SavedSearch
from talentpool.directory.search_alerts import send_alerts
from talentpool.extensions import db
from talentpool.jobs import job_by_name, run_job
from talentpool.notifications.models import Notification
from tests.directory.conftest import form_post

QUERY = "track=object_detection&min_skill=60"


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "en")


def save(client, name: str = "Detection 60+", query: str = QUERY) -> str:
    form_post(client, f"/talent/search?{query}", f"/talent/searches?{query}", {"name": name})
    with client.application.app_context():
        return db.session.scalar(select(SavedSearch.public_id).where(SavedSearch.name == name))


def switch(client, public_id: str, on: bool):
    return form_post(client, "/talent/search", f"/talent/searches/{public_id}/alert",
                     {"alert": "y"} if on else {}, follow_redirects=True)


def alerts(app, user_id: int) -> list[Notification]:
    with app.app_context():
        return list(db.session.scalars(select(Notification).where(
            Notification.user_id == user_id, Notification.kind == "search_alert")
            .order_by(Notification.id)))


def run(app, days: float) -> str:
    with app.app_context():
        return send_alerts(utcnow() + timedelta(days=days))


def test_the_switch_on_the_search_page(pool):
    employer, stranger = pool.employer(), pool.employer()
    client = pool.client(employer.email)
    public_id = save(client)
    page = client.get("/talent/search").get_data(as_text=True)
    assert f'data-saved-search="{public_id}" data-alert="off"' in page and "Alert me" in page
    reply = switch(client, public_id, on=True).get_data(as_text=True)
    assert "You will be told once a day when new people match Detection 60+." in reply
    assert f'data-saved-search="{public_id}" data-alert="on"' in reply and "Stop alerts" in reply
    assert switch(pool.client(stranger.email), public_id, on=True).status_code == 404
    reply = switch(client, public_id, on=False).get_data(as_text=True)
    assert "No more alerts for Detection 60+." in reply
    assert f'data-saved-search="{public_id}" data-alert="off"' in reply


def test_a_new_match_alerts_once_and_a_second_run_adds_nothing(app, pool):
    pool.trainee(skills={"object_detection": 91})  # matches before the alert: already seen
    employer = pool.employer()
    client = pool.client(employer.email)
    switch(client, save(client), on=True)
    assert run(app, 1) == "checked 1 alerted saved searches, alerted 0"  # nothing new
    newcomer = pool.trainee(skills={"object_detection": 75})
    pool.trainee(skills={"object_detection": 40})          # does not match
    pool.trainee(skills={"object_detection": 88}, listed=False)  # not listed
    assert run(app, 2) == "checked 1 alerted saved searches, alerted 1"
    [alert] = alerts(app, employer.user_id)
    assert alert.params == {"name": "Detection 60+", "count": 1}
    link = urlsplit(alert.link)
    assert link.path == "/talent/search"
    assert parse_qs(link.query) == {"track": ["object_detection"], "min_skill": ["60"]}
    mailed = [m for m in app.extensions["mail_outbox"] if m[0] == employer.email]
    assert len(mailed) == 1 and "Detection 60+" in mailed[0][1]
    assert newcomer.email not in mailed[0][2]  # a count, never who
    # The same day again: checked already, nothing sent (the job is idempotent).
    assert run(app, 2.2) == "checked 0 alerted saved searches, alerted 0"
    # The next day with nothing new: no alert.
    assert run(app, 3) == "checked 1 alerted saved searches, alerted 0"
    assert len(alerts(app, employer.user_id)) == 1


def test_each_new_day_counts_only_the_people_new_since_the_last_alert(app, pool):
    employer = pool.employer()
    client = pool.client(employer.email)
    switch(client, save(client), on=True)
    pool.trainee(skills={"object_detection": 70})
    pool.trainee(skills={"object_detection": 80})
    run(app, 1)
    pool.trainee(skills={"object_detection": 90})
    run(app, 2)
    assert [a.params["count"] for a in alerts(app, employer.user_id)] == [2, 1]


def test_no_alert_when_switched_off_or_the_employer_may_not_search(app, pool):
    from talentpool.accounts.service import create_user
    from talentpool.auth import Role
    from talentpool.directory import employers

    off, unverified = pool.employer(), pool.employer()
    off_client, unverified_client = pool.client(off.email), pool.client(unverified.email)
    public_id = save(off_client, name="Switched off")
    switch(off_client, public_id, on=True)
    switch(off_client, public_id, on=False)
    switch(unverified_client, save(unverified_client, name="Unverified"), on=True)
    with app.app_context():
        admin = create_user("admin-x@example.net", "Admin", "correct horse battery", Role.ADMIN)
        employers.set_verified(employers.organisation_of(unverified.user_id).public_id, False,
                               admin)
    pool.trainee(skills={"object_detection": 99})
    assert run(app, 1) == "checked 0 alerted saved searches, alerted 0"
    assert alerts(app, off.user_id) == [] and alerts(app, unverified.user_id) == []


def test_the_job_is_registered_and_claimed_once_a_day(app, pool):
    employer = pool.employer()
    client = pool.client(employer.email)
    switch(client, save(client), on=True)
    with app.app_context():  # switched on yesterday
        saved = db.session.scalars(select(SavedSearch)).one()
        saved.alert_checked_at -= timedelta(days=1)
        db.session.commit()
    pool.trainee(skills={"object_detection": 99})
    job = job_by_name("alert-saved-searches")
    now = utcnow()
    assert run_job(app, job, now) == "done"
    assert run_job(app, job, now) == "skipped"
    assert len(alerts(app, employer.user_id)) == 1
