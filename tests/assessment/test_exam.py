"""Certification exams end to end: eligibility, timing, resume, stale pages, races, grading."""

import json
import threading
from datetime import timedelta

import pytest
import yaml
from sqlalchemy import func, select

from talentpool.accounts.service import find_user_by_email
from talentpool.assessment import exam
from talentpool.assessment.field_test import FIELD_TEST_STATE
from talentpool.assessment.models import ExamAttempt, ExamResponse, Item
from talentpool.auth import Role
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.scoring import get_scorer
from tests.conftest import csrf_from
from tests.exam_bank import GOLD_SENTINEL, make_ready_bank
from tests.office.helpers import make_sitting, publish_now, seat_signed_in

@pytest.fixture
def bank(app, tmp_path):
    make_ready_bank(app, tmp_path)
    with app.app_context():
        now = utcnow()
        session = exam.create_session(5, "Level 5 · test", now - timedelta(hours=1),
                                      now + timedelta(hours=5), None)
        return session.public_id


@pytest.fixture
def sitting(app, tmp_path):
    """A certifying sitting of level 5 (proctored, of an assessment plan)."""
    make_ready_bank(app, tmp_path)
    with app.app_context():
        return make_sitting(5, "Level 5 · sitting").public_id


@pytest.fixture
def trainee(client, auth, make_user):
    email = make_user(Role.TRAINEE)
    auth.login(email)
    return email


def gold_for(item_id):
    item = db.session.get(Item, item_id)
    return get_scorer(item.type_id).gold_answer(item.spec, item.gold)


def start(client, session_id):
    """Start the session as the signed-in person (seated and checked in first when it is a
    certifying sitting)."""
    seat_signed_in(client, session_id)
    page = client.get("/exams/").get_data(as_text=True)
    return client.post(f"/exams/sessions/{session_id}/start", data={"csrf_token": csrf_from(page)})


REAL = ExamAttempt.state != FIELD_TEST_STATE


def attempt_row(app):
    with app.app_context():
        return db.session.scalars(select(ExamAttempt).where(REAL)).one()


def count_responses(*where):
    return db.session.scalar(select(func.count()).select_from(ExamResponse).join(
        ExamAttempt, ExamAttempt.id == ExamResponse.attempt_id).where(REAL, *where))


def answer_current(app, client, correct=True, sequence=None):
    attempt = attempt_row(app)
    with app.app_context():
        answer = gold_for(attempt.current_item_id) if correct else {"text": "x"} \
            if db.session.get(Item, attempt.current_item_id).type_id == "transcription" \
            else {"choice": "pos"}
    page = client.get(f"/exams/attempts/{attempt.public_id}").get_data(as_text=True)
    seq = attempt.sequence if sequence is None else sequence
    return client.post(f"/exams/attempts/{attempt.public_id}/answer?sequence={seq}",
                       json={"answer": answer}, headers={"X-CSRFToken": csrf_from(page)})


def answer_until_graded(app, client) -> ExamAttempt:
    """Answer every item correctly until the attempt leaves its parts; the graded attempt."""
    for _ in range(20):
        if attempt_row(app).state not in ("theory", "practical"):
            break
        assert answer_current(app, client).status_code == 200
    return attempt_row(app)


def test_full_exam_passes_and_issues_a_certificate(app, client, sitting, trainee):
    assert start(client, sitting).status_code == 302
    attempt = answer_until_graded(app, client)
    assert attempt.state == "passed" and attempt.passed
    assert attempt.theory_score >= 60 and attempt.practical_score >= 60
    assert attempt.certificate_serial is None  # the results are not published yet
    with app.app_context():
        from talentpool.certification.service import find_certificate

        publish_now(sitting, appeal_window_days=0)
        attempt = attempt_row(app)
        assert find_certificate(attempt.certificate_serial).valid_until is None  # no expiry
    with app.app_context():
        n_theory = count_responses(ExamResponse.part == "theory")
    assert n_theory == 3  # the fixed form's blueprint
    result = client.get(f"/exams/attempts/{attempt.public_id}").get_data(as_text=True)
    assert attempt.certificate_serial in client.get("/home").get_data(as_text=True) or "tag-operational" in result


def test_the_sessions_organisation_issues_the_certificate(app, client, tmp_path, make_user,
                                                          auth):
    from talentpool.certification.service import find_certificate
    from tests.conftest import make_organisation

    make_ready_bank(app, tmp_path)
    with app.app_context():
        make_organisation("talentpool", "默认评价机构")
        make_organisation("north", "北方技能评价中心", levels=(4,))
        now = utcnow()
        with pytest.raises(exam.ExamError):
            exam.create_session(5, "x", now, now + timedelta(hours=5), None,
                                organisation="nobody")
        session = make_sitting(5, "North · level 5", organisation="north")
        assert session.organisation.slug == "north"
        session_id = session.public_id
    auth.login(make_user(Role.TRAINEE))
    assert start(client, session_id).status_code == 302
    attempt = answer_until_graded(app, client)
    assert attempt.passed and attempt.certificate_serial is None  # not before publication
    with app.app_context():
        publish_now(session_id, appeal_window_days=0)
        certificate = find_certificate(attempt_row(app).certificate_serial)
        assert certificate.organisation.slug == "north"
        assert certificate.issuer_name == "北方技能评价中心"
        # North's registration covers level 4 only: no national title on this level-5 one.
        assert certificate.title_zh == "技能考核成绩证明"


def test_a_passed_mock_exam_never_issues_a_certificate(app, client, bank, trainee):
    assert start(client, bank).status_code == 302
    attempt = answer_until_graded(app, client)
    assert attempt.state == "passed" and attempt.certificate_serial is None
    with app.app_context():
        from talentpool.office import publication

        row = db.session.get(ExamAttempt, attempt.id)
        assert row.session.certifying is False
        assert publication.release_attempt(row, utcnow() + timedelta(days=400)) is False
        with pytest.raises(exam.ExamError):
            exam.issue_certificate(row, None, utcnow())
    assert "mock" in client.get("/exams/").get_data(as_text=True).lower() or \
        "模拟" in client.get("/exams/").get_data(as_text=True)


def test_wrong_answers_fail_and_the_retake_waits(app, client, bank, trainee):
    start(client, bank)
    for _ in range(20):
        if attempt_row(app).state not in ("theory", "practical"):
            break
        answer_current(app, client, correct=False)
    attempt = attempt_row(app)
    assert attempt.state == "failed" and attempt.certificate_serial is None
    reply = start(client, bank)
    assert reply.status_code == 302
    assert "重考" in client.get("/exams/").get_data(as_text=True) or \
        "retake" in client.get("/exams/").get_data(as_text=True)


def test_gold_and_parameters_never_reach_the_exam_page(app, client, bank, trainee):
    start(client, bank)
    for _ in range(4):
        attempt = attempt_row(app)
        html = client.get(f"/exams/attempts/{attempt.public_id}").get_data(as_text=True)
        assert GOLD_SENTINEL not in html and "解析" not in html
        with app.app_context():
            gold = db.session.get(Item, attempt.current_item_id).gold
        assert json.dumps(gold) not in html and json.dumps(gold, ensure_ascii=False) not in html
        assert "category_map" not in html and "thresholds" not in html
        reply = answer_current(app, client)
        assert GOLD_SENTINEL not in reply.get_data(as_text=True)
        assert set(reply.json) <= {"next_url", "state", "item"}
        if "item" in reply.json:  # the next question of the part, as the page will show it
            attempt = attempt_row(app)
            fragment = reply.json["item"]["html"]
            with app.app_context():
                nxt = db.session.get(Item, attempt.current_item_id)
                gold = nxt.gold
            assert reply.json["item"]["type"] == nxt.type_id
            assert GOLD_SENTINEL not in fragment and "解析" not in fragment
            assert json.dumps(gold) not in fragment
            assert json.dumps(gold, ensure_ascii=False) not in fragment
            assert "category_map" not in fragment and "thresholds" not in fragment
            assert f"sequence={attempt.sequence}" in fragment
            page = client.get(f"/exams/attempts/{attempt.public_id}").get_data(as_text=True)
            assert fragment.split('<div class="task-ui">')[1].split("</div>")[0] in page


def test_the_exam_room_offers_no_way_out_but_hand_in_and_log_out(app, client, bank, trainee):
    start(client, bank)
    attempt = attempt_row(app)
    html = client.get(f"/exams/attempts/{attempt.public_id}").get_data(as_text=True)
    assert 'class="mainnav"' not in html and 'class="footer"' not in html
    assert "/practice/" not in html
    assert f"/exams/attempts/{attempt.public_id}/finish" in html
    assert "/accounts/logout" in html
    assert 'class="mainnav"' in client.get("/exams/").get_data(as_text=True)


def test_stale_and_replayed_answers_are_rejected(app, client, bank, trainee):
    start(client, bank)
    first = answer_current(app, client, sequence=0)
    assert first.status_code == 200
    replay = answer_current(app, client, sequence=0)
    assert replay.status_code == 409 and replay.json["error"]
    with app.app_context():
        assert count_responses() == 1


def test_answer_after_the_deadline_is_refused_and_answers_are_kept(app, bank, make_user):
    email = make_user()
    with app.test_request_context():
        user = find_user_by_email(email)
        attempt = exam.start_attempt(user.id, bank)
        exam.submit_answer(attempt, 0, gold_for(attempt.current_item_id))
        late = attempt.part_deadline + timedelta(seconds=31)
        with pytest.raises(exam.DeadlinePassed):
            exam.submit_answer(attempt, 1, gold_for(attempt.current_item_id), now=late)
        attempt = db.session.get(ExamAttempt, attempt.id)
        assert attempt.state == "practical" and attempt.theory_score is not None
        assert count_responses() == 1
        within_grace = attempt.part_deadline + timedelta(seconds=29)
        exam.submit_answer(attempt, attempt.sequence, gold_for(attempt.current_item_id),
                           now=within_grace)


def test_overdue_job_closes_and_grades_once(app, bank, make_user):
    email = make_user()
    with app.test_request_context():
        user = find_user_by_email(email)
        attempt = exam.start_attempt(user.id, bank)
        much_later = utcnow() + timedelta(hours=3)
        assert "closed 1" in exam.close_overdue(much_later)
        assert "closed 0" in exam.close_overdue(much_later)
        attempt = db.session.get(ExamAttempt, attempt.id)
        assert attempt.state == "failed" and attempt.finished_at is not None
        # Nobody was there for the practical part: it was never started, not scored as blank.
        assert attempt.part_results["practical"]["status"] == "not_attempted"


def test_resume_after_closing_the_browser(app, client, bank, trainee, auth):
    start(client, bank)
    answer_current(app, client)
    attempt = attempt_row(app)
    other = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(other).login(trainee)
    page = other.get(f"/exams/attempts/{attempt.public_id}")
    assert page.status_code == 200 and f"sequence={attempt.sequence}" in page.get_data(as_text=True)
    assert start(other, bank).headers["Location"].endswith(attempt.public_id)


def test_two_tabs_starting_at_once_get_one_attempt(app, bank, make_user):
    email = make_user()
    barrier, ids, errors = threading.Barrier(4), [], []

    def begin():
        with app.test_request_context():
            user_id = find_user_by_email(email).id
            db.session.rollback()  # end the read transaction before racing
            barrier.wait(timeout=30)
            try:
                ids.append(exam.start_attempt(user_id, bank).id)
            except Exception as error:  # noqa: BLE001
                errors.append(repr(error))

    threads = [threading.Thread(target=begin) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(set(ids)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ExamAttempt).where(REAL)) == 1


def test_concurrent_finish_grades_exactly_once(app, bank, make_user):
    email = make_user()
    with app.test_request_context():
        user = find_user_by_email(email)
        attempt = exam.start_attempt(user.id, bank)
        attempt_id, sequence = attempt.id, attempt.sequence
    barrier, outcomes = threading.Barrier(3), []

    def hand_in():
        with app.test_request_context():
            row = db.session.get(ExamAttempt, attempt_id)
            db.session.rollback()  # end the read transaction before racing
            barrier.wait(timeout=30)
            try:
                exam.finish(row, sequence)
                outcomes.append("graded")
            except exam.StaleAnswer:
                outcomes.append("stale")

    threads = [threading.Thread(target=hand_in) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["graded", "stale", "stale"]
    with app.app_context():
        assert db.session.get(ExamAttempt, attempt_id).state == "failed"


def test_level_4_needs_a_level_5_certificate(app, tmp_path, bank, make_user):
    email = make_user()
    with app.test_request_context():
        user = find_user_by_email(email)
        now = utcnow()
        assert "level 5" in exam.eligibility_problem(user.id, 4, now) or \
            "5" in exam.eligibility_problem(user.id, 4, now)
        from talentpool.certification.service import issue_certificate

        issue_certificate(user, 5, 80, 80)
        assert exam.eligibility_problem(user.id, 4, now) is None


def test_passing_level_4_leaves_the_level_5_certificate_valid(app, client, bank, trainee):
    from talentpool.assessment.exam_bank import held_levels
    from talentpool.certification.service import issue_certificate

    with app.test_request_context():
        user_id = find_user_by_email(trainee).id
        level_5 = issue_certificate(find_user_by_email(trainee), 5, 80, 80).serial
        level_4_session = make_sitting(4, "Level 4 · test").public_id
    assert start(client, level_4_session).status_code == 302
    answer_until_graded(app, client)
    assert (attempt_row(app).level, attempt_row(app).state) == (4, "passed")
    with app.test_request_context():
        publish_now(level_4_session, appeal_window_days=0)
    attempt = attempt_row(app)
    assert attempt.certificate_serial
    with app.test_request_context():
        assert held_levels(user_id, utcnow()) == {4, 5}
    for serial in (level_5, attempt.certificate_serial):
        assert client.get(f"/api/v1/certificates/{serial}").get_json()["status"] == "valid"
        assert 'data-status="valid"' in client.get(f"/verify/{serial}").get_data(as_text=True)


def test_a_level_with_a_validity_period_issues_expiring_certificates(app, tmp_path, client,
                                                                      trainee):
    from talentpool.certification.service import certificate_status, find_certificate

    make_ready_bank(app, tmp_path, validity_years=2)
    with app.app_context():
        session = make_sitting(5, "Level 5 · test").public_id
    start(client, session)
    answer_until_graded(app, client)
    with app.app_context():
        publish_now(session, appeal_window_days=0)
        certificate = find_certificate(attempt_row(app).certificate_serial)
        assert certificate.valid_until.year == certificate.valid_from.year + 2
        assert certificate_status(certificate, certificate.valid_until) == "expired"
        assert certificate_status(certificate, certificate.valid_until - timedelta(seconds=1)) \
            == "valid"


def test_element_feedback_only_after_the_session_closes(app, bank, make_user):
    email = make_user()
    with app.test_request_context():
        user = find_user_by_email(email)
        attempt = exam.start_attempt(user.id, bank)
        exam.finish(attempt, attempt.sequence)
        attempt = db.session.get(ExamAttempt, attempt.id)
        assert exam.element_feedback(attempt, utcnow()) is None
        after = attempt.session.closes_at + timedelta(minutes=1)
        assert exam.element_feedback(attempt, after) is not None


def test_someone_elses_attempt_is_404(app, client, bank, trainee, make_user):
    other = make_user()
    with app.test_request_context():
        foreign = exam.start_attempt(find_user_by_email(other).id, bank).public_id
    assert client.get(f"/exams/attempts/{foreign}").status_code == 404


def test_session_with_too_few_items_is_refused(app, bank):
    with app.test_request_context():
        with pytest.raises(exam.ExamError, match="T1.1"):
            app.config["EXAM_SCHEME"] = str(make_scheme_with_big_form(app))
            exam.create_session(5, "x", utcnow(), utcnow() + timedelta(hours=1), None)


def make_scheme_with_big_form(app):
    from pathlib import Path

    path = Path(app.config["EXAM_SCHEME"])
    data = yaml.safe_load(path.read_text())
    data["levels"][0]["theory"]["blueprint"] = {"T1.1": 50}
    data["levels"][0]["theory"]["max_items"] = 50
    big = path.with_name("big-scheme.yaml")
    big.write_text(yaml.safe_dump(data, allow_unicode=True))
    return big
