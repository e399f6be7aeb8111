"""In Chromium: a trainee starts an exam, sees the server's clock, answers, resumes, and rides out a
busy server and a lost reply without losing or doubling an answer."""

from datetime import timedelta

from sqlalchemy import func, select

from talentpool.accounts.service import create_user
from talentpool.assessment import exam
from talentpool.assessment.field_test import FIELD_TEST_STATE
from talentpool.assessment.models import ExamAttempt, ExamResponse
from talentpool.extensions import db
from talentpool.auth import Role
from talentpool.database import utcnow
from tests.conftest import PASSWORD
from tests.exam_bank import make_ready_bank


def test_exam_in_the_browser(live_app, live_server, page, tmp_path):
    make_ready_bank(live_app, tmp_path)
    with live_app.app_context():
        exam.create_session(5, "Level 5 · browser", utcnow() - timedelta(minutes=5),
                            utcnow() + timedelta(hours=2), None)
        create_user("candidate@example.org", "考生", PASSWORD, Role.TRAINEE)
    page.goto(f"{live_server}/accounts/login")
    page.get_by_role("button", name="English").click()
    page.get_by_label("E-mail address").fill("candidate@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server}/home")
    page.goto(f"{live_server}/exams/")
    page.get_by_role("button", name="Start or continue").click()
    page.wait_for_selector("#exam-clock")
    assert page.locator("#exam-clock").inner_text().startswith(("29:", "30:"))
    assert "Question 1" in page.locator(".exam-bar").inner_text()
    page.keyboard.press("3")  # the third option
    page.evaluate("window.loadedOnce = true")
    page.get_by_role("button", name="Save answer and continue").click()
    page.locator(".exam-bar", has_text="Question 2").wait_for()
    # The reply carried the next question: swapped in place, no page load, focus on its prompt.
    assert page.evaluate("window.loadedOnce") is True
    assert page.evaluate("document.activeElement.classList.contains('task-prompt')")
    page.keyboard.press("1")  # the swapped-in item's own keys work
    assert page.locator("#task input[type=radio]").first.is_checked()
    url = page.url
    page.goto(f"{live_server}/home")  # leave, as if the browser were closed
    page.goto(url)
    assert "Question 2" in page.locator(".exam-bar").inner_text()

    # A busy server: the first send gets 503 with Retry-After 1, the second gets through as if
    # its reply was lost, the third is refused as already stored: the page waits, sends the same
    # answer again, then loads the next question; the answer is stored once.
    replies = []

    def busy_then_lost(route):
        replies.append(len(replies))
        if len(replies) == 1:
            route.fulfill(status=503, headers={"Retry-After": "1"},
                          json={"error": "busy", "status": 503})
        elif len(replies) == 2:
            route.fetch()  # stored by the server; the page never hears of it
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/answer?sequence=*", busy_then_lost)
    page.keyboard.press("2")
    page.get_by_role("button", name="Save answer and continue").click()
    page.get_by_text("The server is busy. Your answer is kept on this page and will be sent "
                     "again in 1 s.").wait_for()
    page.locator(".exam-bar", has_text="Question 3").wait_for()
    page.unroute("**/answer?sequence=*")
    assert len(replies) == 3
    with live_app.app_context():
        attempt = db.session.scalars(select(ExamAttempt).where(
            ExamAttempt.state != FIELD_TEST_STATE)).one()
        assert db.session.scalar(select(func.count()).select_from(ExamResponse).where(
            ExamResponse.attempt_id == attempt.id)) == 2
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Hand in the exam now").click()
    page.wait_for_selector("text=Feedback per assessment element")
    assert page.locator(".skill-score").count() == 2
    assert "not attempted" in page.locator("main").inner_text()  # the practical part
