"""Enrolment with consent: a roster row for an existing account is an invitation that its
owner accepts or declines, staff see only what they typed until then, and a trainee sees which
institutions can see their data and can leave."""

from __future__ import annotations

import io
from datetime import datetime

from sqlalchemy import select

from talentpool.accounts.service import find_user_by_email
from talentpool.assessment.models import Item
from talentpool.auth import Role
from talentpool.cohorts.models import Cohort
from talentpool.extensions import db
from tests.cohorts.conftest import answer
from tests.conftest import csrf_from, mailed_link
from tests.packs import import_live, make_item, make_pack


def upload(client, cohort_id: str, text: str):
    url = f"/cohorts/{cohort_id}/enrol"
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token,
                                  "roster": (io.BytesIO(text.encode()), "roster.csv")},
                       content_type="multipart/form-data")


def login_as(client, auth, email):
    """A fresh session for ``email``, in English."""
    client.delete_cookie("session")
    auth.login(email)
    page = client.get("/home").get_data(as_text=True)
    client.post("/language", data={"lang": "en", "next": "/", "csrf_token": csrf_from(page)})


def trainee_page(client, cohort_id, user_public_id):
    return client.get(f"/cohorts/{cohort_id}/trainees/{user_public_id}")


def with_history(app, tmp_path, email):
    """The trainee has practised before any institution invited them."""
    with app.app_context():
        import_live(make_pack(tmp_path / "packs", items=[make_item("single_choice", "q0")]))
        user = find_user_by_email(email)
        db.session.add(answer(user.id, db.session.scalar(select(Item)), 1.0,
                              datetime(2026, 3, 2, 9, 0)))
        db.session.commit()
        return user.public_id


def test_existing_account_is_invited_and_staff_see_nothing_until_it_accepts(
        app, client, auth, make_user, two_institutions, tmp_path):
    mine, _other = two_institutions
    person = make_user(Role.TRAINEE, name="Real Name")
    person_id = with_history(app, tmp_path, person)
    login_as(client, auth, mine.staff_email)
    report = upload(client, mine.cohort_id, f"name,email\nTyped Name,{person}\n")
    assert report.status_code == 200
    cohort_page = client.get(f"/cohorts/{mine.cohort_id}").get_data(as_text=True)
    assert "Real Name" not in cohort_page
    assert trainee_page(client, mine.cohort_id, person_id).status_code == 404
    # The invitee answers from the mailed link or from "My cohorts".
    link = mailed_link(app, person, "/enrol/")
    login_as(client, auth, person)
    mine_page = client.get("/my/cohorts").get_data(as_text=True)
    assert "甲培训基地" in mine_page and "Accept and join" in mine_page
    invitation = client.get(link)
    assert invitation.status_code == 200 and "practice count" in invitation.get_data(as_text=True)
    client.post(link, data={"answer": "accept",
                            "csrf_token": csrf_from(invitation.get_data(as_text=True))})
    login_as(client, auth, mine.staff_email)
    assert trainee_page(client, mine.cohort_id, person_id).status_code == 200


def test_declining_removes_the_invitation(app, client, auth, make_user, two_institutions):
    mine, _other = two_institutions
    person = make_user(Role.TRAINEE)
    login_as(client, auth, mine.staff_email)
    upload(client, mine.cohort_id, f"name,email\nSomeone,{person}\n")
    login_as(client, auth, person)
    page = client.get("/my/cohorts")
    client.post(f"/my/cohorts/{mine.cohort_id}/answer", data={
        "answer": "decline", "csrf_token": csrf_from(page.get_data(as_text=True))})
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.public_id == mine.cohort_id))
        assert person not in [e.email for e in cohort.enrolments]
    assert "No open invitations" in client.get("/my/cohorts").get_data(as_text=True)


def test_someone_else_cannot_answer_an_invitation(app, client, auth, make_user,
                                                  two_institutions):
    mine, _other = two_institutions
    person, intruder = make_user(Role.TRAINEE), make_user(Role.TRAINEE)
    login_as(client, auth, mine.staff_email)
    upload(client, mine.cohort_id, f"name,email\nSomeone,{person}\n")
    link = mailed_link(app, person, "/enrol/")
    login_as(client, auth, intruder)
    assert client.get(link).status_code == 403
    page = client.get("/my/cohorts")
    reply = client.post(f"/my/cohorts/{mine.cohort_id}/answer", data={
        "answer": "accept", "csrf_token": csrf_from(page.get_data(as_text=True))},
        follow_redirects=True)
    assert "no open invitation" in reply.get_data(as_text=True).lower()
    with app.app_context():
        cohort = db.session.scalar(select(Cohort).where(Cohort.public_id == mine.cohort_id))
        assert all(e.user_id is None for e in cohort.enrolments if e.email == person)


def test_a_trainee_sees_who_can_see_their_data_and_can_leave(app, client, auth,
                                                             two_institutions):
    mine, _other = two_institutions
    login_as(client, auth, mine.staff_email)
    assert trainee_page(client, mine.cohort_id, mine.trainee_id).status_code == 200
    login_as(client, auth, mine.trainee_email)
    page = client.get("/my/cohorts")
    assert "甲培训基地" in page.get_data(as_text=True)
    client.post(f"/my/cohorts/{mine.cohort_id}/leave",
                data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    assert "No institution can see" in client.get("/my/cohorts").get_data(as_text=True)
    login_as(client, auth, mine.staff_email)
    assert trainee_page(client, mine.cohort_id, mine.trainee_id).status_code == 404
    enrol_page = client.get(f"/cohorts/{mine.cohort_id}/enrol").get_data(as_text=True)
    assert "Trainees who left this cohort: 1" in enrol_page
    assert mine.trainee_email not in enrol_page
