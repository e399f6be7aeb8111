"""Check-in and the proctor log: the ticket must be this sitting's, present needs the photo
confirmed, marks change only before the candidate starts; a certifying attempt starts only after
check-in; extensions move the deadline, terminations fail the attempt for good; the supervisor's
sign-off closes the log."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from talentpool.accounts.service import find_user_by_email
from talentpool.assessment import exam
from talentpool.assessment.models import ExamAttempt
from talentpool.certification.models import HolderIdentity, HolderPhoto, PhotoState
from talentpool.extensions import db
from talentpool.office import checkin, plans, proctor_log, publication
from talentpool.office.models import ABSENT, IRREGULAR, PRESENT, ProctorLogEntry, Registration
from talentpool.organisations import office
from talentpool.organisations.models import AuditEntry
from talentpool.organisations.service import by_slug
from tests.assessment.test_exam import REAL
from tests.conftest import csrf_from
from tests.exam_bank import make_ready_bank
from tests.office.helpers import publish_now
from tests.office.test_plans import (
    english, make_candidates, make_north_plan, make_room, make_staff, pools_ready,  # noqa: F401
)
from tests.office.test_tickets import photo_jpeg

@pytest.fixture(autouse=True)
def english_outside_requests(monkeypatch):
    """These tests read the services' English messages; outside a request the interface
    language is the default, Chinese."""
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "en")


NORTH = "/admin/organisations/north"


def seated_room(n: int = 3, capacity: int = 30, **room):
    """A plan with one sitting of ``n`` seated candidates, a proctor and a supervisor."""
    plan = make_north_plan()
    sitting = make_room(plan, capacity=capacity, **room)
    make_candidates(plan, n)
    plans.assign_seats(by_slug("north"), plan.public_id, None)
    make_staff("proctor@example.org", "proctor", sitting=sitting)
    make_staff("super@example.org", "supervisor", sitting=sitting)
    return sitting, list(db.session.scalars(select(Registration).where(
        Registration.sitting_id == sitting.id).order_by(Registration.seat)))


def marks_audited() -> list[AuditEntry]:
    return [e for e in reversed(office.audit_log(by_slug("north"))) if e.action == "checkin.mark"]


def test_a_ticket_of_another_sitting_or_unknown_is_refused_by_name(app, pools_ready):
    with app.app_context():
        sitting, [first, *_rest] = seated_room()
        other = make_room(plans.plan_of(sitting), room="B-202", title="下午场")
        north = by_slug("north")
        with pytest.raises(checkin.CheckInError, match=r"is for another sitting: A-101, .*, "
                                                       r"room A-101\. Send the candidate there"):
            checkin.check_in(north, other.public_id, first.ticket_number, PRESENT, None, True)
        with pytest.raises(checkin.CheckInError, match="No admission ticket has the number "
                                                       "NOPE-1"):
            checkin.check_in(north, sitting.public_id, " nope-1 ", PRESENT, None, True)
        with pytest.raises(checkin.CheckInError, match="Scan or type"):
            checkin.lookup(north, sitting.public_id, "")
        assert db.session.scalar(select(func.count(Registration.id)).where(
            Registration.attendance.is_not(None))) == 0 and marks_audited() == []


def test_present_needs_the_photo_confirmed_and_changes_are_audited(app, pools_ready):
    with app.app_context():
        sitting, [first, second, _third] = seated_room()
        north = by_slug("north")
        db.session.add(HolderIdentity(user_id=first.user_id, id_type="resident_id",
                                      id_number="11010519491231002X"))
        db.session.commit()
        card = checkin.lookup(north, sitting.public_id, first.ticket_number.lower())
        assert (card.name, card.seat, card.masked_id_number) == (
            first.candidate_name, "001", "1101**********002X")
        assert not card.has_photo and card.photo_url is None
        with pytest.raises(checkin.CheckInError, match="Confirm that the photo"):
            checkin.check_in(north, sitting.public_id, first.ticket_number, PRESENT, None, False)
        assert db.session.get(Registration, first.id).attendance is None
        checkin.check_in(north, sitting.public_id, second.ticket_number, ABSENT, None)
        checkin.check_in(north, sitting.public_id, first.ticket_number, PRESENT, None, True)
        checkin.check_in(north, sitting.public_id, first.ticket_number, PRESENT, None, True)
        checkin.check_in(north, sitting.public_id, second.ticket_number, PRESENT, None, True)
        assert [(e.subject, e.before, e.after["attendance"]) for e in marks_audited()] == [
            (second.ticket_number, {"attendance": None}, ABSENT),
            (first.ticket_number, {"attendance": None}, PRESENT),
            (second.ticket_number, {"attendance": ABSENT}, PRESENT)]  # the repeat wrote nothing
        with pytest.raises(checkin.CheckInError, match="Choose present, absent or irregular"):
            checkin.check_in(north, sitting.public_id, first.ticket_number, "late", None, True)


def test_check_in_is_one_query(app, pools_ready):
    from sqlalchemy import event

    with app.app_context():
        sitting, [first, *_rest] = seated_room()
        ticket, public_id = first.ticket_number, sitting.public_id
        north = by_slug("north")  # the page's guard has loaded the organisation
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            checkin.check_in(north, public_id, ticket, PRESENT, None, True)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        assert len(selects) == 1, selects


def test_sign_off_needs_every_mark_and_a_supervisor_and_closes_the_log(app, pools_ready):
    with app.app_context():
        sitting, [first, second] = seated_room(2)
        north, proctor = by_slug("north"), find_user_by_email("proctor@example.org")
        supervisor = find_user_by_email("super@example.org")
        proctor_log.add_incident(north, sitting.public_id, "Fire alarm test at 09:40.", proctor)
        with pytest.raises(proctor_log.LogError, match="Describe the incident"):
            proctor_log.add_incident(north, sitting.public_id, "  ", proctor)
        checkin.check_in(north, sitting.public_id, first.ticket_number, PRESENT, proctor, True)
        with pytest.raises(proctor_log.LogError, match="Only a supervisor appointed"):
            proctor_log.sign_off(north, sitting.public_id, proctor)
        with pytest.raises(proctor_log.LogError, match=f"1 candidates are not marked yet "
                                                       f"\\({second.candidate_name}\\)"):
            proctor_log.sign_off(north, sitting.public_id, supervisor)
        checkin.check_in(north, sitting.public_id, second.ticket_number, ABSENT, proctor)
        proctor_log.sign_off(north, sitting.public_id, supervisor, "All in order.")
        assert publication.signed_off(sitting) and proctor_log.is_closed(sitting)
        with pytest.raises(proctor_log.LogError, match="signed this sitting's log off"):
            proctor_log.add_incident(north, sitting.public_id, "Late note", proctor)
        with pytest.raises(proctor_log.LogError, match="signed this sitting's log off"):
            proctor_log.sign_off(north, sitting.public_id, supervisor)
        with pytest.raises(checkin.CheckInError, match="signed this sitting off"):
            checkin.check_in(north, sitting.public_id, second.ticket_number, PRESENT, proctor,
                             True)
        kinds = [entry.kind for entry, _r in proctor_log.entries(sitting)]
        assert kinds == ["incident", "sign_off"]
        actions = [e.action for e in office.audit_log(north)]
        assert "log.incident" in actions and "log.sign_off" in actions


def start(client, session_id):
    """Press "Start" as the signed-in candidate, as they are (no seating or check-in added)."""
    page = client.get("/exams/").get_data(as_text=True)
    return client.post(f"/exams/sessions/{session_id}/start", data={"csrf_token": csrf_from(page)})


def test_the_proctor_checks_in_through_the_page(app, client, auth, pools_ready):
    with app.app_context():
        sitting, [first, second, _third] = seated_room()
        db.session.add(HolderPhoto(user_id=first.user_id, state=PhotoState.APPROVED,
                                   jpeg=photo_jpeg()))
        db.session.commit()
        url, other = f"{NORTH}/sittings/{sitting.public_id}/checkin", make_room(
            plans.plan_of(sitting), room="C-3", title="C-3 下午场").public_id
        tickets = (first.ticket_number, second.ticket_number)
    auth.login("proctor@example.org")
    english(client)
    page = client.get(url).get_data(as_text=True)
    assert 'autofocus' in page and "not marked 3" in page
    reply = client.post(url, data={"csrf_token": csrf_from(page), "action": "scan",
                                   "ticket": tickets[0]})
    card = reply.get_data(as_text=True)
    assert reply.status_code == 200 and f'data-card="{tickets[0]}"' in card
    [photo] = re.findall(r'src="([^"]+/photo\.jpg)"', card)
    assert client.get(photo).headers["Content-Type"] == "image/jpeg"
    reply = client.post(url, data={"csrf_token": csrf_from(card), "action": "mark",
                                   "ticket": tickets[0], "attendance": "present"})
    assert reply.status_code == 400 and "Confirm that the photo" in reply.get_data(as_text=True)
    reply = client.post(url, data={"csrf_token": csrf_from(card), "action": "mark",
                                   "ticket": tickets[0], "attendance": "present",
                                   "photo_matches": "y"}, follow_redirects=True)
    page = reply.get_data(as_text=True)
    assert "marked present" in page and f'data-ticket="{tickets[0]}" data-attendance="present"' \
        in page
    reply = client.post(url, data={"csrf_token": csrf_from(page), "action": "scan",
                                   "ticket": tickets[1]})
    assert reply.status_code == 200
    # Another sitting's proctor page refuses the ticket and names this candidate's sitting.
    with app.app_context():
        make_staff("proctor@example.org", "proctor", sitting=plans.own_sitting(
            by_slug("north"), other))
    reply = client.post(f"{NORTH}/sittings/{other}/checkin", data={
        "csrf_token": csrf_from(page), "action": "scan", "ticket": tickets[1]})
    assert reply.status_code == 400 and "is for another sitting" in reply.get_data(as_text=True)
    # The photo of a candidate seated elsewhere is not served under this sitting.
    registration = photo.split("/candidates/")[1].split("/")[0]
    assert client.get(f"{NORTH}/sittings/{other}/candidates/{registration}/photo.jpg"
                      ).status_code == 404


@pytest.mark.slow
def test_a_certifying_attempt_waits_for_check_in_then_extension_and_termination(
        app, client, auth, tmp_path):
    make_ready_bank(app, tmp_path, retake_days=0)
    with app.app_context():
        sitting, [first] = seated_room(1)
        public_id, ticket, user_id = sitting.public_id, first.ticket_number, first.user_id
    auth.login("cand0@example.org")
    start(client, public_id)
    with app.app_context():
        assert db.session.scalar(select(func.count(ExamAttempt.id)).where(REAL)) == 0
        with pytest.raises(exam.ExamError, match="A proctor must check you in|监考员"):
            exam.start_attempt(user_id, public_id)
        north = by_slug("north")
        proctor = find_user_by_email("proctor@example.org")
        with pytest.raises(proctor_log.LogError, match="no attempt in progress"):
            proctor_log.extend_time(north, public_id, ticket, 10, "Power cut", proctor)
        checkin.check_in(north, public_id, ticket, PRESENT, proctor, True)
    assert start(client, public_id).status_code == 302
    with app.app_context():
        north = by_slug("north")
        proctor = find_user_by_email("proctor@example.org")
        attempt = db.session.scalars(select(ExamAttempt).where(REAL)).one()
        deadline = attempt.part_deadline
        with pytest.raises(checkin.CheckInError, match="already started"):
            checkin.check_in(north, public_id, ticket, ABSENT, proctor)
        for minutes, reason, message in ((0, "x", "1 to 60 minutes"), (61, "x", "1 to 60"),
                                         (10, " ", "Give the reason")):
            with pytest.raises(proctor_log.LogError, match=message):
                proctor_log.extend_time(north, public_id, ticket, minutes, reason, proctor)
        extended = proctor_log.extend_time(north, public_id, ticket.lower(), 10,
                                           "Power cut in row 3", proctor)
        assert extended.part_deadline == deadline + timedelta(minutes=10)
        with pytest.raises(proctor_log.LogError, match="Give the reason for ending"):
            proctor_log.terminate(north, public_id, ticket, "", proctor)
        ended = proctor_log.terminate(north, public_id, ticket, "Used a phone", proctor)
        assert (ended.state, ended.passed) == ("failed", False)
        assert ended.part_results["theory"]["status"] == "terminated"
        assert db.session.get(Registration, first.id).attendance == IRREGULAR
        with pytest.raises(proctor_log.LogError, match="no attempt in progress"):
            proctor_log.terminate(north, public_id, ticket, "again", proctor)
        entries = db.session.scalars(select(ProctorLogEntry).order_by(ProctorLogEntry.id)).all()
        assert [(e.kind, e.minutes) for e in entries] == [("extension", 10), ("termination", None)]
        # Terminated for good: no restart at this sitting and never a certificate.
        with pytest.raises(exam.ExamError):
            exam.start_attempt(user_id, public_id)
        proctor_log.sign_off(north, public_id, find_user_by_email("super@example.org"))
        publish_now(public_id, appeal_window_days=0)
        attempt = db.session.get(ExamAttempt, ended.id)
        assert not publication.release_attempt(attempt) and attempt.certificate_serial is None


def test_the_log_page_records_incidents_and_the_supervisor_signs_off(app, client, auth,
                                                                       pools_ready):
    with app.app_context():
        sitting, [first] = seated_room(1)
        url, ticket = f"{NORTH}/sittings/{sitting.public_id}/log", first.ticket_number
    auth.login("proctor@example.org")
    english(client)
    page = client.get(url).get_data(as_text=True)
    assert "Record incident" in page and 'value="sign_off"' not in page
    reply = client.post(url, data={"csrf_token": csrf_from(page), "action": "incident",
                                   "incident-csrf_token": csrf_from(page),
                                   "incident-note": "Row 3 asked for water."})
    assert reply.status_code == 302
    reply = client.post(url, data={"action": "extension", "extension-csrf_token":
                                   csrf_from(page), "extension-candidate": ticket,
                                   "extension-minutes": "5", "extension-reason": "Slow PC"})
    assert reply.status_code == 400 and "no attempt in progress" in reply.get_data(as_text=True)
    auth.logout()
    auth.login("super@example.org")
    page = client.get(url).get_data(as_text=True)
    assert "Row 3 asked for water." in page
    reply = client.post(url, data={"action": "sign_off", "sign_off-csrf_token": csrf_from(page)})
    assert reply.status_code == 400 and "not marked yet" in reply.get_data(as_text=True)
    with app.app_context():
        checkin.check_in(by_slug("north"), sitting.public_id, ticket, ABSENT, None)
    reply = client.post(url, data={"action": "sign_off", "sign_off-csrf_token": csrf_from(page)},
                        follow_redirects=True)
    page = reply.get_data(as_text=True)
    assert "data-closed" in page and "Record incident" not in page
