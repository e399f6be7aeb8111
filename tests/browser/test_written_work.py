"""In Chromium: a candidate answers a written task with a file, two raters score it blind and
disagree, an adjudicator decides, and the candidate's result appears.

The candidate sits a level-3 session (a mock, so the result shows without publication); the
theory part is answered through the exam service, the written tasks on their pages. The second
written answer is scored through the rating service to keep the walk short.
"""

from __future__ import annotations

from datetime import timedelta

from talentpool.accounts.models import User
from talentpool.accounts.service import create_user
from talentpool.assessment import exam
from talentpool.assessment.models import Item
from talentpool.auth import Role
from talentpool.certification.service import issue_certificate
from talentpool.database import utcnow
from talentpool.extensions import db
from talentpool.organisations import office
from talentpool.organisations.service import default_organisation
from talentpool.rating import service as rating
from talentpool.rating.models import RatingTask
from talentpool.scoring import get_scorer
from tests.browser.test_content_security_policy import Watch
from tests.browser.test_office_path import PDF, signed_in
from tests.conftest import PASSWORD
from tests.exam_bank import make_ready_bank


def score_on_page(page, server, assignment_id, scope, examples):
    page.goto(f"{server}/rating/answers/{assignment_id}")
    page.locator(f"[data-criterion=scope] input[value='{scope}']").check()
    page.locator(f"[data-criterion=examples] input[value='{examples}']").check()
    page.get_by_role("button", name="Save my scores").click()
    page.get_by_text("Your scores are saved.").wait_for()


def test_written_work_from_answer_to_result(live_app, live_server, browser, tmp_path):
    make_ready_bank(live_app, tmp_path, rated_levels=(3,))
    with live_app.test_request_context():
        organisation = default_organisation()
        organisation_slug = organisation.slug
        admin = create_user("office@example.org", "考务管理员", PASSWORD, Role.ADMIN)
        candidate = create_user("candidate@example.org", "王小明", PASSWORD, Role.TRAINEE)
        for level in (5, 4):
            issue_certificate(candidate, level, 80, 80)
        for n in range(3):
            create_user(f"rater{n}@example.org", f"考评员{n}", PASSWORD, Role.TRAINEE)
            office.appoint(organisation, f"rater{n}@example.org", "rater", admin)
        session = exam.create_session(3, "Level 3 · mock", utcnow() - timedelta(minutes=5),
                                      utcnow() + timedelta(hours=3), None)
        attempt = exam.start_attempt(candidate.id, session.public_id)
        while attempt.state == "theory":
            item = db.session.get(Item, attempt.current_item_id)
            attempt = exam.submit_answer(attempt, attempt.sequence, get_scorer(
                item.type_id).gold_answer(item.spec, item.gold))
        public_id = attempt.public_id
    upload = tmp_path / "test-report.pdf"
    upload.write_bytes(PDF)
    # The candidate writes the first task with a file, then the second.
    writer = signed_in(browser, live_server, "candidate@example.org")
    watches = [Watch(writer, live_server)]  # CSP violations and script errors, every page
    writer.goto(f"{live_server}/exams/attempts/{public_id}")
    assert writer.locator(".tp-material table").count() >= 1  # the data sample, rendered
    writer.get_by_label("Your answer").fill("## 标注规范\n\n| 标签 | 定义 |\n|---|---|\n| 负面 | 不满 |")
    writer.locator(".tp-file-input").set_input_files(str(upload))
    writer.locator(".tp-file-list li", has_text="test-report.pdf").wait_for()
    writer.get_by_role("button", name="Save answer and continue").click()
    writer.locator(".exam-bar", has_text="Question 2").wait_for()
    writer.get_by_label("Your answer").fill("第二题的作答")
    writer.get_by_role("button", name="Save answer and continue").click()
    writer.get_by_text("written work with the raters").wait_for()
    with live_app.test_request_context():
        first, second = rating.tasks_of_attempt(attempt.id)
        first_id = first.id
        one, two = [(a.rater_id, a.public_id) for a in first.assignments]
        emails = dict(db.session.execute(db.select(User.id, User.email)).all())
        for assignment in second.assignments:  # agreeing raters, through the service
            rating.submit_rating(assignment.rater_id, assignment.public_id,
                                 {"scope": 2, "examples": 3}, {})
    # Two raters score the first answer blind and disagree: 7 and 2 of 7 points.
    first_rater = signed_in(browser, live_server, emails[one[0]])
    watches.append(Watch(first_rater, live_server))
    first_rater.goto(f"{live_server}/rating/")
    first_rater.locator(f"[data-assignment='{one[1]}'] a").click()
    page_text = first_rater.locator("main").inner_text()
    assert "王小明" not in page_text and "candidate@example.org" not in page_text
    assert first_rater.locator(".answer-text table").count() == 1  # the Markdown table
    with first_rater.expect_download() as download:
        first_rater.get_by_role("link", name="test-report.pdf").click()
    assert download.value.suggested_filename == "test-report.pdf"
    score_on_page(first_rater, live_server, one[1], 4, 3)
    second_rater = signed_in(browser, live_server, emails[two[0]])
    score_on_page(second_rater, live_server, two[1], 2, 0)
    with live_app.test_request_context():
        first = db.session.get(RatingTask, first_id)
        assert first.state == "adjudication"
        (adjudication,) = [a for a in first.assignments if a.role == "adjudicator"]
        adjudicator_email, adjudication_id = emails[adjudication.rater_id], adjudication.public_id
    adjudicator = signed_in(browser, live_server, adjudicator_email)
    watches.append(Watch(adjudicator, live_server))
    adjudicator.goto(f"{live_server}/rating/")
    adjudicator.locator(f"[data-assignment='{adjudication_id}'] a").click()
    adjudicator.get_by_text("disagreed by more than the scheme allows").wait_for()
    score_on_page(adjudicator, live_server, adjudication_id, 4, 3)
    # The candidate's result: (7 + 5) of 14 points → 86, passed.
    writer.goto(f"{live_server}/exams/attempts/{public_id}")
    practical = writer.locator(".skill-card", has_text="Practical")
    assert practical.locator(".skill-score").inner_text() == "86"
    assert "12.0 of 14 rubric points" in practical.inner_text()
    # One candidate is too few to adjust for rater severity, and the page says so.
    assert "severity adjustment needs at least 30" in practical.inner_text()
    # The office sees the answers' agreement and the raters.
    staff = signed_in(browser, live_server, "office@example.org")
    watches.append(Watch(staff, live_server))
    staff.goto(f"{live_server}/admin/organisations/{organisation_slug}/rating")
    assert "Agreement per task" in staff.locator("main").inner_text()
    assert "No written answer is waiting for its raters." in staff.locator("main").inner_text()
    assert [problem for watch in watches for problem in watch.settle()] == []
