"""Panel reviews (综合评审) of levels 2 and 1, through the product's services and pages.

A hearing seats three members of the plan's panel who neither teach the candidate nor have a
declared conflict; only they see it; the chair records the defence; each member scores alone
and sees nobody else's scores until the panel has decided; the scheme's rule decides; the
certificate follows the publication of the results. The candidate hands in a work summary
before the sitting opens, and the panel reads it.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from talentpool.accounts.service import find_user_by_email
from talentpool.assessment import exam
from talentpool.assessment.models import ExamAttempt
from talentpool.auth import Role
from talentpool.certification.service import find_certificate, issue_certificate
from talentpool.cohorts import enrolment
from talentpool.cohorts import service as cohorts
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.organisations import office
from talentpool.organisations.service import default_organisation
from talentpool.rating import hearings, panels, summaries
from talentpool.rating import office as rating_office
from talentpool.rating.panel_models import DECIDED, OPEN, SEATING
from tests.assessment.test_exam import gold_for
from tests.conftest import csrf_from
from tests.exam_bank import make_ready_bank
from tests.office.helpers import make_sitting, publish_now, seat
from tests.packs import make_practice_bank
from tests.rating.panel_helpers import FULL, WEAK, plan_id_of

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
SUMMARY = ("## 项目质量管理\n\n负责三个标注团队的质检方案设计，抽检比例 10%，"
           "返工率从 12% 降到 4%。") * 2


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setattr("talentpool.i18n.DEFAULT_LOCALE", "en")


@pytest.fixture
def waiting(app, tmp_path, make_user):
    """A level-2 attempt that passed both parts; its hearing is open and has no panel yet.
    The candidate is in a cohort of institution A and handed in a work summary in time."""
    make_ready_bank(app, tmp_path)
    people = {"candidate": make_user(), "admin": make_user(Role.ADMIN),
              "teacher": make_user(Role.INSTITUTION_STAFF),
              **{f"m{n}": make_user(Role.INSTITUTION_STAFF) for n in range(1, 6)},
              "outsider": make_user(Role.INSTITUTION_STAFF),
              "home_admin": make_user(Role.INSTITUTION_STAFF)}
    with app.test_request_context():
        admin = find_user_by_email(people["admin"])
        home, _link = cohorts.create_institution("Institution A", people["home_admin"], admin)
        cohorts.add_instructor(home, people["teacher"], admin)
        db.session.commit()
        make_practice_bank(Path(app.instance_path) / "packs", {"theory": 10})
        cohort = cohorts.create_cohort(home.id, "Spring", 2, {"theory": 10}, date.today(),
                                       date.today() + timedelta(days=60), admin)
        candidate = find_user_by_email(people["candidate"])
        enrolment.join(cohort.join_code, candidate)
        issue_certificate(candidate, 3, 80, 80)
        session = make_sitting(2, "Level 2 · sitting")
        registration = seat(session, candidate.id, "李四")
        summaries.save(candidate, registration.public_id, "三年质检工作总结", SUMMARY,
                       now=session.opens_at - timedelta(days=2))
        summaries.add_file(candidate, registration.public_id, "report.pdf", PDF,
                           now=session.opens_at - timedelta(days=2))
        organisation = default_organisation()
        for member in ("teacher", "m1", "m2", "m3", "m4", "m5"):  # the organisation's experts
            office.appoint(organisation, people[member], "panel_member", admin)
        attempt = exam.start_attempt(candidate.id, session.public_id)
        while attempt.state in ("theory", "practical"):
            exam.submit_answer(attempt, attempt.sequence, gold_for(attempt.current_item_id))
        assert attempt.state == "awaiting_panel" and attempt.certificate_serial is None
        hearing = hearings.hearing_of(attempt.id)
        assert hearing.state == SEATING and hearing.seats == []
        return {**people, "session": session.public_id, "attempt": attempt.public_id,
                "plan": plan_id_of(attempt), "hearing": hearing.public_id}


def login(client, auth, email):
    client.delete_cookie("session")
    auth.login(email)


def appoint_on_page(client, auth, admin, plan, email):
    login(client, auth, admin)
    url = f"/admin/organisations/talentpool/plans/{plan}/panel"
    return client.post(url, data={"action": "appoint", "email": email, "csrf_token": csrf_from(
        client.get(url).get_data(as_text=True))}, follow_redirects=True)


def seated(app, hearing_id):
    with app.app_context():
        found = db.session.scalar(select(hearings.PanelHearing).where(
            hearings.PanelHearing.public_id == hearing_id))
        return [s.member.email for s in panels.active_seats(found)], found.state


def test_a_hearing_seats_three_members_who_neither_teach_the_candidate_nor_conflict(
        app, client, auth, waiting):
    with app.test_request_context():
        rating_office.declare_conflict(default_organisation(), waiting["m2"],
                                       waiting["candidate"], "同一项目组",
                                       find_user_by_email(waiting["admin"]))
    for member in ("teacher", "m1", "m2"):
        page = appoint_on_page(client, auth, waiting["admin"], waiting["plan"], waiting[member])
        assert "is on the panel now" in page.get_data(as_text=True)
    members, state = seated(app, waiting["hearing"])
    assert members == [waiting["m1"]] and state == SEATING  # teacher and m2 stand aside
    page = client.get(f"/admin/organisations/talentpool/plans/{waiting['plan']}/panel")
    assert "2 member(s) missing" in page.get_data(as_text=True)
    for member in ("m3", "m4", "m5"):
        appoint_on_page(client, auth, waiting["admin"], waiting["plan"], waiting[member])
    members, state = seated(app, waiting["hearing"])
    assert members == [waiting["m1"], waiting["m3"], waiting["m4"]] and state == OPEN
    refused = appoint_on_page(client, auth, waiting["admin"], waiting["plan"],
                              waiting["outsider"])
    assert "is not a panel member of" in refused.get_data(as_text=True)


def test_only_seated_members_see_the_hearing_and_its_work_summary(app, client, auth, waiting):
    for member in ("m1", "m2", "m3", "m4"):
        appoint_on_page(client, auth, waiting["admin"], waiting["plan"], waiting[member])
    url = f"/panel/hearings/{waiting['hearing']}"
    with app.app_context():
        summary = hearings.summary_of(hearings.hearing_of(
            db.session.scalar(select(ExamAttempt.id).where(
                ExamAttempt.public_id == waiting["attempt"]))))
        file_url = f"{url}/files/{summary.files[0].public_id}"
    # The fourth member of the plan's panel, the candidate's teacher, an administrator, an
    # outsider and the candidate: no hearing, no file, no way to score.
    for who in ("m4", "teacher", "admin", "outsider", "candidate"):
        login(client, auth, waiting[who])
        assert waiting["hearing"] not in client.get("/panel/").get_data(as_text=True)
        assert client.get(url).status_code == 404, who
        assert client.get(file_url).status_code == 404, who
        assert client.post(url, data={"action": "scores"}).status_code in (400, 404)
    login(client, auth, waiting["m2"])
    assert waiting["hearing"] in client.get("/panel/").get_data(as_text=True)
    page = client.get(url)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "三年质检工作总结" in text and "返工率" in text
    assert "李四" in text and page.headers["Cache-Control"] == "private, no-store"
    download = client.get(file_url)
    assert download.status_code == 200 and download.data == PDF


def test_the_chair_records_the_defence_then_members_score_alone_and_the_mean_decides(
        app, client, auth, waiting):
    for member in ("m1", "m2", "m3"):
        appoint_on_page(client, auth, waiting["admin"], waiting["plan"], waiting[member])
    url = f"/panel/hearings/{waiting['hearing']}"
    with app.test_request_context():
        ids = {name: find_user_by_email(waiting[name]).id for name in ("m1", "m2", "m3")}
        with pytest.raises(panels.PanelError, match="after the defence"):
            hearings.submit_scores(ids["m2"], waiting["hearing"], FULL, {"": "Good."})
        with pytest.raises(panels.PanelError, match="chair"):
            hearings.record_defence(ids["m2"], waiting["hearing"],
                                    [{"question": "Q?", "answer": "A."}], "", utcnow())
    # The chair records the defence on the page; a question without an answer is refused
    # and what was typed stays on the page.
    login(client, auth, waiting["m1"])
    token = csrf_from(client.get(url).get_data(as_text=True))
    held = (utcnow() + timedelta(hours=8) - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(url, data={
        "action": "defence", "csrf_token": token, "held_at": held,
        "questions-0-question": "你如何设计抽检比例？", "questions-0-answer": ""})
    assert refused.status_code == 400 and "你如何设计抽检比例？" in refused.get_data(as_text=True)
    saved = client.post(url, data={
        "action": "defence", "csrf_token": token, "held_at": held,
        "questions-0-question": "你如何设计抽检比例？",
        "questions-0-answer": "按批次风险分层，高风险批次 20%。",
        "questions-1-question": "返工率下降的原因？", "questions-1-answer": "规范细化与培训。",
        "notes": "回答清楚。"}, follow_redirects=True)
    assert "The defence record is saved" in saved.get_data(as_text=True)
    # Each member scores alone: 100, 50 and 60 → mean 70 ≥ 60, passed.
    points = {"m1": FULL, "m2": WEAK, "m3": {"work": 30, "defence": 30}}
    for name in ("m1", "m2"):
        login(client, auth, waiting[name])
        page = client.get(url).get_data(as_text=True)
        assert "按批次风险分层" in page
        assert "Scored against" not in page  # nobody's comment shows before the decision
        reply = client.post(url, data={
            "action": "scores", "csrf_token": csrf_from(page),
            "points_work": str(points[name]["work"]),
            "points_defence": str(points[name]["defence"]),
            "overall": "Scored against the rubric by " + name}, follow_redirects=True)
        assert "Your scores are in" in reply.get_data(as_text=True)
    login(client, auth, waiting["m2"])
    page = client.get(url).get_data(as_text=True)
    assert "by m1" not in page and "You gave 50 out of 100" in page
    with app.app_context():
        assert db.session.scalar(select(ExamAttempt.state).where(
            ExamAttempt.public_id == waiting["attempt"])) == "awaiting_panel"
    login(client, auth, waiting["m3"])
    page = client.get(url).get_data(as_text=True)
    incomplete = client.post(url, data={"action": "scores", "csrf_token": csrf_from(page),
                                        "points_work": "30", "overall": "Half done"})
    assert incomplete.status_code == 400 and "Half done" in incomplete.get_data(as_text=True)
    client.post(url, data={"action": "scores", "csrf_token": csrf_from(page),
                           "points_work": "30", "points_defence": "30",
                           "overall": "Scored against the rubric by m3"})
    page = client.get(url).get_data(as_text=True)
    assert "by m1" in page and "by m2" in page and "Panel score 70" in page  # decided: all is shown
    with app.app_context():
        attempt = db.session.scalar(select(ExamAttempt).where(
            ExamAttempt.public_id == waiting["attempt"]))
        assert attempt.state == "passed" and attempt.panel_score == 70.0
        assert hearings.hearing_of(attempt.id).state == DECIDED
        assert attempt.certificate_serial is None
        publish_now(waiting["session"], appeal_window_days=0)
        db.session.refresh(attempt)
        assert find_certificate(attempt.certificate_serial).panel_score == 70
        actions = [e.action for e in office.audit_log(default_organisation())]
        assert actions.count("panel.score") == 3 and "panel.decide" in actions
        assert "panel.defence" in actions


def test_a_weak_hearing_fails_the_attempt_and_scores_are_final(app, waiting):
    with app.test_request_context():
        admin = find_user_by_email(waiting["admin"])
        attempt = db.session.scalar(select(ExamAttempt).where(
            ExamAttempt.public_id == waiting["attempt"]))
        from tests.rating.panel_helpers import hold_hearing

        hearing = hold_hearing(default_organisation(), attempt,
                               [waiting["m1"], waiting["m2"], waiting["m3"]],
                               [WEAK, WEAK, FULL], admin)
        assert (hearing.panel_score, hearing.passed) == (67.0, True)  # the mean, not a vote
        first = panels.active_seats(hearing)[0]
        with pytest.raises(panels.PanelError):
            hearings.submit_scores(first.member_id, hearing.public_id, FULL, {"": "again"})
        with pytest.raises(panels.PanelError):
            panels.recuse(first.member_id, hearing.public_id, "too late")


def test_standing_aside_and_a_declared_conflict_give_the_seat_to_the_next_member(
        app, client, auth, waiting):
    for member in ("m1", "m2", "m3", "m4", "m5"):
        appoint_on_page(client, auth, waiting["admin"], waiting["plan"], waiting[member])
    login(client, auth, waiting["m2"])
    url = f"/panel/hearings/{waiting['hearing']}"
    page = client.get(url).get_data(as_text=True)
    reply = client.post(f"{url}/recuse", data={"csrf_token": csrf_from(page),
                                               "reason": "曾是同事"}, follow_redirects=True)
    assert "You stood aside" in reply.get_data(as_text=True)
    assert client.get(url).status_code == 404
    members, state = seated(app, waiting["hearing"])
    assert members == [waiting["m1"], waiting["m3"], waiting["m4"]] and state == OPEN
    with app.test_request_context():
        rating_office.declare_conflict(default_organisation(), waiting["m3"],
                                       waiting["candidate"], "亲属",
                                       find_user_by_email(waiting["admin"]))
        conflicts = {(c.rater_id, c.candidate_id) for c, _r, _c in rating_office.conflicts(
            default_organisation())}
        assert (find_user_by_email(waiting["m2"]).id,
                find_user_by_email(waiting["candidate"]).id) in conflicts
    members, state = seated(app, waiting["hearing"])
    assert members == [waiting["m1"], waiting["m4"], waiting["m5"]] and state == OPEN
    # Dismissing a member with no one left to replace them leaves the hearing short.
    login(client, auth, waiting["admin"])
    panel_url = f"/admin/organisations/talentpool/plans/{waiting['plan']}/panel"
    with app.app_context():
        m5 = find_user_by_email(waiting["m5"]).public_id
    client.post(panel_url, data={"action": "dismiss", "member": m5, "csrf_token": csrf_from(
        client.get(panel_url).get_data(as_text=True))})
    members, state = seated(app, waiting["hearing"])
    assert members == [waiting["m1"], waiting["m4"]] and state == SEATING


def test_the_work_summary_is_handed_in_before_the_sitting_and_fixed_after(
        app, client, auth, make_user, tmp_path):
    make_ready_bank(app, tmp_path)
    candidate = make_user()
    with app.app_context():
        later = make_sitting(2, "Level 2 · later", opens_at=utcnow() + timedelta(days=3),
                             closes_at=utcnow() + timedelta(days=4))
        registration = seat(later, find_user_by_email(candidate).id).public_id
        opened = make_sitting(2, "Level 2 · opened")
        fixed = seat(opened, find_user_by_email(candidate).id).public_id
        five = make_sitting(5, "Level 5")
        no_panel = seat(five, find_user_by_email(candidate).id).public_id
    login(client, auth, candidate)
    url = f"/office/registrations/{registration}/summary"
    assert "Work summary" in client.get("/office/registrations").get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    short = client.post(url, data={"action": "save", "csrf_token": csrf_from(page),
                                   "title": "我的总结", "text": "太短了"})
    assert short.status_code == 400 and "太短了" in short.get_data(as_text=True)
    assert "asks for at least 50" in short.get_data(as_text=True)
    saved = client.post(url, data={"action": "save", "csrf_token": csrf_from(page),
                                   "title": "我的总结", "text": SUMMARY + "<script>x()</script>"},
                        follow_redirects=True)
    assert "Your work summary is saved" in saved.get_data(as_text=True)
    wrong = client.post(url, data={"action": "file", "csrf_token": csrf_from(page),
                                   "file": (__import__("io").BytesIO(b"MZ\x90"), "cv.pdf")},
                        content_type="multipart/form-data")
    assert wrong.status_code == 400 and "is not a PDF file" in wrong.get_data(as_text=True)
    added = client.post(url, data={"action": "file", "csrf_token": csrf_from(page),
                                   "file": (__import__("io").BytesIO(PDF), "report.pdf")},
                        content_type="multipart/form-data", follow_redirects=True)
    assert "report.pdf" in added.get_data(as_text=True)
    again = client.post(url, data={"action": "file", "csrf_token": csrf_from(page),
                                   "file": (__import__("io").BytesIO(PDF), "more.pdf")},
                        content_type="multipart/form-data")
    assert again.status_code == 400 and "at most 1 PDF" in again.get_data(as_text=True)
    shown = client.get(url).get_data(as_text=True)
    assert "<script>x()" not in shown
    # Once the sitting has opened, the summary is what it was.
    fixed_url = f"/office/registrations/{fixed}/summary"
    page = client.get(fixed_url).get_data(as_text=True)
    assert "can no longer be" in page
    late = client.post(fixed_url, data={"action": "save", "csrf_token": csrf_from(page),
                                        "title": "x", "text": SUMMARY})
    assert late.status_code == 400 and "can no longer change" in late.get_data(as_text=True)
    assert client.get(f"/office/registrations/{no_panel}/summary").status_code == 404
    login(client, auth, make_user())
    assert client.get(url).status_code == 404
