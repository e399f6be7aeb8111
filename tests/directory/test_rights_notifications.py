"""Notifications and saved-search alerts in a trainee's data rights: the export holds the
person's own notifications, e-mail choice and alert trace, and deletion leaves none of them."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from talentpool.database import utcnow
from talentpool.directory.models import SavedSearch
from talentpool.extensions import db
from talentpool.notifications import service
from talentpool.notifications.models import Notification, NotificationPreference
from tests.conftest import PASSWORD
from tests.directory.conftest import form_post

QUERY = "track=object_detection&min_skill=60"


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "en")


def ask_for_contact(pool, employer, person) -> None:
    url = f"/talent/p/{person.profile_id}"
    form_post(pool.client(employer.email), url, f"{url}/contact",
              {"message": "We label street scenes for three months."})


def alerted_search(pool, employer, name: str) -> str:
    """An employer's saved search with its alert on: today's matches are taken as seen."""
    client = pool.client(employer.email)
    form_post(client, f"/talent/search?{QUERY}", f"/talent/searches?{QUERY}", {"name": name})
    with client.application.app_context():
        public_id = db.session.scalar(select(SavedSearch.public_id)
                                      .where(SavedSearch.name == name))
    form_post(client, "/talent/search", f"/talent/searches/{public_id}/alert", {"alert": "y"})
    return public_id


def seen_lists(app) -> dict[str, list[int]]:
    with app.app_context():
        return {saved.name: saved.alert_seen
                for saved in db.session.scalars(select(SavedSearch).order_by(SavedSearch.id))}


def count(app, model, user_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)
                                 .where(model.user_id == user_id))


def test_the_export_holds_the_persons_notifications_and_nothing_of_others(app, pool):
    person, other = pool.trainee(), pool.trainee()
    employer = pool.employer(organisation="Street Scenes Ltd")
    ask_for_contact(pool, employer, person)
    ask_for_contact(pool, employer, other)
    with app.app_context():
        service.notify(person.user_id, "cohort_invitation",
                       {"institution": "Vocational College", "cohort": "Spring 2026"},
                       "/my/cohorts", mail=False)
        db.session.commit()
    client = pool.client(person.email)
    page = client.get("/notifications").get_data(as_text=True)
    [first, _second] = re.findall(r'/notifications/([\w-]+)/open"', page)
    form_post(client, "/notifications", f"/notifications/{first}/open", {})
    form_post(client, "/notifications", "/notifications/mail", {})  # copies off

    data = client.get("/talent/data/export.json").get_json()
    records = data["notifications"]
    assert [r["kind"] for r in records] == ["contact_request", "cohort_invitation"]
    request, invitation = records
    assert request["title"] == "Street Scenes Ltd asks for your contact details"
    assert "accept or decline" in request["text"]
    assert request["params"] == {"organisation": "Street Scenes Ltd"}
    assert request["link"] == "/talent/requests" and request["created_at"].endswith("+00:00")
    assert invitation["title"] == "Invitation to the cohort Spring 2026"
    assert invitation["link"] == "/my/cohorts"
    read = {r["id"]: (r["read"], r["read_at"] is not None) for r in records}
    assert read[first] == (True, True)
    assert sorted(read.values()) == [(False, False), (True, True)]
    assert data["notification_mail"]["mail_copies"] is False
    assert data["notification_mail"]["changed_at"] is not None
    body = client.get("/talent/data/export.json").get_data(as_text=True)
    assert employer.email not in body and "Recruiter" not in body  # the employer's own data
    assert other.email not in body and other.profile_id not in body


def test_a_person_who_never_chose_has_mail_copies_on(pool):
    person = pool.trainee(listed=False)
    data = pool.client(person.email).get("/talent/data/export.json").get_json()
    assert data["notifications"] == []
    assert data["notification_mail"] == {"mail_copies": True, "changed_at": None}
    assert data["saved_search_alerts"] == {"searches_holding_profile": 0}


def test_the_export_counts_the_alerts_that_hold_the_person_but_not_whose(app, pool):
    person = pool.trainee(skills={"object_detection": 80})
    first, second = pool.employer(), pool.employer()
    alerted_search(pool, first, "Detection A")
    alerted_search(pool, second, "Detection B")
    form_post(pool.client(first.email), f"/talent/search?track=theory",
              "/talent/searches?track=theory", {"name": "Theory, no alert"})
    data = pool.client(person.email).get("/talent/data/export.json").get_json()
    assert data["saved_search_alerts"] == {"searches_holding_profile": 2}
    body = pool.client(person.email).get("/talent/data/export.json").get_data(as_text=True)
    assert "Detection A" not in body and "Data Lab" not in body


def test_deleting_an_account_removes_its_notifications_choice_and_alert_trace(app, pool):
    person = pool.trainee(skills={"object_detection": 80})
    stays = pool.trainee(skills={"object_detection": 90})
    employer = pool.employer()
    alerted_search(pool, employer, "Detection")
    ask_for_contact(pool, employer, person)
    ask_for_contact(pool, employer, stays)
    form_post(pool.client(person.email), "/notifications", "/notifications/mail", {})
    with app.app_context():
        from talentpool.directory.profiles import profile_of

        gone_id, kept_id = profile_of(person.user_id).id, profile_of(stays.user_id).id
    assert sorted(seen_lists(app)["Detection"]) == sorted([gone_id, kept_id])
    assert count(app, Notification, person.user_id) == 1
    assert count(app, NotificationPreference, person.user_id) == 1

    client = pool.client(person.email)
    assert form_post(client, "/talent/data", "/talent/data/delete",
                     {"password": PASSWORD}).status_code == 302
    assert count(app, Notification, person.user_id) == 0
    assert count(app, NotificationPreference, person.user_id) == 0
    assert seen_lists(app)["Detection"] == [kept_id]
    assert count(app, Notification, stays.user_id) == 1  # nobody else loses theirs


def test_a_pseudonymised_account_keeps_no_notifications_or_alert_trace(app, pool):
    from talentpool.accounts.models import User
    from talentpool.certification.holders import set_identity

    person = pool.trainee(level=4, skills={"object_detection": 80})
    employer = pool.employer()
    alerted_search(pool, employer, "Detection")
    ask_for_contact(pool, employer, person)
    with app.app_context():
        set_identity(db.session.get(User, person.user_id), "resident_id", "11010519491231002X")
        service.set_mail_wanted(person.user_id, False)
    client = pool.client(person.email)
    assert client.get("/talent/data/export.json").get_json()["saved_search_alerts"] == {
        "searches_holding_profile": 1}
    assert form_post(client, "/talent/data", "/talent/data/delete",
                     {"password": PASSWORD}).status_code == 302
    with app.app_context():
        assert db.session.get(User, person.user_id).email.endswith("@deleted.invalid")
    assert count(app, Notification, person.user_id) == 0
    assert count(app, NotificationPreference, person.user_id) == 0
    assert seen_lists(app)["Detection"] == []


def test_forgetting_a_profile_tolerates_lists_stored_as_json_null(app, pool):
    from talentpool.directory.search_alerts import forget_profile, searches_holding

    employer = pool.employer()
    alerted_search(pool, employer, "Detection")
    with app.app_context():
        saved = db.session.scalar(select(SavedSearch))
        saved.alert_seen, saved.alert_checked_at = None, utcnow()  # stored as JSON null
        db.session.commit()
        assert searches_holding(1) == 0
        forget_profile(1)
        db.session.commit()
