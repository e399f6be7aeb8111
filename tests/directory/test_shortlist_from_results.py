"""Employers shortlist people from the search results, into an existing list or a new one
named on the spot, and see who is already on a list."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from talentpool.directory.models import Shortlist, ShortlistEntry
from talentpool.extensions import db
from tests.directory.conftest import form_post


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "en")


def add(client, profile_id: str, back: str, **fields):
    return form_post(client, back, f"/talent/p/{profile_id}/shortlist",
                     {"next": back, "shortlist": "", "new_name": "", "note": "", **fields})


def test_a_new_list_is_made_from_a_result_card_and_the_card_then_says_so(app, pool):
    person, employer = pool.trainee(), pool.employer()
    client = pool.client(employer.email)
    search = "/talent/search?sort=recent"
    page = client.get(search).get_data(as_text=True)
    assert f'action="/talent/p/{person.profile_id}/shortlist"' in page
    assert "data-shortlisted" not in page
    reply = add(client, person.profile_id, search, new_name="Q1 reviewers", note="strong")
    assert reply.status_code == 302 and reply.headers["Location"].endswith(search)
    page = client.get(search).get_data(as_text=True)
    assert "Added to the shortlist Q1 reviewers." in page
    assert "data-shortlisted" in page and "Q1 reviewers" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ShortlistEntry)) == 1
        (shortlist,) = db.session.scalars(select(Shortlist)).all()
        assert shortlist.name == "Q1 reviewers" and shortlist.entries[0].note == "strong"


def test_adding_to_an_existing_list_and_twice_is_refused(app, pool):
    person, employer = pool.trainee(), pool.employer()
    client = pool.client(employer.email)
    profile_page = f"/talent/p/{person.profile_id}"
    add(client, person.profile_id, profile_page, new_name="Vision team")
    with app.app_context():
        shortlist_id = db.session.scalar(select(Shortlist.public_id))
    page = client.get(profile_page).get_data(as_text=True)
    assert "On your shortlist" in page and "Vision team" in page
    reply = add(client, person.profile_id, profile_page, shortlist=shortlist_id)
    assert "already on that shortlist" in client.get(reply.headers["Location"]).get_data(
        as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ShortlistEntry)) == 1


def test_nothing_chosen_says_what_to_do_and_stores_nothing(app, pool):
    person, employer = pool.trainee(), pool.employer()
    client = pool.client(employer.email)
    reply = add(client, person.profile_id, "/talent/search")
    page = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "Choose a shortlist or name a new one." in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Shortlist)) == 0


def test_another_employers_list_cannot_be_used_and_marks_stay_private(app, pool):
    person = pool.trainee()
    owner, intruder = pool.employer(), pool.employer()
    owner_client, intruder_client = pool.client(owner.email), pool.client(intruder.email)
    add(owner_client, person.profile_id, "/talent/search", new_name="Owner list")
    with app.app_context():
        shortlist_id = db.session.scalar(select(Shortlist.public_id))
    reply = add(intruder_client, person.profile_id, "/talent/search", shortlist=shortlist_id)
    page = intruder_client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "That shortlist or profile does not exist." in page
    assert "Owner list" not in page and "data-shortlisted" not in page


def test_an_outside_next_address_is_not_followed(pool):
    person, employer = pool.trainee(), pool.employer()
    client = pool.client(employer.email)
    reply = add(client, person.profile_id, "/talent/search", new_name="List")
    assert reply.headers["Location"].endswith("/talent/search")
    reply = form_post(client, "/talent/search", f"/talent/p/{person.profile_id}/shortlist",
                      {"next": "//evil.example/", "new_name": "Other"})
    assert reply.headers["Location"].endswith(f"/talent/p/{person.profile_id}")
