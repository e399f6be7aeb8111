"""Publication of results (成绩公示): hidden from candidates until published, publishing refused
while attempts are open, the appeal window and the certificates that follow it, and the public
list with masked identities."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from talentpool.accounts.service import find_user_by_email
from talentpool.assessment import exam
from talentpool.assessment.models import ExamAttempt
from talentpool.certification.holders import set_identity
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.office import appeals, publication
from talentpool.office.models import SIGN_OFF, Appeal, ProctorLogEntry
from talentpool.organisations.models import AuditEntry, OfficeRole
from talentpool.organisations.service import by_slug
from tests.conftest import csrf_from
from tests.office.helpers import make_sitting, publish_now, seat
from tests.office.test_appeals import appoint, bank, login, sit  # noqa: F401  (fixture)


def certificate_of(attempt_id: int) -> str | None:
    return db.session.get(ExamAttempt, attempt_id).certificate_serial


def test_results_stay_hidden_until_published_and_publishing_waits_for_every_attempt(
        app, client, auth, bank, make_user):
    candidate, late, office_admin = make_user(), make_user(), make_user()
    with app.app_context():
        appoint("north", office_admin, OfficeRole.OFFICE_ADMIN)
        sitting = make_sitting(organisation="north")
        attempt = sit(candidate, sitting, {"theory": True, "practical": False})
        person = find_user_by_email(late)
        seat(sitting, person.id, "迟到")
        running = exam.start_attempt(person.id, sitting.public_id)
        sitting_id, attempt_id, running_id = sitting.public_id, attempt.public_id, running.id
    login(client, auth, candidate)
    for url in (f"/exams/attempts/{attempt_id}", "/exams/"):
        page = client.get(url).get_data(as_text=True)
        assert "data-unpublished" in page and "not passed" not in page
        assert "skill-score" not in page
    # The office: refused while the sitting is open and not signed off, then while an
    # attempt is still running; nothing is written either time.
    login(client, auth, office_admin)
    url = f"/admin/organisations/north/sittings/{sitting_id}/results"
    page = client.get(url).get_data(as_text=True)
    reply = client.post(url, data={"action": "publish", "csrf_token": csrf_from(page)},
                        follow_redirects=True).get_data(as_text=True)
    assert "has not signed it off" in reply
    with app.app_context():
        session = publication.own_sitting(by_slug("north"), sitting_id)
        db.session.add(ProctorLogEntry(session_id=session.id, kind=SIGN_OFF, actor="supervisor"))
        db.session.commit()
    reply = client.post(url, data={"action": "publish", "csrf_token": csrf_from(page)},
                        follow_redirects=True).get_data(as_text=True)
    assert "1 attempt(s) are not graded yet" in reply
    with app.app_context():
        assert publication.own_sitting(by_slug("north"), sitting_id).results_published_at is None
        assert not db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "results.publish"))
        row = db.session.get(ExamAttempt, running_id)
        exam.finish(row, row.sequence)
    reply = client.post(url, data={"action": "publish", "csrf_token": csrf_from(page)},
                        follow_redirects=True).get_data(as_text=True)
    assert "Results published" in reply and "data-published" in reply
    assert {to for to, _s, _b in app.extensions["mail_outbox"]} >= {candidate, late}
    login(client, auth, candidate)
    page = client.get(f"/exams/attempts/{attempt_id}").get_data(as_text=True)
    assert "data-unpublished" not in page and "skill-score" in page and "not passed" in page
    assert f'action="/exams/attempts/{attempt_id}/appeal"' in page


def test_a_window_of_zero_days_issues_at_once(app, bank, make_user):
    candidate = make_user()
    with app.app_context():
        sitting = make_sitting(organisation="north")
        attempt = sit(candidate, sitting, {"theory": True, "practical": True})
        assert attempt.state == "passed" and attempt.certificate_serial is None
        publish_now(sitting, appeal_window_days=0)
        assert certificate_of(attempt.id) is not None


def test_a_seven_day_window_holds_certificates_and_refuses_late_appeals(app, client, auth,
                                                                        bank, make_user):
    candidate = make_user()
    now = utcnow().replace(microsecond=0) - timedelta(days=8)  # the window has closed by now
    with app.app_context():
        sitting = make_sitting(organisation="north")
        attempt = sit(candidate, sitting, {"theory": True, "practical": True})
        published = publish_now(sitting, appeal_window_days=7, now=now)
        assert published.appeal_closes_at == now + timedelta(days=7)
        assert certificate_of(attempt.id) is None
        publication.release_due(now + timedelta(days=6, hours=23))
        assert certificate_of(attempt.id) is None
        user = find_user_by_email(candidate)
        late = now + timedelta(days=7, minutes=1)
        try:
            appeals.file_appeal(user, attempt.public_id, "theory", "Too late?", now=late)
        except appeals.AppealError as error:
            shanghai = published.appeal_closes_at + timedelta(hours=8)  # the reader's zone
            assert f"{shanghai:%Y-%m-%d %H:%M}" in str(error)
        else:
            raise AssertionError("an appeal after the window was accepted")
        assert db.session.scalar(select(func.count(Appeal.id))) == 0
        assert not db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action == "appeal.file"))
        assert publication.release_due(now + timedelta(days=7)) == "issued 1 certificates"
        assert certificate_of(attempt.id) is not None
        attempt_id = attempt.public_id
    # On the page the window is shown as closed and no appeal form is offered.
    login(client, auth, candidate)
    page = client.get(f"/exams/attempts/{attempt_id}").get_data(as_text=True)
    assert "The appeal window closed" in page and "/appeal\"" not in page
    reply = client.post(f"/exams/attempts/{attempt_id}/appeal", data={
        "part": "theory", "reason": "Late", "csrf_token": csrf_from(page)}, follow_redirects=True)
    assert "appeal window of this sitting closed on" in reply.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Appeal.id))) == 0


def test_an_open_appeal_holds_the_certificate_past_the_window(app, bank, make_user):
    candidate, rater = make_user(), make_user()
    now = utcnow().replace(microsecond=0)
    with app.app_context():
        appoint("north", rater, OfficeRole.RATER)
        sitting = make_sitting(organisation="north")
        attempt = sit(candidate, sitting, {"theory": True, "practical": True})
        publish_now(sitting, appeal_window_days=7, now=now)
        appeal = appeals.file_appeal(find_user_by_email(candidate), attempt.public_id,
                                     "practical", "Could it be higher?",
                                     now=now + timedelta(days=2))
        after = now + timedelta(days=10)
        assert publication.release_due(after) == "issued 0 certificates"
        assert certificate_of(attempt.id) is None
        same = {r.id: r.score for r in appeals.scored_responses(attempt, "practical")}
        appeals.decide(by_slug("north"), appeal.public_id, find_user_by_email(rater),
                       "Scored right.", same, now=after)
        assert certificate_of(attempt.id) is not None  # decided after the window: at once


def test_the_public_list_only_when_enabled_and_published_with_masked_identities(
        app, client, bank, make_user):
    passed, failed = make_user(), make_user()
    with app.app_context():
        set_identity(find_user_by_email(passed), "resident_id", "11010519491231002X")
        sitting = make_sitting(organisation="north")
        sit(passed, sitting, {"theory": True, "practical": True}, name="张小三")
        sit(failed, sitting, {"theory": False, "practical": False}, name="李四光")
        sitting_id = sitting.public_id
    url = f"/issuers/north/results/{sitting_id}"
    assert client.get(url).status_code == 404  # not published, not enabled
    with app.app_context():
        by_slug("north").public_results = True
        db.session.commit()
    assert client.get(url).status_code == 404  # enabled, not published yet
    with app.app_context():
        publish_now(sitting_id, appeal_window_days=7)
    page = client.get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "张*三" in text and "1101**********002X" in text and text.count("data-row") == 1
    assert "张小三" not in text and "11010519491231002X" not in text
    assert "李" not in text  # failed candidates are not listed
    assert client.get(f"/issuers/south/results/{sitting_id}").status_code == 404
    with app.app_context():
        by_slug("north").public_results = False
        db.session.commit()
    assert client.get(url).status_code == 404
