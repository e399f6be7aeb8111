"""In Chromium: a trainee starts an exam, sees the server's clock, answers, and resumes."""

from datetime import timedelta

from talentpool.accounts.service import create_user
from talentpool.assessment import exam
from talentpool.assessment.service import import_path
from talentpool.auth import Role
from talentpool.database import utcnow
from tests.assessment.test_exam import make_scheme
from tests.conftest import PASSWORD
from tests.packs import make_item, make_pack


def test_exam_in_the_browser(live_app, live_server, page, tmp_path):
    live_app.config["EXAM_SCHEME"] = str(make_scheme(tmp_path / "scheme"))
    with live_app.app_context():
        import_path(make_pack(tmp_path / "packs", "theory-pack", track="theory",
                              items=[make_item("single_choice", f"t{n}", element="T1.1")
                                     for n in range(4)]))
        import_path(make_pack(tmp_path / "packs", "ranking-pack",
                              items=[make_item("ranking", f"r{n}") for n in range(5)]))
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
    page.get_by_role("button", name="Save answer and continue").click()
    page.wait_for_function("document.querySelector('.exam-bar').innerText.includes('Question 2')")
    url = page.url
    page.goto(f"{live_server}/home")  # leave, as if the browser were closed
    page.goto(url)
    assert "Question 2" in page.locator(".exam-bar").inner_text()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Hand in the exam now").click()
    page.wait_for_selector("text=Feedback per assessment element")
    assert page.locator(".skill-score").count() == 2
