"""Each wired event of the talent pool and the cohorts writes exactly one notification to the
right person, with the right mails (a mail that existed before stays the only one)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from talentpool.accounts.models import User
from talentpool.auth import Role
from talentpool.extensions import db
from talentpool.notifications.models import Notification
from tests.cohorts.conftest import make_institution
from tests.packs import make_practice_bank
from tests.cohorts.test_enrolment import upload
from tests.conftest import AuthActions
from tests.directory.conftest import Pool, form_post


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "en")


@pytest.fixture
def pool(app):
    return Pool(app)


def notifications(app) -> list[tuple[str, str, dict, str]]:
    """(recipient e-mail, kind, params, link) of every notification, oldest first."""
    with app.app_context():
        return [(email, row.kind, row.params, row.link) for row, email in db.session.execute(
            select(Notification, User.email).join(User, User.id == Notification.user_id)
            .order_by(Notification.id))]


def mails(app) -> list[tuple[str, str, str]]:
    return list(app.extensions.get("mail_outbox", []))


def ask(pool, employer, trainee, message="We label traffic scenes; would you join us?"):
    client = pool.client(employer.email)
    return form_post(client, f"/talent/p/{trainee.profile_id}",
                     f"/talent/p/{trainee.profile_id}/contact", {"message": message})


def answer(pool, trainee, accept: bool):
    from talentpool.directory.models import ContactRequest

    with pool.app.app_context():
        request_id = db.session.scalars(select(ContactRequest.public_id)).one()
    client = pool.client(trainee.email)
    return form_post(client, "/talent/requests", f"/talent/requests/{request_id}",
                     {"answer": "accept" if accept else "decline"})


def test_a_contact_request_notifies_the_trainee_once_with_one_mail(app, pool):
    trainee = pool.trainee(phone="13800138000")
    employer = pool.employer(organisation="Traffic Vision Lab")
    assert ask(pool, employer, trainee).status_code == 302
    assert notifications(app) == [(trainee.email, "contact_request",
                                   {"organisation": "Traffic Vision Lab"}, "/talent/requests")]
    [(to, subject, body)] = mails(app)
    assert to == trainee.email and subject == "Traffic Vision Lab asks for your contact details"
    assert "13800138000" not in body
    # A second request while the first waits is refused: no second notification.
    ask(pool, employer, trainee)
    assert len(notifications(app)) == 1 and len(mails(app)) == 1


def test_accepting_tells_the_employer_with_the_contact_in_the_mail_only(app, pool):
    trainee = pool.trainee(phone="13800138000")
    employer = pool.employer()
    ask(pool, employer, trainee)
    assert answer(pool, trainee, accept=True).status_code == 302
    told = [row for row in notifications(app) if row[0] == employer.email]
    assert told == [(employer.email, "contact_accepted", {"name": told[0][2]["name"]},
                     f"/talent/p/{trainee.profile_id}")]
    assert told[0][2]["name"].startswith("Annotator")
    [(_to, subject, body)] = [m for m in mails(app) if m[0] == employer.email]
    assert "accepted your contact request" in subject
    assert trainee.email in body and "13800138000" in body
    # Answering twice is refused and tells nobody again.
    answer(pool, trainee, accept=False)
    assert len([row for row in notifications(app) if row[0] == employer.email]) == 1


def test_declining_tells_the_employer_once(app, pool):
    trainee, employer = pool.trainee(), pool.employer()
    ask(pool, employer, trainee)
    answer(pool, trainee, accept=False)
    told = [row for row in notifications(app) if row[0] == employer.email]
    assert [(kind, link) for _e, kind, _p, link in told] == [("contact_declined",
                                                             "/talent/shortlists")]
    assert told[0][2]["days"] == 30
    [(_to, subject, body)] = [m for m in mails(app) if m[0] == employer.email]
    assert "declined" in subject and trainee.email not in body


def test_a_roster_invitation_notifies_trainees_with_an_account_and_mails_everyone_once(
        app, client, make_user, tmp_path):
    with app.app_context():
        make_practice_bank(tmp_path, {"text_classification": 10, "theory": 10})
    side = make_institution(app, make_user, "甲培训基地", "张三")
    holder = make_user(Role.TRAINEE, email="holder@example.org")
    staff = make_user(Role.INSTITUTION_STAFF, email="teacher@example.org")
    AuthActions(client).login(side.staff_email)
    roster = (f"name,email\n持有人,{holder}\n新人,newcomer@example.org\n老师,{staff}\n"
              f"张三,{side.trainee_email}\n").encode()
    assert upload(client, side.cohort_id, roster).status_code == 200
    assert notifications(app) == [(holder, "cohort_invitation",
                                   {"institution": "甲培训基地", "cohort": "甲培训基地 2026 春季班"},
                                   "/my/cohorts")]
    invited = sorted(to for to, _subject, _body in mails(app))
    assert invited == sorted([holder, "newcomer@example.org", staff])  # one mail each
    # The same roster again invites nobody new and notifies nobody again.
    upload(client, side.cohort_id, roster)
    assert len(notifications(app)) == 1 and len(mails(app)) == 3
