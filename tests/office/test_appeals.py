"""Appeals (复核) of published results: filed by the candidate within the window, re-checked by
a different rater, decided with a reason; the decision may turn a fail into a pass (and a
certificate) or a pass into a fail; the certificate waits while an appeal is open."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

import tests.exam_bank as exam_bank_helpers
from talentpool.accounts.service import find_user_by_email
from talentpool.assessment import exam
from talentpool.assessment.models import OPEN_STATES, ExamAttempt, ExamResponse, Item
from talentpool.auth import Role
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.office import appeals, publication
from talentpool.office.models import Appeal
from talentpool.organisations import office
from talentpool.organisations.models import AuditEntry, OfficeRole
from talentpool.organisations.service import by_slug
from tests.assessment.test_exam import gold_for
from tests.conftest import csrf_from, make_organisation
from tests.exam_bank import make_ready_bank
from tests.office.helpers import make_sitting, publish_now, seat
from tests.packs import make_practice_bank
from tests.rating.panel_helpers import WEAK, hold_hearing

@pytest.fixture
def bank(app, tmp_path):
    """A ready item bank and two organisations: ``north`` (the default) and ``south``."""
    make_ready_bank(app, tmp_path)
    with app.app_context():
        make_organisation("north", "北方技能评价中心")
        make_organisation("south", "南方技能评价中心")
        db.session.commit()


def wrong(item: Item):
    return {"text": "x"} if item.type_id == "transcription" else {"choice": "pos"}


def sit(email: str, sitting, right: dict[str, bool], name: str = "张小三") -> ExamAttempt:
    """Seat the person in the sitting and answer every item, right or wrong per part."""
    user = find_user_by_email(email)
    seat(sitting, user.id, name)
    attempt = exam.start_attempt(user.id, sitting.public_id)
    while attempt.state in OPEN_STATES:
        item = db.session.get(Item, attempt.current_item_id)
        exam.submit_answer(attempt, attempt.sequence,
                           gold_for(item.id) if right[attempt.state] else wrong(item))
    return attempt


def appoint(organisation: str, email: str, role: OfficeRole) -> None:
    office.appoint(by_slug(organisation), email, role.value, None)


def url_for_my_offices(app) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for("organisations.my_offices")


def english(client) -> None:
    page = client.get("/").get_data(as_text=True)
    client.post("/language", data={"lang": "en", "next": "/", "csrf_token": csrf_from(page)})


def login(client, auth, email: str) -> None:
    if client.get("/home").status_code == 200:
        auth.logout()
    auth.login(email)
    english(client)


def file_on_page(client, attempt_id: str, part: str, reason: str):
    page = client.get(f"/exams/attempts/{attempt_id}").get_data(as_text=True)
    return client.post(f"/exams/attempts/{attempt_id}/appeal",
                       data={"part": part, "reason": reason, "csrf_token": csrf_from(page)},
                       follow_redirects=True)


def decide_on_page(client, slug: str, appeal_id: str, scores: dict[int, float] | None = None,
                   reason: str = "Re-checked against the marking sheet.", **fields):
    url = f"/admin/organisations/{slug}/appeals/{appeal_id}"
    page = client.get(url)
    assert page.status_code == 200
    data = {"reason": reason, "csrf_token": csrf_from(page.get_data(as_text=True)), **fields}
    data.update({f"score-{key}": value for key, value in (scores or {}).items()})
    return client.post(url, data=data, follow_redirects=True)


def audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                   .order_by(AuditEntry.id)))


def test_a_corrected_failed_part_passes_and_its_certificate_follows_the_window(
        app, client, auth, bank, make_user):
    candidate, rater = make_user(name="张小三"), make_user(name="Rater One")
    with app.app_context():
        appoint("north", rater, OfficeRole.RATER)
        sitting = make_sitting(organisation="north")
        attempt = sit(candidate, sitting, {"theory": True, "practical": False})
        assert attempt.state == "failed"
        published = publish_now(sitting, appeal_window_days=7)
        closes = published.appeal_closes_at
        attempt_id = attempt.public_id
    login(client, auth, candidate)
    page = file_on_page(client, attempt_id, "practical", "My transcriptions were right.")
    assert "Your appeal is filed" in page.get_data(as_text=True)
    assert 'data-state="open"' in page.get_data(as_text=True)
    assert exam_bank_helpers.GOLD_SENTINEL not in page.get_data(as_text=True)
    # The same part a second time: refused, nothing more written.
    page = file_on_page(client, attempt_id, "practical", "Again.")
    assert "already appealed this part" in page.get_data(as_text=True)
    with app.app_context():
        appeal = db.session.scalars(select(Appeal)).one()
        assert appeal.rater_id == find_user_by_email(rater).id  # assigned at once
        appeal_id = appeal.public_id
        responses = {r.id: r.score for r in db.session.scalars(select(ExamResponse).where(
            ExamResponse.attempt_id == attempt.id, ExamResponse.part == "practical",
            ExamResponse.pretest.is_(False)))}
    assert any(to == rater for to, _s, _b in app.extensions["mail_outbox"])
    # The rater's queue and re-check page show the gold (staff only).
    login(client, auth, rater)
    assert appeal_id in client.get("/admin/organisations/north/appeals").get_data(as_text=True)
    recheck = client.get(f"/admin/organisations/north/appeals/{appeal_id}")
    assert exam_bank_helpers.GOLD_SENTINEL in recheck.get_data(as_text=True)
    assert "no-store" in recheck.headers["Cache-Control"]
    # A reason is required: nothing changes without one.
    page = decide_on_page(client, "north", appeal_id, {key: 1 for key in responses}, reason="")
    assert "Give the reason for the decision" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Appeal, appeal.id).state == "open"
    page = decide_on_page(client, "north", appeal_id, {key: 1 for key in responses})
    assert "Appeal decided" in page.get_data(as_text=True)
    with app.app_context():
        row = db.session.get(ExamAttempt, attempt.id)
        decided = db.session.get(Appeal, appeal.id)
        assert row.state == "passed" and row.passed is True
        assert row.practical_score >= 60 and decided.score_after == row.practical_score
        assert decided.score_before < 60 and decided.decided_at is not None
        assert row.certificate_serial is None  # the window is still open
        entry = audit("appeal.decide")[-1]
        assert entry.before["state"] == "failed" and entry.after["state"] == "passed"
        assert entry.after["outcome"] == "changed" and entry.after["changes"]
        assert [e.subject for e in audit("appeal.file")] == [appeal_id]
        publication.release_due(closes - timedelta(minutes=1))
        assert db.session.get(ExamAttempt, attempt.id).certificate_serial is None
        publication.release_due(closes)
        assert db.session.get(ExamAttempt, attempt.id).certificate_serial is not None
    told = [body for to, _subject, body in app.extensions["mail_outbox"] if to == candidate]
    assert told and "Re-checked against the marking sheet." in told[-1]
    login(client, auth, candidate)
    page = client.get(f"/exams/attempts/{attempt_id}").get_data(as_text=True)
    assert 'data-state="decided"' in page and "Re-checked against the marking sheet." in page
    assert exam_bank_helpers.GOLD_SENTINEL not in page


def test_a_pass_changed_to_a_fail_prevents_the_certificate(app, bank, make_user):
    candidate, rater = make_user(), make_user()
    with app.app_context():
        appoint("north", rater, OfficeRole.RATER)
        sitting = make_sitting(organisation="north")
        attempt = sit(candidate, sitting, {"theory": True, "practical": True})
        assert attempt.state == "passed"
        published = publish_now(sitting, appeal_window_days=7)
        user, staff = find_user_by_email(candidate), find_user_by_email(rater)
        appeal = appeals.file_appeal(user, attempt.public_id, "theory", "Please check.")
        theory = appeals.scored_responses(attempt, "theory")
        # Not the assigned rater: refused.
        with pytest.raises(appeals.AppealError):
            appeals.decide(by_slug("north"), appeal.public_id, user, "mine",
                           {r.id: 1.0 for r in theory})
        with pytest.raises(appeals.AppealError):  # a score outside 0–1: nothing written
            appeals.decide(by_slug("north"), appeal.public_id, staff, "wrong",
                           {theory[0].id: 2.0})
        db.session.rollback()
        assert db.session.get(ExamResponse, theory[0].id).score == 1.0
        appeals.decide(by_slug("north"), appeal.public_id, staff,
                       "The gold of these items was misread at grading.",
                       {r.id: 0.0 for r in theory})
        row = db.session.get(ExamAttempt, attempt.id)
        assert row.state == "failed" and row.passed is False and row.theory_score < 60
        entry = audit("appeal.decide")[-1]
        assert entry.before["passed"] is True and entry.after["passed"] is False
        assert publication.release_due(published.appeal_closes_at + timedelta(days=1)) \
            == "issued 0 certificates"
        assert db.session.get(ExamAttempt, attempt.id).certificate_serial is None
        # shown in the candidate's time zone, Asia/Shanghai by default (UTC+8)
        decided_at = db.session.get(Appeal, appeal.id).decided_at + timedelta(hours=8)
        decided_on = f"{decided_at:%Y-%m-%d %H:%M}"
        with pytest.raises(appeals.AppealError, match=decided_on):  # decided once only
            appeals.decide(by_slug("north"), appeal.public_id, staff, "again", {})


def test_an_upheld_recheck_keeps_the_score_exactly(app, bank, make_user):
    candidate, rater = make_user(), make_user()
    with app.app_context():
        appoint("north", rater, OfficeRole.RATER)
        sitting = make_sitting(organisation="north")
        attempt = sit(candidate, sitting, {"theory": False, "practical": True})
        before = dict(attempt.part_results["practical"])
        publish_now(sitting, appeal_window_days=7)
        appeal = appeals.file_appeal(find_user_by_email(candidate), attempt.public_id,
                                     "practical", "Check it.")
        same = {r.id: r.score for r in appeals.scored_responses(attempt, "practical")}
        appeals.decide(by_slug("north"), appeal.public_id, find_user_by_email(rater),
                       "Every answer was scored right.", same)
        decided = db.session.get(Appeal, appeal.id)
        assert appeals.outcome(decided) == "upheld"
        assert decided.score_before == decided.score_after == before["score"]
        assert db.session.get(ExamAttempt, attempt.id).state == "failed"


def test_the_panel_part_goes_to_neither_its_members_nor_the_candidates_teacher(
        app, client, auth, bank, make_user):
    from datetime import date

    from talentpool.cohorts import enrolment
    from talentpool.cohorts import service as cohorts

    candidate = make_user()
    admin, reviewer, teacher, third, office_admin = (
        make_user(Role.ADMIN), make_user(Role.INSTITUTION_STAFF),
        make_user(Role.INSTITUTION_STAFF), make_user(), make_user())
    second, fourth = make_user(), make_user()
    with app.test_request_context():
        boss = find_user_by_email(admin)
        school, _link = cohorts.create_institution("Institution A", teacher, boss)
        db.session.commit()
        make_practice_bank(Path(app.instance_path) / "packs", {"theory": 10})
        cohort = cohorts.create_cohort(school.id, "Spring", 2, {"theory": 10}, date.today(),
                                       date.today() + timedelta(days=60), boss)
        enrolment.join(cohort.join_code, find_user_by_email(candidate))
        for member in (reviewer, second, fourth):
            appoint("north", member, OfficeRole.PANEL_MEMBER)
        appoint("north", teacher, OfficeRole.RATER)
        appoint("north", office_admin, OfficeRole.OFFICE_ADMIN)
        sitting = make_sitting(level=2, organisation="north")
        attempt = sit(candidate, sitting, {"theory": True, "practical": True})
        assert attempt.state == "awaiting_panel"
        hold_hearing(by_slug("north"), attempt, [reviewer, second, fourth], WEAK, boss)
        assert db.session.get(ExamAttempt, attempt.id).state == "failed"
        publish_now(sitting, appeal_window_days=7)
        appeal = appeals.file_appeal(find_user_by_email(candidate), attempt.public_id,
                                     "panel", "My defence covered every point.")
        assert appeal.rater_id is None  # nobody eligible: it waits for assignment
        for person in (reviewer, second, fourth, teacher, candidate):
            with pytest.raises(appeals.AppealError):
                appeals.assign(by_slug("north"), appeal.public_id,
                               find_user_by_email(person).public_id, boss)
        appoint("north", third, OfficeRole.PANEL_MEMBER)
        sitting_id, appeal_id, attempt_id = sitting.public_id, appeal.public_id, attempt.id
        third_id = find_user_by_email(third).public_id
    login(client, auth, office_admin)
    url = f"/admin/organisations/north/sittings/{sitting_id}/results"
    page = client.get(url).get_data(as_text=True)
    assert appeal_id in page and third_id in page and "waiting for a rater" in page
    page = client.post(url, data={"action": "assign", "appeal": appeal_id, "rater": third_id,
                                  "csrf_token": csrf_from(page)}, follow_redirects=True)
    assert "Appeal assigned" in page.get_data(as_text=True)
    login(client, auth, third)
    page = decide_on_page(client, "north", appeal_id, panel_score=72,
                          reason="The summary and defence meet the level.")
    assert "Appeal decided" in page.get_data(as_text=True)
    with app.app_context():
        row = db.session.get(ExamAttempt, attempt_id)
        assert row.panel_score == 72 and row.state == "passed"
        assert [e.after["rater"] for e in audit("appeal.assign")] == [third]


def test_appeals_stay_inside_their_organisation_and_their_candidate(
        app, client, auth, bank, make_user):
    candidate, other, rater_north, rater_south, second = (make_user() for _ in range(5))
    with app.app_context():
        appoint("north", rater_north, OfficeRole.RATER)
        appoint("north", second, OfficeRole.RATER)
        appoint("south", rater_south, OfficeRole.RATER)
        sitting = make_sitting(organisation="north")
        attempt = sit(candidate, sitting, {"theory": True, "practical": False})
        publish_now(sitting, appeal_window_days=7)
        with pytest.raises(appeals.AppealError):  # someone else's attempt
            appeals.file_appeal(find_user_by_email(other), attempt.public_id, "practical", "x")
        assert db.session.scalar(select(func.count(Appeal.id))) == 0
        appeal = appeals.file_appeal(find_user_by_email(candidate), attempt.public_id,
                                     "practical", "Please.")
        # The least busy eligible rater (ties: the longest-standing account).
        assert appeal.rater_id == find_user_by_email(rater_north).id
        with pytest.raises(appeals.AppealError):  # another organisation's address
            appeals.decide(by_slug("south"), appeal.public_id,
                           find_user_by_email(rater_south), "no", {})
        attempt_id, appeal_id = attempt.public_id, appeal.public_id
    login(client, auth, other)
    assert client.get(f"/exams/attempts/{attempt_id}").status_code == 404
    page = client.get("/exams/").get_data(as_text=True)
    assert client.post(f"/exams/attempts/{attempt_id}/appeal", data={
        "part": "theory", "reason": "x", "csrf_token": csrf_from(page)}).status_code == 404
    assert client.get("/admin/organisations/north/appeals").status_code == 403
    login(client, auth, rater_south)
    assert client.get("/admin/organisations/north/appeals").status_code == 403
    assert client.get(f"/admin/organisations/north/appeals/{appeal_id}").status_code == 403
    assert client.get(f"/admin/organisations/south/appeals/{appeal_id}").status_code == 404
    assert appeal_id not in client.get("/admin/organisations/south/appeals").get_data(
        as_text=True)
    login(client, auth, second)  # a rater of north the appeal is not assigned to
    assert client.get(f"/admin/organisations/north/appeals/{appeal_id}").status_code == 404
    assert appeal_id not in client.get("/admin/organisations/north/appeals").get_data(
        as_text=True)
    login(client, auth, rater_north)
    assert appeal_id in client.get("/admin/organisations/north/appeals").get_data(as_text=True)
    assert "/admin/organisations/north/appeals" in client.get(
        url_for_my_offices(app)).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(Appeal.id))) == 1


def test_bad_appeals_get_a_clear_message_and_write_nothing(app, bank, make_user):
    candidate, early = make_user(), make_user()
    with app.app_context():
        sitting = make_sitting(organisation="north")
        attempt = sit(candidate, sitting, {"theory": True, "practical": True})
        person = find_user_by_email(early)
        seat(sitting, person.id, "王五")
        unfinished = exam.start_attempt(person.id, sitting.public_id)
        exam.finish(unfinished, unfinished.sequence)  # handed in during the theory part
        assert unfinished.part_results["practical"]["status"] == "not_attempted"
        user = find_user_by_email(candidate)
        with pytest.raises(appeals.AppealError):  # not published yet
            appeals.file_appeal(user, attempt.public_id, "theory", "x")
        publish_now(sitting, appeal_window_days=7)
        with pytest.raises(appeals.AppealError):  # not sat: nothing to re-score
            appeals.file_appeal(person, unfinished.public_id, "practical", "x")
        with pytest.raises(appeals.AppealError):  # no panel review at level 5
            appeals.file_appeal(user, attempt.public_id, "panel", "x")
        with pytest.raises(appeals.AppealError):
            appeals.file_appeal(user, attempt.public_id, "theory", "   ")
        with pytest.raises(appeals.AppealError):
            appeals.file_appeal(user, attempt.public_id, "essay", "x")
        assert db.session.scalar(select(func.count(Appeal.id))) == 0
        assert audit("appeal.file") == []
        # Waiting for a rater: none is appointed, so the office assigns one later.
        appeal = appeals.file_appeal(user, attempt.public_id, "theory", "x", now=utcnow())
        assert appeal.rater_id is None and appeal.state == "open"


def test_only_parts_sat_in_this_attempt_can_be_appealed():
    kept = {"score": 72, "status": "scored", "carried_from": "earlier", "passed_at": "2026-01-01"}
    resit = ExamAttempt(part_results={"theory": kept, "practical": {"score": 40,
                                                                    "status": "scored"}})
    assert appeals.appealable_parts(resit) == ["practical"]  # the kept part is appealed there
    handed_in = ExamAttempt(part_results={"theory": {"score": 61, "status": "scored"},
                                          "practical": {"score": 0, "status": "not_attempted"}})
    assert appeals.appealable_parts(handed_in) == ["theory"]
    reviewed = ExamAttempt(part_results={"theory": {"score": 61, "status": "incomplete"},
                                         "practical": {"score": 65, "status": "scored"}},
                           panel_score=55.0)
    assert appeals.appealable_parts(reviewed) == ["theory", "practical", "panel"]
